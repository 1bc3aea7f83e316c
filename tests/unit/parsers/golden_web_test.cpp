// Golden scope tests for JavaScript, TypeScript and TSX.
#include "golden.h"

namespace flint::parsers::test {
namespace {

TEST(GoldenJavaScript, NestedFunctionSelectsTheInnerOne) {
  check_scope("javascript", R"(
function outer(x) {
⟦  function inner(y) {
    return y ‸+ 1;
  }⟧
  return inner(x);
}
)",
              Expect("function_declaration").in({"outer"}));
}

TEST(GoldenJavaScript, MethodInClass) {
  check_scope("javascript", R"(
class Counter {
  count = 0;
⟦  increment() {
    this.count‸++;
  }⟧
}
)",
              Expect("method_definition").in({"Counter"}));
}

TEST(GoldenJavaScript, ArrowFunctionDeclarationIsAFunction) {
  check_scope("javascript", R"(
⟦const add = (a, b) => {
  return a ‸+ b;
};⟧
)",
              Expect("lexical_declaration"));
}

TEST(GoldenJavaScript, MultiLineCallbackIsTheInnermostFunction) {
  check_scope("javascript", R"(
function setup(app) {
  const x = 1;
⟦  app.get("/", (req, res) => {
    res.send(‸x);
  });⟧
  return app;
}
)",
              Expect("arrow_function").in({"setup"}));
}

TEST(GoldenJavaScript, DocCommentTravelsWithTheFunction) {
  check_scope("javascript", R"(
const a = 1;

⟦/**
 * Adds ‸one.
 */
export function inc(x) {
  return x + 1;
}⟧
)",
              Expect("function_declaration"));
}

TEST(GoldenJavaScript, UnicodeIdentifiers) {
  check_scope("javascript", R"(
⟦function größe(länge) {
  return länge * ‸2;
}⟧
)",
              Expect("function_declaration"));
}

TEST(GoldenJavaScript, BlankLineBetweenFunctions) {
  check_scope("javascript", R"(
function a() {}
⟦‸⟧
function b() {}
)",
              Expect("program").as("blank"));
}

TEST(GoldenJavaScript, SelectionOverTwoFunctionsIsNotLocal) {
  check_scope("javascript", R"(
⟦function a() {
  «return 1;
}
function b() {
  return 2;»
}⟧
)",
              Expect("program").as("members").not_local("2 top-level definitions"));
}

TEST(GoldenJavaScript, SelectionOfStatementsSelectsJustThem) {
  check_scope("javascript", R"(
function f() {
  const a = 1;
⟦  «let b = 2;
  b++;»⟧
  return a + b;
}
)",
              Expect("statement_block").in({"f"}).as("members"));
}

TEST(GoldenTypeScript, DecoratedMethodsTravelWithTheirDecorators) {
  check_scope("typescript", R"(
class Service {
  private cache = new Map<string, number>();

⟦  @memoize()
  @log
  lookup(key: string): number {
    return this.cache.get(‸key) ?? 0;
  }⟧
}
)",
              Expect("method_definition").in({"Service"}));
}

TEST(GoldenTypeScript, InterfaceMembersAndGenerics) {
  check_scope("typescript", R"(
⟦interface Shape {
  area(): number;
  ‸name: string;
}⟧
function f<T>(x: T): T { return x; }
)",
              Expect("interface_declaration"));
}

TEST(GoldenTypeScript, NamespaceMembersCountAsTopLevel) {
  check_scope("typescript", R"(
namespace Geometry {
⟦  export function area(r: number): number {
    «return r * r;
  }
  export function perimeter(r: number): number {
    return 2 * r;»
  }⟧
}
)",
              Expect("statement_block").in({"Geometry"}).not_local("2 top-level definitions"));
}

TEST(GoldenTypeScript, ClosureInsideMethod) {
  check_scope("typescript", R"(
class A {
  run(items: number[]): number[] {
⟦    return items.map((x: number) => {
      return x * ‸2;
    });⟧
  }
}
)",
              Expect("arrow_function").in({"A", "run"}));
}

TEST(GoldenTsx, ComponentWithJsx) {
  check_scope("tsx", R"(
import React from "react";

⟦export function Greeting({ name }: { name: string }) {
  return <div className="greeting">Hello, {‸name}</div>;
}⟧

export const Other = () => <span />;
)",
              Expect("function_declaration"));
}

TEST(GoldenTsx, BlankLineInsideComponentSelectsIt) {
  check_scope("tsx", R"(
⟦const List = ({ items }: { items: string[] }) => {
  const sorted = [...items].sort();
‸
  return <ul>{sorted.map((i) => <li key={i}>{i}</li>)}</ul>;
};⟧
)",
              Expect("lexical_declaration"));
}

TEST(GoldenTypeScript, NestedFunctionsAndUnicode) {
  check_scope("typescript", R"(
function äußere(n: number): number {
⟦  function innere(m: number): number {
    return m * ‸n;
  }⟧
  return innere(2);
}
)",
              Expect("function_declaration").in({"äußere"}));
}

TEST(GoldenTypeScript, DocCommentAndBlankLineBetweenMembers) {
  check_scope("typescript", R"(
⟦/** A point. */
export class Point {
  x = 0;
‸
  y = 0;
}⟧
)",
              Expect("class_declaration"));
}

TEST(GoldenTsx, NestedComponentFunction) {
  check_scope("tsx", R"(
export function Outer() {
⟦  function Inner({ v }: { v: number }) {
    return <b>{‸v}</b>;
  }⟧
  return <Inner v={1} />;
}
)",
              Expect("function_declaration").in({"Outer"}));
}

TEST(GoldenTsx, ClassComponentWithDecoratedMethod) {
  check_scope("tsx", R"(
class View extends React.Component {
⟦  @bound
  handle() {
    this.setState({ n: ‸1 });
  }⟧

  render() {
    return <div onClick={this.handle} />;
  }
}
)",
              Expect("method_definition").in({"View"}));
}

TEST(GoldenTsx, CommentBeforeComponentAndUnicode) {
  check_scope("tsx", R"(
const a = 1;

⟦// Grüße an alle.
export const Grüße = () => {
  return <p>‸Hallo</p>;
};⟧
)",
              Expect("lexical_declaration"));
}

TEST(GoldenTsx, SelectionOverTwoComponentsIsNotLocal) {
  check_scope("tsx", R"(
⟦export function A() {
  return «<a />;
}
export function B() {
  return <b />;»
}⟧
)",
              Expect("program").not_local("2 top-level definitions"));
}

}  // namespace
}  // namespace flint::parsers::test
