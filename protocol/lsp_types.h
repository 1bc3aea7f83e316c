#pragma once
// The LSP structures flint uses, keeping the wire names (clangd's Protocol.h habit: only
// what is used, not a mirror of the specification). from_json throws nlohmann exceptions on
// bad input; the binder turns those into -32602 with the offending field.

#include <cstdint>
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

struct TextEdit {
  Range range;
  std::string newText;
};
void to_json(json& j, const TextEdit& e);
void from_json(const json& j, TextEdit& e);

}  // namespace flint::protocol
