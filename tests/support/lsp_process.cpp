#include "tests/support/lsp_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "protocol/framing.h"

extern char** environ;

namespace flint::test {

using nlohmann::json;

LspProcess::LspProcess(std::vector<std::string> argv, std::vector<std::string> env) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
      pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);

  std::vector<std::string> environment;
  for (char** e = environ; *e; ++e) environment.emplace_back(*e);
  for (auto& e : env) environment.push_back(e);
  std::vector<char*> envp;
  for (auto& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);

  int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  in_fd_ = in_pipe[1];
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  signal(SIGPIPE, SIG_IGN);
  out_reader_ = std::thread([this] { read_stdout(); });
  err_reader_ = std::thread([this] { read_stderr(); });
}

LspProcess::~LspProcess() {
  close_stdin();
  if (wait_exit(std::chrono::seconds(5)) == -1 && !exited_) {
    kill(pid_, SIGKILL);
    wait_exit(std::chrono::seconds(5));
  }
  if (out_reader_.joinable()) out_reader_.join();
  if (err_reader_.joinable()) err_reader_.join();
  if (out_fd_ >= 0) ::close(out_fd_);
  if (err_fd_ >= 0) ::close(err_fd_);
}

void LspProcess::read_stdout() {
  protocol::FrameReader reader(
      [this](std::string body) {
        json message;
        try {
          message = json::parse(body);
        } catch (const std::exception& e) {
          message = json{{"__unparsable", body}};
        }
        std::lock_guard lock(mutex_);
        messages_.push_back(std::move(message));
        cv_.notify_all();
      },
      [this](std::string error) {
        std::lock_guard lock(mutex_);
        messages_.push_back(json{{"__framing_error", error}});
        cv_.notify_all();
      });
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(out_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    reader.feed(std::string_view(buffer, static_cast<size_t>(n)));
  }
  std::lock_guard lock(mutex_);
  eof_ = true;
  cv_.notify_all();
}

void LspProcess::read_stderr() {
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(err_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::lock_guard lock(mutex_);
    stderr_.append(buffer, static_cast<size_t>(n));
  }
}

std::string LspProcess::stderr_text() {
  std::lock_guard lock(mutex_);
  return stderr_;
}

void LspProcess::send_raw(std::string_view bytes) {
  if (in_fd_ < 0) return;
  while (!bytes.empty()) {
    ssize_t n = ::write(in_fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

void LspProcess::send(const json& message) {
  send_raw(protocol::encode_frame(message.dump()));
}

void LspProcess::close_stdin() {
  if (in_fd_ >= 0) {
    ::close(in_fd_);
    in_fd_ = -1;
  }
}

std::optional<json> LspProcess::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!cv_.wait_for(lock, timeout, [this] { return !messages_.empty() || eof_; })) {
    return std::nullopt;
  }
  if (messages_.empty()) return std::nullopt;
  json m = std::move(messages_.front());
  messages_.pop_front();
  return m;
}

json LspProcess::request(const std::string& method, json params, std::vector<json>* others,
                         std::chrono::milliseconds timeout) {
  int64_t id = next_id_++;
  json message{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) message["params"] = std::move(params);
  send(message);
  auto response = wait_for(
      [id](const json& m) { return m.contains("id") && m["id"] == id && !m.contains("method"); },
      others, timeout);
  if (!response) throw std::runtime_error("no response to " + method + " within the timeout");
  return *response;
}

void LspProcess::notify(const std::string& method, json params) {
  json message{{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) message["params"] = std::move(params);
  send(message);
}

bool LspProcess::running() {
  if (exited_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exited_ = true;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return false;
  }
  return true;
}

int LspProcess::wait_exit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return exit_status_;
}

}  // namespace flint::test
