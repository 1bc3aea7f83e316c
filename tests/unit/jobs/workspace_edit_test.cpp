// A job's result as one WorkspaceEdit: versioned edits for open documents (moved when the
// person typed meanwhile, refused when they changed the same lines), `version: null` for files
// on disk, one change annotation asking for confirmation; and a command's WorkspaceEdit read
// back into file edits.
#include "server/jobs/workspace_edit.h"

#include <gtest/gtest.h>

#include "server/documents.h"
#include "tests/unit/jobs/temp_workspace.h"

namespace flint::jobs {
namespace {

using nlohmann::json;
using test::TempWorkspace;

const std::string kText = "a = 1\nb = 2\nc = 3\n";

FileEdit change_b(const std::string& uri, const std::string& path, std::optional<int64_t> version) {
  FileEdit edit;
  edit.uri = uri;
  edit.path = path;
  edit.base_text = kText;
  edit.base_version = version;
  edit.replacements = diff_lines(kText, "a = 1\nb = 20\nc = 3\n");
  return edit;
}

// The server's lookup of open documents, as jobs see it.
FindOpenDocument finder(DocumentStore& store) {
  return [&store](const std::filesystem::path& canonical) -> std::optional<OpenText> {
    std::optional<OpenText> found;
    store.for_each([&](Document& doc) {
      auto path = path_from_uri(doc.uri);
      if (!found && path && std::filesystem::weakly_canonical(*path) == canonical)
        found = OpenText{doc.uri, canonical, doc.text.text(), doc.version};
    });
    return found;
  };
}

WorkspaceEditOptions options() {
  WorkspaceEditOptions o;
  o.label = "flint: bump b";
  o.annotation_id = "flint.job-1";
  return o;
}

TEST(BuildWorkspaceEdit, OpenDocumentsAreVersionedAndDiskFilesAreNot) {
  TempWorkspace tmp;
  tmp.write("open.py", kText);
  tmp.write("disk.py", kText);
  std::string open_uri = uri_from_path(tmp.path("open.py"));
  std::string disk_uri = uri_from_path(tmp.path("disk.py"));
  DocumentStore store;
  store.open({open_uri, "python", 4, kText});
  auto built =
      build_workspace_edit(finder(store), store.encoding(),
                           {change_b(open_uri, tmp.path("open.py").string(), 4),
                            change_b(disk_uri, tmp.path("disk.py").string(), std::nullopt)},
                           options());
  ASSERT_TRUE(std::holds_alternative<BuiltWorkspaceEdit>(built)) << std::get<std::string>(built);
  const auto& b = std::get<BuiltWorkspaceEdit>(built);
  EXPECT_EQ(b.files, 2u);
  EXPECT_EQ(b.versions.at(open_uri), 4);
  const json edit = b.edit;
  const json& dc = edit["documentChanges"];
  ASSERT_EQ(dc.size(), 2u);
  EXPECT_EQ(dc[0]["textDocument"], json({{"uri", open_uri}, {"version", 4}}));
  EXPECT_TRUE(dc[1]["textDocument"]["version"].is_null());
  json expected_edit{
      {"range",
       {{"start", {{"line", 1}, {"character", 0}}}, {"end", {{"line", 2}, {"character", 0}}}}},
      {"newText", "b = 20\n"},
      {"annotationId", "flint.job-1"}};
  EXPECT_EQ(dc[0]["edits"], json::array({expected_edit}));
  EXPECT_EQ(dc[1]["edits"], json::array({expected_edit}));
  EXPECT_EQ(edit["changeAnnotations"]["flint.job-1"]["needsConfirmation"], true);
  EXPECT_EQ(edit["changeAnnotations"]["flint.job-1"]["label"], "flint: bump b");
}

TEST(BuildWorkspaceEdit, TypingAboveMovesTheEditToTheCurrentVersion) {
  TempWorkspace tmp;
  std::string uri = uri_from_path(tmp.path("f.py"));
  DocumentStore store;
  store.open({uri, "python", 1, kText});
  store.change({uri, 2}, {{protocol::Range{{0, 0}, {0, 0}}, "# new\n"}});
  auto built = build_workspace_edit(finder(store), store.encoding(),
                                    {change_b(uri, tmp.path("f.py").string(), 1)}, options());
  ASSERT_TRUE(std::holds_alternative<BuiltWorkspaceEdit>(built)) << std::get<std::string>(built);
  const json edit = std::get<BuiltWorkspaceEdit>(built).edit;
  const json& change = edit["documentChanges"][0];
  EXPECT_EQ(change["textDocument"]["version"], 2);
  EXPECT_EQ(change["edits"][0]["range"]["start"]["line"], 2);
}

TEST(BuildWorkspaceEdit, ChangedLinesAreReportedWithTheFileName) {
  TempWorkspace tmp;
  std::string uri = uri_from_path(tmp.path("f.py"));
  DocumentStore store;
  store.open({uri, "python", 1, kText});
  store.change({uri, 2}, {{protocol::Range{{1, 4}, {1, 5}}, "7"}});
  auto built = build_workspace_edit(finder(store), store.encoding(),
                                    {change_b(uri, tmp.path("f.py").string(), 1)}, options());
  ASSERT_TRUE(std::holds_alternative<std::string>(built));
  EXPECT_NE(std::get<std::string>(built).find("f.py changed since the job read it"),
            std::string::npos);
  // A file that went away is reported too.
  auto gone = build_workspace_edit(
      finder(store), store.encoding(),
      {change_b(uri_from_path(tmp.path("gone.py")), tmp.path("gone.py").string(), std::nullopt)},
      options());
  ASSERT_TRUE(std::holds_alternative<std::string>(gone));
  EXPECT_NE(std::get<std::string>(gone).find("gone.py no longer exists"), std::string::npos);
}

TEST(BuildWorkspaceEdit, ClientsWithoutDocumentChangesGetChanges) {
  TempWorkspace tmp;
  tmp.write("f.py", kText);
  std::string uri = uri_from_path(tmp.path("f.py"));
  DocumentStore store;
  WorkspaceEditOptions o = options();
  o.document_changes = false;
  auto built = build_workspace_edit(finder(store), store.encoding(),
                                    {change_b(uri, tmp.path("f.py").string(), std::nullopt)}, o);
  ASSERT_TRUE(std::holds_alternative<BuiltWorkspaceEdit>(built));
  const json edit = std::get<BuiltWorkspaceEdit>(built).edit;
  EXPECT_FALSE(edit.contains("documentChanges"));
  EXPECT_FALSE(edit.contains("changeAnnotations"));
  ASSERT_EQ(edit["changes"][uri].size(), 1u);
  EXPECT_FALSE(edit["changes"][uri][0].contains("annotationId"));
}

TEST(FileEditsFromWorkspaceEdit, WholeFileReplacementsShrinkToTheChangedLines) {
  TempWorkspace tmp;
  tmp.write("f.py", kText);
  std::string uri = uri_from_path(tmp.path("f.py"));
  json edit{
      {"changes",
       {{uri,
         {{{"range",
            {{"start", {{"line", 0}, {"character", 0}}}, {"end", {{"line", 3}, {"character", 0}}}}},
           {"newText", "a = 1\nb = 20\nc = 3\n"}}}}}}};
  auto got = file_edits_from_workspace_edit(edit, Workspace({tmp.root()}));
  ASSERT_TRUE(std::holds_alternative<std::vector<FileEdit>>(got)) << std::get<std::string>(got);
  const auto& edits = std::get<std::vector<FileEdit>>(got);
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].base_text, kText);
  EXPECT_FALSE(edits[0].base_version);
  ASSERT_EQ(edits[0].replacements.size(), 1u);
  EXPECT_EQ(edits[0].replacements[0].text, "b = 20\n");
}

TEST(FileEditsFromWorkspaceEdit, RefusesWhatItCannotUse) {
  TempWorkspace tmp;
  tmp.write("ws/f.py", kText);
  tmp.write("other.py", kText);
  Workspace ws({tmp.path("ws")});
  std::string uri = uri_from_path(tmp.path("ws/f.py"));
  auto refused = [&](const json& edit) {
    auto got = file_edits_from_workspace_edit(edit, ws);
    return std::holds_alternative<std::string>(got) ? std::get<std::string>(got) : std::string();
  };
  json one_edit = json::array(
      {{{"range",
         {{"start", {{"line", 0}, {"character", 0}}}, {"end", {{"line", 0}, {"character", 1}}}}},
        {"newText", "x"}}});
  EXPECT_NE(refused({{"changes", {{uri_from_path(tmp.path("other.py")), one_edit}}}})
                .find("outside the workspace"),
            std::string::npos);
  EXPECT_NE(refused({{"changes", {{uri_from_path(tmp.path("ws/new.py")), one_edit}}}})
                .find("does not exist"),
            std::string::npos);
  EXPECT_NE(refused({{"documentChanges", {{{"kind", "create"}, {"uri", uri}}}}})
                .find("only TextDocumentEdits"),
            std::string::npos);
  json overlapping = one_edit;
  overlapping.push_back(one_edit[0]);
  EXPECT_NE(refused({{"changes", {{uri, overlapping}}}}).find("overlap"), std::string::npos);
  json impossible = json::array(
      {{{"range",
         {{"start", {{"line", 9}, {"character", 0}}}, {"end", {{"line", 9}, {"character", 0}}}}},
        {"newText", "x"}}});
  EXPECT_NE(refused({{"changes", {{uri, impossible}}}}).find("impossible range"),
            std::string::npos);
  EXPECT_FALSE(refused(json::object()).empty());
  EXPECT_FALSE(refused({{"changes", {{"untitled:1", one_edit}}}}).empty());
  // documentChanges with a TextDocumentEdit are fine.
  EXPECT_EQ(
      refused({{"documentChanges",
                {{{"textDocument", {{"uri", uri}, {"version", nullptr}}}, {"edits", one_edit}}}}}),
      "");
}

TEST(FilesChanged, CountsFiles) {
  EXPECT_EQ(files_changed(1), "1 file changed");
  EXPECT_EQ(files_changed(3), "3 files changed");
}

}  // namespace
}  // namespace flint::jobs
