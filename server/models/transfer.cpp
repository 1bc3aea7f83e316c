#include "server/models/transfer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "server/models/retry_policy.h"

namespace flint::models::detail {
namespace {

constexpr size_t kMaxErrorBody = size_t{64} * 1024;

bool iequals_prefix(std::string_view line, std::string_view prefix) {
  if (line.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != prefix[i]) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

template <typename Duration>
std::chrono::microseconds micros(Duration d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d);
}

}  // namespace

Transfer::Transfer(std::shared_ptr<StreamState> state, const Provider& provider, RequestKind kind,
                   HttpRequest request, const ModelRoleConfig& config, Clock::time_point created)
    : state_(std::move(state)),
      provider_(provider),
      kind_(kind),
      request_(std::move(request)),
      redactor_(config.api_key),
      model_(config.model),
      api_key_env_(config.api_key_env),
      key_sent_(!config.api_key.empty()),
      connect_timeout_ms_(config.connect_timeout_ms),
      first_byte_timeout_ms_(config.first_byte_timeout_ms),
      idle_timeout_ms_(config.idle_timeout_ms),
      max_retries_(std::max(0, config.max_retries)),
      verify_tls_(config.verify_tls),
      ca_bundle_(config.ca_bundle),
      created_(created) {
  display_url_ = redactor_(request_.url);
  request_.headers.push_back("Expect:");  // no 100-continue round trip before the body
}

Transfer::~Transfer() {
  end_attempt();
}

CURL* Transfer::start_attempt(Clock::time_point now, bool trace) {
  end_attempt();
  easy_ = curl_easy_init();
  if (!easy_) return nullptr;
  ++attempts_;
  retry_at.reset();
  status_ = 0;
  headers_done_ = false;
  error_body_.clear();
  retry_after_.clear();
  retry_after_ms_.clear();
  error_buffer_[0] = '\0';
  decoder_ = provider_.decoder(kind_);
  decoder_events_ = 0;
  stream_error_.reset();
  completed_ = false;
  attempt_started_ = now;
  last_activity_ = now;

  for (const std::string& header : request_.headers) {
    headers_ = curl_slist_append(headers_, header.c_str());
  }
  curl_easy_setopt(easy_, CURLOPT_URL, request_.url.c_str());
  curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, request_.body.data());
  curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(request_.body.size()));
  curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers_);
  curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
  curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_buffer_);
  curl_easy_setopt(easy_, CURLOPT_PRIVATE, this);
  curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy_, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(easy_, CURLOPT_TCP_KEEPALIVE, 1L);
  if (connect_timeout_ms_ > 0) {
    curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout_ms_));
  }
  // HTTP/2 over TLS when the server offers it; wait for a connection being set up rather
  // than opening a parallel one, so concurrent streams multiplex on it.
  curl_easy_setopt(easy_, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  if (request_.url.rfind("https:", 0) == 0) curl_easy_setopt(easy_, CURLOPT_PIPEWAIT, 1L);
  curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYPEER, verify_tls_ ? 1L : 0L);
  curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYHOST, verify_tls_ ? 2L : 0L);
  if (!ca_bundle_.empty()) curl_easy_setopt(easy_, CURLOPT_CAINFO, ca_bundle_.c_str());
  // Proxies: libcurl reads http_proxy / https_proxy / no_proxy from the environment.
  if (trace) {
    curl_easy_setopt(easy_, CURLOPT_DEBUGFUNCTION, &Transfer::on_debug);
    curl_easy_setopt(easy_, CURLOPT_DEBUGDATA, this);
    curl_easy_setopt(easy_, CURLOPT_VERBOSE, 1L);
  }
  return easy_;
}

void Transfer::end_attempt() {
  if (easy_) curl_easy_cleanup(easy_);
  easy_ = nullptr;
  if (headers_) curl_slist_free_all(headers_);
  headers_ = nullptr;
}

size_t Transfer::on_header(char* data, size_t size, size_t count, void* self) {
  static_cast<Transfer*>(self)->header_line(std::string_view(data, size * count));
  return size * count;
}

void Transfer::header_line(std::string_view line) {
  if (iequals_prefix(line, "http/")) {
    // A new header block (after a 100 Continue, a proxy's CONNECT reply or a redirect).
    size_t space = line.find(' ');
    status_ = 0;
    if (space != std::string_view::npos) {
      for (size_t i = space + 1;
           i < line.size() && std::isdigit(static_cast<unsigned char>(line[i])); ++i) {
        status_ = status_ * 10 + (line[i] - '0');
      }
    }
    retry_after_.clear();
    retry_after_ms_.clear();
    return;
  }
  if (trim(line).empty()) {
    if (status_ >= 200) {
      headers_done_ = true;
      first_byte_at_ = Clock::now();
      last_activity_ = first_byte_at_;
    }
    return;
  }
  if (iequals_prefix(line, "retry-after-ms:")) {
    retry_after_ms_ = trim(line.substr(15));
  } else if (iequals_prefix(line, "retry-after:")) {
    retry_after_ = trim(line.substr(12));
  }
}

size_t Transfer::on_body(char* data, size_t size, size_t count, void* self) {
  return static_cast<Transfer*>(self)->body(std::string_view(data, size * count));
}

size_t Transfer::body(std::string_view bytes) {
  // A finished stream keeps reading to the end of the body even when cancelled, so that its
  // connection stays reusable.
  if (cancelled() && !completed_) return 0;  // aborts the transfer at once
  if (!success_status()) {
    if (error_body_.size() < kMaxErrorBody) {
      error_body_.append(bytes.substr(0, kMaxErrorBody - error_body_.size()));
    }
    return bytes.size();
  }
  if (completed_ || stream_error_) return bytes.size();
  events_.clear();
  try {
    decoder_->feed(bytes, events_);
  } catch (const std::exception& e) {
    events_.push_back(ModelError{ModelError::Kind::kMalformedStream, 0,
                                 std::string("the stream could not be decoded: ") + e.what()});
  }
  absorb(Clock::now());
  // An error in the stream ends the transfer now; the client decides about a retry.
  return stream_error_ ? 0 : bytes.size();
}

void Transfer::finish_body(Clock::time_point now) {
  if (completed_ || stream_error_ || !decoder_) return;
  events_.clear();
  try {
    decoder_->finish(events_);
  } catch (const std::exception& e) {
    events_.push_back(ModelError{ModelError::Kind::kMalformedStream, 0,
                                 std::string("the stream could not be decoded: ") + e.what()});
  }
  absorb(now);
}

void Transfer::absorb(Clock::time_point now) {
  if (decoder_->events() != decoder_events_) {
    decoder_events_ = decoder_->events();
    last_activity_ = now;
  }
  for (StreamEvent& event : events_) {
    if (auto* text = std::get_if<TextDelta>(&event)) {
      if (tokens_ == 0) first_token_at_ = now;
      ++tokens_;
      delivered_ = true;
      batch.emplace_back(std::move(*text));
    } else if (auto* reasoning = std::get_if<ReasoningDelta>(&event)) {
      // A protocol event for the idle timeout (counted above), not a text token.
      ++reasoning_tokens_;
      delivered_ = true;
      batch.emplace_back(std::move(*reasoning));
    } else if (auto* refusal = std::get_if<RefusalDelta>(&event)) {
      refusal_ += refusal->text;
      delivered_ = true;
    } else if (auto* call = std::get_if<ToolCall>(&event)) {
      ++tool_calls_;
      delivered_ = true;
      batch.emplace_back(std::move(*call));
    } else if (auto* end = std::get_if<StreamEnd>(&event)) {
      completed_ = true;
      StreamSummary summary;
      summary.tokens = tokens_;
      summary.tool_calls = tool_calls_;
      summary.reasoning_tokens = reasoning_tokens_;
      summary.finish_reason = std::move(end->finish_reason);
      if (!refusal_.empty() && (summary.finish_reason.empty() || summary.finish_reason == "stop")) {
        summary.finish_reason = "refusal";
      }
      summary.refusal = std::move(refusal_);
      summary.usage = end->usage;
      summary.attempts = attempts_;
      summary.time_to_first_byte = micros(first_byte_at_ - attempt_started_);
      if (tokens_ > 0) summary.time_to_first_token = micros(first_token_at_ - attempt_started_);
      summary.duration = micros(now - created_);
      batch.emplace_back(std::move(summary));
      return;
    } else if (auto* error = std::get_if<ModelError>(&event)) {
      error->message = redactor_(std::string(provider_.name()) + " stream from " + display_url_ +
                                 ": " + error->message);
      stream_error_ = std::move(*error);
      return;
    }
  }
}

Transfer::Expiry Transfer::expiry(Clock::time_point now) const {
  auto due = deadline();
  if (!due || now < *due) return Expiry::kNone;
  return headers_done_ ? Expiry::kIdle : Expiry::kFirstByte;
}

std::optional<Clock::time_point> Transfer::deadline() const {
  if (!easy_) return std::nullopt;
  if (!headers_done_) {
    if (first_byte_timeout_ms_ <= 0) return std::nullopt;
    return attempt_started_ + std::chrono::milliseconds(first_byte_timeout_ms_);
  }
  if (idle_timeout_ms_ <= 0) return std::nullopt;
  return last_activity_ + std::chrono::milliseconds(idle_timeout_ms_);
}

std::optional<std::chrono::milliseconds> Transfer::retry_after() const {
  if (!retry_after_ms_.empty()) {
    if (auto ms = parse_retry_after_ms(retry_after_ms_)) return ms;
  }
  if (!retry_after_.empty()) {
    return parse_retry_after(retry_after_, std::chrono::system_clock::now());
  }
  return std::nullopt;
}

ErrorContext Transfer::error_context() const {
  ErrorContext context;
  context.provider = provider_.name();
  context.url = display_url_;
  context.base_url_example = provider_.base_url_example();
  context.model = model_;
  context.api_key_env = api_key_env_;
  context.key_sent = key_sent_;
  context.attempts = attempts_;
  context.connect_timeout_ms = connect_timeout_ms_;
  context.first_byte_timeout_ms = first_byte_timeout_ms_;
  context.idle_timeout_ms = idle_timeout_ms_;
  return context;
}

int Transfer::on_debug(CURL*, curl_infotype type, char* data, size_t size, void* self) {
  if (type != CURLINFO_TEXT && type != CURLINFO_HEADER_IN && type != CURLINFO_HEADER_OUT) {
    return 0;  // bodies hold prompts and file text: never traced
  }
  auto* transfer = static_cast<Transfer*>(self);
  const char* marker = type == CURLINFO_HEADER_OUT ? ">" : type == CURLINFO_HEADER_IN ? "<" : "*";
  std::string_view text(data, size);
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.empty()) continue;
    std::string shown;
    if (iequals_prefix(line, "authorization:") || iequals_prefix(line, "x-api-key:") ||
        iequals_prefix(line, "proxy-authorization:")) {
      shown = std::string(line.substr(0, line.find(':') + 1)) + " " + std::string(Redactor::kMask);
    } else {
      shown = transfer->redactor_(line);
    }
    spdlog::trace("model stream #{} {} {}", transfer->id(), marker, shown);
  }
  return 0;
}

}  // namespace flint::models::detail
