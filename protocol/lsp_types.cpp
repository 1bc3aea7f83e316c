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

namespace {

// Lenient reading (initialize): absent, or of another type, reads as nullopt.
std::optional<std::string> lenient_string(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// Strict optional reading: absent or null is nullopt; another type throws (-32602).
template <class T>
std::optional<T> optional_at(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<T>();
}

}  // namespace

void to_json(json& j, const ClientInfo& c) {
  j = json{{"name", c.name}};
  if (c.version) j["version"] = *c.version;
}
void from_json(const json& j, ClientInfo& c) {
  c.name = lenient_string(j, "name").value_or("");
  c.version = lenient_string(j, "version");
}

void to_json(json& j, const WorkspaceFolder& f) {
  j = json{{"uri", f.uri}, {"name", f.name}};
}
void from_json(const json& j, WorkspaceFolder& f) {
  f.uri = lenient_string(j, "uri").value_or("");
  f.name = lenient_string(j, "name").value_or("");
}

void to_json(json& j, const InitializeParams& p) {
  j = json{{"processId", p.processId ? json(*p.processId) : json(nullptr)},
           {"capabilities", p.capabilities}};
  if (p.rootUri) j["rootUri"] = *p.rootUri;
  if (p.rootPath) j["rootPath"] = *p.rootPath;
  if (p.workspaceFolders) j["workspaceFolders"] = *p.workspaceFolders;
  if (!p.initializationOptions.is_null()) j["initializationOptions"] = p.initializationOptions;
  if (p.clientInfo) j["clientInfo"] = *p.clientInfo;
  if (p.trace) j["trace"] = *p.trace;
}
void from_json(const json& j, InitializeParams& p) {
  if (auto it = j.find("processId"); it != j.end() && it->is_number_integer())
    p.processId = it->get<int64_t>();
  p.rootUri = lenient_string(j, "rootUri");
  p.rootPath = lenient_string(j, "rootPath");
  if (auto it = j.find("workspaceFolders"); it != j.end() && it->is_array()) {
    p.workspaceFolders.emplace();
    for (const json& folder : *it) {
      if (lenient_string(folder, "uri"))
        p.workspaceFolders->push_back(folder.get<WorkspaceFolder>());
    }
  }
  if (auto it = j.find("capabilities"); it != j.end()) p.capabilities = *it;
  if (auto it = j.find("initializationOptions"); it != j.end()) p.initializationOptions = *it;
  if (auto it = j.find("clientInfo"); it != j.end() && it->is_object())
    p.clientInfo = it->get<ClientInfo>();
  p.trace = lenient_string(j, "trace");
}

void to_json(json& j, const ServerInfo& s) {
  j = json{{"name", s.name}};
  if (s.version) j["version"] = *s.version;
}
void from_json(const json& j, ServerInfo& s) {
  j.at("name").get_to(s.name);
  s.version = optional_at<std::string>(j, "version");
}

void to_json(json& j, const InitializeResult& r) {
  j = json{{"capabilities", r.capabilities}};
  if (r.serverInfo) j["serverInfo"] = *r.serverInfo;
}
void from_json(const json& j, InitializeResult& r) {
  r.capabilities = j.at("capabilities");
  r.serverInfo = optional_at<ServerInfo>(j, "serverInfo");
}

void to_json(json& j, const SetTraceParams& p) {
  j = json{{"value", p.value}};
}
void from_json(const json& j, SetTraceParams& p) {
  p.value = j.value("value", std::string("off"));
}

void to_json(json& j, const DidChangeConfigurationParams& p) {
  j = json{{"settings", p.settings}};
}
void from_json(const json& j, DidChangeConfigurationParams& p) {
  if (auto it = j.find("settings"); it != j.end()) p.settings = *it;
}

void to_json(json& j, const ConfigurationItem& i) {
  j = json::object();
  if (i.scopeUri) j["scopeUri"] = *i.scopeUri;
  if (i.section) j["section"] = *i.section;
}
void from_json(const json& j, ConfigurationItem& i) {
  i.scopeUri = optional_at<std::string>(j, "scopeUri");
  i.section = optional_at<std::string>(j, "section");
}

void to_json(json& j, const ConfigurationParams& p) {
  j = json{{"items", p.items}};
}
void from_json(const json& j, ConfigurationParams& p) {
  j.at("items").get_to(p.items);
}

void to_json(json& j, const ShowMessageParams& p) {
  j = json{{"type", p.type}, {"message", p.message}};
}
void from_json(const json& j, ShowMessageParams& p) {
  j.at("type").get_to(p.type);
  j.at("message").get_to(p.message);
}

void to_json(json& j, const WorkDoneProgressCreateParams& p) {
  j = json{{"token", p.token}};
}
void from_json(const json& j, WorkDoneProgressCreateParams& p) {
  p.token = j.at("token");
}

void to_json(json& j, const WorkDoneProgressCancelParams& p) {
  j = json{{"token", p.token}};
}
void from_json(const json& j, WorkDoneProgressCancelParams& p) {
  if (auto it = j.find("token"); it != j.end()) p.token = *it;
}

void to_json(json& j, const ProgressParams& p) {
  j = json{{"token", p.token}, {"value", p.value}};
}
void from_json(const json& j, ProgressParams& p) {
  p.token = j.at("token");
  p.value = j.at("value");
}

void to_json(json& j, const Diagnostic& d) {
  j = json{{"range", d.range}, {"message", d.message}};
  if (d.severity) j["severity"] = *d.severity;
  if (d.source) j["source"] = *d.source;
}
void from_json(const json& j, Diagnostic& d) {
  j.at("range").get_to(d.range);
  d.severity = optional_at<int>(j, "severity");
  d.source = optional_at<std::string>(j, "source");
  j.at("message").get_to(d.message);
}

void to_json(json& j, const PublishDiagnosticsParams& p) {
  j = json{{"uri", p.uri}, {"diagnostics", p.diagnostics}};
  if (p.version) j["version"] = *p.version;
}
void from_json(const json& j, PublishDiagnosticsParams& p) {
  j.at("uri").get_to(p.uri);
  p.version = optional_at<int64_t>(j, "version");
  j.at("diagnostics").get_to(p.diagnostics);
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
