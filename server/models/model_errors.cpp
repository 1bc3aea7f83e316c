#include "server/models/model_errors.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "server/models/retry_policy.h"

namespace flint::models {
namespace {

using json = nlohmann::json;
using Kind = ModelError::Kind;

std::string with_detail(std::string_view detail) {
  return detail.empty() ? std::string() : fmt::format(": {}", detail);
}

std::string key_variable(const ErrorContext& context) {
  return context.api_key_env.empty() ? std::string("the apiKey setting")
                                     : fmt::format("${}", context.api_key_env);
}

std::string collapse_whitespace(std::string_view text, size_t limit) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (out.size() >= limit) {
      out += "...";
      break;
    }
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string error_detail_from_body(std::string_view body) {
  constexpr size_t kLimit = 300;
  json parsed = json::parse(body, nullptr, false);
  if (!parsed.is_discarded() && parsed.is_object()) {
    auto text_of = [](const json& value) -> std::string {
      return value.is_string() ? value.get<std::string>() : std::string();
    };
    if (auto error = parsed.find("error"); error != parsed.end()) {
      if (error->is_string()) return collapse_whitespace(error->get<std::string>(), kLimit);
      if (error->is_object()) {
        for (const char* key : {"message", "type", "code"}) {
          if (auto it = error->find(key); it != error->end()) {
            if (std::string text = text_of(*it); !text.empty()) {
              return collapse_whitespace(text, kLimit);
            }
          }
        }
      }
    }
    for (const char* key : {"message", "detail"}) {
      if (auto it = parsed.find(key); it != parsed.end()) {
        std::string text = it->is_string()
                               ? it->get<std::string>()
                               : it->dump(-1, ' ', false, json::error_handler_t::replace);
        if (!text.empty()) return collapse_whitespace(text, kLimit);
      }
    }
  }
  return collapse_whitespace(body, kLimit);
}

ClassifiedError http_status_error(long status, std::string_view body, const ErrorContext& context) {
  std::string detail = with_detail(error_detail_from_body(body));
  int code = static_cast<int>(status);
  if (status == 401 || status == 403) {
    std::string message;
    if (!context.key_sent) {
      message = context.api_key_env.empty()
                    ? fmt::format(
                          "{} at {} wants an API key (HTTP {}{}), and none is configured: set "
                          "apiKeyEnv to the name of the environment variable that holds it",
                          context.provider, context.url, status, detail)
                    : fmt::format(
                          "{} at {} wants an API key (HTTP {}{}), and none was sent: ${} "
                          "is empty or unset",
                          context.provider, context.url, status, detail, context.api_key_env);
    } else if (status == 401) {
      message = fmt::format(
          "{} at {} rejected the API key (HTTP 401{}). The key is read from {}: check that it "
          "holds a valid key for this endpoint",
          context.provider, context.url, detail, key_variable(context));
    } else {
      message = fmt::format(
          "{} at {} refused access (HTTP 403{}). The key is read from {}: check that this key "
          "may use model '{}'",
          context.provider, context.url, detail, key_variable(context), context.model);
    }
    return {{Kind::kUnauthorized, code, std::move(message)}, false};
  }
  if (status == 404) {
    return {{Kind::kNotFound, code,
             fmt::format("{} answered HTTP 404{}: check the model name '{}' and the base URL "
                         "(for {} it looks like {})",
                         context.url, detail, context.model, context.provider,
                         context.base_url_example)},
            false};
  }
  if (status == 429) {
    return {{Kind::kRateLimited, code,
             fmt::format("{} at {} is rate limiting requests (HTTP 429{}); gave up after {} "
                         "attempt(s), try again later",
                         context.provider, context.url, detail, context.attempts)},
            true};
  }
  if (status >= 500) {
    return {{Kind::kServer, code,
             fmt::format("{} at {} failed with HTTP {}{} ({} attempt(s))", context.provider,
                         context.url, status, detail, context.attempts)},
            true};
  }
  return {
      {Kind::kOther, code,
       fmt::format("{} at {} answered HTTP {}{}", context.provider, context.url, status, detail)},
      retryable_status(status)};
}

ClassifiedError transport_error(int curl_code, std::string_view detail, bool delivered,
                                const ErrorContext& context) {
  auto code = static_cast<CURLcode>(curl_code);
  std::string why = detail.empty() ? std::string(curl_easy_strerror(code)) : std::string(detail);
  switch (code) {
    case CURLE_COULDNT_CONNECT:
      return {{Kind::kConnect, 0,
               fmt::format("cannot connect to {}: {}. Is the model server running, and is the "
                           "base URL right?",
                           context.url, why)},
              true};
    case CURLE_COULDNT_RESOLVE_HOST:
      return {
          {Kind::kConnect, 0,
           fmt::format("cannot resolve the host of {}: {}. Check the base URL", context.url, why)},
          true};
    case CURLE_COULDNT_RESOLVE_PROXY:
      return {{Kind::kConnect, 0,
               fmt::format("cannot resolve the proxy for {}: {}. The proxy comes from the "
                           "environment (https_proxy, http_proxy, no_proxy)",
                           context.url, why)},
              true};
    case CURLE_OPERATION_TIMEDOUT:
      return {{Kind::kTimeout, 0,
               fmt::format("could not connect to {} within {} ms (connectTimeoutMs): {}",
                           context.url, context.connect_timeout_ms, why)},
              false};
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
      return {{Kind::kConnect, 0,
               fmt::format("TLS with {} failed: {}. If the server's certificate comes from a "
                           "private CA, set caBundle to that CA's certificate file",
                           context.url, why)},
              false};
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      if (delivered) {
        return {{Kind::kInterrupted, 0,
                 fmt::format("the connection to {} broke while the model was answering: {}",
                             context.url, why)},
                false};
      }
      return {{Kind::kConnect, 0,
               fmt::format("the connection to {} failed before the model answered: {}", context.url,
                           why)},
              true};
    default:
      return {{Kind::kOther, 0,
               fmt::format("the request to {} failed: {} ({})", context.url, why,
                           curl_easy_strerror(code))},
              false};
  }
}

ModelError first_byte_timeout_error(const ErrorContext& context) {
  return {Kind::kTimeout, 0,
          fmt::format("{} at {} sent no response within {} ms (firstByteTimeoutMs)",
                      context.provider, context.url, context.first_byte_timeout_ms)};
}

ModelError idle_timeout_error(const ErrorContext& context, int64_t tokens) {
  return {Kind::kTimeout, 0,
          fmt::format("the {} stream from {} stalled: no event for {} ms (idleTimeoutMs) after {} "
                      "token(s)",
                      context.provider, context.url, context.idle_timeout_ms, tokens)};
}

ModelError retry_after_too_long_error(const ErrorContext& context, long status,
                                      std::chrono::milliseconds retry_after) {
  return {status == 429 ? Kind::kRateLimited : Kind::kServer, static_cast<int>(status),
          fmt::format("{} at {} answered HTTP {} and asks to retry in {} s; not waiting that long",
                      context.provider, context.url, status, (retry_after.count() + 999) / 1000)};
}

}  // namespace flint::models
