#pragma once
// JSON-RPC 2.0 vocabulary: error codes, the error type, request ids, and message builders.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

namespace flint::protocol {

using json = nlohmann::json;

enum class ErrorCode : int {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  ServerNotInitialized = -32002,
  UnknownErrorCode = -32001,
  RequestFailed = -32803,
  ServerCancelled = -32802,
  ContentModified = -32801,
  RequestCancelled = -32800,
};

struct ResponseError {
  ErrorCode code = ErrorCode::InternalError;
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
