#include "server/edits/edit_engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "parsers/context.h"
#include "parsers/scope.h"
#include "parsers/validation.h"
#include "server/edits/edit_prompt.h"
#include "server/edits/reasoning_filter.h"

namespace flint {

namespace {

constexpr size_t kMaxKeptSessions = 64;
// The model's raw answer is kept up to this size, to show the person why it was refused.
constexpr size_t kMaxKeptAnswer = size_t{64} * 1024;
constexpr size_t kMaxShownAnswer = 4000;
constexpr auto kProgressInterval = std::chrono::milliseconds(100);

// At most `limit` bytes of `text`, not cutting a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  while (limit > 0 && (static_cast<unsigned char>(text[limit]) & 0xC0) == 0x80) --limit;
  return text.substr(0, limit);
}

std::string no_edit_session(const std::optional<std::string>& id) {
  return id ? "no edit session " + *id : std::string("no edit session yet");
}

EditError invalid(std::string message) {
  return EditError{EditError::Kind::kInvalid, std::move(message)};
}

std::string render_context(const parsers::Context& context) {
  std::string out;
  for (const auto& item : context.items) {
    out += item.text;
    if (out.empty() || out.back() != '\n') out += '\n';
  }
  return out;
}

bool is_terminal_stream_state(SessionState s) {
  return s == SessionState::kDone || s == SessionState::kCancelled || s == SessionState::kFailed;
}

// The byte `point` names in `text`: a column past its line's end is the line's end (before a
// "\r\n" too); nullopt for a row past the last line.
std::optional<uint32_t> byte_of(const parsers::TextInput& text, parsers::TextPoint point) {
  if (point.row >= text.line_count()) return std::nullopt;
  std::string_view line = text.line(point.row);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return text.line_start(point.row) + std::min<uint32_t>(point.column, line.size());
}

}  // namespace

struct EditEngine::Edit {
  std::string id;
  std::string uri;
  std::unique_ptr<EditSession> core;
  EditSink sink;
  bool answered = false;  // sink.answer called

  Cancel stream;                   // stops the model stream, while one runs
  uint64_t stream_generation = 0;  // the stream whose callbacks are heard (0: none)
  EscalationDetector escalation;
  ReasoningFilter reasoning;   // <think> blocks in the answer text
  size_t reasoning_bytes = 0;  // of those, already counted
  bool thinking_reported = false;
  std::string answer;  // the model's raw text (capped), shown when it is refused
  TimePoint last_progress{};

  Cancel timer;

  EditPromptInput prompt;  // kept for steering

  // For validation when the stream is done: the tree and the region before the edit.
  std::optional<parsers::Tree> tree_before;
  parsers::ByteRange range_before;
  bool diagnostics_published = false;

  // A reject waiting for its restoring edit to land.
  std::function<void(EditCommandResult)> reject_done;
  // A newer edit over this one's region, started once this one is rolled back (true) or
  // could not be (false).
  std::function<void(bool restored)> after_rollback;

  std::string job_id;       // set when escalated to an agent job
  bool escalating = false;  // the core's "cancelled" is not reported: "escalated" is
  bool finished = false;    // streaming phase over and answered
};

EditEngine::EditEngine(Hooks hooks, EditEngineOptions options)
    : hooks_(std::move(hooks)), options_(std::move(options)) {}

EditEngine::~EditEngine() {
  // Streams, timers and the editor's answers call back into sessions: none is heard from now.
  *alive_ = false;
  for (auto& [id, edit] : edits_) {
    stop_stream(*edit);
    if (edit->timer) edit->timer();
  }
}

EditEngine::Edit* EditEngine::find(const std::optional<std::string>& id) {
  auto it = edits_.find(id ? *id : latest_id_);
  return it == edits_.end() ? nullptr : it->second.get();
}

std::optional<SessionState> EditEngine::state_of(const std::string& id) const {
  auto it = edits_.find(id);
  if (it == edits_.end() || !it->second->core) return std::nullopt;
  return it->second->core->state();
}

// --- starting ---

void EditEngine::start(const EditRequest& request, EditSink sink) {
  auto fail = [&](EditError error) {
    EditAnswer a;
    a.error = std::move(error);
    sink.answer(std::move(a));
  };
  std::optional<EditDocument> doc = hooks_.document(request.uri);
  if (!doc) {
    fail(invalid("unknown document " + request.uri + ": the client has not opened it (didOpen)"));
    return;
  }
  std::optional<uint32_t> begin = byte_of(*doc->text, request.start);
  std::optional<uint32_t> end = byte_of(*doc->text, request.end);
  if (!begin || !end || *end < *begin) {
    fail(invalid("impossible range: lines " + std::to_string(request.start.row + 1) + "-" +
                 std::to_string(request.end.row + 1) + " in " + request.uri + " (" +
                 std::to_string(doc->text->line_count()) + " lines, version " +
                 std::to_string(doc->version) + ")"));
    return;
  }
  const parsers::Tree* tree = hooks_.tree(request.uri, parsers::ByteRange{*begin, *end});
  parsers::ScopeOptions scope_options;
  scope_options.max_region_lines = std::max<uint32_t>(1, options_.max_region_lines);
  parsers::Scope scope =
      parsers::find_scope(tree, *doc->text, parsers::ByteRange{*begin, *end}, scope_options);

  // Edits in other regions of the document stream side by side (each takes the other's edits
  // for typing outside its region). One still streaming over these lines is stopped and rolled
  // back first, so that nothing is left half-written and the model never reads half an
  // answer: this edit starts once the original is back.
  if (Edit* older = streaming_over(request.uri, scope.first_line, scope.last_line)) {
    if (supersede(*older, request, sink)) return;
  }

  auto owned = std::make_unique<Edit>();
  Edit& e = *owned;
  e.id = std::to_string(next_id_++);
  e.uri = request.uri;
  e.sink = std::move(sink);
  e.prompt.path = request.uri;
  e.prompt.language = std::string(doc->language);
  e.prompt.first_line = static_cast<int>(scope.first_line) + 1;
  e.prompt.instruction = request.instruction;
  e.prompt.predicted_outputs = options_.predicted_outputs;
  e.prompt.region = parsers::text_between(*doc->text, scope.start_byte, scope.end_byte);
  e.prompt.context = render_context(parsers::extract_context(tree, *doc->text, scope));
  if (tree) {
    e.tree_before = *tree;
    e.range_before = parsers::ByteRange{scope.start_byte, scope.end_byte};
  }
  std::string id = e.id;
  latest_id_ = id;
  edits_[id] = std::move(owned);

  SessionOptions options;
  options.language = std::string(doc->language);
  options.frame = std::max(std::chrono::milliseconds(0), options_.frame);
  SessionHooks hooks;
  hooks.now = hooks_.now;
  hooks.send_edit = [this, id](LineEdit line_edit) {
    if (Edit* a = find(id)) send_edit(*a, std::move(line_edit));
  };
  hooks.arm_timer = [this, id](std::chrono::milliseconds delay) {
    if (Edit* a = find(id)) arm_timer(*a, delay);
  };
  hooks.on_state = [this, id](SessionState state, const std::string& reason) {
    if (Edit* a = find(id)) on_state(*a, state, reason);
  };
  e.core = std::make_unique<EditSession>(*doc->text, doc->version, scope.first_line,
                                         scope.line_count(), options, std::move(hooks));

  spdlog::info("edit {}: {} lines {}-{} ({} {}), {}", id, request.uri, scope.first_line + 1,
               scope.last_line + 1, scope.unit, scope.node_kind,
               scope.is_local ? "local" : "not local: " + scope.reason);
  if (e.sink.started) e.sink.started(id);

  if (!scope.is_local) {
    escalate(e, scope.reason);
    return;
  }
  if (!options_.model_missing.empty()) {
    // The session fails, and says so once: flint's plugins show the failed session (with the
    // way to the settings), other clients are told by the glue.
    hooks_.model_failed(options_.model_missing);
    e.core->on_model_error(options_.model_missing);
    return;
  }
  notify(e, "streaming", "");
  start_stream(e);
  prune();
}

EditEngine::Edit* EditEngine::streaming_over(const std::string& uri, uint32_t first_line,
                                             uint32_t last_line) {
  for (auto& [id, other] : edits_) {
    if (other->uri != uri || !other->core || other->core->state() != SessionState::kStreaming)
      continue;
    SessionRegion region = other->core->region();
    uint32_t other_last = region.first_line + std::max<uint32_t>(region.line_count, 1) - 1;
    if (region.first_line <= last_line && first_line <= other_last) return other.get();
  }
  return nullptr;
}

bool EditEngine::supersede(Edit& older, const EditRequest& request, EditSink& sink) {
  SessionRegion region = older.core->region();
  uint32_t partial_lines = region.line_count;
  const std::string& original = older.core->original_text();
  auto original_lines = static_cast<uint32_t>(std::count(original.begin(), original.end(), '\n'));
  stop_stream(older);
  older.core->cancel("replaced by a newer edit over the same lines");
  if (older.core->reject()) return false;  // cannot roll back: the newer starts over it now
  // Nothing of it was in the buffer (the model had not answered yet): the original is there
  // already, and the newer edit starts at once.
  if (older.core->state() == SessionState::kRejected) return false;
  // The request's lines as they will be once the older region holds its original again: lines
  // inside it become its bounds.
  EditRequest mapped = request;
  auto map = [&](parsers::TextPoint& p, bool is_end) {
    uint32_t first = region.first_line;
    if (p.row < first) return;
    if (p.row >= first + partial_lines) {
      p.row = p.row - partial_lines + original_lines;
      return;
    }
    if (is_end) {
      p.row = first + std::max<uint32_t>(original_lines, 1) - 1;
      p.column = UINT32_MAX;  // past the end of the line: its end
    } else {
      p.row = first;
      p.column = 0;
    }
  };
  map(mapped.start, false);
  map(mapped.end, true);
  spdlog::info("edit {}: rolled back for a newer edit over lines {}-{}", older.id,
               region.first_line + 1, region.first_line + region.line_count);
  older.after_rollback = [this, mapped, request, sink = std::move(sink)](bool restored) mutable {
    start(restored ? mapped : request, std::move(sink));
  };
  return true;
}

// --- the model's stream ---

void EditEngine::start_stream(Edit& edit) {
  std::string id = edit.id;
  uint64_t generation = ++stream_generation_;
  edit.stream_generation = generation;
  edit.reasoning = ReasoningFilter{};
  edit.reasoning_bytes = 0;
  edit.thinking_reported = false;
  edit.answer.clear();
  // The session, while this stream is still the one it listens to.
  auto current = [this, id, generation]() -> Edit* {
    Edit* a = find(id);
    return a && a->core && a->stream_generation == generation ? a : nullptr;
  };
  models::StreamCallbacks callbacks;
  callbacks.on_text = [this, current](std::string_view text) {
    Edit* a = current();
    if (!a) return;
    if (a->answer.size() < kMaxKeptAnswer) a->answer.append(text);
    std::string_view visible = a->reasoning.feed(text);
    if (a->reasoning.reasoning_bytes() > a->reasoning_bytes) {
      a->reasoning_bytes = a->reasoning.reasoning_bytes();
      on_reasoning(*a);
    }
    if (!visible.empty()) feed_text(*a, visible);
  };
  callbacks.on_reasoning = [this, current](std::string_view) {
    if (Edit* a = current()) on_reasoning(*a);
  };
  callbacks.on_done = [this, current](const models::StreamSummary& summary) {
    if (Edit* a = current()) on_done(*a, summary);
  };
  callbacks.on_error = [this, current](const models::ModelError& error) {
    if (Edit* a = current()) on_stream_error(*a, error);
  };
  edit.stream = hooks_.start_stream(build_edit_request(edit.prompt), std::move(callbacks));
}

void EditEngine::stop_stream(Edit& edit, bool posted) {
  edit.stream_generation = 0;  // whatever the stream still says is not heard
  if (!edit.stream) return;
  Cancel cancel = std::move(edit.stream);
  edit.stream = nullptr;
  if (posted) {
    // From inside the stream's own callback: it must not be destroyed under its feet.
    hooks_.post(std::move(cancel));
  } else {
    cancel();
  }
}

bool EditEngine::feed_text(Edit& edit, std::string_view text) {
  std::string_view code = edit.escalation.feed(text);
  if (edit.escalation.state() == EscalationDetector::State::kEscalated) {
    if (!edit.escalation.reason_complete()) return true;  // wait for the reason's line
    stop_stream(edit, /*posted=*/true);
    escalate(edit, edit.escalation.reason());
    return false;
  }
  if (!code.empty()) edit.core->on_model_text(code);
  report_progress(edit);
  return true;
}

void EditEngine::on_reasoning(Edit& edit) {
  edit.core->on_model_reasoning();
  if (!edit.thinking_reported) {
    // Once per stream: the session report says the model is thinking.
    edit.thinking_reported = true;
    notify(edit, "streaming", "thinking");
  }
  report_progress(edit);
}

void EditEngine::on_done(Edit& edit, const models::StreamSummary& summary) {
  std::string tail = edit.reasoning.finish();
  if (!tail.empty() && !feed_text(edit, tail)) return;
  if (edit.escalation.state() == EscalationDetector::State::kEscalated) {
    escalate(edit, edit.escalation.reason());
    return;
  }
  std::string rest = edit.escalation.flush();
  if (!rest.empty()) edit.core->on_model_text(rest);
  AnswerEnd end;
  if (summary.finish_reason == "refusal") {
    end.refusal = summary.refusal.empty() ? "no reason given" : summary.refusal;
  }
  if (summary.tool_calls > 0) {
    end.no_code_why = "it called a tool instead";
  } else if (edit.core->stats().reasoning > 0) {
    end.no_code_why = "it only reasoned";
  } else if (summary.finish_reason == "length") {
    end.no_code_why = "it stopped at its token limit";
  } else if (summary.finish_reason == "content_filter") {
    end.no_code_why = "the provider's content filter stopped it";
  }
  edit.core->on_model_done(end);
}

void EditEngine::on_stream_error(Edit& edit, const models::ModelError& error) {
  spdlog::warn("edit {}: model error: {}", edit.id, error.message);
  hooks_.model_failed(error.message);
  edit.core->on_model_error(error.message);
}

void EditEngine::report_progress(Edit& edit) {
  if (!edit.sink.progress) return;
  TimePoint now = hooks_.now();
  if (now - edit.last_progress <= kProgressInterval) return;
  edit.last_progress = now;
  const SessionStats& s = edit.core->stats();
  std::string message;
  if (!s.first_code && s.reasoning > 0) {
    message = "thinking\u2026 " + std::to_string(s.reasoning);
  } else {
    message = std::to_string(s.tokens) + (s.tokens == 1 ? " token" : " tokens");
  }
  // An estimate: how far the answer has come through the region's length (a rewrite is
  // about as long as what it replaces); 99 at most until the stream ends.
  std::optional<int> percentage;
  if (size_t original = edit.core->original_text().size(); original > 0 && s.first_code) {
    size_t written = edit.core->model_output().size();
    percentage = static_cast<int>(std::min<size_t>(99, written * 100 / original));
  }
  edit.sink.progress(message, percentage);
}

// --- the editor ---

void EditEngine::send_edit(Edit& edit, LineEdit line_edit) {
  std::string id = edit.id;
  // An editor that never answers would hold the session (one edit in flight) forever: after
  // apply_timeout the session ends as failed, with the reason, and a late answer is ignored.
  // The user's text is safe either way: nothing more is sent.
  struct Watchdog {
    Cancel cancel;
    bool fired = false;
    bool answered = false;
  };
  auto watchdog = std::make_shared<Watchdog>();
  std::chrono::milliseconds timeout = options_.apply_timeout;
  hooks_.send_edit(edit.uri, std::move(line_edit),
                   [this, alive = alive_, id, watchdog](bool applied, const std::string& detail) {
                     if (!*alive || watchdog->fired || watchdog->answered) return;
                     watchdog->answered = true;
                     if (watchdog->cancel) watchdog->cancel();
                     Edit* a = find(id);
                     if (!a || !a->core) return;
                     if (!applied) spdlog::debug("edit {}: client refused an edit: {}", id, detail);
                     a->core->on_apply_result(applied);
                   });
  if (watchdog->answered) return;  // answered at once
  watchdog->cancel = hooks_.start_timer(timeout, [this, alive = alive_, id, watchdog, timeout] {
    if (!*alive || watchdog->answered) return;
    watchdog->fired = true;
    Edit* a = find(id);
    if (!a || !a->core) return;
    std::string why = "the editor did not answer workspace/applyEdit within " +
                      std::to_string(timeout.count()) + " ms (edit.applyTimeoutMs)";
    spdlog::warn("edit {}: {}", id, why);
    hooks_.tell(/*error=*/true, "flint: " + why + "; the edit was stopped");
    stop_stream(*a);
    a->core->abandon(why);  // a pending reject is answered by on_state
  });
}

void EditEngine::arm_timer(Edit& edit, std::chrono::milliseconds delay) {
  if (edit.timer) edit.timer();
  std::string id = edit.id;
  edit.timer = hooks_.start_timer(delay, [this, alive = alive_, id] {
    if (!*alive) return;
    Edit* a = find(id);
    if (a && a->core) a->core->on_timer();
  });
}

void EditEngine::on_state(Edit& edit, SessionState state, const std::string& reason) {
  if (edit.escalating && state == SessionState::kCancelled) return;  // reported as escalated
  // A reject whose restoring edit could not land is answered either way.
  if (edit.reject_done && (state == SessionState::kFailed || state == SessionState::kCancelled)) {
    auto done = std::move(edit.reject_done);
    edit.reject_done = nullptr;
    EditCommandResult r;
    r.error = EditError{EditError::Kind::kFailed,
                        "the original text could not be restored: " +
                            (reason.empty() ? std::string(to_string(state)) : reason)};
    done(std::move(r));
  }
  if (edit.after_rollback && (state == SessionState::kRejected || state == SessionState::kFailed)) {
    // Posted: the newer edit starts from the document as the rollback left it, outside this
    // session's callbacks.
    hooks_.post([alive = alive_, start = std::move(edit.after_rollback),
                 restored = state == SessionState::kRejected] {
      if (*alive) start(restored);
    });
    edit.after_rollback = nullptr;
  }
  std::string name(to_string(state));
  if (is_terminal_stream_state(state)) {
    stop_stream(edit, /*posted=*/true);
    if (state == SessionState::kDone) validate(edit);
    if (state == SessionState::kFailed && !edit.answer.empty()) {
      spdlog::info("edit {}: failed: {}; the model's answer was: {}", edit.id, reason,
                   utf8_prefix(edit.answer, kMaxShownAnswer));
    }
    notify(edit, name, reason);
    answer(edit, name, reason);
    return;
  }
  notify(edit, name, reason);
  if (state == SessionState::kRejected) {
    clear_diagnostics(edit);
    if (edit.reject_done) {
      auto done = std::move(edit.reject_done);
      edit.reject_done = nullptr;
      done(EditCommandResult{std::nullopt, edit.id, "rejected"});
    }
  }
}

void EditEngine::escalate(Edit& edit, const std::string& reason) {
  if (edit.finished) return;
  std::string why = reason.empty() ? "the change reaches beyond the local scope" : reason;
  stop_stream(edit, /*posted=*/true);  // ignore anything more from the stream
  edit.escalating = true;
  edit.core->cancel();
  EditEscalation escalation;
  escalation.id = edit.id;
  escalation.uri = edit.uri;
  escalation.instruction = edit.prompt.instruction;
  escalation.reason = why;
  SessionRegion region = edit.core->region();
  escalation.first_line = region.first_line;
  escalation.last_line = region.first_line + std::max<uint32_t>(region.line_count, 1) - 1;
  if (std::optional<std::string> job = hooks_.escalate(escalation)) {
    edit.job_id = *job;
  } else {
    hooks_.tell(/*error=*/false, "flint: this edit is not local (" + why +
                                     "); agent jobs are not available, so nothing was changed");
  }
  notify(edit, "escalated", why);
  answer(edit, "escalated", why);
}

void EditEngine::validate(Edit& edit) {
  std::optional<EditDocument> doc = hooks_.document(edit.uri);
  if (!doc || !edit.tree_before) return;
  SessionRegion region = edit.core->region();
  parsers::ByteRange now{region.start_byte, region.end_byte};
  const parsers::Tree* tree = hooks_.tree(edit.uri, now);
  if (!tree) return;
  parsers::Validation v = parsers::validate(*edit.tree_before, edit.range_before, *tree, now);
  if (!v.introduced_errors() && !edit.diagnostics_published) return;
  std::vector<EditDiagnostic> diagnostics;
  for (const auto& e : v.new_errors) {
    diagnostics.push_back(EditDiagnostic{
        e.start_byte, e.end_byte, e.message + " (introduced by flint edit " + edit.id + ")"});
  }
  edit.diagnostics_published = !diagnostics.empty();
  hooks_.publish_diagnostics(edit.uri, doc->version, diagnostics);
}

void EditEngine::clear_diagnostics(Edit& edit) {
  if (!edit.diagnostics_published) return;
  edit.diagnostics_published = false;
  hooks_.publish_diagnostics(edit.uri, std::nullopt, {});
}

// --- reports ---

EditReport EditEngine::report_of(const Edit& edit, std::string_view state,
                                 const std::string& reason) const {
  EditReport r;
  r.id = edit.id;
  r.uri = edit.uri;
  r.state = std::string(state);
  r.reason = reason;
  if (edit.core) r.region = edit.core->region();
  r.job_id = edit.job_id;
  // What the model said, for the person to judge the refusal.
  if (state == "failed") r.answer = std::string(utf8_prefix(edit.answer, kMaxShownAnswer));
  return r;
}

void EditEngine::notify(const Edit& edit, std::string_view state, const std::string& reason) {
  hooks_.report(report_of(edit, state, reason));
}

void EditEngine::answer(Edit& edit, std::string_view state, const std::string& reason) {
  edit.finished = true;
  if (edit.answered) return;
  edit.answered = true;
  EditAnswer a;
  a.report = report_of(edit, state, reason);
  if (edit.core) a.stats = edit.core->stats();
  if (edit.sink.answer) edit.sink.answer(std::move(a));
}

void EditEngine::prune() {
  if (edits_.size() <= kMaxKeptSessions) return;
  // Oldest finished sessions go first (ids are increasing numbers).
  std::vector<std::pair<uint64_t, std::string>> finished;
  for (const auto& [id, edit] : edits_) {
    if (edit->finished && id != latest_id_) finished.emplace_back(std::stoull(id), id);
  }
  std::sort(finished.begin(), finished.end());
  for (size_t i = 0; i < finished.size() && edits_.size() > kMaxKeptSessions; ++i) {
    auto it = edits_.find(finished[i].second);
    if (it->second->timer) it->second->timer();
    edits_.erase(it);
  }
}

// --- commands ---

void EditEngine::cancel_request(const std::string& id) {
  Edit* a = find(id);
  if (a && a->core && a->core->state() == SessionState::kStreaming) {
    stop_stream(*a);
    a->core->cancel();
  }
}

EditEngine::Edit* EditEngine::find_target(const EditTarget& target) {
  if (target.id || !target.uri) return find(target.id);
  // The sessions of that document, latest first; those still open to a decision before the
  // ones accepted or rejected; the one whose region holds the cursor before the others.
  Edit* best = nullptr;
  int best_rank = -1;
  uint64_t best_id = 0;
  for (auto& [id, edit] : edits_) {
    if (edit->uri != *target.uri || !edit->core) continue;
    SessionState state = edit->core->state();
    bool open = state != SessionState::kAccepted && state != SessionState::kRejected;
    SessionRegion r = edit->core->region();
    bool under = target.cursor && r.start_byte <= *target.cursor && *target.cursor <= r.end_byte;
    int rank = (under ? 2 : 0) + (open ? 1 : 0);
    uint64_t number = std::stoull(id);
    if (rank > best_rank || (rank == best_rank && number > best_id)) {
      best = edit.get();
      best_rank = rank;
      best_id = number;
    }
  }
  return best;
}

EditEngine::Edit* EditEngine::take_over(const EditTarget& target, EditCommandResult& result) {
  Edit* edit = find_target(target);
  if (!edit) {
    result.error = invalid(target.id || !target.uri ? no_edit_session(target.id)
                                                    : "no edit session in " + *target.uri);
    return nullptr;
  }
  stop_stream(*edit);
  result.id = edit->id;
  return edit;
}

EditCommandResult EditEngine::steer(const EditTarget& target, const std::string& instruction) {
  EditCommandResult result;
  Edit* edit = find_target(target);
  if (!edit) {
    result.error = invalid(no_edit_session(target.id));
    return result;
  }
  if (instruction.empty()) {
    result.error = invalid("invalid arguments for flint.steer: /instruction: empty");
    return result;
  }
  SessionState state = edit->core->state();
  if (state != SessionState::kStreaming && state != SessionState::kDone) {
    result.error = invalid("session " + edit->id + " is " + std::string(to_string(state)) +
                           ": it can no longer be steered");
    return result;
  }
  if (edit->core->user_edited_region()) {
    result.error = invalid("the region was edited by hand since: start a new edit instead");
    return result;
  }
  stop_stream(*edit);
  edit->prompt.earlier.push_back({edit->prompt.instruction, edit->core->model_output()});
  edit->prompt.instruction = instruction;
  if (!edit->core->steer()) {
    result.error = invalid("session " + edit->id + " cannot be steered now");
    return result;
  }
  edit->escalation = EscalationDetector{};
  edit->finished = false;
  start_stream(*edit);
  notify(*edit, "streaming", "");
  result.id = edit->id;
  return result;
}

EditCommandResult EditEngine::accept(const EditTarget& target) {
  EditCommandResult result;
  Edit* edit = take_over(target, result);
  if (!edit) return result;
  if (!edit->core->accept()) {
    result.error = invalid("session " + edit->id + " is already " +
                           std::string(to_string(edit->core->state())));
    return result;
  }
  result.state = "accepted";
  return result;
}

void EditEngine::reject(const EditTarget& target, std::function<void(EditCommandResult)> done) {
  EditCommandResult result;
  Edit* edit = take_over(target, result);
  if (!edit) {
    done(std::move(result));
    return;
  }
  edit->reject_done = std::move(done);
  if (auto why = edit->core->reject()) {
    auto refused = std::move(edit->reject_done);
    edit->reject_done = nullptr;
    result.error = invalid("cannot reject session " + edit->id + ": " + *why);
    refused(std::move(result));
    return;
  }
  // Answered when the restoring edit has landed (see on_state), or now when nothing needed
  // restoring.
  if (edit->core->state() == SessionState::kRejected && edit->reject_done) {
    auto now = std::move(edit->reject_done);
    edit->reject_done = nullptr;
    result.state = "rejected";
    now(std::move(result));
  }
}

EditCommandResult EditEngine::cancel(const EditTarget& target) {
  EditCommandResult result;
  Edit* edit = take_over(target, result);
  if (!edit) return result;
  edit->core->cancel();
  result.state = std::string(to_string(edit->core->state()));
  return result;
}

// --- the document ---

void EditEngine::document_changed(const std::string& uri, const parsers::TextInput& text,
                                  int64_t version,
                                  const std::vector<parsers::TextChange>& changes) {
  for (auto& [id, edit] : edits_) {
    if (edit->uri != uri || !edit->core) continue;
    SessionState state = edit->core->state();
    if (state == SessionState::kAccepted || state == SessionState::kRejected) {
      // Diagnostics of an accepted edit follow the text until the errors are fixed.
      if (edit->diagnostics_published) validate(*edit);
      continue;
    }
    edit->core->on_document_changed(text, version, changes);
    if (edit->diagnostics_published && edit->core->state() != SessionState::kStreaming) {
      validate(*edit);
    }
  }
}

void EditEngine::document_closing(const std::string& uri) {
  for (auto& [id, edit] : edits_) {
    if (edit->uri != uri || !edit->core) continue;
    stop_stream(*edit);
    if (edit->core->state() == SessionState::kStreaming) edit->core->cancel();
  }
  // Sessions of a closed document cannot be accepted or rejected any more. They go later:
  // this may run inside one of their own callbacks.
  for (auto it = edits_.begin(); it != edits_.end();) {
    if (it->second->uri == uri && it->second->finished) {
      if (it->second->timer) it->second->timer();
      hooks_.post([dead = std::shared_ptr<Edit>(std::move(it->second))] {});
      it = edits_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace flint
