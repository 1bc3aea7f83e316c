// The fake endpoint's WebSocket Responses mode (README.md, "WebSocket Responses mode"): the
// upgrade, wslay's server-side framing over the connection's own asio I/O, and the response
// state a Responses WebSocket keeps per connection (previous_response_id).

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <wslay/wslay.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <nlohmann/json.hpp>

#include "tests/fake_endpoint/connection.h"

namespace flint::fake {
namespace {

using json = nlohmann::json;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string websocket_accept(std::string_view key) {
  std::string input(key);
  input += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  unsigned char encoded[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
  int n = EVP_EncodeBlock(encoded, digest, SHA_DIGEST_LENGTH);
  return std::string(reinterpret_cast<const char*>(encoded), static_cast<size_t>(n));
}

std::string_view error_type(int status) {
  switch (status) {
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 429:
      return "rate_limit_error";
    default:
      return status >= 500 ? "server_error" : "invalid_request_error";
  }
}

}  // namespace

// The callbacks wslay calls, with the Connection as user data.
struct WebSocketCallbacks {
  static ssize_t recv(wslay_event_context_ptr ctx, uint8_t* buf, size_t len, int, void* user) {
    std::string& input = *static_cast<std::string*>(user);
    if (input.empty()) {
      wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
      return -1;
    }
    size_t n = std::min(len, input.size());
    std::memcpy(buf, input.data(), n);
    input.erase(0, n);
    return static_cast<ssize_t>(n);
  }
};

bool Connection::is_websocket_upgrade(const HttpRequest& request) {
  return request.method == "GET" && lower(request.header("upgrade")) == "websocket";
}

void Connection::upgrade(const HttpRequest& request, uint64_t record_id) {
  std::string key = request.header("sec-websocket-key");
  std::optional<Reply> refusal = endpoint_.choose_upgrade(request.path, record_id);
  if (refusal && refusal->status != 101) {
    endpoint_.write_log("WebSocket upgrade refused with " + std::to_string(refusal->status));
    keep_alive_ = false;
    respond(refusal->status, "application/json",
            refusal->body
                ? *refusal->body
                : error_body(Api::kOpenAiResponses, refusal->status, refusal->error_message, ""),
            refusal->headers, record_id);
    return;
  }
  if (key.empty() || request.header("sec-websocket-version") != "13") {
    keep_alive_ = false;
    respond(
        400, "application/json",
        error_body(Api::kOpenAiResponses, 400,
                   "a WebSocket upgrade needs Sec-WebSocket-Key and Sec-WebSocket-Version: 13", ""),
        {}, record_id);
    return;
  }

  // Frames from here on: wslay's server side reads them from input_ and writes into output_.
  static const wslay_event_callbacks kCallbacks = {
      [](wslay_event_context_ptr ctx, uint8_t* buf, size_t len, int flags, void* user) {
        return WebSocketCallbacks::recv(ctx, buf, len, flags,
                                        &static_cast<Connection*>(user)->input_);
      },
      [](wslay_event_context_ptr, const uint8_t* data, size_t len, int, void* user) {
        static_cast<Connection*>(user)->output_.append(reinterpret_cast<const char*>(data), len);
        return static_cast<ssize_t>(len);
      },
      nullptr,
      nullptr,
      nullptr,
      nullptr,
      [](wslay_event_context_ptr, const wslay_event_on_msg_recv_arg* arg, void* user) {
        if (arg->opcode != WSLAY_TEXT_FRAME) return;
        static_cast<Connection*>(user)->ws_messages_.emplace_back(
            reinterpret_cast<const char*>(arg->msg), arg->msg_length);
      }};
  wslay_event_context_server_init(&ws_, &kCallbacks, this);
  ws_path_ = request.path;
  endpoint_.update(record_id, [](RecordedRequest& r) {
    r.status = 101;
    r.completed = true;
  });
  endpoint_.write_log("WebSocket upgrade accepted on " + request.path);
  output_ +=
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: " +
      websocket_accept(key) + "\r\n\r\n";
  responding_ = false;
  current_record_ = 0;
  ws_receive();  // frames that came with the upgrade
}

void Connection::ws_drain() {
  if (ws_ != nullptr && wslay_event_want_write(ws_) != 0) wslay_event_send(ws_);
}

void Connection::ws_receive() {
  if (closed_) return;
  if (wslay_event_recv(ws_) != 0) {
    peer_closed();
    return;
  }
  ws_drain();
  if (wslay_event_want_read(ws_) == 0 && wslay_event_want_write(ws_) == 0) {
    // The close handshake is done (or a protocol error was answered): the TCP connection ends.
    close_after_write_ = true;
  }
  flush();
  if (!responding_ && !close_after_write_) ws_next_message();
}

void Connection::ws_next_message() {
  while (!responding_ && !closed_ && !close_after_write_ && !ws_messages_.empty()) {
    std::string text = std::move(ws_messages_.front());
    ws_messages_.pop_front();
    ws_handle(std::move(text));
  }
}

void Connection::ws_send(std::string_view text) {
  wslay_event_msg message = {WSLAY_TEXT_FRAME, reinterpret_cast<const uint8_t*>(text.data()),
                             text.size()};
  wslay_event_queue_msg(ws_, &message);
  ws_drain();  // into output_ now: a close frame queued later must not overtake it
}

void Connection::ws_events(std::string_view sse) {
  // The format writes SSE ("event: x\ndata: {json}\n\n", or comments); each event's data is one
  // WebSocket message, as the Responses WebSocket mode sends it.
  size_t pos = 0;
  while (pos < sse.size()) {
    size_t end = sse.find("\n\n", pos);
    std::string_view block = sse.substr(pos, end == std::string_view::npos ? end : end - pos);
    pos = end == std::string_view::npos ? sse.size() : end + 2;
    size_t data = block.rfind("data: ", 0) == 0 ? 0 : block.find("\ndata: ");
    if (data == std::string_view::npos) continue;
    std::string_view payload = block.substr(block[data] == '\n' ? data + 7 : data + 6);
    payload = payload.substr(0, payload.find('\n'));
    ws_send(payload);
    if (payload.find("\"type\":\"response.completed\"") != std::string_view::npos ||
        payload.find("\"type\":\"response.incomplete\"") != std::string_view::npos) {
      json event = json::parse(payload, nullptr, false);
      json items = ws_context_;
      if (event.is_object() && event.contains("response")) {
        for (const json& item : event["response"].value("output", json::array())) {
          items.push_back(item);
        }
      }
      ws_responses_[ws_response_id_] = std::move(items);
    }
  }
}

void Connection::ws_error(int status, std::string_view code, std::string_view message,
                          std::string_view param) {
  json error = {{"type", error_type(status)}, {"code", code}, {"message", message}};
  error["param"] = param.empty() ? json(nullptr) : json(param);
  json event = {{"type", "error"}, {"status", status}, {"error", std::move(error)}};
  ws_send(event.dump(-1, ' ', false, json::error_handler_t::replace));
  flush();
}

void Connection::ws_handle(std::string text) {
  Clock::time_point received = Clock::now();
  json message = json::parse(text, nullptr, false);
  json input = json::array();
  std::string previous;
  if (message.is_object()) {
    if (message.contains("input") && message["input"].is_array()) input = message["input"];
    if (message.contains("input") && message["input"].is_string()) {
      input.push_back({{"role", "user"}, {"content", message["input"]}});
    }
    if (message.contains("previous_response_id") && message["previous_response_id"].is_string()) {
      previous = message["previous_response_id"].get<std::string>();
    }
  }

  RecordedRequest record;
  record.connection = id_;
  record.method = "MESSAGE";
  record.path = ws_path_;
  record.body = text;
  record.received_at = received;
  record.api = std::string(api_name(Api::kOpenAiResponses));
  record.websocket = true;
  record.input_items = static_cast<int64_t>(input.size());
  record.previous_response_id = previous;
  uint64_t record_id = endpoint_.record(std::move(record));
  auto answered = [&](int status) {
    endpoint_.update(record_id, [status](RecordedRequest& r) {
      r.status = status;
      r.completed = true;
    });
  };

  if (!message.is_object() || message.value("type", "") != "response.create") {
    ws_error(400, "invalid_request_error", "expected a JSON response.create message", "type");
    answered(400);
    return;
  }
  ws_context_ = json::array();
  if (!previous.empty()) {
    auto found = ws_responses_.find(previous);
    if (found == ws_responses_.end()) {
      ws_error(400, "previous_response_not_found",
               "Previous response with id '" + previous + "' not found.", "previous_response_id");
      answered(400);
      return;
    }
    ws_context_ = found->second;
  }
  for (const json& item : input) ws_context_.push_back(item);
  int64_t context_items = static_cast<int64_t>(ws_context_.size());
  endpoint_.update(record_id,
                   [context_items](RecordedRequest& r) { r.context_items = context_items; });

  Defaults defaults;
  Reply reply = endpoint_.choose(ws_path_, text, record_id, defaults);
  if (reply.fault == Fault::kClose) {
    endpoint_.write_log("fault close: WebSocket connection dropped without a close frame");
    close_now();
    return;
  }
  if (reply.status < 200 || reply.status >= 300) {
    ws_error(reply.status, error_type(reply.status),
             reply.error_message.empty() ? std::string(reason_phrase(reply.status))
                                         : reply.error_message,
             "");
    answered(reply.status);
    return;
  }
  responding_ = true;
  ws_response_id_ = "resp_ws" + std::to_string(id_) + "_" + std::to_string(ws_next_response_++);
  HttpRequest request;
  request.method = "MESSAGE";
  request.path = ws_path_;
  request.body = std::move(text);
  start_stream(Api::kOpenAiResponses, request, std::move(reply), defaults, record_id, received);
}

}  // namespace flint::fake
