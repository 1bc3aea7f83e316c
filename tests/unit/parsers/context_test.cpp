#include "parsers/context.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace flint::parsers::test {
namespace {

struct Extracted {
  Scope scope;
  Context context;
};

Extracted extract(std::string_view id, std::string_view annotated, uint32_t budget = 4096) {
  Annotated source = annotate(annotated);
  StringTextInput input(source.code);
  Tree tree = parse_text(language(id), input);
  Scope scope = find_scope(&tree, input, ByteRange{source.begin, source.end});
  return {scope, extract_context(&tree, input, scope, ContextOptions{budget, 32})};
}

std::vector<std::string> describe(const Context& context) {
  std::vector<std::string> out;
  for (const auto& item : context.items) {
    out.push_back(std::string(context_kind_name(item.kind)) + "@" +
                  std::to_string(item.first_line + 1) + ": " + item.text);
  }
  return out;
}

constexpr std::string_view kPython = R"(import os
from typing import List

CONSTANT = 3


def helper(x: int) -> int:
    return x * CONSTANT


class Shape:
    """Base."""

    def area(self) -> float:
        raise NotImplementedError

    def describe(self, verbose: bool = False) -> str:
        name = type(self).__name__
        return f"{name}: {self.area()‸}"

    @property
    def label(self) -> str:
        return "shape"


def main(argv: List[str]) -> int:
    return 0
)";

TEST(Context, ImportsEnclosingAndSiblingsInStableOrder) {
  auto [scope, context] = extract("python", kPython);
  EXPECT_EQ(scope.node_kind, "function_definition");
  EXPECT_EQ(describe(context), (std::vector<std::string>{
                                   "import@1: import os\nfrom typing import List",
                                   "enclosing@11: class Shape:",
                                   "sibling@14: def area(self) -> float:",
                                   "sibling@21: @property\n    def label(self) -> str:",
                               }));
  EXPECT_FALSE(context.truncated);
  uint32_t bytes = 0;
  for (const auto& item : context.items) bytes += static_cast<uint32_t>(item.text.size()) + 1;
  EXPECT_EQ(context.bytes, bytes);
}

TEST(Context, TopLevelRegionGetsTopLevelSiblings) {
  auto [scope, context] = extract("python", R"(import os

def a():
    return 1

def b():
    return ‸2

class C:
    pass
)");
  EXPECT_EQ(describe(context),
            (std::vector<std::string>{"import@1: import os",
                                      "sibling@3: def a():", "sibling@9: class C:"}));
}

TEST(Context, BudgetKeepsEnclosingFirstThenImportsThenNearestSiblings) {
  // Budget for the enclosing signature and the imports only.
  uint32_t budget =
      static_cast<uint32_t>(std::string("class Shape:").size() + 1 +
                            std::string("import os\nfrom typing import List").size() + 1);
  auto [scope, context] = extract("python", kPython, budget);
  EXPECT_EQ(describe(context),
            (std::vector<std::string>{"import@1: import os\nfrom typing import List",
                                      "enclosing@11: class Shape:"}));
  EXPECT_TRUE(context.truncated);
  EXPECT_LE(context.bytes, budget);
  // A smaller budget drops the imports before the enclosing signature.
  auto small = extract("python", kPython, 20);
  EXPECT_EQ(describe(small.context), (std::vector<std::string>{"enclosing@11: class Shape:"}));
}

TEST(Context, SameRequestGivesTheSameContext) {
  auto first = extract("python", kPython);
  auto second = extract("python", kPython);
  EXPECT_EQ(describe(first.context), describe(second.context));
}

TEST(Context, CppIncludesNamespacesAndClassSignatures) {
  auto [scope, context] = extract("cpp", R"(#include <vector>
#include "a.h"

namespace geo {

class Circle : public Shape {
 public:
  double area() const override;
  double radius() const {
    return ‸r_;
  }

 private:
  double r_;
};

}  // namespace geo
)");
  EXPECT_EQ(scope.node_kind, "function_definition");
  EXPECT_EQ(describe(context), (std::vector<std::string>{
                                   "import@1: #include <vector>\n#include \"a.h\"",
                                   "enclosing@4: namespace geo",
                                   "enclosing@6: class Circle : public Shape",
                               }));
}

TEST(Context, IncludesInsideAnIncludeGuardAndRequireCalls) {
  auto c = extract("c", R"(#ifndef A_H
#define A_H
#include <stdio.h>
int f(void) { return ‸1; }
#endif
)");
  ASSERT_FALSE(c.context.items.empty());
  EXPECT_EQ(describe(c.context).front(), "import@3: #include <stdio.h>");
  auto js = extract("javascript", R"(const fs = require("fs");
const x = other("y");
function f() {
  return ‸1;
}
)");
  ASSERT_FALSE(js.context.items.empty());
  EXPECT_EQ(describe(js.context).front(), "import@1: const fs = require(\"fs\");");
  EXPECT_EQ(js.context.items.size(), 1u) << "other() is not an import";
}

TEST(Context, WithoutAGrammarUsesIndentationHeaders) {
  std::string code = "module A\n  def f\n    x = 1\n    y = 2\n  end\nend\n";
  StringTextInput input(code);
  Scope scope = find_scope(nullptr, input, ByteRange{input.line_start(2), input.line_start(2)},
                           ScopeOptions{4});
  Context context = extract_context(nullptr, input, scope, ContextOptions{});
  ASSERT_EQ(context.items.size(), 1u);
  EXPECT_EQ(context.items[0].text, "module A");
  EXPECT_EQ(context.items[0].kind, ContextKind::kEnclosing);
}

}  // namespace
}  // namespace flint::parsers::test
