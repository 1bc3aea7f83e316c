#pragma once
// The fake endpoint's shared state: the listening socket and server thread, the script, the
// recorded requests and the connection bookkeeping. Connections run on the server thread;
// the mutex guards what the test thread reads or replaces.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

// asio picks its allocator from standard-library macros: a standard header must come first in
// every file, or two files disagree (operator new in one, free in the other).
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

#include "tests/fake_endpoint/fake_endpoint.h"
#include "tests/fake_endpoint/http_request.h"

namespace flint::fake {

class Connection;
using Clock = std::chrono::steady_clock;

struct FakeEndpoint::Impl {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor{io};
  std::thread thread;
  std::atomic<uint16_t> port{0};
  Clock::time_point started = Clock::now();

  mutable std::mutex mutex;
  mutable std::condition_variable recorded;
  Defaults base_defaults;
  Script script;
  std::deque<RecordedRequest> requests;
  std::map<uint64_t, Clock::time_point> closed_at;
  std::function<void(std::string_view)> log;
  uint64_t next_request = 1;

  std::atomic<bool> tcp_nodelay{true};
  std::atomic<size_t> accepted{0};
  std::atomic<size_t> open{0};
  // Server thread only.
  uint64_t next_connection = 1;
  std::vector<std::weak_ptr<Connection>> connections;

  void accept();
  uint64_t record(RecordedRequest request);
  void update(uint64_t request_id, const std::function<void(RecordedRequest&)>& change);
  Reply choose(std::string_view path, std::string_view body, uint64_t request_id,
               Defaults& defaults);
  // A WebSocket upgrade: the refusal an `upgrade` rule scripts, or nullopt (accept).
  std::optional<Reply> choose_upgrade(std::string_view path, uint64_t request_id);
  void connection_closed(uint64_t connection);
  void write_log(std::string_view line);
  // The /_flint/ control API: status and JSON body.
  std::pair<int, std::string> control(const HttpRequest& request);
};

}  // namespace flint::fake
