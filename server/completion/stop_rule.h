#pragma once
// Where a streamed completion ends, decided as the text arrives so that the stream can be cut
// there and the answer sent at once.
//
// kLine: the rest of the current line; the first line break ends it. Closing characters that
// already follow the cursor ("foo(|)") are not repeated: an answer whose end repeats the start
// of the text after the cursor loses that end only when the completed line's brackets and
// quotes come out better without it ("total(items)" is kept whole, "total(items))" loses one
// ')'; see without_repeated_tail in bracket_balance.h). The same holds where a block's last line
// meets the rest of the cursor's line ("{|}"). kBlock: the current statement or block, read from
// indentation:
// - after a block opener (the cursor's line ends in ':' '{' '(' 'do' ...): the lines indented
//   deeper than that line, plus one closing line ('}', 'end', ...) at its level;
// - on a blank line: one statement at the cursor's level with everything indented under it,
//   plus lines at that level that continue it ('else', 'except', '}', ...);
// in both, a line that repeats the code after the cursor (unless the brackets show it closes
// what the completion opened: "{|\n}" answered "if (x) {", "  g();", "}" keeps that '}'),
// two blank lines in a row, or kMaxBlockLines lines end it.

#include <string>
#include <string_view>
#include <vector>

#include "server/completion/engine.h"

namespace flint {

class CompletionStop {
 public:
  static constexpr int kMaxBlockLines = 64;

  explicit CompletionStop(const CompletionQuery& query);

  // Appends streamed text; true once the completion is complete (later text cannot be kept).
  bool feed(std::string_view text);
  // The stream ended: the last, unterminated line is judged like the others.
  void finish();
  bool done() const { return done_; }
  // The completion: what was kept, without trailing whitespace or blank lines.
  std::string result() const;

 private:
  void end_line(std::string_view line);
  void end_first_line(std::string_view line);
  // `line` reads like code_after_[which]: whether it repeats it (and so ends the completion),
  // as the brackets tell: not when the completion needs the line to close what it opened.
  bool repeats_code_after(std::string_view line, size_t which) const;

  CompletionMode mode_;
  std::string language_;
  std::string line_before_;
  std::string line_after_whole_;         // the cursor's line after the cursor
  std::string line_after_;               // the same, trimmed
  std::vector<std::string> code_after_;  // trimmed non-blank lines that follow the cursor
  bool after_opener_ = false;
  int base_indent_ = 0;
  bool statement_started_ = false;

  std::string kept_;
  std::string blank_lines_;  // blank lines after kept_, kept only if code follows them
  int blank_run_ = 0;
  std::string line_;  // the line being received
  bool first_line_ = true;
  int lines_ = 0;
  bool done_ = false;
};

// Indentation width (a tab counts 4).
int indent_width(std::string_view line);

}  // namespace flint
