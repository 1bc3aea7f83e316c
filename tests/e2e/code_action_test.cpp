// End-to-end code actions: real flint-lsp over pipes, a scripted editor and the loopback
// endpoint (openai-chat) behind the flint.inlineEdit commands the actions carry.
#include <gtest/gtest.h>

#include "tests/e2e/fixtures.h"
#include "tests/e2e/harness.h"

namespace flint {
namespace {

using nlohmann::json;
using test::EditorClient;
using test::EditorOptions;
using test::kShapesUri;
using test::kUnknownUri;
using test::lsp_range;

const std::string kPython =
    "import math\n"
    "\n"
    "\n"
    "def area(r):\n"
    "    result = math.pi * r * r\n"
    "    if result > 0:\n"
    "        return result\n"
    "    else:\n"
    "        return result\n"
    "\n"
    "\n"
    "print(area(2))\n";

json diagnostic(json r, const std::string& message) {
  return json{
      {"range", std::move(r)}, {"severity", 1}, {"source", "pyright"}, {"message", message}};
}

struct Harness : e2e::ModelHarness {
  explicit Harness(json script = json::object(), EditorOptions options = {})
      : ModelHarness(std::move(script), {.api_key = ""}, std::move(options)) {
    editor->open(kShapesUri, "python", kPython);
  }
  json actions(json r, json diagnostics = json::array(), json only = nullptr,
               const std::string& uri = kShapesUri) {
    json context{{"diagnostics", std::move(diagnostics)}};
    if (!only.is_null()) context["only"] = std::move(only);
    return editor->request("textDocument/codeAction", json{{"textDocument", {{"uri", uri}}},
                                                           {"range", std::move(r)},
                                                           {"context", std::move(context)}});
  }
};

const json* find_action(const json& actions, const std::string& title) {
  for (const json& a : actions) {
    if (a["title"] == title) return &a;
  }
  return nullptr;
}

TEST(CodeActions, AreAdvertisedWithTheirKinds) {
  Harness h;
  json provider = h.editor->initialize_result()["capabilities"]["codeActionProvider"];
  EXPECT_EQ(provider["codeActionKinds"], (json{"refactor.rewrite", "quickfix"}));
}

TEST(CodeActions, ARangeGetsTheFlintPresets) {
  Harness h;
  json response = h.actions(lsp_range(4, 4, 6, 21));
  ASSERT_TRUE(response.contains("result")) << response.dump();
  const json& actions = response["result"];
  std::vector<std::string> titles;
  for (const json& a : actions) titles.push_back(a["title"]);
  EXPECT_EQ(titles,
            (std::vector<std::string>{"flint: Fix", "flint: Simplify", "flint: Document",
                                      "flint: Add types", "flint: Edit with instruction\u2026"}));
  for (const json& a : actions) {
    EXPECT_EQ(a["kind"], "refactor.rewrite") << a.dump();
    EXPECT_FALSE(a.contains("diagnostics")) << a.dump();
    const json& command = a["command"];
    EXPECT_EQ(command["title"], a["title"]);
    const json& argument = command["arguments"][0];
    EXPECT_EQ(argument["textDocument"]["uri"], kShapesUri);
    EXPECT_EQ(argument["range"], lsp_range(4, 4, 6, 21));
    if (a["title"] == "flint: Edit with instruction\u2026") {
      EXPECT_EQ(command["command"], "flint.promptEdit");
      EXPECT_FALSE(argument.contains("instruction"));
    } else {
      EXPECT_EQ(command["command"], "flint.inlineEdit");
      EXPECT_GT(argument["instruction"].get<std::string>().size(), 40u);
    }
  }
}

TEST(CodeActions, ADiagnosticOnTheRangesLinesMakesFixAQuickfix) {
  Harness h;
  // The cursor is on the diagnostic's line, not inside its columns (Neovim sends the
  // diagnostics of the cursor's line).
  json inside = diagnostic(lsp_range(5, 7, 5, 13), "Condition is always true");
  json elsewhere = diagnostic(lsp_range(11, 0, 11, 5), "print is shadowed");
  json response = h.actions(lsp_range(5, 0, 5, 0), json::array({inside, elsewhere}));
  ASSERT_TRUE(response.contains("result")) << response.dump();
  const json* fix = find_action(response["result"], "flint: Fix");
  ASSERT_TRUE(fix);
  EXPECT_EQ((*fix)["kind"], "quickfix");
  EXPECT_EQ((*fix)["diagnostics"], json::array({inside}));
  std::string instruction = (*fix)["command"]["arguments"][0]["instruction"];
  EXPECT_NE(instruction.find("line 6: Condition is always true (pyright)"), std::string::npos)
      << instruction;
  EXPECT_EQ(instruction.find("shadowed"), std::string::npos);
  const json* simplify = find_action(response["result"], "flint: Simplify");
  ASSERT_TRUE(simplify);
  EXPECT_EQ((*simplify)["kind"], "refactor.rewrite");
}

TEST(CodeActions, OnlyFiltersByKind) {
  Harness h;
  json inside = diagnostic(lsp_range(5, 7, 5, 13), "Condition is always true");
  json quickfixes =
      h.actions(lsp_range(5, 0, 5, 0), json::array({inside}), json::array({"quickfix"}));
  ASSERT_EQ(quickfixes["result"].size(), 1u) << quickfixes.dump();
  EXPECT_EQ(quickfixes["result"][0]["title"], "flint: Fix");
  json none = h.actions(lsp_range(5, 0, 5, 0), json::array(), json::array({"quickfix"}));
  EXPECT_TRUE(none["result"].empty()) << none.dump();
  json refactors =
      h.actions(lsp_range(5, 0, 5, 0), json::array({inside}), json::array({"refactor"}));
  EXPECT_EQ(refactors["result"].size(), 4u) << refactors.dump();
  json sources =
      h.actions(lsp_range(5, 0, 5, 0), json::array(), json::array({"source.organizeImports"}));
  EXPECT_TRUE(sources["result"].empty());
}

TEST(CodeActions, ExecutingOneStreamsAnEdit) {
  const std::string simpler = "def area(r):\n    return math.pi * r * r\n";
  Harness h(
      json{{"rules", json::array({{{"match", "Simplify this code"},
                                   {"reply", {{"text", simpler}, {"tokensPerSecond", 2000}}}}})}});
  json response = h.actions(lsp_range(5, 4, 5, 4));
  const json* simplify = find_action(response["result"], "flint: Simplify");
  ASSERT_TRUE(simplify) << response.dump();
  const json& command = (*simplify)["command"];
  json result = h.editor->execute(command["command"], command["arguments"][0]);
  ASSERT_TRUE(result.contains("result")) << result.dump() << h.editor->server_stderr();
  EXPECT_EQ(result["result"]["state"], "done") << result.dump();
  EXPECT_GE(result["result"]["stats"]["edits"].get<int>(), 1);
  EXPECT_EQ(h.editor->text(kShapesUri), "import math\n\n\n" + simpler + "\n\nprint(area(2))\n");
  ASSERT_EQ(h.endpoint.requests().size(), 1u);
  EXPECT_NE(h.endpoint.requests()[0].body.find("without changing its behaviour"),
            std::string::npos);
}

TEST(CodeActions, UnknownDocumentsAndBadRanges) {
  Harness h;
  json unknown = h.actions(lsp_range(0, 0, 0, 0), json::array(), nullptr, kUnknownUri);
  ASSERT_TRUE(unknown.contains("result")) << unknown.dump();
  EXPECT_TRUE(unknown["result"].is_array());
  EXPECT_TRUE(unknown["result"].empty());
  EXPECT_EQ(h.actions(lsp_range(400, 0, 401, 0))["error"]["code"], -32602);
  EXPECT_EQ(h.actions(lsp_range(5, 6, 5, 2))["error"]["code"], -32602);
  json missing =
      h.editor->request("textDocument/codeAction",
                        json{{"textDocument", {{"uri", kShapesUri}}}, {"context", json::object()}});
  EXPECT_EQ(missing["error"]["code"], -32602);
  EXPECT_NE(missing["error"]["message"].get<std::string>().find("range"), std::string::npos);
  json bad_diagnostic =
      h.actions(lsp_range(0, 0, 0, 0), json::array({json{{"message", "no range"}}}));
  EXPECT_EQ(bad_diagnostic["error"]["code"], -32602);
  // No context at all is tolerated.
  json bare = h.editor->request(
      "textDocument/codeAction",
      json{{"textDocument", {{"uri", kShapesUri}}}, {"range", lsp_range(0, 0, 0, 0)}});
  ASSERT_TRUE(bare.contains("result")) << bare.dump();
  EXPECT_FALSE(bare["result"].empty());
}

}  // namespace
}  // namespace flint
