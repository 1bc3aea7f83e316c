#pragma once
// The loopback model endpoint every flint test talks to: a real HTTP/1.1 server on 127.0.0.1
// (asio, keep-alive, chunked streaming) that speaks the streaming formats of the five provider
// APIs, answers from a script (tests/fake_endpoint/README.md), paces tokens, injects faults and
// records every request.
//
// Threads: the server runs on its own thread; every public member may be called from any
// thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/fake_endpoint/script.h"

namespace flint::fake {

struct RecordedRequest {
  uint64_t id = 0;
  uint64_t connection = 0;  // requests on one kept-alive connection share it
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::chrono::steady_clock::time_point received_at;
  int status = 0;                    // 0 when no status was sent (fault "close", or yet to come)
  int rule = -1;                     // index of the rule that answered; -1 = the default reply
  std::string api;                   // "openai-chat", ...; empty for other paths
  int64_t events_written = 0;        // content events (text or tool-argument chunks) written
  bool completed = false;            // the whole response was written
  bool client_disconnected = false;  // the client closed the connection mid-response
  // WebSocket Responses mode: the upgrade (method GET, status 101 or the refusal) and each
  // response.create message (method "MESSAGE", body = the message) have websocket = true.
  bool websocket = false;
  int64_t input_items = -1;          // a message's `input` items (-1: not a message)
  std::string previous_response_id;  // a message's previous_response_id, "" if none
  int64_t context_items = -1;  // input items after resolving previous_response_id (-1: unresolved)

  std::string header(std::string_view name) const;  // "" when absent; name case-insensitive
  nlohmann::json json() const;                      // the body parsed; null if not JSON
};

class FakeEndpoint {
 public:
  // Throws std::invalid_argument for a bad script.
  explicit FakeEndpoint(const nlohmann::json& script = nlohmann::json::object(),
                        Defaults defaults = {});
  ~FakeEndpoint();
  FakeEndpoint(const FakeEndpoint&) = delete;
  FakeEndpoint& operator=(const FakeEndpoint&) = delete;

  // Whether accepted connections set TCP_NODELAY (the default). False leaves Nagle's algorithm
  // on, as cpp-httplib (llama.cpp's server) does: a small write then waits for the client's
  // ACK of the previous one. Applies to connections accepted afterwards.
  void set_tcp_nodelay(bool on);

  // Listens on 127.0.0.1:port (0 = any free port) and serves on an internal thread.
  // Throws std::system_error when the port cannot be bound.
  void start(uint16_t port = 0);
  // Closes every connection and stops serving. Also done by the destructor.
  void stop();

  uint16_t port() const;
  // "http://127.0.0.1:PORT" followed by `path`.
  std::string url(std::string_view path = "") const;

  // Replaces the script (rule counters start again). Throws std::invalid_argument.
  void set_script(const nlohmann::json& script);
  nlohmann::json script() const;

  std::vector<RecordedRequest> requests() const;
  void clear_requests();
  // True once `count` requests have been recorded, false if `timeout` passed first.
  bool wait_for_requests(size_t count, std::chrono::milliseconds timeout) const;

  size_t connections_accepted() const;
  size_t connections_open() const;
  // When the endpoint saw `connection` close (either side), if it has.
  std::optional<std::chrono::steady_clock::time_point> connection_closed_at(
      uint64_t connection) const;

  // One line per request and per fault, on the server thread.
  void set_log(std::function<void(std::string_view)> log);

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace flint::fake
