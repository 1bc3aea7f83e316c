// The scope finder for documents without a grammar: indentation and blank-line blocks. A line
// followed by more-indented lines is a header; its block runs to the last more-indented line
// (blank lines inside included), plus a closing line ("}", "end", "fi", ...) at its own
// indentation. A cursor takes the largest block around it that fits.
#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "parsers/scope.h"

namespace flint::parsers {
namespace {

constexpr size_t kMaxHeaderName = 80;

class IndentationBlocks {
 public:
  explicit IndentationBlocks(const TextInput& input) : input_(input) {}

  struct Lines {
    uint32_t first = 0;
    uint32_t last = 0;
    uint32_t count() const { return last - first + 1; }
  };

  bool blank(uint32_t n) const { return is_blank_line(input_, n); }

  uint32_t indent(uint32_t n) const {
    uint32_t width = 0;
    for (char c : input_.line(n)) {
      if (c == ' ') {
        ++width;
      } else if (c == '\t') {
        width = (width / 8 + 1) * 8;
      } else {
        break;
      }
    }
    return width;
  }

  std::string_view trimmed(uint32_t n) const {
    auto line = input_.line(n);
    auto begin = line.find_first_not_of(" \t");
    if (begin == std::string_view::npos) return {};
    auto end = line.find_last_not_of(" \t\r");
    return line.substr(begin, end - begin + 1);
  }

  bool is_closer(uint32_t n) const {
    static constexpr std::array kBrackets = {"}", "]", ")", "</"};
    static constexpr std::array kWords = {"end", "fi", "done", "esac"};
    auto text = trimmed(n);
    if (std::any_of(kBrackets.begin(), kBrackets.end(),
                    [&](std::string_view closer) { return text.starts_with(closer); })) {
      return true;
    }
    // Keywords only as whole words: "first" does not close a block.
    return std::any_of(kWords.begin(), kWords.end(), [&](std::string_view word) {
      if (!text.starts_with(word)) return false;
      if (text.size() == word.size()) return true;
      char next = text[word.size()];
      return !(std::isalnum(static_cast<unsigned char>(next)) || next == '_');
    });
  }

  std::optional<uint32_t> next_nonblank(uint32_t n) const {
    for (uint32_t i = n + 1; i < input_.line_count(); ++i) {
      if (!blank(i)) return i;
    }
    return std::nullopt;
  }

  bool is_header(uint32_t n) const {
    auto next = next_nonblank(n);
    return next && indent(*next) > indent(n);
  }

  Lines block_of_header(uint32_t header) const {
    Lines lines{header, header};
    uint32_t base = indent(header);
    for (uint32_t n = header + 1; n < input_.line_count(); ++n) {
      if (blank(n)) continue;
      if (indent(n) > base) {
        lines.last = n;
        continue;
      }
      if (indent(n) == base && is_closer(n)) lines.last = n;
      break;
    }
    return lines;
  }

  // The nearest non-blank line above `n` indented less than `width`.
  std::optional<uint32_t> header_above(uint32_t n, uint32_t width) const {
    for (uint32_t i = n; i-- > 0;) {
      if (!blank(i) && indent(i) < width) return i;
    }
    return std::nullopt;
  }

  Lines paragraph(uint32_t n) const {
    Lines lines{n, n};
    while (lines.first > 0 && !blank(lines.first - 1)) --lines.first;
    while (lines.last + 1 < input_.line_count() && !blank(lines.last + 1)) ++lines.last;
    return lines;
  }

 private:
  const TextInput& input_;
};

Scope make_scope(const TextInput& input, uint32_t first, uint32_t last, std::string unit) {
  Scope scope;
  scope.first_line = first;
  scope.last_line = last;
  scope.start_byte = input.line_start(first);
  scope.end_byte = line_end_with_newline(input, last);
  scope.node_kind = "indentation_block";
  scope.unit = std::move(unit);
  return scope;
}

}  // namespace

Scope find_indentation_scope(const TextInput& input, ByteRange range, const ScopeOptions& options) {
  IndentationBlocks blocks(input);
  range.end = std::min(range.end, input.size());
  range.begin = std::min(range.begin, range.end);
  uint32_t row = point_of_byte(input, range.begin).row;

  if (range.begin != range.end) {
    uint32_t last = point_of_byte(input, range.end).row;
    // A selection ending at column 0 does not include that line.
    if (last > row && input.line_start(last) == range.end) --last;
    Scope scope = make_scope(input, row, last, "indentation");
    if (scope.line_count() > options.max_region_lines) {
      scope.is_local = false;
      scope.reason = "the region has " + std::to_string(scope.line_count()) +
                     " lines, more than edit.maxRegionLines (" +
                     std::to_string(options.max_region_lines) + ")";
    }
    return scope;
  }

  if (blocks.blank(row)) {
    uint32_t first = row;
    uint32_t last = row;
    while (first > 0 && blocks.blank(first - 1)) --first;
    while (last + 1 < input.line_count() && blocks.blank(last + 1)) ++last;
    Scope scope = make_scope(input, first, last, "blank");
    scope.node_kind = "blank_lines";
    return scope;
  }

  // Candidates from the innermost outwards; each one contains the previous one.
  using Lines = IndentationBlocks::Lines;
  std::vector<Lines> candidates;
  std::vector<uint32_t> headers;
  Lines current = blocks.is_header(row) ? blocks.block_of_header(row) : Lines{row, row};
  if (blocks.is_closer(row)) {
    if (auto header = blocks.header_above(row, blocks.indent(row) + 1)) {
      Lines owner = blocks.block_of_header(*header);
      if (owner.last >= row) current = owner;
    }
  }
  candidates.push_back(current);
  for (;;) {
    auto header = blocks.header_above(current.first, blocks.indent(current.first));
    if (!header) break;
    Lines parent = blocks.block_of_header(*header);
    parent.last = std::max(parent.last, current.last);
    headers.push_back(*header);
    candidates.push_back(parent);
    current = parent;
  }
  if (candidates.size() == 1 && candidates.front().count() == 1) {
    candidates.push_back(blocks.paragraph(row));
  }

  Lines chosen{row, row};
  size_t chosen_index = 0;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].count() <= options.max_region_lines) {
      chosen = candidates[i];
      chosen_index = i;
    }
  }
  Scope scope = make_scope(input, chosen.first, chosen.last, "indentation");
  // Headers of the blocks around the chosen one, outermost first, stand for definitions.
  for (size_t i = headers.size(); i-- > 0;) {
    if (i + 1 <= chosen_index) break;
    std::string name(blocks.trimmed(headers[i]).substr(0, kMaxHeaderName));
    scope.enclosing.push_back(EnclosingDefinition{"indentation_block", name, headers[i] + 1});
  }
  return scope;
}

}  // namespace flint::parsers
