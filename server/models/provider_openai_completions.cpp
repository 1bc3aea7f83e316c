// openai-completions: fill-in-the-middle through POST {base}/completions with prompt + suffix
// and stream: true (OpenAI's legacy completions; vLLM and llama.cpp server accept suffix
// too). Chat requests are refused: the completion feature is its only user.

#include "server/models/provider_support.h"

namespace flint::models::detail {
namespace {

class OpenAiCompletionsDecoder final : public SseStreamDecoder {
 protected:
  bool handle(const SseEvent& event) override {
    if (event.data == "[DONE]") {
      emit(StreamEnd{finish_reason_.empty() ? "stop" : finish_reason_, usage_});
      return true;
    }
    auto chunk = parse_json(event.data);
    if (!chunk || !chunk->is_object()) {
      emit(malformed_event("an openai-completions event is not a JSON object", event.data));
      return true;
    }
    if (const json& error = member(*chunk, "error");
        error.is_object() || (error.is_string() && !error.get_ref<const std::string&>().empty())) {
      emit(openai_stream_error(error));
      return true;
    }
    if (auto usage = chunk->find("usage"); usage != chunk->end() && usage->is_object()) {
      usage_ = Usage{int_field(*usage, "prompt_tokens"), int_field(*usage, "completion_tokens")};
    }
    // Only choices[].text is answer text; usage-only chunks have "choices": [].
    auto choices = chunk->find("choices");
    if (choices == chunk->end() || !choices->is_array()) return true;
    for (const json& choice : *choices) {
      if (int_field(choice, "index") != 0) continue;
      if (std::string text = string_field(choice, "text"); !text.empty()) {
        emit(TextDelta{std::move(text)});
      }
      if (std::string reason = string_field(choice, "finish_reason"); !reason.empty()) {
        finish_reason_ = normalize_finish_reason(reason);
      }
    }
    return true;
  }

  void at_eof() override {
    if (!finish_reason_.empty()) {
      emit(StreamEnd{finish_reason_, usage_});
    } else {
      emit(ModelError{ModelError::Kind::kMalformedStream, 0,
                      "the openai-completions stream ended before the model finished (no "
                      "finish_reason and no [DONE])"});
    }
  }

 private:
  std::string finish_reason_;
  std::optional<Usage> usage_;
};

class OpenAiCompletionsProvider final : public Provider {
 public:
  std::string_view name() const override { return "openai-completions"; }
  bool supports_chat() const override { return false; }
  bool supports_fim() const override { return true; }
  std::string_view base_url_example() const override { return "http://host:port/v1"; }
  std::string chat_url(const ModelRoleConfig& config) const override {
    return join_url(config.base_url, "/completions");
  }

  HttpRequest chat_request(const ModelRoleConfig& config, const ChatRequest&) const override {
    throw std::logic_error("openai-completions has no chat endpoint");
  }

  HttpRequest fim_request(const ModelRoleConfig& config, const FimRequest& request) const override {
    json body = {{"model", config.model},
                 {"prompt", request.prompt},
                 {"suffix", request.suffix},
                 {"stream", true},
                 {"stream_options", {{"include_usage", true}}},
                 {"max_tokens", effective_max_tokens(config, request.max_tokens)},
                 {"temperature", config.temperature}};
    if (!request.stop.empty()) body["stop"] = request.stop;
    return openai_sse_request(config, chat_url(config), body);
  }

  std::unique_ptr<StreamDecoder> decoder(RequestKind) const override {
    return std::make_unique<OpenAiCompletionsDecoder>();
  }
};

}  // namespace

const Provider& openai_completions_provider() {
  static const OpenAiCompletionsProvider provider;
  return provider;
}

}  // namespace flint::models::detail
