// Where a streamed completion ends.
#include "server/completion/stop_rule.h"

#include <gtest/gtest.h>

#include "completion_support.h"

namespace flint {
namespace {

using completion_testing::query_at;

struct Stopped {
  std::string text;
  bool cut = false;     // the rule stopped before the stream ended
  size_t consumed = 0;  // characters fed before it stopped
};

// Feeds `output` in pieces of `piece` characters, as a stream would.
Stopped run(const CompletionQuery& query, std::string_view output, size_t piece = 1) {
  CompletionStop stop(query);
  Stopped out;
  for (size_t i = 0; i < output.size(); i += piece) {
    std::string_view chunk = output.substr(i, piece);
    out.consumed = i + chunk.size();
    if (stop.feed(chunk)) {
      out.cut = true;
      break;
    }
  }
  if (!out.cut) stop.finish();
  EXPECT_TRUE(stop.done());
  out.text = stop.result();
  return out;
}

TEST(CompletionStop, LineModeEndsAtTheLineBreak) {
  CompletionQuery q = query_at("def f(x):\n    return x +‸\n");
  ASSERT_EQ(q.mode, CompletionMode::kLine);
  Stopped s = run(q, " 1\n\ndef g():\n    pass\n");
  EXPECT_EQ(s.text, " 1");
  EXPECT_TRUE(s.cut);
  EXPECT_EQ(s.consumed, 3u);  // the stream can be cut right at the line break
}

TEST(CompletionStop, LineModeDoesNotRepeatWhatFollowsTheCursor) {
  CompletionQuery q = query_at("print(‸)\n");
  ASSERT_EQ(q.mode, CompletionMode::kLine);
  EXPECT_EQ(run(q, "total)\n").text, "total");
  EXPECT_EQ(run(q, "total, sep=',')").text, "total, sep=','");
  EXPECT_EQ(run(q, "x").text, "x");
}

// Issue 12, item 7: an answer that closes its own call keeps its ')'; only a real repeat of
// the text after the cursor goes, as the completed line's bracket balance tells.
std::string completed(std::string_view annotated, std::string_view answer,
                      std::string_view language = "python") {
  CompletionQuery q = query_at(annotated, language);
  EXPECT_EQ(q.mode, CompletionMode::kLine) << annotated;
  return run(q, std::string(answer) + "\n").text;
}

TEST(CompletionStop, AnAnswerThatClosesItsOwnCallKeepsItsParenthesis) {
  EXPECT_EQ(completed("print(‸)\n", "total(items)"), "total(items)");
  EXPECT_EQ(completed("print(‸)\n", "total(items))"), "total(items)");
  EXPECT_EQ(completed("foo(‸)\n", "a, b)"), "a, b");
  EXPECT_EQ(completed("foo(‸)\n", "a, b"), "a, b");
  EXPECT_EQ(completed("print(‸)\n", ")"), "");
  // The stream may end without a line break.
  CompletionQuery q = query_at("print(‸)\n");
  EXPECT_EQ(run(q, "total(items)").text, "total(items)");
  EXPECT_EQ(run(q, "total(items))", 3).text, "total(items)");
}

TEST(CompletionStop, AnAnswerInsidePairedBracketsClosesThemOnce) {
  EXPECT_EQ(completed("x = [‸]\n", "1, 2]"), "1, 2");
  EXPECT_EQ(completed("x = [‸]\n", "1, 2"), "1, 2");
  EXPECT_EQ(completed("x = [‸]\n", "f(1), g(2)"), "f(1), g(2)");
  EXPECT_EQ(completed("x = [‸]\n", "f(1), g(2)]"), "f(1), g(2)");
  EXPECT_EQ(completed("f(g(‸))\n", "x))"), "x");
  EXPECT_EQ(completed("f(g(‸))\n", "x)"), "x");
  EXPECT_EQ(completed("f(g(‸))\n", "h(x)"), "h(x)");
  EXPECT_EQ(completed("f(g(‸))\n", "h(x))"), "h(x)");
}

TEST(CompletionStop, ARepeatedClosingQuoteGoes) {
  EXPECT_EQ(completed("s = \"‸\"\n", "abc\""), "abc");
  EXPECT_EQ(completed("s = \"‸\"\n", "abc"), "abc");
  EXPECT_EQ(completed("s = \"‸\"\n", "a(b)\""), "a(b)");
  EXPECT_EQ(completed("s = '‸'\n", "it\\'s'"), "it\\'s");
  EXPECT_EQ(completed("s = f(\"‸\")\n", "abc\")"), "abc");
  EXPECT_EQ(completed("s = f(\"‸\")\n", "abc\""), "abc");
}

TEST(CompletionStop, TheRestOfTheLineMayBeRepeatedInPart) {
  EXPECT_EQ(completed("if (‸) {\n", "x > 0)", "c"), "x > 0");
  EXPECT_EQ(completed("if (‸) {\n", "x > 0) {", "c"), "x > 0");
  EXPECT_EQ(completed("if (‸) {\n", "x > 0", "c"), "x > 0");
  EXPECT_EQ(completed("if (‸) {\n", "f(x)", "c"), "f(x)");
  EXPECT_EQ(completed("f(‸);\n", "x);", "c"), "x");
  EXPECT_EQ(completed("f(‸);\n", "x)", "c"), "x");
  EXPECT_EQ(completed("f(‸);\n", "g(x)", "c"), "g(x)");
  EXPECT_EQ(completed("f(‸);\n", "g(x));", "c"), "g(x)");
}

TEST(CompletionStop, BracketsInStringsAndCommentsDoNotCount) {
  // The answer's ')' in a string is no closer: the last ')' is the repeat.
  EXPECT_EQ(completed("print(‸)\n", "\")\")"), "\")\"");
  EXPECT_EQ(completed("print(‸)\n", "\")\""), "\")\"");
  EXPECT_EQ(completed("print(‸)\n", "\"(\")"), "\"(\"");
  // A ')' in the line's comment closes nothing either.
  EXPECT_EQ(completed("print(‸)  # )\n", "total(items)"), "total(items)");
  EXPECT_EQ(completed("print(‸)  # )\n", "total(items))"), "total(items)");
  EXPECT_EQ(completed("print(‸)  // )\n", "total(items)", "javascript"), "total(items)");
  EXPECT_EQ(completed("print(‸)  // )\n", "total(items))", "javascript"), "total(items)");
}

TEST(CompletionStop, ALineThatWasNotBalancedIsLeftNoWorse) {
  // The end of a call begun on an earlier line: one ')' more than it opens.
  EXPECT_EQ(completed("    g(‸))\n", "x)"), "x");
  EXPECT_EQ(completed("    g(‸))\n", "x"), "x");
  EXPECT_EQ(completed("    g(‸))\n", "h(x)"), "h(x)");
}

TEST(CompletionStop, ABlocksLastLineDoesNotRepeatTheClosersAfterTheCursor) {
  CompletionQuery js = query_at("items.map((x) => {‸});\n", "javascript");
  ASSERT_EQ(js.mode, CompletionMode::kBlock);
  EXPECT_EQ(run(js, "\n  return x * 2;\n}\n").text, "\n  return x * 2;");
  EXPECT_EQ(run(js, "\n  return x * 2;\n});\n").text, "\n  return x * 2;");
  EXPECT_EQ(run(js, "\n  return x * 2;").text, "\n  return x * 2;");
  CompletionQuery c = query_at("int f(int x) {‸}\n", "c");
  ASSERT_EQ(c.mode, CompletionMode::kBlock);
  EXPECT_EQ(run(c, "return x; }").text, "return x;");
  // A brace that closes the block's own statement stays.
  EXPECT_EQ(run(c, "\n  if (x) {\n    g();\n  }").text, "\n  if (x) {\n    g();\n  }");
}

TEST(CompletionStop, LineModeWithNothingOnTheLineIsEmpty) {
  CompletionQuery q = query_at("x = 1‸\n");
  EXPECT_EQ(run(q, "\ny = 2\n").text, "");
}

TEST(CompletionStop, AfterAnOpenerTheIndentedBlockIsKept) {
  CompletionQuery q = query_at("def area(r):‸\n\n\nprint(area(2))\n");
  ASSERT_EQ(q.mode, CompletionMode::kBlock);
  Stopped s =
      run(q, "\n    \"\"\"Area.\"\"\"\n    return 3.14 * r * r\n\n\ndef other():\n    pass\n");
  EXPECT_EQ(s.text, "\n    \"\"\"Area.\"\"\"\n    return 3.14 * r * r");
  EXPECT_TRUE(s.cut);
}

TEST(CompletionStop, ABraceBlockKeepsItsClosingLine) {
  CompletionQuery q = query_at("int f(int x) {‸\n\nint g() { return 0; }\n", "c");
  ASSERT_EQ(q.mode, CompletionMode::kBlock);
  Stopped s = run(q, "\n  if (x > 0) {\n    return x;\n  }\n  return -x;\n}\nint h() {\n");
  EXPECT_EQ(s.text, "\n  if (x > 0) {\n    return x;\n  }\n  return -x;\n}");
  EXPECT_TRUE(s.cut);
}

TEST(CompletionStop, AClosingLineTheEditorAlreadyHasIsNotRepeated) {
  CompletionQuery q = query_at("int f(int x) {‸\n}\n", "c");
  Stopped s = run(q, "\n  return x * 2;\n}\n");
  EXPECT_EQ(s.text, "\n  return x * 2;");
}

TEST(CompletionStop, OnABlankLineOneStatementWithItsBlock) {
  CompletionQuery q = query_at("def f(xs):\n    total = 0\n    ‸\n    return total\n");
  ASSERT_EQ(q.mode, CompletionMode::kBlock);
  Stopped s = run(q,
                  "for x in xs:\n        if x > 0:\n            total += x\n        else:\n"
                  "            total -= x\n    print(total)\n");
  EXPECT_EQ(s.text,
            "for x in xs:\n        if x > 0:\n            total += x\n        else:\n"
            "            total -= x");
  EXPECT_TRUE(s.cut);
}

TEST(CompletionStop, ContinuationsAtTheStatementsLevelBelongToIt) {
  CompletionQuery q = query_at("def f(x):\n    ‸\n");
  Stopped s = run(q, "try:\n        g(x)\n    except ValueError:\n        pass\n    h()\n");
  EXPECT_EQ(s.text, "try:\n        g(x)\n    except ValueError:\n        pass");
}

TEST(CompletionStop, AClosingLineThatClosesTheCompletionsOwnBlockIsNoRepeat) {
  CompletionQuery q = query_at("int f(int x) {‸\n}\n", "c");
  Stopped s = run(q, "\n  if (x) {\n    g();\n  }\n  return 1;\n}\nint h() {\n");
  EXPECT_EQ(s.text, "\n  if (x) {\n    g();\n  }\n  return 1;");
  EXPECT_TRUE(s.cut);
  // A bracket in a comment opens nothing.
  s = run(q, "\n  if (x) {  // (see g\n    g();\n  }\n  return 1;\n}\n");
  EXPECT_EQ(s.text, "\n  if (x) {  // (see g\n    g();\n  }\n  return 1;");
}

TEST(CompletionStop, RepeatingTheCodeAfterTheCursorStops) {
  CompletionQuery q = query_at("def f(xs):\n    total = 0\n    ‸\n    return total\n");
  Stopped s = run(q, "total += sum(xs)\n    return total\n");
  EXPECT_EQ(s.text, "total += sum(xs)");
}

TEST(CompletionStop, TwoBlankLinesEndABlock) {
  CompletionQuery q = query_at("class A:‸\n");
  Stopped s = run(q, "\n    x = 1\n\n\n    y = 2\n");
  EXPECT_EQ(s.text, "\n    x = 1");
}

TEST(CompletionStop, ADedentEndsABlankLineCompletion) {
  CompletionQuery q = query_at("def f():\n    ‸\n");
  Stopped s = run(q, "return 1\ndef g():\n");
  EXPECT_EQ(s.text, "return 1");
}

TEST(CompletionStop, TheLastUnterminatedLineIsJudgedToo) {
  CompletionQuery q = query_at("def f():‸\n");
  EXPECT_EQ(run(q, "\n    return 1\nprint(").text, "\n    return 1");
  EXPECT_EQ(run(q, "\n    return 1").text, "\n    return 1");
}

TEST(CompletionStop, BlockLengthIsCapped) {
  CompletionQuery q = query_at("def f():‸\n");
  std::string output;
  for (int i = 0; i < 200; ++i) output += "\n    x" + std::to_string(i) + " = " + std::to_string(i);
  Stopped s = run(q, output, 7);
  EXPECT_TRUE(s.cut);
  EXPECT_EQ(std::count(s.text.begin(), s.text.end(), '\n'), CompletionStop::kMaxBlockLines);
}

TEST(CompletionStop, TheResultDoesNotDependOnHowTheStreamIsSplit) {
  CompletionQuery q = query_at("def f(xs):\n    total = 0\n    ‸\n    return total\n");
  std::string output = "for x in xs:\n        total += x\n\n        total *= 2\n    print(total)\n";
  std::string whole = run(q, output, output.size()).text;
  for (size_t piece : {1u, 2u, 3u, 5u, 8u, 13u}) {
    EXPECT_EQ(run(q, output, piece).text, whole) << piece;
  }
  EXPECT_EQ(whole, "for x in xs:\n        total += x\n\n        total *= 2");
}

TEST(CompletionStop, IndentWidthCountsTabsAsFour) {
  EXPECT_EQ(indent_width("    x"), 4);
  EXPECT_EQ(indent_width("\tx"), 4);
  EXPECT_EQ(indent_width("\t  x"), 6);
  EXPECT_EQ(indent_width("x"), 0);
  EXPECT_EQ(indent_width(""), 0);
}

}  // namespace
}  // namespace flint
