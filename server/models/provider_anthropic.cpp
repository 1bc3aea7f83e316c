// anthropic: POST {base}/v1/messages with stream: true, headers x-api-key and
// anthropic-version: 2023-06-01. System messages go to the top-level "system"; tool results
// become tool_result blocks of a user turn (consecutive results share one turn, as the API
// requires). The stream: message_start, content_block_start/delta/stop (text_delta,
// input_json_delta; thinking_delta and redacted_thinking blocks are ReasoningDelta,
// signature_delta is ignored), message_delta (stop_reason, output usage; stop_reason
// "refusal" also reports the message's text as the refusal), message_stop; ping is a
// heartbeat and does not count as activity; error fails the stream.

#include <map>

#include "server/models/provider_support.h"

namespace flint::models::detail {
namespace {

json tool_use_block(const ToolCall& call) {
  json input = parse_json(call.arguments_json).value_or(json::object());
  if (!input.is_object()) input = json::object();
  return {{"type", "tool_use"}, {"id", call.id}, {"name", call.name}, {"input", std::move(input)}};
}

json anthropic_messages(const std::vector<Message>& messages, std::string& system) {
  json out = json::array();
  for (const Message& message : messages) {
    if (message.role == "system") {
      if (!system.empty()) system += "\n\n";
      system += message.content;
    } else if (message.role == "tool") {
      json block = {{"type", "tool_result"},
                    {"tool_use_id", message.tool_call_id},
                    {"content", message.content}};
      bool extend = !out.empty() && out.back()["role"] == "user" &&
                    out.back()["content"].is_array() && !out.back()["content"].empty() &&
                    out.back()["content"].back()["type"] == "tool_result";
      if (extend) {
        out.back()["content"].push_back(std::move(block));
      } else {
        out.push_back({{"role", "user"}, {"content", json::array({std::move(block)})}});
      }
    } else if (message.role == "assistant" && !message.tool_calls.empty()) {
      json content = json::array();
      if (!message.content.empty()) {
        content.push_back({{"type", "text"}, {"text", message.content}});
      }
      for (const ToolCall& call : message.tool_calls) content.push_back(tool_use_block(call));
      out.push_back({{"role", "assistant"}, {"content", std::move(content)}});
    } else {
      out.push_back({{"role", message.role}, {"content", message.content}});
    }
  }
  return out;
}

class AnthropicDecoder final : public SseStreamDecoder {
 protected:
  bool handle(const SseEvent& event) override {
    auto data = parse_json(event.data);
    if (!data || !data->is_object()) {
      emit(malformed_event("an anthropic event is not a JSON object", event.data));
      return true;
    }
    std::string type = string_field(*data, "type");
    if (type.empty()) type = std::string(event.type);

    if (type == "ping") return false;
    if (type == "message_start") {
      const json& usage = member(member(*data, "message"), "usage");
      if (usage.is_object()) {
        usage_ = Usage{int_field(usage, "input_tokens"), int_field(usage, "output_tokens")};
      }
    } else if (type == "content_block_start") {
      const json& block = member(*data, "content_block");
      std::string block_type = string_field(block, "type");
      if (block_type == "thinking") {
        if (std::string text = string_field(block, "thinking"); !text.empty()) {
          emit(ReasoningDelta{std::move(text)});
        }
      } else if (block_type == "redacted_thinking") {
        emit(ReasoningDelta{});  // encrypted: the model thinks, nothing to show
      } else if (block_type == "tool_use") {
        ToolBlock& tool = tools_[int_field(*data, "index")];
        tool.id = string_field(block, "id");
        tool.name = string_field(block, "name");
        const json& input = member(block, "input");
        if (input.is_object() && !input.empty()) tool.initial_input = dump_body(input);
      }
    } else if (type == "content_block_delta") {
      const json& delta = member(*data, "delta");
      std::string delta_type = string_field(delta, "type");
      if (delta_type == "text_delta") {
        if (std::string text = string_field(delta, "text"); !text.empty()) {
          message_text_ += text;
          emit(TextDelta{std::move(text)});
        }
      } else if (delta_type == "thinking_delta") {
        if (std::string text = string_field(delta, "thinking"); !text.empty()) {
          emit(ReasoningDelta{std::move(text)});
        }
      } else if (delta_type == "input_json_delta") {
        tools_[int_field(*data, "index")].partial_json += string_field(delta, "partial_json");
      }
    } else if (type == "content_block_stop") {
      auto it = tools_.find(int_field(*data, "index"));
      if (it != tools_.end()) {
        ToolBlock tool = std::move(it->second);
        tools_.erase(it);
        std::string arguments = !tool.partial_json.empty()    ? std::move(tool.partial_json)
                                : !tool.initial_input.empty() ? std::move(tool.initial_input)
                                                              : std::string("{}");
        emit(ToolCall{std::move(tool.id), std::move(tool.name), std::move(arguments)});
      }
    } else if (type == "message_delta") {
      if (std::string reason = string_field(member(*data, "delta"), "stop_reason");
          !reason.empty()) {
        stop_reason_ = normalize_finish_reason(reason);
        // Anthropic has no refusal channel: the refused message's text is the refusal.
        if (stop_reason_ == "refusal" && !message_text_.empty()) {
          emit(RefusalDelta{std::move(message_text_)});
          message_text_.clear();
        }
      }
      const json& usage = member(*data, "usage");
      if (usage.is_object()) {
        Usage total = usage_.value_or(Usage{});
        if (usage.contains("input_tokens")) total.input_tokens = int_field(usage, "input_tokens");
        total.output_tokens = int_field(usage, "output_tokens");
        usage_ = total;
      }
    } else if (type == "message_stop") {
      emit(StreamEnd{stop_reason_.empty() ? "stop" : stop_reason_, usage_});
    } else if (type == "error") {
      const json& error = member(*data, "error");
      emit(provider_error(string_field(error, "type"), string_field(error, "message")));
    }
    return true;
  }

  void at_eof() override {
    if (!stop_reason_.empty()) {
      emit(StreamEnd{stop_reason_, usage_});
    } else {
      emit(ModelError{ModelError::Kind::kMalformedStream, 0,
                      "the anthropic stream ended before message_stop"});
    }
  }

 private:
  struct ToolBlock {
    std::string id, name, partial_json, initial_input;
  };
  std::map<int64_t, ToolBlock> tools_;  // by content block index, while input streams
  std::string stop_reason_;
  std::string message_text_;  // the answer so far, for a refusal's text
  std::optional<Usage> usage_;
};

class AnthropicProvider final : public Provider {
 public:
  std::string_view name() const override { return "anthropic"; }
  bool supports_fim() const override { return false; }
  std::string_view base_url_example() const override { return "https://api.anthropic.com"; }
  std::string chat_url(const ModelRoleConfig& config) const override {
    return join_url(config.base_url, "/v1/messages");
  }

  HttpRequest chat_request(const ModelRoleConfig& config,
                           const ChatRequest& request) const override {
    std::string system;
    json messages = anthropic_messages(request.messages, system);
    json body = {{"model", config.model},
                 {"stream", true},
                 {"max_tokens", effective_max_tokens(config, request.max_tokens)},
                 {"temperature", config.temperature},
                 {"messages", std::move(messages)}};
    if (!system.empty()) body["system"] = system;
    if (!request.stop.empty()) body["stop_sequences"] = request.stop;
    if (!request.tools.empty()) {
      json tools = json::array();
      for (const ToolSpec& tool : request.tools) {
        tools.push_back({{"name", tool.name},
                         {"description", tool.description},
                         {"input_schema", tool.parameters}});
      }
      body["tools"] = std::move(tools);
    }
    HttpRequest http{chat_url(config),
                     {"Content-Type: application/json", "Accept: text/event-stream",
                      "anthropic-version: 2023-06-01"},
                     dump_body(body)};
    if (!config.api_key.empty()) http.headers.push_back("x-api-key: " + config.api_key);
    return http;
  }

  std::unique_ptr<StreamDecoder> decoder(RequestKind) const override {
    return std::make_unique<AnthropicDecoder>();
  }
};

}  // namespace

const Provider& anthropic_provider() {
  static const AnthropicProvider provider;
  return provider;
}

}  // namespace flint::models::detail
