#include "server/edits/answer_shape.h"

#include <gtest/gtest.h>

#include <string>

#include "server/edits/answer_lines.h"

namespace flint {
namespace {

constexpr std::string_view kCart =
    "class Cart:\n"
    "    def __init__(self):\n"
    "        self.items = []\n"
    "\n"
    "    def add(self, item):\n"
    "        self.items.append(item)\n"
    "\n"
    "    def total(self):\n"
    "        return sum(i.price for i in self.items)\n";

constexpr std::string_view kCartTotal42 =
    "class Cart:\n"
    "    def __init__(self):\n"
    "        self.items = []\n"
    "\n"
    "    def add(self, item):\n"
    "        self.items.append(item)\n"
    "\n"
    "    def total(self):\n"
    "        return 42\n";

ShapedAnswer shape(std::string_view original, std::string_view answer,
                   std::string_view language = "python", std::string_view above = "",
                   std::string_view below = "", bool explicit_empty = false) {
  return shape_answer({original, above, below, language}, answer, explicit_empty);
}

std::string shaped_text(std::string_view original, std::string_view answer,
                        std::string_view language = "python", std::string_view above = "",
                        std::string_view below = "") {
  ShapedAnswer r = shape(original, answer, language, above, below);
  EXPECT_TRUE(r.ok) << r.reason;
  return r.text;
}

TEST(AnswerShape, ReproducedRegionIsUnchanged) {
  EXPECT_EQ(shaped_text(kCart, kCart), kCart);
}

TEST(AnswerShape, EmptyAnswerIsRefusedUnlessExplicit) {
  ShapedAnswer r = shape(kCart, "");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "the model answered no code");
  EXPECT_FALSE(shape(kCart, "\n  \n").ok);
  ShapedAnswer empty = shape(kCart, "", "python", "", "", true);
  ASSERT_TRUE(empty.ok);
  EXPECT_EQ(empty.text, "");
}

TEST(AnswerShape, DedentedMethodIsReindented) {
  std::string_view method =
      "    def add(self, item):\n"
      "        if item:\n"
      "            self.items.append(item)\n";
  ShapedAnswer r = shape(method,
                         "def add(self, item):\n"
                         "    if item is not None:\n"
                         "        self.items.append(item)\n");
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.indent_shift, 4);
  EXPECT_EQ(r.text,
            "    def add(self, item):\n"
            "        if item is not None:\n"
            "            self.items.append(item)\n");
}

TEST(AnswerShape, TabsForSpacesAreConverted) {
  std::string_view method =
      "    def add(self, item):\n"
      "        self.items.append(item)\n";
  ShapedAnswer r = shape(method, "\tdef add(self, item):\n\t\tself.items.append(item)  # ok\n");
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_TRUE(r.indent_converted);
  EXPECT_EQ(r.text, "    def add(self, item):\n        self.items.append(item)  # ok\n");
}

TEST(AnswerShape, ElisionMarkerIsFilledFromTheOriginal) {
  EXPECT_EQ(shaped_text(kCart,
                        "class Cart:\n"
                        "    # ... existing code ...\n"
                        "    def total(self):\n"
                        "        return 42\n"),
            kCartTotal42);
  // At the end, and phrased differently.
  EXPECT_EQ(shaped_text(kCart,
                        "class Cart:\n"
                        "    def __init__(self):\n"
                        "        self.items = []\n"
                        "    # rest of the class unchanged\n"),
            kCart);
}

TEST(AnswerShape, ChangedLineNextToAMarkerReplacesItsOriginal) {
  std::string_view original = "def f():\n    a = 1\n    b = 2\n    c = 3\n    d = 4\n";
  EXPECT_EQ(
      shaped_text(original,
                  "def f():\n    a = 1\n    b = 2\n    c = 30\n    # ... existing code ...\n"),
      "def f():\n    a = 1\n    b = 2\n    c = 30\n    d = 4\n");
  EXPECT_EQ(shaped_text(original, "def f():\n    # ... existing code ...\n    c = 30\n    d = 4\n"),
            "def f():\n    a = 1\n    b = 2\n    c = 30\n    d = 4\n");
  EXPECT_EQ(shaped_text(original, "def f():\n    # ...\n    b = 20\n    # ...\n"),
            "def f():\n    a = 1\n    b = 20\n    c = 3\n    d = 4\n");
}

TEST(AnswerShape, MethodAnsweredAloneIsSplicedIntoItsClass) {
  ShapedAnswer r = shape(kCart,
                         "def total(self):\n"
                         "    return 42\n");
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_TRUE(r.spliced);
  EXPECT_EQ(r.text, kCartTotal42);
}

TEST(AnswerShape, NewMethodGoesNextToTheMatchedOne) {
  ShapedAnswer r = shape(kCart,
                         "    def add(self, item):\n"
                         "        self.items.append(item)\n"
                         "\n"
                         "    def clear(self):\n"
                         "        self.items = []\n");
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.text,
            "class Cart:\n"
            "    def __init__(self):\n"
            "        self.items = []\n"
            "\n"
            "    def add(self, item):\n"
            "        self.items.append(item)\n"
            "\n"
            "    def clear(self):\n"
            "        self.items = []\n"
            "\n"
            "    def total(self):\n"
            "        return sum(i.price for i in self.items)\n");
}

TEST(AnswerShape, UnplaceableNewMethodIsRefused) {
  ShapedAnswer r = shape(kCart, "    def clear(self):\n        self.items = []\n");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.reason.find("could not be matched"), std::string::npos) << r.reason;
}

TEST(AnswerShape, WholeFileAnswerKeepsOnlyTheRegion) {
  std::string_view above = "import math\n\n\n";
  std::string_view below = "\n\ndef main():\n    print(Cart().total())\n";
  std::string answer = std::string(above) + std::string(kCartTotal42) + std::string(below);
  ShapedAnswer r = shape(kCart, answer, "python", above, below);
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.text, kCartTotal42);
  EXPECT_EQ(r.context_above, 3u);  // "import math" and the blank lines after it
  EXPECT_GE(r.context_below, 2u);
}

TEST(AnswerShape, SignatureAboveAndBraceBelowAreNotDuplicated) {
  std::string_view above = "int sum(const std::vector<int>& v) {\n";
  std::string_view original = "  int s = 0;\n  for (int x : v) s += x;\n  return s;\n";
  std::string_view below = "}\n";
  ShapedAnswer r = shape(original,
                         "int sum(const std::vector<int>& v) {\n"
                         "  int s = 0;\n"
                         "  for (int x : v) s += x;\n"
                         "  return s + 0;\n"
                         "}\n",
                         "cpp", above, below);
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.text, "  int s = 0;\n  for (int x : v) s += x;\n  return s + 0;\n");
}

TEST(AnswerShape, ChangedContextAboveIsRefused) {
  std::string_view above = "import os\nimport sys\n\nLIMIT = 10\n\n";
  ShapedAnswer r = shape("def f():\n    return LIMIT\n",
                         "import os\nimport sys\nimport json\n\nLIMIT = 20\n\n"
                         "def f():\n    return LIMIT * 2\n",
                         "python", above, "");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.reason.find("above the region"), std::string::npos) << r.reason;
}

TEST(AnswerShape, BraceLanguageElisionKeepsMethodsBalanced) {
  std::string_view original =
      "class Stack {\n"
      "  push(x) {\n"
      "    this.items.push(x);\n"
      "  }\n"
      "  pop() {\n"
      "    return this.items.pop();\n"
      "  }\n"
      "}\n";
  EXPECT_EQ(shaped_text(original,
                        "class Stack {\n"
                        "  // ... existing code ...\n"
                        "  peek() {\n"
                        "    return this.items[this.items.length - 1];\n"
                        "  }\n"
                        "}\n",
                        "javascript"),
            "class Stack {\n"
            "  push(x) {\n"
            "    this.items.push(x);\n"
            "  }\n"
            "  pop() {\n"
            "    return this.items.pop();\n"
            "  }\n"
            "  peek() {\n"
            "    return this.items[this.items.length - 1];\n"
            "  }\n"
            "}\n");
}

TEST(AnswerShape, PythonEllipsisAndSpreadAreCodeNotMarkers) {
  EXPECT_FALSE(answer::is_elision_marker("    ...", "python"));
  EXPECT_FALSE(answer::is_elision_marker("  f(...args);", "javascript"));
  EXPECT_FALSE(answer::is_elision_marker("// wait for it... then retry the request", "go"));
  EXPECT_TRUE(answer::is_elision_marker("    # ...", "python"));
  EXPECT_TRUE(answer::is_elision_marker("  /* ... */", "c"));
  EXPECT_TRUE(answer::is_elision_marker("  // ... existing code ...", "typescript"));
  EXPECT_TRUE(answer::is_elision_marker("-- rest of the function unchanged", "lua"));
  EXPECT_TRUE(answer::is_elision_marker("{/* ... */}", "typescriptreact"));
  EXPECT_FALSE(answer::is_elision_marker("# ... existing code ...", "javascript"));
  // A stub body of "..." in Python is kept as it is.
  std::string_view stub = "def f():\n    ...\n";
  EXPECT_EQ(shaped_text(stub, "def f():\n    ...\n"), stub);
}

TEST(AnswerShape, MarkerThatTheOriginalHoldsIsCode) {
  std::string_view original = "def f():\n    # ... existing code ...\n    return 1\n";
  EXPECT_EQ(shaped_text(original, "def f():\n    # ... existing code ...\n    return 2\n"),
            "def f():\n    # ... existing code ...\n    return 2\n");
}

TEST(AnswerShape, MarkerBeforeARepeatedLineKeepsTheMostOriginal) {
  std::string_view original =
      "def f(x):\n"
      "    a = step(x)\n"
      "    log(a)\n"
      "    b = step(a)\n"
      "    log(b)\n"
      "    return b\n";
  // "log(...)" after the marker could be either log line: the code left out is unknowable.
  ShapedAnswer r = shape(original,
                         "def f(x):\n"
                         "    # ...\n"
                         "    log(a)\n"
                         "    print('done')\n");
  // log(a) appears once: not ambiguous, filled and the rest replaced.
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.text, "def f(x):\n    a = step(x)\n    log(a)\n    print('done')\n");
  // log(x) twice: the marker may end at either. The reading that keeps more of the original
  // wins ("return b + 1" needs b, which only that reading keeps).
  std::string_view twice =
      "def f(x):\n"
      "    a = step(x)\n"
      "    log(x)\n"
      "    b = step(a)\n"
      "    log(x)\n"
      "    return b\n";
  EXPECT_EQ(
      shaped_text(twice,
                  "def f(x):\n"
                  "    # ...\n"
                  "    log(x)\n"
                  "    return b + 1\n"),
      "def f(x):\n    a = step(x)\n    log(x)\n    b = step(a)\n    log(x)\n    return b + 1\n");
}

TEST(AnswerShape, BodyAnsweredAloneReplacesTheBody) {
  std::string_view original =
      "def total(items):\n"
      "    s = 0\n"
      "    for i in items:\n"
      "        s += i\n"
      "    return s\n";
  EXPECT_EQ(shaped_text(original, "    return sum(items)\n"),
            "def total(items):\n    return sum(items)\n");
}

}  // namespace
}  // namespace flint
