#pragma once
// Aligns a model's streamed rewrite with the original region, line by line, and says at any
// moment what the region should hold: the output aligned so far, then the original lines not
// reached yet. The buffer shows the rewrite progressing top to bottom while the rest of the
// original stays in place.
//
// Alignment of each completed output line (greedy, one pass):
//   - equal to the next original line: that line is reproduced, nothing changes;
//   - equal to an original line a little further ahead: the lines skipped were deleted. Short
//     or punctuation-only lines ("}", "") skip only when a following line confirms them, or
//     when just as many new lines came right before (a block replaced by another);
//   - similar to the next original line (sharing at least half of its text after the
//     indentation): a rewrite of it, shown in its place;
//   - otherwise: a new line, inserted before the next original line.
// The unfinished last output line is shown while it streams, except while it may still be
// the reproduction of an original line (a prefix of it): showing it would rewrite that line.
// finish() drops the original lines never reached: the result is then exactly the output.
//
// Line endings: the model writes "\n". Reproduced lines keep their original ending; new lines
// take the region's prevailing ending ("\r\n" in a CRLF file). The region is whole lines, and
// the result keeps the original's final-newline state: it ends with a line ending unless the
// region was the unterminated last line of the file.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace flint {

class StreamDiff {
 public:
  // `original` is the region's text (whole lines). `eol_hint` is the line ending for new lines
  // when the region has no line ending to learn it from (an empty or one-line region).
  explicit StreamDiff(std::string_view original, std::string_view eol_hint = "\n");
  // Holds views into its own text: neither copied nor moved (keep it in an optional).
  StreamDiff(const StreamDiff&) = delete;
  StreamDiff& operator=(const StreamDiff&) = delete;

  // Consumes cleaned model output (see OutputCleaner).
  void push(std::string_view code);
  // The output is complete: settle the final text.
  void finish();
  bool finished() const { return finished_; }

  // What the region should hold now.
  std::string desired_text() const;
  // Changes whenever desired_text() may have changed, so callers can skip recomputing it.
  uint64_t revision() const { return revision_; }
  // Number of output lines completed so far.
  size_t completed_lines() const { return completed_lines_; }
  // The first original line the output has not reached yet.
  size_t next_original() const { return next_; }

  std::string_view original() const { return original_; }

  struct Counters {
    uint32_t reproduced = 0;  // output lines equal to an original line
    uint32_t rewritten = 0;   // output lines shown in place of an original line
    uint32_t inserted = 0;    // new output lines
    uint32_t deleted = 0;     // original lines skipped
  };
  const Counters& counters() const { return counters_; }

 private:
  struct OriginalLine {
    uint32_t begin = 0;
    uint32_t length = 0;
    std::string_view eol;  // "\n", "\r\n" or "" (the unterminated last line of the file)
  };
  struct OutputLine {
    std::string text;       // new text; empty for a reproduced line
    int32_t original = -1;  // the reproduced original line, or -1
  };
  enum class Placement { kHidden, kInsert, kReplace };

  std::string_view line_text(size_t i) const {
    return std::string_view(original_).substr(orig_[i].begin, orig_[i].length);
  }
  void take_line(std::string line);
  void place_line(std::string line, bool may_skip);
  void reproduce(size_t original_index);
  void skip_to(size_t original_index);
  size_t find_ahead(std::string_view line) const;
  bool confirms_skip() const;
  void commit_tentative();
  void flush_tentative();
  Placement partial_placement() const;
  void note_partial_change();

  std::string original_;
  std::vector<OriginalLine> orig_;
  std::unordered_map<std::string_view, std::vector<uint32_t>> positions_;  // text -> indices
  std::string eol_;
  bool final_newline_ = true;

  std::vector<OutputLine> out_;
  size_t next_ = 0;      // first original line not reached
  std::string partial_;  // the unfinished output line
  Placement placement_ = Placement::kHidden;
  std::vector<std::string> tentative_;  // lines matching ahead, waiting for confirmation
  size_t tentative_target_ = 0;         // the original line the first tentative line matches
  size_t inserted_run_ = 0;             // new lines since the last reproduced or rewritten one

  size_t output_bytes_ = 0;  // of all output pushed so far (a reserve hint)
  size_t completed_lines_ = 0;
  bool finished_ = false;
  uint64_t revision_ = 0;
  Counters counters_;
};

// The changes that turn `before` into `after`, as few and as small as possible: whole lines
// equal on both sides are never inside a hunk, and each hunk is trimmed to the bytes that
// differ (never splitting a UTF-8 sequence or a "\r\n"). Offsets are into `before` and
// `after`; hunks are in ascending order and do not touch each other.
struct TextHunk {
  uint32_t before_begin = 0;
  uint32_t before_end = 0;
  uint32_t after_begin = 0;
  uint32_t after_end = 0;
};
std::vector<TextHunk> minimal_hunks(std::string_view before, std::string_view after);

}  // namespace flint
