// The progress state machine: nothing is sent with a token before the client created it, one
// begin and one end per channel, and showMessage when progress is not available.
#include "protocol/progress_channel.h"

#include <gtest/gtest.h>

namespace flint::protocol {
namespace {

using nlohmann::json;

struct Wire {
  ProgressTransport transport() {
    ProgressTransport t;
    t.create = [this](const json& token, std::function<void(bool)> answered) {
      created.push_back(token);
      pending = std::move(answered);
    };
    t.progress = [this](const json& token, json value) {
      EXPECT_EQ(token, "flint/job-1");
      kinds.push_back(value["kind"]);
      values.push_back(std::move(value));
    };
    t.show_message = [this](int type, const std::string& text) {
      messages.emplace_back(type, text);
    };
    return t;
  }
  std::vector<json> created;
  std::function<void(bool)> pending;
  std::vector<std::string> kinds;
  std::vector<json> values;
  std::vector<std::pair<int, std::string>> messages;
};

TEST(ProgressChannel, BuffersUntilTheTokenIsCreated) {
  Wire wire;
  ProgressChannel channel(true, "flint/job-1", wire.transport());
  channel.begin("flint: rename", std::nullopt, std::nullopt);
  channel.report(std::string("step 1"), 10);
  channel.report(std::string("step 2"), 20);
  ASSERT_EQ(wire.created.size(), 1u);
  EXPECT_TRUE(wire.kinds.empty());
  wire.pending(true);
  ASSERT_EQ(wire.kinds, (std::vector<std::string>{"begin", "report"}));
  EXPECT_EQ(wire.values[0]["title"], "flint: rename");
  EXPECT_EQ(wire.values[0]["cancellable"], true);
  EXPECT_EQ(wire.values[1]["message"], "step 2");
  EXPECT_EQ(wire.values[1]["percentage"], 20);
  channel.report(std::nullopt, 30);
  channel.end("2 files changed", false);
  channel.end("again", false);
  channel.report(std::string("late"), 99);
  ASSERT_EQ(wire.kinds, (std::vector<std::string>{"begin", "report", "report", "end"}));
  EXPECT_EQ(wire.values[2]["message"], "step 2");  // the message stays with a new percentage
  EXPECT_EQ(wire.values[3]["message"], "2 files changed");
  EXPECT_TRUE(wire.messages.empty());
}

TEST(ProgressChannel, AnEndBeforeTheAnswerComesAfterTheBegin) {
  Wire wire;
  ProgressChannel channel(true, "flint/job-1", wire.transport());
  channel.begin("flint: t", std::string("starting"), std::nullopt);
  channel.end("cancelled", false);
  EXPECT_TRUE(wire.kinds.empty());
  wire.pending(true);
  ASSERT_EQ(wire.kinds, (std::vector<std::string>{"begin", "end"}));
  EXPECT_EQ(wire.values[0]["message"], "starting");
}

TEST(ProgressChannel, ARefusedTokenFallsBackToMessages) {
  Wire wire;
  ProgressChannel channel(true, "flint/job-1", wire.transport());
  channel.begin("flint: t", std::nullopt, std::nullopt);
  wire.pending(false);
  channel.report(std::string("r"), 1);
  channel.end("boom", true);
  EXPECT_TRUE(wire.kinds.empty());
  ASSERT_EQ(wire.messages.size(), 2u);
  EXPECT_EQ(wire.messages[1].first, 1);
  EXPECT_NE(wire.messages[1].second.find("boom"), std::string::npos);
}

TEST(ProgressChannel, WithoutSupportStartAndEndAreMessages) {
  Wire wire;
  ProgressChannel channel(false, "flint/job-1", wire.transport());
  channel.begin("flint: fix it", std::nullopt, std::nullopt);
  channel.report(std::string("r"), 1);
  channel.end("1 file changed", false);
  EXPECT_TRUE(wire.created.empty());
  EXPECT_TRUE(wire.kinds.empty());
  ASSERT_EQ(wire.messages.size(), 2u);
  EXPECT_EQ(wire.messages[0].first, 3);
  EXPECT_NE(wire.messages[0].second.find("fix it"), std::string::npos);
  EXPECT_NE(wire.messages[1].second.find("1 file changed"), std::string::npos);
}

TEST(ProgressChannel, EndedBeforeBeginSendsNothing) {
  Wire wire;
  ProgressChannel channel(true, "flint/job-1", wire.transport());
  channel.end("cancelled", false);
  channel.begin("flint: t", std::nullopt, std::nullopt);
  EXPECT_TRUE(wire.created.empty());
  EXPECT_TRUE(wire.kinds.empty());
  EXPECT_TRUE(wire.messages.empty());
}

TEST(ProgressChannel, AClientsTokenIsUsedAtOnceAndNeverFallsBack) {
  Wire wire;
  ProgressChannel channel(false, "flint/job-1", wire.transport(), /*client_token=*/true);
  channel.begin("flint: editing", "add types", std::nullopt);
  channel.report("12 tokens", 40);
  channel.end("done", false);
  channel.report("late", 50);
  EXPECT_TRUE(wire.created.empty());
  EXPECT_EQ(wire.kinds, (std::vector<std::string>{"begin", "report", "end"}));
  EXPECT_EQ(wire.values[1]["percentage"], 40);
  EXPECT_EQ(wire.values[2]["message"], "done");
  EXPECT_TRUE(wire.messages.empty());
}

TEST(ProgressChannel, AnAnswerAfterTheChannelIsGoneIsIgnored) {
  Wire wire;
  {
    ProgressChannel channel(true, "flint/job-1", wire.transport());
    channel.begin("flint: t", std::nullopt, std::nullopt);
  }
  wire.pending(true);
  EXPECT_TRUE(wire.kinds.empty());
}

}  // namespace
}  // namespace flint::protocol
