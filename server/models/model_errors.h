#pragma once
// Turns what went wrong (an HTTP status and its body, a libcurl failure, a timeout) into a
// ModelError a person can act on: it says which endpoint, what to check, and which variable
// the key is read from. Messages are redacted by the client before they leave it.

#include <chrono>
#include <string>
#include <string_view>

#include "server/models/model_types.h"

namespace flint::models {

struct ErrorContext {
  std::string_view provider;
  std::string_view url;
  std::string_view base_url_example;
  std::string_view model;
  std::string_view api_key_env;
  bool key_sent = false;
  int attempts = 1;
  int connect_timeout_ms = 0;
  int first_byte_timeout_ms = 0;
  int idle_timeout_ms = 0;
};

struct ClassifiedError {
  ModelError error;
  bool retryable = false;  // if nothing was delivered yet
};

// The provider's own explanation in an error body ({"error":{"message":…}}, {"error":"…"},
// {"message":…}, {"detail":…}), or the start of a non-JSON body; "" for an empty body.
std::string error_detail_from_body(std::string_view body);

ClassifiedError http_status_error(long status, std::string_view body, const ErrorContext& context);
// `curl_code` is a CURLcode; `detail` libcurl's error buffer.
ClassifiedError transport_error(int curl_code, std::string_view detail, bool delivered,
                                const ErrorContext& context);
ModelError first_byte_timeout_error(const ErrorContext& context);
ModelError idle_timeout_error(const ErrorContext& context, int64_t tokens);
ModelError retry_after_too_long_error(const ErrorContext& context, long status,
                                      std::chrono::milliseconds retry_after);

}  // namespace flint::models
