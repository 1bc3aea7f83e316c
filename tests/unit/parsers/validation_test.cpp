#include "parsers/validation.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace flint::parsers::test {
namespace {

struct Edit {
  Tree before;
  Tree after;
  ByteRange before_range;
  ByteRange after_range;
};

// Replaces `region` in `code` by `replacement` and parses both versions.
Edit edit(std::string_view id, const std::string& code, std::string_view region,
          std::string_view replacement, std::string& edited) {
  auto at = static_cast<uint32_t>(code.find(region));
  edited = code;
  edited.replace(at, region.size(), replacement);
  Edit result;
  result.before = parse_text(language(id), StringTextInput(code));
  result.after = parse_text(language(id), StringTextInput(edited));
  result.before_range = {at, at + static_cast<uint32_t>(region.size())};
  result.after_range = {at, at + static_cast<uint32_t>(replacement.size())};
  return result;
}

TEST(Validation, ReportsANewErrorWithItsPosition) {
  std::string code = "def f(x):\n    return x + 1\n\ndef g():\n    pass\n";
  std::string edited;
  auto e = edit("python", code, "    return x + 1\n", "    return (x + 1\n", edited);
  auto result = validate(e.before, e.before_range, e.after, e.after_range);
  EXPECT_EQ(result.errors_before, 0u);
  EXPECT_GE(result.errors_after, 1u);
  ASSERT_TRUE(result.introduced_errors());
  EXPECT_EQ(result.new_errors.front().start.row, 1u);
}

TEST(Validation, CleanEditHasNoErrors) {
  std::string code = "int f(int x) {\n  return x + 1;\n}\n";
  std::string edited;
  auto e = edit("c", code, "  return x + 1;\n", "  int y = x * 2;\n  return y + 1;\n", edited);
  auto result = validate(e.before, e.before_range, e.after, e.after_range);
  EXPECT_EQ(result.errors_before, 0u);
  EXPECT_EQ(result.errors_after, 0u);
  EXPECT_FALSE(result.introduced_errors());
}

TEST(Validation, MissingNodesAreReportedByName) {
  std::string code = "int f(int x) {\n  return x + 1;\n}\n";
  std::string edited;
  auto e = edit("c", code, "  return x + 1;\n", "  return x + 1\n", edited);
  auto result = validate(e.before, e.before_range, e.after, e.after_range);
  ASSERT_EQ(result.new_errors.size(), 1u);
  EXPECT_TRUE(result.new_errors[0].missing);
  EXPECT_EQ(result.new_errors[0].message, "missing ;");
}

TEST(Validation, ErrorsThatWereAlreadyThereAreNotNew) {
  // The region already has an error before the edit; the edit fixes nothing and adds nothing
  // (it renames a variable further down).
  std::string code = "function f() {\n  let a = (1;\n  let b = 2;\n  return b;\n}\n";
  std::string edited;
  auto e = edit("javascript", code, "  let a = (1;\n  let b = 2;\n  return b;\n",
                "  let a = (1;\n  let c = 2;\n  return c;\n", edited);
  auto result = validate(e.before, e.before_range, e.after, e.after_range);
  EXPECT_GE(result.errors_before, 1u);
  EXPECT_EQ(result.errors_after, result.errors_before);
  EXPECT_FALSE(result.introduced_errors());
}

TEST(Validation, ErrorsOutsideTheRangeAreIgnored) {
  std::string code = "x = (\ny = 1\n";
  Tree tree = parse_text(language("python"), StringTextInput(code));
  EXPECT_FALSE(syntax_errors(tree, ByteRange{0, static_cast<uint32_t>(code.size())}).empty());
  std::string clean = "x = 1\ny = 1\nz = (\n";
  Tree other = parse_text(language("python"), StringTextInput(clean));
  EXPECT_TRUE(syntax_errors(other, ByteRange{0, 5}).empty());
}

}  // namespace
}  // namespace flint::parsers::test
