// Golden scope tests for Python.
#include "golden.h"

namespace flint::parsers::test {
namespace {

TEST(GoldenPython, CursorInNestedFunctionSelectsTheInnerFunction) {
  check_scope("python", R"(
def outer(x):
⟦    def inner(y):
        return y ‸+ 1⟧

    return inner(x)
)",
              Expect("function_definition").in({"outer"}));
}

TEST(GoldenPython, CursorInMethodSelectsTheMethod) {
  check_scope("python", R"(
class Foo(Base):
    x = 1

⟦    def method(self):
        return ‸self.x⟧
)",
              Expect("function_definition").in({"Foo"}));
}

// A form feed (Emacs page break, found in CPython's own sources) indenting a comment does not
// detach it from the function below.
TEST(GoldenPython, ACommentAfterAFormFeedTravelsWithItsDefinition) {
  check_scope("python",
              "import os\n\n⟦\f# Look it up.\ndef lookup(key):\n    return os.environ[‸key]⟧\n",
              Expect("function_definition"));
  check_scope("python", "import os\n\n⟦\f# Look ‸it up.\ndef lookup(key):\n    return key⟧\n",
              Expect("function_definition"));
}

TEST(GoldenPython, DecoratorsAndCommentsTravelWithTheirDefinition) {
  check_scope("python", R"(
import os

⟦# Cached: called on every request.
@functools.cache
@other
def lookup(key):
    return os.environ[‸key]⟧
)",
              Expect("function_definition"));
  // The cursor on a decorator line selects the decorated function too.
  check_scope("python", R"(
⟦@functools.‸cache
def lookup(key):
    return key⟧
)",
              Expect("function_definition"));
}

TEST(GoldenPython, LambdaLineBelongsToTheEnclosingFunction) {
  check_scope("python", R"(
⟦def squares(xs):
    return sorted(xs, key=lambda v: ‸v * v)⟧
)",
              Expect("function_definition"));
}

TEST(GoldenPython, CommentInsideAFunctionSelectsTheFunction) {
  check_scope("python", R"(
⟦def f():
    # ‸explain the loop
    for i in range(3):
        print(i)⟧
)",
              Expect("function_definition"));
}

TEST(GoldenPython, CommentBeforeADefinitionSelectsIt) {
  check_scope("python", R"(
x = 1

⟦# The ‸answer.
def answer():
    return 42⟧
)",
              Expect("function_definition"));
}

TEST(GoldenPython, FreeCommentAtTopLevelIsItsOwnRegion) {
  check_scope("python", R"(
x = 1

⟦# Section: ‸helpers
# (more below)⟧

def f():
    pass
)",
              Expect("comment").as("comment"));
}

TEST(GoldenPython, UnicodeIdentifiers) {
  check_scope("python", R"(
class Größe:
⟦    def berechne(self, ключ, 値):
        return ключ + ‸値⟧
)",
              Expect("function_definition").in({"Größe"}));
}

TEST(GoldenPython, BlankLineInsideAFunctionSelectsTheFunction) {
  check_scope("python", R"(
⟦def f():
    a = 1
‸
    return a⟧
)",
              Expect("function_definition"));
}

TEST(GoldenPython, BlankLineBetweenDefinitionsIsAnInsertionPoint) {
  check_scope("python", R"(
def f():
    return 1
⟦
‸
⟧
def g():
    return 2
)",
              Expect("module").as("blank"));
}

TEST(GoldenPython, SelectionSpanningTwoTopLevelDefinitionsIsNotLocal) {
  check_scope("python", R"(
⟦def f():
    return «1

def g():
    return» 2⟧
)",
              Expect("module").as("members").not_local("2 top-level definitions"));
}

TEST(GoldenPython, SelectionOfStatementsSelectsJustThem) {
  check_scope("python", R"(
def f():
    a = 1
⟦    «b = 2
    c = 3»⟧
    return a + b + c
)",
              Expect("block").in({"f"}).as("members"));
}

TEST(GoldenPython, SelectionOfTwoMethodsIsLocal) {
  check_scope("python", R"(
class C:
⟦    «def a(self):
        pass

    def b(self):
        pass»⟧
)",
              Expect("block").in({"C"}).as("members"));
}

TEST(GoldenPython, SelectionInsideAnExpressionSelectsTheStatement) {
  check_scope("python", R"(
def f(xs):
    total = 0
⟦    total = sum(«x» for x in xs)⟧
    return total
)",
              Expect("expression_statement").in({"f"}));
}

TEST(GoldenPython, BigFunctionFallsBackToTheLargestInnerUnitThatFits) {
  check_scope("python", R"(
def big():
    setup()
⟦    for i in range(10):
        if i % 2:
            print(‸i)
        else:
            pass⟧
    teardown()
    more()
)",
              Expect("for_statement").in({"big"}).max(6));
}

TEST(GoldenPython, SelectionLargerThanTheCapIsNotLocal) {
  check_scope("python", R"(
def f():
⟦    «a = 1
    b = 2
    c = 3»⟧
)",
              Expect("block").in({"f"}).not_local("maxRegionLines").max(2));
}

}  // namespace
}  // namespace flint::parsers::test
