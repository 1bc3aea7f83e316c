// What flint reads from initialize: every flag it uses, and nothing malformed read as support.
#include "server/client_capabilities.h"

#include <gtest/gtest.h>

namespace flint {
namespace {

using nlohmann::json;

ClientCapabilities read(const json& initialize_params) {
  return read_client_capabilities(initialize_params.get<protocol::InitializeParams>());
}

TEST(ClientCapabilities, ReadsWhatFlintUses) {
  ClientCapabilities caps =
      read(json{{"capabilities",
                 {{"general", {{"positionEncodings", {"utf-32", "bogus", 7, "utf-8"}}}},
                  {"workspace",
                   {{"applyEdit", true},
                    {"workspaceEdit", {{"documentChanges", true}}},
                    {"configuration", true},
                    {"didChangeConfiguration", {{"dynamicRegistration", true}}}}},
                  {"window", {{"workDoneProgress", true}}},
                  {"experimental", {{"flint", {{"editSessions", true}, {"jobReview", true}}}}},
                  {"textDocument", {{"inlineCompletion", json::object()}}}}},
                {"clientInfo", {{"name", "Neovim"}, {"version", "0.10.0"}}}});
  EXPECT_EQ(caps.position_encodings,
            (std::vector<protocol::PositionEncoding>{protocol::PositionEncoding::kUtf32,
                                                     protocol::PositionEncoding::kUtf8}));
  EXPECT_EQ(negotiate_position_encoding(caps), protocol::PositionEncoding::kUtf8);
  EXPECT_TRUE(caps.apply_edit);
  EXPECT_TRUE(caps.document_changes);
  EXPECT_TRUE(caps.configuration);
  EXPECT_TRUE(caps.did_change_configuration_dynamic);
  EXPECT_TRUE(caps.work_done_progress);
  EXPECT_TRUE(caps.flint_edit_sessions);
  EXPECT_TRUE(caps.flint_job_review);
  EXPECT_TRUE(caps.inline_completion);
  EXPECT_EQ(caps.client_name, "Neovim");
  EXPECT_EQ(caps.client_version, "0.10.0");
}

TEST(ClientCapabilities, MalformedReadsAsUnsupported) {
  ClientCapabilities caps =
      read(json{{"capabilities",
                 {{"workspace", {{"applyEdit", "yes"}, {"configuration", 1}}}, {"window", true}}},
                {"clientInfo", {{"name", 3}, {"version", "2"}}}});
  EXPECT_FALSE(caps.apply_edit);
  EXPECT_FALSE(caps.configuration);
  EXPECT_FALSE(caps.work_done_progress);
  EXPECT_EQ(caps.client_name, "");
  EXPECT_EQ(caps.client_version, "2");
  EXPECT_EQ(negotiate_position_encoding(caps), protocol::PositionEncoding::kUtf16);

  // Capabilities that are not an object: nothing is read, the client's name included.
  ClientCapabilities none = read(json{{"capabilities", nullptr}, {"clientInfo", {{"name", "ed"}}}});
  EXPECT_EQ(none.client_name, "");
  EXPECT_FALSE(none.apply_edit);
  EXPECT_TRUE(none.show_message);
}

}  // namespace
}  // namespace flint
