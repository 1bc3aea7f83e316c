// How EditEngine reaches the outside: its hooks as the server implements them (the model
// client, workspace/applyEdit, flint/editSession, diagnostics, agent jobs, timers on the event
// loop), and the settings it runs with. The commands that drive it: inline_edit_handlers.cpp.
#include <asio/post.hpp>

#include "protocol/lsp_types.h"
#include "server/command_types.h"
#include "server/documents.h"
#include "server/edits/edit_engine.h"
#include "server/models/model_client.h"
#include "server/server.h"
#include "server/syntax_trees.h"

namespace flint {

using nlohmann::json;

EditSessionStatus Server::edit_status(const EditReport& report) const {
  EditSessionStatus status;
  status.sessionId = report.id;
  status.uri = report.uri;
  status.state = report.state;
  if (const Document* doc = documents_->find(report.uri); doc && report.region) {
    status.region = doc->range_of(report.region->start_byte, report.region->end_byte);
  }
  if (!report.reason.empty()) status.reason = report.reason;
  if (!report.job_id.empty()) status.jobId = report.job_id;
  if (!report.answer.empty()) status.answer = report.answer;
  return status;
}

EditEngineOptions Server::edit_engine_options() const {
  EditEngineOptions o;
  o.max_region_lines = static_cast<uint32_t>(std::max(1, config_.edit.max_region_lines));
  o.frame = std::chrono::milliseconds(std::max(0, config_.edit.frame_ms));
  o.apply_timeout = std::chrono::milliseconds(config_.edit.apply_timeout_ms);
  o.predicted_outputs = config_.edit.predicted_outputs;
  if (!config_.fast.configured()) {
    o.model_missing =
        "no fast model is configured: set flint.models.fast.baseUrl and .model in your editor's "
        "settings (or FLINT_BASE_URL and FLINT_MODEL in flint's environment)";
  }
  return o;
}

void Server::make_edit_engine() {
  EditEngine::Hooks hooks;
  hooks.now = [] { return std::chrono::steady_clock::now(); };
  hooks.start_timer = [this](std::chrono::milliseconds delay, std::function<void()> fire) {
    return start_timer(delay, std::move(fire));
  };
  hooks.post = [this](std::function<void()> fn) { asio::post(io_, std::move(fn)); };
  hooks.document = [this](const std::string& uri) -> std::optional<EditDocument> {
    const Document* doc = documents_->find(uri);
    if (!doc) return std::nullopt;
    return EditDocument{&doc->text, doc->version, doc->language_id};
  };
  hooks.tree = [this](const std::string& uri, parsers::ByteRange around) -> const parsers::Tree* {
    const Document* doc = documents_->find(uri);
    return doc ? trees_->tree_for(*doc, around) : nullptr;
  };
  hooks.start_stream = [this](const models::ChatRequest& request,
                              models::StreamCallbacks callbacks) -> EditEngine::Cancel {
    std::shared_ptr<models::Stream> stream =
        models_->chat(config_.fast, request, std::move(callbacks));
    return [stream] { stream->cancel(); };
  };
  hooks.send_edit = [this, apply = dispatcher_.outgoing_method<protocol::ApplyWorkspaceEditParams>(
                               "workspace/applyEdit")](
                        const std::string& uri, LineEdit line_edit,
                        std::function<void(bool, const std::string&)> done) {
    const Document* doc = documents_->find(uri);
    if (!doc) return;  // closed: the session is cancelled with it
    protocol::TextDocumentEdit changes{uri, line_edit.version, {}};
    for (auto& r : line_edit.replacements) {
      changes.edits.push_back(
          {doc->range_of(r.start_byte, r.end_byte), std::move(r.text), std::nullopt});
    }
    protocol::ApplyWorkspaceEditParams params;
    params.edit.versioned = client_.document_changes;
    params.edit.documents.push_back(std::move(changes));
    apply(std::move(params), [done = std::move(done)](protocol::Expected<json> result) {
      bool applied = result.ok() && protocol::read_apply_result(result.value()).applied;
      done(applied, result.ok() ? result.value().dump() : result.error().message);
    });
  };
  hooks.report =
      [this, notify = dispatcher_.outgoing_notification<EditSessionStatus>("flint/editSession")](
          const EditReport& report) { notify(edit_status(report)); };
  hooks.publish_diagnostics =
      [this, publish = dispatcher_.outgoing_notification<protocol::PublishDiagnosticsParams>(
                 "textDocument/publishDiagnostics")](const std::string& uri,
                                                     std::optional<int64_t> version,
                                                     const std::vector<EditDiagnostic>& found) {
        protocol::PublishDiagnosticsParams params{uri, version, {}};
        if (const Document* doc = documents_->find(uri)) {
          for (const auto& d : found) {
            params.diagnostics.push_back(
                {doc->range_of(d.start_byte, d.end_byte), 1, "flint", d.message});
          }
        }
        publish(std::move(params));
      };
  hooks.escalate = [this](const EditEscalation& escalation) {
    return start_escalated_job(escalation);
  };
  hooks.model_failed = [this](const std::string& message) {
    // One message per failure: flint's plugins show the failed session's reason.
    if (!client_.flint_edit_sessions) show_message(1, "flint: " + message);
  };
  hooks.tell = [this](bool error, const std::string& message) {
    show_message(error ? 1 : 3, message);
  };
  edits_ = std::make_unique<EditEngine>(std::move(hooks), edit_engine_options());
}

}  // namespace flint
