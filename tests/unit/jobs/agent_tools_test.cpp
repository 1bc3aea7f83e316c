// The built-in agent's tools on a temporary workspace: reads prefer the editor's text, edits
// are exact and unique, searches see the job's own edits, and no path leads out.
#include "server/jobs/agent_tools.h"

#include <gtest/gtest.h>

#include "tests/unit/jobs/temp_workspace.h"

namespace flint::jobs {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::TempWorkspace;

struct Rig {
  Rig() {
    tmp.write("proj/src/app.py", "def main():\n    return helper()\n");
    tmp.write("proj/src/util.py", "def helper():\n    return 1\n\n\ndef other():\n    return 1\n");
    tmp.write("proj/.hidden/x.py", "helper\n");
    tmp.write("outside.txt", "top secret helper\n");
    fs::create_symlink(tmp.path("outside.txt"), tmp.path("proj/src/leak.txt"));
    open_uri = uri_from_path(tmp.path("proj/src/app.py"));
  }
  AgentTools tools() {
    return AgentTools(Workspace({tmp.path("proj")}),
                      [this](const fs::path& p) -> std::optional<OpenText> {
                        if (p != tmp.path("proj/src/app.py")) return std::nullopt;
                        return OpenText{open_uri, p, open_text, 7};
                      });
  }
  TempWorkspace tmp;
  std::string open_uri;
  std::string open_text = "def main():\n    return helper()  # unsaved\n";
};

TEST(AgentTools, SpecsNameEveryTool) {
  auto specs = AgentTools::specs();
  std::vector<std::string> names;
  for (const auto& s : specs) {
    names.push_back(s.name);
    EXPECT_EQ(s.parameters["type"], "object");
  }
  EXPECT_EQ(names, (std::vector<std::string>{"read_file", "list_dir", "search_text", "propose_edit",
                                             "finish"}));
}

TEST(AgentTools, ReadsOpenDocumentsFromTheEditorAndOthersFromDisk) {
  Rig rig;
  AgentTools tools = rig.tools();
  auto open = tools.read_file(json{{"path", "src/app.py"}});
  EXPECT_TRUE(open.ok);
  EXPECT_EQ(open.content, rig.open_text);
  auto disk = tools.read_file(json{{"path", "src/util.py"}});
  EXPECT_TRUE(disk.ok);
  EXPECT_EQ(disk.content, rig.tmp.read("proj/src/util.py"));
  auto missing = tools.read_file(json{{"path", "src/nope.py"}});
  EXPECT_FALSE(missing.ok);
  EXPECT_NE(missing.content.find("does not exist"), std::string::npos);
  EXPECT_FALSE(tools.read_file(json{{"file", "x"}}).ok);
}

TEST(AgentTools, EscapesAreRefusedAsToolErrors) {
  Rig rig;
  AgentTools tools = rig.tools();
  for (const char* path : {"../../etc/passwd", "/etc/passwd", "../outside.txt", "src/leak.txt"}) {
    auto read = tools.read_file(json{{"path", path}});
    EXPECT_FALSE(read.ok) << path;
    EXPECT_EQ(read.content.rfind("error: ", 0), 0u) << read.content;
    EXPECT_EQ(read.content.find("top secret"), std::string::npos);
    auto edit = tools.propose_edit(json{{"path", path}, {"old_text", "top"}, {"new_text", "x"}});
    EXPECT_FALSE(edit.ok) << path;
  }
  EXPECT_FALSE(tools.list_dir(json{{"path", ".."}}).ok);
  EXPECT_FALSE(std::holds_alternative<SearchRequest>(
      tools.prepare_search(json{{"query", "x"}, {"path", "/"}}, {})));
  EXPECT_TRUE(tools.edits().empty());
  EXPECT_EQ(rig.tmp.read("outside.txt"), "top secret helper\n");
}

TEST(AgentTools, ProposeEditNeedsAUniqueExactMatch) {
  Rig rig;
  AgentTools tools = rig.tools();
  auto none = tools.propose_edit(
      json{{"path", "src/util.py"}, {"old_text", "return 2"}, {"new_text", "x"}});
  EXPECT_FALSE(none.ok);
  EXPECT_NE(none.content.find("not found"), std::string::npos);
  auto many = tools.propose_edit(
      json{{"path", "src/util.py"}, {"old_text", "return 1"}, {"new_text", "x"}});
  EXPECT_FALSE(many.ok);
  EXPECT_NE(many.content.find("2 times"), std::string::npos);
  auto ok = tools.propose_edit(json{{"path", "src/util.py"},
                                    {"old_text", "def helper():\n    return 1"},
                                    {"new_text", "def helper():\n    return 42"}});
  EXPECT_TRUE(ok.ok) << ok.content;
  // Later reads see the job's edit; the disk does not change.
  EXPECT_NE(tools.read_file(json{{"path", "src/util.py"}}).content.find("return 42"),
            std::string::npos);
  EXPECT_EQ(rig.tmp.read("proj/src/util.py").find("42"), std::string::npos);
  auto created =
      tools.propose_edit(json{{"path", "src/new.py"}, {"old_text", ""}, {"new_text", "x"}});
  EXPECT_FALSE(created.ok);
  EXPECT_NE(created.content.find("creating files is not supported"), std::string::npos);
  EXPECT_FALSE(
      tools.propose_edit(json{{"path", "src/util.py"}, {"old_text", ""}, {"new_text", "x"}}).ok);
}

TEST(AgentTools, EditsAreAgainstTheTextFirstRead) {
  Rig rig;
  AgentTools tools = rig.tools();
  ASSERT_TRUE(tools
                  .propose_edit(json{
                      {"path", "src/app.py"}, {"old_text", "# unsaved"}, {"new_text", "# saved"}})
                  .ok);
  ASSERT_TRUE(
      tools
          .propose_edit(
              json{{"path", "src/util.py"}, {"old_text", "def other"}, {"new_text", "def another"}})
          .ok);
  auto edits = tools.edits();
  ASSERT_EQ(edits.size(), 2u);
  const FileEdit* app = edits[0].uri == rig.open_uri ? &edits[0] : &edits[1];
  const FileEdit* util = app == &edits[0] ? &edits[1] : &edits[0];
  EXPECT_EQ(app->base_text, rig.open_text);
  EXPECT_EQ(app->base_version, 7);
  EXPECT_EQ(apply_replacements(app->base_text, app->replacements),
            "def main():\n    return helper()  # saved\n");
  EXPECT_FALSE(util->base_version);
  EXPECT_EQ(util->path, rig.tmp.path("proj/src/util.py").string());
  ASSERT_EQ(util->replacements.size(), 1u);
  EXPECT_EQ(util->replacements[0].text, "def another():\n");
}

TEST(AgentTools, ListDirShowsFolders) {
  Rig rig;
  AgentTools tools = rig.tools();
  auto root = tools.list_dir(json{{"path", "."}});
  EXPECT_TRUE(root.ok);
  EXPECT_EQ(root.content, ".hidden/\nsrc/\n");
  EXPECT_FALSE(tools.list_dir(json{{"path", "src/app.py"}}).ok);
}

TEST(AgentTools, SearchSeesOpenTextsAndJobEditsButNotHiddenOrOutside) {
  Rig rig;
  AgentTools tools = rig.tools();
  ASSERT_TRUE(
      tools
          .propose_edit(json{
              {"path", "src/util.py"}, {"old_text", "def other"}, {"new_text", "def helper_two"}})
          .ok);
  std::vector<OpenText> open{{rig.open_uri, rig.tmp.path("proj/src/app.py"), rig.open_text, 7}};
  auto prepared = tools.prepare_search(json{{"query", "helper"}}, open);
  ASSERT_TRUE(std::holds_alternative<SearchRequest>(prepared));
  std::atomic<bool> cancelled{false};
  ToolResult result = search_text(tools.workspace(), std::get<SearchRequest>(prepared), cancelled);
  EXPECT_TRUE(result.ok);
  EXPECT_NE(result.content.find("src/app.py:2:     return helper()  # unsaved"), std::string::npos)
      << result.content;
  EXPECT_NE(result.content.find("src/util.py:1: def helper():"), std::string::npos)
      << result.content;
  EXPECT_NE(result.content.find("src/util.py:5: def helper_two():"), std::string::npos)
      << result.content;
  EXPECT_EQ(result.content.find(".hidden"), std::string::npos) << result.content;
  EXPECT_EQ(result.content.find("top secret"), std::string::npos) << result.content;
  auto none = tools.prepare_search(json{{"query", "zzz_nothing"}, {"path", "src"}}, {});
  EXPECT_NE(search_text(tools.workspace(), std::get<SearchRequest>(none), cancelled)
                .content.find("no matches"),
            std::string::npos);
}

TEST(AgentTools, ArgumentsMustBeAJsonObject) {
  EXPECT_TRUE(std::holds_alternative<json>(parse_tool_arguments(R"({"path": "a"})")));
  EXPECT_TRUE(std::holds_alternative<json>(parse_tool_arguments("")));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_tool_arguments("{\"path\": ")));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_tool_arguments("[1]")));
}

}  // namespace
}  // namespace flint::jobs
