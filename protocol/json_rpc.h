#pragma once
// JSON-RPC 2.0 vocabulary: error codes, the error type, request ids, and message builders.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

namespace flint::protocol {

using json = nlohmann::json;

enum class ErrorCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
  kServerNotInitialized = -32002,
  kUnknownErrorCode = -32001,
  kRequestFailed = -32803,
  kServerCancelled = -32802,
  kContentModified = -32801,
  kRequestCancelled = -32800,
};

struct ResponseError {
  ErrorCode code = ErrorCode::kInternalError;
  std::string message;
  json data;  // null when absent
};
void to_json(json& j, const ResponseError& e);

// Either a value or a ResponseError (std::expected is C++23).
template <class T>
class Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}              // NOLINT: implicit by design
  Expected(ResponseError error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const ResponseError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, ResponseError> v_;
};

// A request id as the client sent it: integer or string (kept as JSON to echo it exactly).
using RequestId = json;

json make_response(const RequestId& id, json result);
json make_error_response(const RequestId& id, const ResponseError& error);
json make_notification(std::string_view method, json params);
json make_request(const RequestId& id, std::string_view method, json params);

// Serialises a message; invalid UTF-8 (a model cut mid-character) is replaced, never thrown.
std::string serialize(const json& message);

// Turns an nlohmann exception from reading params into a message naming the bad field,
// e.g. "/textDocument/uri: type must be string, but is null".
std::string describe_params_error(const std::exception& e);

}  // namespace flint::protocol
