#include "server/edits/three_way_merge.h"

#include <vector>

#include "server/edits/stream_diff.h"

namespace flint {
namespace {

// Whether two changes of `base` cannot both be made. Changes are trimmed to the bytes that
// differ, so two that merely touch inside a line ("b" made "B", "ee" typed right after it) are
// one edit of that line seen from two sides: they conflict too; touching at a line start is fine.
bool conflict(std::string_view base, const TextHunk& a, const TextHunk& b) {
  bool a_inserts = a.before_begin == a.before_end;
  bool b_inserts = b.before_begin == b.before_end;
  if (a_inserts && b_inserts) return a.before_begin == b.before_begin;
  if (a.before_begin < b.before_end && b.before_begin < a.before_end) return true;
  auto mid_line = [&](uint32_t at) { return at > 0 && base[at - 1] != '\n'; };
  if (a.before_end == b.before_begin) return mid_line(b.before_begin);
  if (b.before_end == a.before_begin) return mid_line(a.before_begin);
  return false;
}

}  // namespace

MergeResult merge_three_way(std::string_view base, std::string_view ours, std::string_view theirs) {
  std::vector<TextHunk> mine = minimal_hunks(base, ours);
  std::vector<TextHunk> yours = minimal_hunks(base, theirs);
  auto text_of = [](std::string_view side, const TextHunk& h) {
    return side.substr(h.after_begin, h.after_end - h.after_begin);
  };
  MergeResult result;
  std::string out;
  uint32_t at = 0;  // how far `base` has been copied
  size_t i = 0;
  size_t j = 0;
  while (i < mine.size() || j < yours.size()) {
    if (i < mine.size() && j < yours.size() && conflict(base, mine[i], yours[j])) {
      bool same = mine[i].before_begin == yours[j].before_begin &&
                  mine[i].before_end == yours[j].before_end &&
                  text_of(ours, mine[i]) == text_of(theirs, yours[j]);
      if (!same) {
        result.conflict_byte = yours[j].after_begin;
        return result;
      }
      ++j;  // the same change on both sides: once
      continue;
    }
    // The change that starts first; at the same place, an insertion before a replacement.
    bool take_mine = j >= yours.size();
    if (!take_mine && i < mine.size()) {
      const TextHunk& m = mine[i];
      const TextHunk& y = yours[j];
      take_mine = m.before_begin < y.before_begin ||
                  (m.before_begin == y.before_begin && m.before_begin == m.before_end);
    }
    const TextHunk& h = take_mine ? mine[i] : yours[j];
    std::string_view side = take_mine ? ours : theirs;
    out.append(base.substr(at, h.before_begin - at));
    out.append(text_of(side, h));
    at = h.before_end;
    (take_mine ? i : j)++;
  }
  out.append(base.substr(at));
  result.text = std::move(out);
  return result;
}

}  // namespace flint
