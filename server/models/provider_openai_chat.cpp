// openai-chat: POST {base}/chat/completions with stream: true (OpenAI and the servers that copy
// it: Cerebras, Groq, OpenRouter, vLLM, llama.cpp server, Ollama's /v1). The body asks for
// usage in the last chunk (stream_options.include_usage) and uses max_tokens, which every
// compatible server understands (OpenAI's reasoning models want max_completion_tokens: use
// openai-responses for those). Tool calls stream as deltas keyed by index and are delivered
// whole when the choice finishes. Reasoning (delta.reasoning_content, delta.reasoning,
// delta.reasoning_details) becomes ReasoningDelta, delta.refusal RefusalDelta; an {"error":…}
// chunk fails the stream; usage-only and empty-choices chunks are fine.

#include <map>

#include "server/models/provider_support.h"

namespace flint::models::detail {
namespace {

json chat_message(const Message& message) {
  json out = {{"role", message.role}};
  if (message.role == "tool") {
    out["tool_call_id"] = message.tool_call_id;
    out["content"] = message.content;
    return out;
  }
  if (!message.tool_calls.empty()) {
    out["content"] = message.content.empty() ? json(nullptr) : json(message.content);
    json calls = json::array();
    for (const ToolCall& call : message.tool_calls) {
      calls.push_back({{"id", call.id},
                       {"type", "function"},
                       {"function", {{"name", call.name}, {"arguments", call.arguments_json}}}});
    }
    out["tool_calls"] = std::move(calls);
    return out;
  }
  out["content"] = message.content;
  return out;
}

class OpenAiChatDecoder final : public SseStreamDecoder {
 protected:
  bool handle(const SseEvent& event) override {
    if (event.data == "[DONE]") {
      flush_tool_calls();
      emit(StreamEnd{finish_reason_.empty() ? "stop" : finish_reason_, usage_});
      return true;
    }
    auto chunk = parse_json(event.data);
    if (!chunk || !chunk->is_object()) {
      emit(malformed_event("an openai-chat event is not a JSON object", event.data));
      return true;
    }
    if (const json& error = member(*chunk, "error");
        error.is_object() || (error.is_string() && !error.get_ref<const std::string&>().empty())) {
      emit(openai_stream_error(error));
      return true;
    }
    read_usage(*chunk);
    // Usage-only chunks and Azure's prompt-filter chunk have "choices": [].
    auto choices = chunk->find("choices");
    if (choices == chunk->end() || !choices->is_array()) return true;
    for (json& choice : *choices) {
      if (int_field(choice, "index") != 0) continue;  // we never ask for n > 1
      if (auto delta = choice.find("delta"); delta != choice.end() && delta->is_object()) {
        read_reasoning(*delta);
        if (std::string refusal = string_field(*delta, "refusal"); !refusal.empty()) {
          emit(RefusalDelta{std::move(refusal)});
        }
        // Role-only first deltas carry "content": "" or null.
        if (std::string text = take_string_field(*delta, "content"); !text.empty()) {
          emit(TextDelta{std::move(text)});
        }
        if (auto calls = delta->find("tool_calls"); calls != delta->end() && calls->is_array()) {
          for (const json& call : *calls) add_tool_call_delta(call);
        }
      }
      if (std::string reason = string_field(choice, "finish_reason"); !reason.empty()) {
        finish_reason_ = normalize_finish_reason(reason);
        flush_tool_calls();
      }
    }
    return true;
  }

  void at_eof() override {
    // Some compatible servers end the body without "[DONE]"; a finished choice is enough.
    if (!finish_reason_.empty()) {
      flush_tool_calls();
      emit(StreamEnd{finish_reason_, usage_});
    } else {
      emit(ModelError{ModelError::Kind::kMalformedStream, 0,
                      "the openai-chat stream ended before the model finished (no "
                      "finish_reason and no [DONE])"});
    }
  }

 private:
  // Reasoning has no standard field: DeepSeek, vLLM and llama.cpp send reasoning_content,
  // OpenRouter (and some vLLM and Ollama /v1 versions) reasoning, OpenRouter also
  // reasoning_details, which repeats `reasoning` when both are there: one of them is read.
  void read_reasoning(const json& delta) {
    std::string text = string_field(delta, "reasoning_content");
    if (text.empty()) text = string_field(delta, "reasoning");
    if (text.empty()) {
      if (const json& details = member(delta, "reasoning_details"); details.is_array()) {
        for (const json& detail : details) {
          std::string type = string_field(detail, "type");
          if (type == "reasoning.text") {
            text += string_field(detail, "text");
          } else if (type == "reasoning.summary") {
            text += string_field(detail, "summary");
          }  // reasoning.encrypted has nothing to read
        }
      }
    }
    if (!text.empty()) emit(ReasoningDelta{std::move(text)});
  }

  void read_usage(const json& chunk) {
    const json* usage = nullptr;
    if (auto it = chunk.find("usage"); it != chunk.end() && it->is_object()) usage = &*it;
    // Groq reports usage under x_groq.
    if (auto groq = chunk.find("x_groq"); !usage && groq != chunk.end() && groq->is_object()) {
      if (auto it = groq->find("usage"); it != groq->end() && it->is_object()) usage = &*it;
    }
    if (usage) {
      usage_ = Usage{int_field(*usage, "prompt_tokens"), int_field(*usage, "completion_tokens")};
    }
  }

  void add_tool_call_delta(const json& delta) {
    int64_t index = int_field(delta, "index");
    PendingCall& call = pending_[index];
    if (std::string id = string_field(delta, "id"); !id.empty()) call.id = std::move(id);
    if (auto function = delta.find("function"); function != delta.end()) {
      call.name += string_field(*function, "name");
      call.arguments += string_field(*function, "arguments");
    }
  }

  void flush_tool_calls() {
    for (auto& [index, call] : pending_) {
      if (call.id.empty()) call.id = "call_" + std::to_string(index);
      emit(ToolCall{std::move(call.id), std::move(call.name), std::move(call.arguments)});
    }
    pending_.clear();
  }

  struct PendingCall {
    std::string id, name, arguments;
  };
  std::map<int64_t, PendingCall> pending_;
  std::string finish_reason_;
  std::optional<Usage> usage_;
};

class OpenAiChatProvider final : public Provider {
 public:
  std::string_view name() const override { return "openai-chat"; }
  bool supports_fim() const override { return false; }
  std::string_view base_url_example() const override { return "http://host:port/v1"; }
  std::string chat_url(const ModelRoleConfig& config) const override {
    return join_url(config.base_url, "/chat/completions");
  }

  HttpRequest chat_request(const ModelRoleConfig& config,
                           const ChatRequest& request) const override {
    json body = {{"model", config.model},
                 {"stream", true},
                 {"stream_options", {{"include_usage", true}}},
                 {"max_tokens", effective_max_tokens(config, request.max_tokens)},
                 {"temperature", config.temperature}};
    json messages = json::array();
    for (const Message& message : request.messages) messages.push_back(chat_message(message));
    body["messages"] = std::move(messages);
    if (!request.stop.empty()) body["stop"] = request.stop;
    if (!request.tools.empty()) {
      json tools = json::array();
      for (const ToolSpec& tool : request.tools) {
        tools.push_back({{"type", "function"},
                         {"function",
                          {{"name", tool.name},
                           {"description", tool.description},
                           {"parameters", tool.parameters}}}});
      }
      body["tools"] = std::move(tools);
    }
    if (request.prediction) {
      body["prediction"] = {{"type", "content"}, {"content", *request.prediction}};
    }
    return openai_sse_request(config, chat_url(config), body);
  }

  std::unique_ptr<StreamDecoder> decoder(RequestKind) const override {
    return std::make_unique<OpenAiChatDecoder>();
  }
};

}  // namespace

const Provider& openai_chat_provider() {
  static const OpenAiChatProvider provider;
  return provider;
}

}  // namespace flint::models::detail
