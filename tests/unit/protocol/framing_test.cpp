#include "protocol/framing.h"

#include <gtest/gtest.h>

#include <random>

namespace flint::protocol {
namespace {

struct Collected {
  std::vector<std::string> bodies;
  std::vector<std::string> errors;
};

FrameReader make_reader(Collected& c, size_t cap = FrameReader::kDefaultMaxContentLength) {
  return FrameReader([&c](std::string body) { c.bodies.push_back(std::move(body)); },
                     [&c](std::string error) { c.errors.push_back(std::move(error)); }, cap);
}

TEST(Framing, WholeMessage) {
  Collected c;
  auto reader = make_reader(c);
  reader.feed(encode_frame(R"({"a":1})"));
  ASSERT_EQ(c.bodies.size(), 1u);
  EXPECT_EQ(c.bodies[0], R"({"a":1})");
  EXPECT_TRUE(c.errors.empty());
  EXPECT_EQ(reader.pending(), 0u);
}

TEST(Framing, SplitAtEveryByte) {
  std::string stream = encode_frame(R"({"first":"é"})") + encode_frame("{}") +
                       "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" +
                       encode_frame(R"([1,2,3])");
  // Every split point, with the two halves fed separately.
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    Collected c;
    auto reader = make_reader(c);
    reader.feed(stream.substr(0, cut));
    reader.feed(stream.substr(cut));
    ASSERT_EQ(c.bodies.size(), 3u) << "cut at " << cut;
    EXPECT_EQ(c.bodies[0], R"({"first":"é"})");
    EXPECT_EQ(c.bodies[1], "{}");
    EXPECT_EQ(c.bodies[2], "[1,2,3]");
    EXPECT_TRUE(c.errors.empty()) << c.errors[0];
  }
}

TEST(Framing, OneByteAtATimeAndRandomChunks) {
  std::string stream;
  std::vector<std::string> expected;
  std::mt19937 rng(42);
  for (int i = 0; i < 50; ++i) {
    std::string body(rng() % 300, 'x');
    body = "\"" + body + std::to_string(i) + "\"";
    expected.push_back(body);
    stream += encode_frame(body);
  }
  Collected bytewise;
  auto reader = make_reader(bytewise);
  for (char ch : stream) reader.feed(std::string_view(&ch, 1));
  EXPECT_EQ(bytewise.bodies, expected);

  Collected chunked;
  auto reader2 = make_reader(chunked);
  for (size_t pos = 0; pos < stream.size();) {
    size_t n = std::min<size_t>(stream.size() - pos, 1 + rng() % 700);
    reader2.feed(std::string_view(stream).substr(pos, n));
    pos += n;
  }
  EXPECT_EQ(chunked.bodies, expected);
}

TEST(Framing, HeaderCaseAndWhitespace) {
  Collected c;
  auto reader = make_reader(c);
  reader.feed("content-LENGTH:   2  \r\n\r\n{}");
  ASSERT_EQ(c.bodies.size(), 1u);
  EXPECT_EQ(c.bodies[0], "{}");
}

TEST(Framing, BareLineFeedsTolerated) {
  Collected c;
  auto reader = make_reader(c);
  reader.feed("Content-Length: 2\n\n{}");
  ASSERT_EQ(c.bodies.size(), 1u);
}

TEST(Framing, MissingLengthResynchronises) {
  Collected c;
  auto reader = make_reader(c);
  reader.feed("Content-Type: x\r\n\r\ngarbage garbage" + encode_frame("[1]"));
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_NE(c.errors[0].find("missing Content-Length"), std::string::npos);
  ASSERT_EQ(c.bodies.size(), 1u);
  EXPECT_EQ(c.bodies[0], "[1]");
}

TEST(Framing, HugeLengthIsCappedAndResynchronises) {
  Collected c;
  auto reader = make_reader(c, 1024);
  reader.feed("Content-Length: 5000\r\n\r\n" + std::string(100, 'z') + encode_frame("[2]"));
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_NE(c.errors[0].find("exceeds the limit"), std::string::npos);
  ASSERT_EQ(c.bodies.size(), 1u);
  EXPECT_EQ(c.bodies[0], "[2]");
}

TEST(Framing, OverflowingLengthIsAnError) {
  Collected c;
  auto reader = make_reader(c);
  reader.feed("Content-Length: 999999999999999999999999\r\n\r\n" + encode_frame("[3]"));
  EXPECT_EQ(c.errors.size(), 1u);
  ASSERT_EQ(c.bodies.size(), 1u);
  EXPECT_EQ(c.bodies[0], "[3]");
}

TEST(Framing, NegativeAndDuplicateLengths) {
  Collected c;
  auto reader = make_reader(c);
  reader.feed("Content-Length: -4\r\n\r\n");
  reader.feed("Content-Length: 2\r\nContent-Length: 2\r\n\r\n");
  reader.feed(encode_frame("{}"));
  EXPECT_EQ(c.errors.size(), 2u);
  ASSERT_EQ(c.bodies.size(), 1u);
}

TEST(Framing, HeaderSplitInsideTheNameAfterJunk) {
  // Resynchronisation keeps a partial "Content-Le" at the end of the buffer.
  Collected c;
  auto reader = make_reader(c);
  reader.feed("Bogus: 1\r\n\r\njunkjunkContent-Le");
  reader.feed("ngth: 2\r\n\r\n{}");
  EXPECT_EQ(c.errors.size(), 1u);
  ASSERT_EQ(c.bodies.size(), 1u);
  EXPECT_EQ(c.bodies[0], "{}");
}

TEST(Framing, EndlessHeaderIsBounded) {
  Collected c;
  auto reader = make_reader(c);
  reader.feed("X-Long: " + std::string(70 * 1024, 'a'));
  EXPECT_FALSE(c.errors.empty());
  reader.feed("\r\n\r\n" + encode_frame("{}"));
  ASSERT_EQ(c.bodies.size(), 1u);
  EXPECT_LT(reader.pending(), 100u);
}

// A client that counts characters instead of bytes sends a body longer than its Content-Length:
// the message is cut (its JSON fails to parse, answered -32700 by the dispatcher), and its tail
// sits right before the next header, on the same line. The next message must still be read.
TEST(Framing, ABodyLongerThanItsLengthDoesNotCostTheNextMessage) {
  const std::string first =
      R"({"jsonrpc":"2.0","id":1,"method":"x","params":{"text":"héllo wörld"}})";
  const std::string second = R"({"jsonrpc":"2.0","id":2,"method":"y"})";
  // Characters, not bytes: 2 short.
  size_t characters = first.size() - 2;
  std::string stream =
      "Content-Length: " + std::to_string(characters) + "\r\n\r\n" + first + encode_frame(second);
  for (size_t cut = 0; cut <= stream.size(); cut += 7) {
    Collected c;
    auto reader = make_reader(c);
    reader.feed(stream.substr(0, cut));
    reader.feed(stream.substr(cut));
    ASSERT_EQ(c.bodies.size(), 2u) << "cut at " << cut;
    EXPECT_EQ(c.bodies[0], first.substr(0, characters));
    EXPECT_EQ(c.bodies[1], second) << "cut at " << cut;
    ASSERT_EQ(c.errors.size(), 1u);
    EXPECT_NE(c.errors[0].find("2 bytes that are no header"), std::string::npos) << c.errors[0];
  }
}

// Stray bytes on the pipe before a header: on the header's own line, or on lines of their own.
TEST(Framing, StrayBytesBeforeAHeaderAreSkippedUpToIt) {
  for (std::string junk : {std::string("\"method\": \"x\"}"), std::string("garbage\r\n"),
                           std::string("}}\r\nnot a header\r\n"), std::string("\x01\x02{")}) {
    Collected c;
    auto reader = make_reader(c);
    reader.feed(encode_frame("[1]") + junk + encode_frame("[2]") + encode_frame("[3]"));
    EXPECT_EQ(c.bodies, (std::vector<std::string>{"[1]", "[2]", "[3]"})) << junk;
    EXPECT_EQ(c.errors.size(), 1u) << junk;
  }
  // Real headers before the Content-Length are headers, not junk.
  Collected c;
  auto reader = make_reader(c);
  reader.feed("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" + encode_frame("[4]"));
  EXPECT_EQ(c.bodies, std::vector<std::string>{"[4]"});
  EXPECT_TRUE(c.errors.empty());
}

TEST(Framing, EncodeCountsBytesNotCharacters) {
  EXPECT_EQ(encode_frame("é"), "Content-Length: 2\r\n\r\né");
}

}  // namespace
}  // namespace flint::protocol
