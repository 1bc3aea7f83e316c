#pragma once
// When and how long to wait before trying a request again. Only failures before the first
// token are retried (the client enforces that): HTTP 408, 429 and 5xx, connection errors,
// and error events a provider sends before any output (overloaded, rate limited).
// Timeouts are not retried: a model that did not answer in time would make the user wait the
// whole timeout again.

#include <chrono>
#include <optional>
#include <random>
#include <string_view>

#include "server/models/model_types.h"

namespace flint::models {

struct RetryOptions {
  std::chrono::milliseconds backoff_base{500};
  std::chrono::milliseconds backoff_max{8000};
  // A Retry-After longer than this fails the stream at once (with the wait in the message)
  // instead of keeping the user waiting.
  std::chrono::milliseconds max_retry_after{60000};
};

bool retryable_status(long status);
bool retryable_error(const ModelError& error);

// The wait before retry number `retry` (1 = first retry): "equal jitter", uniformly drawn from
// [d/2, d] with d = min(base * 2^(retry-1), max), so that clients that failed together do
// not come back together.
std::chrono::milliseconds backoff_delay(int retry, const RetryOptions& options, std::mt19937& rng);

// Parses a Retry-After value: delta-seconds (fractions tolerated) or an HTTP-date, relative
// to `now`. nullopt when unparseable. Past dates give 0.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);
// The "retry-after-ms" header some OpenAI-compatible servers send.
std::optional<std::chrono::milliseconds> parse_retry_after_ms(std::string_view value);

}  // namespace flint::models
