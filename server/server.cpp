#include "server/server.h"

#include <spdlog/spdlog.h>

#include "server/documents.h"

namespace flint {

using nlohmann::json;
using protocol::ErrorCode;
using protocol::ResponseError;

Server::Server(asio::io_context& io, ServerOptions options, Sender send)
    : io_(io),
      options_(std::move(options)),
      send_(std::move(send)),
      dispatcher_(send_),
      documents_(std::make_unique<DocumentStore>()) {
  if (!options_.getenv) options_.getenv = [](const char* name) { return std::getenv(name); };
  dispatcher_.set_gate([this](std::string_view method, bool is_request) {
    return gate(method, is_request);
  });
  dispatcher_.set_bad_notification_handler([](std::string_view method, std::string message) {
    if (message.empty()) {
      spdlog::debug("ignoring notification {}", method);
    } else {
      spdlog::warn("dropping notification {}: {}", method, message);
    }
  });
  reload_config();
  bind_methods();
}

Server::~Server() = default;

void Server::bind_methods() {
  // The whole protocol surface, one feature per line; each bind_* lives in its feature's file.
  bind_lifecycle();
  bind_configuration();
  bind_documents();
  bind_commands();
}

std::optional<ResponseError> Server::gate(std::string_view method, bool is_request) {
  switch (lifecycle_) {
    case Lifecycle::Uninitialized:
      if (method == "initialize" || method == "exit") return std::nullopt;
      return ResponseError{ErrorCode::ServerNotInitialized,
                           "the server is not initialized yet: send 'initialize' first", nullptr};
    case Lifecycle::Initialized:
      if (method == "initialize" && is_request) {
        return ResponseError{ErrorCode::InvalidRequest, "the server is already initialized",
                             nullptr};
      }
      return std::nullopt;
    case Lifecycle::ShuttingDown:
    case Lifecycle::Exited:
      if (method == "exit") return std::nullopt;
      return ResponseError{ErrorCode::InvalidRequest,
                           "the server is shutting down: only 'exit' is accepted", nullptr};
  }
  return std::nullopt;
}

void Server::handle_message(std::string_view body) {
  if (lifecycle_ == Lifecycle::Exited) return;
  try {
    dispatcher_.handle_message(body);
  } catch (const std::exception& e) {
    // A handler bug must cost one request, never the process (VS Code gives up after 5 crashes).
    spdlog::error("internal error while handling a message: {}", e.what());
  }
}

void Server::handle_framing_error(const std::string& message) {
  spdlog::warn("framing error: {}", message);
  send_(protocol::make_error_response(
      nullptr, ResponseError{ErrorCode::ParseError, "framing error: " + message, nullptr}));
}

void Server::handle_eof() {
  if (lifecycle_ == Lifecycle::Exited) return;
  spdlog::info("stdin closed");
  finish(lifecycle_ == Lifecycle::ShuttingDown ? 0 : 1);
}

void Server::finish(int code) {
  if (lifecycle_ == Lifecycle::Exited) return;
  lifecycle_ = Lifecycle::Exited;
  dispatcher_.fail_pending_calls("the server is exiting");
  if (on_exit_) on_exit_(code);
}

void Server::on_document_changed(Document&) {}

void Server::on_document_closing(const std::string&) {}

void Server::show_message(int type, const std::string& message) {
  dispatcher_.notify("window/showMessage", json{{"type", type}, {"message", message}});
}

void Server::log_message(int type, const std::string& message) {
  dispatcher_.notify("window/logMessage", json{{"type", type}, {"message", message}});
}

}  // namespace flint
