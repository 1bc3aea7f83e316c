#include "tests/fake_endpoint/fake_endpoint.h"

#include <algorithm>
#include <cctype>

#include "tests/fake_endpoint/connection.h"
#include "tests/fake_endpoint/endpoint_state.h"

namespace flint::fake {
namespace {

using json = nlohmann::json;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

json to_json(const RecordedRequest& request, Clock::time_point started) {
  json headers = json::object();
  for (const auto& [name, value] : request.headers) {
    // The control API may be read by other processes and logs: secrets stay in-process.
    bool secret = name == "authorization" || name == "x-api-key" || name == "api-key";
    headers[name] = secret ? "<redacted>" : value;
  }
  auto received =
      std::chrono::duration_cast<std::chrono::microseconds>(request.received_at - started);
  return {{"id", request.id},
          {"connection", request.connection},
          {"method", request.method},
          {"path", request.path},
          {"api", request.api},
          {"headers", std::move(headers)},
          {"body", request.body},
          {"json", request.json()},
          {"status", request.status},
          {"rule", request.rule},
          {"eventsWritten", request.events_written},
          {"completed", request.completed},
          {"clientDisconnected", request.client_disconnected},
          {"websocket", request.websocket},
          {"inputItems", request.input_items},
          {"previousResponseId", request.previous_response_id},
          {"contextItems", request.context_items},
          {"receivedMs", static_cast<double>(received.count()) / 1000.0}};
}

}  // namespace

std::string RecordedRequest::header(std::string_view name) const {
  std::string key = lower(name);
  for (const auto& [header_name, value] : headers) {
    if (header_name == key) return value;
  }
  return {};
}

nlohmann::json RecordedRequest::json() const {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  return parsed.is_discarded() ? nlohmann::json() : parsed;
}

void FakeEndpoint::Impl::accept() {
  acceptor.async_accept([this](std::error_code ec, asio::ip::tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    } else {
      if (tcp_nodelay.load()) {
        std::error_code ignored;
        socket.set_option(asio::ip::tcp::no_delay(true), ignored);
      }
      auto connection = std::make_shared<Connection>(*this, std::move(socket), next_connection++);
      accepted.fetch_add(1);
      open.fetch_add(1);
      std::erase_if(connections, [](const auto& weak) { return weak.expired(); });
      connections.push_back(connection);
      connection->start();
    }
    accept();
  });
}

uint64_t FakeEndpoint::Impl::record(RecordedRequest request) {
  std::string line;
  uint64_t id;
  {
    std::lock_guard lock(mutex);
    id = next_request++;
    request.id = id;
    line = request.method + " " + request.path + " (connection " +
           std::to_string(request.connection) + ", " + std::to_string(request.body.size()) +
           " bytes)";
    requests.push_back(std::move(request));
  }
  recorded.notify_all();
  write_log(line);
  return id;
}

void FakeEndpoint::Impl::update(uint64_t request_id,
                                const std::function<void(RecordedRequest&)>& change) {
  std::lock_guard lock(mutex);
  for (auto it = requests.rbegin(); it != requests.rend(); ++it) {
    if (it->id == request_id) {
      change(*it);
      return;
    }
    if (it->id < request_id) return;
  }
}

Reply FakeEndpoint::Impl::choose(std::string_view path, std::string_view body, uint64_t request_id,
                                 Defaults& defaults) {
  int rule = -1;
  Reply reply;
  {
    std::lock_guard lock(mutex);
    reply = choose_reply(script, path, body, rule);
    defaults = script.defaults;
  }
  update(request_id, [rule](RecordedRequest& r) { r.rule = rule; });
  write_log("  -> " + (rule < 0 ? std::string("default reply") : "rule " + std::to_string(rule)) +
            ": status " + std::to_string(reply.status) + ", fault " +
            std::string(to_string(reply.fault)) + ", " + std::to_string(reply.text.size()) +
            " text bytes, " + std::to_string(reply.tool_calls.size()) + " tool call(s)");
  return reply;
}

std::optional<Reply> FakeEndpoint::Impl::choose_upgrade(std::string_view path,
                                                        uint64_t request_id) {
  int rule = -1;
  std::optional<Reply> reply;
  {
    std::lock_guard lock(mutex);
    reply = choose_upgrade_reply(script, path, rule);
  }
  update(request_id, [rule](RecordedRequest& r) { r.rule = rule; });
  write_log(reply ? "  -> WebSocket upgrade, rule " + std::to_string(rule) + ": status " +
                        std::to_string(reply->status)
                  : std::string("  -> WebSocket upgrade accepted"));
  return reply;
}

void FakeEndpoint::Impl::connection_closed(uint64_t connection) {
  open.fetch_sub(1);
  std::lock_guard lock(mutex);
  closed_at.emplace(connection, Clock::now());
}

void FakeEndpoint::Impl::write_log(std::string_view line) {
  std::lock_guard lock(mutex);
  if (log) log(line);
}

std::pair<int, std::string> FakeEndpoint::Impl::control(const HttpRequest& request) {
  std::string path = request.path.substr(0, request.path.find('?'));
  if (path == "/_flint/requests" && request.method == "GET") {
    json list = json::array();
    std::lock_guard lock(mutex);
    for (const RecordedRequest& recorded : requests) list.push_back(to_json(recorded, started));
    return {200, list.dump(-1, ' ', false, json::error_handler_t::replace)};
  }
  if (path == "/_flint/requests" && request.method == "DELETE") {
    std::lock_guard lock(mutex);
    size_t count = requests.size();
    requests.clear();
    return {200, json{{"cleared", count}}.dump()};
  }
  if (path == "/_flint/script" && request.method == "POST") {
    json source = json::parse(request.body, nullptr, false);
    if (source.is_discarded()) return {400, json{{"error", "the script is not JSON"}}.dump()};
    try {
      std::lock_guard lock(mutex);
      script = parse_script(source, base_defaults);
    } catch (const std::exception& e) {
      return {400, json{{"error", e.what()}}.dump()};
    }
    write_log("script replaced");
    return {200, json{{"ok", true}}.dump()};
  }
  if (path == "/_flint/script" && request.method == "GET") {
    std::lock_guard lock(mutex);
    return {200, script.source.dump()};
  }
  if (path == "/_flint/stats" && request.method == "GET") {
    std::lock_guard lock(mutex);
    return {200, json{{"connectionsAccepted", accepted.load()},
                      {"connectionsOpen", open.load()},
                      {"requests", requests.size()}}
                     .dump()};
  }
  if (path == "/_flint/health") return {200, json{{"ok", true}}.dump()};
  return {404, json{{"error", "unknown control path " + path +
                                  " (GET|DELETE /_flint/requests, GET|POST /_flint/script, "
                                  "GET /_flint/stats, GET /_flint/health)"}}
                   .dump()};
}

FakeEndpoint::FakeEndpoint(const nlohmann::json& script, Defaults defaults)
    : impl_(std::make_shared<Impl>()) {
  impl_->base_defaults = defaults;
  impl_->script = parse_script(script, defaults);
}

FakeEndpoint::~FakeEndpoint() {
  stop();
}

void FakeEndpoint::start(uint16_t port) {
  using asio::ip::tcp;
  tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

void FakeEndpoint::stop() {
  if (!impl_->thread.joinable()) return;
  asio::post(impl_->io, [impl = impl_.get()] {
    std::error_code ignored;
    impl->acceptor.close(ignored);
    for (const auto& weak : impl->connections) {
      if (auto connection = weak.lock()) connection->close();
    }
    impl->connections.clear();
  });
  // Let the closes run, then stop whatever is left (timers of closed connections).
  asio::post(impl_->io, [impl = impl_.get()] { impl->io.stop(); });
  impl_->thread.join();
}

void FakeEndpoint::set_tcp_nodelay(bool on) {
  impl_->tcp_nodelay.store(on);
}

uint16_t FakeEndpoint::port() const {
  return impl_->port.load();
}

std::string FakeEndpoint::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + std::string(path);
}

void FakeEndpoint::set_script(const nlohmann::json& script) {
  std::lock_guard lock(impl_->mutex);
  impl_->script = parse_script(script, impl_->base_defaults);
}

nlohmann::json FakeEndpoint::script() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->script.source;
}

std::vector<RecordedRequest> FakeEndpoint::requests() const {
  std::lock_guard lock(impl_->mutex);
  return {impl_->requests.begin(), impl_->requests.end()};
}

void FakeEndpoint::clear_requests() {
  std::lock_guard lock(impl_->mutex);
  impl_->requests.clear();
}

bool FakeEndpoint::wait_for_requests(size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->recorded.wait_for(lock, timeout, [&] { return impl_->requests.size() >= count; });
}

size_t FakeEndpoint::connections_accepted() const {
  return impl_->accepted.load();
}

size_t FakeEndpoint::connections_open() const {
  return impl_->open.load();
}

std::optional<std::chrono::steady_clock::time_point> FakeEndpoint::connection_closed_at(
    uint64_t connection) const {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->closed_at.find(connection);
  if (it == impl_->closed_at.end()) return std::nullopt;
  return it->second;
}

void FakeEndpoint::set_log(std::function<void(std::string_view)> log) {
  std::lock_guard lock(impl_->mutex);
  impl_->log = std::move(log);
}

}  // namespace flint::fake
