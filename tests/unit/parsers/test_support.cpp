#include "test_support.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "parsers/ts_handles.h"

namespace flint::parsers::test {
namespace {

constexpr std::string_view kCursor = "‸";
constexpr std::string_view kSelectionBegin = "«";
constexpr std::string_view kSelectionEnd = "»";
constexpr std::string_view kRegionFirst = "⟦";
constexpr std::string_view kRegionLast = "⟧";

uint32_t line_of(const std::string& code) {
  return static_cast<uint32_t>(std::count(code.begin(), code.end(), '\n'));
}

}  // namespace

Annotated annotate(std::string_view text) {
  Annotated result;
  std::optional<uint32_t> cursor, begin, end;
  for (size_t i = 0; i < text.size();) {
    auto rest = text.substr(i);
    auto here = static_cast<uint32_t>(result.code.size());
    if (rest.starts_with(kCursor)) {
      if (cursor) throw std::invalid_argument("two cursors");
      cursor = here;
      i += kCursor.size();
    } else if (rest.starts_with(kSelectionBegin)) {
      begin = here;
      i += kSelectionBegin.size();
    } else if (rest.starts_with(kSelectionEnd)) {
      end = here;
      i += kSelectionEnd.size();
    } else if (rest.starts_with(kRegionFirst)) {
      result.expected_first = line_of(result.code);
      i += kRegionFirst.size();
    } else if (rest.starts_with(kRegionLast)) {
      result.expected_last = line_of(result.code);
      i += kRegionLast.size();
    } else {
      result.code += text[i++];
    }
  }
  if (cursor && (begin || end)) throw std::invalid_argument("both a cursor and a selection");
  if (cursor) {
    result.begin = result.end = *cursor;
  } else if (begin && end && *begin <= *end) {
    result.begin = *begin;
    result.end = *end;
  } else {
    throw std::invalid_argument("no cursor (‸) or complete selection («...»)");
  }
  if (result.expected_first.has_value() != result.expected_last.has_value()) {
    throw std::invalid_argument("⟦ and ⟧ must come together");
  }
  return result;
}

const LanguageRegistry& registry() {
  return LanguageRegistry::shared();
}

const Language& language(std::string_view id) {
  const Language* found = registry().find(id);
  if (!found) throw std::invalid_argument("no language " + std::string(id));
  return *found;
}

std::string dump_tree(const Tree& tree) {
  std::string out;
  TreeCursor cursor(tree.root());
  int depth = 0;
  for (;;) {
    TSNode node = cursor.node();
    out += std::string(static_cast<size_t>(depth) * 2, ' ') + ts_node_type(node) + " " +
           std::to_string(ts_node_start_byte(node)) + "-" + std::to_string(ts_node_end_byte(node)) +
           (ts_node_is_missing(node) ? " MISSING" : "") + "\n";
    if (ts_tree_cursor_goto_first_child(cursor.get())) {
      ++depth;
      continue;
    }
    while (!ts_tree_cursor_goto_next_sibling(cursor.get())) {
      if (!ts_tree_cursor_goto_parent(cursor.get())) return out;
      --depth;
    }
  }
}

}  // namespace flint::parsers::test
