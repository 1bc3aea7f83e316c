// workspace/executeCommand's params as the command table reads them: the command, the first
// argument, a usable work-done token, and the -32602 messages that name the bad field.
#include <gtest/gtest.h>

#include "protocol/json_rpc.h"
#include "server/command_types.h"

namespace flint {
namespace {

using nlohmann::json;

// The message the dispatcher's typed binder puts after "invalid params: ".
std::string refusal(const json& params) {
  try {
    params.get<ExecuteCommandParams>();
  } catch (const std::exception& e) {
    return protocol::describe_params_error(e);
  }
  return "";
}

TEST(ExecuteCommandParams, ReadsTheCommandItsFirstArgumentAndTheToken) {
  auto p = json({{"command", "flint.accept"},
                 {"arguments", {{{"sessionId", "4"}}, "ignored"}},
                 {"workDoneToken", "t-1"}})
               .get<ExecuteCommandParams>();
  EXPECT_EQ(p.command, "flint.accept");
  EXPECT_EQ(p.argument, json({{"sessionId", "4"}}));
  EXPECT_EQ(p.workDoneToken, "t-1");

  auto bare =
      json({{"command", "flint.cancel"}, {"arguments", json::array()}}).get<ExecuteCommandParams>();
  EXPECT_TRUE(bare.argument.is_null());
  EXPECT_TRUE(bare.workDoneToken.is_null());
  // A token that is neither a string nor an integer is not used.
  EXPECT_TRUE(json({{"command", "x"}, {"workDoneToken", 1.5}})
                  .get<ExecuteCommandParams>()
                  .workDoneToken.is_null());
  EXPECT_EQ(
      json({{"command", "x"}, {"workDoneToken", 7}}).get<ExecuteCommandParams>().workDoneToken, 7);
}

TEST(ExecuteCommandParams, BadParamsNameTheField) {
  EXPECT_EQ(refusal(json::object()), "/command: expected a string");
  EXPECT_EQ(refusal(json({{"command", 3}})), "/command: expected a string");
  EXPECT_EQ(refusal(json::array({"flint.accept"})), "/command: expected a string");
  EXPECT_EQ(refusal(json({{"command", "x"}, {"arguments", "no"}})),
            "/arguments: expected an array");
  EXPECT_EQ(refusal(json({{"command", "x"}, {"arguments", nullptr}})), "");
}

}  // namespace
}  // namespace flint
