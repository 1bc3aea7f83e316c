#pragma once
// Wires one EditSession to a SimulatedEditor over simulated pipes on a virtual clock: edits
// travel to the editor with a latency, the editor answers and reports its changes (at once,
// before its answer, as VS Code does; or debounced after its answer, as Neovim does), the
// server's copy of the document applies the reports and tells the session. Everything the
// tests assert on is recorded here.

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "server/edits/edit_session.h"
#include "tests/unit/sessions/simulated_editor.h"
#include "tests/unit/sessions/test_document.h"
#include "tests/unit/sessions/virtual_loop.h"

namespace flint::test {

using std::chrono::microseconds;
using std::chrono::milliseconds;

struct RigOptions {
  ReportStyle style = ReportStyle::kExact;
  // 0: every change is reported at once, before the answer to applyEdit. Otherwise changes
  // are batched and reported this long after the first of a batch, after the answer.
  VirtualLoop::Duration debounce{0};
  VirtualLoop::Duration min_latency{microseconds(50)};  // each way, per message
  VirtualLoop::Duration max_latency{microseconds(50)};
  VirtualLoop::Duration editor_work{0};  // time the editor takes to apply one edit
  double refuse_probability = 0.0;       // refusals of current-version edits
  int refuse_first = 0;                  // refuse this many edits before any other
  SessionOptions session;
};

class SessionRig {
 public:
  // The region is lines [first_line, first_line + line_count) of `document`.
  SessionRig(std::string document, uint32_t first_line, uint32_t line_count, RigOptions options,
             uint64_t seed = 1)
      : options_(options),
        rng_(seed),
        server_doc_(document),
        editor_(document, 0, 0, options.style) {
    SessionHooks hooks;
    hooks.now = [this] { return loop.now(); };
    hooks.send_edit = [this](const LineEdit& edit) { on_send(edit); };
    hooks.arm_timer = [this](milliseconds delay) {
      uint64_t generation = ++timer_generation_;
      loop.after(delay, [this, generation] {
        if (generation == timer_generation_) session->on_timer();
      });
    };
    hooks.on_state = [this](SessionState state, const std::string& reason) {
      log("state " + std::string(to_string(state)) + " " + reason);
      states.push_back(state);
      reasons.push_back(reason);
    };
    session = std::make_unique<EditSession>(server_doc_, 1, first_line, line_count, options.session,
                                            hooks);
    SessionRegion region = session->region();
    editor_ = SimulatedEditor(document, region.start_byte, region.end_byte, options.style);
  }

  VirtualLoop loop;
  std::unique_ptr<EditSession> session;
  SimulatedEditor& editor() { return editor_; }
  const TestDocument& server_doc() const { return server_doc_; }

  // --- what happened ---
  std::vector<SessionState> states;
  std::vector<std::string> reasons;
  std::vector<LineEdit> edits;                           // every edit the session sent
  std::vector<std::string> errors;                       // broken invariants seen by the rig itself
  std::optional<VirtualLoop::TimePoint> inside_seen_at;  // server saw a keystroke inside
  SessionState state_when_inside_seen = SessionState::kStreaming;
  uint32_t edits_after_inside_seen = 0;

  // --- driving ---
  void model_text_at(VirtualLoop::TimePoint when, std::string delta) {
    loop.at(when, [this, generation = stream_generation_, delta = std::move(delta)] {
      if (generation == stream_generation_) session->on_model_text(delta);
    });
  }
  void model_done_at(VirtualLoop::TimePoint when) {
    loop.at(when, [this, generation = stream_generation_] {
      if (generation == stream_generation_) session->on_model_done();
    });
  }
  // The glue closes the model's stream (cancel, reject, steer): its remaining tokens are lost.
  void stop_stream() { ++stream_generation_; }
  // Streams `output` from `start` in tokens of 1..max_token bytes at `tokens_per_second`,
  // then ends the stream. Returns when the last token is sent.
  VirtualLoop::TimePoint stream(VirtualLoop::TimePoint start, const std::string& output,
                                double tokens_per_second, size_t max_token = 8) {
    std::uniform_int_distribution<size_t> size(1, max_token);
    auto gap = std::chrono::duration_cast<VirtualLoop::Duration>(
        std::chrono::duration<double>(1.0 / tokens_per_second));
    VirtualLoop::TimePoint when = start;
    for (size_t i = 0; i < output.size();) {
      size_t n = std::min(size(rng_), output.size() - i);
      model_text_at(when, output.substr(i, n));
      i += n;
      when += gap;
    }
    model_done_at(when);
    return when;
  }

  // A keystroke of the user, applied in the editor now and reported like any change.
  void user_replace(uint32_t begin, uint32_t end, std::string_view text) {
    bool was_inside = editor_.user_typed_inside();
    editor_.user_replace(begin, end, text);
    log("user [" + std::to_string(begin) + "," + std::to_string(end) + ")=" + quoted(text) +
        " -> v" + std::to_string(editor_.version()) + " region [" +
        std::to_string(editor_.region_begin()) + "," + std::to_string(editor_.region_end()) + ")");
    if (!was_inside && editor_.user_typed_inside()) inside_version_ = editor_.version();
    report_changes();
  }

  std::mt19937_64& rng() { return rng_; }

  // When set, every message is written here (for debugging a failing seed).
  std::ostream* trace = nullptr;

 private:
  VirtualLoop::Duration latency() {
    auto lo = options_.min_latency.count();
    auto hi = std::max(options_.max_latency.count(), lo);
    return VirtualLoop::Duration(std::uniform_int_distribution<int64_t>(lo, hi)(rng_));
  }
  // Messages on one pipe arrive in the order they were sent.
  void to_server(std::function<void()> fn) {
    to_server_at_ = std::max(loop.now() + latency(), to_server_at_);
    loop.at(to_server_at_, std::move(fn));
  }
  void to_editor(std::function<void()> fn) {
    to_editor_at_ = std::max(loop.now() + latency(), to_editor_at_);
    loop.at(to_editor_at_, std::move(fn));
  }

  void log(const std::string& what) {
    if (trace) {
      *trace << std::chrono::duration<double, std::milli>(loop.elapsed()).count() << "ms " << what
             << "\n";
    }
  }
  static std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (char c : s) out += c == '\n' ? std::string("\\n") : std::string(1, c);
    return out + "\"";
  }

  void on_send(const LineEdit& edit) {
    edits.push_back(edit);
    if (trace) {
      std::string what = "send v" + std::to_string(edit.version);
      for (const TextReplacement& r : edit.replacements) {
        what += " [" + std::to_string(r.start_byte) + "," + std::to_string(r.end_byte) +
                ")=" + quoted(r.text);
      }
      log(what);
    }
    if (edit.version != last_delivered_version_) {
      errors.push_back("edit names version " + std::to_string(edit.version) +
                       " but the server last saw " + std::to_string(last_delivered_version_));
    }
    if (inside_seen_at_version_) ++edits_after_inside_seen;
    if (in_flight_ > 0) errors.push_back("a second edit was sent while one was in flight");
    ++in_flight_;
    to_editor([this, edit] {
      loop.after(options_.editor_work, [this, edit] {
        bool refuse = refused_ < options_.refuse_first ||
                      std::bernoulli_distribution(options_.refuse_probability)(rng_);
        if (refuse) ++refused_;
        bool applied = !refuse && editor_.apply(edit);
        log(std::string("editor ") + (applied ? "applied" : "refused") + " v" +
            std::to_string(edit.version) + ", now v" + std::to_string(editor_.version()));
        auto answer = [this, applied] {
          --in_flight_;
          session->on_apply_result(applied);
        };
        if (options_.debounce.count() == 0) {
          report_changes();
          to_server(answer);
        } else {
          to_server(answer);
          report_changes();
        }
      });
    });
  }

  void report_changes() {
    if (options_.debounce.count() == 0) {
      flush();
    } else if (!flush_scheduled_) {
      flush_scheduled_ = true;
      loop.after(options_.debounce, [this] {
        flush_scheduled_ = false;
        flush();
      });
    }
  }

  void flush() {
    std::vector<ReportedChange> changes = editor_.take_changes();
    if (changes.empty()) return;
    int64_t version = editor_.version();
    to_server([this, version, changes = std::move(changes)] {
      std::vector<parsers::TextChange> applied;
      if (trace) {
        std::string what = "didChange v" + std::to_string(version);
        for (const ReportedChange& c : changes) {
          what += " (" + std::to_string(c.start.row) + ":" + std::to_string(c.start.column) + "-" +
                  std::to_string(c.end.row) + ":" + std::to_string(c.end.column) +
                  ")=" + quoted(c.text);
        }
        log(what);
      }
      for (const ReportedChange& c : changes) {
        applied.push_back(server_doc_.replace(c.start, c.end, c.text));
      }
      last_delivered_version_ = version;
      if (inside_version_ && version >= *inside_version_ && !inside_seen_at_version_) {
        inside_seen_at_version_ = version;
        inside_seen_at = loop.now();
        state_when_inside_seen = session->state();
      }
      session->on_document_changed(server_doc_, version, applied);
    });
  }

  RigOptions options_;
  std::mt19937_64 rng_;
  TestDocument server_doc_;
  SimulatedEditor editor_;
  int64_t last_delivered_version_ = 1;
  std::optional<int64_t> inside_version_;  // editor version of the first keystroke inside
  std::optional<int64_t> inside_seen_at_version_;
  VirtualLoop::TimePoint to_server_at_{};
  VirtualLoop::TimePoint to_editor_at_{};
  uint64_t timer_generation_ = 0;
  uint64_t stream_generation_ = 0;
  bool flush_scheduled_ = false;
  int in_flight_ = 0;
  int refused_ = 0;
};

}  // namespace flint::test
