#pragma once
// The built-in agent's tools: read a file, list a folder, search text, propose an edit,
// finish. Every path goes through the Workspace (refusals are returned to the model as tool
// errors, and the job goes on). Open documents are read from the editor's text (unsaved text
// wins), other files from disk. Edits are exact replacements of a unique `old_text` in the
// job's working copy of a file; the copy starts as the text first read, which is what the
// result is computed against.
//
// Thread contract: AgentTools lives on the job's executor thread. search_text() is the
// blocking part (a walk of the tree) and takes only values, so it can run on a worker.

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "server/jobs/file_edits.h"
#include "server/jobs/open_text.h"
#include "server/jobs/workspace.h"
#include "server/models/model_types.h"

namespace flint::jobs {

struct ToolResult {
  bool ok = false;
  std::string content;  // what the model reads
};

struct SearchRequest {
  std::string query;
  std::filesystem::path under;  // canonical folder or file
  // Texts that win over the disk's (open documents, the job's edited copies), by canonical path.
  std::map<std::filesystem::path, std::string> overrides;
};

// Literal, case-sensitive search; "relative/path:line: text" lines, capped. Skips hidden
// folders (.git among them), node_modules, private files and folders (the workspace's
// privacy), binary files and files over 2 MiB. Stops early when `cancelled`.
ToolResult search_text(const Workspace& workspace, const SearchRequest& request,
                       const std::atomic<bool>& cancelled);

class AgentTools {
 public:
  static constexpr const char* kReadFile = "read_file";
  static constexpr const char* kListDir = "list_dir";
  static constexpr const char* kSearchText = "search_text";
  static constexpr const char* kProposeEdit = "propose_edit";
  static constexpr const char* kFinish = "finish";

  AgentTools(Workspace workspace, FindOpenDocument find_open);

  static std::vector<models::ToolSpec> specs();

  const Workspace& workspace() const { return workspace_; }

  ToolResult read_file(const nlohmann::json& args);
  ToolResult list_dir(const nlohmann::json& args);
  ToolResult propose_edit(const nlohmann::json& args);
  // The search to run (on a worker), or the refusal.
  std::variant<SearchRequest, ToolResult> prepare_search(const nlohmann::json& args,
                                                         const std::vector<OpenText>& open);

  // Files whose working copy differs from the text first read, as edits against that text.
  std::vector<FileEdit> edits() const;

 private:
  struct FileState {
    std::string uri;
    std::filesystem::path path;
    std::string base;
    std::optional<int64_t> version;
    std::string working;
  };
  // The job's copy of a file, read on first use. Error text when it cannot be read.
  std::variant<FileState*, std::string> file(const std::string& given_path);

  Workspace workspace_;
  FindOpenDocument find_open_;
  std::map<std::filesystem::path, FileState> files_;
};

// Arguments as JSON (models sometimes send invalid JSON: the error says so).
std::variant<nlohmann::json, std::string> parse_tool_arguments(const std::string& text);

}  // namespace flint::jobs
