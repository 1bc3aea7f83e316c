#pragma once
// A client WebSocket connection (RFC 6455) for the Responses API's WebSocket mode
// (`wss://…/v1/responses`, one `response.create` text message per turn, every server event one
// text message holding the event's JSON).
//
// Who does what:
// - libcurl makes the connection (CURLOPT_CONNECT_ONLY): TCP, the proxy (http_proxy /
//   https_proxy / no_proxy from the environment, tunnelled with CONNECT), TLS with the role's
//   verifyTls / caBundle, the connect timeout. Bytes then go through curl_easy_send /
//   curl_easy_recv. libcurl 7.88 (Debian 12) has no WebSocket support of its own.
// - The HTTP/1.1 upgrade (a GET with Upgrade: websocket and Sec-WebSocket-Key, a 101 answer
//   whose Sec-WebSocket-Accept is checked) is written here: wslay does not do it. SHA-1,
//   base64 and the random key come from OpenSSL's libcrypto.
// - wslay frames everything after the upgrade: masking, fragmentation, control frames, the
//   close handshake, and it answers the server's pings itself.
//
// Threads: each connection runs on a thread of its own, which blocks in poll() on the socket
// and on an eventfd that send()/close() signal. Not the model client's I/O thread, because
// curl_easy_perform with CONNECT_ONLY blocks through the connect and the TLS handshake (and
// the upgrade is read synchronously after it), which would stall every HTTP stream sharing
// that thread; and a WebSocket is long-lived and few (one per endpoint and role), so a thread
// each costs nothing that matters. The callbacks run on that thread: a caller that needs them
// elsewhere posts them (as Transfer's batches are posted to the stream's executor).
//
// Keeping alive: a ping every `ping_interval`; when neither a pong nor any other frame arrives
// within `pong_timeout` of a ping, the connection counts as dead and is dropped (on_close,
// clean = false). Secrets: every error message and close reason goes through a Redactor made
// for the key (server/text/redact.h).
//
// Feeding the Responses provider (the next part of issue 19): each received message is exactly
// what an SSE event's `data:` line carries on the HTTP stream (its `type` field names the event,
// as the SSE `event:` line does), so the Responses StreamDecoder can take each message as one
// SSE event: wrap it as `data: <message>\n\n` and feed it to the same decoder (or give the
// decoder a feed_event(json) entry that the SSE path also uses, skipping the re-framing). The
// Transfer-side logic (first-byte / idle deadlines, batches posted to the stream's executor,
// cancel) then stays the same; a response ends at `response.completed` / `response.incomplete`
// / `response.failed` / `error` rather than at the end of a body, and cancel stops listening to
// the running response (the socket stays) rather than dropping a connection.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/models/model_config.h"

namespace flint::models {

struct WebSocketOptions {
  std::string url;                   // ws://host[:port]/path or wss://…
  std::vector<std::string> headers;  // extra handshake headers, "Name: value" (Authorization)
  std::vector<std::string> secrets;  // masked in every message (the key)
  int connect_timeout_ms = 5000;     // TCP + proxy + TLS (libcurl's)
  int handshake_timeout_ms = 10000;  // from the upgrade request to the 101's headers
  bool verify_tls = true;
  std::string ca_bundle;                           // empty = the system's
  std::chrono::milliseconds ping_interval{20000};  // 0 = no pings
  std::chrono::milliseconds pong_timeout{10000};
  size_t max_message_bytes = size_t{64} * 1024 * 1024;

  // The role's TLS settings, timeouts, key and its Authorization header (as the HTTP requests
  // send it) for `url`.
  static WebSocketOptions for_role(const ModelRoleConfig& role, std::string url);
};

struct WebSocketClose {
  bool clean = false;   // a close handshake (either side began it); false = dropped or never open
  bool opened = false;  // the upgrade had succeeded
  int code = 0;         // the close frame's status (1000 normal, 1006 = none received)
  int http_status = 0;  // a refused upgrade: the status the server or proxy answered
  std::string reason;   // what happened, redacted
};

struct WebSocketCallbacks {
  std::function<void()> on_open;
  std::function<void(std::string message)> on_message;  // each complete text message
  std::function<void(const WebSocketClose&)> on_close;  // exactly once, last
};

class WebSocketConnection {
 public:
  WebSocketConnection(WebSocketOptions options, WebSocketCallbacks callbacks);
  // Closes (a close frame, briefly waited for) and joins the thread. No callback after it.
  ~WebSocketConnection();
  WebSocketConnection(const WebSocketConnection&) = delete;
  WebSocketConnection& operator=(const WebSocketConnection&) = delete;

  // Starts the thread: connect, upgrade, then on_open (or on_close with the reason).
  void open();
  // Queues a text message (sent once open). False when the connection has ended.
  bool send(std::string text);
  // Begins the close handshake; on_close follows.
  void close(int code = 1000, std::string reason = {});
  bool closed() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
  std::thread thread_;
};

}  // namespace flint::models
