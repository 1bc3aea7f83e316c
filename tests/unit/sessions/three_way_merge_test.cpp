#include "server/edits/three_way_merge.h"

#include <gtest/gtest.h>

namespace flint {
namespace {

std::string merged(std::string_view base, std::string_view ours, std::string_view theirs) {
  MergeResult r = merge_three_way(base, ours, theirs);
  return r.text ? *r.text : "<conflict at " + std::to_string(r.conflict_byte) + ">";
}

TEST(ThreeWayMerge, ChangesInDifferentPlacesAreBothKept) {
  std::string base = "a\nb\nc\nd\n";
  EXPECT_EQ(merged(base, "a\nB\nc\nd\n", "a\nb\nc\nD\n"), "a\nB\nc\nD\n");
  EXPECT_EQ(merged(base, "a\nc\nd\n", "a\nb\nc\nd\ne\n"), "a\nc\nd\ne\n");
  EXPECT_EQ(merged(base, base, "x\nb\nc\nd\n"), "x\nb\nc\nd\n");
  EXPECT_EQ(merged(base, "a\nb2\nc\nd\n", base), "a\nb2\nc\nd\n");
  // Inside one line, in different places.
  EXPECT_EQ(merged("total = a + b\n", "total = a + b  # sum\n", "subtotal = a + b\n"),
            "subtotal = a + b  # sum\n");
}

TEST(ThreeWayMerge, OverlappingChangesConflict) {
  MergeResult r = merge_three_way("a\nb\nc\n", "a\nB\nc\n", "a\nbee\nc\n");
  EXPECT_FALSE(r.text.has_value());
  EXPECT_EQ(r.conflict_byte, 3u);  // where "ee" was typed, after "b"
  // Both inserting at the same place.
  EXPECT_FALSE(merge_three_way("ab", "aXb", "aYb").text.has_value());
  // An insertion inside text the other side replaced.
  EXPECT_FALSE(merge_three_way("abcd", "aZd", "abYcd").text.has_value());
}

TEST(ThreeWayMerge, TheSameChangeOnBothSidesIsNoConflict) {
  EXPECT_EQ(merged("a\nb\nc\n", "a\nB\nc\n", "a\nB\nc\nd\n"), "a\nB\nc\nd\n");
}

}  // namespace
}  // namespace flint
