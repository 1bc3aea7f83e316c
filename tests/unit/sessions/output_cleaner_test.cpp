#include "server/edits/output_cleaner.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace flint {
namespace {

std::string clean_whole(std::string_view answer) {
  OutputCleaner cleaner;
  std::string code;
  cleaner.feed(answer, code);
  cleaner.finish(code);
  return code;
}

std::string clean_split(std::string_view answer, const std::vector<size_t>& cuts) {
  OutputCleaner cleaner;
  std::string code;
  size_t at = 0;
  for (size_t cut : cuts) {
    cleaner.feed(answer.substr(at, cut - at), code);
    at = cut;
  }
  cleaner.feed(answer.substr(at), code);
  cleaner.finish(code);
  return code;
}

// Every way of cutting the answer in two, and many random ways of cutting it in pieces, give
// the same code as the whole answer at once.
void expect_split_invariant(std::string_view answer, std::string_view expected) {
  ASSERT_EQ(clean_whole(answer), expected);
  for (size_t cut = 0; cut <= answer.size(); ++cut) {
    ASSERT_EQ(clean_split(answer, {cut}), expected) << "cut at " << cut;
  }
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<size_t> cuts;
    for (size_t i = 1; i < answer.size(); ++i) {
      if (rng() % 3 == 0) cuts.push_back(i);
    }
    ASSERT_EQ(clean_split(answer, cuts), expected) << "round " << round;
  }
  // One byte at a time.
  std::vector<size_t> every;
  for (size_t i = 1; i < answer.size(); ++i) every.push_back(i);
  ASSERT_EQ(clean_split(answer, every), expected);
}

TEST(OutputCleaner, KeepsOnlyTheFencedCodeAmidChatter) {
  expect_split_invariant(
      "Here is the code:\n```python\ndef f(x):\n    return x + 1\n```\nThis changes X.\n",
      "def f(x):\n    return x + 1\n");
}

TEST(OutputCleaner, FenceWithoutChatter) {
  expect_split_invariant("```cpp\nint x = 1;\n```", "int x = 1;\n");
}

TEST(OutputCleaner, NoFenceIsAllCode) {
  expect_split_invariant("def f(x):\n    return x\n", "def f(x):\n    return x\n");
  expect_split_invariant("x = 1", "x = 1");
}

TEST(OutputCleaner, CodeThatLooksLikeASentenceIsKeptWithoutAFence) {
  // Held back while it could be a preamble, released when the next line is code.
  expect_split_invariant("Foo bar baz.\nx = 1\n", "Foo bar baz.\nx = 1\n");
  expect_split_invariant("case FOO:\n  return 1;\n", "case FOO:\n  return 1;\n");
}

TEST(OutputCleaner, SeveralLinesOfChatterAndBlankLinesBeforeTheFence) {
  expect_split_invariant(
      "Sure!\n\nI'll make these changes:\n- add a guard\n- rename x\n\n```js\nif (!a) return;\n"
      "```\n\nLet me know.",
      "if (!a) return;\n");
}

TEST(OutputCleaner, MarkdownHeadingBeforeTheFence) {
  expect_split_invariant("### Updated code\n```\nfoo()\n```\n", "foo()\n");
}

TEST(OutputCleaner, CommentFirstLineWithoutFenceIsCode) {
  expect_split_invariant("# compute the sum\ntotal = a + b\n",
                         "# compute the sum\ntotal = a + b\n");
}

TEST(OutputCleaner, BackticksInsideCodeAreNotFences) {
  expect_split_invariant("```js\nconst s = `a ${b}`;\nconst t = '```';\n  ``not a fence``\n```\n",
                         "const s = `a ${b}`;\nconst t = '```';\n  ``not a fence``\n");
}

TEST(OutputCleaner, IndentedFenceLineInsideCodeIsContent) {
  // Four spaces of indentation make it code, not a fence (CommonMark).
  expect_split_invariant("```\ndoc = \"\"\"\n    ```\n\"\"\"\n```\n",
                         "doc = \"\"\"\n    ```\n\"\"\"\n");
}

TEST(OutputCleaner, LongerFenceContainsShorterOnes) {
  expect_split_invariant("````md\n```py\nx\n```\n````\nafter", "```py\nx\n```\n");
}

TEST(OutputCleaner, TildeFences) {
  expect_split_invariant("~~~\na\n~~~\n", "a\n");
  expect_split_invariant("~~~\n```\n~~~\n", "```\n");
}

TEST(OutputCleaner, UnclosedFenceKeepsEverythingAfterIt) {
  expect_split_invariant("```py\nx = 1\ny = 2", "x = 1\ny = 2");
  // A partial closing fence at the very end is not content either.
  expect_split_invariant("```py\nx = 1\n```", "x = 1\n");
}

TEST(OutputCleaner, EmptyAnswers) {
  expect_split_invariant("", "");
  expect_split_invariant("```\n```\n", "");
  expect_split_invariant("```", "");
}

TEST(OutputCleaner, CrLfBecomesLf) {
  expect_split_invariant("```c\r\nint a;\r\nint b;\r\n```\r\n", "int a;\nint b;\n");
  expect_split_invariant("a\r\nb\r", "a\nb\r");
}

TEST(OutputCleaner, RawCodeEndedByAStrayFence) {
  expect_split_invariant("x = 1\n```\nThat is all.", "x = 1\n");
}

TEST(OutputCleaner, StreamsCodeWithoutWaitingForLineEnds) {
  OutputCleaner cleaner;
  std::string code;
  cleaner.feed("Here you go:\n```python\n", code);
  EXPECT_EQ(code, "");
  cleaner.feed("def ", code);
  EXPECT_EQ(code, "def ");  // not a fence: streams at once
  cleaner.feed("f():\n    ret", code);
  EXPECT_EQ(code, "def f():\n    ret");
  cleaner.feed("urn 1\n``", code);
  EXPECT_EQ(code, "def f():\n    return 1\n");  // "``" may be the closing fence: held
  cleaner.feed("`\nbye", code);
  EXPECT_TRUE(cleaner.closed());
  cleaner.finish(code);
  EXPECT_EQ(code, "def f():\n    return 1\n");
}

TEST(OutputCleaner, DecidesEarlyWhenTheFirstCharacterCannotStartProse) {
  OutputCleaner cleaner;
  std::string code;
  cleaner.feed("  {", code);
  EXPECT_EQ(code, "  {");
}

TEST(OutputCleaner, NumberedListBeforeTheFenceIsChatterWhereverTheStreamIsCut) {
  // Found by fuzz_answer: "1" arriving on its own read as code (a digit cannot start prose),
  // so the list and the fenced block's contents both reached the buffer.
  expect_split_invariant(
      "1. Check the height as well.\n2. Keep it short.\n\n```python\nx = 1\n```\n", "x = 1\n");
  // Lines that start with a digit and are no list item still stream as code at once.
  OutputCleaner cleaner;
  std::string code;
  cleaner.feed("12 ", code);
  EXPECT_EQ(code, "12 ");
  expect_split_invariant("1.5 * x\n", "1.5 * x\n");
}

TEST(OutputCleaner, ClosingReasoningTagDropsWhatCameBeforeItWhereverTheStreamIsCut) {
  // "<think>" was in the prompt: the answer starts with reasoning and its closing tag, which
  // a stream may deliver without its line break ("</think>" is one token).
  expect_split_invariant("The user wants two.\n</think>\n\nx = 2\n", "\nx = 2\n");
  expect_split_invariant("</thinking>  \nx = 2\n", "x = 2\n");
  // Not a tag on its own line: code.
  expect_split_invariant("</think>x\n", "</think>x\n");
}

}  // namespace
}  // namespace flint
