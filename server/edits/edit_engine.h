#pragma once
// EditEngine: streaming inline edits as plain C++, without LSP or JSON: the heart of flint,
// as clangd's ClangdServer is under ClangdLSPServer. server/inline_edit_handlers.cpp is the
// glue that turns LSP into these calls and the hooks back into LSP.
//
// One session per start(): the region is scoped with tree-sitter, the fast model's stream is
// read (reasoning dropped, the escalation marker watched for), and an EditSession decides the
// buffer edits. What the engine adds around the sessions:
//
// - Streams: one per session at a time; stop_stream() is the one way one ends, after which
//   nothing it still says is heard.
// - Flow: each session's timer, and a watchdog on every edit sent: an editor that does not
//   answer within `apply_timeout` ends the session as failed (a late answer is ignored).
// - Side by side: sessions in different regions of a document stream at once; a new edit over
//   lines another is still streaming into stops that one, restores its original, and starts
//   only then, over the lines as they are once restored (the model never reads half an
//   answer).
// - Escalation: a region that is not local, or an answer that says so, becomes an agent job
//   (Hooks::escalate) and the session ends as escalated.
// - Steer, accept, reject, cancel: by id, or by document and cursor (see EditTarget).
// - Validation: when a stream is done, syntax errors the edit introduced are published as
//   diagnostics, and follow the text until fixed or rejected.
//
// Thread contract: every member and every hook runs on one thread (the server's io_context);
// hooks are called synchronously and must not call back into the engine (post() instead).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/syntax_tree.h"
#include "parsers/text_input.h"
#include "server/edits/edit_session.h"
#include "server/models/model_types.h"

namespace flint {

// What the engine reads of an open document.
struct EditDocument {
  const parsers::TextInput* text = nullptr;
  int64_t version = 0;
  std::string_view language;  // LSP languageId
};

struct EditRequest {
  std::string uri;
  // Rows and byte columns; a column past the end of its line means the line's end.
  parsers::TextPoint start;
  parsers::TextPoint end;
  std::string instruction;
};

// A refusal, for the glue to answer with: kInvalid for a request that names something that
// is not there (or not in that state), kFailed for one that could not be carried out.
struct EditError {
  enum class Kind { kInvalid, kFailed };
  Kind kind = Kind::kInvalid;
  std::string message;
};

// A session's state as the editor is told it (flint/editSession, docs/PROTOCOL.md).
struct EditReport {
  std::string id;
  std::string uri;
  std::string state;  // a SessionState's name, or "escalated"
  std::string reason;
  std::optional<SessionRegion> region;
  std::string job_id;  // when escalated to an agent job
  std::string answer;  // when failed: what the model said (cut), for the person to judge
};

// The answer to start(): once, when streaming ends (or at once, with `error`).
struct EditAnswer {
  std::optional<EditError> error;
  EditReport report;
  std::optional<SessionStats> stats;
};

// The answer to steer/accept/reject/cancel.
struct EditCommandResult {
  std::optional<EditError> error;
  std::string id;
  std::string state;  // empty for steer
};

// Which session a command is for: `id`; or, without it, the session in `uri` whose region holds
// `cursor`, else that document's latest; else the latest of all. Open sessions (not accepted or
// rejected) come before the others.
struct EditTarget {
  std::optional<std::string> id;
  std::optional<std::string> uri;
  std::optional<uint32_t> cursor;  // byte offset in `uri`
};

// One start()'s own callbacks.
struct EditSink {
  // The session exists (later than start() when it waits for an older edit's rollback).
  std::function<void(const std::string& id)> started;
  // How far it has come, at most every 100 ms ("42 tokens", "thinking… 7"; percentage 0-99).
  std::function<void(const std::string& message, std::optional<int> percentage)> progress;
  std::function<void(EditAnswer)> answer;
};

// A session handed over to an agent job.
struct EditEscalation {
  std::string id;
  std::string uri;
  std::string instruction;
  std::string reason;
  uint32_t first_line = 0;  // the region, 0-based and inclusive
  uint32_t last_line = 0;
};

struct EditDiagnostic {
  uint32_t start_byte = 0;
  uint32_t end_byte = 0;
  std::string message;
};

struct EditEngineOptions {
  uint32_t max_region_lines = 400;
  std::chrono::milliseconds frame{8};
  std::chrono::milliseconds apply_timeout{10000};
  bool predicted_outputs = true;
  // Empty when a fast model is configured; otherwise what to tell the person.
  std::string model_missing;
};

class EditEngine {
 public:
  using Cancel = std::function<void()>;
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Hooks {
    std::function<TimePoint()> now;
    // Runs `fire` after `delay` unless cancelled first.
    std::function<Cancel(std::chrono::milliseconds delay, std::function<void()> fire)> start_timer;
    // Runs `fn` later on the same thread, outside the current call.
    std::function<void(std::function<void()> fn)> post;
    // The open document `uri`, or nullopt.
    std::function<std::optional<EditDocument>(const std::string& uri)> document;
    // A syntax tree of `uri` as its text is now, covering at least `around` (a window of a big
    // file), or null (no grammar). Valid until the next hook call.
    std::function<const parsers::Tree*(const std::string& uri, parsers::ByteRange around)> tree;
    // The fast model's stream; the returned Cancel stops it.
    std::function<Cancel(const models::ChatRequest& request, models::StreamCallbacks callbacks)>
        start_stream;
    // workspace/applyEdit. `done` (applied or not, and the client's words) may never come:
    // the engine's watchdog covers that.
    std::function<void(const std::string& uri, LineEdit edit,
                       std::function<void(bool applied, const std::string& detail)> done)>
        send_edit;
    std::function<void(const EditReport& report)> report;
    // Diagnostics for `uri` (empty: clear); `version` when they belong to one.
    std::function<void(const std::string& uri, std::optional<int64_t> version,
                       const std::vector<EditDiagnostic>& diagnostics)>
        publish_diagnostics;
    // Starts an agent job; its id, or nullopt when jobs are unavailable.
    std::function<std::optional<std::string>(const EditEscalation& escalation)> escalate;
    // A failure the session reports as failed; the glue tells clients that do not show
    // sessions.
    std::function<void(const std::string& message)> model_failed;
    // A message for the person (window/showMessage).
    std::function<void(bool error, const std::string& message)> tell;
  };

  explicit EditEngine(Hooks hooks, EditEngineOptions options = {});
  ~EditEngine();
  EditEngine(const EditEngine&) = delete;
  EditEngine& operator=(const EditEngine&) = delete;

  // Settings changed: sessions started from now on use them.
  void configure(EditEngineOptions options) { options_ = std::move(options); }

  void start(const EditRequest& request, EditSink sink);
  // The request that started session `id` was cancelled: stops it if it is still streaming.
  void cancel_request(const std::string& id);

  EditCommandResult steer(const EditTarget& target, const std::string& instruction);
  EditCommandResult accept(const EditTarget& target);
  // Answered when the restoring edit has landed (at once when nothing needs restoring).
  void reject(const EditTarget& target, std::function<void(EditCommandResult)> done);
  EditCommandResult cancel(const EditTarget& target);

  // After the document store applied a didChange: `changes` in order, each relative to the text
  // the previous one left.
  void document_changed(const std::string& uri, const parsers::TextInput& text, int64_t version,
                        const std::vector<parsers::TextChange>& changes);
  // Before a document closes: its streams stop, its finished sessions are forgotten.
  void document_closing(const std::string& uri);

  // For tests and logs: the session's state, or nullopt when there is no such session.
  std::optional<SessionState> state_of(const std::string& id) const;
  size_t session_count() const { return edits_.size(); }

 private:
  struct Edit;

  Edit* find(const std::optional<std::string>& id);
  Edit* find_target(const EditTarget& target);
  Edit* take_over(const EditTarget& target, EditCommandResult& result);
  Edit* streaming_over(const std::string& uri, uint32_t first_line, uint32_t last_line);
  bool supersede(Edit& older, const EditRequest& request, EditSink& sink);

  void start_stream(Edit& edit);
  void stop_stream(Edit& edit, bool posted = false);
  bool feed_text(Edit& edit, std::string_view text);
  void on_reasoning(Edit& edit);
  void on_done(Edit& edit, const models::StreamSummary& summary);
  void on_stream_error(Edit& edit, const models::ModelError& error);
  void report_progress(Edit& edit);
  void send_edit(Edit& edit, LineEdit line_edit);
  void arm_timer(Edit& edit, std::chrono::milliseconds delay);
  void on_state(Edit& edit, SessionState state, const std::string& reason);
  void escalate(Edit& edit, const std::string& reason);
  void validate(Edit& edit);
  void clear_diagnostics(Edit& edit);

  EditReport report_of(const Edit& edit, std::string_view state, const std::string& reason) const;
  void notify(const Edit& edit, std::string_view state, const std::string& reason);
  void answer(Edit& edit, std::string_view state, const std::string& reason);
  void prune();

  Hooks hooks_;
  EditEngineOptions options_;
  std::map<std::string, std::unique_ptr<Edit>> edits_;
  uint64_t next_id_ = 1;
  uint64_t stream_generation_ = 0;
  std::string latest_id_;
  // False once the engine is gone: timers and answers that outlive it are not heard.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace flint
