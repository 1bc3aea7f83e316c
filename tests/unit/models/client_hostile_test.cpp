// Endpoints that users meet and the loopback endpoint cannot play: one that streams bytes
// without ever a line break (a misconfigured proxy, a wrong port answering with a file), and
// one whose TLS certificate is not trusted. The client must stop early with a clear message,
// never buffer without bound, never retry in a loop.

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

// openssl's own test server with a self-signed certificate the client does not trust.
class UntrustedTlsServer {
 public:
  UntrustedTlsServer() {
    dir_ = std::filesystem::temp_directory_path() /
           ("flint-tls-" + std::to_string(::getpid()) + "-" + std::to_string(::rand()));
    std::filesystem::create_directories(dir_);
    std::string make_cert =
        "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 "
        "-keyout '" +
        (dir_ / "key.pem").string() + "' -out '" + (dir_ / "cert.pem").string() +
        "' >/dev/null 2>&1";
    int made = std::system(make_cert.c_str());
    ok_ = made == 0;
    if (!ok_) why_ = "openssl req: " + std::to_string(made);
    // A free port: bound, read, released (s_server takes it right after).
    asio::io_context io;
    asio::ip::tcp::acceptor probe(io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    port_ = probe.local_endpoint().port();
    probe.close();
    // -naccept 1: a retry would meet a closed port, and say so instead of the certificate.
    std::string serve = "openssl s_server -naccept 1 -accept 127.0.0.1:" + std::to_string(port_) +
                        " -cert '" + (dir_ / "cert.pem").string() + "' -key '" +
                        (dir_ / "key.pem").string() + "' >'" + (dir_ / "log").string() +
                        "' 2>&1 & echo $! >'" + (dir_ / "pid").string() + "'";
    int served = ok_ ? std::system(serve.c_str()) : -1;
    if (ok_ && served != 0) why_ = "openssl s_server: " + std::to_string(served);
    ok_ = ok_ && served == 0;
    // Wait until it listens (its log says ACCEPT), without using up its one connection.
    for (int i = 0; ok_ && i < 200; ++i) {
      std::ifstream log(dir_ / "log");
      std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
      if (text.find("ACCEPT") != std::string::npos) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ok_ = false;
  }
  ~UntrustedTlsServer() {
    std::ifstream pid_file(dir_ / "pid");
    int pid = 0;
    if (pid_file >> pid && pid > 0) ::kill(pid, SIGTERM);
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  bool ok() const { return ok_; }
  std::string log() const {
    if (!why_.empty()) return why_;
    std::ifstream in(dir_ / "log");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/v1"; }

 private:
  std::filesystem::path dir_;
  unsigned short port_ = 0;
  bool ok_ = false;
  std::string why_;
};

TEST_F(ClientTest, AnUntrustedCertificateIsOneClearErrorNotARetryLoop) {
  UntrustedTlsServer server;
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
