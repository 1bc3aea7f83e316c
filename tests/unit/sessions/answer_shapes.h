#pragma once
// Text transforms that turn a region's original text into the shapes real models answer in
// (fenced with chatter, dedented, tabs for spaces, copied context, an elision marker, one line
// changed, one method of a class), for the answer table test (answer_table_test.cpp). Pure
// functions of their inputs: what a shape does to the text is all here, the driving is there.

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/edits/answer_lines.h"

namespace flint::test::shapes {

// The lines of `text` without their "\n"; a final "\n" does not start another line.
inline std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  size_t at = 0;
  while (at < text.size()) {
    size_t newline = text.find('\n', at);
    size_t end = newline == std::string_view::npos ? text.size() : newline;
    lines.emplace_back(text.substr(at, end - at));
    at = newline == std::string_view::npos ? text.size() : newline + 1;
  }
  return lines;
}

inline std::string join(const std::vector<std::string>& lines, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end && i < lines.size(); ++i) {
    out += lines[i];
    out += '\n';
  }
  return out;
}
inline std::string join(const std::vector<std::string>& lines) {
  return join(lines, 0, lines.size());
}

inline bool blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}
inline std::string_view indent_of(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) ++n;
  return line.substr(0, n);
}

// The indentation every non-blank line starts with and one of them is exactly (the region's
// minimum indentation), or nothing when the lines disagree on it (tabs here, spaces there).
inline std::optional<std::string> common_indent(const std::vector<std::string>& lines) {
  std::optional<std::string> least;
  for (const std::string& line : lines) {
    if (blank(line)) continue;
    std::string_view indent = indent_of(line);
    if (!least || indent.size() < least->size()) least = std::string(indent);
  }
  if (!least) return std::string();
  for (const std::string& line : lines) {
    if (!blank(line) && line.compare(0, least->size(), *least) != 0) return std::nullopt;
  }
  return least;
}

// Every line minus `prefix` (a blank line loses as much of it as it has).
inline std::vector<std::string> dedent(const std::vector<std::string>& lines,
                                       std::string_view prefix) {
  std::vector<std::string> out;
  for (const std::string& line : lines) {
    size_t n = 0;
    while (n < prefix.size() && n < line.size() && line[n] == prefix[n]) ++n;
    out.push_back(line.substr(n));
  }
  return out;
}

// Leading runs of `width` spaces become tabs (what is left over stays spaces).
inline std::vector<std::string> tabify(const std::vector<std::string>& lines, size_t width) {
  std::vector<std::string> out;
  for (const std::string& line : lines) {
    size_t spaces = 0;
    while (spaces < line.size() && line[spaces] == ' ') ++spaces;
    out.push_back(std::string(spaces / width, '\t') + std::string(spaces % width, ' ') +
                  line.substr(spaces));
  }
  return out;
}

// The file's indentation: tabs (true) when more indented lines start with a tab than with a
// space; otherwise the most common step between a line and a deeper next line (2, 4 or 8).
struct FileIndent {
  bool tabs = false;
  size_t width = 0;  // 0: unknown
};
inline FileIndent file_indent(const std::vector<std::string>& lines) {
  size_t tab_lines = 0;
  size_t space_lines = 0;
  size_t steps[9] = {};
  size_t previous = 0;
  bool have_previous = false;
  for (const std::string& line : lines) {
    if (blank(line)) continue;
    std::string_view indent = indent_of(line);
    if (!indent.empty()) (indent.front() == '\t' ? tab_lines : space_lines)++;
    size_t columns = indent.find('\t') == std::string_view::npos ? indent.size() : 0;
    if (have_previous && columns > previous && columns - previous <= 8 &&
        indent.find('\t') == std::string_view::npos) {
      ++steps[columns - previous];
    }
    previous = columns;
    have_previous = indent.find('\t') == std::string_view::npos;
  }
  FileIndent result;
  result.tabs = tab_lines > space_lines;
  size_t best = 0;
  for (size_t w : {2, 4, 8}) {
    if (steps[w] > best) {
      best = steps[w];
      result.width = w;
    }
  }
  return result;
}

// The tail of `above` from its `k`-th last non-blank line on (blank lines after it included):
// what a model copies when it repeats "the lines right above".
inline std::string above_tail(std::string_view above, size_t k) {
  std::vector<std::string> lines = lines_of(above);
  size_t seen = 0;
  for (size_t i = lines.size(); i-- > 0;) {
    if (blank(lines[i])) continue;
    if (++seen == k) return join(lines, i, lines.size());
  }
  return join(lines);
}
// The first `j` lines of `below`.
inline std::string below_head(std::string_view below, size_t j) {
  std::vector<std::string> lines = lines_of(below);
  return join(lines, 0, std::min(j, lines.size()));
}

// A span [begin, end) of 3..6 lines strictly inside the region (neither its first nor its last
// line), every line non-blank and not trivial (answer::is_trivial), nearest the middle.
struct Span {
  size_t begin = 0;
  size_t end = 0;
};
inline std::optional<Span> middle_span(const std::vector<std::string>& lines) {
  if (lines.size() < 5) return std::nullopt;
  auto good = [&](size_t i) { return !blank(lines[i]) && !answer::is_trivial(lines[i]); };
  std::optional<Span> best;
  double middle = static_cast<double>(lines.size()) / 2.0;
  double best_distance = 0;
  for (size_t len = 6; len >= 3 && !best; --len) {
    for (size_t b = 1; b + len <= lines.size() - 1; ++b) {
      bool ok = true;
      for (size_t i = b; i < b + len && ok; ++i) ok = good(i);
      if (!ok) continue;
      double distance = std::abs(static_cast<double>(b) + static_cast<double>(len) / 2.0 - middle);
      if (!best || distance < best_distance) {
        best = Span{b, b + len};
        best_distance = distance;
      }
    }
  }
  return best;
}

// The comment that stands for left-out code in `language` (LSP languageId); "" for none.
inline std::string elision_marker(std::string_view language) {
  if (language == "python" || language == "shellscript") return "# ... existing code ...";
  if (language == "lua") return "-- ... existing code ...";
  if (language == "json") return "";
  return "// ... existing code ...";
}

inline bool identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// `line` with its last identifier of two or more characters renamed (suffix "_2"), or nothing
// when it has none.
inline std::optional<std::string> renamed(std::string_view line) {
  size_t end = line.size();
  while (end > 0) {
    while (end > 0 && !identifier_char(line[end - 1])) --end;
    size_t begin = end;
    while (begin > 0 && identifier_char(line[begin - 1])) --begin;
    if (end - begin >= 2 && std::isdigit(static_cast<unsigned char>(line[begin])) == 0) {
      std::string out(line.substr(0, end));
      out += "_2";
      out.append(line.substr(end));
      return out;
    }
    end = begin;
  }
  return std::nullopt;
}

// The line to change: not the first or last, not blank or trivial, with an identifier to
// rename, its text unique among `lines`, nearest the middle. Nothing if there is none.
inline std::optional<size_t> line_to_change(const std::vector<std::string>& lines) {
  if (lines.size() < 3) return std::nullopt;
  std::optional<size_t> best;
  double middle = static_cast<double>(lines.size() - 1) / 2.0;
  for (size_t i = 1; i + 1 < lines.size(); ++i) {
    if (blank(lines[i]) || answer::is_trivial(lines[i]) || !renamed(lines[i])) continue;
    size_t same = 0;
    for (const std::string& other : lines) same += answer::key(other) == answer::key(lines[i]);
    if (same != 1) continue;
    if (!best ||
        std::abs(static_cast<double>(i) - middle) < std::abs(static_cast<double>(*best) - middle)) {
      best = i;
    }
  }
  return best;
}

// A fence long enough not to be closed by a run of backticks inside `code`.
inline std::string fence_for(std::string_view code) {
  size_t longest = 0;
  size_t run = 0;
  for (char c : code) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<size_t>(3, longest + 1), '`');
}

// The markdown info string models put on a fence for `language` (LSP languageId).
inline std::string fence_language(std::string_view language) {
  if (language == "typescriptreact") return "tsx";
  if (language == "shellscript") return "bash";
  return std::string(language);
}

}  // namespace flint::test::shapes
