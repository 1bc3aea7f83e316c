#include "server/models/websocket/websocket_connection.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <wslay/wslay.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>

#include "server/text/redact.h"

namespace flint::models {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kAcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr size_t kMaxHandshakeBytes = size_t{64} * 1024;
constexpr std::chrono::milliseconds kCloseWait{2000};

std::string base64(const unsigned char* data, size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<size_t>(std::max(n, 0)));
  return out;
}

std::string accept_for(std::string_view key) {
  std::string input(key);
  input.append(kAcceptGuid);
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  return base64(digest, sizeof digest);
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return std::string(text);
}

struct Url {
  std::string http_url;  // what libcurl connects to (http:// or https://)
  std::string host;      // the Host header
  std::string target;    // path and query
};

std::optional<Url> parse_url(const std::string& url, std::string& error) {
  Url out;
  if (url.rfind("wss://", 0) == 0) {
    out.http_url = "https://" + url.substr(6);
  } else if (url.rfind("ws://", 0) == 0) {
    out.http_url = "http://" + url.substr(5);
  } else if (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0) {
    out.http_url = url;
  } else {
    error = "not a ws:// or wss:// URL";
    return std::nullopt;
  }
  CURLU* handle = curl_url();
  auto part = [&](CURLUPart which) -> std::optional<std::string> {
    char* value = nullptr;
    if (curl_url_get(handle, which, &value, 0) != CURLUE_OK) return std::nullopt;
    std::string text(value);
    curl_free(value);
    return text;
  };
  if (curl_url_set(handle, CURLUPART_URL, out.http_url.c_str(), 0) != CURLUE_OK) {
    curl_url_cleanup(handle);
    error = "not a valid URL";
    return std::nullopt;
  }
  out.host = part(CURLUPART_HOST).value_or("");
  if (std::optional<std::string> port = part(CURLUPART_PORT)) out.host += ":" + *port;
  out.target = part(CURLUPART_PATH).value_or("/");
  if (std::optional<std::string> query = part(CURLUPART_QUERY)) out.target += "?" + *query;
  curl_url_cleanup(handle);
  return out;
}

}  // namespace

WebSocketOptions WebSocketOptions::for_role(const ModelRoleConfig& role, std::string url) {
  WebSocketOptions options;
  options.url = std::move(url);
  if (!role.api_key.empty()) {
    options.headers.push_back("Authorization: Bearer " + role.api_key);
    options.secrets.push_back(role.api_key);
  }
  options.connect_timeout_ms = role.connect_timeout_ms;
  options.handshake_timeout_ms = role.first_byte_timeout_ms;
  options.verify_tls = role.verify_tls;
  options.ca_bundle = role.ca_bundle;
  return options;
}

struct WebSocketConnection::State {
  State(WebSocketOptions o, WebSocketCallbacks c)
      : options(std::move(o)), callbacks(std::move(c)), redact(options.secrets) {}
  ~State() {
    if (wake >= 0) ::close(wake);
  }

  WebSocketOptions options;
  WebSocketCallbacks callbacks;
  Redactor redact;
  int wake = -1;  // eventfd: send() / close() were called

  std::mutex mutex;
  std::deque<std::string> outbox;
  std::optional<std::pair<int, std::string>> close_request;
  std::atomic<bool> ended{false};
  std::atomic<bool> stopping{false};  // the owner is going: abort a connect in progress

  // The connection's thread only.
  CURL* easy = nullptr;
  curl_socket_t socket = CURL_SOCKET_BAD;
  wslay_event_context_ptr ws = nullptr;
  std::string pending_input;  // bytes that arrived after the 101's headers
  bool eof = false;
  std::string io_error;
  Clock::time_point last_received;
  int close_code_received = 0;
  std::string close_reason_received;
  bool close_initiated = false;
  int close_code_sent = 0;

  void run();
  WebSocketClose serve();
  std::optional<std::string> connect(const Url& url, int& http_status);
  void wake_up() const {
    uint64_t one = 1;
    ssize_t ignored = ::write(wake, &one, sizeof one);
    (void)ignored;
  }
  // Waits until the socket is ready for `events`, `deadline` passes or a command arrives;
  // false on timeout.
  bool wait_socket(short events, Clock::time_point deadline);
  void drain_wake() const {
    uint64_t value = 0;
    ssize_t ignored = ::read(wake, &value, sizeof value);
    (void)ignored;
  }
  WebSocketClose failure(const std::string& reason, int http_status = 0) const {
    WebSocketClose close;
    close.code = 1006;
    close.http_status = http_status;
    close.reason = redact(reason);
    return close;
  }

  static ssize_t on_recv(wslay_event_context_ptr ctx, uint8_t* buf, size_t len, int flags,
                         void* user);
  static ssize_t on_send(wslay_event_context_ptr ctx, const uint8_t* data, size_t len, int flags,
                         void* user);
  static int on_genmask(wslay_event_context_ptr ctx, uint8_t* buf, size_t len, void* user);
  static void on_message(wslay_event_context_ptr ctx, const wslay_event_on_msg_recv_arg* arg,
                         void* user);
  static int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
};

bool WebSocketConnection::State::wait_socket(short events, Clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd fds[2] = {{socket, events, 0}, {wake, POLLIN, 0}};
    int n = ::poll(fds, 2, static_cast<int>(std::min<int64_t>(left.count() + 1, 1000)));
    if (n < 0 && errno != EINTR) return false;
    if (fds[1].revents != 0) drain_wake();
    if (stopping.load()) return false;
    if (fds[0].revents != 0) return true;
  }
}

int WebSocketConnection::State::on_progress(void* user, curl_off_t, curl_off_t, curl_off_t,
                                            curl_off_t) {
  return static_cast<State*>(user)->stopping.load() ? 1 : 0;
}

std::optional<std::string> WebSocketConnection::State::connect(const Url& url, int& http_status) {
  char error_buffer[CURL_ERROR_SIZE] = {};
  easy = curl_easy_init();
  if (easy == nullptr) return "libcurl could not make a handle";
  curl_easy_setopt(easy, CURLOPT_URL, url.http_url.c_str());
  curl_easy_setopt(easy, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
  if (options.connect_timeout_ms > 0) {
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options.connect_timeout_ms));
  }
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
  if (!options.ca_bundle.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options.ca_bundle.c_str());
  // WebSockets must go through a proxy as a tunnel (CONNECT), for ws:// too. Proxies: libcurl
  // reads http_proxy / https_proxy / no_proxy from the environment.
  curl_easy_setopt(easy, CURLOPT_HTTPPROXYTUNNEL, 1L);
  // HTTP/1.1 only: the upgrade is an HTTP/1.1 mechanism (no ALPN h2).
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &State::on_progress);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, this);
  CURLcode rc = curl_easy_perform(easy);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, nullptr);
  if (rc != CURLE_OK) {
    std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
    return "could not connect to " + options.url + ": " + detail;
  }
  curl_easy_getinfo(easy, CURLINFO_ACTIVESOCKET, &socket);
  if (socket == CURL_SOCKET_BAD) return "could not connect to " + options.url + ": no socket";

  unsigned char raw_key[16];
  if (RAND_bytes(raw_key, sizeof raw_key) != 1) return "no random bytes for the WebSocket key";
  std::string key = base64(raw_key, sizeof raw_key);
  std::string request =
      "GET " + url.target + " HTTP/1.1\r\nHost: " + url.host +
      "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
      "\r\nSec-WebSocket-Version: 13\r\n";
  for (const std::string& header : options.headers) request += header + "\r\n";
  request += "\r\n";

  Clock::time_point deadline =
      Clock::now() + std::chrono::milliseconds(std::max(options.handshake_timeout_ms, 1));
  size_t sent = 0;
  while (sent < request.size()) {
    size_t n = 0;
    rc = curl_easy_send(easy, request.data() + sent, request.size() - sent, &n);
    if (rc == CURLE_AGAIN) {
      if (!wait_socket(POLLOUT, deadline)) {
        return stopping ? "closed while connecting" : "timed out sending the WebSocket upgrade";
      }
      continue;
    }
    if (rc != CURLE_OK)
      return "could not send the WebSocket upgrade: " + std::string(curl_easy_strerror(rc));
    sent += n;
  }

  std::string response;
  size_t end = std::string::npos;
  while (end == std::string::npos) {
    char buffer[4096];
    size_t n = 0;
    rc = curl_easy_recv(easy, buffer, sizeof buffer, &n);
    if (rc == CURLE_AGAIN) {
      if (!wait_socket(POLLIN, deadline)) {
        return stopping ? "closed while connecting"
                        : "no answer to the WebSocket upgrade from " + options.url + " within " +
                              std::to_string(options.handshake_timeout_ms) + " ms";
      }
      continue;
    }
    if (rc != CURLE_OK || n == 0) {
      return options.url + " closed the connection during the WebSocket upgrade" +
             (rc != CURLE_OK ? ": " + std::string(curl_easy_strerror(rc)) : std::string());
    }
    response.append(buffer, n);
    end = response.find("\r\n\r\n");
    if (end == std::string::npos && response.size() > kMaxHandshakeBytes) {
      return "the answer to the WebSocket upgrade has over 64 KiB of headers";
    }
  }
  pending_input = response.substr(end + 4);
  response.resize(end);

  std::string_view head(response);
  size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  size_t space = status_line.find(' ');
  if (status_line.rfind("HTTP/", 0) != 0 || space == std::string_view::npos) {
    return options.url + " answered the WebSocket upgrade with something other than HTTP";
  }
  http_status = std::atoi(std::string(status_line.substr(space + 1, 3)).c_str());
  std::string upgrade;
  std::string accept;
  while (line_end != std::string_view::npos) {
    head.remove_prefix(line_end + 2);
    line_end = head.find("\r\n");
    std::string_view line = head.substr(0, line_end);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name = lower(line.substr(0, colon));
    if (name == "upgrade") upgrade = lower(trim(line.substr(colon + 1)));
    if (name == "sec-websocket-accept") accept = trim(line.substr(colon + 1));
  }
  if (http_status != 101) {
    return "the endpoint or a proxy in between does not accept WebSockets at " + options.url +
           ": the upgrade was answered with HTTP " + trim(status_line.substr(space + 1)) +
           " instead of 101 Switching Protocols";
  }
  if (upgrade != "websocket" || accept != accept_for(key)) {
    return options.url +
           " answered 101 without a valid WebSocket upgrade (Upgrade / Sec-WebSocket-Accept)";
  }
  return std::nullopt;
}

ssize_t WebSocketConnection::State::on_recv(wslay_event_context_ptr ctx, uint8_t* buf, size_t len,
                                            int, void* user) {
  State& self = *static_cast<State*>(user);
  if (!self.pending_input.empty()) {
    size_t n = std::min(len, self.pending_input.size());
    std::copy_n(self.pending_input.begin(), n, buf);
    self.pending_input.erase(0, n);
    self.last_received = Clock::now();
    return static_cast<ssize_t>(n);
  }
  size_t n = 0;
  CURLcode rc = curl_easy_recv(self.easy, buf, len, &n);
  if (rc == CURLE_AGAIN) {
    wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
    return -1;
  }
  if (rc != CURLE_OK || n == 0) {
    if (rc != CURLE_OK) self.io_error = curl_easy_strerror(rc);
    self.eof = rc == CURLE_OK;
    wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
  }
  self.last_received = Clock::now();
  return static_cast<ssize_t>(n);
}

ssize_t WebSocketConnection::State::on_send(wslay_event_context_ptr ctx, const uint8_t* data,
                                            size_t len, int, void* user) {
  State& self = *static_cast<State*>(user);
  size_t n = 0;
  CURLcode rc = curl_easy_send(self.easy, data, len, &n);
  if (rc == CURLE_AGAIN) {
    wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
    return -1;
  }
  if (rc != CURLE_OK) {
    self.io_error = curl_easy_strerror(rc);
    wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
  }
  return static_cast<ssize_t>(n);
}

int WebSocketConnection::State::on_genmask(wslay_event_context_ptr, uint8_t* buf, size_t len,
                                           void*) {
  return RAND_bytes(buf, static_cast<int>(len)) == 1 ? 0 : -1;
}

void WebSocketConnection::State::on_message(wslay_event_context_ptr,
                                            const wslay_event_on_msg_recv_arg* arg, void* user) {
  State& self = *static_cast<State*>(user);
  if (arg->opcode == WSLAY_TEXT_FRAME) {
    if (self.callbacks.on_message) {
      self.callbacks.on_message(
          std::string(reinterpret_cast<const char*>(arg->msg), arg->msg_length));
    }
  } else if (arg->opcode == WSLAY_CONNECTION_CLOSE) {
    self.close_code_received = arg->status_code;
    if (arg->msg_length > 2) {
      self.close_reason_received.assign(reinterpret_cast<const char*>(arg->msg) + 2,
                                        arg->msg_length - 2);
    }
  }
}

WebSocketClose WebSocketConnection::State::serve() {
  std::string error;
  std::optional<Url> url = parse_url(options.url, error);
  if (!url) return failure("WebSocket URL " + options.url + ": " + error);
  int http_status = 0;
  if (std::optional<std::string> failed = connect(*url, http_status)) {
    return failure(*failed, http_status == 101 ? 0 : http_status);
  }

  wslay_event_callbacks handlers = {&State::on_recv, &State::on_send, &State::on_genmask, nullptr,
                                    nullptr,         nullptr,         &State::on_message};
  if (wslay_event_context_client_init(&ws, &handlers, this) != 0) {
    return failure("wslay could not make a context");
  }
  wslay_event_config_set_max_recv_msg_length(ws, options.max_message_bytes);

  if (callbacks.on_open) callbacks.on_open();
  Clock::time_point now = Clock::now();
  last_received = now;
  bool ping_outstanding = false;
  Clock::time_point ping_sent_at = now;
  Clock::time_point next_ping = now + options.ping_interval;
  std::optional<Clock::time_point> close_deadline;
  bool check_read = true;  // bytes may already wait (after the 101's headers)

  WebSocketClose result;
  result.opened = true;
  for (;;) {
    {
      std::lock_guard lock(mutex);
      while (!outbox.empty()) {
        const std::string& text = outbox.front();
        wslay_event_msg message = {WSLAY_TEXT_FRAME, reinterpret_cast<const uint8_t*>(text.data()),
                                   text.size()};
        wslay_event_queue_msg(ws, &message);  // copies the text
        outbox.pop_front();
      }
      if (close_request && !close_initiated) {
        close_initiated = true;
        close_code_sent = close_request->first;
        wslay_event_queue_close(ws, static_cast<uint16_t>(close_code_sent),
                                reinterpret_cast<const uint8_t*>(close_request->second.data()),
                                close_request->second.size());
        close_deadline = Clock::now() + kCloseWait;
      }
    }
    if (check_read) {
      check_read = false;
      if (wslay_event_recv(ws) != 0) {
        if (wslay_event_get_close_received(ws) != 0) break;
        if (eof) return failure("the server closed the connection without a close frame");
        return failure("the WebSocket connection failed: " +
                       (io_error.empty() ? std::string("protocol error") : io_error));
      }
    }

    now = Clock::now();
    if (options.ping_interval.count() > 0) {
      if (ping_outstanding && last_received >= ping_sent_at) {
        ping_outstanding = false;
        next_ping = ping_sent_at + options.ping_interval;
      }
      if (ping_outstanding && now - ping_sent_at >= options.pong_timeout) {
        return failure("no pong within " + std::to_string(options.pong_timeout.count()) +
                       " ms of a ping: the connection is dead");
      }
      if (!ping_outstanding && now >= next_ping && !close_initiated) {
        wslay_event_msg ping = {WSLAY_PING, nullptr, 0};
        wslay_event_queue_msg(ws, &ping);
        ping_outstanding = true;
        ping_sent_at = now;
      }
    }
    if (close_deadline && now >= *close_deadline) {
      result.code = 1006;
      result.reason = "closed by flint; the server did not answer the close frame";
      return result;
    }

    if (wslay_event_want_write(ws) != 0 && wslay_event_send(ws) != 0) {
      // The server sent its close frame and hung up before our echo went out: its close (code
      // and reason) is what happened, not the failed echo.
      if (wslay_event_get_close_received(ws) != 0) break;
      return failure("the WebSocket connection failed while sending: " +
                     (io_error.empty() ? std::string("protocol error") : io_error));
    }
    if (wslay_event_want_read(ws) == 0 && wslay_event_want_write(ws) == 0) break;

    Clock::time_point wake_at = now + std::chrono::seconds(1);
    if (options.ping_interval.count() > 0) {
      wake_at =
          std::min(wake_at, ping_outstanding ? ping_sent_at + options.pong_timeout : next_ping);
    }
    if (close_deadline) wake_at = std::min(wake_at, *close_deadline);
    auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(wake_at - Clock::now());
    short events = POLLIN;
    if (wslay_event_want_write(ws) != 0) events |= POLLOUT;
    pollfd fds[2] = {{socket, events, 0}, {wake, POLLIN, 0}};
    int n = ::poll(fds, 2, static_cast<int>(std::max<int64_t>(timeout.count() + 1, 0)));
    if (n < 0 && errno != EINTR) return failure("poll failed on the WebSocket");
    if (fds[1].revents != 0) drain_wake();
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) check_read = true;
  }

  result.clean = wslay_event_get_close_received(ws) != 0 && wslay_event_get_close_sent(ws) != 0;
  if (close_initiated) {
    result.code = close_code_sent;
    result.reason = "closed by flint (" + std::to_string(close_code_sent) + ")";
  } else {
    result.code = close_code_received != 0 ? close_code_received : 1005;
    result.reason =
        redact("closed by the server (" + std::to_string(result.code) +
               (close_reason_received.empty() ? "" : " " + close_reason_received) + ")");
  }
  return result;
}

void WebSocketConnection::State::run() {
  WebSocketClose result = serve();
  {
    std::lock_guard lock(mutex);
    ended = true;
    outbox.clear();
  }
  if (ws != nullptr) wslay_event_context_free(ws);
  ws = nullptr;
  if (easy != nullptr) curl_easy_cleanup(easy);
  easy = nullptr;
  if (callbacks.on_close) callbacks.on_close(result);
}

WebSocketConnection::WebSocketConnection(WebSocketOptions options, WebSocketCallbacks callbacks)
    : state_(std::make_shared<State>(std::move(options), std::move(callbacks))) {
  state_->wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

WebSocketConnection::~WebSocketConnection() {
  close(1000, {});
  state_->stopping = true;
  state_->wake_up();
  if (!thread_.joinable()) return;
  if (thread_.get_id() == std::this_thread::get_id()) {
    thread_.detach();  // destroyed from its own callback: the thread holds the state
  } else {
    thread_.join();
  }
}

void WebSocketConnection::open() {
  if (thread_.joinable()) return;
  thread_ = std::thread([state = state_] { state->run(); });
}

bool WebSocketConnection::send(std::string text) {
  {
    std::lock_guard lock(state_->mutex);
    if (state_->ended) return false;
    state_->outbox.push_back(std::move(text));
  }
  state_->wake_up();
  return true;
}

void WebSocketConnection::close(int code, std::string reason) {
  {
    std::lock_guard lock(state_->mutex);
    if (state_->ended || state_->close_request) return;
    state_->close_request.emplace(code, std::move(reason));
  }
  state_->wake_up();
}

bool WebSocketConnection::closed() const {
  return state_->ended.load();
}

}  // namespace flint::models
