#include "protocol/dispatcher.h"

namespace flint::protocol {

void ReplyState::send_result(json result) {
  if (replied) return;
  replied = true;
  send(make_response(id, std::move(result)));
  if (on_done) on_done(id);
}

void ReplyState::send_error(const ResponseError& error) {
  if (replied) return;
  replied = true;
  send(make_error_response(id, error));
  if (on_done) on_done(id);
}

ReplyState::~ReplyState() {
  if (replied || !send) return;
  replied = true;
  send(make_error_response(
      id, ResponseError{ErrorCode::kInternalError,
                        "flint dropped the request '" + method + "' without answering", nullptr}));
  if (on_done) on_done(id);
}

Dispatcher::Dispatcher(Sender sender) : send_(std::move(sender)) {}

void Dispatcher::handle_message(std::string_view body) {
  json message;
  try {
    message = json::parse(body);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for number overflow
    send_(make_error_response(
        nullptr,
        ResponseError{ErrorCode::kParseError, std::string("parse error: ") + e.what(), nullptr}));
    return;
  }
  handle(message);
}

void Dispatcher::handle(const json& message) {
  auto invalid = [this](const json& id, std::string why) {
    send_(make_error_response(id,
                              ResponseError{ErrorCode::kInvalidRequest, std::move(why), nullptr}));
  };
  if (!message.is_object()) {
    invalid(nullptr, message.is_array() ? "batch requests are not supported by LSP"
                                        : "a JSON-RPC message must be an object");
    return;
  }
  auto id_it = message.find("id");
  json id = id_it == message.end() ? json() : *id_it;
  bool has_id = id_it != message.end();
  if (has_id && !id.is_number_integer() && !id.is_string() && !id.is_null()) {
    invalid(nullptr, "\"id\" must be an integer or a string");
    return;
  }
  if (auto v = message.find("jsonrpc"); v == message.end() || *v != "2.0") {
    invalid(has_id ? id : json(), "\"jsonrpc\" must be \"2.0\"");
    return;
  }
  auto method_it = message.find("method");
  if (method_it == message.end()) {
    if (has_id && (message.contains("result") || message.contains("error"))) {
      handle_response(message);
    } else {
      invalid(has_id ? id : json(),
              "a message needs \"method\" (request or notification) or "
              "\"result\"/\"error\" (response)");
    }
    return;
  }
  if (!method_it->is_string()) {
    invalid(has_id ? id : json(), "\"method\" must be a string");
    return;
  }
  const std::string& method = method_it->get_ref<const std::string&>();
  json params = message.value("params", json());
  if (!params.is_null() && !params.is_object() && !params.is_array()) {
    if (has_id) {
      send_(make_error_response(
          id, ResponseError{ErrorCode::kInvalidParams, "\"params\" must be an object or an array",
                            nullptr}));
    }
    return;
  }

  if (has_id) {
    if (id.is_null()) {
      invalid(nullptr, "a request id must not be null");
      return;
    }
    handle_request(id, method, params);
    return;
  }

  // Notification.
  if (method == "$/cancelRequest") {
    if (params.is_object() && params.contains("id")) cancel_request(params["id"]);
    return;
  }
  if (gate_ && gate_(method, false)) return;
  auto it = notifications_.find(method);
  if (it == notifications_.end()) {
    // Unknown notifications, $/ ones included, are ignored as the specification says.
    report_bad_notification(method, "");
    return;
  }
  it->second(params);
}

void Dispatcher::handle_request(const json& id, const std::string& method, const json& params) {
  if (gate_) {
    if (auto refusal = gate_(method, true)) {
      send_(make_error_response(id, *refusal));
      return;
    }
  }
  auto it = requests_.find(method);
  if (it == requests_.end()) {
    send_(make_error_response(
        id, ResponseError{ErrorCode::kMethodNotFound, "method not found: " + method, nullptr}));
    return;
  }
  auto state = std::make_shared<ReplyState>();
  state->id = id;
  state->method = method;
  state->send = send_;
  state->on_done = [this](const RequestId& done) { pending_.erase(done.dump()); };
  pending_[id.dump()] = state;
  it->second(params, Reply<json>(std::move(state)));
}

void Dispatcher::cancel_request(const RequestId& id) {
  auto it = pending_.find(id.dump());
  if (it == pending_.end()) return;  // already answered: nothing to do
  auto state = it->second.lock();
  pending_.erase(it);
  if (!state) return;
  state->send_error(ResponseError{ErrorCode::kRequestCancelled, "request cancelled", nullptr});
  state->token.cancel();
}

void Dispatcher::handle_response(const json& message) {
  const json& id = message["id"];
  if (!id.is_number_integer()) return;  // not one of ours
  auto it = calls_.find(id.get<int64_t>());
  if (it == calls_.end()) return;
  auto callback = std::move(it->second);
  calls_.erase(it);
  if (auto err = message.find("error"); err != message.end()) {
    ResponseError error;
    error.code =
        static_cast<ErrorCode>(err->value("code", static_cast<int>(ErrorCode::kUnknownErrorCode)));
    error.message = err->value("message", std::string("client error"));
    if (err->contains("data")) error.data = (*err)["data"];
    callback(error);
  } else {
    callback(message["result"]);
  }
}

void Dispatcher::notify(std::string_view method, json params) {
  send_(make_notification(method, std::move(params)));
}

int64_t Dispatcher::call(std::string_view method, json params, ResultCallback callback) {
  int64_t id = next_call_id_++;
  if (calls_.size() >= kMaxPendingCalls) {
    callback(ResponseError{ErrorCode::kRequestFailed,
                           "too many requests to the client are awaiting an answer", nullptr});
    return id;
  }
  calls_[id] = std::move(callback);
  send_(make_request(id, method, std::move(params)));
  return id;
}

void Dispatcher::fail_pending_calls(const std::string& why) {
  auto calls = std::move(calls_);
  calls_.clear();
  for (auto& [id, callback] : calls) {
    callback(ResponseError{ErrorCode::kRequestFailed, why, nullptr});
  }
}

}  // namespace flint::protocol
