#pragma once
// Moves framed messages between file descriptors and the event loop. Input is read on its own
// thread and each whole body is posted to the io_context; output goes through one writer
// thread, so a slow client never blocks the loop and frames never interleave.

#include <asio/io_context.hpp>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

namespace flint::protocol {

class StdioTransport {
 public:
  using OnMessage = std::function<void(std::string body)>;
  using OnFramingError = std::function<void(std::string message)>;
  using OnEof = std::function<void()>;

  StdioTransport(asio::io_context& io, int in_fd, int out_fd);
  ~StdioTransport();
  StdioTransport(const StdioTransport&) = delete;
  StdioTransport& operator=(const StdioTransport&) = delete;

  // Starts the reader thread. Callbacks run on the io_context.
  void start(OnMessage on_message, OnFramingError on_error, OnEof on_eof);

  // Thread-safe. Serialises now (on the caller's thread) and queues the frame.
  void send(const nlohmann::json& message);

  // Writes everything queued, then stops the writer. The reader thread is detached from
  // stdin (it may be blocked in read()): it is left to end with the process.
  void flush_and_stop();

 private:
  void read_loop();
  void write_loop();

  asio::io_context& io_;
  int in_fd_;
  int out_fd_;
  OnMessage on_message_;
  OnFramingError on_error_;
  OnEof on_eof_;
  std::thread reader_;
  std::thread writer_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::condition_variable drained_;
  // Frames as header and body, written together with writev: the body is never copied
  // behind its header nor into a batch.
  struct Frame {
    std::string header;
    std::string body;
  };
  std::deque<Frame> queue_;
  void write_all(const std::deque<Frame>& frames);
  bool stopping_ = false;
  bool writing_ = false;
  std::atomic<bool> output_closed_{false};  // a write failed: the editor stopped reading
};

}  // namespace flint::protocol
