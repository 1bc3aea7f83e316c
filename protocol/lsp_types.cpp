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

void to_json(json& j, TextEdit e) {
  j = json{{"range", e.range}, {"newText", std::move(e.newText)}};
  if (e.annotationId) j["annotationId"] = *e.annotationId;
}
void from_json(const json& j, TextEdit& e) {
  j.at("range").get_to(e.range);
  j.at("newText").get_to(e.newText);
}

void to_json(json& j, WorkspaceEdit e) {
  j = json::object();
  if (!e.versioned) {
    // The plain form has no versions and no annotations (LSP: changeAnnotations go with
    // documentChanges).
    json changes = json::object();
    for (auto& doc : e.documents) {
      json& edits = changes[doc.uri];
      if (edits.is_null()) edits = json::array();
      for (auto& edit : doc.edits) {
        edit.annotationId.reset();
        edits.push_back(json(std::move(edit)));
      }
    }
    j["changes"] = std::move(changes);
    return;
  }
  json document_changes = json::array();
  for (auto& doc : e.documents) {
    json edits = json::array();
    for (auto& edit : doc.edits) edits.push_back(json(std::move(edit)));
    document_changes.push_back(
        json{{"textDocument",
              {{"uri", doc.uri}, {"version", doc.version ? json(*doc.version) : json(nullptr)}}},
             {"edits", std::move(edits)}});
  }
  j["documentChanges"] = std::move(document_changes);
  if (!e.changeAnnotations.empty()) {
    json annotations = json::object();
    for (const auto& [id, a] : e.changeAnnotations) {
      json annotation{{"label", a.label}, {"needsConfirmation", a.needsConfirmation}};
      if (a.description) annotation["description"] = *a.description;
      annotations[id] = std::move(annotation);
    }
    j["changeAnnotations"] = std::move(annotations);
  }
}

void to_json(json& j, ApplyWorkspaceEditParams p) {
  j = json{{"edit", json(std::move(p.edit))}};
  if (p.label) j["label"] = *p.label;
}

ApplyWorkspaceEditResult read_apply_result(const json& answer) {
  ApplyWorkspaceEditResult result;
  if (!answer.is_object()) return result;
  if (auto it = answer.find("applied"); it != answer.end() && it->is_boolean())
    result.applied = it->get<bool>();
  if (auto it = answer.find("failureReason"); it != answer.end() && it->is_string())
    result.failureReason = it->get<std::string>();
  return result;
}

}  // namespace flint::protocol
