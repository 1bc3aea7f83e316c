// The stream decoders on arbitrary bytes split at arbitrary points: the SSE and NDJSON framers
// and every provider's StreamDecoder (openai-chat, openai-responses, openai-completions,
// ollama chat and generate, anthropic).
//
// Input: byte 0 picks the decoder (mod 8: 0 SSE, 1 NDJSON, 2 openai-chat, 3 openai-responses,
// 4 openai-completions, 5 ollama chat, 6 ollama generate, 7 anthropic; seeds use the digits
// '0'..'7'), byte 1 seeds the chunk sizes, the rest is the response body.
//
// Properties (a violation traps):
//   - SSE and NDJSON: what the framer reports (events, comments, retry; lines) equals what a
//     naive reference over the whole body says, whether the body arrives whole, byte by byte
//     or in chunks of 0..16 bytes;
//   - provider decoders: the same events (and event count) whatever the chunks; at most one
//     terminal event (StreamEnd or ModelError), nothing after it, and exactly one once
//     finish() ran.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/models/ndjson_parser.h"
#include "server/models/provider.h"
#include "server/models/sse_parser.h"
#include "tests/fuzz/fuzz_check.h"

namespace flint::fuzz {
namespace {

using models::StreamEvent;

// The body in pieces: whole, one byte at a time, or chunks of 0..16 bytes from `seed`.
enum class Split { kWhole, kBytes, kChunks };

std::vector<std::string_view> pieces(std::string_view body, Split split, uint8_t seed) {
  std::vector<std::string_view> out;
  if (split == Split::kWhole) {
    out.push_back(body);
    return out;
  }
  uint32_t state = 0x9E3779B9u ^ (uint32_t{seed} * 0x01000193u);
  for (size_t at = 0; at < body.size();) {
    size_t n = 1;
    if (split == Split::kChunks) {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      n = state % 17;  // empty chunks too: a read may return nothing
    }
    n = std::min(n, body.size() - at);
    out.push_back(body.substr(at, n));
    at += n;
  }
  out.emplace_back();  // a last empty read before the end
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += item + "\n";
  return out;
}

// ---- SSE -------------------------------------------------------------------------------

struct SseLog {
  std::vector<std::string> items;  // "event type id data" and "comment text", in order
  std::optional<int> retry;
  std::string describe() const {
    return join(items) + "retry " + (retry ? std::to_string(*retry) : "none");
  }
  bool operator==(const SseLog&) const = default;
};

std::string sse_event(std::string_view type, std::string_view id, std::string_view data) {
  return "event " + shown(type) + " id " + shown(id) + " data " + shown(data);
}

class SseRecorder final : public models::SseHandler {
 public:
  SseLog log;
  void on_event(const models::SseEvent& event) override {
    log.items.push_back(sse_event(event.type, event.id, event.data));
  }
  void on_comment(std::string_view text) override { log.items.push_back("comment " + shown(text)); }
};

// WHATWG "event stream interpretation" over the whole body, written for clarity: strip one
// leading BOM, split into lines at CRLF, LF or CR, process each, then dispatch what is
// pending at the end (flint's documented deviation: see sse_parser.h).
SseLog reference_sse(std::string_view body) {
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\r' && body[i] != '\n') continue;
    lines.push_back(body.substr(start, i - start));
    if (body[i] == '\r' && i + 1 < body.size() && body[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < body.size()) lines.push_back(body.substr(start));

  SseLog log;
  std::string data, type, last_id;
  auto dispatch = [&] {
    if (!data.empty()) {
      data.pop_back();
      log.items.push_back(sse_event(type.empty() ? "message" : type, last_id, data));
    }
    data.clear();
    type.clear();
  };
  for (std::string_view line : lines) {
    if (line.empty()) {
      dispatch();
      continue;
    }
    if (line[0] == ':') {
      std::string_view text = line.substr(1);
      if (!text.empty() && text[0] == ' ') text.remove_prefix(1);
      log.items.push_back("comment " + shown(text));
      continue;
    }
    size_t colon = line.find(':');
    std::string_view field = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
    if (field == "data") {
      data.append(value);
      data.push_back('\n');
    } else if (field == "event") {
      type = value;
    } else if (field == "id") {
      if (value.find('\0') == std::string_view::npos) last_id = value;
    } else if (field == "retry") {
      // Only ASCII digits; a value too large for an int is ignored.
      int64_t ms = 0;
      bool valid = !value.empty();
      for (char c : value) {
        if (c < '0' || c > '9' || ms > INT32_MAX) valid = false;
        if (valid) ms = ms * 10 + (c - '0');
      }
      if (valid && ms <= INT32_MAX) log.retry = static_cast<int>(ms);
    }
  }
  dispatch();
  return log;
}

void check_sse(std::string_view body, uint8_t seed) {
  SseLog expected = reference_sse(body);
  for (Split split : {Split::kWhole, Split::kBytes, Split::kChunks}) {
    models::SseParser parser;
    SseRecorder recorder;
    for (std::string_view piece : pieces(body, split, seed)) {
      FLINT_FUZZ_CHECK(parser.feed(piece, recorder), "SSE parser failed on a small body", "");
    }
    parser.finish(recorder);
    recorder.log.retry = parser.retry_ms();
    FLINT_FUZZ_CHECK(recorder.log == expected, "SSE events differ from the reference",
                     "split " + std::to_string(static_cast<int>(split)) + "\ngot:\n" +
                         recorder.log.describe() + "\nexpected:\n" + expected.describe());
  }
}

// ---- NDJSON ----------------------------------------------------------------------------

class LineRecorder final : public models::NdjsonHandler {
 public:
  std::vector<std::string> lines;
  void on_line(std::string_view line) override { lines.push_back(shown(line)); }
};

// Lines split at "\n", one "\r" before it dropped, blank ones (spaces and tabs) skipped; the
// last line counts without its "\n".
std::vector<std::string> reference_ndjson(std::string_view body) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find('\n', start);
    std::string_view line =
        body.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    start = end == std::string_view::npos ? body.size() : end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    lines.push_back(shown(line));
  }
  return lines;
}

void check_ndjson(std::string_view body, uint8_t seed) {
  std::vector<std::string> expected = reference_ndjson(body);
  for (Split split : {Split::kWhole, Split::kBytes, Split::kChunks}) {
    models::NdjsonParser parser;
    LineRecorder recorder;
    for (std::string_view piece : pieces(body, split, seed)) {
      FLINT_FUZZ_CHECK(parser.feed(piece, recorder), "NDJSON parser failed on a small body", "");
    }
    parser.finish(recorder);
    FLINT_FUZZ_CHECK(recorder.lines == expected, "NDJSON lines differ from the reference",
                     "got:\n" + join(recorder.lines) + "expected:\n" + join(expected));
  }
}

// ---- Provider decoders -----------------------------------------------------------------

bool is_terminal(const StreamEvent& event) {
  return std::holds_alternative<models::StreamEnd>(event) ||
         std::holds_alternative<models::ModelError>(event);
}

std::string describe(const StreamEvent& event) {
  if (const auto* e = std::get_if<models::TextDelta>(&event)) return "text " + shown(e->text);
  if (const auto* e = std::get_if<models::ReasoningDelta>(&event)) {
    return "reasoning " + shown(e->text);
  }
  if (const auto* e = std::get_if<models::RefusalDelta>(&event)) {
    return "refusal " + shown(e->text);
  }
  if (const auto* e = std::get_if<models::ToolCall>(&event)) {
    return "tool " + shown(e->id) + " " + shown(e->name) + " " + shown(e->arguments_json);
  }
  if (const auto* e = std::get_if<models::StreamEnd>(&event)) {
    std::string usage = e->usage ? std::to_string(e->usage->input_tokens) + "/" +
                                       std::to_string(e->usage->output_tokens)
                                 : "none";
    return "end " + shown(e->finish_reason) + " usage " + usage;
  }
  const auto& error = std::get<models::ModelError>(event);
  return "error " + std::string(models::to_string(error.kind)) + " " + shown(error.message);
}

struct Decoded {
  std::vector<std::string> events;
  uint64_t count = 0;
  bool operator==(const Decoded&) const = default;
};

Decoded decode(const models::Provider& provider, models::RequestKind kind, std::string_view body,
               Split split, uint8_t seed) {
  std::unique_ptr<models::StreamDecoder> decoder = provider.decoder(kind);
  std::vector<StreamEvent> events;
  for (std::string_view piece : pieces(body, split, seed)) decoder->feed(piece, events);
  decoder->finish(events);
  size_t terminals = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    if (!is_terminal(events[i])) continue;
    ++terminals;
    FLINT_FUZZ_CHECK(i + 1 == events.size(), "an event follows the end of the stream",
                     describe(events[i + 1]));
  }
  FLINT_FUZZ_CHECK(terminals == 1, "the stream did not end exactly once",
                   std::to_string(terminals) + " terminal events");
  Decoded out;
  for (const StreamEvent& event : events) out.events.push_back(describe(event));
  out.count = decoder->events();
  return out;
}

void check_decoder(std::string_view name, models::RequestKind kind, std::string_view body,
                   uint8_t seed) {
  const models::Provider* provider = models::find_provider(name);
  if (!provider) fail("unknown provider", name);
  Decoded whole = decode(*provider, kind, body, Split::kWhole, seed);
  for (Split split : {Split::kBytes, Split::kChunks}) {
    Decoded piecewise = decode(*provider, kind, body, split, seed);
    FLINT_FUZZ_CHECK(piecewise == whole, "decoded events depend on where the body was split",
                     std::string(name) + " split " + std::to_string(static_cast<int>(split)) +
                         "\ngot (" + std::to_string(piecewise.count) + " counted):\n" +
                         join(piecewise.events) + "whole (" + std::to_string(whole.count) +
                         " counted):\n" + join(whole.events));
  }
}

}  // namespace
}  // namespace flint::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using flint::models::RequestKind;
  namespace fz = flint::fuzz;
  if (size < 2) return 0;
  uint8_t mode = data[0] % 8;
  uint8_t seed = data[1];
  std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
  switch (mode) {
    case 0:
      fz::check_sse(body, seed);
      break;
    case 1:
      fz::check_ndjson(body, seed);
      break;
    case 2:
      fz::check_decoder("openai-chat", RequestKind::kChat, body, seed);
      break;
    case 3:
      fz::check_decoder("openai-responses", RequestKind::kChat, body, seed);
      break;
    case 4:
      fz::check_decoder("openai-completions", RequestKind::kFim, body, seed);
      break;
    case 5:
      fz::check_decoder("ollama", RequestKind::kChat, body, seed);
      break;
    case 6:
      fz::check_decoder("ollama", RequestKind::kFim, body, seed);
      break;
    default:
      fz::check_decoder("anthropic", RequestKind::kChat, body, seed);
      break;
  }
  return 0;
}
