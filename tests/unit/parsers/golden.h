#pragma once
// Golden scope tests: an annotated source (see test_support.h) and what the scope finder must
// answer for it. The expected region comes from the ⟦ ⟧ markers in the source.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parsers/scope.h"
#include "test_support.h"

namespace flint::parsers::test {

// Expect("function_definition").in({"Outer"}).not_local("spans").max(20)
struct Expect {
  explicit Expect(std::string node_kind) : kind(std::move(node_kind)) {}
  Expect& in(std::vector<std::string> names) {
    enclosing = std::move(names);
    return *this;
  }
  Expect& as(std::string scope_unit) {
    unit = std::move(scope_unit);
    return *this;
  }
  Expect& not_local(std::string reason_part) {
    local = false;
    reason_has = std::move(reason_part);
    return *this;
  }
  Expect& max(uint32_t lines) {
    max_lines = lines;
    return *this;
  }

  std::string kind;                    // tree-sitter node kind of the region
  std::vector<std::string> enclosing;  // names of the enclosing definitions, outermost first
  bool local = true;
  std::string unit;        // when set: Scope::unit
  std::string reason_has;  // when set: a substring of Scope::reason
  uint32_t max_lines = 200;
};

inline void check_scope(std::string_view language_id, std::string_view annotated,
                        const Expect& expect) {
  Annotated source = annotate(annotated);
  ASSERT_TRUE(source.expected_first) << "the golden source marks no region (⟦ ... ⟧)";
  StringTextInput input(source.code);
  Tree tree = parse_text(language(language_id), input);
  Scope scope =
      find_scope(&tree, input, ByteRange{source.begin, source.end}, ScopeOptions{expect.max_lines});
  EXPECT_EQ(scope.first_line + 1, *source.expected_first + 1) << "first line (1-based)";
  EXPECT_EQ(scope.last_line + 1, *source.expected_last + 1) << "last line (1-based)";
  EXPECT_EQ(scope.node_kind, expect.kind);
  EXPECT_EQ(scope.is_local, expect.local) << scope.reason;
  std::vector<std::string> names;
  for (const auto& definition : scope.enclosing) names.push_back(definition.name);
  EXPECT_EQ(names, expect.enclosing);
  if (!expect.unit.empty()) {
    EXPECT_EQ(scope.unit, expect.unit);
  }
  if (!expect.reason_has.empty()) {
    EXPECT_NE(scope.reason.find(expect.reason_has), std::string::npos) << scope.reason;
  }
  // The region is whole lines.
  EXPECT_EQ(scope.start_byte, input.line_start(scope.first_line));
  EXPECT_EQ(scope.end_byte, line_end_with_newline(input, scope.last_line));
}

}  // namespace flint::parsers::test
