#include "server/jobs/command_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace flint::jobs {

using nlohmann::json;

namespace {

constexpr size_t kMaxLine = size_t{64} * 1024 * 1024;
constexpr size_t kStderrTail = size_t{8} * 1024;
constexpr size_t kShownTail = 600;
constexpr size_t kMaxMessage = 200;

std::string trim(std::string_view text) {
  size_t a = text.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return {};
  size_t b = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(a, b - a + 1));
}

std::string shorten(std::string text, size_t max) {
  if (text.size() <= max) return text;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

struct Pipe {
  int read = -1;
  int write = -1;
  void open() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
      throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    read = fds[0];
    write = fds[1];
  }
  void close_all() {
    if (read >= 0) ::close(read);
    if (write >= 0) ::close(write);
    read = write = -1;
  }
};

class CommandProcess final : public std::enable_shared_from_this<CommandProcess> {
 public:
  CommandProcess(const asio::any_io_executor& io, JobSink sink, CommandOptions options)
      : io_(io),
        sink_(std::move(sink)),
        options_(std::move(options)),
        in_(io),
        out_(io),
        err_(io),
        exit_watch_(io),
        kill_timer_(io) {}

  ~CommandProcess() { kill_now(); }

  void spawn() {
    if (options_.argv.empty()) throw std::runtime_error("jobs.command is empty");
    Pipe in, out, err;
    try {
      in.open();
      out.open();
      err.open();
    } catch (...) {
      in.close_all();
      out.close_all();
      err.close_all();
      throw;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.read, STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out.write, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err.write, STDERR_FILENO);
    if (!options_.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, options_.cwd.c_str());
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attr, 0);  // a group of its own, led by the child
    sigset_t none, defaults;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    // flint ignores SIGPIPE; the program should not inherit that.
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    std::vector<char*> argv;
    for (auto& a : options_.argv) argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = posix_spawnp(&pid_, argv[0], &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(in.read);
    ::close(out.write);
    ::close(err.write);
    if (rc != 0) {
      ::close(in.write);
      ::close(out.read);
      ::close(err.read);
      pid_ = -1;
      throw std::runtime_error("cannot run '" + options_.argv[0] + "' in " + options_.cwd.string() +
                               ": " + std::strerror(rc));
    }
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    in_.assign(in.write);
    out_.assign(out.read);
    err_.assign(err.read);
    if (pidfd >= 0) exit_watch_.assign(pidfd);
    spdlog::info("job command started: pid {} ({})", pid_, options_.argv[0]);

    auto self = shared_from_this();
    input_ = options_.input;
    asio::async_write(in_, asio::buffer(input_), [self](const std::error_code&, size_t) {
      std::error_code ignored;
      self->in_.close(ignored);  // EPIPE when the program does not read its input: fine
    });
    read_stdout();
    read_stderr();
    watch_exit();
  }

  void cancel() {
    if (cancelled_) return;
    cancelled_ = true;
    terminate_group();
  }

  // Synchronous end: the process is going away.
  void kill_now() {
    if (pid_ <= 0 || reaped_) return;
    cancelled_ = true;
    ::kill(-pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
  }

 private:
  void terminate_group() {
    if (pid_ <= 0 || reaped_) return;
    // The leader is not reaped before we are done with the group, so -pid_ names only it.
    ::kill(-pid_, SIGTERM);
    arm_kill_timer();
  }

  // After the grace period: SIGKILL for the group, and stop waiting for pipes that something
  // outside the group (a daemon that left it) may still hold.
  void arm_kill_timer() {
    if (kill_armed_) return;
    kill_armed_ = true;
    kill_timer_.expires_after(options_.kill_grace);
    kill_timer_.async_wait([self = shared_from_this()](const std::error_code& ec) {
      if (ec || self->reaped_) return;
      ::kill(-self->pid_, SIGKILL);
      std::error_code ignored;
      self->out_.close(ignored);
      self->err_.close(ignored);
      self->out_eof_ = self->err_eof_ = true;
      self->maybe_reap();
    });
  }

  void read_stdout() {
    out_.async_read_some(asio::buffer(out_buffer_),
                         [self = shared_from_this()](const std::error_code& ec, size_t n) {
                           if (n > 0)
                             self->on_stdout(std::string_view(self->out_buffer_.data(), n));
                           if (ec) {
                             self->out_eof_ = true;
                             self->flush_partial_line();
                             self->maybe_reap();
                             return;
                           }
                           self->read_stdout();
                         });
  }

  void read_stderr() {
    err_.async_read_some(asio::buffer(err_buffer_),
                         [self = shared_from_this()](const std::error_code& ec, size_t n) {
                           if (n > 0) {
                             self->stderr_tail_.append(self->err_buffer_.data(), n);
                             if (self->stderr_tail_.size() > kStderrTail) {
                               self->stderr_tail_.erase(0, self->stderr_tail_.size() - kStderrTail);
                             }
                           }
                           if (ec) {
                             self->err_eof_ = true;
                             self->maybe_reap();
                             return;
                           }
                           self->read_stderr();
                         });
  }

  void watch_exit() {
    if (!exit_watch_.is_open()) {
      // No pidfd (an old kernel): poll.
      kill_timer_poll();
      return;
    }
    exit_watch_.async_wait(asio::posix::stream_descriptor::wait_read,
                           [self = shared_from_this()](const std::error_code& ec) {
                             if (ec == asio::error::operation_aborted) return;
                             self->on_leader_exited();
                           });
  }

  void kill_timer_poll() {
    auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(50));
    timer->async_wait([self = shared_from_this(), timer](const std::error_code&) {
      siginfo_t info{};
      if (::waitid(P_PID, static_cast<id_t>(self->pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
          info.si_pid == self->pid_) {
        self->on_leader_exited();
      } else if (!self->reaped_) {
        self->kill_timer_poll();
      }
    });
  }

  void on_leader_exited() {
    if (reaped_ || leader_exited_) return;
    leader_exited_ = true;
    // What the program left running in its group would hold our pipes open: end it.
    ::kill(-pid_, SIGTERM);
    arm_kill_timer();
    maybe_reap();
  }

  void maybe_reap() {
    if (reaped_ || !leader_exited_ || !out_eof_ || !err_eof_) return;
    ::kill(-pid_, SIGKILL);  // anything left in the group (the leader is still unreaped)
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
    kill_timer_.cancel();
    std::error_code ignored;
    exit_watch_.close(ignored);
    if (!cancelled_) finish(status);
  }

  void on_stdout(std::string_view data) {
    partial_.append(data);
    size_t start = 0;
    for (size_t nl = partial_.find('\n'); nl != std::string::npos;
         nl = partial_.find('\n', start)) {
      on_line(std::string_view(partial_).substr(start, nl - start));
      start = nl + 1;
    }
    partial_.erase(0, start);
    if (partial_.size() > kMaxLine) partial_.clear();  // a runaway line is dropped
  }

  void flush_partial_line() {
    if (!partial_.empty()) on_line(partial_);
    partial_.clear();
  }

  void on_line(std::string_view raw) {
    if (cancelled_) return;
    std::string line = trim(raw);
    if (line.empty()) return;
    if (line.front() == '{') {
      json value = json::parse(line, nullptr, false);
      if (value.is_object()) {
        if (auto edit = value.find("workspaceEdit"); edit != value.end()) {
          result_ = *edit;
          return;
        }
        JobProgress progress;
        if (auto m = value.find("message"); m != value.end() && m->is_string()) {
          progress.message = shorten(m->get<std::string>(), kMaxMessage);
        }
        if (auto p = value.find("percentage"); p != value.end() && p->is_number()) {
          // A command may print any number (1e300, -5, 99.5): $/progress wants 0..100, and a
          // double out of int's range must never be cast.
          progress.percentage = static_cast<int>(std::clamp(p->get<double>(), 0.0, 100.0));
        }
        if (progress.message || progress.percentage) {
          sink_.progress(std::move(progress));
          return;
        }
      }
    }
    sink_.progress(JobProgress{shorten(line, kMaxMessage), std::nullopt});
  }

  void finish(int status) {
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      if (result_.is_null()) {
        sink_.finish(JobOutcome::success("the command made no edits"));
        return;
      }
      if (!options_.convert) {
        sink_.finish(JobOutcome::failure("the command's workspaceEdit cannot be used here"));
        return;
      }
      auto converted = options_.convert(result_);
      if (auto* why = std::get_if<std::string>(&converted)) {
        sink_.finish(JobOutcome::failure("the command's workspaceEdit was refused: " + *why));
        return;
      }
      sink_.finish(JobOutcome::success({}, std::move(std::get<std::vector<FileEdit>>(converted))));
      return;
    }
    std::string how = WIFEXITED(status)
                          ? "exited with status " + std::to_string(WEXITSTATUS(status))
                          : "was killed by signal " + std::to_string(WTERMSIG(status));
    std::string tail = trim(stderr_tail_);
    if (tail.size() > kShownTail) {
      size_t cut = tail.size() - kShownTail;
      while (cut < tail.size() && (static_cast<unsigned char>(tail[cut]) & 0xC0) == 0x80) ++cut;
      tail = "…" + tail.substr(cut);
    }
    sink_.finish(JobOutcome::failure("'" + options_.argv[0] + "' " + how +
                                     (tail.empty() ? "" : ": " + tail)));
  }

  asio::any_io_executor io_;
  JobSink sink_;
  CommandOptions options_;
  asio::posix::stream_descriptor in_, out_, err_, exit_watch_;
  asio::steady_timer kill_timer_;
  std::array<char, 16384> out_buffer_{};
  std::array<char, 4096> err_buffer_{};
  std::string input_;
  std::string partial_;
  std::string stderr_tail_;
  json result_;
  pid_t pid_ = -1;
  bool cancelled_ = false;
  bool kill_armed_ = false;
  bool leader_exited_ = false;
  bool out_eof_ = false;
  bool err_eof_ = false;
  bool reaped_ = false;
};

class CommandRunner final : public JobRunner {
 public:
  explicit CommandRunner(std::shared_ptr<CommandProcess> process) : process_(std::move(process)) {}
  // The process object lives on in its own handlers until the group is gone.
  ~CommandRunner() override { process_->cancel(); }
  void cancel() override { process_->cancel(); }
  void kill_now() override { process_->kill_now(); }

 private:
  std::shared_ptr<CommandProcess> process_;
};

}  // namespace

std::unique_ptr<JobRunner> start_command(const asio::any_io_executor& io, JobSink sink,
                                         CommandOptions options) {
  auto process = std::make_shared<CommandProcess>(io, std::move(sink), std::move(options));
  process->spawn();
  return std::make_unique<CommandRunner>(process);
}

}  // namespace flint::jobs
