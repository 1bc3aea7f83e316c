// flint.inlineEdit, flint.steer, flint.accept, flint.reject, flint.cancel: the LSP side of
// streaming inline edits. EditEngine (server/edits/edit_engine.h) runs them; this file checks
// the requests, turns LSP positions into the engine's requests and its answers into replies
// and $/progress. The engine's hooks (applyEdit, flint/editSession, ...): inline_edit_engine.cpp.
#include "protocol/lsp_types.h"
#include "protocol/progress_channel.h"
#include "server/command_types.h"
#include "server/documents.h"
#include "server/edits/edit_engine.h"
#include "server/server.h"

namespace flint {

using nlohmann::json;
using protocol::ErrorCode;
using protocol::Reply;

namespace {

json millis(const std::optional<SessionStats::Duration>& d) {
  if (!d) return nullptr;
  return std::chrono::duration<double, std::milli>(*d).count();
}

void reply_error(const Reply<json>& reply, const EditError& error) {
  reply.error(error.kind == EditError::Kind::kInvalid ? ErrorCode::kInvalidParams
                                                      : ErrorCode::kRequestFailed,
              error.message);
}

bool live(const std::shared_ptr<protocol::ProgressChannel>& progress) {
  return progress && progress->state() == protocol::ProgressChannel::State::kLive;
}

}  // namespace

EditTarget Server::edit_target(const SessionTarget& target) const {
  EditTarget t;
  t.id = target.sessionId;
  if (target.textDocument) {
    t.uri = target.textDocument->uri;
    const Document* doc = documents_->find(*t.uri);
    if (doc && target.position) t.cursor = doc->offset_of(*target.position);
  }
  return t;
}

void Server::bind_inline_edits() {
  make_edit_engine();

  add_typed_command<InlineEditArgs>(
      "flint.inlineEdit",
      [this](const InlineEditArgs& args, const CommandContext& context, const Reply<json>& reply) {
        start_inline_edit(args, context, reply);
      });

  add_typed_command<SteerArgs>("flint.steer", [this](const SteerArgs& args, const CommandContext&,
                                                     const Reply<json>& reply) {
    EditCommandResult r = edits_->steer(edit_target(args), args.instruction);
    if (r.error) return reply_error(reply, *r.error);
    reply(json{{"sessionId", r.id}});
  });

  auto answer = [](const Reply<json>& reply, const EditCommandResult& r) {
    if (r.error) return reply_error(reply, *r.error);
    reply(json{{"sessionId", r.id}, {"state", r.state}});
  };
  add_typed_command<SessionArgs>(
      "flint.accept",
      [this, answer](const SessionArgs& args, const CommandContext&, const Reply<json>& reply) {
        answer(reply, edits_->accept(edit_target(args)));
      });
  add_typed_command<SessionArgs>(
      "flint.reject",
      [this, answer](const SessionArgs& args, const CommandContext&, const Reply<json>& reply) {
        edits_->reject(edit_target(args),
                       [answer, reply](const EditCommandResult& r) { answer(reply, r); });
      });
  add_typed_command<SessionArgs>(
      "flint.cancel",
      [this, answer](const SessionArgs& args, const CommandContext&, const Reply<json>& reply) {
        answer(reply, edits_->cancel(edit_target(args)));
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
  if (args.instruction.find_first_not_of(" \t\r\n") == std::string::npos) {
    reply.error(ErrorCode::kInvalidParams,
                "invalid arguments for flint.inlineEdit: /instruction: empty");
    return;
  }
  if (!client_.apply_edit) {
    reply.error(ErrorCode::kRequestFailed,
                "this client does not support workspace/applyEdit, which inline edits need");
    return;
  }

  EditRequest request;
  request.uri = doc->uri;
  auto point = [&](uint32_t byte, uint32_t line) {
    return parsers::TextPoint{line, byte - doc->text.line_start(line)};
  };
  request.start = point(*begin, args.range.start.line);
  request.end = point(*end, args.range.end.line);
  request.instruction = args.instruction;

  // $/progress with the request's workDoneToken (none when the client gave none).
  std::shared_ptr<protocol::ProgressChannel> progress;
  if (!context.work_done_token.is_null()) {
    protocol::ProgressTransport transport;
    transport.progress = [notify = dispatcher_.outgoing_notification<protocol::ProgressParams>(
                              "$/progress")](const json& token, json value) {
      notify({token, std::move(value)});
    };
    progress = std::make_shared<protocol::ProgressChannel>(
        true, context.work_done_token, std::move(transport), /*client_token=*/true);
  }
  EditSink sink;
  sink.started = [this, reply, progress, instruction = args.instruction](const std::string& id) {
    if (progress) progress->begin("flint: editing", instruction, std::nullopt);
    reply.token().on_cancel([this, id] { edits_->cancel_request(id); });
  };
  if (progress) {
    sink.progress = [progress](const std::string& message, std::optional<int> percentage) {
      if (live(progress)) progress->report(message, percentage);
    };
  }
  sink.answer = [this, reply, progress](const EditAnswer& answer) {
    if (answer.error) return reply_error(reply, *answer.error);
    const EditReport& r = answer.report;
    if (live(progress)) {
      // A client without flint's plugin learns why from here.
      bool failed = r.state == "failed";
      progress->end(failed && !r.reason.empty() ? r.state + ": " + r.reason : r.state, failed);
    }
    EditSessionStatus result = edit_status(r);
    result.uri.reset();
    if (const auto& s = answer.stats) {
      result.stats = json{{"tokens", s->tokens},
                          {"reasoningTokens", s->reasoning},
                          {"firstCodeMs", millis(s->first_code)},
                          {"edits", s->edits_sent},
                          {"editsApplied", s->edits_applied},
                          {"firstTokenMs", millis(s->first_token)},
                          {"firstEditMs", millis(s->first_edit)},
                          {"durationMs", millis(s->duration)}};
    }
    reply(json(result));
  };
  edits_->configure(edit_engine_options());
  edits_->start(request, std::move(sink));
}

}  // namespace flint
