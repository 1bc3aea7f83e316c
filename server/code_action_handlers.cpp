// textDocument/codeAction: flint's presets for a range (server/completion/code_action_presets.h),
// each a flint.inlineEdit command with its instruction, "Fix" a quickfix when the client sent
// diagnostics on the range's lines.
#include <spdlog/spdlog.h>

#include "server/completion/code_action_presets.h"
#include "server/documents.h"
#include "server/server.h"

namespace flint {

using nlohmann::json;
using protocol::ErrorCode;
using protocol::Reply;

namespace {

struct ClientDiagnostic {
  protocol::Range range;
  std::string message;
  std::string source;
  json raw;  // as the client sent it: a quickfix hands it back
};

struct CodeActionParams {
  protocol::TextDocumentIdentifier textDocument;
  protocol::Range range;
  std::vector<ClientDiagnostic> diagnostics;
  std::vector<std::string> only;
};

// `context` is required by the specification but tolerated when absent; what is there must
// be well formed (the binder answers -32602 naming the field).
void from_json(const json& j, CodeActionParams& p) {
  j.at("textDocument").get_to(p.textDocument);
  j.at("range").get_to(p.range);
  auto context = j.find("context");
  if (context == j.end() || context->is_null()) return;
  if (auto diagnostics = context->find("diagnostics");
      diagnostics != context->end() && !diagnostics->is_null()) {
    for (const json& diagnostic : diagnostics->get<std::vector<json>>()) {
      ClientDiagnostic d;
      diagnostic.at("range").get_to(d.range);
      diagnostic.at("message").get_to(d.message);
      if (auto source = diagnostic.find("source");
          source != diagnostic.end() && source->is_string()) {
        d.source = source->get<std::string>();
      }
      d.raw = diagnostic;
      p.diagnostics.push_back(std::move(d));
    }
  }
  if (auto only = context->find("only"); only != context->end() && !only->is_null()) {
    only->get_to(p.only);
  }
}

// By lines: Neovim sends the diagnostics of the cursor's line with a cursor that may sit
// outside their columns, and the model fixes whole lines anyway.
bool on_same_lines(const protocol::Range& diagnostic, const protocol::Range& range) {
  return diagnostic.start.line <= range.end.line && range.start.line <= diagnostic.end.line;
}

}  // namespace

void Server::bind_code_actions() {
  has_code_actions_ = true;
  dispatcher_.request<CodeActionParams, json>(
      "textDocument/codeAction", [this](const CodeActionParams& p, const Reply<json>& reply) {
        Document* doc = documents_->find(p.textDocument.uri);
        if (!doc) {
          reply(json::array());
          return;
        }
        auto begin = doc->offset_of(p.range.start, PositionCheck::kStrict);
        auto end = doc->offset_of(p.range.end, PositionCheck::kStrict);
        if (!begin || !end || *end < *begin) {
          reply.error(ErrorCode::kInvalidParams,
                      "impossible range " + json(p.range).dump() + " in " + doc->uri + " (" +
                          std::to_string(doc->text.line_count()) + " lines, version " +
                          std::to_string(doc->version) + ")");
          return;
        }
        // Every preset streams an inline edit, which needs workspace/applyEdit.
        if (!client_.apply_edit) {
          reply(json::array());
          return;
        }
        if (auto why = private_document(doc->uri)) {
          tell_private_once(doc->uri, *why);
          reply(json::array());
          return;
        }

        CodeActionRequest request;
        request.language = doc->language_id;
        request.client_can_prompt = client_.flint_edit_sessions;
        json fixed = json::array();
        for (const ClientDiagnostic& d : p.diagnostics) {
          if (!on_same_lines(d.range, p.range)) continue;
          request.diagnostics.push_back(
              {d.message, d.source, static_cast<int>(d.range.start.line) + 1});
          fixed.push_back(d.raw);
        }

        json actions = json::array();
        json document = {{"uri", doc->uri}};
        for (const CodeActionPreset& preset : code_action_presets(request)) {
          if (!code_action_kind_matches(preset.kind, p.only)) continue;
          json argument = {{"textDocument", document}, {"range", p.range}};
          if (preset.command == kInlineEditCommand) argument["instruction"] = preset.instruction;
          json action = {{"title", preset.title},
                         {"kind", preset.kind},
                         {"command",
                          {{"title", preset.title},
                           {"command", preset.command},
                           {"arguments", json::array({std::move(argument)})}}}};
          if (preset.fixes_diagnostics) action["diagnostics"] = fixed;
          actions.push_back(std::move(action));
        }
        spdlog::debug("codeAction {} {}: {} actions ({} diagnostics in range)", doc->uri,
                      json(p.range).dump(), actions.size(), request.diagnostics.size());
        reply(std::move(actions));
      });
}

}  // namespace flint
