// initialize / initialized / shutdown / exit / $/setTrace.
#include <spdlog/spdlog.h>

#include "server/server.h"

namespace flint {

using nlohmann::json;
using protocol::Reply;

namespace {

std::vector<std::string> read_workspace_roots(const json& params) {
  std::vector<std::string> roots;
  if (auto folders = params.find("workspaceFolders");
      folders != params.end() && folders->is_array()) {
    for (const json& f : *folders) {
      if (f.is_object() && f.contains("uri") && f["uri"].is_string()) roots.push_back(f["uri"]);
    }
  }
  if (roots.empty()) {
    if (auto uri = params.find("rootUri"); uri != params.end() && uri->is_string()) {
      roots.push_back(*uri);
    }
  }
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
  dispatcher_.raw_request("initialize", [this](const json& params, const Reply<json>& reply) {
    if (!params.is_object()) {
      reply.error(protocol::ErrorCode::kInvalidParams,
                  "invalid params: initialize needs an object");
      return;
    }
    client_ = read_client_capabilities(params);
    encoding_ = negotiate_position_encoding(client_);
    workspace_roots_ = read_workspace_roots(params);
    if (auto it = params.find("initializationOptions"); it != params.end() && it->is_object()) {
      init_options_ = *it;
    }
    lifecycle_ = Lifecycle::kInitialized;
    reload_config();
    spdlog::info("initialize from {} {}: position encoding {}",
                 client_.client_name.empty() ? "an unnamed client" : client_.client_name,
                 client_.client_version, protocol::to_string(encoding_));
    reply(json{{"capabilities", capabilities()},
               {"serverInfo", {{"name", "flint"}, {"version", FLINT_VERSION}}}});
  });

  dispatcher_.raw_notification("initialized", [this](const json&) {
    initialized_notification_seen_ = true;
    if (!last_config_errors_.empty()) {
      std::string text = "flint: invalid settings:";
      for (const auto& e : last_config_errors_) text += "\n- " + e;
      show_message(2, text);
    }
    fetch_workspace_configuration();
  });

  dispatcher_.raw_request("shutdown", [this](const json&, const Reply<json>& reply) {
    lifecycle_ = Lifecycle::kShuttingDown;
    spdlog::info("shutdown requested");
    reply(nullptr);
  });

  dispatcher_.raw_notification(
      "exit", [this](const json&) { finish(lifecycle_ == Lifecycle::kShuttingDown ? 0 : 1); });

  dispatcher_.raw_notification("$/setTrace", [](const json& params) {
    spdlog::debug("client set trace to {}", params.value("value", std::string("off")));
  });
}

}  // namespace flint
