#pragma once
// The scope finder: given a document and a cursor or selection, the smallest syntactic region
// (whole lines) that can hold the change, the definitions around it, and whether the request
// is local (else it is handed to an agent job).
//
// Rules (which node kinds are units is data: parsers/queries/<language>/units.scm):
// - Cursor: the innermost enclosing function, method or closure; outside any, the top-level
//   statement or definition (members of a namespace count as top-level). When that exceeds
//   max_region_lines: the largest enclosing unit inside it that fits; failing that, the
//   cursor's own line. A cursor is always local.
// - A cursor's line counts as a whole: the cursor may sit anywhere on it, in the indentation
//   or after the last character.
// - A blank line picks the unit around it as above; where no unit surrounds it (between two
//   top-level definitions) the region is the run of blank lines: an insertion point.
// - A comment picks the unit it is attached to (the next one, with no blank line between);
//   a free comment outside every unit is its own region. Decorators, doc comments and
//   attributes travel with their definition.
// - Selection: the smallest unit covering it, or, when it covers several members of one block
//   (statements, methods, top-level definitions), just those members. Not local when the
//   region exceeds max_region_lines or it spans several top-level definitions.
// - No tree (a language without a grammar): indentation and blank-line blocks.

#include <cstdint>
#include <string>
#include <vector>

#include "parsers/syntax_tree.h"
#include "parsers/text_input.h"

namespace flint::parsers {

struct ScopeOptions {
  uint32_t max_region_lines = 200;  // edit.maxRegionLines
};

struct EnclosingDefinition {
  std::string kind;   // tree-sitter node kind, e.g. "class_definition"
  std::string name;   // may be empty (closures)
  uint32_t line = 0;  // 1-based line of the definition (not of its decorators)
  friend bool operator==(const EnclosingDefinition&, const EnclosingDefinition&) = default;
};

struct Scope {
  uint32_t first_line = 0;  // 0-based, inclusive
  uint32_t last_line = 0;
  uint32_t start_byte = 0;  // start of first_line
  uint32_t end_byte = 0;    // end of last_line including its "\n" (or the end of the text)
  std::string node_kind;    // tree-sitter kind of the unit (or of the block holding members)
  // function, closure, definition, namespace, block, statement: one unit; members: several
  // members of one block; comment, blank, line: see the rules above; indentation: fallback.
  std::string unit;
  std::string name;                            // the unit's name, when it has one
  std::vector<EnclosingDefinition> enclosing;  // outermost first; the unit itself excluded
  bool is_local = true;
  std::string reason;  // why not local (empty when local)

  uint32_t line_count() const { return last_line - first_line + 1; }
};

// `tree` may be null (no grammar for the language): indentation blocks are used then. A
// non-null tree must be up to date with `input` (not stale). `range` is clamped to the text;
// begin == end is a cursor.
Scope find_scope(const Tree* tree, const TextInput& input, ByteRange range,
                 const ScopeOptions& options = {});
Scope find_scope(const Tree* tree, const TextInput& input, TextPoint begin, TextPoint end,
                 const ScopeOptions& options = {});

// The indentation fallback on its own (also used for languages whose units query is missing).
Scope find_indentation_scope(const TextInput& input, ByteRange range, const ScopeOptions& options);

}  // namespace flint::parsers
