// Reasoning and refusals end to end: the real ModelClient against the loopback endpoint, which
// sends reasoning on each API's own channel and refusals the way each provider does. Reasoning
// reaches on_reasoning and never on_text; a refusal ends with finish_reason "refusal" and its
// text in the summary; the wire quirks of real endpoints change nothing.

#include <algorithm>

#include "tests/unit/models/client_harness.h"

namespace flint::models::test {
namespace {

constexpr const char* kReasoning = "The user wants a sum. \xC3\xA9t\xC3\xA9: a + b.";
constexpr const char* kAnswer = "fn add(a: i32, b: i32) -> i32 { a + b }";
constexpr const char* kRefusal = "I can't help with that.";

std::string provider_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

class ReasoningEveryChatProvider : public ClientTest,
                                   public ::testing::WithParamInterface<std::string> {};

TEST_P(ReasoningEveryChatProvider, ReasoningGoesToOnReasoningAndNeverToOnText) {
  endpoint_.set_script(
      {{"default", {{"reasoning", kReasoning}, {"text", kAnswer}, {"chunkSize", 5}}}});
  Outcome outcome = chat(config(GetParam()), user_says("add"));
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  EXPECT_EQ(outcome.reasoning_text(), kReasoning);
  EXPECT_EQ(outcome.text(), kAnswer);
  EXPECT_GT(outcome.reasoning.size(), 5u);
  ASSERT_TRUE(outcome.summary);
  EXPECT_EQ(outcome.summary->reasoning_tokens, static_cast<int64_t>(outcome.reasoning.size()));
  EXPECT_EQ(outcome.summary->tokens, static_cast<int64_t>(outcome.deltas.size()));
  EXPECT_EQ(outcome.summary->finish_reason, "stop");
  EXPECT_TRUE(outcome.summary->refusal.empty());
}

TEST_P(ReasoningEveryChatProvider, RefusalEndsWithFinishReasonRefusalAndItsText) {
  endpoint_.set_script({{"default", {{"refusal", kRefusal}, {"chunkSize", 4}}}});
  Outcome outcome = chat(config(GetParam()), user_says("do something bad"));
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  ASSERT_TRUE(outcome.summary);
  if (GetParam() == "ollama") {
    // Ollama has no refusal channel: a refusal is just text.
    EXPECT_EQ(outcome.text(), kRefusal);
    EXPECT_EQ(outcome.summary->finish_reason, "stop");
    EXPECT_TRUE(outcome.summary->refusal.empty());
    return;
  }
  EXPECT_EQ(outcome.summary->finish_reason, "refusal");
  EXPECT_EQ(outcome.summary->refusal, kRefusal);
  if (GetParam() == "anthropic") {
    // Anthropic has no refusal channel either, but says so in stop_reason: the text came
    // through on_text and is repeated as the refusal.
    EXPECT_EQ(outcome.text(), kRefusal);
  } else {
    EXPECT_TRUE(outcome.deltas.empty()) << "refusal text is not answer text: " << outcome.text();
    EXPECT_EQ(outcome.summary->tokens, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Providers, ReasoningEveryChatProvider,
                         ::testing::Values("openai-chat", "openai-responses", "ollama",
                                           "anthropic"),
                         provider_name);

TEST_F(ClientTest, OllamaFimThinkingIsReasoning) {
  endpoint_.set_script({{"default", {{"reasoning", "hm, a loop"}, {"text", "i += 1"}}}});
  FimRequest request{"for i in x:\n    ", "\n", std::nullopt, {}};
  Outcome outcome = fim(config("ollama"), request);
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  EXPECT_EQ(outcome.reasoning_text(), "hm, a loop");
  EXPECT_EQ(outcome.text(), "i += 1");
  EXPECT_EQ(outcome.summary->reasoning_tokens, static_cast<int64_t>(outcome.reasoning.size()));
  EXPECT_EQ(endpoint_.requests().at(0).path, "/api/generate");
}

class OpenAiChatReasoningField : public ClientTest,
                                 public ::testing::WithParamInterface<std::string> {};

// Whatever field the server uses, the reasoning arrives once (OpenRouter's reasoning_details
// repeats `reasoning`).
TEST_P(OpenAiChatReasoningField, ReasoningArrivesOnce) {
  endpoint_.set_script({{"default",
                         {{"reasoning", kReasoning},
                          {"reasoningField", GetParam()},
                          {"text", kAnswer},
                          {"chunkSize", 6}}}});
  Outcome outcome = chat(config("openai-chat"), user_says("add"));
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  EXPECT_EQ(outcome.reasoning_text(), kReasoning);
  EXPECT_EQ(outcome.text(), kAnswer);
  EXPECT_NE(endpoint_.requests().size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Fields, OpenAiChatReasoningField,
                         ::testing::Values("reasoning_content", "reasoning", "reasoning_details"),
                         [](const auto& info) { return info.param; });

class QuirkyEndpoint : public ClientTest, public ::testing::WithParamInterface<std::string> {};

// Every quirk at once: empty-choices first chunk, role delta with null content, SSE comments,
// usage-only final chunk, no end marker.
TEST_P(QuirkyEndpoint, QuirksChangeNothing) {
  endpoint_.set_script(
      {{"default",
        {{"reasoning", "think"},
         {"text", kAnswer},
         {"quirks", {"emptyChoices", "nullContent", "usageOnlyFinal", "comments", "noDone"}}}}});
  bool fim_only = GetParam() == "openai-completions";
  Outcome outcome = fim_only ? fim(config(GetParam()), FimRequest{"fn add", "", std::nullopt, {}})
                             : chat(config(GetParam()), user_says("add"));
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  EXPECT_EQ(outcome.text(), kAnswer);
  // openai-completions has no reasoning channel: the endpoint sends nothing for it.
  EXPECT_EQ(outcome.reasoning_text(), fim_only ? "" : "think");
  ASSERT_TRUE(outcome.summary);
  EXPECT_EQ(outcome.summary->finish_reason, "stop");
  EXPECT_TRUE(outcome.summary->usage.has_value());
}

INSTANTIATE_TEST_SUITE_P(Providers, QuirkyEndpoint,
                         ::testing::Values("openai-chat", "openai-completions", "openai-responses",
                                           "ollama", "anthropic"),
                         provider_name);

TEST_F(ClientTest, ReasoningWithoutAnOnReasoningCallbackIsDropped) {
  endpoint_.set_script({{"default", {{"reasoning", kReasoning}, {"text", kAnswer}}}});
  Outcome outcome;
  StreamCallbacks callbacks = record_into(outcome);
  callbacks.on_reasoning = nullptr;
  auto stream = client_->chat(config("anthropic"), user_says("add"), std::move(callbacks));
  ASSERT_TRUE(run_until([&] { return outcome.ended(); }));
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  EXPECT_EQ(outcome.text(), kAnswer);
  EXPECT_TRUE(outcome.reasoning.empty());
  EXPECT_GT(outcome.summary->reasoning_tokens, 0);
}

// Reasoning events keep the idle timeout from firing (they are protocol events), but the time
// to first token waits for the first text.
TEST_F(ClientTest, ReasoningRestartsTheIdleTimeoutButIsNotTheFirstToken) {
  // 16 reasoning events 50 ms apart: 800 ms of reasoning, twice the idle timeout.
  endpoint_.set_script({{"default",
                         {{"reasoning", std::string(16, 'r')},
                          {"text", "done"},
                          {"chunkSize", 1},
                          {"tokensPerSecond", 20}}}});
  ModelRoleConfig role = config("openai-chat");
  role.idle_timeout_ms = 400;
  Outcome outcome = chat(role, user_says("think hard"));
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  EXPECT_EQ(outcome.reasoning_text(), std::string(16, 'r'));
  EXPECT_EQ(outcome.text(), "done");
  ASSERT_TRUE(outcome.summary);
  EXPECT_EQ(outcome.summary->reasoning_tokens, 16);
  EXPECT_EQ(outcome.summary->tokens, 4);
  // The first text event is due 16 intervals (800 ms) after the request.
  EXPECT_GE(outcome.summary->time_to_first_token, std::chrono::milliseconds(700));
}

// Reasoning was delivered: a broken connection afterwards is an interruption, not retried
// (the caller would see the reasoning twice).
TEST_F(ClientTest, AConnectionCutAfterReasoningIsNotRetried) {
  endpoint_.set_script({{"default",
                         {{"reasoning", "abcdefgh"},
                          {"text", kAnswer},
                          {"chunkSize", 1},
                          {"fault", "cut"},
                          {"faultAfter", 3}}}});
  Outcome outcome = chat(config("openai-chat"), user_says("cut"));
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->kind, ModelError::Kind::kInterrupted) << outcome.error->message;
  EXPECT_EQ(outcome.reasoning_text(), "abc");
  EXPECT_TRUE(outcome.deltas.empty());
  EXPECT_EQ(endpoint_.requests().size(), 1u);
}

}  // namespace
}  // namespace flint::models::test
