#pragma once
// Shared pieces of the provider implementations (not part of the client's public API):
// URL and JSON helpers, finish-reason normalisation, and decoder bases for SSE and NDJSON
// streams that count events, stop after the end marker and report malformed input.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/models/ndjson_parser.h"
#include "server/models/provider.h"
#include "server/models/sse_parser.h"

namespace flint::models::detail {

using json = nlohmann::json;

// base "http://h/v1/" + "/chat/completions" -> "http://h/v1/chat/completions".
std::string join_url(std::string_view base, std::string_view path);
int effective_max_tokens(const ModelRoleConfig& config, std::optional<int> requested);
// Serialises a request body; invalid UTF-8 in prompts (text cut mid-character) is replaced
// instead of throwing.
std::string dump_body(const json& body);
// A streaming POST to an OpenAI-style endpoint: JSON body, SSE answer, Bearer key when set.
HttpRequest openai_sse_request(const ModelRoleConfig& config, std::string url, const json& body);

std::string normalize_finish_reason(std::string_view reason);
// Without exceptions: nullopt when `text` is not JSON.
std::optional<json> parse_json(std::string_view text);
// A string member, "" when absent or of another type.
std::string string_field(const json& object, std::string_view key);
// The same, moved out of `object` (a parsed chunk the caller owns): no copy of the text.
std::string take_string_field(json& object, std::string_view key);
// An integer member, 0 when absent, of another type or out of int64_t's range (a fraction is
// truncated).
int64_t int_field(const json& object, std::string_view key);
// A member of an object, or a null value when `object` is not an object or lacks `key`:
// navigating untrusted JSON never throws.
const json& member(const json& object, std::string_view key);

ModelError malformed_event(std::string_view why, std::string_view data);
// An error the provider reported inside the stream (`type` is its error type or code).
ModelError provider_error(std::string_view type, std::string_view message);
// The `error` member of an OpenAI-style chunk ({"error": {...}} in the middle of a stream, as
// OpenAI, OpenRouter, vLLM and llama.cpp send it): an object with message and type or code
// (a string or a number), or just a string.
ModelError openai_stream_error(const json& error);

// Base for SSE formats: subclasses handle one event at a time and call emit().
class SseStreamDecoder : public StreamDecoder, private SseHandler {
 public:
  void feed(std::string_view bytes, std::vector<StreamEvent>& out) final;
  void finish(std::vector<StreamEvent>& out) final;

 protected:
  // Returns false for an event that is only a heartbeat (not counted for the idle timeout).
  virtual bool handle(const SseEvent& event) = 0;
  // End of body without an end marker: emit StreamEnd (lenient) or an error.
  virtual void at_eof() = 0;
  void emit(StreamEvent event);
  bool done() const { return done_; }

 private:
  void on_event(const SseEvent& event) final;

  SseParser parser_;
  std::vector<StreamEvent>* out_ = nullptr;
  bool done_ = false;
};

// Base for NDJSON formats: one JSON object per line.
class NdjsonStreamDecoder : public StreamDecoder, private NdjsonHandler {
 public:
  void feed(std::string_view bytes, std::vector<StreamEvent>& out) final;
  void finish(std::vector<StreamEvent>& out) final;

 protected:
  virtual void handle(const json& line) = 0;
  virtual void at_eof() = 0;
  void emit(StreamEvent event);
  bool done() const { return done_; }

 private:
  void on_line(std::string_view line) final;

  NdjsonParser parser_;
  std::vector<StreamEvent>* out_ = nullptr;
  bool done_ = false;
};

// Provider factories (one per file).
const Provider& openai_chat_provider();
const Provider& openai_responses_provider();
const Provider& openai_completions_provider();
const Provider& ollama_provider();
const Provider& anthropic_provider();

}  // namespace flint::models::detail
