#pragma once
// Editable units: what a language's units.scm says about the nodes of a tree, and the
// "logical units" built from them (a definition merged with its wrappers: decorators,
// template<...>, export). Shared by the scope finder and context extraction.
//
// A units.scm pattern captures the unit at its root node (@function, @block, ...) with its
// @name and @body below it, so a node is classified by running the query rooted at that node
// only: the cost is per node looked at, never per file.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parsers/language_registry.h"
#include "parsers/query_runner.h"
#include "parsers/text_input.h"

namespace flint::parsers {

enum class UnitKind : uint8_t {
  kFunction,
  kClosure,
  kDefinition,
  kNamespace,
  kBlock,
  kStatement,
};

std::string_view unit_kind_name(UnitKind kind);

// What units.scm says about one node.
struct NodeClass {
  std::optional<UnitKind> kind;  // the strongest unit capture, if any
  bool wrapper = false;
  bool attached = false;
  TSNode name{};  // null node when the pattern has no @name
  TSNode body{};
};

// A unit as the scope finder sees it.
struct LogicalUnit {
  TSNode node{};   // the definition or statement itself (its kind, name and body)
  TSNode outer{};  // node plus the wrappers around it (decorators, template<>, export)
  UnitKind kind = UnitKind::kStatement;
  TSNode name{};
  TSNode body{};
};

class UnitClassifier {
 public:
  // `language.units()` must not be null.
  UnitClassifier(const Language& language, const TextInput& input);

  NodeClass classify(TSNode node);
  // The unit a wrapper wraps (searching its named children, through nested wrappers).
  std::optional<LogicalUnit> wrapped_unit(TSNode wrapper);
  // `node` as a logical unit when it is a unit or a wrapper of one.
  std::optional<LogicalUnit> unit_at(TSNode node);
  // The logical units among `chain` (root first, each the parent of the next), outermost
  // first; a wrapper and the unit it wraps become one.
  std::vector<LogicalUnit> units_in_chain(const std::vector<TSNode>& chain);
  // Where `outer` starts once the leading siblings that travel with it (doc comments,
  // attributes; adjacent, each on lines of its own) are included.
  uint32_t start_with_attached(TSNode outer);

  std::string node_text(TSNode node) const;
  const TextInput& input() const { return input_; }

 private:
  const Language& language_;
  const TextInput& input_;
  QueryRunner runner_;
};

// The nodes that cover [begin, end), from the root down to the smallest (named or not).
// An empty range at `begin` selects the nodes strictly around it (begin inside, not at an end).
std::vector<TSNode> covering_chain(TSNode root, uint32_t begin, uint32_t end);

// First and last row of a node, not counting a final row that the node only touches at column
// 0 (a node that ends with its "\n").
uint32_t first_row(TSNode node);
uint32_t last_row(TSNode node);

// True when only whitespace precedes `byte` on its line.
bool starts_line(const TextInput& input, uint32_t byte);

}  // namespace flint::parsers
