// The typed workspace/applyEdit: both WorkspaceEdit forms as the LSP specifies them, and the
// one reader of the client's answer.
#include <gtest/gtest.h>

#include "protocol/lsp_types.h"

namespace flint::protocol {
namespace {

WorkspaceEdit sample(bool versioned) {
  WorkspaceEdit e;
  e.versioned = versioned;
  e.documents.push_back({"file:///a.py", 3, {{Range{{1, 0}, {2, 0}}, "x\n", "flint.job-1"}}});
  e.documents.push_back(
      {"file:///b.py", std::nullopt, {{Range{{0, 0}, {0, 1}}, "y", "flint.job-1"}}});
  e.changeAnnotations["flint.job-1"] = ChangeAnnotation{"flint: rename", true, "why"};
  return e;
}

TEST(WorkspaceEditTypes, TheVersionedFormCarriesVersionsAndAnnotations) {
  json j = sample(true);
  ASSERT_EQ(j["documentChanges"].size(), 2u);
  EXPECT_EQ(j["documentChanges"][0]["textDocument"],
            json({{"uri", "file:///a.py"}, {"version", 3}}));
  EXPECT_TRUE(j["documentChanges"][1]["textDocument"]["version"].is_null());
  EXPECT_EQ(j["documentChanges"][0]["edits"][0]["annotationId"], "flint.job-1");
  EXPECT_EQ(
      j["changeAnnotations"]["flint.job-1"],
      json({{"label", "flint: rename"}, {"needsConfirmation", true}, {"description", "why"}}));
  EXPECT_FALSE(j.contains("changes"));
}

TEST(WorkspaceEditTypes, ThePlainFormHasNeitherVersionsNorAnnotations) {
  json j = sample(false);
  EXPECT_FALSE(j.contains("documentChanges"));
  EXPECT_FALSE(j.contains("changeAnnotations"));
  ASSERT_EQ(j["changes"]["file:///a.py"].size(), 1u);
  EXPECT_EQ(j["changes"]["file:///a.py"][0], json({{"range",
                                                    {{"start", {{"line", 1}, {"character", 0}}},
                                                     {"end", {{"line", 2}, {"character", 0}}}}},
                                                   {"newText", "x\n"}}));
}

TEST(WorkspaceEditTypes, ApplyParamsCarryTheLabelOnlyWhenGiven) {
  EXPECT_FALSE(json(ApplyWorkspaceEditParams{std::nullopt, sample(true)}).contains("label"));
  EXPECT_EQ(json(ApplyWorkspaceEditParams{"flint: x", sample(true)})["label"], "flint: x");
}

TEST(WorkspaceEditTypes, OnlyAnExplicitAppliedTrueIsApplied) {
  EXPECT_TRUE(read_apply_result(json{{"applied", true}}).applied);
  auto refused = read_apply_result(json{{"applied", false}, {"failureReason", "stale"}});
  EXPECT_FALSE(refused.applied);
  EXPECT_EQ(refused.failureReason, "stale");
  for (const json& odd : {json(nullptr), json("yes"), json{{"applied", "true"}}, json::array(),
                          json{{"failureReason", 3}}}) {
    auto r = read_apply_result(odd);
    EXPECT_FALSE(r.applied) << odd.dump();
    EXPECT_TRUE(r.failureReason.empty()) << odd.dump();
  }
}

}  // namespace
}  // namespace flint::protocol
