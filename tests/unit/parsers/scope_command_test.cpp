// `flint-lsp scope`, run as a real process (server/scope_command.cpp is part of flint-lsp).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/shell_command.h"

namespace {

using Result = flint::test::CommandResult;

class ScopeCommand : public ::testing::Test {
 protected:
  void SetUp() override {
#ifdef FLINT_LSP
    binary_ = FLINT_LSP;
#endif
    // Not built is a failure, not a skip: a silent skip would pass whatever the command does.
    ASSERT_FALSE(binary_.empty()) << "FLINT_LSP is not defined for this test";
    ASSERT_TRUE(std::filesystem::exists(binary_)) << binary_ << " is not built";
    dir_ = std::filesystem::temp_directory_path() /
           ("flint_scope_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::string write(const std::string& name, const std::string& text) {
    auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  Result scope(const std::string& arguments) {
    return flint::test::run_shell("'" + binary_ + "' scope " + arguments + " 2>/dev/null");
  }

  std::string binary_;
  std::filesystem::path dir_;
};

constexpr const char* kPython =
    "import os\n"
    "\n"
    "class Größe:\n"
    "    def ключ(self, x):\n"
    "        return x + 1\n"
    "\n"
    "def last():\n"
    "    return '😀😀'";

TEST_F(ScopeCommand, CursorPrintsRegionKindAndContext) {
  auto file = write("a.py", kPython);
  // Line 5, column 16 in code points: on "x + 1".
  Result result = scope("'" + file + "' 5:16");
  ASSERT_EQ(result.exit_code, 0);
  auto out = nlohmann::json::parse(result.out);
  EXPECT_EQ(out["language"], "python");
  EXPECT_EQ(out["lines"]["first"], 4);
  EXPECT_EQ(out["lines"]["last"], 5);
  EXPECT_EQ(out["range"]["start"], (nlohmann::json{{"line", 3}, {"character", 0}}));
  EXPECT_EQ(out["range"]["end"], (nlohmann::json{{"line", 5}, {"character", 0}}));
  EXPECT_EQ(out["positionEncoding"], "utf-16");
  EXPECT_EQ(out["nodeKind"], "function_definition");
  EXPECT_EQ(out["name"], "ключ");
  EXPECT_EQ(out["isLocal"], true);
  ASSERT_EQ(out["enclosing"].size(), 1u);
  EXPECT_EQ(out["enclosing"][0]["name"], "Größe");
  EXPECT_EQ(out["enclosing"][0]["line"], 3);
  ASSERT_FALSE(out["context"]["items"].empty());
  EXPECT_EQ(out["context"]["items"][0]["kind"], "import");
  EXPECT_EQ(out["context"]["items"][0]["text"], "import os");
}

TEST_F(ScopeCommand, RangeEndCountsUtf16UnitsOnTheLastLine) {
  auto file = write("a.py", kPython);
  Result result = scope("'" + file + "' 8:5");
  ASSERT_EQ(result.exit_code, 0);
  auto out = nlohmann::json::parse(result.out);
  EXPECT_EQ(out["lines"]["first"], 7);
  EXPECT_EQ(out["lines"]["last"], 8);
  // "    return '😀😀'": 12 units before the emoji, 2 per emoji, then the quote.
  EXPECT_EQ(out["range"]["end"], (nlohmann::json{{"line", 7}, {"character", 17}}));
}

TEST_F(ScopeCommand, SelectionOverTwoDefinitionsIsNotLocal) {
  auto file = write("a.py", kPython);
  Result result = scope("'" + file + "' 4:5-8:3");
  ASSERT_EQ(result.exit_code, 0);
  auto out = nlohmann::json::parse(result.out);
  EXPECT_EQ(out["isLocal"], false);
  EXPECT_NE(out["reason"].get<std::string>().find("top-level definitions"), std::string::npos);
}

TEST_F(ScopeCommand, MaxRegionLinesAndUnknownLanguages) {
  auto file = write("a.py", kPython);
  Result result = scope("'" + file + "' 4:5-5:5 --max-region-lines 1");
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(result.out)["isLocal"], false);

  auto text = write("notes.txt", "intro\n\nfirst\nsecond\n");
  Result plain = scope("'" + text + "' 3:1");
  ASSERT_EQ(plain.exit_code, 0);
  auto out = nlohmann::json::parse(plain.out);
  EXPECT_TRUE(out["language"].is_null());
  EXPECT_EQ(out["unit"], "indentation");
  EXPECT_EQ(out["lines"]["first"], 3);
  EXPECT_EQ(out["lines"]["last"], 4);
}

TEST_F(ScopeCommand, BadArgumentsAndFiles) {
  auto file = write("a.py", kPython);
  EXPECT_EQ(scope("'" + file + "'").exit_code, 2);
  EXPECT_EQ(scope("'" + file + "' 0:1").exit_code, 2);
  EXPECT_EQ(scope("'" + file + "' 3:x").exit_code, 2);
  EXPECT_EQ(scope("'" + file + "' 5:1-4:1").exit_code, 2);
  EXPECT_EQ(scope("'" + file + "' 99:1").exit_code, 2);
  EXPECT_EQ(scope("'" + file + "' 1:1 --bogus").exit_code, 2);
  EXPECT_EQ(scope("'" + (dir_ / "missing.py").string() + "' 1:1").exit_code, 1);
}

}  // namespace
