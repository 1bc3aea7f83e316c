#pragma once
// openssl's own test server (`openssl s_server`) with a self-signed certificate that no client
// trusts: the TLS failure a person meets with a private CA or a wrong host.

#include <signal.h>
#include <unistd.h>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

namespace flint::test {

class UntrustedTlsServer {
 public:
  // Serves `connections` TLS handshakes, then closes its port.
  explicit UntrustedTlsServer(int connections = 1) {
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
    // -naccept: a retry would meet a closed port, and say so instead of the certificate.
    std::string serve = "openssl s_server -naccept " + std::to_string(connections) +
                        " -accept 127.0.0.1:" + std::to_string(port_) + " -cert '" +
                        (dir_ / "cert.pem").string() + "' -key '" + (dir_ / "key.pem").string() +
                        "' >'" + (dir_ / "log").string() + "' 2>&1 & echo $! >'" +
                        (dir_ / "pid").string() + "'";
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

}  // namespace flint::test
