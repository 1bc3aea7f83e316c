#pragma once
// Incremental Server-Sent Events parser (WHATWG HTML "event stream interpretation"): lines end
// in CRLF, LF or CR, a chunk may end anywhere (even between CR and LF, or inside the UTF-8
// BOM), `data:` lines of one event are joined with "\n", `event:` names the type, `id:` sets
// the last event id, `retry:` the reconnection time, and lines starting with ':' are comments.
//
// One deliberate deviation: at end of stream a pending event is dispatched even without its
// closing blank line (the spec discards it). Proxies and small servers drop that blank line;
// a stream cut short is detected by the HTTP framing, not here.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace flint::models {

struct SseEvent {
  std::string_view type;  // "message" when the event had no `event:` field
  std::string_view data;
  std::string_view id;  // the last event id at dispatch time
};

class SseHandler {
 public:
  virtual void on_event(const SseEvent& event) = 0;
  // Comment lines (": ping" heartbeats), without the leading ':'.
  virtual void on_comment(std::string_view text) {}

 protected:
  ~SseHandler() = default;
};

class SseParser {
 public:
  static constexpr size_t kDefaultMaxEventBytes = size_t{16} * 1024 * 1024;
  explicit SseParser(size_t max_event_bytes = kDefaultMaxEventBytes)
      : max_event_bytes_(max_event_bytes) {}

  // Parses `bytes` and dispatches every event they complete. Returns false (and stays
  // failed) once a line or an event grows past max_event_bytes: the peer is not speaking SSE.
  bool feed(std::string_view bytes, SseHandler& handler);
  // End of stream: dispatches a pending event (see the deviation above).
  void finish(SseHandler& handler);

  bool failed() const { return failed_; }
  std::optional<int> retry_ms() const { return retry_ms_; }

 private:
  bool feed_lines(std::string_view bytes, SseHandler& handler);
  void process_line(std::string_view line, SseHandler& handler);
  void dispatch(SseHandler& handler);

  size_t max_event_bytes_;
  std::string partial_line_;
  bool after_cr_ = false;  // the previous byte was CR: a following LF belongs to it
  bool bom_done_ = false;
  std::string bom_prefix_;
  std::string data_;
  std::string event_type_;
  std::string last_id_;
  std::optional<int> retry_ms_;
  bool failed_ = false;
};

}  // namespace flint::models
