// ollama (native API, NDJSON): chat is POST {base}/api/chat, fill-in-the-middle is
// POST {base}/api/generate with prompt + suffix (the model's template does the FIM wrapping).
// Sampling settings go in "options" (temperature, num_predict, stop). Tool calls arrive
// whole, with arguments as a JSON object; the last line has done: true, done_reason ("stop",
// "length", "load" when a model was only loaded: as said) and the token counts
// (prompt_eval_count, eval_count). Thinking models send reasoning in message.thinking (chat)
// or thinking (generate): ReasoningDelta.

#include "server/models/provider_support.h"

namespace flint::models::detail {
namespace {

json ollama_message(const Message& message) {
  json out = {{"role", message.role}, {"content", message.content}};
  if (!message.tool_calls.empty()) {
    json calls = json::array();
    for (const ToolCall& call : message.tool_calls) {
      json arguments = parse_json(call.arguments_json).value_or(json::object());
      calls.push_back({{"function", {{"name", call.name}, {"arguments", std::move(arguments)}}}});
    }
    out["tool_calls"] = std::move(calls);
  }
  if (message.role == "tool" && !message.tool_name.empty()) out["tool_name"] = message.tool_name;
  return out;
}

json ollama_options(const ModelRoleConfig& config, std::optional<int> max_tokens,
                    const std::vector<std::string>& stop) {
  json options = {{"temperature", config.temperature},
                  {"num_predict", effective_max_tokens(config, max_tokens)}};
  if (!stop.empty()) options["stop"] = stop;
  return options;
}

class OllamaDecoder final : public NdjsonStreamDecoder {
 public:
  explicit OllamaDecoder(RequestKind kind) : kind_(kind) {}

 protected:
  void handle(const json& line) override {
    if (const json& error = member(line, "error"); !error.is_null()) {
      emit(provider_error("", error.is_string() ? error.get<std::string>() : error.dump()));
      return;
    }
    if (kind_ == RequestKind::kFim) {
      if (std::string thinking = string_field(line, "thinking"); !thinking.empty()) {
        emit(ReasoningDelta{std::move(thinking)});
      }
      if (std::string text = string_field(line, "response"); !text.empty()) {
        emit(TextDelta{std::move(text)});
      }
    } else {
      const json& message = member(line, "message");
      if (std::string thinking = string_field(message, "thinking"); !thinking.empty()) {
        emit(ReasoningDelta{std::move(thinking)});
      }
      if (std::string text = string_field(message, "content"); !text.empty()) {
        emit(TextDelta{std::move(text)});
      }
      if (const json& calls = member(message, "tool_calls"); calls.is_array()) {
        for (const json& call : calls) emit_tool_call(call);
      }
    }
    if (const json& done = member(line, "done"); done.is_boolean() && done.get<bool>()) {
      std::string reason = normalize_finish_reason(string_field(line, "done_reason"));
      if (reason.empty() || (reason == "stop" && tool_calls_ > 0)) {
        reason = tool_calls_ > 0 ? "tool_calls" : "stop";
      }
      std::optional<Usage> usage;
      if (line.contains("prompt_eval_count") || line.contains("eval_count")) {
        usage = Usage{int_field(line, "prompt_eval_count"), int_field(line, "eval_count")};
      }
      emit(StreamEnd{reason, usage});
    }
  }

  void at_eof() override {
    emit(ModelError{ModelError::Kind::kMalformedStream, 0,
                    "the ollama stream ended before a line with \"done\": true"});
  }

 private:
  void emit_tool_call(const json& call) {
    const json& function = member(call, "function");
    const json& arguments = member(function, "arguments");
    std::string id = string_field(call, "id");
    if (id.empty()) id = "call_" + std::to_string(tool_calls_);
    ++tool_calls_;
    emit(ToolCall{std::move(id), string_field(function, "name"),
                  arguments.is_string() ? arguments.get<std::string>()
                  : arguments.is_null() ? std::string("{}")
                                        : dump_body(arguments)});
  }

  RequestKind kind_;
  int tool_calls_ = 0;
};

class OllamaProvider final : public Provider {
 public:
  std::string_view name() const override { return "ollama"; }
  bool supports_fim() const override { return true; }
  std::string_view base_url_example() const override { return "http://127.0.0.1:11434"; }
  std::string chat_url(const ModelRoleConfig& config) const override {
    return join_url(config.base_url, "/api/chat");
  }

  HttpRequest chat_request(const ModelRoleConfig& config,
                           const ChatRequest& request) const override {
    json messages = json::array();
    for (const Message& message : request.messages) messages.push_back(ollama_message(message));
    json body = {{"model", config.model},
                 {"stream", true},
                 {"messages", std::move(messages)},
                 {"options", ollama_options(config, request.max_tokens, request.stop)}};
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
    return with_headers(config, chat_url(config), body);
  }

  HttpRequest fim_request(const ModelRoleConfig& config, const FimRequest& request) const override {
    json body = {{"model", config.model},
                 {"prompt", request.prompt},
                 {"suffix", request.suffix},
                 {"stream", true},
                 {"options", ollama_options(config, request.max_tokens, request.stop)}};
    return with_headers(config, join_url(config.base_url, "/api/generate"), body);
  }

  std::unique_ptr<StreamDecoder> decoder(RequestKind kind) const override {
    return std::make_unique<OllamaDecoder>(kind);
  }

 private:
  static HttpRequest with_headers(const ModelRoleConfig& config, std::string url,
                                  const json& body) {
    HttpRequest http{std::move(url),
                     {"Content-Type: application/json", "Accept: application/x-ndjson"},
                     dump_body(body)};
    // Ollama needs no key; one is sent when configured (for an authenticating proxy).
    if (!config.api_key.empty()) http.headers.push_back("Authorization: Bearer " + config.api_key);
    return http;
  }
};

}  // namespace

const Provider& ollama_provider() {
  static const OllamaProvider provider;
  return provider;
}

}  // namespace flint::models::detail
