#pragma once
// One streaming inline edit of one region, as a plain state machine: model text comes in,
// buffer edits go out, the document's changes come back. No LSP, no asio, no threads: the
// glue (server.cpp) calls the inputs on its event loop and implements the hooks (applyEdit,
// a timer, notifications). All calls must come from one thread.
//
// Every edit is the minimal difference between the text the region should hold (StreamDiff)
// and the text it actually holds in the document the session last saw: never derived from
// what earlier edits were supposed to do. Hence a retried, refused, reordered or re-reported
// edit cannot corrupt the buffer, and steering (a new stream over the original while the
// buffer holds partial output) needs nothing special.
//
// Flow control: at most one edit in flight; after `applied: true` the session waits for the
// editor to report the change back (the echo, a didChange) before computing the next edit,
// for at most `echo_timeout`; no edit sooner than `frame` after the previous one. Text that
// arrives meanwhile is coalesced into the next edit. After `applied: false` the session
// recomputes from the document and retries once it has seen a newer version (the user typed:
// that refusal was expected), or after `echo_timeout`; `max_refusals` such unexplained
// refusals in a row end the session as failed.
//
// The user wins: editors report flint's own edits with ranges of their own choosing (VS Code
// the ranges sent, Neovim its own diff of the changed lines, batched with the user's typing),
// so the echo is recognised by the text the region then holds, never by its ranges alone. A
// change outside the region moves it; any other change of the region's text is the user's,
// and the session ends as cancelled without sending anything more. Where text cannot tell
// (the user typing right at a boundary where flint is inserting), the editor's answer to that
// edit does. Every edit names the latest document version the session has seen, so an editor
// that checks versions refuses an edit computed before a keystroke it had not reported yet.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/text_input.h"
#include "server/edits/answer_shaper.h"
#include "server/edits/output_cleaner.h"
#include "server/edits/stream_diff.h"

namespace flint {

enum class SessionState {
  kStreaming,  // the model is writing (or flint is still flushing its edits)
  kDone,       // the stream finished and the region holds the output
  kCancelled,  // stopped by flint.cancel or by the user typing inside the region
  kFailed,     // the model or the editor failed; `reason` says how
  kAccepted,   // after done (or a stop): the user kept the text
  kRejected,   // the original region text was restored
};
// "streaming", "done", "cancelled", "failed", "accepted", "rejected" (PROTOCOL.md).
std::string_view to_string(SessionState state);

// One replacement in the document the edit names: bytes [start_byte, end_byte) (points are
// the same positions, row and byte column) become `text`.
struct TextReplacement {
  uint32_t start_byte = 0;
  uint32_t end_byte = 0;
  parsers::TextPoint start;
  parsers::TextPoint end;
  std::string text;
};

// One workspace/applyEdit: non-overlapping replacements in ascending order, all relative to
// the document at `version` (one TextDocumentEdit with several TextEdits).
struct LineEdit {
  int64_t version = 0;
  std::vector<TextReplacement> replacements;
};

// Where the region is in the current document: whole lines [first_line, first_line +
// line_count), bytes [start_byte, end_byte).
struct SessionRegion {
  uint32_t first_line = 0;
  uint32_t line_count = 0;
  uint32_t start_byte = 0;
  uint32_t end_byte = 0;
};

struct SessionStats {
  using Duration = std::chrono::steady_clock::duration;
  uint32_t tokens = 0;     // model deltas received
  uint32_t reasoning = 0;  // reasoning deltas (or content reasoning blocks' pieces) received
  uint32_t edits_sent = 0;
  uint32_t edits_applied = 0;
  uint32_t edits_refused = 0;
  std::optional<Duration> first_token;  // from the start of the session
  std::optional<Duration> first_code;   // first code of the answer (after any reasoning)
  std::optional<Duration> first_edit;   // first edit sent, from the start
  std::optional<Duration> duration;     // start to the end of streaming
};

struct SessionOptions {
  std::string language;  // LSP languageId of the document (comment syntax of elision markers)
  std::chrono::milliseconds frame{8};
  std::chrono::milliseconds echo_timeout{300};
  int max_refusals = 5;
};

struct SessionHooks {
  using TimePoint = std::chrono::steady_clock::time_point;
  std::function<TimePoint()> now;
  std::function<void(LineEdit)> send_edit;  // by value: its texts move on into the JSON
  // Ask for on_timer() after `delay`; replaces any earlier request. Spurious or late calls of
  // on_timer() are harmless.
  std::function<void(std::chrono::milliseconds delay)> arm_timer;
  // Every state change after the start (the session starts as streaming).
  std::function<void(SessionState state, const std::string& reason)> on_state;
};

// How the model's stream ended, beyond the text: what a person must be told when it brought no
// code.
struct AnswerEnd {
  std::string refusal;      // the model refused: its words (or "no reason given")
  std::string no_code_why;  // why there may be no code ("it called a tool instead", ...)
};

class EditSession {
 public:
  // `doc` is the document at `version`; it must outlive the session (or be replaced through
  // on_document_changed), and the session reads it whenever it computes an edit. The region is
  // the whole lines [first_line, first_line + line_count), clamped to the document.
  EditSession(const parsers::TextInput& doc, int64_t version, uint32_t first_line,
              uint32_t line_count, SessionOptions options, SessionHooks hooks);

  // The model's stream (reasoning already removed: fences, chatter and the answer's other
  // habits are dealt with here, see answer_shaper.h).
  void on_model_text(std::string_view delta);
  // Some reasoning arrived (counted only: it is never written).
  void on_model_reasoning();
  // The stream ended. An answer without code, a refusal, or one that cannot be fitted to the
  // region ends the session as failed; whatever was written is restored first.
  void on_model_done(const AnswerEnd& end = {});
  void on_model_error(std::string_view message);

  // Called after the document store applied a didChange: `doc` is the new text at
  // `new_version`, `changes` what changed, in order (each relative to the text left by the
  // previous one).
  void on_document_changed(const parsers::TextInput& doc, int64_t new_version,
                           const std::vector<parsers::TextChange>& changes);
  // The client's answer to the edit in flight.
  void on_apply_result(bool applied);
  // The editor stopped answering: forget what is in flight and end as failed with `reason`,
  // whatever was on its way (streaming or restoring). Nothing is sent afterwards.
  void abandon(std::string reason);
  void on_timer();

  // flint.steer: restart from the original region with a new stream (the glue restarts the
  // model with the partial output and the new instruction). The buffer keeps the partial
  // output until the new stream's first line arrives. False when the session is over.
  bool steer();
  // flint.cancel: stop streaming; what is in the buffer stays. False unless streaming.
  // `reason` is told with the cancelled state.
  bool cancel(const std::string& reason = "cancelled");
  // flint.accept: keep the region as it is. False when already accepted or rejected.
  bool accept();
  // flint.reject: restore the original region text (one edit, once nothing is in flight); the
  // state becomes rejected when the editor has applied it. When the person typed inside the
  // region, their changes are re-applied on the original where they do not touch flint's text
  // (a three-way merge of flint's text, the original and the text now). Returns why it cannot,
  // if it cannot (their changes are in flint's text, or the session was already accepted or
  // rejected).
  std::optional<std::string> reject();

  SessionState state() const { return state_; }
  const std::string& reason() const { return reason_; }
  const SessionStats& stats() const { return stats_; }
  SessionRegion region() const;
  // The region's text now, as the last seen document holds it.
  std::string region_text() const;
  const std::string& original_text() const { return original_; }
  // The cleaned model output so far (what a steer puts into the conversation).
  const std::string& model_output() const { return shaper_->output(); }
  // True once the user changed text inside the region (reject then merges, see reject()).
  bool user_edited_region() const { return user_edited_; }

 private:
  using TimePoint = SessionHooks::TimePoint;

  struct Tracked {  // the region in one version of the document
    uint32_t start_byte = 0;
    uint32_t end_byte = 0;
    uint32_t first_row = 0;
  };
  struct PendingEdit {
    std::string before;  // the region's text the edit was computed against
    std::string after;   // the region's text once applied
    int64_t version = 0;
    std::string line_above;  // the lines around the region, in that version
    std::string line_below;
    std::string head_text;                 // what it inserts right at the region's start
    std::string tail_text;                 // what it inserts right at the region's end
    bool boundary_insertion_only = false;  // it inserts at a boundary and does nothing else
    bool answered = false;                 // applied: true received
    bool echoed = false;                   // its text appeared in a reported change
    TimePoint echo_deadline{};
  };

  enum class Phase {
    kStreaming,  // sending edits towards the model's output
    kRestoring,  // sending the edit that restores the original (reject)
    kIdle,       // sending nothing
  };

  // --- sending ---
  void pump();
  bool blocked(TimePoint now);
  void send(std::string actual, std::string target, TimePoint now);
  void settle();
  void arm(TimePoint deadline, TimePoint now);
  void end(SessionState state, std::string reason);
  // The answer cannot be applied: restore the original region, then end as failed.
  void fail_restoring(std::string reason);
  void new_shaper();
  void set_state(SessionState state, std::string reason);

  // --- reading the document's changes ---
  // Recognises the echo of a pending edit in `changes`; true if it took one.
  bool take_own_edit(const std::vector<parsers::TextChange>& changes);
  // Where flint's echo is looked for: the region widened by `above` and `below` bytes.
  struct EchoWindow {
    uint32_t above = 0;
    uint32_t below = 0;
    // A change starting right at its end is not part of it (when the region, or the line
    // below, ends with "\n").
    bool end_is_outside = false;
  };
  struct EchoFit {
    Tracked at;           // where the region starts if the changes are the echo
    bool inside = false;  // some of the changes overlap the region's own text
  };
  std::optional<EchoFit> echo_position(const std::vector<parsers::TextChange>& changes,
                                       const EchoWindow& window, const PendingEdit& edit) const;
  void take_echo(const Tracked& at, const std::deque<PendingEdit>::iterator& edit);

  // The changes read as the user's.
  struct UserReading {
    Tracked region;             // where they moved the region
    bool inside = false;        // some of them are inside it
    bool doubt = false;         // one at a boundary may be flint's insertion, changed by the user
    int64_t widened_begin = 0;  // the region and everything the user touched in or next to it
    int64_t widened_end = 0;
  };
  UserReading read_as_users(const std::vector<parsers::TextChange>& changes) const;
  // A pure insertion right at a boundary of `at`, as long as one an edit on its way makes there.
  bool same_as_flints_insertion(const parsers::TextChange& c, const Tracked& at) const;
  // Whether text an edit on its way inserts at the region's start (end) is found right before
  // (after) the region `at`.
  bool holds_flints_insertion(const Tracked& at, bool at_start, bool at_end) const;
  // The editor refused `edit` after its text was taken for its echo: if that text can have
  // been the user's typing next to the region, give it back to them. False if not.
  bool unclaim_insertion(const PendingEdit& edit);
  // After the user typed inside: the region becomes the whole lines around [begin, end).
  void follow_user_edit(int64_t begin, int64_t end);
  void note_user_edit();

  static void shift(Tracked& t, const parsers::TextChange& c);
  bool region_holds(const Tracked& at, std::string_view text) const;
  uint32_t row_of(uint32_t byte) const;
  std::string read(uint32_t begin, uint32_t end) const;

  SessionOptions options_;
  SessionHooks hooks_;
  const parsers::TextInput* doc_;
  int64_t version_;
  TimePoint started_;

  Tracked region_;
  uint32_t line_count_ = 0;
  std::string original_;
  std::string known_;  // what the region holds in the last seen version
  std::string eol_;

  std::string language_;
  std::string above_;  // document text around the region when the session started
  std::string below_;
  OutputCleaner cleaner_;
  std::optional<AnswerShaper> shaper_;
  std::string cleaned_;  // scratch buffer for cleaned text
  bool model_done_ = false;
  bool hold_for_new_stream_ = false;  // after steer, until the new stream's first line

  SessionState state_ = SessionState::kStreaming;
  std::string reason_;
  Phase phase_ = Phase::kStreaming;
  std::optional<std::string> failing_;  // restoring because the answer failed: the reason
  std::string restore_target_;          // what the region holds once restored
  std::string flint_text_;              // the region as flint had left it when the person typed
  bool user_edited_ = false;
  bool boundary_in_doubt_ = false;  // see on_document_changed: settled by the next answer

  std::deque<PendingEdit> pending_;  // oldest first
  int refusals_ = 0;                 // unexplained, in a row
  std::optional<int64_t> refused_version_;
  TimePoint retry_deadline_{};
  TimePoint next_frame_{};
  std::optional<TimePoint> timer_deadline_;
  bool dirty_ = true;  // something changed since the last diff found nothing to send
  uint64_t diffed_revision_ = ~uint64_t{0};

  SessionStats stats_;
};

}  // namespace flint
