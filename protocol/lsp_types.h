#pragma once
// The LSP structures flint uses, keeping the wire names (clangd's Protocol.h habit: only
// what is used, not a mirror of the specification). from_json throws nlohmann exceptions on
// bad input; the binder turns those into -32602 with the offending field. A few readers are
// lenient, as the server read those messages before they were typed: each says so.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace flint::protocol {

using json = nlohmann::json;

struct Position {
  uint32_t line = 0;
  uint32_t character = 0;  // in units of the negotiated position encoding
  friend bool operator==(const Position&, const Position&) = default;
  friend auto operator<=>(const Position&, const Position&) = default;
};
void to_json(json& j, const Position& p);
void from_json(const json& j, Position& p);

struct Range {
  Position start;
  Position end;
  friend bool operator==(const Range&, const Range&) = default;
};
void to_json(json& j, const Range& r);
void from_json(const json& j, Range& r);

struct TextDocumentIdentifier {
  std::string uri;
};
void to_json(json& j, const TextDocumentIdentifier& t);
void from_json(const json& j, TextDocumentIdentifier& t);

struct VersionedTextDocumentIdentifier {
  std::string uri;
  int64_t version = 0;
};
void to_json(json& j, const VersionedTextDocumentIdentifier& t);
void from_json(const json& j, VersionedTextDocumentIdentifier& t);

struct TextDocumentItem {
  std::string uri;
  std::string languageId;
  int64_t version = 0;
  std::string text;
};
void from_json(const json& j, TextDocumentItem& t);

// range absent = the whole document is replaced.
struct TextDocumentContentChangeEvent {
  std::optional<Range> range;
  std::string text;
};
void from_json(const json& j, TextDocumentContentChangeEvent& c);

struct DidOpenTextDocumentParams {
  TextDocumentItem textDocument;
};
void from_json(const json& j, DidOpenTextDocumentParams& p);

struct DidChangeTextDocumentParams {
  VersionedTextDocumentIdentifier textDocument;
  std::vector<TextDocumentContentChangeEvent> contentChanges;
};
void from_json(const json& j, DidChangeTextDocumentParams& p);

struct DidCloseTextDocumentParams {
  TextDocumentIdentifier textDocument;
};
void from_json(const json& j, DidCloseTextDocumentParams& p);

struct DidSaveTextDocumentParams {
  TextDocumentIdentifier textDocument;
  std::optional<std::string> text;
};
void from_json(const json& j, DidSaveTextDocumentParams& p);

// A TextEdit; with annotationId, an AnnotatedTextEdit.
struct TextEdit {
  Range range;
  std::string newText;
  std::optional<std::string> annotationId;
};
// By value, as the other outgoing types: a caller that moves its edit in has its texts moved
// into the JSON, not copied.
void to_json(json& j, TextEdit e);
void from_json(const json& j, TextEdit& e);

// Params of a message whose params flint ignores (initialized, shutdown, exit, flint/jobs):
// anything reads as NoParams, as the specification leaves them empty or absent.
struct NoParams {};
inline void from_json(const json& /*j*/, NoParams& /*p*/) {}

// ---- Lifecycle: initialize ------------------------------------------------------------------
// Read leniently, as clients send all sorts: a field of the wrong type reads as absent, never
// as an error. Only params that are not an object are refused (kRequiresObject: the binder
// answers -32602 "initialize needs an object", absent params included).

struct ClientInfo {
  std::string name;  // empty when the client sent none, or not a string
  std::optional<std::string> version;
};
void to_json(json& j, const ClientInfo& c);
void from_json(const json& j, ClientInfo& c);

struct WorkspaceFolder {
  std::string uri;
  std::string name;
};
void to_json(json& j, const WorkspaceFolder& f);
void from_json(const json& j, WorkspaceFolder& f);

struct InitializeParams {
  static constexpr bool kRequiresObject = true;

  std::optional<int64_t> processId;  // null: no parent process to watch
  std::optional<std::string> rootUri;
  std::optional<std::string> rootPath;  // deprecated by LSP; read, not used
  // absent: the client does not support folders; folders without a string uri are skipped.
  std::optional<std::vector<WorkspaceFolder>> workspaceFolders;
  json capabilities = json::object();  // as sent (read by read_client_capabilities)
  json initializationOptions;          // as sent; null when absent
  std::optional<ClientInfo> clientInfo;
  std::optional<std::string> trace;
};
void to_json(json& j, const InitializeParams& p);
void from_json(const json& j, InitializeParams& p);

struct ServerInfo {
  std::string name;
  std::optional<std::string> version;
};
void to_json(json& j, const ServerInfo& s);
void from_json(const json& j, ServerInfo& s);

struct InitializeResult {
  json capabilities = json::object();  // built by the server from what it implements
  std::optional<ServerInfo> serverInfo;
};
void to_json(json& j, const InitializeResult& r);
void from_json(const json& j, InitializeResult& r);

// $/setTrace. `value` absent reads as "off"; of another type, or params that are not an
// object, it is an error (the notification is dropped and logged).
struct SetTraceParams {
  std::string value = "off";
};
void to_json(json& j, const SetTraceParams& p);
void from_json(const json& j, SetTraceParams& p);

// ---- Settings -------------------------------------------------------------------------------

// workspace/didChangeConfiguration. Never an error: settings that say nothing usable mean
// "pull them" (workspace/configuration).
struct DidChangeConfigurationParams {
  json settings;  // as sent; null when absent
};
void to_json(json& j, const DidChangeConfigurationParams& p);
void from_json(const json& j, DidChangeConfigurationParams& p);

// workspace/configuration (outgoing). The answer is read leniently by its caller.
struct ConfigurationItem {
  std::optional<std::string> scopeUri;
  std::optional<std::string> section;
};
void to_json(json& j, const ConfigurationItem& i);
void from_json(const json& j, ConfigurationItem& i);

struct ConfigurationParams {
  std::vector<ConfigurationItem> items;
};
void to_json(json& j, const ConfigurationParams& p);
void from_json(const json& j, ConfigurationParams& p);

// ---- Window: messages and progress ----------------------------------------------------------

// window/showMessage; window/logMessage has the same shape. `type`: 1 error, 2 warning,
// 3 info, 4 log.
struct ShowMessageParams {
  int type = 3;
  std::string message;
};
void to_json(json& j, const ShowMessageParams& p);
void from_json(const json& j, ShowMessageParams& p);
using LogMessageParams = ShowMessageParams;

// A progress token is an integer or a string; kept as JSON to echo it exactly.
using ProgressToken = json;

// window/workDoneProgress/create (outgoing).
struct WorkDoneProgressCreateParams {
  ProgressToken token;
};
void to_json(json& j, const WorkDoneProgressCreateParams& p);
void from_json(const json& j, WorkDoneProgressCreateParams& p);

// window/workDoneProgress/cancel. Never an error: a missing token (or params that are not an
// object) reads as null, which names no work.
struct WorkDoneProgressCancelParams {
  ProgressToken token;
};
void to_json(json& j, const WorkDoneProgressCancelParams& p);
void from_json(const json& j, WorkDoneProgressCancelParams& p);

// $/progress (outgoing); `value` is a WorkDoneProgress begin/report/end (ProgressChannel).
struct ProgressParams {
  ProgressToken token;
  json value;
};
void to_json(json& j, const ProgressParams& p);
void from_json(const json& j, ProgressParams& p);

// ---- Diagnostics ----------------------------------------------------------------------------

struct Diagnostic {
  Range range;
  std::optional<int> severity;  // 1 error, 2 warning, 3 information, 4 hint
  std::optional<std::string> source;
  std::string message;
};
void to_json(json& j, const Diagnostic& d);
void from_json(const json& j, Diagnostic& d);

// textDocument/publishDiagnostics (outgoing). An empty list clears the document's diagnostics.
struct PublishDiagnosticsParams {
  std::string uri;
  std::optional<int64_t> version;
  std::vector<Diagnostic> diagnostics;
};
void to_json(json& j, const PublishDiagnosticsParams& p);
void from_json(const json& j, PublishDiagnosticsParams& p);

// ---- Outgoing: workspace/applyEdit ----------------------------------------------------------

// The edits of one document; `version` null: the file as it is on disk (not open).
struct TextDocumentEdit {
  std::string uri;
  std::optional<int64_t> version;
  std::vector<TextEdit> edits;
};

struct ChangeAnnotation {
  std::string label;
  bool needsConfirmation = false;
  std::optional<std::string> description;
};

// Sent in one of two forms: `documentChanges` (versioned, when the client supports it) or
// `changes` (by URI, without versions). Build it with workspace_edit().
struct WorkspaceEdit {
  bool versioned = true;
  std::vector<TextDocumentEdit> documents;
  std::map<std::string, ChangeAnnotation> changeAnnotations;  // documentChanges form only
};
void to_json(json& j, WorkspaceEdit e);

struct ApplyWorkspaceEditParams {
  std::optional<std::string> label;
  WorkspaceEdit edit;
};
void to_json(json& j, ApplyWorkspaceEditParams p);

// The client's answer. Never throws: anything but an object saying `applied: true` is "not
// applied", with the client's failureReason when it gave one.
struct ApplyWorkspaceEditResult {
  bool applied = false;
  std::string failureReason;
};
ApplyWorkspaceEditResult read_apply_result(const json& answer);

}  // namespace flint::protocol
