#pragma once
// One stream's HTTP exchange, owned by the client's I/O thread: builds a libcurl easy handle
// per attempt, reads the status and headers, feeds the body to the provider's decoder and
// collects what the caller must hear (text, tool calls, the end) into a batch that the client
// posts to the caller's executor. It also keeps the stream's clocks: first-byte and idle
// deadlines, time to first token.
//
// Threads: everything here runs on the I/O thread, except StreamState, which is shared with
// the executor (see the comments on its members).

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

// asio picks its allocator from standard-library macros: a standard header must come first in
// every file, or two files disagree (operator new in one, free in the other).
#include <asio/any_io_executor.hpp>

#include "server/models/model_config.h"
#include "server/models/model_errors.h"
#include "server/models/model_types.h"
#include "server/models/provider.h"
#include "server/text/redact.h"

namespace flint::models::detail {

using Clock = std::chrono::steady_clock;

struct StreamState {
  uint64_t id = 0;
  asio::any_io_executor executor;
  StreamCallbacks callbacks;  // used only on the executor
  // Set by cancel() (any thread); read by the I/O thread (to abort) and by the executor
  // before every callback (to stay silent).
  std::atomic<bool> cancelled{false};
  // Set on the executor when on_done / on_error is delivered.
  std::atomic<bool> finished{false};
};

using Delivery = std::variant<TextDelta, ReasoningDelta, ToolCall, StreamSummary, ModelError>;

class Transfer {
 public:
  Transfer(std::shared_ptr<StreamState> state, const Provider& provider, RequestKind kind,
           HttpRequest request, const ModelRoleConfig& config, Clock::time_point created);
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  // A fresh easy handle for the next attempt, or nullptr if libcurl cannot make one.
  CURL* start_attempt(Clock::time_point now, bool trace);
  // Frees the attempt's easy handle; the multi handle must have released it.
  void end_attempt();

  // The body ended cleanly (CURLE_OK with a 2xx status): lets the decoder conclude.
  void finish_body(Clock::time_point now);

  enum class Expiry { kNone, kFirstByte, kIdle };
  Expiry expiry(Clock::time_point now) const;
  std::optional<Clock::time_point> deadline() const;

  uint64_t id() const { return state_->id; }
  const std::shared_ptr<StreamState>& state() const { return state_; }
  bool cancelled() const { return state_->cancelled.load(std::memory_order_acquire); }
  CURL* easy() const { return easy_; }
  int attempts() const { return attempts_; }
  int max_retries() const { return max_retries_; }
  bool delivered() const { return delivered_; }
  bool completed() const { return completed_; }
  int64_t tokens() const { return tokens_; }
  bool success_status() const { return status_ >= 200 && status_ < 300; }
  bool headers_done() const { return headers_done_; }
  long status() const { return status_; }
  const std::string& error_body() const { return error_body_; }
  const std::optional<ModelError>& stream_error() const { return stream_error_; }
  std::optional<std::chrono::milliseconds> retry_after() const;
  std::string_view curl_error() const { return error_buffer_; }
  ErrorContext error_context() const;
  const Redactor& redactor() const { return redactor_; }
  const std::string& display_url() const { return display_url_; }

  std::optional<Clock::time_point> retry_at;  // set while waiting to retry

  // What the executor must hear, in order; the client moves it out and posts it.
  std::vector<Delivery> batch;

 private:
  static size_t on_header(char* data, size_t size, size_t count, void* self);
  static size_t on_body(char* data, size_t size, size_t count, void* self);
  static int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* self);
  void header_line(std::string_view line);
  size_t body(std::string_view bytes);
  void absorb(Clock::time_point now);

  std::shared_ptr<StreamState> state_;
  const Provider& provider_;
  RequestKind kind_;
  HttpRequest request_;
  Redactor redactor_;
  std::string display_url_;  // the URL, redacted
  std::string model_;
  std::string api_key_env_;
  bool key_sent_ = false;
  int connect_timeout_ms_;
  int first_byte_timeout_ms_;
  int idle_timeout_ms_;
  int max_retries_;
  bool verify_tls_;
  std::string ca_bundle_;
  Clock::time_point created_;

  // The current attempt.
  CURL* easy_ = nullptr;
  curl_slist* headers_ = nullptr;
  char error_buffer_[CURL_ERROR_SIZE] = {};
  int attempts_ = 0;
  long status_ = 0;
  bool headers_done_ = false;
  std::string error_body_;
  std::string retry_after_;
  std::string retry_after_ms_;
  std::unique_ptr<StreamDecoder> decoder_;
  uint64_t decoder_events_ = 0;
  std::vector<StreamEvent> events_;
  Clock::time_point attempt_started_;
  Clock::time_point first_byte_at_;
  Clock::time_point first_token_at_;
  Clock::time_point last_activity_;
  std::optional<ModelError> stream_error_;
  bool completed_ = false;

  // The whole stream.
  int64_t tokens_ = 0;
  int64_t tool_calls_ = 0;
  int64_t reasoning_tokens_ = 0;
  std::string refusal_;
  // Text, reasoning, a tool call or refusal text came in: no retry after this.
  bool delivered_ = false;
};

}  // namespace flint::models::detail
