#pragma once
// Line-level vocabulary shared by the code that fits a model's answer to a region
// (answer_shape.h, answer_shaper.h): how two lines are compared, which lines say too little to
// anchor anything, indentation styles and their conversion, elision markers, and the units
// (definitions, statements) a block of lines is made of.
//
// Lines are compared by their "key": the text without surrounding blanks, so that an answer
// indented differently from the region still matches it line by line.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flint::answer {

// The lines of `text` without their "\n" (and without a "\r" before it). A final line break
// does not start another line: "a\nb\n" is two lines, "" none.
std::vector<std::string_view> split_lines(std::string_view text);

// The line without leading and trailing blanks (spaces, tabs, "\r").
std::string_view key(std::string_view line);
bool is_blank(std::string_view line);
// Too little text to anchor an alignment: blank, or no letter or digit, or at most three
// characters ("}", "});", "end", "fi").
bool is_trivial(std::string_view line);

// A line that reads as a rewrite of `original`: after the indentation they share at least
// three leading characters and half of the original (the rule StreamDiff shows rewrites by).
bool is_rewrite_of(std::string_view line, std::string_view original);

// --- indentation ---

// How a block of lines indents: tabs or `width` spaces per level.
struct IndentStyle {
  bool tabs = false;
  int width = 0;  // spaces per level; 0 when the lines show no nesting (unknown)
};
// Tabs count this many columns wherever columns are compared.
inline constexpr int kTabColumns = 4;

IndentStyle detect_indent_style(const std::vector<std::string_view>& lines);
// The region's own style; the lines around it (up to 200 on each side) only when the region
// shows none (it may differ from the rest of the file).
IndentStyle region_indent_style(const std::vector<std::string_view>& region,
                                const std::vector<std::string_view>& above,
                                const std::vector<std::string_view>& below);
// Leading blanks of `line`, in columns (a tab = kTabColumns).
int indent_columns(std::string_view line);
std::string_view indent_of(std::string_view line);

// Rewrites the indentation of answer lines: converted from the answer's style to the region's
// (tabs for spaces, 2 for 4, ...) and shifted by `shift` columns of the region's style.
struct Reindent {
  IndentStyle from;
  IndentStyle to;
  int shift = 0;
  bool converts() const;
  // Columns of the region's style that `line`'s indentation becomes (before the shift).
  int converted_columns(std::string_view line) const;
  // `line` with its indentation rewritten; a blank line becomes empty.
  std::string apply(std::string_view line) const;
  bool is_identity() const { return shift == 0 && !converts(); }
};

// Whether to convert the answer's indentation style to the region's: only when that makes more
// answer lines agree with their originals (or tabs meet spaces). The shift is left at 0.
Reindent choose_reindent(const std::vector<std::string_view>& answer,
                         const std::vector<std::string_view>& original, IndentStyle answer_style,
                         IndentStyle region_style);

// The shift that brings `answer` to the region's indentation: most answer lines that appear
// exactly once in `original` agree on it; failing that, a line that starts like an original
// line (same first two words); failing that, the first non-blank lines of both.
int indentation_shift(const std::vector<std::string_view>& answer,
                      const std::vector<std::string_view>& original, const Reindent& style);

// --- elision markers ---

// True for a line that only says that code was left out ("// ... existing code ...",
// "# rest of the function unchanged", "/* ... */"): a comment of `language` (any common
// comment syntax when the language is unknown) with nothing but an ellipsis or a phrase models
// use for it. Python's "..." and a JavaScript spread are code; a comment that merely contains
// "..." among other words is a comment.
bool is_elision_marker(std::string_view line, std::string_view language);

// --- units ---

// A unit of a block of lines at one indentation level: a definition or a statement with what
// is nested under it and its closing line, plus the decorators and comments right above it.
struct Unit {
  size_t begin = 0;  // first line (attached lines included)
  size_t end = 0;    // one past the last non-blank line
  size_t header = 0;
  std::string name;  // the defined name ("" when there is none)
  bool definition = false;
};
// The units of `lines` whose header starts at exactly `level` columns (after `reindent`, if
// given); lines less indented belong to no unit.
std::vector<Unit> split_units(const std::vector<std::string>& lines, int level);

// Whether a line opens a definition (function, method, class, ...), and the name it defines.
bool is_definition_header(std::string_view line);
std::string defined_name(std::string_view line);

// Net count of opening minus closing brackets ({[( ... )]}) outside string literals and line
// comments. Rough on purpose, and line by line: it is run on fragments of code (the stretch an
// elision marker stands for may start inside a docstring), where a string never spans lines.
// Ghost text, which reads whole lines, has its own exact reader (completion/bracket_balance.h).
int bracket_balance(std::string_view text);

}  // namespace flint::answer
