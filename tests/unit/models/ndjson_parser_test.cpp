#include "server/models/ndjson_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/models/chunking.h"

namespace flint::models {
namespace {

struct Lines : NdjsonHandler {
  std::vector<std::string> lines;
  void on_line(std::string_view line) override { lines.emplace_back(line); }
};

void expect_lines(std::string_view stream, const std::vector<std::string>& expected) {
  for (const test::Chunks& chunks : test::all_splits(stream, 50)) {
    NdjsonParser parser;
    Lines out;
    for (std::string_view chunk : chunks) ASSERT_TRUE(parser.feed(chunk, out));
    parser.finish(out);
    ASSERT_EQ(out.lines, expected);
  }
}

TEST(NdjsonParser, SplitsOnNewlinesWithOrWithoutCr) {
  expect_lines("{\"a\":1}\n{\"b\":2}\r\n{\"c\":3}\n", {"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"});
}

TEST(NdjsonParser, SkipsBlankLines) {
  expect_lines("\n{\"a\":1}\n\n  \r\n{\"b\":2}\n", {"{\"a\":1}", "{\"b\":2}"});
}

TEST(NdjsonParser, LastLineWithoutNewlineCountsAtEof) {
  expect_lines("{\"a\":1}\n{\"done\":true}", {"{\"a\":1}", "{\"done\":true}"});
}

TEST(NdjsonParser, NothingBeforeTheNewline) {
  NdjsonParser parser;
  Lines out;
  parser.feed("{\"a\":", out);
  parser.feed("1}", out);
  EXPECT_TRUE(out.lines.empty());
  parser.feed("\n", out);
  EXPECT_EQ(out.lines, (std::vector<std::string>{"{\"a\":1}"}));
}

TEST(NdjsonParser, OversizedLineFails) {
  NdjsonParser parser(16);
  Lines out;
  EXPECT_FALSE(parser.feed(std::string(20, 'x'), out));
  EXPECT_TRUE(parser.failed());
  EXPECT_FALSE(parser.feed("{}\n", out));
  EXPECT_TRUE(out.lines.empty());
}

}  // namespace
}  // namespace flint::models
