#include "protocol/stdio_transport.h"

#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <asio/post.hpp>
#include <cerrno>
#include <climits>
#include <vector>

#include "protocol/framing.h"
#include "protocol/json_rpc.h"

namespace flint::protocol {

StdioTransport::StdioTransport(asio::io_context& io, int in_fd, int out_fd)
    : io_(io), in_fd_(in_fd), out_fd_(out_fd) {
  writer_ = std::thread([this] { write_loop(); });
}

StdioTransport::~StdioTransport() {
  flush_and_stop();
  if (reader_.joinable()) reader_.detach();
}

void StdioTransport::start(OnMessage on_message, OnFramingError on_error, OnEof on_eof) {
  on_message_ = std::move(on_message);
  on_error_ = std::move(on_error);
  on_eof_ = std::move(on_eof);
  reader_ = std::thread([this] { read_loop(); });
}

void StdioTransport::read_loop() {
  FrameReader reader(
      [this](std::string body) {
        asio::post(io_, [this, body = std::move(body)]() mutable { on_message_(std::move(body)); });
      },
      [this](std::string error) {
        asio::post(io_,
                   [this, error = std::move(error)]() mutable { on_error_(std::move(error)); });
      });
  char buffer[64 * 1024];
  for (;;) {
    ssize_t n = ::read(in_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    reader.feed(std::string_view(buffer, static_cast<size_t>(n)));
  }
  asio::post(io_, [this] { on_eof_(); });
}

void StdioTransport::send(const nlohmann::json& message) {
  std::string body = serialize(message);
  Frame frame{frame_header(body.size()), std::move(body)};
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    queue_.push_back(std::move(frame));
  }
  cv_.notify_one();
}

// Every frame's header and body with writev, resuming after short writes; gives up when the
// client went away (output is dropped, the server keeps serving until EOF).
void StdioTransport::write_all(const std::deque<Frame>& frames) {
  std::vector<iovec> pieces;
  pieces.reserve(frames.size() * 2);
  for (const Frame& frame : frames) {
    for (const std::string* part : {&frame.header, &frame.body}) {
      if (!part->empty()) pieces.push_back(iovec{const_cast<char*>(part->data()), part->size()});
    }
  }
  size_t next = 0;
  while (next < pieces.size()) {
    int count = static_cast<int>(std::min<size_t>(pieces.size() - next, IOV_MAX));
    ssize_t n = ::writev(out_fd_, pieces.data() + next, count);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // The editor closed our stdout (EPIPE): nobody hears us any more, so end as at EOF,
      // once, on the event loop; output is dropped meanwhile.
      if (!output_closed_.exchange(true)) asio::post(io_, [this] { on_eof_(); });
      return;
    }
    auto written = static_cast<size_t>(n);
    while (next < pieces.size() && written >= pieces[next].iov_len) {
      written -= pieces[next].iov_len;
      ++next;
    }
    if (written > 0) {
      pieces[next].iov_base = static_cast<char*>(pieces[next].iov_base) + written;
      pieces[next].iov_len -= written;
    }
  }
}

void StdioTransport::write_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) break;
    // Take everything queued and write it in one go: coalesces bursts into few syscalls.
    std::deque<Frame> batch = std::move(queue_);
    queue_.clear();
    writing_ = true;
    lock.unlock();
    write_all(batch);
    lock.lock();
    writing_ = false;
    drained_.notify_all();
  }
}

void StdioTransport::flush_and_stop() {
  {
    std::unique_lock lock(mutex_);
    if (!stopping_) {
      drained_.wait(lock, [this] { return queue_.empty() && !writing_; });
      stopping_ = true;
    }
  }
  cv_.notify_one();
  if (writer_.joinable()) writer_.join();
}

}  // namespace flint::protocol
