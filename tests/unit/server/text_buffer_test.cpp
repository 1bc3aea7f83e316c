#include "server/text/text_buffer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "parsers/text_input.h"

namespace flint {
namespace {

using parsers::TextPoint;

// The naive point of `byte` in `text`, counted from the start.
TextPoint naive_point(std::string_view text, uint32_t byte) {
  TextPoint point;
  for (uint32_t i = 0; i < byte; ++i) {
    if (text[i] == '\n') {
      ++point.row;
      point.column = 0;
    } else {
      ++point.column;
    }
  }
  return point;
}

// Every lookup of `buffer` against the same text read as one plain string.
void expect_matches(const TextBuffer& buffer, const std::string& text, uint32_t chunk_target) {
  parsers::StringTextInput reference(text);
  ASSERT_EQ(buffer.size(), text.size());
  ASSERT_EQ(buffer.text(), text);
  ASSERT_EQ(buffer.line_count(), reference.line_count());
  for (uint32_t n = 0; n <= reference.line_count(); ++n) {
    EXPECT_EQ(buffer.line(n), reference.line(n)) << "line " << n;
    EXPECT_EQ(buffer.line_start(n), reference.line_start(n)) << "line " << n;
  }
  // Walking chunk_at visits every chunk once; chunks hold whole lines and stay near the
  // target size.
  std::string walked;
  size_t runs = 0;
  for (uint32_t at = 0; at < buffer.size();) {
    std::string_view run = buffer.chunk_at(at);
    ASSERT_FALSE(run.empty());
    EXPECT_EQ(text.compare(at, run.size(), run), 0);
    at += static_cast<uint32_t>(run.size());
    if (at < buffer.size()) {
      EXPECT_EQ(run.back(), '\n') << "a chunk ends inside a line, at byte " << at;
    }
    if (buffer.chunk_count() > 1) {
      EXPECT_GE(run.size(), chunk_target / 4) << "undersized chunk";
    }
    walked += run;
    ++runs;
  }
  EXPECT_EQ(walked, text);
  EXPECT_EQ(runs, text.empty() ? 0 : buffer.chunk_count());
  EXPECT_TRUE(buffer.chunk_at(buffer.size()).empty());
}

void expect_points_match(const TextBuffer& buffer, const std::string& text) {
  TextPoint point;
  for (uint32_t byte = 0; byte <= text.size(); ++byte) {
    ASSERT_EQ(buffer.point_of(byte), point) << "byte " << byte;
    EXPECT_EQ(buffer.offset_of(point), byte);
    if (byte < text.size() && text[byte] == '\n') {
      ++point.row;
      point.column = 0;
    } else {
      ++point.column;
    }
  }
  EXPECT_EQ(buffer.point_of(static_cast<uint32_t>(text.size()) + 10),
            naive_point(text, text.size()));
}

std::string random_text(std::mt19937& rng, size_t size) {
  static const std::vector<std::string> pieces = {
      "a", "bc", " ", "\n", "\n", "\r\n", "x = 1;\n", "\xF0\x9F\x98\x80", "\xC3\xA9", "\t"};
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::string text;
  while (text.size() < size) text += pieces[pick(rng)];
  return text;
}

TEST(TextBuffer, EmptyTextIsOneEmptyLine) {
  TextBuffer buffer;
  EXPECT_EQ(buffer.size(), 0u);
  EXPECT_EQ(buffer.line_count(), 1u);
  EXPECT_EQ(buffer.line(0), "");
  EXPECT_EQ(buffer.line_start(0), 0u);
  EXPECT_TRUE(buffer.chunk_at(0).empty());
  EXPECT_EQ(buffer.point_of(0), (TextPoint{0, 0}));
  EXPECT_EQ(buffer.offset_of({3, 3}), 0u);
}

TEST(TextBuffer, LookupsMatchAPlainString) {
  std::mt19937 rng(1);
  for (uint32_t target : {4u, 16u, 64u, 4096u}) {
    for (const std::string& text :
         {std::string("a"), std::string("a\n"), std::string("\n\n\n"), std::string("ab\r\ncd\r\n"),
          std::string(100, '\n'), std::string(300, 'x') + "\n" + std::string(5, 'y'),
          random_text(rng, 5000)}) {
      SCOPED_TRACE(::testing::Message() << "target " << target << " size " << text.size());
      TextBuffer buffer(text, {target});
      expect_matches(buffer, text, target);
      expect_points_match(buffer, text);
      EXPECT_EQ(buffer.substr(1, 7), text.substr(1, 6));
      EXPECT_EQ(buffer.substr(5, 2), "");
      EXPECT_EQ(buffer.substr(0, UINT32_MAX), text);
    }
  }
}

TEST(TextBuffer, LargeTextIsChunked) {
  std::string text;
  for (int i = 0; i < 50000; ++i) text += "line " + std::to_string(i) + " of the document\n";
  TextBuffer buffer(text);
  EXPECT_GT(buffer.chunk_count(), text.size() / 8192);
  EXPECT_LT(buffer.chunk_count(), text.size() / 4096 + 2);
  EXPECT_EQ(buffer.line(31337), "line 31337 of the document");
}

TEST(TextBuffer, ReplaceDescribesTheChangeForTreeSitter) {
  TextBuffer buffer("ab\ncd\nef");
  parsers::TextChange change = buffer.replace(4, 7, "X\nYZ");  // "d\ne" -> "X\nYZ"
  EXPECT_EQ(buffer.text(), "ab\ncX\nYZf");
  EXPECT_EQ(change.start_byte, 4u);
  EXPECT_EQ(change.old_end_byte, 7u);
  EXPECT_EQ(change.new_end_byte, 8u);
  EXPECT_EQ(change.start, (TextPoint{1, 1}));
  EXPECT_EQ(change.old_end, (TextPoint{2, 1}));
  EXPECT_EQ(change.new_end, (TextPoint{2, 2}));

  change = buffer.replace(0, 0, "zz");  // insertion without a newline
  EXPECT_EQ(change.new_end, (TextPoint{0, 2}));
  change = buffer.replace(100, 200, "!");  // clamped: appended at the end
  EXPECT_EQ(change.start_byte, buffer.size() - 1);
  EXPECT_EQ(buffer.text(), "zzab\ncX\nYZf!");
  change = buffer.replace(5, 2, "");  // start clamped to end: nothing happens
  EXPECT_EQ(change.start_byte, 2u);
  EXPECT_EQ(change.old_end_byte, 2u);
  EXPECT_EQ(buffer.text(), "zzab\ncX\nYZf!");
}

TEST(TextBuffer, EditInOneChunkLeavesTheOthersInPlace) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "some line of text " + std::to_string(i) + "\n";
  TextBuffer buffer(text);
  size_t chunks = buffer.chunk_count();
  uint32_t far = buffer.line_start(1900);
  const char* far_storage = buffer.chunk_at(far).data();
  uint32_t near = buffer.line_start(10) + 3;
  buffer.replace(near, near + 1, "Q");
  EXPECT_EQ(buffer.chunk_count(), chunks);
  EXPECT_EQ(buffer.chunk_at(far).data(), far_storage);
  text.replace(near, 1, "Q");
  EXPECT_EQ(buffer.text(), text);
}

TEST(TextBuffer, RejectsTextsOverTheLimit) {
  TextBuffer buffer("abc");
  // The size is checked before a byte is read, so a view that only claims to be huge serves.
  std::string_view huge(buffer.chunk_at(0).data(), TextBuffer::kMaxSize);
  EXPECT_THROW(buffer.replace(0, 0, huge), std::length_error);
  EXPECT_THROW(buffer.replace(3, 3, huge), std::length_error);
  EXPECT_EQ(buffer.text(), "abc");
  EXPECT_NO_THROW(buffer.replace(0, 3, "xy"));
  EXPECT_EQ(buffer.text(), "xy");
}

// The property: random edits applied to the buffer equal the same edits applied to a
// std::string, and every lookup agrees with the string, whatever the chunk size.
TEST(TextBuffer, RandomEditsMatchAPlainString) {
  for (uint32_t target : {4u, 16u, 128u, 4096u}) {
    SCOPED_TRACE(::testing::Message() << "target " << target);
    std::mt19937 rng(target);
    std::string reference = random_text(rng, 3000);
    TextBuffer buffer(reference, {target});
    for (int step = 0; step < 600; ++step) {
      std::uniform_int_distribution<uint32_t> offset(0, static_cast<uint32_t>(reference.size()));
      uint32_t a = offset(rng), b = offset(rng);
      if (a > b) std::swap(a, b);
      int kind = step % 10;
      if (kind < 6) b = std::min<uint32_t>(b, a + 3);  // keystroke-sized
      std::string inserted;
      if (kind == 7)
        inserted = random_text(rng, 600);  // paste
      else if (kind != 8)
        inserted = random_text(rng, step % 7);  // kind 8: pure deletion
      if (kind == 9 && step % 20 == 9) {
        a = 0;  // whole-text replacement
        b = static_cast<uint32_t>(reference.size());
      }

      parsers::TextChange expected;
      expected.start_byte = a;
      expected.old_end_byte = b;
      expected.new_end_byte = a + static_cast<uint32_t>(inserted.size());
      expected.start = naive_point(reference, a);
      expected.old_end = naive_point(reference, b);
      reference.replace(a, b - a, inserted);
      expected.new_end = naive_point(reference, expected.new_end_byte);

      parsers::TextChange change = buffer.replace(a, b, inserted);
      ASSERT_EQ(change.start_byte, expected.start_byte);
      ASSERT_EQ(change.old_end_byte, expected.old_end_byte);
      ASSERT_EQ(change.new_end_byte, expected.new_end_byte);
      ASSERT_EQ(change.start, expected.start);
      ASSERT_EQ(change.old_end, expected.old_end);
      ASSERT_EQ(change.new_end, expected.new_end) << "step " << step;
      ASSERT_EQ(buffer.size(), reference.size());
      if (step % 50 == 0) {
        expect_matches(buffer, reference, target);
        expect_points_match(buffer, reference);
        if (testing::Test::HasFailure()) return;
      }
    }
    expect_matches(buffer, reference, target);
    expect_points_match(buffer, reference);
  }
}

TEST(TextBuffer, ShrinkingToNothingAndGrowingBack) {
  std::string text;
  for (int i = 0; i < 500; ++i) text += "0123456789\n";
  TextBuffer buffer(text, {64});
  EXPECT_GT(buffer.chunk_count(), 10u);
  // Delete from the front, line by line, then everything that is left.
  while (buffer.size() > 100) buffer.replace(0, 11, "");
  buffer.replace(0, buffer.size(), "");
  EXPECT_EQ(buffer.chunk_count(), 1u);
  EXPECT_EQ(buffer.text(), "");
  EXPECT_EQ(buffer.line_count(), 1u);
  for (int i = 0; i < 300; ++i) buffer.replace(buffer.size(), buffer.size(), "abc\n");
  expect_matches(
      buffer,
      [] {
        std::string s;
        for (int i = 0; i < 300; ++i) s += "abc\n";
        return s;
      }(),
      64);
}

TEST(TextBuffer, LongLinesStayContiguous) {
  std::string long_line(20000, 'L');
  std::string text = "short\n" + long_line + "\nend\n";
  TextBuffer buffer(text, {64});
  EXPECT_EQ(buffer.line(1), long_line);
  // Typing in the middle of the long line keeps it one contiguous line.
  for (int i = 0; i < 50; ++i) {
    uint32_t at = buffer.line_start(1) + 10000;
    buffer.replace(at, at, "m");
    text.insert(at, "m");
  }
  EXPECT_EQ(buffer.line(1).size(), 20050u);
  expect_matches(buffer, text, 64);
}

}  // namespace
}  // namespace flint
