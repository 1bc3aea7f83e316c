#include "protocol/position_encoding.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace flint::protocol {
namespace {

constexpr PositionEncoding kEncodings[] = {PositionEncoding::kUtf8, PositionEncoding::kUtf16,
                                           PositionEncoding::kUtf32};

// One code point as a test knows it: its bytes and its width in each encoding, so expected
// offsets come from adding widths, not from the code under test.
struct Piece {
  std::string bytes;
  uint32_t utf16;
  bool may_start_sequence = false;  // an incomplete lead byte: must not precede a continuation
  bool is_continuation = false;     // a stray continuation byte

  uint32_t width(PositionEncoding encoding) const {
    switch (encoding) {
      case PositionEncoding::kUtf8:
        return static_cast<uint32_t>(bytes.size());
      case PositionEncoding::kUtf16:
        return utf16;
      case PositionEncoding::kUtf32:
        return 1;
    }
    return 1;
  }
};

std::vector<Piece> piece_pool() {
  return {
      {"a", 1},
      {"Z", 1},
      {" ", 1},
      {"\t", 1},
      {"\r", 1},                // a "\r" inside a line is content
      {"\xC3\xA9", 1},          // é U+00E9
      {"\xE2\x82\xAC", 1},      // € U+20AC
      {"\xE4\xB8\xAD", 1},      // 中 U+4E2D
      {"\xF0\x9F\x98\x80", 2},  // 😀 U+1F600 (a surrogate pair in UTF-16)
      {"\xF0\x9D\x84\x9E", 2},  // 𝄞 U+1D11E
      {"\xF4\x8F\xBF\xBF", 2},  // U+10FFFF, the last code point
      {"\xFF", 1},              // never valid in UTF-8
      {"\xC0", 1},              // overlong lead, never valid
      {"\xE2", 1, true},        // a lead whose sequence never completes
      {"\xF0", 1, true},
      {"\x80", 1, false, true},  // a stray continuation byte
      {"\xBF", 1, false, true},
  };
}

// A random line made of pieces that decode as exactly those pieces.
std::vector<Piece> random_pieces(std::mt19937& rng, size_t count) {
  static const std::vector<Piece> pool = piece_pool();
  std::vector<Piece> pieces;
  std::uniform_int_distribution<size_t> pick(0, pool.size() - 1);
  std::bernoulli_distribution ascii_run(0.3);
  while (pieces.size() < count) {
    if (ascii_run(rng)) {  // long ASCII stretches take the fast path
      for (int i = 0; i < 12; ++i) pieces.push_back(pool[0]);
      continue;
    }
    const Piece& piece = pool[pick(rng)];
    bool after_lead = !pieces.empty() && pieces.back().may_start_sequence;
    if (after_lead && (piece.is_continuation || piece.may_start_sequence)) continue;
    pieces.push_back(piece);
  }
  return pieces;
}

TEST(PositionEncoding, NamesRoundTrip) {
  for (PositionEncoding encoding : kEncodings) {
    EXPECT_EQ(parse_position_encoding(to_string(encoding)), encoding);
  }
  EXPECT_EQ(to_string(PositionEncoding::kUtf16), "utf-16");
  EXPECT_EQ(parse_position_encoding("utf-8"), PositionEncoding::kUtf8);
  EXPECT_EQ(parse_position_encoding("utf-32"), PositionEncoding::kUtf32);
  EXPECT_FALSE(parse_position_encoding("UTF-8"));
  EXPECT_FALSE(parse_position_encoding("utf8"));
  EXPECT_FALSE(parse_position_encoding(""));
}

TEST(PositionEncoding, AsciiLineIsTheSameInEveryEncoding) {
  std::string line = "int main() { return 0; }";
  for (PositionEncoding encoding : kEncodings) {
    for (uint32_t i = 0; i <= line.size(); ++i) {
      EXPECT_EQ(byte_of_character(line, i, encoding), i);
      EXPECT_EQ(character_of_byte(line, i, encoding), i);
    }
    EXPECT_EQ(character_length(line, encoding), line.size());
  }
}

TEST(PositionEncoding, MixedWidthCharacters) {
  // a é € 😀 b: bytes 1+2+3+4+1, UTF-16 units 1+1+1+2+1, code points 5.
  std::string line =
      "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"
      "b";
  struct Case {
    PositionEncoding encoding;
    std::vector<uint32_t> starts;  // character offset of each code point, then the end
  };
  const std::vector<uint32_t> bytes = {0, 1, 3, 6, 10, 11};
  for (const Case& c : {Case{PositionEncoding::kUtf8, {0, 1, 3, 6, 10, 11}},
                        Case{PositionEncoding::kUtf16, {0, 1, 2, 3, 5, 6}},
                        Case{PositionEncoding::kUtf32, {0, 1, 2, 3, 4, 5}}}) {
    for (size_t i = 0; i < bytes.size(); ++i) {
      EXPECT_EQ(byte_of_character(line, c.starts[i], c.encoding), bytes[i]);
      EXPECT_EQ(character_of_byte(line, bytes[i], c.encoding), c.starts[i]);
    }
    EXPECT_EQ(character_length(line, c.encoding), c.starts.back());
  }
}

TEST(PositionEncoding, InsideACharacterRoundsDownToItsStart) {
  std::string line = "x\xF0\x9F\x98\x80y";  // x 😀 y
  // UTF-16 offset 2 falls between the two halves of the surrogate pair.
  EXPECT_EQ(byte_of_character(line, 2, PositionEncoding::kUtf16), 1u);
  EXPECT_EQ(byte_of_character(line, 3, PositionEncoding::kUtf16), 5u);
  // UTF-8 offsets inside the sequence.
  for (uint32_t inside = 2; inside <= 4; ++inside) {
    EXPECT_EQ(byte_of_character(line, inside, PositionEncoding::kUtf8), 1u);
    for (PositionEncoding encoding : kEncodings) {
      EXPECT_EQ(character_of_byte(line, inside, encoding), 1u);
    }
  }
}

TEST(PositionEncoding, PastTheEndClampsToTheEndOfTheContent) {
  std::string line = "h\xC3\xA9llo";
  for (PositionEncoding encoding : kEncodings) {
    uint32_t length = character_length(line, encoding);
    EXPECT_EQ(byte_of_character(line, length + 1, encoding), line.size());
    EXPECT_EQ(byte_of_character(line, UINT32_MAX, encoding), line.size());
    EXPECT_EQ(character_of_byte(line, UINT32_MAX, encoding), length);
  }
  EXPECT_EQ(byte_of_character("", 5, PositionEncoding::kUtf16), 0u);
  EXPECT_EQ(character_of_byte("", 5, PositionEncoding::kUtf16), 0u);
}

TEST(PositionEncoding, TrailingCarriageReturnIsNotAddressable) {
  std::string line = "ab\r";
  EXPECT_EQ(line_content(line), "ab");
  EXPECT_EQ(line_content("a\rb"), "a\rb");
  for (PositionEncoding encoding : kEncodings) {
    EXPECT_EQ(character_length(line, encoding), 2u);
    EXPECT_EQ(byte_of_character(line, 2, encoding), 2u);
    EXPECT_EQ(byte_of_character(line, 3, encoding), 2u);  // would be after the "\r"
    EXPECT_EQ(character_of_byte(line, 3, encoding), 2u);
    // A "\r" in the middle is content.
    EXPECT_EQ(character_length("a\rb", encoding), 3u);
    EXPECT_EQ(byte_of_character("a\rb\r", 2, encoding), 2u);
  }
}

TEST(PositionEncoding, InvalidBytesCountOneUnitEach) {
  struct Case {
    std::string line;
    uint32_t code_points;
  };
  for (const Case& c : {
           Case{"\xFF", 1}, Case{"\x80", 1}, Case{"\xE2\x82", 2},  // € cut short
           Case{"\xE2\x82"
                "a",
                3},
           Case{"\xF0\x9F\x98", 3},      // 😀 cut short
           Case{"\xC0\xAF", 2},          // overlong "/"
           Case{"\xED\xA0\x80", 3},      // an encoded surrogate
           Case{"\xF4\x90\x80\x80", 4},  // above U+10FFFF
           Case{"\xC3\xA9\xA9", 2},      // é then a stray continuation
       }) {
    for (PositionEncoding encoding : kEncodings) {
      SCOPED_TRACE(testing::PrintToString(c.line));
      uint32_t expected = encoding == PositionEncoding::kUtf8 ? c.line.size() : c.code_points;
      EXPECT_EQ(character_length(c.line, encoding), expected);
      EXPECT_EQ(byte_of_character(c.line, expected, encoding), c.line.size());
    }
  }
}

TEST(PositionEncoding, RandomLinesAgreeWithPieceWidths) {
  std::mt19937 rng(20240501);
  for (int round = 0; round < 300; ++round) {
    std::vector<Piece> pieces = random_pieces(rng, 1 + round % 40);
    // A "\r" last in the line would be taken for (part of) the terminator.
    if (pieces.back().bytes == "\r") pieces.back() = piece_pool()[0];
    std::string line;
    for (const Piece& piece : pieces) line += piece.bytes;
    std::string stored = round % 3 == 0 ? line + "\r" : line;
    for (PositionEncoding encoding : kEncodings) {
      SCOPED_TRACE(::testing::Message() << "round " << round << " " << to_string(encoding));
      uint32_t byte = 0, units = 0;
      for (size_t k = 0; k <= pieces.size(); ++k) {
        EXPECT_EQ(byte_of_character(stored, units, encoding), byte);
        EXPECT_EQ(character_of_byte(stored, byte, encoding), units);
        if (k == pieces.size()) break;
        const Piece& piece = pieces[k];
        // Offsets inside the piece round down to its start.
        for (uint32_t inside = 1; inside < piece.width(encoding); ++inside) {
          EXPECT_EQ(byte_of_character(stored, units + inside, encoding), byte);
        }
        for (uint32_t inside = 1; inside < piece.bytes.size(); ++inside) {
          EXPECT_EQ(character_of_byte(stored, byte + inside, encoding), units);
        }
        byte += static_cast<uint32_t>(piece.bytes.size());
        units += piece.width(encoding);
      }
      EXPECT_EQ(byte_of_character(stored, UINT32_MAX, encoding), line.size());
      EXPECT_EQ(character_length(stored, encoding), units);
      EXPECT_EQ(character_of_byte(stored, static_cast<uint32_t>(stored.size()) + 1, encoding),
                units);
    }
  }
}

TEST(PositionEncoding, ArbitraryBytesNeverBreakTheRoundTrip) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte_value(0, 255);
  for (int round = 0; round < 500; ++round) {
    std::string line(round % 50, '\0');
    for (char& c : line) c = static_cast<char>(byte_value(rng));
    for (PositionEncoding encoding : kEncodings) {
      uint32_t length = character_length(line, encoding);
      uint32_t previous = 0;
      for (uint32_t b = 0; b <= line.size() + 1; ++b) {
        uint32_t character = character_of_byte(line, b, encoding);
        EXPECT_GE(character, previous);  // monotone
        EXPECT_LE(character, length);
        previous = character;
        // The byte of that character is the start of the character holding b.
        uint32_t start = byte_of_character(line, character, encoding);
        EXPECT_LE(start, std::min<uint32_t>(b, line.size()));
        EXPECT_EQ(character_of_byte(line, start, encoding), character);
      }
    }
  }
}

}  // namespace
}  // namespace flint::protocol
