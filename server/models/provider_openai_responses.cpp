// openai-responses: POST {base}/responses with stream: true and store: false (flint keeps the
// conversation itself; nothing needs to live on OpenAI's side). The stream is typed events:
// response.output_text.delta carries text; a function call is an output item whose
// arguments stream in response.function_call_arguments.delta and which is delivered when
// response.output_item.done closes it; response.completed / response.incomplete end the
// stream, response.failed and error fail it. There is no [DONE]. Reasoning
// (response.reasoning_summary_text.delta, response.reasoning_text.delta, and the older
// response.reasoning.delta / response.reasoning_summary.delta) becomes ReasoningDelta,
// refusal content (response.refusal.delta) RefusalDelta.
// Left out on purpose: temperature (the reasoning models this API is used for reject it) and
// stop sequences (the API has none).

#include <map>

#include "server/models/provider_support.h"

namespace flint::models::detail {
namespace {

json input_items(const std::vector<Message>& messages) {
  json items = json::array();
  for (const Message& message : messages) {
    if (message.role == "tool") {
      items.push_back({{"type", "function_call_output"},
                       {"call_id", message.tool_call_id},
                       {"output", message.content}});
      continue;
    }
    if (!message.content.empty() || message.tool_calls.empty()) {
      items.push_back({{"role", message.role}, {"content", message.content}});
    }
    for (const ToolCall& call : message.tool_calls) {
      items.push_back({{"type", "function_call"},
                       {"call_id", call.id},
                       {"name", call.name},
                       {"arguments", call.arguments_json}});
    }
  }
  return items;
}

class OpenAiResponsesDecoder final : public SseStreamDecoder {
 protected:
  bool handle(const SseEvent& event) override {
    auto data = parse_json(event.data);
    if (!data || !data->is_object()) {
      emit(malformed_event("an openai-responses event is not a JSON object", event.data));
      return true;
    }
    std::string type = string_field(*data, "type");
    if (type.empty()) type = std::string(event.type);

    if (type == "response.output_text.delta") {
      if (std::string text = string_field(*data, "delta"); !text.empty()) {
        emit(TextDelta{std::move(text)});
      }
    } else if (type == "response.reasoning_summary_text.delta" ||
               type == "response.reasoning_text.delta") {
      typed_reasoning_ = true;
      if (std::string text = string_field(*data, "delta"); !text.empty()) {
        emit(ReasoningDelta{std::move(text)});
      }
    } else if (type == "response.reasoning.delta" || type == "response.reasoning_summary.delta") {
      // An earlier version of the API: "delta" is {"text": …} (or a string). Ignored once the
      // current events were seen, which would say the same.
      const json& delta = member(*data, "delta");
      std::string text = delta.is_string() ? delta.get<std::string>() : string_field(delta, "text");
      if (!typed_reasoning_ && !text.empty()) emit(ReasoningDelta{std::move(text)});
    } else if (type == "response.refusal.delta") {
      refused_ = true;
      if (std::string text = string_field(*data, "delta"); !text.empty()) {
        emit(RefusalDelta{std::move(text)});
      }
    } else if (type == "response.refusal.done") {
      // The whole refusal again; only used when no delta came before it.
      if (std::string text = string_field(*data, "refusal"); !refused_ && !text.empty()) {
        emit(RefusalDelta{std::move(text)});
      }
      refused_ = true;
    } else if (type == "response.output_item.added") {
      const json& item = member(*data, "item");
      if (string_field(item, "type") == "function_call") {
        calls_[string_field(item, "id")] =
            ToolCall{string_field(item, "call_id"), string_field(item, "name"),
                     string_field(item, "arguments")};
      }
    } else if (type == "response.function_call_arguments.delta") {
      calls_[string_field(*data, "item_id")].arguments_json += string_field(*data, "delta");
    } else if (type == "response.function_call_arguments.done") {
      calls_[string_field(*data, "item_id")].arguments_json = string_field(*data, "arguments");
    } else if (type == "response.output_item.done") {
      const json& item = member(*data, "item");
      if (string_field(item, "type") == "function_call") finish_call(item);
    } else if (type == "response.completed" || type == "response.incomplete") {
      end(type, member(*data, "response"));
    } else if (type == "response.failed") {
      const json& error = member(member(*data, "response"), "error");
      emit(provider_error(string_field(error, "code"), string_field(error, "message")));
    } else if (type == "error") {
      std::string code = string_field(*data, "code");
      // Older servers nest it: {"type":"error","error":{...}}.
      const json& nested = member(*data, "error").is_object() ? member(*data, "error") : *data;
      if (code.empty()) code = string_field(nested, "code");
      if (code.empty()) code = string_field(nested, "type");
      emit(provider_error(code, string_field(nested, "message")));
    }
    return true;
  }

  void at_eof() override {
    emit(ModelError{ModelError::Kind::kMalformedStream, 0,
                    "the openai-responses stream ended before response.completed"});
  }

 private:
  void finish_call(const json& item) {
    std::string item_id = string_field(item, "id");
    ToolCall call = std::move(calls_[item_id]);
    calls_.erase(item_id);
    if (std::string id = string_field(item, "call_id"); !id.empty()) call.id = std::move(id);
    if (std::string name = string_field(item, "name"); !name.empty()) call.name = std::move(name);
    if (auto arguments = item.find("arguments");
        arguments != item.end() && arguments->is_string()) {
      call.arguments_json = arguments->get<std::string>();
    }
    if (call.id.empty()) call.id = item_id;
    ++tool_calls_;
    emit(std::move(call));
  }

  void end(const std::string& type, const json& response) {
    std::optional<Usage> usage;
    if (const json& it = member(response, "usage"); it.is_object()) {
      usage = Usage{int_field(it, "input_tokens"), int_field(it, "output_tokens")};
    }
    std::string reason = tool_calls_ > 0 ? "tool_calls" : "stop";
    if (type == "response.incomplete") {
      std::string why = string_field(member(response, "incomplete_details"), "reason");
      reason = normalize_finish_reason(why.empty() ? "length" : why);
    }
    emit(StreamEnd{reason, usage});
  }

  std::map<std::string, ToolCall> calls_;  // by output item id, while arguments stream
  int tool_calls_ = 0;
  bool typed_reasoning_ = false;  // response.reasoning_(summary_)text.delta seen
  bool refused_ = false;          // response.refusal.delta seen
};

class OpenAiResponsesProvider final : public Provider {
 public:
  std::string_view name() const override { return "openai-responses"; }
  bool supports_fim() const override { return false; }
  std::string_view base_url_example() const override { return "https://api.openai.com/v1"; }
  std::string chat_url(const ModelRoleConfig& config) const override {
    return join_url(config.base_url, "/responses");
  }

  HttpRequest chat_request(const ModelRoleConfig& config,
                           const ChatRequest& request) const override {
    json body = {{"model", config.model},
                 {"stream", true},
                 {"store", false},
                 {"max_output_tokens", effective_max_tokens(config, request.max_tokens)},
                 {"input", input_items(request.messages)}};
    if (!request.tools.empty()) {
      json tools = json::array();
      for (const ToolSpec& tool : request.tools) {
        tools.push_back({{"type", "function"},
                         {"name", tool.name},
                         {"description", tool.description},
                         {"parameters", tool.parameters}});
      }
      body["tools"] = std::move(tools);
    }
    return openai_sse_request(config, chat_url(config), body);
  }

  std::unique_ptr<StreamDecoder> decoder(RequestKind) const override {
    return std::make_unique<OpenAiResponsesDecoder>();
  }
};

}  // namespace

const Provider& openai_responses_provider() {
  static const OpenAiResponsesProvider provider;
  return provider;
}

}  // namespace flint::models::detail
