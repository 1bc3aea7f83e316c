// The WebSocket transport's connection (server/models/websocket/websocket_connection.h) against the
// loopback endpoint's WebSocket Responses mode: the upgrade, a response.create streamed back as
// one message per event, refused upgrades, a close in the middle, pings across an idle gap, the
// key in the handshake only, and continuations resolved by the endpoint's per-connection state.

#include "server/models/websocket/websocket_connection.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/fake_endpoint/fake_endpoint.h"

namespace flint::models {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kKey = "sk-test-websocket-0123456789abcdef";

std::string accept_for(const std::string& key) {
  std::string input = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  unsigned char encoded[32];
  int n = EVP_EncodeBlock(encoded, digest, SHA_DIGEST_LENGTH);
  return std::string(reinterpret_cast<const char*>(encoded), static_cast<size_t>(n));
}

// Collects what a connection reports, for the test thread to wait on.
class Recorder {
 public:
  WebSocketCallbacks callbacks() {
    WebSocketCallbacks c;
    c.on_open = [this] {
      std::lock_guard lock(mutex_);
      opened_ = true;
      changed_.notify_all();
    };
    c.on_message = [this](std::string message) {
      std::lock_guard lock(mutex_);
      messages_.push_back(json::parse(message));
      changed_.notify_all();
    };
    c.on_close = [this](const WebSocketClose& close) {
      std::lock_guard lock(mutex_);
      close_ = close;
      changed_.notify_all();
    };
    return c;
  }
  bool wait_open() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 5s, [&] { return opened_ || close_.has_value(); }) && opened_;
  }
  std::optional<WebSocketClose> wait_close(std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return close_.has_value(); });
    return close_;
  }
  // Waits for a message of `type` and returns it (null after 5 s).
  json wait_type(const std::string& type) {
    std::unique_lock lock(mutex_);
    json found;
    changed_.wait_for(lock, 5s, [&] {
      for (const json& message : messages_) {
        if (message.value("type", "") == type) {
          found = message;
          return true;
        }
      }
      return close_.has_value();
    });
    return found;
  }
  std::vector<json> messages() {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    messages_.clear();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool opened_ = false;
  std::vector<json> messages_;
  std::optional<WebSocketClose> close_;
};

WebSocketOptions options_for(const fake::FakeEndpoint& endpoint) {
  ModelRoleConfig role;
  role.api_key = kKey;
  std::string url = endpoint.url("/v1/responses");
  url.replace(0, 4, "ws");  // http://... -> ws://...
  return WebSocketOptions::for_role(role, url);
}

std::string create(const std::string& text, const std::string& previous = {}) {
  json message = {{"type", "response.create"},
                  {"model", "gpt-test"},
                  {"store", false},
                  {"input", json::array({{{"role", "user"}, {"content", text}}})}};
  if (!previous.empty()) message["previous_response_id"] = previous;
  return message.dump();
}

std::string streamed_text(const std::vector<json>& messages) {
  std::string text;
  for (const json& m : messages) {
    if (m.value("type", "") == "response.output_text.delta") text += m["delta"].get<std::string>();
  }
  return text;
}

std::vector<fake::RecordedRequest> websocket_messages(const fake::FakeEndpoint& endpoint) {
  std::vector<fake::RecordedRequest> out;
  for (const auto& r : endpoint.requests()) {
    if (r.websocket && r.method == "MESSAGE") out.push_back(r);
  }
  return out;
}

TEST(WebSocketConnection, HandshakeAndOneResponseStreamedAsEvents) {
  fake::FakeEndpoint endpoint(
      json({{"rules", {{{"match", "rename"}, {"reply", {{"text", "let total = 0;"}}}}}}}));
  endpoint.start();
  Recorder recorder;
  WebSocketConnection connection(options_for(endpoint), recorder.callbacks());
  connection.open();
  ASSERT_TRUE(recorder.wait_open());
  ASSERT_TRUE(connection.send(create("rename the variable")));
  json done = recorder.wait_type("response.completed");
  ASSERT_FALSE(done.is_null());
  std::vector<json> messages = recorder.messages();
  EXPECT_EQ(messages.front()["type"], "response.created");
  EXPECT_EQ(streamed_text(messages), "let total = 0;");
  EXPECT_EQ(done["response"]["model"], "gpt-test");
  EXPECT_EQ(done["response"]["output"][0]["content"][0]["text"], "let total = 0;");

  std::vector<fake::RecordedRequest> requests = endpoint.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_TRUE(requests[0].websocket);
  EXPECT_EQ(requests[0].status, 101);
  EXPECT_EQ(requests[0].header("upgrade"), "websocket");
  EXPECT_EQ(requests[0].header("authorization"), std::string("Bearer ") + kKey);
  EXPECT_EQ(requests[1].method, "MESSAGE");
  EXPECT_EQ(requests[1].input_items, 1);
  EXPECT_EQ(requests[1].rule, 0);
  EXPECT_EQ(requests[1].connection, requests[0].connection);

  connection.close();
  std::optional<WebSocketClose> close = recorder.wait_close();
  ASSERT_TRUE(close);
  EXPECT_TRUE(close->clean) << close->reason;
  EXPECT_EQ(close->code, 1000);
}

TEST(WebSocketConnection, RefusedUpgradeSaysSoWithTheStatus) {
  for (int status : {401, 404, 200}) {
    fake::FakeEndpoint endpoint(json(
        {{"rules",
          {{{"upgrade", true},
            {"reply", {{"status", status}, {"errorMessage", std::string("bad key ") + kKey}}}}}}}));
    endpoint.start();
    Recorder recorder;
    WebSocketConnection connection(options_for(endpoint), recorder.callbacks());
    connection.open();
    std::optional<WebSocketClose> close = recorder.wait_close();
    ASSERT_TRUE(close);
    EXPECT_FALSE(close->opened);
    EXPECT_FALSE(close->clean);
    EXPECT_EQ(close->http_status, status);
    EXPECT_NE(close->reason.find("does not accept WebSockets"), std::string::npos) << close->reason;
    EXPECT_NE(close->reason.find("HTTP " + std::to_string(status)), std::string::npos)
        << close->reason;
    EXPECT_EQ(close->reason.find(kKey), std::string::npos) << close->reason;
    EXPECT_FALSE(connection.send("too late"));
  }
}

TEST(WebSocketConnection, CloseInTheMiddleOfAResponse) {
  fake::FakeEndpoint endpoint(json(
      {{"default", {{"text", "one two three four five"}, {"fault", "cut"}, {"faultAfter", 2}}}}));
  endpoint.start();
  Recorder recorder;
  WebSocketConnection connection(options_for(endpoint), recorder.callbacks());
  connection.open();
  ASSERT_TRUE(recorder.wait_open());
  connection.send(create("hello"));
  std::optional<WebSocketClose> close = recorder.wait_close();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->code, 1011);
  EXPECT_NE(close->reason.find("fault cut"), std::string::npos) << close->reason;
  EXPECT_EQ(streamed_text(recorder.messages()), "one two ");
  EXPECT_TRUE(recorder.wait_type("response.completed").is_null());
}

TEST(WebSocketConnection, DroppedWithoutCloseFrame) {
  fake::FakeEndpoint endpoint(json({{"default", {{"fault", "close"}}}}));
  endpoint.start();
  Recorder recorder;
  WebSocketConnection connection(options_for(endpoint), recorder.callbacks());
  connection.open();
  ASSERT_TRUE(recorder.wait_open());
  connection.send(create("hello"));
  std::optional<WebSocketClose> close = recorder.wait_close();
  ASSERT_TRUE(close);
  EXPECT_FALSE(close->clean);
  EXPECT_EQ(close->code, 1006);
  EXPECT_NE(close->reason.find("without a close frame"), std::string::npos) << close->reason;
}

TEST(WebSocketConnection, ErrorEventArrivesAsAMessage) {
  fake::FakeEndpoint endpoint(json(
      {{"default", {{"text", "abcdefgh"}, {"fault", "error"}, {"errorMessage", "overloaded"}}}}));
  endpoint.start();
  Recorder recorder;
  WebSocketConnection connection(options_for(endpoint), recorder.callbacks());
  connection.open();
  ASSERT_TRUE(recorder.wait_open());
  connection.send(create("hello"));
  json error = recorder.wait_type("error");
  ASSERT_FALSE(error.is_null());
  EXPECT_EQ(error["message"], "overloaded");
  EXPECT_FALSE(connection.closed());  // an error event ends the response, not the socket
}

TEST(WebSocketConnection, PingsKeepItAliveAcrossAnIdleGap) {
  fake::FakeEndpoint endpoint;
  endpoint.start();
  Recorder recorder;
  WebSocketOptions options = options_for(endpoint);
  options.ping_interval = 50ms;
  options.pong_timeout = 200ms;
  WebSocketConnection connection(options, recorder.callbacks());
  connection.open();
  ASSERT_TRUE(recorder.wait_open());
  std::this_thread::sleep_for(800ms);  // 16 pings, each answered by the endpoint's wslay
  EXPECT_FALSE(connection.closed());
  connection.send(create("still there?"));
  EXPECT_FALSE(recorder.wait_type("response.completed").is_null());
}

TEST(WebSocketConnection, NoPongMeansDead) {
  // A listener that accepts the upgrade and then never answers anything.
  Recorder recorder;
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  ::listen(listener, 1);
  std::thread server([listener] {
    int client = ::accept(listener, nullptr, nullptr);
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::read(client, buffer, sizeof buffer);
      if (n <= 0) break;
      request.append(buffer, static_cast<size_t>(n));
    }
    size_t at = request.find("Sec-WebSocket-Key: ");
    std::string key = request.substr(at + 19, request.find("\r\n", at) - at - 19);
    std::string accept = accept_for(key);
    std::string answer =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: " +
        accept + "\r\n\r\n";
    ssize_t written = ::write(client, answer.data(), answer.size());
    (void)written;
    while (::read(client, buffer, sizeof buffer) > 0) {
    }
    ::close(client);
  });
  WebSocketOptions options;
  options.url = "ws://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/v1/responses";
  options.ping_interval = 50ms;
  options.pong_timeout = 150ms;
  WebSocketConnection connection(options, recorder.callbacks());
  connection.open();
  ASSERT_TRUE(recorder.wait_open());
  std::optional<WebSocketClose> close = recorder.wait_close();
  ASSERT_TRUE(close);
  EXPECT_FALSE(close->clean);
  EXPECT_NE(close->reason.find("no pong"), std::string::npos) << close->reason;
  server.join();
  ::close(listener);
}

TEST(WebSocketConnection, KeyOnlyInTheHandshakeNeverInErrors) {
  // Nothing listens on port 1: the connect error must not carry the key either.
  Recorder recorder;
  WebSocketOptions options;
  ModelRoleConfig role;
  role.api_key = kKey;
  options =
      WebSocketOptions::for_role(role, std::string("ws://127.0.0.1:1/v1/responses?key=") + kKey);
  WebSocketConnection connection(options, recorder.callbacks());
  connection.open();
  std::optional<WebSocketClose> close = recorder.wait_close();
  ASSERT_TRUE(close);
  EXPECT_NE(close->reason.find("could not connect"), std::string::npos) << close->reason;
  EXPECT_EQ(close->reason.find(kKey), std::string::npos) << close->reason;
  EXPECT_EQ(close->reason.find("0123456789abcdef"), std::string::npos) << close->reason;
}

TEST(WebSocketConnection, ContinuationSendsOnlyNewItemsAndTheEndpointResolvesIt) {
  fake::FakeEndpoint endpoint(json({{"rules",
                                     {{{"match", "first"}, {"reply", {{"text", "one"}}}},
                                      {{"match", "second"}, {"reply", {{"text", "two"}}}}}}}));
  endpoint.start();
  Recorder recorder;
  WebSocketConnection connection(options_for(endpoint), recorder.callbacks());
  connection.open();
  ASSERT_TRUE(recorder.wait_open());
  connection.send(create("first"));
  json first = recorder.wait_type("response.completed");
  ASSERT_FALSE(first.is_null());
  std::string id = first["response"]["id"];
  recorder.clear();
  connection.send(create("second", id));
  json second = recorder.wait_type("response.completed");
  ASSERT_FALSE(second.is_null());
  EXPECT_NE(second["response"]["id"], id);
  recorder.clear();
  connection.send(create("third", "resp_unknown"));
  json error = recorder.wait_type("error");
  ASSERT_FALSE(error.is_null());
  EXPECT_EQ(error["status"], 400);
  EXPECT_EQ(error["error"]["code"], "previous_response_not_found");

  std::vector<fake::RecordedRequest> messages = websocket_messages(endpoint);
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].input_items, 1);
  EXPECT_EQ(messages[0].context_items, 1);
  EXPECT_EQ(messages[1].previous_response_id, id);
  EXPECT_EQ(messages[1].input_items, 1);    // only the new item went over the wire
  EXPECT_EQ(messages[1].context_items, 3);  // first input + first output + the new item
  EXPECT_EQ(messages[2].context_items, -1);
  EXPECT_EQ(messages[2].status, 400);
}

}  // namespace
}  // namespace flint::models
