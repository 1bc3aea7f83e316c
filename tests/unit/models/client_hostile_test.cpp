// Endpoints that users meet and the loopback endpoint cannot play: one that streams bytes
// without ever a line break (a misconfigured proxy, a wrong port answering with a file), and
// one whose TLS certificate is not trusted. The client must stop early with a clear message,
// never buffer without bound, never retry in a loop.

#include "tests/support/untrusted_tls_server.h"
#include "tests/unit/models/client_harness.h"

// After the harness: asio must not be the first header (see model_client.h).
#include <sys/socket.h>

#include <asio/ip/tcp.hpp>
#include <asio/write.hpp>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace flint::models::test {
namespace {

using Kind = ModelError::Kind;

// An HTTP server on 127.0.0.1 that answers one request with 200 and an event stream, then
// writes 'x' without a line break until the client hangs up (or 200 MB went out).
class EndlessLineServer {
 public:
  EndlessLineServer()
      : acceptor_(io_, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~EndlessLineServer() {
    // A blocking accept() is woken by shutdown(), not by close().
    stopping_ = true;
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/v1";
  }
  size_t bytes_sent() const { return sent_.load(); }
  int connections() const { return connections_.load(); }

 private:
  void serve() {
    for (;;) {
      asio::ip::tcp::socket socket(io_);
      std::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      ++connections_;
      char request[8192];
      socket.read_some(asio::buffer(request), ec);  // the headers (and body) of a small request
      std::string head =
          "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
          "data: ";
      asio::write(socket, asio::buffer(head), ec);
      const std::string chunk(64 * 1024, 'x');
      while (!ec && sent_ < (size_t{200} << 20)) {
        asio::write(socket, asio::buffer(chunk), ec);
        if (!ec) sent_ += chunk.size();
      }
    }
  }

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<size_t> sent_{0};
  std::atomic<int> connections_{0};
  std::atomic<bool> stopping_{false};
};

TEST_F(ClientTest, AnEndlessLineIsAMalformedStreamStoppedAtTheEventLimit) {
  EndlessLineServer server;
  ModelRoleConfig c = config();
  c.base_url = server.url();
  Outcome outcome = chat(c, user_says("hi"));
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->kind, Kind::kMalformedStream) << outcome.error->message;
  EXPECT_TRUE(outcome.deltas.empty());
  // The client hung up soon after the 16 MiB event limit: not 100 MB later, and not again.
  EXPECT_LT(server.bytes_sent(), size_t{40} << 20) << server.bytes_sent();
  EXPECT_EQ(server.connections(), 1);
}

TEST_F(ClientTest, AnUntrustedCertificateIsOneClearErrorNotARetryLoop) {
  ::flint::test::UntrustedTlsServer server;
  ASSERT_TRUE(server.ok()) << "openssl could not start a TLS server: " << server.log();
  ModelRoleConfig c = config();
  c.base_url = server.url();
  c.max_retries = 5;
  Outcome outcome = chat(c, user_says("hi"));
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->kind, Kind::kConnect) << outcome.error->message;
  // The certificate's error, from the one attempt: a retry would have met a closed port.
  EXPECT_NE(outcome.error->message.find("TLS"), std::string::npos) << outcome.error->message;
  EXPECT_NE(outcome.error->message.find("caBundle"), std::string::npos) << outcome.error->message;
}

}  // namespace
}  // namespace flint::models::test
