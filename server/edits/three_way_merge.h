#pragma once
// Three-way merge of a text changed two ways from a common base: the result holds both sets of
// changes where they do not overlap. flint.reject uses it when the person typed inside a
// session's region: the base is the text flint had written, one side the original region (what
// reject restores), the other the region as it is now (the person's changes on top of flint's).
// Their keystrokes survive the restore wherever they did not touch flint's own text.
//
// Changes are the minimal hunks of stream_diff.h (whole equal lines never inside one, each trimmed
// to the bytes that differ). Two changes conflict when their ranges of the base overlap or touch
// inside a line, or both insert at the same place; the same change made on both sides is no
// conflict.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flint {

struct MergeResult {
  std::optional<std::string> text;  // the merged text, unless the changes conflict
  uint32_t conflict_byte = 0;       // when they do: where in `theirs` the first conflict is
};

MergeResult merge_three_way(std::string_view base, std::string_view ours, std::string_view theirs);

}  // namespace flint
