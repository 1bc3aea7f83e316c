#pragma once
// The LSP server: lifecycle, the bind table, and the translation between LSP and flint's
// plain-C++ core (documents, syntax trees, edit sessions, jobs). Handlers live in files by
// feature (lifecycle.cpp, document_handlers.cpp, ...); this header is where they meet.
//
// Thread contract: every member runs on the io_context thread given to the constructor.

#include <functional>
#include <map>
#include <vector>
#include <memory>
#include <optional>
#include <string>

#include <asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "protocol/dispatcher.h"
#include "protocol/position_encoding.h"
#include "server/client_capabilities.h"
#include "server/config.h"

namespace flint {

class DocumentStore;
struct Document;

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
  enum class Lifecycle { Uninitialized, Initialized, ShuttingDown, Exited };

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
  void add_typed_command(std::string name,
                         std::function<void(const Args&, const CommandContext&,
                                            protocol::Reply<nlohmann::json>)> handler) {
    add_command(name, [name, handler = std::move(handler)](const nlohmann::json& argument,
                                                           const CommandContext& context,
                                                           protocol::Reply<nlohmann::json> reply) {
      Args args{};
      try {
        (argument.is_null() ? nlohmann::json::object() : argument).get_to(args);
      } catch (const std::exception& e) {
        reply.error(protocol::ErrorCode::InvalidParams,
                    "invalid arguments for " + name + ": " + protocol::describe_params_error(e));
        return;
      }
      handler(args, context, std::move(reply));
    });
  }
  std::vector<std::string> command_names() const;

  // Hooks for features that follow documents (edit sessions, syntax trees).
  void on_document_changed(Document& document);
  void on_document_closing(const std::string& uri);

  std::optional<protocol::ResponseError> gate(std::string_view method, bool is_request);
  void finish(int code);

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
  Lifecycle lifecycle_ = Lifecycle::Uninitialized;
  bool initialized_notification_seen_ = false;

  ClientCapabilities client_;
  protocol::PositionEncoding encoding_ = protocol::PositionEncoding::Utf16;
  std::vector<std::string> workspace_roots_;

  nlohmann::json init_options_ = nlohmann::json::object();
  nlohmann::json workspace_settings_ = nlohmann::json::object();
  Config config_;
  std::vector<std::string> last_config_errors_;

  std::map<std::string, CommandHandler> commands_;
  std::unique_ptr<DocumentStore> documents_;
};

}  // namespace flint
