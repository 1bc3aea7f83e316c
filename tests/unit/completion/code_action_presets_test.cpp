// flint's code action presets: which a range gets, their kinds and instructions.
#include "server/completion/code_action_presets.h"

#include <gtest/gtest.h>

namespace flint {
namespace {

std::vector<std::string> titles(const std::vector<CodeActionPreset>& presets) {
  std::vector<std::string> out;
  for (const auto& p : presets) out.push_back(p.title);
  return out;
}

const CodeActionPreset& find(const std::vector<CodeActionPreset>& presets, std::string_view title) {
  for (const auto& p : presets) {
    if (p.title == title) return p;
  }
  throw std::runtime_error("no preset " + std::string(title));
}

TEST(CodeActionPresets, PythonGetsEveryPresetInOrder) {
  CodeActionRequest request{"python", {}, true};
  auto presets = code_action_presets(request);
  EXPECT_EQ(titles(presets),
            (std::vector<std::string>{"flint: Fix", "flint: Simplify", "flint: Document",
                                      "flint: Add types", "flint: Edit with instruction\u2026"}));
  for (const auto& p : presets) {
    EXPECT_EQ(p.kind, "refactor.rewrite") << p.title;
    if (p.command == "flint.inlineEdit") {
      EXPECT_GT(p.instruction.size(), 40u) << p.title;
    } else {
      EXPECT_EQ(p.command, "flint.promptEdit");
      EXPECT_TRUE(p.instruction.empty());
    }
  }
  EXPECT_NE(find(presets, "flint: Document").instruction.find("docstring"), std::string::npos);
  EXPECT_NE(find(presets, "flint: Add types").instruction.find("type hints"), std::string::npos);
  EXPECT_FALSE(find(presets, "flint: Fix").fixes_diagnostics);
}

TEST(CodeActionPresets, DiagnosticsMakeFixAQuickfixThatNamesThem) {
  CodeActionRequest request{
      "python", {{"\"x\" is not defined", "pyright", 4}, {"unused import os", "", 1}}, false};
  auto presets = code_action_presets(request);
  const CodeActionPreset& fix = find(presets, "flint: Fix");
  EXPECT_EQ(fix.kind, "quickfix");
  EXPECT_TRUE(fix.fixes_diagnostics);
  EXPECT_NE(fix.instruction.find("- line 4: \"x\" is not defined (pyright)"), std::string::npos)
      << fix.instruction;
  EXPECT_TRUE(fix.instruction.ends_with("\n- line 1: unused import os")) << fix.instruction;
  EXPECT_NE(fix.instruction.find("problems"), std::string::npos);
  // Without a client that prompts, no "Edit with instruction".
  for (const auto& p : presets) EXPECT_NE(p.command, "flint.promptEdit");
  for (const auto& p : presets) {
    if (p.title != "flint: Fix") {
      EXPECT_EQ(p.kind, "refactor.rewrite");
    }
  }
}

TEST(CodeActionPresets, TypesOnlyWhereTheyAreOptional) {
  for (std::string_view language :
       {"python", "typescript", "typescriptreact", "javascript", "lua"}) {
    EXPECT_TRUE(has_optional_types(language)) << language;
    EXPECT_EQ(code_action_presets({std::string(language), {}, false}).size(), 4u) << language;
  }
  for (std::string_view language : {"rust", "go", "java", "c", "cpp", "json", "plaintext"}) {
    EXPECT_FALSE(has_optional_types(language)) << language;
    EXPECT_EQ(code_action_presets({std::string(language), {}, false}).size(), 3u) << language;
  }
}

TEST(CodeActionPresets, DocumentationStyleFollowsTheLanguage) {
  auto doc = [](std::string language) {
    return find(code_action_presets({language, {}, false}), "flint: Document").instruction;
  };
  EXPECT_NE(doc("rust").find("///"), std::string::npos);
  EXPECT_NE(doc("typescript").find("TSDoc"), std::string::npos);
  EXPECT_NE(doc("lua").find("LuaCATS"), std::string::npos);
  EXPECT_NE(doc("haskell").find("usual style"), std::string::npos);
}

TEST(CodeActionPresets, OnlyFiltersByKindHierarchy) {
  EXPECT_TRUE(code_action_kind_matches("refactor.rewrite", {}));
  EXPECT_TRUE(code_action_kind_matches("refactor.rewrite", {"refactor"}));
  EXPECT_TRUE(code_action_kind_matches("refactor.rewrite", {"quickfix", "refactor.rewrite"}));
  EXPECT_FALSE(code_action_kind_matches("refactor.rewrite", {"refactor.extract"}));
  EXPECT_FALSE(code_action_kind_matches("refactor.rewrite", {"refactor.re"}));
  EXPECT_FALSE(code_action_kind_matches("quickfix", {"source"}));
  EXPECT_TRUE(code_action_kind_matches("quickfix", {"quickfix"}));
  EXPECT_FALSE(code_action_kind_matches("quickfix", {""}));
}

}  // namespace
}  // namespace flint
