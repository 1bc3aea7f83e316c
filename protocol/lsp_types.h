#pragma once
// The LSP structures flint uses, keeping the wire names (clangd's Protocol.h habit: only
// what is used, not a mirror of the specification). from_json throws nlohmann exceptions on
// bad input; the binder turns those into -32602 with the offending field.

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
