#include "parsers/language_registry.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "parsers/validation.h"
#include "test_support.h"

namespace flint::parsers::test {
namespace {

const std::vector<std::string> kLanguages = {"bash", "c",   "cpp",    "go",   "java", "javascript",
                                             "json", "lua", "python", "rust", "tsx",  "typescript"};

TEST(LanguageRegistry, LoadsEveryGrammarAndQueryWithoutErrors) {
  const auto& reg = registry();
  for (const auto& error : reg.errors()) ADD_FAILURE() << error;
  for (const auto& id : kLanguages) {
    const Language* language = reg.find(id);
    ASSERT_NE(language, nullptr) << id;
    EXPECT_NE(language->units(), nullptr) << id << " has no units query";
    // The runtime accepts the grammar's ABI.
    ParserPtr parser(ts_parser_new());
    EXPECT_TRUE(ts_parser_set_language(parser.get(), language->ts_language())) << id;
  }
  EXPECT_EQ(reg.languages().size(), kLanguages.size());
}

TEST(LanguageRegistry, EveryGrammarParsesItsSampleWithoutErrors) {
  std::filesystem::path dir =
      std::filesystem::path(FLINT_SOURCE_DIR) / "tests/unit/parsers/samples";
  size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const Language* language = registry().for_path(entry.path().string());
    ASSERT_NE(language, nullptr) << entry.path();
    std::ifstream file(entry.path(), std::ios::binary);
    std::stringstream text;
    text << file.rdbuf();
    std::string code = text.str();
    StringTextInput input(code);
    Tree tree = parse_text(*language, input);
    auto errors = syntax_errors(tree, ByteRange{0, input.size()});
    EXPECT_TRUE(errors.empty()) << entry.path() << ": first error at line "
                                << (errors.empty() ? 0 : errors[0].start.row + 1);
    EXPECT_GT(ts_node_named_child_count(tree.root()), 0u) << entry.path();
    ++checked;
  }
  EXPECT_EQ(checked, kLanguages.size()) << "one sample per language";
}

TEST(LanguageRegistry, MapsLspLanguageIds) {
  const auto& reg = registry();
  auto id_of = [&](std::string_view language_id) -> std::string {
    const Language* language = reg.for_language_id(language_id);
    return language ? std::string(language->id()) : "";
  };
  EXPECT_EQ(id_of("python"), "python");
  EXPECT_EQ(id_of("typescriptreact"), "tsx");
  EXPECT_EQ(id_of("javascriptreact"), "javascript");
  EXPECT_EQ(id_of("shellscript"), "bash");
  EXPECT_EQ(id_of("cpp"), "cpp");
  EXPECT_EQ(id_of("jsonc"), "json");
  EXPECT_EQ(id_of("markdown"), "");
}

TEST(LanguageRegistry, MapsFileNames) {
  const auto& reg = registry();
  auto id_of = [&](std::string_view path) -> std::string {
    const Language* language = reg.for_path(path);
    return language ? std::string(language->id()) : "";
  };
  EXPECT_EQ(id_of("/src/main.RS"), "rust");
  EXPECT_EQ(id_of("a/b/c.tsx"), "tsx");
  EXPECT_EQ(id_of("x.h"), "cpp");
  EXPECT_EQ(id_of("/home/u/.bashrc"), "bash");
  EXPECT_EQ(id_of("init.lua"), "lua");
  EXPECT_EQ(id_of("Makefile"), "");
  EXPECT_EQ(id_of("notes.md"), "");
}

TEST(LanguageRegistry, QueriesDirectoryOverridesTheEmbeddedQueries) {
  auto dir = std::filesystem::temp_directory_path() / "flint_queries_test";
  std::filesystem::create_directories(dir / "python");
  std::ofstream(dir / "python" / "units.scm") << "(function_definition) @function\n";
  std::filesystem::create_directories(dir / "json");
  std::ofstream(dir / "json" / "units.scm") << "(no_such_node) @statement\n";
  LanguageRegistry custom(LanguageRegistry::Options{dir.string()});
  ASSERT_NE(custom.find("python")->units(), nullptr);
  EXPECT_EQ(ts_query_pattern_count(custom.find("python")->units()->get()), 1u);
  // A broken query is reported with its file and position, and that language has no units.
  EXPECT_EQ(custom.find("json")->units(), nullptr);
  bool reported = false;
  for (const auto& error : custom.errors()) {
    if (error.find("json/units.scm:1:2: invalid node type") != std::string::npos) reported = true;
  }
  EXPECT_TRUE(reported);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace flint::parsers::test
