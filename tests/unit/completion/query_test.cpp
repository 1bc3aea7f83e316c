// Cutting the completion query out of a document: windows, mode, context.
#include <gtest/gtest.h>

#include "completion_support.h"

namespace flint {
namespace {

using completion_testing::annotate;
using completion_testing::query_at;

constexpr std::string_view kShapes =
    "import math\n"
    "from typing import List\n"
    "\n"
    "\n"
    "class Shape:\n"
    "    def area(self) -> float:\n"
    "        raise NotImplementedError\n"
    "\n"
    "    def describe(self, verbose: bool = False) -> str:\n"
    "        name = type(self).__name__\n"
    "        return f\"{name}: {self.‸}\"\n"
    "\n"
    "\n"
    "def main(argv: List[str]) -> int:\n"
    "    return 0\n";

TEST(CompletionQuery, SmallFileFitsInTheWindowsWhole) {
  CompletionQuery q = query_at(kShapes);
  auto source = annotate(kShapes);
  EXPECT_EQ(q.prefix + q.suffix, source.text);
  EXPECT_EQ(q.prefix.size(), source.cursor);
  EXPECT_EQ(q.cursor, source.cursor);
  EXPECT_TRUE(q.prefix.ends_with("{self."));
  EXPECT_TRUE(q.suffix.starts_with("}\"\n"));
  EXPECT_EQ(q.mode, CompletionMode::kLine);
  // Everything the context extractor finds is already inside the windows.
  EXPECT_TRUE(q.context.empty());
  EXPECT_EQ(line_before_cursor(q), "        return f\"{name}: {self.");
  EXPECT_EQ(line_after_cursor(q), "}\"");
}

TEST(CompletionQuery, WindowsAreCutAtLineBoundaries) {
  CompletionWindowLimits limits;
  limits.prefix_bytes = 60;
  limits.suffix_bytes = 40;
  CompletionQuery q = query_at(kShapes, "python", limits);
  EXPECT_LE(q.prefix.size(), 60u);
  EXPECT_LE(q.suffix.size(), 40u);
  auto source = annotate(kShapes);
  // The prefix starts at a line start, the suffix ends at a line end ("\n" included).
  size_t prefix_start = source.cursor - q.prefix.size();
  EXPECT_TRUE(prefix_start == 0 || source.text[prefix_start - 1] == '\n') << q.prefix;
  EXPECT_EQ(q.suffix.back(), '\n') << q.suffix;
  EXPECT_EQ(source.text.substr(prefix_start, q.prefix.size()), q.prefix);
  EXPECT_EQ(source.text.substr(source.cursor, q.suffix.size()), q.suffix);
  // The line holding the cursor is always whole on both sides.
  EXPECT_NE(q.prefix.find("        return f\"{name}"), std::string::npos);
}

TEST(CompletionQuery, ContextOutsideTheWindowsComesAlong) {
  CompletionWindowLimits limits;
  limits.prefix_bytes = 80;
  limits.suffix_bytes = 10;
  CompletionQuery q = query_at(kShapes, "python", limits);
  ASSERT_FALSE(q.context.empty());
  std::string all;
  for (const auto& item : q.context) all += item + "\n";
  EXPECT_NE(all.find("import math"), std::string::npos) << all;
  EXPECT_NE(all.find("class Shape:"), std::string::npos) << all;
  // Imports come first: the stable part of the prompt.
  EXPECT_EQ(all.find("import math"), 0u) << all;
  // Nothing the windows show is repeated.
  for (const auto& item : q.context) {
    EXPECT_EQ(q.prefix.find(item), std::string::npos) << item;
  }
}

TEST(CompletionQuery, AVeryLongLineIsCutInsideItWithoutSplittingCharacters) {
  std::string line = "x = '";
  for (int i = 0; i < 3000; ++i) line += "\xC3\xA9";  // é, two bytes each
  std::string text = "import os\n" + line + "‸" + line + "'\n";
  CompletionWindowLimits limits;
  limits.prefix_bytes = 101;
  limits.suffix_bytes = 101;
  CompletionQuery q = query_at(text, "python", limits);
  EXPECT_LE(q.prefix.size(), 101u);
  EXPECT_GE(q.prefix.size(), 99u);
  EXPECT_LE(q.suffix.size(), 101u);
  EXPECT_GE(q.suffix.size(), 99u);
  // Never starts or ends inside a two-byte character.
  EXPECT_NE(static_cast<unsigned char>(q.prefix.front()) & 0xC0, 0x80);
  EXPECT_NE(static_cast<unsigned char>(q.suffix.back()) & 0xC0, 0xC0);  // no lead byte alone
  EXPECT_EQ(q.mode, CompletionMode::kLine);
}

TEST(CompletionQuery, ModeFollowsTheCursorsLine) {
  EXPECT_EQ(completion_mode("    x = ", ""), CompletionMode::kLine);
  EXPECT_EQ(completion_mode("    ", ""), CompletionMode::kBlock);
  EXPECT_EQ(completion_mode("", ""), CompletionMode::kBlock);
  EXPECT_EQ(completion_mode("def f(x):", ""), CompletionMode::kBlock);
  EXPECT_EQ(completion_mode("if (x) {", ""), CompletionMode::kBlock);
  EXPECT_EQ(completion_mode("if (x) {", "}"), CompletionMode::kBlock);
  EXPECT_EQ(completion_mode("for i = 1, 3 do", ""), CompletionMode::kBlock);
  EXPECT_EQ(completion_mode("print(", ")"), CompletionMode::kLine);
  EXPECT_EQ(completion_mode("total = ", " + 1"), CompletionMode::kLine);
  EXPECT_EQ(completion_mode("    ", "return x"), CompletionMode::kLine);
  EXPECT_EQ(completion_mode("undo", ""), CompletionMode::kLine);  // "do" only as a word
}

TEST(CompletionQuery, BlankLineInAFunctionIsABlockCompletion) {
  CompletionQuery q = query_at("def f(xs):\n    total = 0\n    ‸\n    return total\n");
  EXPECT_EQ(q.mode, CompletionMode::kBlock);
  EXPECT_EQ(line_before_cursor(q), "    ");
  EXPECT_EQ(line_after_cursor(q), "");
}

TEST(CompletionQuery, WithoutAGrammarTheWindowsStillWork) {
  CompletionQuery q = query_at("key: value\nother: ‸\n", "yaml");
  EXPECT_EQ(q.prefix, "key: value\nother: ");
  EXPECT_EQ(q.suffix, "\n");
  EXPECT_EQ(q.language, "yaml");
}

TEST(CompletionQuery, ASelectedCompletionIsTreatedAsAccepted) {
  auto source = annotate("import os\nos.pa‸\n");
  parsers::StringTextInput input(source.text);
  CompletionQueryInput in;
  in.text = &input;
  in.cursor = source.cursor;
  in.uri = "file:///work/a.py";
  in.language = "python";
  in.selected = SelectedCompletion{source.cursor - 2, source.cursor, "path"};
  CompletionQuery q = build_completion_query(in);
  EXPECT_EQ(q.prefix, "import os\nos.path");
  EXPECT_EQ(q.suffix, "\n");
  EXPECT_EQ(q.cursor, source.cursor - 2 + 4);
}

TEST(CompletionQuery, CursorAtTheEndsOfTheDocument) {
  CompletionQuery start = query_at("‸def f():\n    pass\n");
  EXPECT_EQ(start.prefix, "");
  EXPECT_EQ(start.suffix, "def f():\n    pass\n");
  CompletionQuery end = query_at("def f():\n    pass\n‸");
  EXPECT_EQ(end.prefix, "def f():\n    pass\n");
  EXPECT_EQ(end.suffix, "");
  EXPECT_EQ(end.mode, CompletionMode::kBlock);
  CompletionQuery empty = query_at("‸");
  EXPECT_EQ(empty.prefix, "");
  EXPECT_EQ(empty.suffix, "");
}

}  // namespace
}  // namespace flint
