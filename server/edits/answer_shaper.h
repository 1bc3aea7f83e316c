#pragma once
// The streaming side of shape_answer(): while the model writes, says what the region should
// hold now; once it is done, what it finally holds (or why the answer is refused).
//
// While streaming, completed answer lines pass to a StreamDiff after the same treatment that
// shape_answer() gives the whole answer, decided as early as the lines allow and holding back
// only what is still ambiguous:
//   - leading lines that repeat the lines right above the region are held until the answer
//     either reaches the region (they were copied context: dropped) or departs from the
//     document (they were code: released);
//   - the indentation shift is fixed by the first line of code and applied to every line;
//   - an elision marker is held until the next line that anchors in the original; the original
//     lines between are passed on as if the model had written them, so the buffer never loses
//     lines the answer keeps;
//   - a first line that matches an original line further down, more deeply indented than the
//     region (one method of a selected class), brings the original lines above it along;
//   - lines that repeat the lines right below the region are held until the answer departs
//     from them or ends.
// finish() runs shape_answer() on the whole answer: its result, not the streaming guess, is
// what the region ends with. A refused answer is reported to the session, which restores the
// original.
//
// Not thread-safe; one instance per stream.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/edits/answer_lines.h"
#include "server/edits/answer_shape.h"
#include "server/edits/stream_diff.h"

namespace flint {

class AnswerShaper {
 public:
  // `original`, `above`, `below`: see AnswerFrame (copied). `eol_hint`: see StreamDiff.
  AnswerShaper(std::string original, std::string above, std::string below, std::string language,
               std::string_view eol_hint);
  AnswerShaper(const AnswerShaper&) = delete;
  AnswerShaper& operator=(const AnswerShaper&) = delete;

  // Cleaned code (OutputCleaner's output), as it streams.
  void push(std::string_view code);
  // The answer is complete. On refusal nothing changes here and the reason is returned.
  ShapedAnswer finish(bool explicit_empty);

  std::string desired_text() const;
  uint64_t revision() const;
  size_t completed_lines() const { return completed_lines_; }
  // All cleaned code pushed so far, as the model wrote it.
  const std::string& output() const { return output_; }
  // Some code that is not blank has arrived.
  bool has_code() const { return has_code_; }

 private:
  enum class Lead { kStart, kAbove, kMiddle };
  void take_line(std::string_view line);
  void middle_line(std::string_view line);
  void code_line(std::string_view line);
  void after_marker(std::string_view line);
  void resume_at(std::optional<size_t> original_line);
  void forward_partial();
  void decide_indentation(std::string_view first_line);
  void learn_answer_style(answer::Reindent& r, std::string_view line);
  void flush_blanks();
  // The answer has been through every original line but blank ones.
  bool at_original_end() const;
  void pass_original(size_t end);  // the original lines from the diff's position up to `end`
  void pass(std::string_view text);
  void release_held(std::vector<std::string>& held);
  std::optional<size_t> find_original(std::string_view line, size_t from) const;
  std::vector<size_t> above_positions(std::string_view key) const;

  std::string original_;
  std::string above_;
  std::string below_;
  std::string language_;
  std::string eol_;
  std::vector<std::string_view> o_;       // original lines
  std::vector<std::string_view> u_;       // lines above (the last kAnswerContextLines)
  std::vector<std::string_view> d_;       // lines below
  std::optional<size_t> first_original_;  // first non-blank original line
  int region_level_ = 0;

  StreamDiff diff_;
  std::optional<StreamDiff> final_;
  uint64_t final_revision_ = 0;

  std::string output_;
  std::string partial_;           // the answer line being received
  size_t partial_forwarded_ = 0;  // bytes of the re-indented partial line passed on
  size_t completed_lines_ = 0;
  bool has_code_ = false;

  Lead lead_ = Lead::kStart;
  std::vector<std::string> held_above_;
  std::vector<size_t> above_at_;  // where the held lines may be in u_ (index of the last one)
  std::optional<answer::Reindent> reindent_;
  bool answer_style_known_ = false;       // tabs or spaces, seen on an indented line
  std::vector<std::string> held_blanks_;  // blank lines waiting for the next line
  bool marker_pending_ = false;
  std::vector<std::string> held_after_marker_;  // trivial lines after the marker
  std::vector<size_t> candidates_;              // where the answer may resume in the original
  std::vector<std::string> resumed_;            // its lines since, until one place is left
  std::vector<std::string> held_below_;
  size_t below_next_ = 0;  // the line of d_ the next held line must repeat
};

}  // namespace flint
