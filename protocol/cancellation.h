#pragma once
// A cancellation token passed explicitly to whatever serves a request (clangd uses a
// thread-local Context; an explicit token is less machinery). The same token stops the HTTP
// stream, the edit session and the job behind a request.
//
// Thread contract: cancel() and on_cancel() are called on the event-loop thread; is_cancelled()
// may be read from any thread.

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace flint::protocol {

class CancellationToken {
 public:
  CancellationToken() : state_(std::make_shared<State>()) {}

  bool is_cancelled() const { return state_->cancelled.load(std::memory_order_acquire); }

  // Runs `callback` once when the token is cancelled (at once if it already is).
  void on_cancel(std::function<void()> callback) const {
    if (is_cancelled()) {
      callback();
      return;
    }
    state_->callbacks.push_back(std::move(callback));
  }

  void cancel() const {
    if (state_->cancelled.exchange(true, std::memory_order_acq_rel)) return;
    auto callbacks = std::move(state_->callbacks);
    state_->callbacks.clear();
    for (auto& callback : callbacks) callback();
  }

 private:
  struct State {
    std::atomic<bool> cancelled{false};
    std::vector<std::function<void()>> callbacks;
  };
  std::shared_ptr<State> state_;
};

}  // namespace flint::protocol
