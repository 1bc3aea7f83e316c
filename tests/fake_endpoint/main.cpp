// flint-fake-endpoint: the loopback model endpoint as a process, for tests that drive flint-lsp
// from another language (Neovim, VS Code). See README.md next to this file.

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>

#include "tests/fake_endpoint/fake_endpoint.h"

namespace {

constexpr const char* kUsage =
    "usage: flint-fake-endpoint [--port N] [--port-file PATH] [--script FILE.json]\n"
    "                           [--tokens-per-second N] [--first-token-ms N] [--log FILE]\n"
    "                           [--no-tcp-nodelay]\n"
    "Serves the provider streaming APIs on 127.0.0.1 until SIGTERM or SIGINT.\n"
    "  --port N               port to listen on (default 0 = any free port)\n"
    "  --port-file PATH       write the port there once listening\n"
    "  --script FILE.json     the script (format: tests/fake_endpoint/README.md)\n"
    "  --tokens-per-second N  default pace of content events (0 = as fast as possible)\n"
    "  --first-token-ms N     default delay before the first content event\n"
    "  --log FILE             one line per request and fault\n"
    "  --no-tcp-nodelay       leave Nagle's algorithm on (as llama.cpp's server does)\n";

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "flint-fake-endpoint: " << message << "\n" << kUsage;
  std::exit(2);
}

double number_argument(const std::string& flag, const char* value) {
  char* end = nullptr;
  double number = std::strtod(value, &end);
  if (end == value || *end != '\0' || number < 0) usage_error(flag + " needs a number >= 0");
  return number;
}

}  // namespace

int main(int argc, char** argv) {
  uint16_t port = 0;
  std::string port_file, script_file, log_file;
  flint::fake::Defaults defaults;
  bool tcp_nodelay = true;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (flag == "--no-tcp-nodelay") {
      tcp_nodelay = false;
      continue;
    }
    if (i + 1 >= argc) usage_error("missing value after " + flag);
    const char* value = argv[++i];
    if (flag == "--port") {
      double number = number_argument(flag, value);
      if (number > 65535) usage_error("--port must be 0-65535");
      port = static_cast<uint16_t>(number);
    } else if (flag == "--port-file") {
      port_file = value;
    } else if (flag == "--script") {
      script_file = value;
    } else if (flag == "--tokens-per-second") {
      defaults.tokens_per_second = number_argument(flag, value);
    } else if (flag == "--first-token-ms") {
      defaults.first_token_ms = static_cast<int>(number_argument(flag, value));
    } else if (flag == "--log") {
      log_file = value;
    } else {
      usage_error("unknown option " + flag);
    }
  }

  nlohmann::json script = nlohmann::json::object();
  if (!script_file.empty()) {
    std::ifstream in(script_file);
    if (!in) usage_error("cannot read " + script_file);
    std::stringstream text;
    text << in.rdbuf();
    script = nlohmann::json::parse(text.str(), nullptr, false);
    if (script.is_discarded()) usage_error(script_file + " is not JSON");
  }

  // SIGTERM/SIGINT are taken with sigwait below; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    flint::fake::FakeEndpoint endpoint(script, defaults);
    std::ofstream log;
    std::mutex log_mutex;
    if (!log_file.empty()) {
      log.open(log_file, std::ios::app);
      if (!log) usage_error("cannot write " + log_file);
      endpoint.set_log([&](std::string_view line) {
        std::lock_guard lock(log_mutex);
        log << line << std::endl;
      });
    }
    endpoint.set_tcp_nodelay(tcp_nodelay);
    endpoint.start(port);
    if (!port_file.empty()) {
      // Written whole, then renamed: a reader never sees a partial port number.
      std::string temporary = port_file + ".tmp";
      std::ofstream(temporary) << endpoint.port() << "\n";
      std::filesystem::rename(temporary, port_file);
    }
    std::cout << "listening on 127.0.0.1:" << endpoint.port() << std::endl;
    int received = 0;
    sigwait(&signals, &received);
    endpoint.stop();
  } catch (const std::exception& e) {
    std::cerr << "flint-fake-endpoint: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
