#include "server/server.h"

#include <spdlog/spdlog.h>

#include <asio/steady_timer.hpp>

#include "parsers/language_registry.h"
#include "server/completion/engine.h"
#include "server/documents.h"
#include "server/edits/edit_engine.h"
#include "server/jobs/job_manager.h"
#include "server/models/model_client.h"
#include "server/parent_watch.h"
#include "server/syntax_trees.h"

namespace flint {

using nlohmann::json;
using protocol::ErrorCode;
using protocol::ResponseError;

Server::Server(asio::io_context& io, ServerOptions options, Sender send)
    : io_(io),
      options_(std::move(options)),
      send_(std::move(send)),
      dispatcher_(send_),
      show_message_(
          dispatcher_.outgoing_notification<protocol::ShowMessageParams>("window/showMessage")),
      log_message_(
          dispatcher_.outgoing_notification<protocol::LogMessageParams>("window/logMessage")),
      documents_(std::make_unique<DocumentStore>()),
      trees_(std::make_unique<SyntaxTrees>(
          parsers::LanguageRegistry::shared(), io,
          [this](const std::string& uri) -> const Document* { return documents_->find(uri); })),
      models_(std::make_unique<models::ModelClient>(io.get_executor())) {
  documents_->add_change_listener([this](Document& document, const parsers::TextChange& change) {
    trees_->apply(document, change);
    changes_in_flight_.push_back(change);
  });
  if (!options_.getenv) options_.getenv = [](const char* name) { return std::getenv(name); };
  dispatcher_.set_gate(
      [this](std::string_view method, bool is_request) { return gate(method, is_request); });
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

Server::~Server() {
  // Streams call back into sessions: stop them before anything else goes.
  edits_.reset();
  completion_.reset();
  jobs_.reset();
  models_.reset();
}

void Server::bind_methods() {
  // The whole protocol surface, one feature per line; each bind_* lives in its feature's file.
  bind_lifecycle();
  bind_configuration();
  bind_documents();
  bind_commands();
  bind_inline_edits();
  bind_code_actions();
  bind_inline_completion();
  bind_jobs();
}

std::optional<ResponseError> Server::gate(std::string_view method, bool is_request) {
  switch (lifecycle_) {
    case Lifecycle::kUninitialized:
      if (method == "initialize" || method == "exit") return std::nullopt;
      return ResponseError{ErrorCode::kServerNotInitialized,
                           "the server is not initialized yet: send 'initialize' first", nullptr};
    case Lifecycle::kInitialized:
      if (method == "initialize" && is_request) {
        return ResponseError{ErrorCode::kInvalidRequest, "the server is already initialized",
                             nullptr};
      }
      return std::nullopt;
    case Lifecycle::kShuttingDown:
    case Lifecycle::kExited:
      if (method == "exit") return std::nullopt;
      return ResponseError{ErrorCode::kInvalidRequest,
                           "the server is shutting down: only 'exit' is accepted", nullptr};
  }
  return std::nullopt;
}

void Server::handle_message(std::string_view body) {
  if (lifecycle_ == Lifecycle::kExited) return;
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
      nullptr, ResponseError{ErrorCode::kParseError, "framing error: " + message, nullptr}));
}

void Server::handle_eof() {
  if (lifecycle_ == Lifecycle::kExited) return;
  spdlog::info("stdin closed");
  finish(lifecycle_ == Lifecycle::kShuttingDown ? 0 : 1);
}

void Server::finish(int code) {
  if (lifecycle_ == Lifecycle::kExited) return;
  lifecycle_ = Lifecycle::kExited;
  dispatcher_.fail_pending_calls("the server is exiting");
  // main() ends with _exit(): job process groups must be killed now, not in a destructor.
  if (jobs_) jobs_->shutdown();
  if (on_exit_) on_exit_(code);
}

void Server::on_document_opened(Document& document) {
  changes_in_flight_.clear();
  trees_->open(document);
}

void Server::on_document_changed(Document& document) {
  trees_->changed(document);
  std::vector<parsers::TextChange> changes = std::move(changes_in_flight_);
  changes_in_flight_.clear();
  edits_->document_changed(document.uri, document.text, document.version, changes);
}

void Server::on_document_closing(const std::string& uri) {
  edits_->document_closing(uri);
  if (completion_) completion_->close_document(uri);
  trees_->close(uri);
}

std::function<void()> Server::start_timer(std::chrono::milliseconds delay,
                                          std::function<void()> fire) {
  auto timer = std::make_shared<asio::steady_timer>(io_, delay);
  // A timer that already expired cannot be cancelled: its handler is queued. The flag keeps
  // it from firing after cancel() all the same.
  auto cancelled = std::make_shared<bool>(false);
  timer->async_wait([timer, cancelled, fire = std::move(fire)](const std::error_code& ec) {
    if (!ec && !*cancelled) fire();
  });
  return [timer, cancelled] {
    *cancelled = true;
    timer->cancel();
  };
}

void Server::show_message(int type, const std::string& message) {
  static_assert(std::is_same_v<protocol::ShowMessageParams, protocol::LogMessageParams>);
  show_message_({type, message});
}

void Server::log_message(int type, const std::string& message) {
  log_message_({type, message});
}

}  // namespace flint
