#pragma once
// How each provider API streams, from the server side: the bytes of every event the fake
// endpoint writes (SSE for the OpenAI APIs and Anthropic, NDJSON for Ollama) and the error
// bodies of non-2xx answers. Shapes follow the providers' public API references.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tests/fake_endpoint/script.h"

namespace flint::fake {

enum class Api {
  kOpenAiChat,
  kOpenAiResponses,
  kOpenAiCompletions,
  kOllamaChat,
  kOllamaGenerate,
  kAnthropic
};

// By path (query string ignored): .../chat/completions, .../responses, .../completions,
// /api/chat, /api/generate, .../messages.
std::optional<Api> api_for_path(std::string_view path);
std::string_view api_name(Api api);

struct StreamContext {
  std::string model;
  bool include_usage = false;  // OpenAI: stream_options.include_usage was requested
  int64_t prompt_tokens = 0;
  Quirks quirks;                                      // from the reply
  std::string reasoning_field = "reasoning_content";  // openai-chat's reasoning delta field
  std::string response_id = "resp_flint";             // Responses: the response's id
};

class StreamFormat {
 public:
  static std::unique_ptr<StreamFormat> make(Api api, StreamContext context);
  virtual ~StreamFormat() = default;

  virtual std::string_view content_type() const = 0;
  // Sent with the headers, before the first content event.
  virtual std::string begin() = 0;
  virtual std::string text(std::string_view chunk) = 0;
  // Reasoning on the API's own channel: openai-chat delta.<reasoning_field>, Responses
  // reasoning summary events, Anthropic thinking blocks, Ollama thinking; "" for
  // openai-completions, which has none.
  virtual std::string reasoning(std::string_view chunk) = 0;
  // A refusal on the API's channel: openai-chat delta.refusal, Responses refusal content,
  // Anthropic a text block and stop_reason "refusal"; text where the API has none (Ollama,
  // openai-completions).
  virtual std::string refusal(std::string_view chunk) { return text(chunk); }
  // false: a tool call is one event (Ollama), written by tool_begin.
  virtual bool streams_tool_arguments() const { return true; }
  virtual std::string tool_begin(const ScriptedToolCall& call, int index) = 0;
  virtual std::string tool_arguments(std::string_view chunk, int index) = 0;
  virtual std::string tool_end(const ScriptedToolCall& call, int index) = 0;
  // `finish_reason` empty = the provider's usual one.
  virtual std::string end(std::string_view finish_reason, int64_t completion_tokens,
                          bool had_tool_calls) = 0;
  virtual std::string error_event(std::string_view message) = 0;
  // "" when the format has none.
  virtual std::string heartbeat() = 0;
  virtual std::string garbage() = 0;

  explicit StreamFormat(StreamContext context) : context_(std::move(context)) {}

 protected:
  StreamContext context_;
};

// Body of a non-2xx answer in the API's error shape.
std::string error_body(std::optional<Api> api, int status, std::string_view message,
                       std::string_view model);
std::string_view reason_phrase(int status);

}  // namespace flint::fake
