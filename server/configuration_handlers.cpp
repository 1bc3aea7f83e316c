// Settings: merging the layers, workspace/configuration and didChangeConfiguration.
#include <spdlog/spdlog.h>

#include "protocol/lsp_types.h"
#include "server/logging.h"
#include "server/server.h"
#include "server/syntax_trees.h"

namespace flint {

using nlohmann::json;

namespace {

SyntaxTreeOptions tree_options(const DocumentsConfig& documents) {
  SyntaxTreeOptions options;
  options.memory_budget = static_cast<size_t>(documents.tree_memory_mb) << 20;
  options.whole_file_limit = static_cast<uint32_t>(documents.whole_file_tree_kb) << 10;
  return options;
}

}  // namespace

void Server::reload_config() {
  // Named layers, so that a bad value's message says where it came from.
  std::vector<SettingsLayer> layers{{"defaults", default_settings()},
                                    {"--config", options_.file_settings},
                                    {"environment", environment_settings(options_.getenv)},
                                    {"initializationOptions", init_options_},
                                    {"workspace settings", workspace_settings_}};
  ConfigResult result = resolve_config_layers(layers, options_.getenv);
  for (const auto& secret : secrets_of(result.config)) register_secret(secret);
  bool changed_errors = result.errors != last_config_errors_;
  last_config_errors_ = result.errors;
  config_ = std::move(result.config);
  if (trees_) trees_->set_options(tree_options(config_.documents));
  for (const auto& e : last_config_errors_) spdlog::warn("settings: {}", e);
  if (changed_errors && !last_config_errors_.empty() && initialized_notification_seen_) {
    std::string text = "flint: invalid settings:";
    for (const auto& e : last_config_errors_) text += "\n- " + e;
    show_message(2, text);
  }
  spdlog::debug("settings now: fast={} {} ({}), agent={} {} ({})", config_.fast.provider,
                config_.fast.base_url, config_.fast.model, config_.agent.provider,
                config_.agent.base_url, config_.agent.model);
}

void Server::fetch_workspace_configuration() {
  if (!client_.configuration) return;
  auto configuration =
      dispatcher_.outgoing_method<protocol::ConfigurationParams>("workspace/configuration");
  configuration(protocol::ConfigurationParams{{protocol::ConfigurationItem{std::nullopt, "flint"}}},
                [this](const protocol::Expected<json>& result) {
                  if (!result) {
                    spdlog::warn("workspace/configuration failed: {}", result.error().message);
                    return;
                  }
                  // Read leniently: anything but an object for our section means no settings.
                  const json& items = result.value();
                  if (items.is_array() && !items.empty() && items[0].is_object()) {
                    workspace_settings_ = items[0];
                  } else {
                    workspace_settings_ = json::object();
                  }
                  reload_config();
                });
}

void Server::bind_configuration() {
  dispatcher_.notification<protocol::DidChangeConfigurationParams>(
      "workspace/didChangeConfiguration",
      [this](const protocol::DidChangeConfigurationParams& params) {
        // Clients either push the settings (`settings.flint`) or expect a pull.
        const json& settings = params.settings;
        if (settings.is_object() && settings.contains("flint") && settings["flint"].is_object()) {
          workspace_settings_ = settings["flint"];
          reload_config();
          return;
        }
        if (client_.configuration) {
          fetch_workspace_configuration();
        }
      });
}

}  // namespace flint
