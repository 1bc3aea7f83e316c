#include "server/edits/stream_diff.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/unit/sessions/text_fixtures.h"

namespace flint {
namespace {

using test::join_lines;
using test::numbered_region;

size_t count_lines(std::string_view text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A buffer that follows the desired text through minimal hunks, remembering which original
// line every byte came from, to see which original lines an edit ever touched.
struct Replay {
  explicit Replay(std::string_view original) : buffer(original) {
    int line = 0;
    for (char c : original) {
      origin.push_back(line);
      if (c == '\n') ++line;
    }
  }
  void follow(std::string_view desired) {
    std::vector<TextHunk> hunks = minimal_hunks(buffer, desired);
    for (auto h = hunks.rbegin(); h != hunks.rend(); ++h) {
      for (uint32_t i = h->before_begin; i < h->before_end; ++i) {
        if (origin[i] >= 0) touched.insert(origin[i]);
      }
      if (h->before_begin == h->before_end) ++insertions;
      buffer.replace(h->before_begin, h->before_end - h->before_begin,
                     desired.substr(h->after_begin, h->after_end - h->after_begin));
      origin.erase(origin.begin() + h->before_begin, origin.begin() + h->before_end);
      origin.insert(origin.begin() + h->before_begin, h->after_end - h->after_begin, -1);
    }
    hunk_count += hunks.size();
    EXPECT_EQ(buffer, desired);
  }
  std::string buffer;
  std::vector<int> origin;  // original line of each byte, -1 for new text
  std::set<int> touched;    // original lines with a byte deleted or replaced
  size_t hunk_count = 0;
  size_t insertions = 0;
};

// Streams `output` in random pieces of 1..8 bytes; the buffer follows after every piece.
Replay stream(std::string_view original, std::string_view output, uint32_t seed = 1) {
  StreamDiff diff(original);
  Replay replay(original);
  std::mt19937 rng(seed);
  for (size_t i = 0; i < output.size();) {
    size_t n = std::min<size_t>(1 + rng() % 8, output.size() - i);
    diff.push(output.substr(i, n));
    replay.follow(diff.desired_text());
    i += n;
  }
  diff.finish();
  replay.follow(diff.desired_text());
  return replay;
}

std::string normalized(std::string output, bool final_newline) {
  if (output.empty()) return output;
  if (final_newline && output.back() != '\n') output.push_back('\n');
  if (!final_newline && output.back() == '\n') output.pop_back();
  return output;
}

TEST(StreamDiff, ReproducedRegionIsNeverTouched) {
  std::string original = join_lines(numbered_region(40));
  Replay replay = stream(original, original);
  EXPECT_EQ(replay.buffer, original);
  EXPECT_EQ(replay.hunk_count, 0u);
}

TEST(StreamDiff, ChangingOneLineOfFortyTouchesOnlyThatLine) {
  std::vector<std::string> lines = numbered_region(40);
  for (std::string changed : {lines[20] + ", extra=True)",               // grows at the end
                              std::string("    flag = compute_flag()"),  // a different line
                              std::string("        nested = 1"),         // re-indented, new
                              std::string("")}) {                        // blanked
    std::vector<std::string> rewritten = lines;
    rewritten[20] = changed;
    Replay replay = stream(join_lines(lines), join_lines(rewritten));
    EXPECT_EQ(replay.buffer, join_lines(rewritten));
    // Growing the line only inserts; the others replace line 20 and nothing else.
    std::set<int> expected = changed.starts_with(lines[20]) ? std::set<int>{} : std::set<int>{20};
    EXPECT_EQ(replay.touched, expected) << changed;
  }
}

TEST(StreamDiff, InsertingThreeLinesTouchesOnlyTheInsertionPoint) {
  std::vector<std::string> lines = numbered_region(40);
  std::vector<std::string> rewritten = lines;
  rewritten.insert(rewritten.begin() + 21,
                   {"    log.debug('checkpoint a')", "    assert ready()", "    # done"});
  Replay replay = stream(join_lines(lines), join_lines(rewritten));
  EXPECT_EQ(replay.buffer, join_lines(rewritten));
  EXPECT_TRUE(replay.touched.empty());
  EXPECT_EQ(replay.insertions, replay.hunk_count);  // nothing but insertions
}

TEST(StreamDiff, DeletingLinesTouchesOnlyThem) {
  std::vector<std::string> lines = numbered_region(40);
  std::vector<std::string> rewritten = lines;
  rewritten.erase(rewritten.begin() + 10, rewritten.begin() + 13);
  Replay replay = stream(join_lines(lines), join_lines(rewritten));
  EXPECT_EQ(replay.buffer, join_lines(rewritten));
  EXPECT_EQ(replay.touched, (std::set<int>{10, 11, 12}));
}

TEST(StreamDiff, ShortLinesAheadNeedConfirmationBeforeSkipping) {
  // "}" matches an original line further down, but only the next line confirms that the lines
  // in between were deleted; the brace the model reproduces is never rewritten.
  std::string original = "if (a) {\n  first();\n  second();\n}\nafter();\n";
  std::string output = "if (a) {\n  replaced();\n}\nafter();\n";
  Replay replay = stream(original, output);
  EXPECT_EQ(replay.buffer, output);
  EXPECT_EQ(replay.touched, (std::set<int>{1, 2}));
}

TEST(StreamDiff, CompletelyNewText) {
  std::string original = join_lines(numbered_region(12));
  std::string output = "fn main() {\n    println!(\"hi\");\n}\n";
  Replay replay = stream(original, output);
  EXPECT_EQ(replay.buffer, output);
}

TEST(StreamDiff, EmptyOutputDeletesTheRegion) {
  StreamDiff diff("a\nb\n");
  diff.finish();
  EXPECT_EQ(diff.desired_text(), "");
}

TEST(StreamDiff, EmptyRegionTakesTheOutput) {
  StreamDiff diff("");
  diff.push("x = 1");
  EXPECT_EQ(diff.desired_text(), "x = 1\n");
  diff.finish();
  EXPECT_EQ(diff.desired_text(), "x = 1\n");
}

TEST(StreamDiff, RegionAtEndOfFileWithoutFinalNewline) {
  for (std::string output : {"a\nc\n", "a\nc"}) {
    StreamDiff diff("a\nb");
    diff.push(output);
    diff.finish();
    EXPECT_EQ(diff.desired_text(), "a\nc");
  }
  StreamDiff diff("a\nb");
  diff.push("a\n");
  EXPECT_EQ(diff.desired_text(), "a\nb");  // nothing new yet
  diff.push("b\nc\n");
  EXPECT_EQ(diff.desired_text(), "a\nb\nc");
}

TEST(StreamDiff, CrLfRegionKeepsItsLineEndings) {
  StreamDiff diff("a\r\nb\r\nc\r\n");
  diff.push("a\nB\nc\nd\n");
  diff.finish();
  EXPECT_EQ(diff.desired_text(), "a\r\nB\r\nc\r\nd\r\n");
  // The model's own "\r\n" means the same.
  StreamDiff crlf_output("a\r\nb\r\n");
  crlf_output.push("a\r\nx\r\n");
  crlf_output.finish();
  EXPECT_EQ(crlf_output.desired_text(), "a\r\nx\r\n");
}

TEST(StreamDiff, MixedLineEndingsAreNeverCorrupted) {
  // Reproduced lines keep their own ending; new lines take the prevailing one.
  StreamDiff diff("a\r\nb\nc\r\n");
  diff.push("a\nb\nx\nc\n");
  diff.finish();
  EXPECT_EQ(diff.desired_text(), "a\r\nb\nx\r\nc\r\n");
}

TEST(StreamDiff, UnfinishedLineIsHiddenWhileItMayBeAReproduction) {
  std::vector<std::string> lines = numbered_region(10);
  StreamDiff diff(join_lines(lines));
  diff.push(lines[0] + "\n" + lines[1].substr(0, 12));
  EXPECT_EQ(diff.desired_text(), join_lines(lines));
}

TEST(StreamDiff, RewrittenLineIsRetypedInPlace) {
  StreamDiff diff("x = compute(a)\ny = 2\n");
  diff.push("x = compute(a, ");
  EXPECT_EQ(diff.desired_text(), "x = compute(a, \ny = 2\n");
  diff.push("b)\n");
  EXPECT_EQ(diff.desired_text(), "x = compute(a, b)\ny = 2\n");
}

TEST(StreamDiff, NewLineIsShownAboveTheOriginal) {
  StreamDiff diff("return total\n");
  diff.push("print(");
  EXPECT_EQ(diff.desired_text(), "print(\nreturn total\n");
  diff.push("total)\nreturn total\n");
  diff.finish();
  EXPECT_EQ(diff.desired_text(), "print(total)\nreturn total\n");
}

TEST(StreamDiff, ReindentedBlockReplacesLinesInPlace) {
  std::vector<std::string> lines = numbered_region(10);
  StreamDiff diff(join_lines(lines));
  diff.push("    if enabled:\n");
  for (const std::string& line : lines) {
    diff.push("    " + line + "\n");
    // Each re-indented line takes the place of its original: the region does not grow.
    EXPECT_EQ(count_lines(diff.desired_text()), lines.size() + 1);
  }
  diff.finish();
  EXPECT_EQ(count_lines(diff.desired_text()), lines.size() + 1);
}

TEST(StreamDiff, FinalTextIsTheOutputForAnySplit) {
  std::mt19937 rng(2024);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> lines = test::random_region(rng);
    std::string original = join_lines(lines);
    if (rng() % 4 == 0 && !original.empty()) original.pop_back();
    bool final_newline = original.empty() || original.back() == '\n';
    std::string output = test::mutate(lines, rng);
    if (rng() % 3 == 0 && !output.empty()) output.pop_back();  // no final newline
    StreamDiff diff(original);
    size_t i = 0;
    while (i < output.size()) {
      size_t n = std::min<size_t>(1 + rng() % 12, output.size() - i);
      diff.push(output.substr(i, n));
      i += n;
    }
    diff.finish();
    ASSERT_EQ(diff.desired_text(), normalized(output, final_newline))
        << "round " << round << "\noriginal:\n"
        << original << "\noutput:\n"
        << output;
  }
}

TEST(StreamDiff, EveryIntermediateTextIsWholeLinesInTheRegionsLineEndings) {
  std::mt19937 rng(99);
  for (int round = 0; round < 100; ++round) {
    std::vector<std::string> lines = test::random_region(rng);
    std::string original;
    for (const std::string& line : lines) original += line + "\r\n";
    std::string output = test::mutate(lines, rng);
    StreamDiff diff(original, "\r\n");
    for (size_t i = 0; i < output.size(); ++i) {
      diff.push(output.substr(i, 1));
      std::string desired = diff.desired_text();
      ASSERT_TRUE(desired.empty() || desired.ends_with("\r\n")) << desired;
      for (size_t at = desired.find('\n'); at != std::string::npos;
           at = desired.find('\n', at + 1)) {
        ASSERT_TRUE(at > 0 && desired[at - 1] == '\r') << "round " << round << ": " << desired;
      }
    }
  }
}

TEST(MinimalHunks, EqualTextsNeedNothing) {
  EXPECT_TRUE(minimal_hunks("a\nb\n", "a\nb\n").empty());
}

TEST(MinimalHunks, GrowingLineIsAnInsertionOfTheNewCharacters) {
  std::vector<TextHunk> hunks = minimal_hunks("a\nfoo(x\nb\n", "a\nfoo(x, y)\nb\n");
  ASSERT_EQ(hunks.size(), 1u);
  EXPECT_EQ(hunks[0].before_begin, 7u);
  EXPECT_EQ(hunks[0].before_end, 7u);
  EXPECT_EQ(hunks[0].after_end - hunks[0].after_begin, 4u);  // ", y)"
}

TEST(MinimalHunks, EqualLinesBetweenChangesAreNotTouched) {
  std::string before = "one\ntwo\nthree\nfour\nfive\n";
  std::string after = "ONE\ntwo\nthree\nfour\nFIVE\nsix\n";
  std::vector<TextHunk> hunks = minimal_hunks(before, after);
  ASSERT_EQ(hunks.size(), 2u);
  EXPECT_LE(hunks[0].before_end, 3u);
  EXPECT_GE(hunks[1].before_begin, before.find("five"));
}

TEST(MinimalHunks, NeverSplitsUtf8OrCrLf) {
  std::vector<TextHunk> hunks = minimal_hunks("caf\xC3\xA9\n", "caf\xC3\xA8\n");
  ASSERT_EQ(hunks.size(), 1u);
  EXPECT_EQ(hunks[0].before_begin, 3u);  // the whole two-byte character
  EXPECT_EQ(hunks[0].before_end, 5u);

  hunks = minimal_hunks("x\r\n", "x\r\r\n");
  ASSERT_EQ(hunks.size(), 1u);
  EXPECT_NE(hunks[0].before_begin, 2u);  // not between "\r" and "\n"
  EXPECT_NE(hunks[0].before_end, 2u);
}

TEST(MinimalHunks, ApplyingTheHunksGivesTheTarget) {
  std::mt19937 rng(5);
  for (int round = 0; round < 500; ++round) {
    std::vector<std::string> lines = test::random_region(rng);
    std::string before = join_lines(lines);
    std::string after = test::mutate(lines, rng);
    std::vector<TextHunk> hunks = minimal_hunks(before, after);
    std::string result = before;
    uint32_t previous_end = 0;
    for (size_t i = 0; i < hunks.size(); ++i) {
      ASSERT_LE(hunks[i].before_begin, hunks[i].before_end);
      if (i > 0) {
        ASSERT_LT(previous_end, hunks[i].before_begin);
      }
      previous_end = hunks[i].before_end;
    }
    for (auto h = hunks.rbegin(); h != hunks.rend(); ++h) {
      result.replace(h->before_begin, h->before_end - h->before_begin,
                     after.substr(h->after_begin, h->after_end - h->after_begin));
    }
    ASSERT_EQ(result, after) << "round " << round;
  }
}

}  // namespace
}  // namespace flint
