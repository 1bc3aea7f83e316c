#pragma once
// Runs flint-lsp (or any LSP server) as a child process over real pipes and exchanges framed
// JSON-RPC messages with it. Used by the transcript tests, end-to-end tests and benchmarks.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace flint::test {

class LspProcess {
 public:
  // argv[0] is the program path. `env` entries "NAME=value" are added to the environment.
  explicit LspProcess(std::vector<std::string> argv, std::vector<std::string> env = {});
  ~LspProcess();

  void send(const nlohmann::json& message);
  void send_raw(std::string_view bytes);
  void close_stdin();

  // Next message from the server, or nullopt on timeout / EOF.
  std::optional<nlohmann::json> next(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Waits for a message satisfying `pred`, returning it; others are kept in `skipped`.
  template <class Pred>
  std::optional<nlohmann::json> wait_for(
      Pred pred, std::vector<nlohmann::json>* skipped = nullptr,
      std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      auto m = next(left);
      if (!m) return std::nullopt;
      if (pred(*m)) return m;
      if (skipped) skipped->push_back(std::move(*m));
    }
  }

  // Sends a request with a fresh id and waits for its response (notifications and server
  // requests seen meanwhile are appended to `others`).
  nlohmann::json request(const std::string& method, nlohmann::json params,
                         std::vector<nlohmann::json>* others = nullptr,
                         std::chrono::milliseconds timeout = std::chrono::seconds(20));
  void notify(const std::string& method, nlohmann::json params);

  // Waits for the process to end; returns its exit code, or -1 on timeout / signal.
  int wait_exit(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  bool running();
  pid_t pid() const { return pid_; }
  std::string stderr_text();

 private:
  void read_stdout();
  void read_stderr();

  pid_t pid_ = -1;
  int in_fd_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  int exit_status_ = -1;
  bool exited_ = false;
  std::thread out_reader_;
  std::thread err_reader_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<nlohmann::json> messages_;
  bool eof_ = false;
  std::string stderr_;
  int64_t next_id_ = 1000000;
};

}  // namespace flint::test
