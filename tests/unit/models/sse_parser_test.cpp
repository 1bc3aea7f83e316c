#include "server/models/sse_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/models/chunking.h"

namespace flint::models {
namespace {

struct Collected : SseHandler {
  std::vector<std::string> events;  // "type|data|id"
  std::vector<std::string> comments;
  void on_event(const SseEvent& event) override {
    events.push_back(std::string(event.type) + "|" + std::string(event.data) + "|" +
                     std::string(event.id));
  }
  void on_comment(std::string_view text) override { comments.emplace_back(text); }
};

Collected parse(const test::Chunks& chunks, bool finish = true) {
  SseParser parser;
  Collected out;
  for (std::string_view chunk : chunks) EXPECT_TRUE(parser.feed(chunk, out));
  if (finish) parser.finish(out);
  return out;
}

// Parses `stream` whole and cut in every way; all must agree with `expected`.
void expect_events(std::string_view stream, const std::vector<std::string>& expected,
                   const std::vector<std::string>& expected_comments = {}) {
  for (const test::Chunks& chunks : test::all_splits(stream, 50)) {
    Collected out = parse(chunks);
    ASSERT_EQ(out.events, expected) << "stream split into " << chunks.size() << " chunk(s)";
    ASSERT_EQ(out.comments, expected_comments);
  }
}

TEST(SseParser, LineEndingsLfCrlfAndCrAreAllAccepted) {
  std::vector<std::string> expected = {"message|a|", "message|b|", "message|c|"};
  expect_events("data: a\n\ndata: b\n\ndata: c\n\n", expected);
  expect_events("data: a\r\n\r\ndata: b\r\n\r\ndata: c\r\n\r\n", expected);
  expect_events("data: a\r\rdata: b\r\rdata: c\r\r", expected);
  expect_events("data: a\r\n\ndata: b\r\rdata: c\n\r\n", expected);
}

TEST(SseParser, MultiLineDataIsJoinedWithNewlines) {
  expect_events("data: first\ndata: second\ndata:third\n\n", {"message|first\nsecond\nthird|"});
  expect_events("data\ndata\n\n", {"message|\n|"});
  expect_events("data:\n\n", {"message||"});
}

TEST(SseParser, OnlyOneSpaceAfterTheColonIsRemoved) {
  expect_events("data:  two spaces\n\n", {"message| two spaces|"});
  expect_events("data:no space\n\n", {"message|no space|"});
}

TEST(SseParser, EventTypeIdAndRetry) {
  SseParser parser;
  Collected out;
  parser.feed("event: delta\nid: 7\nretry: 2500\ndata: x\n\ndata: y\n\n", out);
  EXPECT_EQ(out.events, (std::vector<std::string>{"delta|x|7", "message|y|7"}));
  EXPECT_EQ(parser.retry_ms(), 2500);
  expect_events("id: 1\ndata: a\n\nid\ndata: b\n\n", {"message|a|1", "message|b|"});
}

TEST(SseParser, InvalidRetryAndIdWithNulAreIgnored) {
  using namespace std::string_literals;
  SseParser parser;
  Collected out;
  parser.feed("id: kept\nretry: 12a\nretry: -5\nretry:\nid: a\0b\ndata: x\n\n"s, out);
  EXPECT_EQ(out.events, (std::vector<std::string>{"message|x|kept"}));
  EXPECT_FALSE(parser.retry_ms().has_value());
}

TEST(SseParser, CommentsAreReportedAndDispatchNothing) {
  expect_events(": ping\n\n:\n\ndata: a\n: inside an event\n\n", {"message|a|"},
                {"ping", "", "inside an event"});
}

TEST(SseParser, UnknownFieldsAndLinesWithoutColonAreIgnored) {
  expect_events("foo: bar\nnonsense\ndata: a\n\n", {"message|a|"});
}

TEST(SseParser, EventTypeWithoutDataIsDropped) {
  expect_events("event: lonely\n\ndata: a\n\n", {"message|a|"});
}

TEST(SseParser, LeadingBomIsSkippedEvenWhenSplit) {
  expect_events(
      "\xEF\xBB\xBF"
      "data: a\n\n",
      {"message|a|"});
  // Only at the very start: a second BOM is part of the field name.
  expect_events(
      "\xEF\xBB\xBF"
      "data: a\n\n\xEF\xBB\xBF"
      "data: b\n\n",
      {"message|a|"});
}

TEST(SseParser, AlmostBomBytesAreKept) {
  expect_events(
      "\xEF\xBB"
      "data: a\n\ndata: b\n\n",
      {"message|b|"});
}

TEST(SseParser, FinalEventWithoutBlankLineIsDispatchedAtEof) {
  expect_events("data: a\n\ndata: last\n", {"message|a|", "message|last|"});
  expect_events("data: a\n\ndata: [DONE]", {"message|a|", "message|[DONE]|"});
}

TEST(SseParser, NothingIsDispatchedBeforeTheBlankLine) {
  Collected out = parse({"data: a\n"}, /*finish=*/false);
  EXPECT_TRUE(out.events.empty());
}

TEST(SseParser, CrAtTheEndOfAChunkFollowedByLfIsOneLineEnd) {
  SseParser parser;
  Collected out;
  parser.feed("data: a\r", out);
  parser.feed("\n\r", out);
  parser.feed("\n", out);
  EXPECT_EQ(out.events, (std::vector<std::string>{"message|a|"}));
}

TEST(SseParser, OversizedEventFailsTheParser) {
  SseParser parser(/*max_event_bytes=*/64);
  Collected out;
  EXPECT_TRUE(parser.feed("data: short\n\n", out));
  EXPECT_FALSE(parser.feed(std::string(100, 'x'), out));
  EXPECT_TRUE(parser.failed());
  EXPECT_FALSE(parser.feed("data: more\n\n", out));
  EXPECT_EQ(out.events.size(), 1u);

  SseParser lines(64);
  EXPECT_FALSE(
      lines.feed("data: " + std::string(40, 'a') + "\ndata: " + std::string(40, 'b') + "\n", out));
}

TEST(SseParser, Utf8IsPassedThroughUntouched) {
  expect_events("data: h\xC3\xA9llo \xF0\x9F\x94\xA5\n\n",
                {"message|h\xC3\xA9llo \xF0\x9F\x94\xA5|"});
}

}  // namespace
}  // namespace flint::models
