#pragma once
// The LSP server: lifecycle, the bind table, and the translation between LSP and flint's
// plain-C++ core (documents, syntax trees, edit sessions, jobs). Handlers live in files by
// feature (lifecycle.cpp, document_handlers.cpp, ...); this header is where they meet.
//
// Thread contract: every member runs on the io_context thread given to the constructor.

#include <asio/io_context.hpp>
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
struct ActiveEdit;
struct InlineEditArgs;
struct SessionTarget;
enum class SessionState;
struct LineEdit;
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

  // Inline edits (inline_edit_handlers.cpp).
  void bind_inline_edits();
  void start_inline_edit(const InlineEditArgs& args, const CommandContext& context,
                         const protocol::Reply<nlohmann::json>& reply);
  void start_edit_stream(ActiveEdit& edit);
  // Answer text (reasoning removed) to the escalation check and the session; false when the
  // edit was escalated (the stream is over for it).
  bool feed_edit_text(ActiveEdit& edit, std::string_view text);
  void on_edit_reasoning(ActiveEdit& edit);
  // The one way a session's model stream is stopped: nothing more from it is heard, and it is
  // cancelled at once or, from inside its own callback, `posted` to the event loop.
  void stop_edit_stream(ActiveEdit& edit, bool posted = false);
  void report_edit_progress(ActiveEdit& edit);
  void send_session_edit(ActiveEdit& edit, const LineEdit& line_edit);
  void on_edit_state(ActiveEdit& edit, SessionState state, const std::string& reason);
  // The edit still streaming in `uri` whose region meets lines [first_line, last_line], or null.
  ActiveEdit* streaming_edit_over(const std::string& uri, uint32_t first_line, uint32_t last_line);
  // Stops `older` and rolls it back; the newer edit (`args`) starts once the original is back.
  // False when it cannot be rolled back (the newer starts at once).
  bool supersede(ActiveEdit& older, const InlineEditArgs& args, const CommandContext& context,
                 const protocol::Reply<nlohmann::json>& reply);
  void escalate_edit(ActiveEdit& edit, const std::string& reason);
  void validate_edit(ActiveEdit& edit);
  void clear_edit_diagnostics(ActiveEdit& edit);
  ActiveEdit* find_edit(const std::optional<std::string>& id);
  // For flint.steer/accept/reject/cancel: the session (the latest without an id) with its
  // model stream stopped, or nullptr after answering -32602.
  // The session a command targets (see SessionTarget).
  ActiveEdit* find_target_edit(const SessionTarget& target);
  ActiveEdit* take_over_edit(const SessionTarget& target,
                             const protocol::Reply<nlohmann::json>& reply);
  nlohmann::json edit_region_json(const ActiveEdit& edit) const;
  nlohmann::json edit_state_json(const ActiveEdit& edit, std::string_view state,
                                 const std::string& reason) const;
  void notify_edit(const ActiveEdit& edit, std::string_view state, const std::string& reason);
  void reply_edit(ActiveEdit& edit, std::string_view state, const std::string& reason);
  void prune_edits();

  // Agent jobs (jobs_handlers.cpp): flint.agentTask, flint.cancelJob, flint.applyJob,
  // flint.discardJob, flint/jobs, flint/jobPreview, progress.
  void bind_jobs();
  // Starts a job for an inline edit that is not local; nullopt when jobs are unavailable.
  std::optional<std::string> start_escalated_job(const ActiveEdit& edit, const std::string& reason);

  // Code actions (code_action_handlers.cpp) and inline completion
  // (inline_completion_handlers.cpp).
  void bind_code_actions();
  void bind_inline_completion();

  // Hooks for features that follow documents (edit sessions, syntax trees).
  void on_document_opened(Document& document);
  void on_document_changed(Document& document);
  void on_sessions_document_changed(Document& document,
                                    const std::vector<parsers::TextChange>& changes);
  void on_sessions_document_closing(const std::string& uri);
  void on_document_closing(const std::string& uri);

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
  bool has_code_actions_ = false;       // set by bind_code_actions()
  bool has_inline_completion_ = false;  // set by bind_inline_completion()
  std::unique_ptr<DocumentStore> documents_;
  std::unique_ptr<SyntaxTrees> trees_;
  std::unique_ptr<models::ModelClient> models_;
  std::map<std::string, std::unique_ptr<ActiveEdit>> edits_;
  std::map<std::string, uint64_t> edit_stream_of_;  // session id -> its current stream
  uint64_t edit_stream_generation_ = 0;
  uint64_t next_edit_id_ = 1;
  std::string latest_edit_id_;
  // Declared after models_: destroyed first, while the model client still runs.
  std::unique_ptr<CompletionEngine> completion_;
  std::unique_ptr<JobManager> jobs_;
  // The changes of the didChange being applied, per document, in order.
  std::vector<parsers::TextChange> changes_in_flight_;
};

}  // namespace flint
