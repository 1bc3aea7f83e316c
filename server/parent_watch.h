#pragma once
// Watches the editor's process (initialize's processId): when it is gone without having said
// shutdown/exit (it crashed, was killed), flint must not live on as an orphan holding model
// streams and agent jobs. Linux pidfd when available (woken at once), else a poll every 250 ms.
//
// Thread contract: runs on the io_context given; `gone` is called once, there.

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>

namespace flint {

class ParentWatch {
 public:
  // Does nothing for pid <= 0 (no processId) or our own process.
  ParentWatch(asio::io_context& io, int64_t pid, std::function<void()> gone);
  ~ParentWatch();
  ParentWatch(const ParentWatch&) = delete;
  ParentWatch& operator=(const ParentWatch&) = delete;

 private:
  void poll();
  void fire();

  int64_t pid_;
  std::function<void()> gone_;
  asio::posix::stream_descriptor pidfd_;
  asio::steady_timer timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace flint
