#pragma once
// A job's result as LSP: the one WorkspaceEdit that lands it, and the reading of a
// WorkspaceEdit that an external command produced.
//
// Thread contract: on the server's thread (where `find_open` may look documents up). Files that are
// not open are read from disk here; they are a job's few result files, not a tree walk.

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "protocol/lsp_types.h"
#include "protocol/position_encoding.h"
#include "server/jobs/file_edits.h"
#include "server/jobs/open_text.h"
#include "server/jobs/workspace.h"

namespace flint::jobs {

struct WorkspaceEditOptions {
  std::string label;          // "flint: <title>"
  std::string annotation_id;  // one change annotation for the whole job
  std::string annotation_description;
  bool document_changes = true;  // client supports versioned TextDocumentEdits
};

struct BuiltWorkspaceEdit {
  protocol::WorkspaceEdit edit;
  size_t files = 0;
  // Open documents edited, with the version each edit was made for.
  std::map<std::string, int64_t> versions;
};

// One WorkspaceEdit for every file. Open documents get edits for their current version, moved
// (rebased) when the document changed since the job read it; files that are not open get
// `version: null` edits against their text on disk, rebased likewise. The error names the
// first file whose edits cannot be placed any more, or that is gone.
// Open documents come from `find_open` (by canonical path); ranges are in `encoding`.
std::variant<BuiltWorkspaceEdit, std::string> build_workspace_edit(
    const FindOpenDocument& find_open, protocol::PositionEncoding encoding,
    const std::vector<FileEdit>& edits, const WorkspaceEditOptions& options);

// A job's result for one file as the person would see it before applying: the text now and
// the text once the edits (placed in the text now) are applied.
struct PreviewFile {
  std::string uri;
  std::string current;
  std::string proposed;
  size_t changes = 0;
};

// Every file's preview, or why the edits cannot be placed (as build_workspace_edit says it).
std::variant<std::vector<PreviewFile>, std::string> preview_edits(
    const FindOpenDocument& find_open, const std::vector<FileEdit>& edits);

// Reads an LSP WorkspaceEdit (`changes` or `documentChanges` with TextDocumentEdits; positions
// in UTF-16, against the files on disk) into file edits. Refuses files outside the workspace,
// missing files, resource operations and overlapping edits. The edits are reduced to the lines
// that differ (a whole-file replacement becomes its changed lines).
std::variant<std::vector<FileEdit>, std::string> file_edits_from_workspace_edit(
    const nlohmann::json& workspace_edit, const Workspace& workspace);

// "1 file changed", "3 files changed".
std::string files_changed(size_t n);

}  // namespace flint::jobs
