// textDocument/inlineCompletion (LSP 3.18): the LSP side of ghost text. CompletionEngine
// (server/completion/engine.h) decides when to call the model and what to answer; this file cuts
// the query out of the document, runs the engine's streams on the model client and its timers on
// the io_context, and turns the outcome into the response.
#include <spdlog/spdlog.h>

#include <asio/steady_timer.hpp>

#include "server/completion/engine.h"
#include "server/completion/query.h"
#include "server/documents.h"
#include "server/models/model_client.h"
#include "server/models/provider.h"
#include "server/server.h"
#include "server/syntax_trees.h"

namespace flint {

using nlohmann::json;
using protocol::ErrorCode;
using protocol::Reply;

namespace {

// The editor's own settings (VS Code's settings.json, keybindings, tasks; a workspace file):
// ghost text there completes configuration with code and is never wanted.
bool is_editor_settings_file(std::string_view uri) {
  if (uri.rfind("vscode-userdata:", 0) == 0 || uri.rfind("vscode-settings:", 0) == 0) return true;
  if (uri.size() >= 15 && uri.substr(uri.size() - 15) == ".code-workspace") return true;
  for (std::string_view name :
       {"settings.json", "keybindings.json", "tasks.json", "launch.json", "extensions.json"}) {
    for (std::string_view folder : {"/.vscode/", "/User/"}) {
      std::string tail = std::string(folder) + std::string(name);
      if (uri.size() >= tail.size() && uri.substr(uri.size() - tail.size()) == tail) return true;
    }
  }
  return false;
}

constexpr int kTriggerInvoked = 1;

struct SelectedCompletionInfo {
  protocol::Range range;
  std::string text;
};

struct InlineCompletionParams {
  protocol::TextDocumentIdentifier textDocument;
  protocol::Position position;
  int trigger_kind = 2;  // automatic
  std::optional<SelectedCompletionInfo> selected;
};

void from_json(const json& j, InlineCompletionParams& p) {
  j.at("textDocument").get_to(p.textDocument);
  j.at("position").get_to(p.position);
  auto context = j.find("context");
  if (context == j.end() || context->is_null()) return;
  if (auto kind = context->find("triggerKind"); kind != context->end() && !kind->is_null()) {
    kind->get_to(p.trigger_kind);
  }
  if (auto selected = context->find("selectedCompletionInfo");
      selected != context->end() && !selected->is_null()) {
    SelectedCompletionInfo info;
    selected->at("range").get_to(info.range);
    selected->at("text").get_to(info.text);
    p.selected = std::move(info);
  }
}

// The path the model sees: relative to the workspace root holding the document.
std::string display_path(const std::string& uri, const std::vector<std::string>& roots) {
  for (const std::string& root : roots) {
    std::string prefix = root.ends_with('/') ? root : root + "/";
    if (uri.starts_with(prefix)) return uri.substr(prefix.size());
  }
  constexpr std::string_view kFileScheme = "file://";
  return uri.starts_with(kFileScheme) ? uri.substr(kFileScheme.size()) : uri;
}

// Everything that changes what the model would answer, besides the prompt.
std::string model_key(const ModelRoleConfig& fast, const CompletionConfig& completion) {
  return fast.provider + "\n" + fast.base_url + "\n" + fast.model + "\n" +
         std::to_string(fast.temperature) + "\n" + std::to_string(completion.max_tokens);
}

json completion_items(const std::string& text, const protocol::Range& range) {
  json items = json::array();
  if (!text.empty()) items.push_back(json{{"insertText", text}, {"range", range}});
  return json{{"items", std::move(items)}};
}

}  // namespace

void Server::bind_inline_completion() {
  has_inline_completion_ = true;

  CompletionEngine::Hooks hooks;
  hooks.start_stream = [this](const CompletionPrompt& prompt,
                              CompletionEngine::StreamSink sink) -> CompletionEngine::Cancel {
    models::StreamCallbacks callbacks;
    callbacks.on_text = std::move(sink.on_text);
    callbacks.on_done = [done = std::move(sink.on_done)](const models::StreamSummary&) { done(); };
    callbacks.on_error = [failed = std::move(sink.on_error)](const models::ModelError& error) {
      failed(error.message);
    };
    std::shared_ptr<models::Stream> stream =
        std::holds_alternative<models::FimRequest>(prompt)
            ? models_->fim(config_.fast, std::get<models::FimRequest>(prompt), std::move(callbacks))
            : models_->chat(config_.fast, std::get<models::ChatRequest>(prompt),
                            std::move(callbacks));
    return [stream] { stream->cancel(); };
  };
  hooks.start_timer = [this](std::chrono::milliseconds delay, std::function<void()> fire) {
    return start_timer(delay, std::move(fire));
  };
  hooks.report_error = [this](const std::string& message) {
    spdlog::warn("inline completion: {}", message);
    show_message(2, "flint: inline completion failed: " + message);
  };
  completion_ = std::make_unique<CompletionEngine>(std::move(hooks));

  dispatcher_.request<InlineCompletionParams, json>(
      "textDocument/inlineCompletion",
      [this](const InlineCompletionParams& p, const Reply<json>& reply) {
        protocol::Range range{p.position, p.position};
        Document* doc = documents_->find(p.textDocument.uri);
        if (!doc) {
          reply(completion_items({}, range));
          return;
        }
        auto cursor = doc->offset_of(p.position, PositionCheck::kStrict);
        if (!cursor) {
          reply.error(ErrorCode::kInvalidParams,
                      "impossible position " + json(p.position).dump() + " in " + doc->uri + " (" +
                          std::to_string(doc->text.line_count()) + " lines, version " +
                          std::to_string(doc->version) + ")");
          return;
        }
        const models::Provider* provider = models::find_provider(config_.fast.provider);
        if (!config_.completion.enabled || !config_.fast.configured() || !provider ||
            is_editor_settings_file(doc->uri)) {
          reply(completion_items({}, range));
          return;
        }
        if (auto why = private_document(doc->uri)) {
          tell_private_once(doc->uri, *why);
          reply(completion_items({}, range));
          return;
        }

        CompletionQueryInput input;
        input.text = &doc->text;
        input.tree = trees_->tree_for(*doc, parsers::ByteRange{*cursor, *cursor});
        input.cursor = *cursor;
        input.uri = doc->uri;
        input.language = doc->language_id;
        input.path = display_path(doc->uri, workspace_roots_);
        std::string selected_text;
        if (p.selected) {
          // The menu's item replaces its range; the ghost text extends it (LSP 3.18).
          uint32_t begin = *doc->offset_of(p.selected->range.start);
          uint32_t end = *doc->offset_of(p.selected->range.end);
          if (begin <= end && end <= *cursor) {
            input.selected = SelectedCompletion{begin, end, p.selected->text};
            selected_text = p.selected->text;
            range = p.selected->range;
          }
        }

        CompletionOptions options;
        options.use_fim = provider->supports_fim();
        options.max_tokens = config_.completion.max_tokens;
        options.debounce = p.trigger_kind == kTriggerInvoked
                               ? std::chrono::milliseconds(0)
                               : std::chrono::milliseconds(config_.completion.debounce_ms);
        options.model_key = model_key(config_.fast, config_.completion);

        auto started = std::chrono::steady_clock::now();
        std::string uri = doc->uri;
        uint64_t ticket = completion_->request(
            build_completion_query(input), options,
            [reply, range, selected_text, uri, started](const CompletionOutcome& outcome) {
              auto elapsed = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - started);
              spdlog::debug("inline completion {}: {} bytes ({}) in {:.1f} ms", uri,
                            outcome.text.size(), to_string(outcome.source), elapsed.count());
              reply(completion_items(outcome.text.empty() ? "" : selected_text + outcome.text,
                                     range));
            });
        reply.token().on_cancel([this, ticket] {
          if (completion_) completion_->cancel(ticket);
        });
      });
}

}  // namespace flint
