#include "protocol/lsp_types.h"

namespace flint::protocol {

void to_json(json& j, const Position& p) {
  j = json{{"line", p.line}, {"character", p.character}};
}
void from_json(const json& j, Position& p) {
  j.at("line").get_to(p.line);
  j.at("character").get_to(p.character);
}

void to_json(json& j, const Range& r) {
  j = json{{"start", r.start}, {"end", r.end}};
}
void from_json(const json& j, Range& r) {
  j.at("start").get_to(r.start);
  j.at("end").get_to(r.end);
}

void to_json(json& j, const TextDocumentIdentifier& t) {
  j = json{{"uri", t.uri}};
}
void from_json(const json& j, TextDocumentIdentifier& t) {
  j.at("uri").get_to(t.uri);
}

void to_json(json& j, const VersionedTextDocumentIdentifier& t) {
  j = json{{"uri", t.uri}, {"version", t.version}};
}
void from_json(const json& j, VersionedTextDocumentIdentifier& t) {
  j.at("uri").get_to(t.uri);
  j.at("version").get_to(t.version);
}

void from_json(const json& j, TextDocumentItem& t) {
  j.at("uri").get_to(t.uri);
  j.at("languageId").get_to(t.languageId);
  j.at("version").get_to(t.version);
  j.at("text").get_to(t.text);
}

void from_json(const json& j, TextDocumentContentChangeEvent& c) {
  if (auto it = j.find("range"); it != j.end() && !it->is_null()) c.range = it->get<Range>();
  j.at("text").get_to(c.text);
}

void from_json(const json& j, DidOpenTextDocumentParams& p) {
  j.at("textDocument").get_to(p.textDocument);
}

void from_json(const json& j, DidChangeTextDocumentParams& p) {
  j.at("textDocument").get_to(p.textDocument);
  j.at("contentChanges").get_to(p.contentChanges);
}

void from_json(const json& j, DidCloseTextDocumentParams& p) {
  j.at("textDocument").get_to(p.textDocument);
}

void from_json(const json& j, DidSaveTextDocumentParams& p) {
  j.at("textDocument").get_to(p.textDocument);
  if (auto it = j.find("text"); it != j.end() && !it->is_null()) p.text = it->get<std::string>();
}

void to_json(json& j, const TextEdit& e) {
  j = json{{"range", e.range}, {"newText", e.newText}};
}
void from_json(const json& j, TextEdit& e) {
  j.at("range").get_to(e.range);
  j.at("newText").get_to(e.newText);
}

}  // namespace flint::protocol
