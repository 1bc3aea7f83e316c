#pragma once
// The provider-neutral vocabulary of a model call: what a feature asks for (ChatRequest,
// FimRequest), what comes back while it streams (text, tool calls) and how it ends
// (StreamSummary or ModelError). Providers translate to and from their wire formats.

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flint::models {

// A complete tool call: the arguments are the JSON text the model produced (possibly not
// valid JSON: models make mistakes, and the agent loop reports them back to the model).
struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments_json;
  friend bool operator==(const ToolCall&, const ToolCall&) = default;
};

struct Message {
  std::string role;  // system | user | assistant | tool
  std::string content;
  std::vector<ToolCall> tool_calls;  // assistant turns that called tools
  std::string tool_call_id;          // role "tool": the call this result answers
  std::string tool_name;             // role "tool": the tool's name (Ollama wants it)
};

struct ToolSpec {
  std::string name;
  std::string description;
  nlohmann::json parameters = nlohmann::json::object();  // JSON Schema of the arguments
};

struct ChatRequest {
  std::vector<Message> messages;
  // Predicted output (OpenAI "prediction": {type: content}); other providers ignore it.
  std::optional<std::string> prediction;
  std::vector<ToolSpec> tools;
  std::optional<int> max_tokens;  // unset = ModelRoleConfig::max_tokens
  std::vector<std::string> stop;
};

// Fill-in-the-middle: the model writes what goes between prompt and suffix.
struct FimRequest {
  std::string prompt;
  std::string suffix;
  std::optional<int> max_tokens;  // unset = ModelRoleConfig::max_tokens
  std::vector<std::string> stop;
};

struct Usage {
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  friend bool operator==(const Usage&, const Usage&) = default;
};

struct StreamSummary {
  int64_t tokens = 0;  // text deltas delivered to on_text
  int64_t tool_calls = 0;
  // Reasoning deltas received (delivered to on_reasoning when it is set); never in `tokens`.
  int64_t reasoning_tokens = 0;
  // Normalised: "stop", "length", "tool_calls", "content_filter", "refusal"; anything else as
  // the provider said it. "refusal" means the provider said the model refused: Anthropic's
  // stop_reason "refusal", an OpenAI chat stream that carried delta.refusal text, or a
  // Responses stream with refusal content (response.refusal.delta). "content_filter" stays the
  // provider's content filter.
  std::string finish_reason;
  // The provider's refusal text, concatenated, when it sent one (OpenAI delta.refusal,
  // Responses refusal content; for Anthropic, which has no refusal channel, the text of the
  // refused message, which on_text has already seen). Never answer text.
  std::string refusal;
  std::optional<Usage> usage;  // when the provider reported it
  int attempts = 1;            // HTTP requests made (retries + 1)
  // Measured from the start of the attempt that succeeded.
  std::chrono::microseconds time_to_first_byte{0};
  std::chrono::microseconds time_to_first_token{0};  // 0 if no text arrived
  std::chrono::microseconds duration{0};             // from chat()/fim() to the end
};

struct ModelError {
  enum class Kind {
    kUnauthorized,     // 401/403: the message names the variable the key is read from
    kNotFound,         // 404: model name or URL
    kRateLimited,      // 429 after the retries
    kServer,           // 5xx after the retries, or an error event from the provider
    kTimeout,          // connect, first byte or idle between events
    kConnect,          // cannot reach the endpoint (refused, DNS, TLS)
    kInterrupted,      // the connection broke after tokens were delivered
    kMalformedStream,  // bytes that are not the provider's format
    kCancelled,        // never delivered to callbacks: cancel() silences the stream
    kBadConfig,        // the role's configuration cannot make this request
    kOther,            // any other HTTP status or transport failure
  };
  Kind kind = Kind::kOther;
  int http_status = 0;  // 0 when no HTTP status was received
  // Actionable, for a person: says what to check. Never contains the API key.
  std::string message;
};

std::string_view to_string(ModelError::Kind kind);

// Every callback runs on the executor given to ModelClient, never concurrently with another
// callback of the same client when that executor is single-threaded (an io_context run by
// one thread, or a strand). Exactly one of on_done / on_error ends a stream, unless the
// stream was cancelled first; then none does.
struct StreamCallbacks {
  std::function<void(std::string_view text)> on_text;  // the view is valid during the call
  // A reasoning delta from the provider's separate reasoning channel (reasoning_content,
  // thinking, reasoning summaries): never answer text. The view is valid during the call; the
  // text may be empty when the provider only says that the model reasons (Anthropic's
  // redacted_thinking). Not set: reasoning is dropped.
  std::function<void(std::string_view text)> on_reasoning;
  std::function<void(const ToolCall&)> on_tool_call;  // complete calls, in order
  std::function<void(const StreamSummary&)> on_done;
  std::function<void(const ModelError&)> on_error;
};

}  // namespace flint::models
