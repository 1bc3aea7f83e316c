#pragma once
// A provider is a request builder plus a stream decoder for one wire format. The client is
// format-agnostic: it sends HttpRequest, feeds the response bytes to the StreamDecoder and
// turns StreamEvents into callbacks. Providers are stateless singletons; decoders hold the
// state of one response and run on the client's I/O thread.
//
// base_url conventions (what the user configures; the provider appends the rest):
//   openai-chat          http://host/v1      + /chat/completions
//   openai-responses     http://host/v1      + /responses
//   openai-completions   http://host/v1      + /completions (FIM: prompt + suffix)
//   ollama               http://host:11434   + /api/chat, FIM: /api/generate with suffix
//   anthropic            https://api.anthropic.com + /v1/messages

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/models/model_config.h"
#include "server/models/model_types.h"

namespace flint::models {

struct HttpRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"; may hold the key (never log unredacted)
  std::string body;                  // JSON
};

struct TextDelta {
  std::string text;
};
// Reasoning from the provider's separate channel (delta.reasoning_content / reasoning /
// reasoning_details, Ollama's thinking, Anthropic's thinking blocks, Responses reasoning
// events): never answer text. Empty text: the model reasons but the provider does not show
// it (Anthropic's redacted_thinking).
struct ReasoningDelta {
  std::string text;
};
// Refusal text from the provider (OpenAI delta.refusal, Responses response.refusal.delta; for
// Anthropic's stop_reason "refusal", the refused message's text). The client accumulates it
// into StreamSummary::refusal and reports finish_reason "refusal".
struct RefusalDelta {
  std::string text;
};
// The provider's end-of-stream marker ([DONE], message_stop, response.completed, done:true).
struct StreamEnd {
  std::string finish_reason;  // normalised, see StreamSummary
  std::optional<Usage> usage;
};
// ModelError in a stream: an error event from the provider, or bytes that are not its format.
using StreamEvent =
    std::variant<TextDelta, ReasoningDelta, RefusalDelta, ToolCall, StreamEnd, ModelError>;

class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  // Decodes a chunk of the response body (split anywhere). After a StreamEnd or a ModelError
  // the decoder ignores the rest.
  virtual void feed(std::string_view bytes, std::vector<StreamEvent>& out) = 0;
  // The body ended: emits StreamEnd if the provider's stream was complete enough, otherwise a
  // MalformedStream error; nothing if a StreamEnd or error was already emitted.
  virtual void finish(std::vector<StreamEvent>& out) = 0;
  // Protocol events seen so far, heartbeats (SSE comments, Anthropic's ping) excluded: the
  // client's idle timeout restarts whenever this grows.
  uint64_t events() const { return events_; }

 protected:
  uint64_t events_ = 0;
};

enum class RequestKind { kChat, kFim };

class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string_view name() const = 0;
  virtual bool supports_chat() const { return true; }
  virtual bool supports_fim() const = 0;
  // What base_url should look like, for error messages.
  virtual std::string_view base_url_example() const = 0;
  // The URL chat streams go to (prewarm() opens a connection to its host with a HEAD).
  virtual std::string chat_url(const ModelRoleConfig& config) const = 0;
  // Only called when supports_chat().
  virtual HttpRequest chat_request(const ModelRoleConfig& config,
                                   const ChatRequest& request) const = 0;
  // Only called when supports_fim().
  virtual HttpRequest fim_request(const ModelRoleConfig& config, const FimRequest& request) const;
  virtual std::unique_ptr<StreamDecoder> decoder(RequestKind kind) const = 0;
};

// nullptr for an unknown name.
const Provider* find_provider(std::string_view name);
std::vector<std::string_view> provider_names();

}  // namespace flint::models
