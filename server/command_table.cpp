// workspace/executeCommand: one table of flint's commands; arguments[0] is converted to the
// command's typed arguments here, once, so every command reports bad arguments the same way.
#include <spdlog/spdlog.h>

#include "server/command_types.h"
#include "server/server.h"

namespace flint {

using nlohmann::json;
using protocol::ErrorCode;
using protocol::Reply;

void Server::add_command(std::string name, CommandHandler handler) {
  commands_[std::move(name)] = std::move(handler);
}

std::vector<std::string> Server::command_names() const {
  std::vector<std::string> names;
  for (const auto& [name, handler] : commands_) names.push_back(name);
  return names;
}

void Server::bind_commands() {
  dispatcher_.request<ExecuteCommandParams, json>(
      "workspace/executeCommand", [this](const ExecuteCommandParams& params, Reply<json> reply) {
        auto it = commands_.find(params.command);
        if (it == commands_.end()) {
          reply.error(ErrorCode::kInvalidParams, "unknown command '" + params.command + "'");
          return;
        }
        CommandContext context;
        context.work_done_token = params.workDoneToken;
        spdlog::debug("executeCommand {}", params.command);
        it->second(params.argument, context, std::move(reply));
      });
}

}  // namespace flint
