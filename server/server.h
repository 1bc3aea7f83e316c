#pragma once
// The LSP server: lifecycle, the bind table, and the translation between LSP and flint's
// plain-C++ core (documents, syntax trees, edit sessions, jobs). Handlers live in files by
// feature (lifecycle.cpp, document_handlers.cpp, ...); this header is where they meet.
//
// Thread contract: every member runs on the io_context thread given to the constructor.

#include <asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "parsers/text_input.h"
#include "protocol/dispatcher.h"
#include "protocol/position_encoding.h"
#include "server/client_capabilities.h"
#include "server/config.h"
#include "server/jobs/privacy.h"

namespace flint {

class DocumentStore;
struct Document;
class SyntaxTrees;
class EditEngine;
class ParentWatch;
struct EditEngineOptions;
struct EditEscalation;
struct EditReport;
struct EditTarget;
struct EditSessionStatus;
struct InlineEditArgs;
struct SessionTarget;
class CompletionEngine;
class JobManager;
namespace models {
class ModelClient;
}

struct ServerOptions {
  nlohmann::json file_settings = nlohmann::json::object();  // from --config
  GetEnv getenv;                                            // environment lookup
};

// What a command handler knows besides its argument.
struct CommandContext {
  nlohmann::json work_done_token;  // null when the client gave none
};

class Server {
 public:
  using Sender = std::function<void(const nlohmann::json&)>;
  using CommandHandler = std::function<void(const nlohmann::json& argument, const CommandContext&,
                                            protocol::Reply<nlohmann::json>)>;

  Server(asio::io_context& io, ServerOptions options, Sender send);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void handle_message(std::string_view body);
  void handle_framing_error(const std::string& message);
  // stdin closed: ends like `exit` (code 0 after shutdown, 1 without).
  void handle_eof();

  // Called once when the process should end (exit notification or EOF).
  void set_on_exit(std::function<void(int code)> on_exit) { on_exit_ = std::move(on_exit); }

  const Config& config() const { return config_; }
  protocol::PositionEncoding position_encoding() const { return encoding_; }
  const ClientCapabilities& client() const { return client_; }
  DocumentStore& documents() { return *documents_; }
  protocol::Dispatcher& dispatcher() { return dispatcher_; }

 private:
  enum class Lifecycle { kUninitialized, kInitialized, kShuttingDown, kExited };

  void bind_methods();
  void bind_lifecycle();
  void bind_documents();
  void bind_configuration();
  void bind_commands();
  nlohmann::json capabilities() const;

  // The executeCommand table (command_table.cpp). Typed variant converts the argument and
  // answers -32602 naming the bad field.
  void add_command(std::string name, CommandHandler handler);
  template <class Args>
  void add_typed_command(
      const std::string& name,
      std::function<void(const Args&, const CommandContext&, protocol::Reply<nlohmann::json>)>
          handler) {
    add_command(name, [name, handler = std::move(handler)](const nlohmann::json& argument,
                                                           const CommandContext& context,
                                                           protocol::Reply<nlohmann::json> reply) {
      Args args{};
      try {
        (argument.is_null() ? nlohmann::json::object() : argument).get_to(args);
      } catch (const std::exception& e) {
        reply.error(protocol::ErrorCode::kInvalidParams,
                    "invalid arguments for " + name + ": " + protocol::describe_params_error(e));
        return;
      }
      handler(args, context, std::move(reply));
    });
  }
  std::vector<std::string> command_names() const;

  // Inline edits: the glue around EditEngine. Commands (inline_edit_handlers.cpp); the
  // engine's hooks and settings (inline_edit_engine.cpp).
  void bind_inline_edits();
  void make_edit_engine();
  EditEngineOptions edit_engine_options() const;
  void start_inline_edit(const InlineEditArgs& args, const CommandContext& context,
                         const protocol::Reply<nlohmann::json>& reply);
  EditTarget edit_target(const SessionTarget& target) const;
  EditSessionStatus edit_status(const EditReport& report) const;

  // Agent jobs (jobs_handlers.cpp): flint.agentTask, flint.cancelJob, flint.applyJob,
  // flint.discardJob, flint/jobs, flint/jobPreview, progress.
  void bind_jobs();
  // Starts a job for an inline edit that is not local; nullopt when jobs are unavailable.
  std::optional<std::string> start_escalated_job(const EditEscalation& escalation);

  // Code actions (code_action_handlers.cpp) and inline completion
  // (inline_completion_handlers.cpp).
  void bind_code_actions();
  void bind_inline_completion();

  // Hooks for features that follow documents (edit sessions, syntax trees).
  void on_document_opened(Document& document);
  void on_document_changed(Document& document);
  void on_document_closing(const std::string& uri);

  // Runs `fire` on the event loop after `delay` unless the returned function is called first.
  std::function<void()> start_timer(std::chrono::milliseconds delay, std::function<void()> fire);

  std::optional<protocol::ResponseError> gate(std::string_view method, bool is_request);
  void finish(int code);

  // Privacy (privacy_checks.cpp): the rules for the workspace and settings now; why a document
  // is private to models (kModel), or nullopt; and telling the person once per document that
  // flint stays out of it (`what`: "ghost text", "inline edits", ...).
  std::shared_ptr<const Privacy> privacy();
  std::optional<std::string> private_document(const std::string& uri,
                                              PrivacyScope scope = PrivacyScope::kModel);
  void tell_private_once(const std::string& uri, const std::string& why);

  // Configuration (configuration_handlers.cpp).
  void reload_config();
  void fetch_workspace_configuration();
  void show_message(int type, const std::string& message);
  void log_message(int type, const std::string& message);

  asio::io_context& io_;
  ServerOptions options_;
  Sender send_;
  protocol::Dispatcher dispatcher_;
  protocol::Dispatcher::OutgoingNotification<protocol::ShowMessageParams> show_message_;
  protocol::Dispatcher::OutgoingNotification<protocol::LogMessageParams> log_message_;
  std::function<void(int)> on_exit_;
  Lifecycle lifecycle_ = Lifecycle::kUninitialized;
  bool initialized_notification_seen_ = false;

  ClientCapabilities client_;
  protocol::PositionEncoding encoding_ = protocol::PositionEncoding::kUtf16;
  std::vector<std::string> workspace_roots_;

  nlohmann::json init_options_ = nlohmann::json::object();
  nlohmann::json workspace_settings_ = nlohmann::json::object();
  Config config_;
  std::vector<std::string> last_config_errors_;
  std::shared_ptr<const Privacy> privacy_;
  std::vector<std::string> privacy_exclude_;  // the setting privacy_ was built with
  std::set<std::string> told_private_;        // documents already told about

  std::map<std::string, CommandHandler> commands_;
  bool has_code_actions_ = false;              // set by bind_code_actions()
  bool has_inline_completion_ = false;         // set by bind_inline_completion()
  std::unique_ptr<ParentWatch> parent_watch_;  // initialize's processId
  std::unique_ptr<DocumentStore> documents_;
  std::unique_ptr<SyntaxTrees> trees_;
  std::unique_ptr<models::ModelClient> models_;
  // Declared after models_: destroyed first, while the model client still runs.
  std::unique_ptr<EditEngine> edits_;
  std::unique_ptr<CompletionEngine> completion_;
  std::unique_ptr<JobManager> jobs_;
  // The changes of the didChange being applied, per document, in order.
  std::vector<parsers::TextChange> changes_in_flight_;
};

}  // namespace flint
