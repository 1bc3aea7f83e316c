// Golden scope tests for Lua, Bash and JSON.
#include "golden.h"

namespace flint::parsers::test {
namespace {

TEST(GoldenLua, NestedLocalFunction) {
  check_scope("lua", R"(
local function outer(x)
⟦  local function inner(y)
    return y ‸+ 1
  end⟧
  return inner(x)
end
)",
              Expect("function_declaration").in({"outer"}));
}

TEST(GoldenLua, MethodOnTableWithDocComment) {
  check_scope("lua", R"(
local M = {}

⟦--- Adds two numbers.
function M.add(a, b)
  return a ‸+ b
end⟧

return M
)",
              Expect("function_declaration"));
}

// A blank that is not a space or a tab before a doc comment (a stray carriage return, a form
// feed page break): the comment is still the definition's, and a cursor on it gets the
// definition with the comment (fuzz_scope found a scope that missed the cursor's line).
TEST(GoldenLua, DocCommentAfterAStrayCarriageReturn) {
  check_scope("lua", "\n⟦\r-- Sums ‸a list.\nfunction M.sum(l)\n  return 0\nend⟧\n\nreturn M\n",
              Expect("function_declaration"));
}

TEST(GoldenLua, AnonymousFunctionAssignedIsAFunction) {
  check_scope("lua", R"(
⟦local greet = function(name)
  print("hi " .. ‸name)
end⟧
)",
              Expect("variable_declaration"));
}

TEST(GoldenLua, CallbackClosureAndUnicodeStrings) {
  check_scope("lua", R"(
local function run(items)
⟦  table.sort(items, function(a, b)
    return a.größe < ‸b.größe
  end)⟧
end
)",
              Expect("function_definition").in({"run"}));
}

TEST(GoldenLua, BlankLineAndMultiDefinitionSelection) {
  check_scope("lua", R"(
local function a() return 1 end
⟦‸⟧
local function b() return 2 end
)",
              Expect("chunk").as("blank"));
  check_scope("lua", R"(
⟦local function a()
  «return 1
end
local function b()
  return» 2
end⟧
)",
              Expect("chunk").not_local("2 top-level definitions"));
}

TEST(GoldenLua, CommentInsideFunction) {
  check_scope("lua", R"(
⟦local function f()
  -- ‸explain
  return 1
end⟧
)",
              Expect("function_declaration"));
}

TEST(GoldenBash, FunctionWithComment) {
  check_scope("bash", R"(
#!/usr/bin/env bash
set -euo pipefail

⟦# Greets someone.
greet() {
  echo "hello $‸1"
}⟧

greet world
)",
              Expect("function_definition"));
}

TEST(GoldenBash, TopLevelStatementOutsideFunctions) {
  check_scope("bash", R"(
greet() { echo hi; }
⟦for f in *.txt; do
  echo "$‸f"
done⟧
)",
              Expect("for_statement"));
}

TEST(GoldenBash, SelectionOverTwoFunctions) {
  check_scope("bash", R"(
⟦a() {
  «echo a
}
b() {
  echo b»
}⟧
)",
              Expect("program").not_local("2 top-level definitions"));
}

TEST(GoldenBash, BlankLineInFunctionAndUnicode) {
  check_scope("bash", R"(
⟦grüße() {
  local name="Jürgen"
‸
  echo "$name"
}⟧
)",
              Expect("function_definition"));
}

TEST(GoldenBash, NestedFunctionDefinition) {
  check_scope("bash", R"(
outer() {
⟦  inner() {
    echo ‸inner
  }⟧
  inner
}
)",
              Expect("function_definition").in({"outer"}));
}

TEST(GoldenBash, PipelineInsideBigFunction) {
  check_scope("bash", R"(
main() {
  a
  b
⟦  if true; then
    ls | grep ‸x
  fi⟧
  c
}
)",
              Expect("if_statement").in({"main"}).max(4));
}

TEST(GoldenJson, SmallFileIsOneRegion) {
  check_scope("json", R"(
⟦{
  "name": "flint",
  "version": ‸"0.1.0"
}⟧
)",
              Expect("object"));
}

TEST(GoldenJson, BigFileFallsBackToTheNestedObject) {
  check_scope("json", R"(
{
  "name": "flint",
⟦  "scripts": {
    "build": "cmake",
    "test": ‸"ctest"
  },⟧
  "a": 1,
  "b": 2
}
)",
              Expect("pair").max(5));
}

TEST(GoldenJson, SelectionOfSeveralPairsAndUnicodeKeys) {
  check_scope("json", R"(
{
  "x": 1,
⟦  «"größe": 2,
  "länge": 3»⟧
}
)",
              Expect("object").as("members"));
}

TEST(GoldenJson, BlankLineInObject) {
  check_scope("json", R"(
⟦{
  "a": 1,
‸
  "b": [1, 2]
}⟧
)",
              Expect("object"));
}

TEST(GoldenJson, ArrayElementsInBigArray) {
  check_scope("json", R"(
[
  1,
⟦  {"id": ‸2, "tags": ["a"]},⟧
  3,
  4
]
)",
              Expect("object").max(3));
}

TEST(GoldenJson, CursorOnNestedKeyLine) {
  check_scope("json", R"(
⟦{"outer": {
  "inner": ‸true
}}⟧
)",
              Expect("object"));
}

}  // namespace
}  // namespace flint::parsers::test
