#include "server/edits/reasoning_filter.h"

#include <gtest/gtest.h>

#include <string>

#include "server/edits/output_cleaner.h"

namespace flint {
namespace {

std::string filter_in_pieces(std::string_view text, size_t piece, size_t* reasoning = nullptr) {
  ReasoningFilter filter;
  std::string out;
  for (size_t at = 0; at < text.size(); at += piece) out += filter.feed(text.substr(at, piece));
  out += filter.finish();
  if (reasoning) *reasoning = filter.reasoning_bytes();
  return out;
}

void expect_filtered(std::string_view text, std::string_view expected) {
  for (size_t piece = 1; piece <= text.size() + 1; ++piece) {
    ASSERT_EQ(filter_in_pieces(text, piece), expected) << "pieces of " << piece;
  }
}

TEST(ReasoningFilter, BlocksBeforeTheAnswerAreDropped) {
  expect_filtered("<think>\nThe user wants x.\n</think>\n\ndef f():\n    return 1\n",
                  "def f():\n    return 1\n");
  expect_filtered("<thinking>plan</thinking>```python\nx = 1\n```", "```python\nx = 1\n```");
  expect_filtered("  \n<reasoning>a</reasoning><think>b</think>\nx = 1\n", "x = 1\n");
  expect_filtered("<THINK>upper</THINK>x", "x");
}

TEST(ReasoningFilter, TextWithoutABlockPassesUnchanged) {
  expect_filtered("    return 1\n", "    return 1\n");
  expect_filtered("<div>html</div>\n", "<div>html</div>\n");
  expect_filtered("<th>cell</th>\n", "<th>cell</th>\n");
  // Only a block at the start counts: later, "<think>" is text (JSX, XML).
  expect_filtered("x = 1\n<think>kept</think>\n", "x = 1\n<think>kept</think>\n");
}

TEST(ReasoningFilter, AnUnterminatedBlockIsAllReasoning) {
  size_t reasoning = 0;
  EXPECT_EQ(filter_in_pieces("<think>I will write code but I never do", 5, &reasoning), "");
  EXPECT_EQ(reasoning, std::string_view("I will write code but I never do").size());
}

TEST(ReasoningFilter, CountsReasoningBytes) {
  size_t reasoning = 0;
  filter_in_pieces("<think>12345</think>x", 2, &reasoning);
  EXPECT_EQ(reasoning, 5u);
}

TEST(OutputCleanerShapes, ReasoningWithoutItsOpeningTagIsDropped) {
  // "<think>" was in the prompt (some chat templates): the output starts with the reasoning.
  OutputCleaner cleaner;
  std::string code;
  cleaner.feed(
      "The user wants the sum.\nSo I should use sum().\n</think>\n\ndef f(xs):\n    return "
      "sum(xs)\n",
      code);
  cleaner.finish(code);
  EXPECT_EQ(code, "\ndef f(xs):\n    return sum(xs)\n");  // blank lines go when it is fitted
}

TEST(OutputCleanerShapes, ProseOnlyAndExplicitEmpty) {
  auto run = [](std::string_view answer, OutputCleaner& cleaner) {
    std::string code;
    cleaner.feed(answer, code);
    cleaner.finish(code);
    return code;
  };
  {
    OutputCleaner c;
    run("I'm sorry, but I can't help with that.", c);
    EXPECT_TRUE(c.only_prose());
    EXPECT_FALSE(c.explicit_empty());
  }
  {
    OutputCleaner c;
    run("Sure.\nThis code is already correct.\n", c);
    EXPECT_TRUE(c.only_prose());
  }
  {
    OutputCleaner c;
    EXPECT_EQ(run("x = 1\n", c), "x = 1\n");
    EXPECT_FALSE(c.only_prose());
  }
  {
    OutputCleaner c;
    EXPECT_EQ(run("Delete it:\n```python\n```\n", c), "");
    EXPECT_TRUE(c.explicit_empty());
    EXPECT_FALSE(c.only_prose());
  }
  {
    OutputCleaner c;
    run("```python\nx = 1\n```\n", c);
    EXPECT_FALSE(c.explicit_empty());
  }
}

}  // namespace
}  // namespace flint
