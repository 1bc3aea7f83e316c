#pragma once
// Syntax validation of an edited region: ERROR and MISSING nodes in the region before and
// after the edit; the errors the edit introduced, with their positions, become diagnostics.

#include <cstdint>
#include <string>
#include <vector>

#include "parsers/syntax_tree.h"

namespace flint::parsers {

struct SyntaxError {
  uint32_t start_byte = 0;
  uint32_t end_byte = 0;
  TextPoint start;  // row, byte column
  TextPoint end;
  bool missing = false;  // a MISSING node (the parser inserted it) rather than an ERROR
  std::string message;   // "syntax error" or "missing ';'"
  friend bool operator==(const SyntaxError&, const SyntaxError&) = default;
};

struct Validation {
  uint32_t errors_before = 0;
  uint32_t errors_after = 0;
  std::vector<SyntaxError> new_errors;  // in `after` coordinates, in text order
  bool introduced_errors() const { return !new_errors.empty(); }
};

// ERROR and MISSING nodes that intersect `range` (an ERROR inside an ERROR counts once).
std::vector<SyntaxError> syntax_errors(const Tree& tree, ByteRange range);

// Compares the region before (`before_range` of `before`) and after (`after_range` of `after`)
// an edit. An error after the edit is old when an error of the same kind sits at the same
// distance from the region's start or from its end before the edit; the others are new.
Validation validate(const Tree& before, ByteRange before_range, const Tree& after,
                    ByteRange after_range);

}  // namespace flint::parsers
