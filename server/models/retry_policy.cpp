#include "server/models/retry_policy.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

namespace flint::models {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

std::optional<double> parse_number(std::string_view text) {
  text = trim(text);
  if (text.empty() || text.front() == '-') return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

bool retryable_status(long status) {
  return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

bool retryable_error(const ModelError& error) {
  using K = ModelError::Kind;
  return error.kind == K::kRateLimited || error.kind == K::kServer || error.kind == K::kConnect;
}

std::chrono::milliseconds backoff_delay(int retry, const RetryOptions& options, std::mt19937& rng) {
  using std::chrono::milliseconds;
  int64_t base = std::max<int64_t>(options.backoff_base.count(), 1);
  int64_t cap = std::max<int64_t>(options.backoff_max.count(), base);
  int shift = std::clamp(retry - 1, 0, 30);
  int64_t ceiling = std::min(cap, base << std::min(shift, 20));
  std::uniform_int_distribution<int64_t> pick(ceiling / 2, ceiling);
  return milliseconds(pick(rng));
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  if (auto seconds = parse_number(value)) {
    return milliseconds(static_cast<int64_t>(std::min(*seconds, 1e9) * 1000));
  }
  std::string date(trim(value));
  time_t when = curl_getdate(date.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  auto delta = system_clock::from_time_t(when) - now;
  return std::max(milliseconds(0), duration_cast<milliseconds>(delta));
}

std::optional<std::chrono::milliseconds> parse_retry_after_ms(std::string_view value) {
  if (auto ms = parse_number(value)) {
    return std::chrono::milliseconds(static_cast<int64_t>(std::min(*ms, 1e12)));
  }
  return std::nullopt;
}

}  // namespace flint::models
