#include "server/jobs/workspace_edit.h"

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

#include "protocol/lsp_types.h"
#include "server/text/text_buffer.h"
#include "server/text/text_positions.h"

namespace flint::jobs {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::optional<std::string> read_disk(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

fs::path canonical_path(const fs::path& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(path, ec);
  return ec ? path.lexically_normal() : canonical;
}

// Byte offset of a UTF-16 LSP position in `text`; nullopt when the line does not exist.
std::optional<uint32_t> offset_of(std::string_view text, const json& position) {
  auto natural = [&](const char* key) {
    auto it = position.find(key);
    return it != position.end() && it->is_number_integer() && it->get<int64_t>() >= 0;
  };
  if (!position.is_object() || !natural("line") || !natural("character")) return std::nullopt;
  uint64_t line = position["line"].get<uint64_t>();
  uint64_t character = position["character"].get<uint64_t>();
  size_t start = 0;
  for (uint64_t l = 0; l < line; ++l) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      // One past the last line addresses the end of a text that ends with a newline.
      if (l + 1 == line && character == 0 && !text.empty() && text.back() == '\n') {
        return static_cast<uint32_t>(text.size());
      }
      return std::nullopt;
    }
    start = nl + 1;
  }
  size_t end = text.find('\n', start);
  if (end == std::string_view::npos) end = text.size();
  std::string_view line_text = text.substr(start, end - start);
  return static_cast<uint32_t>(
      start + protocol::byte_of_character(
                  line_text, static_cast<uint32_t>(std::min<uint64_t>(character, UINT32_MAX)),
                  protocol::PositionEncoding::kUtf16));
}

}  // namespace

std::string files_changed(size_t n) {
  return std::to_string(n) + (n == 1 ? " file changed" : " files changed");
}

namespace {

// One file's edit placed in the file as it is now.
struct PlacedFile {
  std::string uri;
  std::optional<int64_t> version;         // of the open document; nullopt: the file on disk
  std::string current;                    // the text now
  std::vector<Replacement> replacements;  // placed in `current`
};

std::variant<PlacedFile, std::string> place(const FindOpenDocument& find_open,
                                            const FileEdit& edit) {
  PlacedFile file;
  fs::path path = canonical_path(edit.path);
  std::string name = path.filename().string();
  if (auto open = find_open ? find_open(path) : std::nullopt) {
    // Unchanged since the job read it: the job's text is the document's.
    bool unchanged = edit.base_version && *edit.base_version == open->version;
    if (unchanged) {
      file.current = edit.base_text;
    } else {
      file.current = std::move(open->text);
    }
    file.uri = open->uri;
    file.version = open->version;
  } else {
    auto text = read_disk(path);
    if (!text) return name + " no longer exists; nothing was changed";
    file.current = std::move(*text);
    file.uri = edit.uri.empty() ? uri_from_path(path) : edit.uri;
  }
  auto placed = rebase(edit, file.current);
  if (!placed) {
    return name +
           " changed since the job read it, and the job's edits no longer fit the "
           "text there; nothing was changed (run the job again)";
  }
  file.replacements = std::move(*placed);
  return file;
}

}  // namespace

std::variant<std::vector<PreviewFile>, std::string> preview_edits(
    const FindOpenDocument& find_open, const std::vector<FileEdit>& edits) {
  std::vector<PreviewFile> out;
  for (const FileEdit& edit : edits) {
    if (edit.replacements.empty()) continue;
    auto placed = place(find_open, edit);
    if (auto* error = std::get_if<std::string>(&placed)) return std::move(*error);
    auto& file = std::get<PlacedFile>(placed);
    std::string proposed = apply_replacements(file.current, file.replacements);
    out.push_back(PreviewFile{file.uri, std::move(file.current), std::move(proposed),
                              file.replacements.size()});
  }
  return out;
}

std::variant<BuiltWorkspaceEdit, std::string> build_workspace_edit(
    const FindOpenDocument& find_open, protocol::PositionEncoding encoding,
    const std::vector<FileEdit>& edits, const WorkspaceEditOptions& options) {
  BuiltWorkspaceEdit built;
  protocol::WorkspaceEdit edit;
  edit.versioned = options.document_changes;
  std::optional<std::string> annotation;
  if (!options.annotation_id.empty()) annotation = options.annotation_id;
  for (const FileEdit& file_edit : edits) {
    if (file_edit.replacements.empty()) continue;
    auto placed = place(find_open, file_edit);
    if (auto* error = std::get_if<std::string>(&placed)) return std::move(*error);
    const auto& file = std::get<PlacedFile>(placed);
    TextBuffer text(file.current);
    protocol::TextDocumentEdit changes{file.uri, file.version, {}};
    for (const Replacement& r : file.replacements)
      changes.edits.push_back({range_in(text, r.begin, r.end, encoding), r.text, annotation});
    edit.documents.push_back(std::move(changes));
    if (file.version) built.versions[file.uri] = *file.version;
    ++built.files;
  }
  if (annotation) {
    edit.changeAnnotations[*annotation] = protocol::ChangeAnnotation{
        options.label, true,
        options.annotation_description.empty()
            ? std::nullopt
            : std::optional<std::string>(options.annotation_description)};
  }
  built.edit = std::move(edit);
  return built;
}

std::variant<std::vector<FileEdit>, std::string> file_edits_from_workspace_edit(
    const json& workspace_edit, const Workspace& workspace) {
  if (!workspace_edit.is_object()) return std::string("workspaceEdit must be an object");
  // uri -> its TextEdits, from either form.
  std::vector<std::pair<std::string, json>> per_file;
  if (auto dc = workspace_edit.find("documentChanges"); dc != workspace_edit.end()) {
    if (!dc->is_array()) return std::string("documentChanges must be an array");
    for (const json& change : *dc) {
      if (!change.is_object() || !change.contains("textDocument") || !change.contains("edits")) {
        return std::string("only TextDocumentEdits are supported (no create, rename or delete)");
      }
      const json& doc = change["textDocument"];
      if (!doc.is_object() || !doc.contains("uri") || !doc["uri"].is_string()) {
        return std::string("a TextDocumentEdit has no textDocument.uri");
      }
      per_file.emplace_back(doc["uri"].get<std::string>(), change["edits"]);
    }
  } else if (auto ch = workspace_edit.find("changes"); ch != workspace_edit.end()) {
    if (!ch->is_object()) return std::string("changes must be an object");
    for (const auto& [uri, list] : ch->items()) per_file.emplace_back(uri, list);
  } else {
    return std::string("workspaceEdit has neither changes nor documentChanges");
  }

  std::map<fs::path, FileEdit> files;
  for (const auto& [uri, list] : per_file) {
    auto path = path_from_uri(uri);
    if (!path) return "'" + uri + "' is not a file:// URI";
    auto resolved = workspace.resolve(path->string(), Workspace::Use::kEdit);
    if (auto* refusal = std::get_if<std::string>(&resolved)) return *refusal;
    const fs::path& canonical = std::get<ConfinedPath>(resolved).absolute;
    if (!list.is_array()) return "the edits for '" + uri + "' must be an array";
    auto [it, inserted] = files.try_emplace(canonical);
    FileEdit& edit = it->second;
    if (inserted) {
      auto text = read_disk(canonical);
      if (!text) return "'" + uri + "' does not exist (creating files is not supported)";
      edit.uri = uri;
      edit.path = canonical.string();
      edit.base_text = std::move(*text);
    }
    for (const json& e : list) {
      if (!e.is_object() || !e.contains("range") || !e.contains("newText") ||
          !e["newText"].is_string() || !e["range"].is_object()) {
        return "a TextEdit for '" + uri + "' needs a range and a newText";
      }
      auto begin = offset_of(edit.base_text, e["range"].value("start", json()));
      auto end = offset_of(edit.base_text, e["range"].value("end", json()));
      if (!begin || !end || *end < *begin)
        return "a TextEdit for '" + uri + "' has an impossible range";
      edit.replacements.push_back({*begin, *end, e["newText"].get<std::string>()});
    }
  }
  std::vector<FileEdit> out;
  for (auto& [path, edit] : files) {
    std::stable_sort(edit.replacements.begin(), edit.replacements.end(),
                     [](const Replacement& a, const Replacement& b) { return a.begin < b.begin; });
    for (size_t i = 1; i < edit.replacements.size(); ++i) {
      if (edit.replacements[i].begin < edit.replacements[i - 1].end) {
        return "the edits for '" + edit.uri + "' overlap";
      }
    }
    // Tools often replace whole files: keep only the lines that differ, so the review shows
    // the real change and typing elsewhere in the file does not stop the edit from landing.
    edit.replacements =
        diff_lines(edit.base_text, apply_replacements(edit.base_text, edit.replacements));
    if (!edit.replacements.empty()) out.push_back(std::move(edit));
  }
  return out;
}

}  // namespace flint::jobs
