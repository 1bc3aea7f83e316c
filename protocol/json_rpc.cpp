#include "protocol/json_rpc.h"

#include <regex>

namespace flint::protocol {

void to_json(json& j, const ResponseError& e) {
  j = json{{"code", static_cast<int>(e.code)}, {"message", e.message}};
  if (!e.data.is_null()) j["data"] = e.data;
}

json make_response(const RequestId& id, json result) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json make_error_response(const RequestId& id, const ResponseError& error) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"error", error}};
}

json make_notification(std::string_view method, json params) {
  json j{{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) j["params"] = std::move(params);
  return j;
}

json make_request(const RequestId& id, std::string_view method, json params) {
  json j{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) j["params"] = std::move(params);
  return j;
}

std::string serialize(const json& message) {
  return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string describe_params_error(const std::exception& e) {
  // nlohmann messages look like "[json.exception.type_error.302] (/a/b) type must be ...";
  // with JSON_DIAGNOSTICS the "(/path)" names the field. Drop the bracketed prefix.
  std::string what = e.what();
  if (auto close = what.find("] ");
      what.rfind("[json.exception", 0) == 0 && close != std::string::npos) {
    what = what.substr(close + 2);
  }
  if (what.size() > 2 && what[0] == '(') {
    if (auto close = what.find(") "); close != std::string::npos) {
      std::string path = what.substr(1, close - 1);
      what = (path.empty() ? "params" : path) + ": " + what.substr(close + 2);
    }
  }
  return what;
}

}  // namespace flint::protocol
