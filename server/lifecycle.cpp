// initialize / initialized / shutdown / exit / $/setTrace.
#include <spdlog/spdlog.h>

#include "protocol/lsp_types.h"
#include "server/parent_watch.h"
#include "server/server.h"

namespace flint {

using nlohmann::json;
using protocol::InitializeParams;
using protocol::InitializeResult;
using protocol::NoParams;
using protocol::Reply;

namespace {

// The workspace folders' URIs; without any, the root URI.
std::vector<std::string> read_workspace_roots(const InitializeParams& params) {
  std::vector<std::string> roots;
  if (params.workspaceFolders) {
    // A folder without a string uri reads as "" (lenient): it names no root.
    for (const auto& folder : *params.workspaceFolders) {
      if (!folder.uri.empty()) roots.push_back(folder.uri);
    }
  }
  if (roots.empty() && params.rootUri) roots.push_back(*params.rootUri);
  return roots;
}

}  // namespace

// Advertises only what is implemented.
json Server::capabilities() const {
  json caps{
      {"positionEncoding", protocol::to_string(encoding_)},
      {"textDocumentSync",
       {{"openClose", true}, {"change", 2 /* incremental */}, {"save", {{"includeText", false}}}}},
  };
  if (!commands_.empty()) caps["executeCommandProvider"] = {{"commands", command_names()}};
  if (has_code_actions_) {
    caps["codeActionProvider"] = {{"codeActionKinds", {"refactor.rewrite", "quickfix"}},
                                  {"resolveProvider", false}};
  }
  if (has_inline_completion_) caps["inlineCompletionProvider"] = json::object();
  return caps;
}

void Server::bind_lifecycle() {
  dispatcher_.request<InitializeParams, InitializeResult>(
      "initialize", [this](const InitializeParams& params, const Reply<InitializeResult>& reply) {
        client_ = read_client_capabilities(params);
        encoding_ = negotiate_position_encoding(client_);
        workspace_roots_ = read_workspace_roots(params);
        if (params.initializationOptions.is_object()) init_options_ = params.initializationOptions;
        lifecycle_ = Lifecycle::kInitialized;
        // An editor that dies without shutdown must not leave flint (and its jobs) behind.
        if (params.processId) {
          parent_watch_ = std::make_unique<ParentWatch>(io_, *params.processId, [this] {
            finish(lifecycle_ == Lifecycle::kShuttingDown ? 0 : 1);
          });
        }
        reload_config();
        spdlog::info("initialize from {} {}: position encoding {}",
                     client_.client_name.empty() ? "an unnamed client" : client_.client_name,
                     client_.client_version, protocol::to_string(encoding_));
        reply(InitializeResult{capabilities(), protocol::ServerInfo{"flint", FLINT_VERSION}});
      });

  dispatcher_.notification<NoParams>("initialized", [this](const NoParams&) {
    initialized_notification_seen_ = true;
    if (!last_config_errors_.empty()) {
      std::string text = "flint: invalid settings:";
      for (const auto& e : last_config_errors_) text += "\n- " + e;
      show_message(2, text);
    }
    fetch_workspace_configuration();
  });

  dispatcher_.request<NoParams, json>("shutdown",
                                      [this](const NoParams&, const Reply<json>& reply) {
                                        lifecycle_ = Lifecycle::kShuttingDown;
                                        spdlog::info("shutdown requested");
                                        reply(nullptr);
                                      });

  dispatcher_.notification<NoParams>(
      "exit", [this](const NoParams&) { finish(lifecycle_ == Lifecycle::kShuttingDown ? 0 : 1); });

  dispatcher_.notification<protocol::SetTraceParams>(
      "$/setTrace", [](const protocol::SetTraceParams& params) {
        spdlog::debug("client set trace to {}", params.value);
      });
}

}  // namespace flint
