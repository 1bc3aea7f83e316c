// The model requests of an inline completion, and cleaning a chat model's answer.
#include "server/completion/prompt.h"

#include <gtest/gtest.h>

#include "completion_support.h"
#include "server/completion/fill_answer.h"

namespace flint {
namespace {

using completion_testing::query_at;

constexpr std::string_view kFile =
    "import math\n"
    "\n"
    "\n"
    "class Circle:\n"
    "    def __init__(self, r):\n"
    "        self.r = r\n"
    "\n"
    "    def area(self):\n"
    "        return math.pi * ‸\n"
    "\n"
    "    def perimeter(self):\n"
    "        return 2 * math.pi * self.r\n";

CompletionWindowLimits small_windows() {
  CompletionWindowLimits limits;
  limits.prefix_bytes = 50;
  limits.suffix_bytes = 30;
  return limits;
}

TEST(CompletionPrompt, FimPutsTheStableHeaderBeforeThePrefix) {
  CompletionQuery q = query_at(kFile, "python", small_windows());
  ASSERT_FALSE(q.context.empty());
  models::FimRequest fim = build_fim_request(q, 77);
  EXPECT_EQ(fim.max_tokens, 77);
  EXPECT_EQ(fim.suffix, q.suffix);
  ASSERT_TRUE(fim.prompt.ends_with(q.prefix));
  std::string header = fim.prompt.substr(0, fim.prompt.size() - q.prefix.size());
  EXPECT_EQ(header, fim_header(q));
  EXPECT_TRUE(header.starts_with("# Path: sample\n")) << header;
  EXPECT_NE(header.find("# import math\n"), std::string::npos) << header;
  EXPECT_NE(header.find("# class Circle:\n"), std::string::npos) << header;
  // Every header line is a comment: the model sees valid code.
  size_t start = 0;
  while (start < header.size()) {
    EXPECT_EQ(header.compare(start, 2, "# "), 0) << header.substr(start);
    start = header.find('\n', start) + 1;
  }
}

TEST(CompletionPrompt, TheHeaderStaysTheSameWhileTheUserTypes) {
  std::string text(kFile);
  CompletionQuery before = query_at(text, "python", small_windows());
  text.insert(text.find("‸"), "self");
  CompletionQuery after = query_at(text, "python", small_windows());
  EXPECT_EQ(fim_header(before), fim_header(after));
  EXPECT_EQ(after.prefix.substr(after.prefix.size() - 4), "self");
}

TEST(CompletionPrompt, CommentSyntaxFollowsTheLanguage) {
  EXPECT_EQ(line_comment_prefix("python"), "# ");
  EXPECT_EQ(line_comment_prefix("typescriptreact"), "// ");
  EXPECT_EQ(line_comment_prefix("lua"), "-- ");
  EXPECT_EQ(line_comment_prefix("sh"), "# ");
  EXPECT_EQ(line_comment_prefix("json"), "");
  CompletionQuery js = query_at("const a = 1;\nconst b = ‸\n", "javascript");
  EXPECT_TRUE(fim_header(js).starts_with("// Path: sample\n"));
  CompletionQuery json = query_at("{\"a\": ‸}\n", "json");
  EXPECT_EQ(fim_header(json), "");
  EXPECT_EQ(build_fim_request(json, 5).prompt, "{\"a\": ");
}

TEST(CompletionPrompt, ChatAsksToFillTheHole) {
  CompletionQuery q = query_at(kFile, "python", small_windows());
  models::ChatRequest chat = build_fill_request(q, 64);
  ASSERT_EQ(chat.messages.size(), 2u);
  EXPECT_EQ(chat.messages[0].role, "system");
  EXPECT_NE(chat.messages[0].content.find("<CURSOR>"), std::string::npos);
  EXPECT_EQ(chat.max_tokens, 64);
  const std::string& user = chat.messages[1].content;
  EXPECT_NE(user.find(q.prefix + "<CURSOR>" + q.suffix), std::string::npos) << user;
  EXPECT_NE(user.find("```python\n"), std::string::npos);
  // Stable parts first: the file and its context come before the code around the cursor.
  EXPECT_LT(user.find("File: sample (python)"), user.find("import math"));
  EXPECT_LT(user.find("import math"), user.find("<CURSOR>"));
  EXPECT_NE(user.find("rest of that line"), std::string::npos);
  CompletionQuery block = query_at("def f():‸\n");
  EXPECT_NE(build_fill_request(block, 64).messages[1].content.find("statement or block"),
            std::string::npos);
}

std::string clean(const CompletionQuery& q, std::string_view answer, size_t piece) {
  FillAnswer fill(q);
  std::string out;
  for (size_t i = 0; i < answer.size(); i += piece) out += fill.feed(answer.substr(i, piece));
  return out + fill.finish();
}

TEST(FillAnswer, StripsFencesMarkersAndEchoesWhereverTheStreamSplits) {
  CompletionQuery q = query_at("def f(r):\n    total = ‸\n");
  for (size_t piece : {1u, 2u, 3u, 7u, 100u}) {
    EXPECT_EQ(clean(q, "```python\nr * r\n```\n", piece), "r * r\n") << piece;
    EXPECT_EQ(clean(q, "r<CURSOR> * r", piece), "r * r") << piece;
    EXPECT_EQ(clean(q, "total = r * r", piece), "r * r") << piece;
    EXPECT_EQ(clean(q, "    total = r * r", piece), "r * r") << piece;
    EXPECT_EQ(clean(q, "tot", piece), "tot") << piece;
    EXPECT_EQ(clean(q, "r < CURSOR", piece), "r < CURSOR") << piece;
  }
}

TEST(FillAnswer, ReasoningBeforeTheAnswerIsNeverInserted) {
  CompletionQuery q = query_at("def f(r):\n    total = ‸\n");
  for (size_t piece : {1u, 3u, 12u}) {
    EXPECT_EQ(clean(q, "<think>The area: r * r, maybe ```r```.</think>\n\nr * r", piece), "r * r")
        << piece;
  }
}

TEST(FillAnswer, ShortLinesAreNotTakenForEchoes) {
  CompletionQuery q = query_at("x(‸\n");
  EXPECT_EQ(clean(q, "x(1)", 1), "x(1)");
}

}  // namespace
}  // namespace flint
