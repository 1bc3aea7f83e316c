// flint.inlineEdit, flint.steer, flint.accept, flint.reject, flint.cancel: the LSP side of
// streaming inline edits. EditSession (edit_session.h) decides what to send; this file turns
// its decisions into workspace/applyEdit, flint/editSession, $/progress and the replies, and
// feeds it the model's stream and the document's changes.
#include <spdlog/spdlog.h>

#include <asio/post.hpp>

#include "parsers/context.h"
#include "parsers/scope.h"
#include "parsers/validation.h"
#include "protocol/lsp_types.h"
#include "server/command_types.h"
#include "server/documents.h"
#include "server/inline_edits.h"
#include "server/server.h"
#include "server/syntax_trees.h"

namespace flint {

using nlohmann::json;
using protocol::ErrorCode;
using protocol::Reply;

namespace {

constexpr size_t kMaxKeptSessions = 64;
// The model's raw answer is kept up to this size, to show the person why it was refused.
constexpr size_t kMaxKeptAnswer = size_t{64} * 1024;
constexpr size_t kMaxShownAnswer = 4000;

// At most `limit` bytes of `text`, not cutting a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  while (limit > 0 && (static_cast<unsigned char>(text[limit]) & 0xC0) == 0x80) --limit;
  return text.substr(0, limit);
}

std::string no_edit_session(const std::optional<std::string>& id) {
  return id ? "no edit session " + *id : std::string("no edit session yet");
}

json millis(const std::optional<SessionStats::Duration>& d) {
  if (!d) return nullptr;
  return std::chrono::duration<double, std::milli>(*d).count();
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

}  // namespace

ActiveEdit* Server::find_edit(const std::optional<std::string>& id) {
  const std::string& key = id ? *id : latest_edit_id_;
  auto it = edits_.find(key);
  return it == edits_.end() ? nullptr : it->second.get();
}

void Server::stop_edit_stream(ActiveEdit& edit, bool posted) {
  edit_stream_of_.erase(edit.id);  // whatever the stream still says is not heard
  if (!edit.stream) return;
  if (posted) {
    // From inside the stream's own callback: it must not be destroyed under its feet.
    asio::post(io_, [stream = std::move(edit.stream)] { stream->cancel(); });
  } else {
    edit.stream->cancel();
  }
  edit.stream.reset();
}

ActiveEdit* Server::find_target_edit(const SessionTarget& target) {
  if (target.sessionId || !target.textDocument) return find_edit(target.sessionId);
  // The sessions of that document, latest first; those still open to a decision before the
  // ones accepted or rejected; the one whose region holds the cursor before the others.
  const Document* doc = documents_->find(target.textDocument->uri);
  std::optional<uint32_t> cursor;
  if (doc && target.position) cursor = doc->offset_of(*target.position);
  ActiveEdit* best = nullptr;
  int best_rank = -1;
  uint64_t best_id = 0;
  for (auto& [id, edit] : edits_) {
    if (edit->uri != target.textDocument->uri || !edit->core) continue;
    SessionState state = edit->core->state();
    bool open = state != SessionState::kAccepted && state != SessionState::kRejected;
    SessionRegion r = edit->core->region();
    bool under = cursor && r.start_byte <= *cursor && *cursor <= r.end_byte;
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

ActiveEdit* Server::take_over_edit(const SessionTarget& target, const Reply<json>& reply) {
  ActiveEdit* edit = find_target_edit(target);
  if (!edit) {
    reply.error(ErrorCode::kInvalidParams, target.sessionId || !target.textDocument
                                               ? no_edit_session(target.sessionId)
                                               : "no edit session in " + target.textDocument->uri);
    return nullptr;
  }
  stop_edit_stream(*edit);
  return edit;
}

json Server::edit_region_json(const ActiveEdit& edit) const {
  const Document* doc = documents_->find(edit.uri);
  if (!doc || !edit.core) return nullptr;
  SessionRegion r = edit.core->region();
  return doc->range_of(r.start_byte, r.end_byte);
}

json Server::edit_state_json(const ActiveEdit& edit, std::string_view state,
                             const std::string& reason) const {
  json j{{"sessionId", edit.id},
         {"uri", edit.uri},
         {"state", state},
         {"region", edit_region_json(edit)}};
  if (!reason.empty()) j["reason"] = reason;
  if (!edit.job_id.empty()) j["jobId"] = edit.job_id;
  if (state == "failed" && !edit.answer.empty()) {
    // What the model said, for the person to judge the refusal.
    j["answer"] = std::string(utf8_prefix(edit.answer, kMaxShownAnswer));
  }
  return j;
}

void Server::notify_edit(const ActiveEdit& edit, std::string_view state,
                         const std::string& reason) {
  dispatcher_.notify("flint/editSession", edit_state_json(edit, state, reason));
}

namespace {

bool progress_live(const ActiveEdit& edit) {
  return edit.progress && edit.progress->state() == protocol::ProgressChannel::State::kLive;
}

}  // namespace

void Server::reply_edit(ActiveEdit& edit, std::string_view state, const std::string& reason) {
  edit.finished = true;
  if (progress_live(edit)) {
    // A client without flint's plugin learns why from here.
    std::string message(state);
    if (state == "failed" && !reason.empty()) message += ": " + reason;
    edit.progress->end(message, state == "failed");
  }
  if (!edit.reply) return;
  json result = edit_state_json(edit, state, reason);
  result.erase("uri");
  if (edit.core) {
    const SessionStats& s = edit.core->stats();
    result["stats"] = json{{"tokens", s.tokens},
                           {"reasoningTokens", s.reasoning},
                           {"firstCodeMs", millis(s.first_code)},
                           {"edits", s.edits_sent},
                           {"editsApplied", s.edits_applied},
                           {"firstTokenMs", millis(s.first_token)},
                           {"firstEditMs", millis(s.first_edit)},
                           {"durationMs", millis(s.duration)}};
  }
  auto reply = std::move(*edit.reply);
  edit.reply.reset();
  reply(std::move(result));
}

void Server::prune_edits() {
  if (edits_.size() <= kMaxKeptSessions) return;
  // Oldest finished sessions go first (ids are increasing numbers).
  std::vector<std::pair<uint64_t, std::string>> finished;
  for (const auto& [id, edit] : edits_) {
    if (edit->finished && id != latest_edit_id_) finished.emplace_back(std::stoull(id), id);
  }
  std::sort(finished.begin(), finished.end());
  for (size_t i = 0; i < finished.size() && edits_.size() > kMaxKeptSessions; ++i) {
    edits_.erase(finished[i].second);
  }
}

void Server::bind_inline_edits() {
  add_typed_command<InlineEditArgs>(
      "flint.inlineEdit",
      [this](const InlineEditArgs& args, const CommandContext& context, const Reply<json>& reply) {
        start_inline_edit(args, context, reply);
      });

  add_typed_command<SteerArgs>("flint.steer", [this](const SteerArgs& args, const CommandContext&,
                                                     const Reply<json>& reply) {
    ActiveEdit* edit = find_target_edit(args);
    if (!edit) {
      reply.error(ErrorCode::kInvalidParams, no_edit_session(args.sessionId));
      return;
    }
    if (args.instruction.empty()) {
      reply.error(ErrorCode::kInvalidParams,
                  "invalid arguments for flint.steer: /instruction: empty");
      return;
    }
    if (edit->core->state() != SessionState::kStreaming &&
        edit->core->state() != SessionState::kDone) {
      reply.error(ErrorCode::kInvalidParams, "session " + edit->id + " is " +
                                                 std::string(to_string(edit->core->state())) +
                                                 ": it can no longer be steered");
      return;
    }
    if (edit->core->user_edited_region()) {
      reply.error(ErrorCode::kInvalidParams,
                  "the region was edited by hand since: start a new edit instead");
      return;
    }
    stop_edit_stream(*edit);
    edit->prompt.earlier.push_back({edit->prompt.instruction, edit->core->model_output()});
    edit->prompt.instruction = args.instruction;
    if (!edit->core->steer()) {
      reply.error(ErrorCode::kInvalidParams, "session " + edit->id + " cannot be steered now");
      return;
    }
    edit->escalation = EscalationDetector{};
    edit->finished = false;
    start_edit_stream(*edit);
    notify_edit(*edit, "streaming", "");
    reply(json{{"sessionId", edit->id}});
  });

  add_typed_command<SessionArgs>(
      "flint.accept",
      [this](const SessionArgs& args, const CommandContext&, const Reply<json>& reply) {
        ActiveEdit* edit = take_over_edit(args, reply);
        if (!edit) return;
        if (!edit->core->accept()) {
          reply.error(ErrorCode::kInvalidParams, "session " + edit->id + " is already " +
                                                     std::string(to_string(edit->core->state())));
          return;
        }
        reply(json{{"sessionId", edit->id}, {"state", "accepted"}});
      });

  add_typed_command<SessionArgs>(
      "flint.reject",
      [this](const SessionArgs& args, const CommandContext&, const Reply<json>& reply) {
        ActiveEdit* edit = take_over_edit(args, reply);
        if (!edit) return;
        edit->reject_reply = reply;
        if (auto why = edit->core->reject()) {
          edit->reject_reply.reset();
          reply.error(ErrorCode::kInvalidParams, "cannot reject session " + edit->id + ": " + *why);
          return;
        }
        // Answered when the restoring edit has landed (see on_edit_state).
        if (edit->core->state() == SessionState::kRejected && edit->reject_reply) {
          auto r = std::move(*edit->reject_reply);
          edit->reject_reply.reset();
          r(json{{"sessionId", edit->id}, {"state", "rejected"}});
        }
      });

  add_typed_command<SessionArgs>("flint.cancel", [this](const SessionArgs& args,
                                                        const CommandContext&,
                                                        const Reply<json>& reply) {
    ActiveEdit* edit = take_over_edit(args, reply);
    if (!edit) return;
    edit->core->cancel();
    reply(json{{"sessionId", edit->id}, {"state", std::string(to_string(edit->core->state()))}});
  });
}

void Server::start_inline_edit(const InlineEditArgs& args, const CommandContext& context,
                               const Reply<json>& reply) {
  Document* doc = documents_->find(args.textDocument.uri);
  if (!doc) {
    reply.error(ErrorCode::kInvalidParams, "unknown document " + args.textDocument.uri +
                                               ": the client has not opened it (didOpen)");
    return;
  }
  if (auto why = private_document(doc->uri)) {
    std::string name = doc->uri.substr(doc->uri.find_last_of('/') + 1);
    reply.error(ErrorCode::kRequestFailed,
                name + " is private (" + *why + "): flint sends nothing from it to a model");
    return;
  }
  auto begin = doc->offset_of(args.range.start, PositionCheck::kStrict);
  auto end = doc->offset_of(args.range.end, PositionCheck::kStrict);
  if (!begin || !end || *end < *begin) {
    reply.error(ErrorCode::kInvalidParams,
                "impossible range " + json(args.range).dump() + " in " + doc->uri + " (" +
                    std::to_string(doc->text.line_count()) + " lines, version " +
                    std::to_string(doc->version) + ")");
    return;
  }
  std::string instruction = args.instruction;
  if (instruction.find_first_not_of(" \t\r\n") == std::string::npos) {
    reply.error(ErrorCode::kInvalidParams,
                "invalid arguments for flint.inlineEdit: /instruction: empty");
    return;
  }
  if (!client_.apply_edit) {
    reply.error(ErrorCode::kRequestFailed,
                "this client does not support workspace/applyEdit, which inline edits need");
    return;
  }

  const parsers::SyntaxTree* tree = trees_->find(doc->uri);
  parsers::ScopeOptions scope_options;
  scope_options.max_region_lines =
      static_cast<uint32_t>(std::max(1, config_.edit.max_region_lines));
  parsers::Scope scope = parsers::find_scope(tree ? &tree->tree() : nullptr, doc->text,
                                             parsers::ByteRange{*begin, *end}, scope_options);

  // Edits in other regions of the document stream side by side (each takes the other's edits
  // for typing outside its region). One still streaming over these lines is stopped and rolled
  // back first, so that nothing is left half-written and the model never reads half an
  // answer: this edit starts once the original is back.
  if (ActiveEdit* older = streaming_edit_over(doc->uri, scope.first_line, scope.last_line)) {
    if (supersede(*older, args, context, reply)) return;
  }

  auto edit = std::make_unique<ActiveEdit>(io_);
  edit->id = std::to_string(next_edit_id_++);
  edit->uri = doc->uri;
  edit->reply = reply;  // still used below (its cancellation token)
  edit->prompt.path = doc->uri;
  edit->prompt.language = doc->language_id;
  edit->prompt.first_line = static_cast<int>(scope.first_line) + 1;
  edit->prompt.instruction = instruction;
  edit->prompt.predicted_outputs = config_.edit.predicted_outputs;
  std::string language = doc->language_id;
  edit->prompt.region = doc->text.substr(scope.start_byte, scope.end_byte);
  parsers::Context ctx = parsers::extract_context(tree ? &tree->tree() : nullptr, doc->text, scope);
  edit->prompt.context = render_context(ctx);
  if (tree) {
    edit->tree_before = tree->tree();
    edit->range_before = parsers::ByteRange{scope.start_byte, scope.end_byte};
  }

  ActiveEdit& e = *edit;
  std::string id = e.id;
  latest_edit_id_ = id;
  edits_[id] = std::move(edit);

  SessionOptions options;
  options.language = language;
  options.frame = std::chrono::milliseconds(std::max(0, config_.edit.frame_ms));
  SessionHooks hooks;
  hooks.now = [] { return std::chrono::steady_clock::now(); };
  hooks.send_edit = [this, id](const LineEdit& line_edit) {
    if (ActiveEdit* a = find_edit(id)) send_session_edit(*a, line_edit);
  };
  hooks.arm_timer = [this, id](std::chrono::milliseconds delay) {
    ActiveEdit* a = find_edit(id);
    if (!a) return;
    uint64_t generation = ++a->timer_generation;
    a->timer.expires_after(delay);
    a->timer.async_wait([this, id, generation](const std::error_code& ec) {
      if (ec) return;
      ActiveEdit* again = find_edit(id);
      if (again && again->timer_generation == generation && again->core) again->core->on_timer();
    });
  };
  hooks.on_state = [this, id](SessionState state, const std::string& reason) {
    if (ActiveEdit* a = find_edit(id)) on_edit_state(*a, state, reason);
  };
  e.core = std::make_unique<EditSession>(doc->text, doc->version, scope.first_line,
                                         scope.line_count(), options, std::move(hooks));

  spdlog::info("edit {}: {} lines {}-{} ({} {}), {}", id, doc->uri, scope.first_line + 1,
               scope.last_line + 1, scope.unit, scope.node_kind,
               scope.is_local ? "local" : "not local: " + scope.reason);

  if (!context.work_done_token.is_null()) {
    protocol::ProgressTransport transport;
    transport.progress = [this](const json& token, json value) {
      dispatcher_.notify("$/progress", json{{"token", token}, {"value", std::move(value)}});
    };
    e.progress = std::make_unique<protocol::ProgressChannel>(
        true, context.work_done_token, std::move(transport), /*client_token=*/true);
    e.progress->begin("flint: editing", instruction, std::nullopt);
  }
  reply.token().on_cancel([this, id] {
    if (ActiveEdit* a = find_edit(id);
        a && a->core && a->core->state() == SessionState::kStreaming) {
      stop_edit_stream(*a);
      a->core->cancel();
    }
  });

  if (!scope.is_local) {
    escalate_edit(e, scope.reason);
    return;
  }
  if (!config_.fast.configured()) {
    std::string why =
        "no fast model is configured: set flint.models.fast.baseUrl and .model in your editor's "
        "settings (or FLINT_BASE_URL and FLINT_MODEL in flint's environment)";
    // The session fails, and says so once: flint's plugins show the failed session (with the
    // way to the settings), other clients get the message.
    if (!client_.flint_edit_sessions) show_message(1, "flint: " + why);
    e.core->on_model_error(why);
    return;
  }
  notify_edit(e, "streaming", "");
  start_edit_stream(e);
  prune_edits();
}

void Server::start_edit_stream(ActiveEdit& edit) {
  std::string id = edit.id;
  uint64_t generation = ++edit_stream_generation_;
  edit_stream_of_[id] = generation;
  edit.reasoning = ReasoningFilter{};
  edit.reasoning_bytes = 0;
  edit.thinking_reported = false;
  edit.answer.clear();
  auto current = [this, id, generation]() -> ActiveEdit* {
    auto it = edit_stream_of_.find(id);
    if (it == edit_stream_of_.end() || it->second != generation) return nullptr;
    return find_edit(id);
  };
  models::StreamCallbacks callbacks;
  callbacks.on_text = [this, current](std::string_view text) {
    ActiveEdit* a = current();
    if (!a || !a->core) return;
    if (a->answer.size() < kMaxKeptAnswer) a->answer.append(text);
    std::string visible = a->reasoning.feed(text);
    if (a->reasoning.reasoning_bytes() > a->reasoning_bytes) {
      a->reasoning_bytes = a->reasoning.reasoning_bytes();
      on_edit_reasoning(*a);
    }
    if (!visible.empty()) feed_edit_text(*a, visible);
  };
  callbacks.on_reasoning = [this, current](std::string_view) {
    ActiveEdit* a = current();
    if (a && a->core) on_edit_reasoning(*a);
  };
  callbacks.on_done = [this, current](const models::StreamSummary& summary) {
    ActiveEdit* a = current();
    if (!a || !a->core) return;
    std::string tail = a->reasoning.finish();
    if (!tail.empty() && !feed_edit_text(*a, tail)) return;
    if (a->escalation.state() == EscalationDetector::State::kEscalated) {
      escalate_edit(*a, a->escalation.reason());
      return;
    }
    std::string rest = a->escalation.flush();
    if (!rest.empty()) a->core->on_model_text(rest);
    AnswerEnd end;
    if (summary.finish_reason == "refusal") {
      end.refusal = summary.refusal.empty() ? "no reason given" : summary.refusal;
    }
    if (summary.tool_calls > 0) {
      end.no_code_why = "it called a tool instead";
    } else if (a->core->stats().reasoning > 0) {
      end.no_code_why = "it only reasoned";
    } else if (summary.finish_reason == "length") {
      end.no_code_why = "it stopped at its token limit";
    } else if (summary.finish_reason == "content_filter") {
      end.no_code_why = "the provider's content filter stopped it";
    }
    a->core->on_model_done(end);
  };
  callbacks.on_error = [this, current](const models::ModelError& error) {
    ActiveEdit* a = current();
    if (!a || !a->core) return;
    spdlog::warn("edit {}: model error: {}", a->id, error.message);
    // One message per failure: flint's plugins show the failed session's reason.
    if (!client_.flint_edit_sessions) show_message(1, "flint: " + error.message);
    a->core->on_model_error(error.message);
  };
  edit.stream = models_->chat(config_.fast, build_edit_request(edit.prompt), std::move(callbacks));
}

bool Server::feed_edit_text(ActiveEdit& edit, std::string_view text) {
  std::string code = edit.escalation.feed(text);
  if (edit.escalation.state() == EscalationDetector::State::kEscalated) {
    if (!edit.escalation.reason_complete()) return true;  // wait for the reason's line
    stop_edit_stream(edit, /*posted=*/true);
    escalate_edit(edit, edit.escalation.reason());
    return false;
  }
  if (!code.empty()) edit.core->on_model_text(code);
  report_edit_progress(edit);
  return true;
}

void Server::on_edit_reasoning(ActiveEdit& edit) {
  edit.core->on_model_reasoning();
  if (!edit.thinking_reported) {
    // Once per stream: the session notification says the model is thinking.
    edit.thinking_reported = true;
    notify_edit(edit, "streaming", "thinking");
  }
  report_edit_progress(edit);
}

void Server::report_edit_progress(ActiveEdit& edit) {
  if (!progress_live(edit)) return;
  auto now = std::chrono::steady_clock::now();
  if (now - edit.last_progress <= std::chrono::milliseconds(100)) return;
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
  edit.progress->report(message, percentage);
}

void Server::escalate_edit(ActiveEdit& edit, const std::string& reason) {
  if (edit.finished) return;
  std::string why = reason.empty() ? "the change reaches beyond the local scope" : reason;
  stop_edit_stream(edit, /*posted=*/true);  // ignore anything more from the stream
  edit.escalating = true;
  edit.core->cancel();
  std::optional<std::string> job = start_escalated_job(edit, why);
  if (job) {
    edit.job_id = *job;
  } else {
    show_message(3, "flint: this edit is not local (" + why +
                        "); agent jobs are not available, so nothing was changed");
  }
  notify_edit(edit, "escalated", why);
  reply_edit(edit, "escalated", why);
}

void Server::send_session_edit(ActiveEdit& edit, const LineEdit& line_edit) {
  Document* doc = documents_->find(edit.uri);
  if (!doc) return;
  protocol::TextDocumentEdit changes{edit.uri, line_edit.version, {}};
  for (const auto& r : line_edit.replacements)
    changes.edits.push_back({doc->range_of(r.start_byte, r.end_byte), r.text, std::nullopt});
  protocol::ApplyWorkspaceEditParams params;
  params.edit.versioned = client_.document_changes;
  params.edit.documents.push_back(std::move(changes));
  std::string id = edit.id;
  // An editor that never answers would hold the session (one edit in flight) forever: after
  // edit.applyTimeoutMs the session ends as failed, with the reason, and a late answer is
  // ignored. The user's text is safe either way: flint sends nothing more.
  struct Watchdog {
    Watchdog(asio::io_context& io, std::chrono::milliseconds timeout) : timer(io, timeout) {}
    asio::steady_timer timer;
    bool fired = false;
  };
  auto timeout = std::chrono::milliseconds(config_.edit.apply_timeout_ms);
  auto watchdog = std::make_shared<Watchdog>(io_, timeout);
  dispatcher_.call(
      "workspace/applyEdit", params, [this, id, watchdog](protocol::Expected<json> result) {
        if (watchdog->fired) return;
        watchdog->timer.cancel();
        ActiveEdit* a = find_edit(id);
        if (!a || !a->core) return;
        bool applied = result.ok() && protocol::read_apply_result(result.value()).applied;
        if (!applied) {
          spdlog::debug("edit {}: client refused an edit: {}", id,
                        result.ok() ? result.value().dump() : result.error().message);
        }
        a->core->on_apply_result(applied);
      });
  watchdog->timer.async_wait([this, id, watchdog, timeout](const std::error_code& ec) {
    if (ec) return;
    watchdog->fired = true;
    ActiveEdit* a = find_edit(id);
    if (!a || !a->core) return;
    std::string why = "the editor did not answer workspace/applyEdit within " +
                      std::to_string(timeout.count()) + " ms (edit.applyTimeoutMs)";
    spdlog::warn("edit {}: {}", id, why);
    show_message(1, "flint: " + why + "; the edit was stopped");
    stop_edit_stream(*a);
    a->core->abandon(why);  // a pending flint.reject is answered by on_edit_state
  });
}

ActiveEdit* Server::streaming_edit_over(const std::string& uri, uint32_t first_line,
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

bool Server::supersede(ActiveEdit& older, const InlineEditArgs& args, const CommandContext& context,
                       const Reply<json>& reply) {
  SessionRegion region = older.core->region();
  uint32_t partial_lines = region.line_count;
  auto original_lines = static_cast<uint32_t>(
      std::count(older.core->original_text().begin(), older.core->original_text().end(), '\n'));
  stop_edit_stream(older);
  older.core->cancel("replaced by a newer edit over the same lines");
  if (older.core->reject()) return false;  // cannot roll back: the newer starts over it now
  // Nothing of it was in the buffer (the model had not answered yet): the original is there
  // already, and the newer edit starts at once.
  if (older.core->state() == SessionState::kRejected) return false;
  // The request's lines as they will be once the older region holds its original again: lines
  // inside it become its bounds.
  InlineEditArgs mapped = args;
  auto map = [&](protocol::Position& p, bool is_end) {
    uint32_t first = region.first_line;
    if (p.line < first) return;
    if (p.line >= first + partial_lines) {
      p.line = p.line - partial_lines + original_lines;
      return;
    }
    if (is_end) {
      p.line = first + std::max<uint32_t>(original_lines, 1) - 1;
      p.character = 1u << 30;  // past the end of the line: its end (LSP)
    } else {
      p.line = first;
      p.character = 0;
    }
  };
  map(mapped.range.start, false);
  map(mapped.range.end, true);
  spdlog::info("edit {}: rolled back for a newer edit over lines {}-{}", older.id,
               region.first_line + 1, region.first_line + region.line_count);
  older.after_rollback = [this, mapped, args, context, reply](bool restored) {
    start_inline_edit(restored ? mapped : args, context, reply);
  };
  return true;
}

void Server::on_edit_state(ActiveEdit& edit, SessionState state, const std::string& reason) {
  std::string name(to_string(state));
  if (edit.escalating && state == SessionState::kCancelled) return;  // reported as escalated
  // A flint.reject whose restoring edit could not land is answered either way.
  if (edit.reject_reply && (state == SessionState::kFailed || state == SessionState::kCancelled)) {
    auto r = std::move(*edit.reject_reply);
    edit.reject_reply.reset();
    r.error(ErrorCode::kRequestFailed,
            "the original text could not be restored: " +
                (reason.empty() ? std::string(to_string(state)) : reason));
  }
  if (edit.after_rollback && (state == SessionState::kRejected || state == SessionState::kFailed)) {
    // Posted: the newer edit starts from the document as the rollback left it, outside this
    // session's callbacks.
    asio::post(io_, [start = std::move(edit.after_rollback),
                     restored = state == SessionState::kRejected] { start(restored); });
    edit.after_rollback = nullptr;
  }
  if (is_terminal_stream_state(state)) {
    stop_edit_stream(edit, /*posted=*/true);
    if (state == SessionState::kDone) validate_edit(edit);
    if (state == SessionState::kFailed && !edit.answer.empty()) {
      spdlog::info("edit {}: failed: {}; the model's answer was: {}", edit.id, reason,
                   utf8_prefix(edit.answer, kMaxShownAnswer));
    }
    notify_edit(edit, name, reason);
    reply_edit(edit, name, reason);
    return;
  }
  notify_edit(edit, name, reason);
  if (state == SessionState::kRejected) {
    clear_edit_diagnostics(edit);
    if (edit.reject_reply) {
      auto r = std::move(*edit.reject_reply);
      edit.reject_reply.reset();
      r(json{{"sessionId", edit.id}, {"state", "rejected"}});
    }
  }
}

void Server::validate_edit(ActiveEdit& edit) {
  const parsers::SyntaxTree* tree = trees_->find(edit.uri);
  if (!tree || !edit.tree_before || tree->stale()) return;
  Document* doc = documents_->find(edit.uri);
  if (!doc) return;
  SessionRegion region = edit.core->region();
  parsers::Validation v = parsers::validate(*edit.tree_before, edit.range_before, tree->tree(),
                                            parsers::ByteRange{region.start_byte, region.end_byte});
  if (!v.introduced_errors() && !edit.diagnostics_published) return;
  json diagnostics = json::array();
  for (const auto& e : v.new_errors) {
    diagnostics.push_back(
        json{{"range", doc->range_of(e.start_byte, e.end_byte)},
             {"severity", 1},
             {"source", "flint"},
             {"message", e.message + " (introduced by flint edit " + edit.id + ")"}});
  }
  edit.diagnostics_published = !diagnostics.empty();
  dispatcher_.notify(
      "textDocument/publishDiagnostics",
      json{{"uri", edit.uri}, {"version", doc->version}, {"diagnostics", diagnostics}});
}

void Server::clear_edit_diagnostics(ActiveEdit& edit) {
  if (!edit.diagnostics_published) return;
  edit.diagnostics_published = false;
  dispatcher_.notify("textDocument/publishDiagnostics",
                     json{{"uri", edit.uri}, {"diagnostics", json::array()}});
}

void Server::on_sessions_document_changed(Document& document,
                                          const std::vector<parsers::TextChange>& changes) {
  for (auto& [id, edit] : edits_) {
    if (edit->uri != document.uri || !edit->core) continue;
    SessionState state = edit->core->state();
    if (state == SessionState::kAccepted || state == SessionState::kRejected) {
      // Diagnostics of an accepted edit follow the text until the errors are fixed.
      if (edit->diagnostics_published) validate_edit(*edit);
      continue;
    }
    edit->core->on_document_changed(document.text, document.version, changes);
    if (edit->diagnostics_published && edit->core->state() != SessionState::kStreaming) {
      validate_edit(*edit);
    }
  }
}

void Server::on_sessions_document_closing(const std::string& uri) {
  for (auto& [id, edit] : edits_) {
    if (edit->uri != uri || !edit->core) continue;
    stop_edit_stream(*edit);
    if (edit->core->state() == SessionState::kStreaming) edit->core->cancel();
  }
  // Sessions of a closed document cannot be accepted or rejected any more.
  for (auto it = edits_.begin(); it != edits_.end();) {
    if (it->second->uri == uri && it->second->finished) {
      auto dead = std::move(it->second);
      it = edits_.erase(it);
      asio::post(io_, [dead = std::shared_ptr<ActiveEdit>(std::move(dead))] {});
    } else {
      ++it;
    }
  }
}

}  // namespace flint
