#include "server/jobs/agent_tools.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

namespace flint::jobs {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr size_t kMaxReadBytes = size_t{256} * 1024;             // shown to the model at once
constexpr uintmax_t kMaxFileBytes = uintmax_t{4} * 1024 * 1024;  // editable
constexpr uintmax_t kMaxSearchFileBytes = uintmax_t{2} * 1024 * 1024;
constexpr size_t kMaxListEntries = 500;
constexpr size_t kMaxSearchHits = 100;
constexpr size_t kMaxHitLine = 200;

ToolResult error(std::string text) {
  return ToolResult{false, "error: " + std::move(text)};
}

std::optional<std::string> read_disk(const fs::path& path, std::string& why) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    why = fs::exists(path, ec) ? "is not a regular file" : "does not exist";
    return std::nullopt;
  }
  if (fs::file_size(path, ec) > kMaxFileBytes) {
    why = "is larger than 4 MiB";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = "cannot be read";
    return std::nullopt;
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool looks_binary(std::string_view text) {
  return text.substr(0, 8192).find('\0') != std::string_view::npos;
}

std::string string_arg(const json& args, const char* name, bool& ok) {
  auto it = args.find(name);
  if (it == args.end() || !it->is_string()) {
    ok = false;
    return {};
  }
  return it->get<std::string>();
}

bool skipped_folder(const fs::path& name) {
  std::string n = name.string();
  return (!n.empty() && n[0] == '.') || n == "node_modules";
}

size_t count_lines(std::string_view text) {
  if (text.empty()) return 0;
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) +
         (text.back() == '\n' ? 0 : 1);
}

}  // namespace

std::variant<json, std::string> parse_tool_arguments(const std::string& text) {
  try {
    json args = text.empty() ? json::object() : json::parse(text);
    if (!args.is_object()) return std::string("the arguments must be a JSON object");
    return args;
  } catch (const json::exception& e) {
    return std::string("the arguments are not valid JSON: ") + e.what();
  }
}

AgentTools::AgentTools(Workspace workspace, FindOpenDocument find_open)
    : workspace_(std::move(workspace)), find_open_(std::move(find_open)) {}

std::vector<models::ToolSpec> AgentTools::specs() {
  auto object = [](json properties, std::vector<std::string> required) {
    return json{{"type", "object"},
                {"properties", std::move(properties)},
                {"required", required},
                {"additionalProperties", false}};
  };
  json path{{"type", "string"}, {"description", "Path relative to the workspace root"}};
  return {
      {kReadFile, "Read a file of the workspace (the editor's unsaved text when it is open).",
       object({{"path", path}}, {"path"})},
      {kListDir, "List a folder of the workspace; folders end with '/'.",
       object({{"path", path}}, {"path"})},
      {kSearchText,
       "Search the workspace for a literal, case-sensitive text; answers path:line: text lines.",
       object({{"query", {{"type", "string"}}},
               {"path",
                {{"type", "string"},
                 {"description", "Folder or file to search in (default: the whole workspace)"}}}},
              {"query"})},
      {kProposeEdit,
       "Edit a file: old_text must occur exactly once in the file as it is now (including your "
       "earlier edits); it is replaced by new_text. Copy old_text exactly, with a few lines of "
       "context when needed to make it unique.",
       object(
           {{"path", path}, {"old_text", {{"type", "string"}}}, {"new_text", {{"type", "string"}}}},
           {"path", "old_text", "new_text"})},
      {kFinish, "Say that the task is complete, with a one-line summary of what changed.",
       object({{"summary", {{"type", "string"}}}}, {"summary"})},
  };
}

std::variant<AgentTools::FileState*, std::string> AgentTools::file(const std::string& given_path) {
  auto resolved = workspace_.resolve(given_path);
  if (auto* refusal = std::get_if<std::string>(&resolved)) return *refusal;
  const ConfinedPath& confined = std::get<ConfinedPath>(resolved);
  if (auto it = files_.find(confined.absolute); it != files_.end()) return &it->second;
  FileState state;
  state.path = confined.absolute;
  if (auto open = find_open_ ? find_open_(confined.absolute) : std::nullopt) {
    state.uri = open->uri;
    state.base = std::move(open->text);
    state.version = open->version;
  } else {
    std::string why;
    auto text = read_disk(confined.absolute, why);
    if (!text) return "'" + given_path + "' " + why;
    state.uri = uri_from_path(confined.absolute);
    state.base = std::move(*text);
  }
  if (looks_binary(state.base)) return "'" + given_path + "' is a binary file";
  state.working = state.base;
  return &files_.emplace(confined.absolute, std::move(state)).first->second;
}

ToolResult AgentTools::read_file(const json& args) {
  bool ok = true;
  std::string path = string_arg(args, "path", ok);
  if (!ok) return error("read_file needs a string 'path'");
  auto got = file(path);
  if (auto* why = std::get_if<std::string>(&got)) return error(*why);
  const std::string& text = std::get<FileState*>(got)->working;
  if (text.size() <= kMaxReadBytes) return ToolResult{true, text};
  return ToolResult{true, text.substr(0, kMaxReadBytes) + "\n[... truncated: the file has " +
                              std::to_string(text.size()) + " bytes; search_text finds the rest]"};
}

ToolResult AgentTools::list_dir(const json& args) {
  bool ok = true;
  std::string path = string_arg(args, "path", ok);
  if (!ok) path = ".";
  auto resolved = workspace_.resolve(path);
  if (auto* refusal = std::get_if<std::string>(&resolved)) return error(*refusal);
  const fs::path& dir = std::get<ConfinedPath>(resolved).absolute;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return error("'" + path + "' is not a folder");
  std::vector<std::string> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name == ".git") continue;
    std::error_code type_ec;
    bool is_dir = it->is_directory(type_ec);
    std::error_code canonical_ec;
    fs::path canonical = fs::weakly_canonical(it->path(), canonical_ec);
    // Private entries are left out (a symlink is judged by what it points at).
    if (canonical_ec || workspace_.why_private(canonical, is_dir)) continue;
    entries.push_back(name + (is_dir ? "/" : ""));
  }
  if (ec) return error("'" + path + "' cannot be listed: " + ec.message());
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (size_t i = 0; i < entries.size() && i < kMaxListEntries; ++i) out += entries[i] + "\n";
  if (entries.size() > kMaxListEntries) {
    out += "[... " + std::to_string(entries.size() - kMaxListEntries) + " more]\n";
  }
  if (out.empty()) out = "(empty folder)\n";
  return ToolResult{true, out};
}

ToolResult AgentTools::propose_edit(const json& args) {
  bool ok = true;
  std::string path = string_arg(args, "path", ok);
  std::string old_text = string_arg(args, "old_text", ok);
  std::string new_text = string_arg(args, "new_text", ok);
  if (!ok) return error("propose_edit needs strings 'path', 'old_text' and 'new_text'");
  auto got = file(path);
  if (auto* why = std::get_if<std::string>(&got)) {
    return error(*why + " (creating files is not supported: edit existing files only)");
  }
  FileState& state = *std::get<FileState*>(got);
  if (old_text.empty()) {
    if (!state.working.empty()) {
      return error("old_text is empty: give the exact text to replace (it must occur once)");
    }
    state.working = new_text;
    return ToolResult{true, "wrote " + std::to_string(count_lines(new_text)) + " lines to " + path};
  }
  size_t first = state.working.find(old_text);
  if (first == std::string::npos) {
    return error("old_text was not found in '" + path +
                 "': read the file again and copy the text exactly (whitespace included)");
  }
  size_t count = 0;
  for (size_t at = first; at != std::string::npos; at = state.working.find(old_text, at + 1))
    ++count;
  if (count > 1) {
    return error("old_text occurs " + std::to_string(count) + " times in '" + path +
                 "': include more surrounding lines so that it occurs once");
  }
  state.working.replace(first, old_text.size(), new_text);
  return ToolResult{true, "edited " + path + ": " + std::to_string(count_lines(old_text)) +
                              " lines replaced by " + std::to_string(count_lines(new_text))};
}

std::variant<SearchRequest, ToolResult> AgentTools::prepare_search(
    const json& args, const std::vector<OpenText>& open) {
  bool ok = true;
  std::string query = string_arg(args, "query", ok);
  if (!ok || query.empty()) return error("search_text needs a non-empty string 'query'");
  std::string path = ".";
  if (auto it = args.find("path"); it != args.end() && it->is_string())
    path = it->get<std::string>();
  auto resolved = workspace_.resolve(path);
  if (auto* refusal = std::get_if<std::string>(&resolved)) return error(*refusal);
  SearchRequest request;
  request.query = std::move(query);
  request.under = std::get<ConfinedPath>(resolved).absolute;
  for (const OpenText& doc : open) {
    if (workspace_.contains(doc.path)) request.overrides[doc.path] = doc.text;
  }
  for (const auto& [p, state] : files_) request.overrides[p] = state.working;
  return request;
}

std::vector<FileEdit> AgentTools::edits() const {
  std::vector<FileEdit> out;
  for (const auto& [p, state] : files_) {
    if (state.working == state.base) continue;
    FileEdit edit;
    edit.uri = state.uri;
    edit.path = state.path.string();
    edit.base_text = state.base;
    edit.base_version = state.version;
    edit.replacements = diff_lines(state.base, state.working);
    out.push_back(std::move(edit));
  }
  return out;
}

ToolResult search_text(const Workspace& workspace, const SearchRequest& request,
                       const std::atomic<bool>& cancelled) {
  std::string out;
  size_t hits = 0;
  bool capped = false;
  auto search_in = [&](const fs::path& path, std::string_view text) {
    if (looks_binary(text) || text.find(request.query) == std::string_view::npos) return;
    size_t line_no = 0;
    for (size_t start = 0; start <= text.size() && !capped;) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      ++line_no;
      std::string_view line = text.substr(start, end - start);
      if (line.find(request.query) != std::string_view::npos) {
        if (hits++ >= kMaxSearchHits) {
          capped = true;
          return;
        }
        if (line.size() > kMaxHitLine) line = line.substr(0, kMaxHitLine);
        out += workspace.relative(path) + ":" + std::to_string(line_no) + ": " + std::string(line) +
               "\n";
      }
      start = end + 1;
    }
  };
  auto visit_file = [&](const fs::path& path) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path, ec);
    if (ec || !workspace.contains(canonical)) return;  // a symlink out of the workspace
    if (workspace.why_private(canonical, false)) return;
    if (auto it = request.overrides.find(canonical); it != request.overrides.end()) {
      search_in(canonical, it->second);
      return;
    }
    if (!fs::is_regular_file(canonical, ec) || fs::file_size(canonical, ec) > kMaxSearchFileBytes)
      return;
    std::ifstream in(canonical, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    search_in(canonical, text.str());
  };
  std::error_code ec;
  if (fs::is_directory(request.under, ec)) {
    fs::recursive_directory_iterator it(request.under,
                                        fs::directory_options::skip_permission_denied, ec);
    for (fs::recursive_directory_iterator end; !ec && it != end && !capped; it.increment(ec)) {
      if (cancelled.load(std::memory_order_relaxed)) return error("cancelled");
      std::error_code type_ec;
      if (it->is_directory(type_ec)) {
        std::error_code canonical_ec;
        fs::path canonical = fs::weakly_canonical(it->path(), canonical_ec);
        if (skipped_folder(it->path().filename()) || canonical_ec ||
            workspace.why_private(canonical, true))
          it.disable_recursion_pending();
        continue;
      }
      visit_file(it->path());
    }
  } else {
    visit_file(request.under);
  }
  if (out.empty()) return ToolResult{true, "no matches for '" + request.query + "'\n"};
  if (capped) out += "[... more matches: narrow the search with 'path']\n";
  return ToolResult{true, out};
}

}  // namespace flint::jobs
