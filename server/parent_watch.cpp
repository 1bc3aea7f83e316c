#include "server/parent_watch.h"

#include <spdlog/spdlog.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

namespace flint {

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(250);

bool exists(int64_t pid) {
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH;
}

}  // namespace

ParentWatch::ParentWatch(asio::io_context& io, int64_t pid, std::function<void()> gone)
    : pid_(pid), gone_(std::move(gone)), pidfd_(io), timer_(io) {
  if (pid_ <= 0 || pid_ == ::getpid()) return;
  if (!exists(pid_)) {
    // Gone before we looked (or a processId that never was): say so, but do not exit on a
    // client's typo; the pipes tell us when it really goes.
    spdlog::warn("the editor's process {} (initialize's processId) does not exist", pid_);
    return;
  }
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, static_cast<pid_t>(pid_), 0));
  if (fd < 0) {
    poll();  // no pidfd (an old kernel, or not permitted)
    return;
  }
  pidfd_.assign(fd);
  pidfd_.async_wait(asio::posix::stream_descriptor::wait_read,
                    [this, alive = alive_](const std::error_code& ec) {
                      if (!*alive || ec == asio::error::operation_aborted) return;
                      fire();
                    });
}

ParentWatch::~ParentWatch() {
  *alive_ = false;
  std::error_code ignored;
  pidfd_.close(ignored);
  timer_.cancel();
}

void ParentWatch::poll() {
  timer_.expires_after(kPollInterval);
  timer_.async_wait([this, alive = alive_](const std::error_code& ec) {
    if (!*alive || ec) return;
    if (exists(pid_)) {
      poll();
    } else {
      fire();
    }
  });
}

void ParentWatch::fire() {
  spdlog::warn("the editor's process {} is gone without shutdown: exiting", pid_);
  if (auto gone = std::move(gone_)) gone();
}

}  // namespace flint
