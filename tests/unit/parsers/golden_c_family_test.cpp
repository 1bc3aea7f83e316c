// Golden scope tests for C, C++, Go, Rust and Java.
#include "golden.h"

namespace flint::parsers::test {
namespace {

TEST(GoldenC, FunctionWithDocComment) {
  check_scope("c", R"(
#include <stdio.h>

⟦/* Prints a greeting. */
static int greet(const char *name) {
  return printf("hi %s\n", ‸name);
}⟧
)",
              Expect("function_definition"));
}

TEST(GoldenC, IncludeGuardIsTransparent) {
  check_scope("c", R"(
#ifndef UTIL_H
#define UTIL_H
⟦int «twice(int x) { return 2 * x; }
int thrice(int x) { return» 3 * x; }⟧
#endif
)",
              Expect("preproc_ifdef").in({"UTIL_H"}).not_local("2 top-level definitions"));
}

TEST(GoldenC, StructMemberSelectsTheStruct) {
  check_scope("c", R"(
⟦struct point {
  int x;
  int ‸y;
};⟧
)",
              Expect("struct_specifier"));
}

TEST(GoldenCpp, MethodInClassInNamespace) {
  check_scope("cpp", R"(
namespace geo {
class Circle {
 public:
⟦  double area() const {
    return 3.14 * r_ * ‸r_;
  }⟧

 private:
  double r_ = 1;
};
}  // namespace geo
)",
              Expect("function_definition").in({"geo", "Circle"}));
}

TEST(GoldenCpp, TemplateAndAttributesTravelWithTheFunction) {
  check_scope("cpp", R"(
// Unrelated.

⟦template <typename T>
[[nodiscard]] T twice(T x) {
  return x ‸+ x;
}⟧
)",
              Expect("function_definition"));
}

TEST(GoldenCpp, MultiLineLambdaIsTheInnermostFunction) {
  check_scope("cpp", R"(
void run(std::vector<int>& v) {
  int k = 2;
⟦  std::for_each(v.begin(), v.end(), [&](int& x) {
    x *= ‸k;
  });⟧
}
)",
              Expect("lambda_expression").in({"run"}));
}

TEST(GoldenCpp, OutOfLineMethodWithQualifiedName) {
  check_scope("cpp", R"(
⟦int Widget::size() const {
  return ‸size_;
}⟧
)",
              Expect("function_definition"));
}

TEST(GoldenGo, MethodWithReceiver) {
  check_scope("go", R"(
package shapes

import "math"

type Circle struct{ R float64 }

⟦// Area of the circle.
func (c Circle) Area() float64 {
	return math.Pi * c.R * ‸c.R
}⟧
)",
              Expect("method_declaration"));
}

TEST(GoldenGo, FuncLiteralInGoroutine) {
  check_scope("go", R"(
package main

func serve(ch chan int) {
	x := 1
⟦	go func() {
		ch <- ‸x
	}()⟧
}
)",
              Expect("func_literal").in({"serve"}));
}

TEST(GoldenGo, SelectionOverTwoFunctions) {
  check_scope("go", R"(
package main

⟦func a() int {
	«return 1
}

func b() int {»
	return 2
}⟧
)",
              Expect("source_file").not_local("2 top-level definitions"));
}

TEST(GoldenGo, UnicodeIdentifiersAndBlankLine) {
  check_scope("go", R"(
package main

⟦func größe(länge int) int {
	doppelt := länge * 2
‸
	return doppelt
}⟧
)",
              Expect("function_declaration"));
}

TEST(GoldenRust, AttributesAndDocCommentsTravelWithTheItem) {
  check_scope("rust", R"(
use std::fmt;

⟦/// A point.
#[derive(Debug, Clone)]
pub struct Point {
    x: i32,
    ‸y: i32,
}⟧
)",
              Expect("struct_item"));
}

TEST(GoldenRust, MethodInImpl) {
  check_scope("rust", R"(
struct P { x: i32 }

impl P {
⟦    #[inline]
    fn double(&self) -> i32 {
        self.x ‸* 2
    }⟧
}
)",
              Expect("function_item").in({"P"}));
}

TEST(GoldenRust, ClosureAndNestedFunction) {
  check_scope("rust", R"(
fn outer(v: Vec<i32>) -> Vec<i32> {
⟦    fn helper(x: i32) -> i32 {
        x ‸+ 1
    }⟧
    v.into_iter().map(|x| helper(x)).collect()
}
)",
              Expect("function_item").in({"outer"}));
  check_scope("rust", R"(
fn outer(v: Vec<i32>) -> Vec<i32> {
⟦    v.into_iter().map(|x| {
        x ‸+ 1
    }).collect()⟧
}
)",
              Expect("closure_expression").in({"outer"}));
}

TEST(GoldenRust, ModuleMembersAreNotTopLevel) {
  check_scope("rust", R"(
mod util {
⟦    pub fn a() -> i32 {
        «1
    }
    pub fn b() -> i32 {
        2»
    }⟧
}
)",
              Expect("declaration_list").in({"util"}).as("members"));
}

TEST(GoldenJava, AnnotatedMethodInClass) {
  check_scope("java", R"(
package demo;

public class Greeter {
    private final String name = "x";

⟦    /** Greets. */
    @Override
    public String toString() {
        return "hi " + ‸name;
    }⟧
}
)",
              Expect("method_declaration").in({"Greeter"}));
}

TEST(GoldenJava, LambdaAndUnicode) {
  check_scope("java", R"(
class Größe {
    int berechne(java.util.List<Integer> länge) {
⟦        return länge.stream().map(x -> {
            return x * ‸2;
        }).reduce(0, Integer::sum);⟧
    }
}
)",
              Expect("lambda_expression").in({"Größe", "berechne"}));
}

TEST(GoldenJava, SelectionOfTwoMethodsIsLocalBlankLineInClass) {
  check_scope("java", R"(
class A {
⟦    void a() {
        «int x = 1;
    }

    void b() {
        int y = 2;»
    }⟧
}
)",
              Expect("class_body").in({"A"}).as("members"));
  check_scope("java", R"(
⟦class A {
    void a() {}
‸
    void b() {}
}⟧
)",
              Expect("class_declaration"));
}

TEST(GoldenC, UnicodeIdentifiersAndBlankLine) {
  check_scope("c", R"(
⟦int größe(int länge) {
  int doppelt = länge * 2;
‸
  return doppelt;
}⟧
)",
              Expect("function_definition"));
}

TEST(GoldenC, BlankLineBetweenFunctionsAndNestedBlock) {
  check_scope("c", R"(
int a(void) { return 1; }
⟦‸⟧
int b(void) { return 2; }
)",
              Expect("translation_unit").as("blank"));
  check_scope("c", R"(
int f(int n) {
  int s = 0;
⟦  for (int i = 0; i < n; ++i) {
    s += ‸i;
  }⟧
  return s;
}
)",
              Expect("for_statement").in({"f"}).max(3));
}

TEST(GoldenC, PointerReturningFunctionIsNamed) {
  check_scope("c", R"(
struct node { int v; };
⟦static struct node *make(int v) {
  «return 0;
}
static int other(void) {
  return 1;»
}⟧
)",
              Expect("translation_unit").not_local("(make, other)"));
}

TEST(GoldenCpp, UnicodeAndBlankLineInNamespace) {
  check_scope("cpp", R"(
namespace größen {
int a() { return 1; }
⟦‸⟧
int b() { return 2; }
}  // namespace größen
)",
              Expect("declaration_list").in({"größen"}).as("blank"));
}

TEST(GoldenCpp, SelectionOverTwoFunctionsInANamespaceIsNotLocal) {
  check_scope("cpp", R"(
namespace n {
⟦int a() {
  «return 1;
}
int b() {
  return» 2;
}⟧
}  // namespace n
)",
              Expect("declaration_list").in({"n"}).not_local("2 top-level definitions"));
}

TEST(GoldenGo, InterfaceAndStructDefinitions) {
  check_scope("go", R"(
package main

⟦// Shape has an area.
type Shape interface {
	Area() float64
	‸Perimeter() float64
}⟧
)",
              Expect("type_declaration"));
}

TEST(GoldenGo, NestedClosureAssignedToAVariable) {
  check_scope("go", R"(
package main

func outer() int {
	x := 1
⟦	add := func(y int) int {
		return x + ‸y
	}⟧
	return add(2)
}
)",
              Expect("func_literal").in({"outer"}));
}

TEST(GoldenRust, UnicodeIdentifiersAndBlankLine) {
  check_scope("rust", R"(
⟦fn größe(länge: i32) -> i32 {
    let doppelt = länge * 2;
‸
    doppelt
}⟧
)",
              Expect("function_item"));
}

TEST(GoldenRust, SelectionOverTwoTopLevelItemsIsNotLocal) {
  check_scope("rust", R"(
⟦fn a() -> i32 {
    «1
}

struct S {
    x: i32,»
}⟧
)",
              Expect("source_file").not_local("(a, S)"));
}

TEST(GoldenJava, NestedClassMethodAndComment) {
  check_scope("java", R"(
class Outer {
    static class Inner {
⟦        // Doubles.
        int twice(int x) {
            return x ‸* 2;
        }⟧
    }
}
)",
              Expect("method_declaration").in({"Outer", "Inner"}));
}

TEST(GoldenJava, SelectionOfStatementsAndBigMethodFallback) {
  check_scope("java", R"(
class A {
    int f(int n) {
        int s = 0;
⟦        «s += n;
        s *= 2;»⟧
        return s;
    }
}
)",
              Expect("block").in({"A", "f"}).as("members"));
  check_scope("java", R"(
class A {
    int f(int n) {
        int s = 0;
⟦        while (s < n) {
            s += ‸2;
        }⟧
        return s;
    }
}
)",
              Expect("while_statement").in({"A", "f"}).max(3));
}

TEST(GoldenJava, SelectionOverTwoTopLevelTypesIsNotLocal) {
  check_scope("java", R"(
⟦class A {
    «int a;
}

class B {
    int b;»
}⟧
)",
              Expect("program").not_local("2 top-level definitions"));
}

}  // namespace
}  // namespace flint::parsers::test
