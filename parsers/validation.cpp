#include "parsers/validation.h"

#include <algorithm>

#include "parsers/ts_handles.h"

namespace flint::parsers {
namespace {

TextPoint from_ts(TSPoint point) {
  return {point.row, point.column};
}

bool intersects(TSNode node, ByteRange range) {
  uint32_t start = ts_node_start_byte(node);
  uint32_t end = ts_node_end_byte(node);
  if (start == end) return start >= range.begin && start <= range.end;  // MISSING: zero width
  return start < range.end && end > range.begin;
}

void collect(TSNode node, ByteRange range, std::vector<SyntaxError>& out) {
  // Only subtrees that hold an error are walked, so a clean region costs next to nothing.
  if (!ts_node_has_error(node) || !intersects(node, range)) return;
  if (ts_node_is_error(node) || ts_node_is_missing(node)) {
    SyntaxError error;
    error.start_byte = ts_node_start_byte(node);
    error.end_byte = ts_node_end_byte(node);
    error.start = from_ts(ts_node_start_point(node));
    error.end = from_ts(ts_node_end_point(node));
    error.missing = ts_node_is_missing(node);
    error.message = error.missing ? "missing " + std::string(ts_node_type(node)) : "syntax error";
    out.push_back(std::move(error));
    return;
  }
  TreeCursor cursor(node);
  if (!ts_tree_cursor_goto_first_child(cursor.get())) return;
  do {
    collect(cursor.node(), range, out);
  } while (ts_tree_cursor_goto_next_sibling(cursor.get()));
}

bool same_error(const SyntaxError& a, const SyntaxError& b) {
  return a.missing == b.missing && a.message == b.message;
}

}  // namespace

std::vector<SyntaxError> syntax_errors(const Tree& tree, ByteRange range) {
  std::vector<SyntaxError> errors;
  if (tree) collect(tree.root(), range, errors);
  return errors;
}

Validation validate(const Tree& before, ByteRange before_range, const Tree& after,
                    ByteRange after_range) {
  auto old_errors = syntax_errors(before, before_range);
  auto errors = syntax_errors(after, after_range);
  Validation result;
  result.errors_before = static_cast<uint32_t>(old_errors.size());
  result.errors_after = static_cast<uint32_t>(errors.size());
  std::vector<bool> matched(old_errors.size(), false);
  for (const auto& error : errors) {
    bool old = false;
    for (size_t i = 0; i < old_errors.size() && !old; ++i) {
      if (matched[i] || !same_error(old_errors[i], error)) continue;
      // Unchanged text before the edit point keeps its distance from the region's start;
      // unchanged text after it keeps its distance from the region's end.
      bool same_from_start =
          error.start_byte - after_range.begin == old_errors[i].start_byte - before_range.begin &&
          error.start_byte >= after_range.begin && old_errors[i].start_byte >= before_range.begin;
      bool same_from_end =
          after_range.end >= error.start_byte && before_range.end >= old_errors[i].start_byte &&
          after_range.end - error.start_byte == before_range.end - old_errors[i].start_byte;
      if (same_from_start || same_from_end) {
        matched[i] = true;
        old = true;
      }
    }
    if (!old) result.new_errors.push_back(error);
  }
  return result;
}

}  // namespace flint::parsers
