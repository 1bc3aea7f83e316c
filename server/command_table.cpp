// workspace/executeCommand: one table of flint's commands; arguments[0] is converted to the
// command's typed arguments here, once, so every command reports bad arguments the same way.
#include <spdlog/spdlog.h>

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
  dispatcher_.raw_request(
      "workspace/executeCommand", [this](const json& params, Reply<json> reply) {
        if (!params.is_object() || !params.contains("command") || !params["command"].is_string()) {
          reply.error(ErrorCode::kInvalidParams, "invalid params: /command: expected a string");
          return;
        }
        const std::string command = params["command"];
        auto it = commands_.find(command);
        if (it == commands_.end()) {
          reply.error(ErrorCode::kInvalidParams, "unknown command '" + command + "'");
          return;
        }
        json argument = nullptr;
        if (auto args = params.find("arguments"); args != params.end() && !args->is_null()) {
          if (!args->is_array()) {
            reply.error(ErrorCode::kInvalidParams, "invalid params: /arguments: expected an array");
            return;
          }
          if (!args->empty()) argument = (*args)[0];
        }
        CommandContext context;
        if (auto token = params.find("workDoneToken");
            token != params.end() && (token->is_string() || token->is_number_integer())) {
          context.work_done_token = *token;
        }
        spdlog::debug("executeCommand {}", command);
        it->second(argument, context, std::move(reply));
      });
}

}  // namespace flint
