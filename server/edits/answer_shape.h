#pragma once
// Fits a model's complete answer to the region it rewrites. Models do not answer in one clean
// shape: they repeat lines from around the region (up to the whole file), answer dedented or
// with tabs for spaces, leave out unchanged code behind a marker ("// ... existing code ..."),
// or answer only the part that changed (one method of the selected class). shape_answer()
// turns any of these into the text the region should hold, or refuses: an answer that cannot
// be matched to the region with confidence is never applied by a guess that drops code.
//
// In order:
//   1. Copied context: leading lines that repeat the lines right above the region, trailing
//      lines that repeat the lines right below it, are dropped. Leading or trailing lines that
//      repeat code around the region with changes refuse the answer (it also edits outside).
//   2. Indentation: an answer consistently offset from the region (dedented, deeper, tabs for
//      spaces, 2 for 4) is re-based to the region's style and level.
//   3. Elision markers stand for the original lines the answer skips there, found by aligning
//      the answer with the original on lines that say enough to anchor (trivial lines such as
//      "}" never anchor alone; bracket balance settles where a skipped run ends). Where two
//      alignments are equally good and give different text, the answer is refused.
//   4. Partial answers: an answer more deeply indented than the region that does not start
//      with the region's first line holds some of its children. Definitions are matched by
//      name and replace only those children (new ones go next to their matched neighbours);
//      statements replace the body of a region that is one block. Anything else is refused.
//
// Pure function of its inputs: no state, no I/O; the streaming side (answer_shaper.h) calls it
// once the answer is complete.

#include <cstdint>
#include <string>
#include <string_view>

namespace flint {

struct AnswerFrame {
  std::string_view original;  // the region's text, whole lines
  std::string_view above;     // document text before the region (whole lines, may be cut short)
  std::string_view below;     // document text after the region
  std::string_view language;  // LSP languageId ("" if unknown)
};

struct ShapedAnswer {
  bool ok = false;
  std::string text;    // when ok: what the region should hold, "\n" after every line
  std::string reason;  // when not: why, for a person ("the model answered no code", ...)

  // What was done, for the log and tests.
  uint32_t context_above = 0;  // lines dropped as copies of the lines above the region
  uint32_t context_below = 0;
  int indent_shift = 0;  // columns added to every line (negative: removed)
  bool indent_converted = false;
  uint32_t elisions = 0;  // markers filled from the original
  bool spliced = false;   // a partial answer was fitted into the region
};

// `code` is the answer without fences, chatter and reasoning. `explicit_empty` says that the
// model answered with an empty code block on purpose: only then may the region become empty.
ShapedAnswer shape_answer(const AnswerFrame& frame, std::string_view code, bool explicit_empty);

// Lines of document context kept on each side of the region for the copied-context check.
inline constexpr uint32_t kAnswerContextLines = 4000;

}  // namespace flint
