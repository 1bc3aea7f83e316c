// The scope finder without a grammar: indentation and blank-line blocks.
#include <gtest/gtest.h>

#include "parsers/scope.h"
#include "test_support.h"

namespace flint::parsers::test {
namespace {

Scope fallback(std::string_view annotated, uint32_t max_lines = 200) {
  Annotated source = annotate(annotated);
  StringTextInput input(source.code);
  Scope scope =
      find_scope(nullptr, input, ByteRange{source.begin, source.end}, ScopeOptions{max_lines});
  EXPECT_EQ(scope.first_line, *source.expected_first);
  EXPECT_EQ(scope.last_line, *source.expected_last);
  return scope;
}

constexpr std::string_view kRuby = R"(require "set"

⟦class Stack
  def push(x)
    @items << ‸x
  end

  def pop
    @items.pop
  end
end⟧
)";

TEST(IndentationScope, CursorTakesTheLargestBlockThatFits) {
  Scope scope = fallback(kRuby);
  EXPECT_EQ(scope.unit, "indentation");
  EXPECT_TRUE(scope.is_local);
  EXPECT_TRUE(scope.enclosing.empty());
}

TEST(IndentationScope, SmallerCapTakesTheInnerBlockWithItsHeaderAsEnclosing) {
  Scope scope = fallback(R"(class Stack
⟦  def push(x)
    @items << ‸x
  end⟧

  def pop
    @items.pop
  end
end
)",
                         4);
  ASSERT_EQ(scope.enclosing.size(), 1u);
  EXPECT_EQ(scope.enclosing[0].name, "class Stack");
  EXPECT_EQ(scope.enclosing[0].line, 1u);
}

TEST(IndentationScope, BlankLinesAreAnInsertionPointAndProseTakesItsParagraph) {
  Scope blank = fallback("a\n⟦\n‸\n⟧\nb\n");
  EXPECT_EQ(blank.unit, "blank");
  fallback("Intro.\n\n⟦First line of a\nparagraph ‸here\nand more.⟧\n\nNext.\n");
}

TEST(IndentationScope, SelectionIsItsLinesAndNotLocalWhenTooBig) {
  Scope scope = fallback("a\n⟦«b\nc\nd»⟧\ne\n", 2);
  EXPECT_FALSE(scope.is_local);
  EXPECT_NE(scope.reason.find("maxRegionLines"), std::string::npos);
  // A selection ending at column 0 does not take that line.
  fallback("⟦«a\nb⟧\n»c\n");
}

TEST(IndentationScope, ClosingLineBelongsToItsBlock) {
  fallback("x\n⟦if true {\n  y\n‸}⟧\nz\n");
  fallback("x\n⟦if true; then\n  y\nfi‸⟧\nz\n");
  // Words that only start like a closer ("first", "endpoint") close nothing.
  fallback("intro\n\n⟦‸first\nendpoint⟧\n");
}

}  // namespace
}  // namespace flint::parsers::test
