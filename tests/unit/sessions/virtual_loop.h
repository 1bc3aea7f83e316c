#pragma once
// A deterministic event loop on a virtual clock: tests schedule callbacks at virtual times and
// run them in order (ties in scheduling order), so timing-dependent behaviour is reproducible
// and never depends on how loaded the machine is.

#include <chrono>
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

namespace flint::test {

class VirtualLoop {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  using Duration = Clock::duration;

  TimePoint now() const { return now_; }
  Duration elapsed() const { return now_ - TimePoint{}; }

  void at(TimePoint when, std::function<void()> fn) {
    events_.push(Event{std::max(when, now_), next_seq_++, std::move(fn)});
  }
  void after(Duration delay, std::function<void()> fn) { at(now_ + delay, std::move(fn)); }

  // Runs events until none is left or `limit` events ran; returns how many ran.
  size_t run(size_t limit = 10'000'000) {
    size_t ran = 0;
    while (!events_.empty() && ran < limit) {
      Event event = events_.top();
      events_.pop();
      now_ = event.when;
      event.fn();
      ++ran;
    }
    return ran;
  }
  void run_until(TimePoint deadline) {
    while (!events_.empty() && events_.top().when <= deadline) {
      Event event = events_.top();
      events_.pop();
      now_ = event.when;
      event.fn();
    }
    now_ = std::max(now_, deadline);
  }
  bool idle() const { return events_.empty(); }

 private:
  struct Event {
    TimePoint when;
    uint64_t seq;
    std::function<void()> fn;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.when != b.when ? a.when > b.when : a.seq > b.seq;
    }
  };
  std::priority_queue<Event, std::vector<Event>, Later> events_;
  TimePoint now_{};
  uint64_t next_seq_ = 0;
};

}  // namespace flint::test
