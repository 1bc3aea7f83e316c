// Every fault the endpoint can inject, seen through the client: HTTP errors, retries with
// backoff and Retry-After, connection failures, stalls, cuts, garbage, error events and slow
// headers.

#include "tests/unit/models/client_harness.h"

// After the harness: asio must not be the first header (see model_client.h).
#include <asio/ip/tcp.hpp>

namespace flint::models::test {
namespace {

using Kind = ModelError::Kind;

json reply_rule(json reply, std::optional<int> times = std::nullopt) {
  json rule = {{"reply", std::move(reply)}};
  if (times) rule["times"] = *times;
  return rule;
}

TEST_F(ClientTest, UnauthorizedNamesTheKeyVariableAndIsNotRetried) {
  endpoint_.set_script({{"rules", {reply_rule({{"status", 401}})}}});
  Outcome outcome = chat(config(), user_says("hi"));
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->kind, Kind::kUnauthorized);
  EXPECT_EQ(outcome.error->http_status, 401);
  EXPECT_NE(outcome.error->message.find(std::string("$") + kKeyVariable), std::string::npos)
      << outcome.error->message;
  EXPECT_NE(outcome.error->message.find("Incorrect API key provided"), std::string::npos);
  EXPECT_EQ(endpoint_.requests().size(), 1u);
}

TEST_F(ClientTest, ForbiddenIsUnauthorizedToo) {
  endpoint_.set_script({{"rules", {reply_rule({{"status", 403}})}}});
  Outcome outcome = chat(config("anthropic"), user_says("hi"));
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->kind, Kind::kUnauthorized);
  EXPECT_EQ(outcome.error->http_status, 403);
  EXPECT_NE(outcome.error->message.find(kKeyVariable), std::string::npos);
}

TEST_F(ClientTest, MissingKeySaysTheVariableIsEmpty) {
  endpoint_.set_script({{"rules", {reply_rule({{"status", 401}})}}});
  ModelRoleConfig role = config();
  role.api_key.clear();
  Outcome outcome = chat(role, user_says("hi"));
  ASSERT_TRUE(outcome.error);
  EXPECT_NE(outcome.error->message.find(std::string("$") + kKeyVariable + " is empty or unset"),
            std::string::npos)
      << outcome.error->message;
  EXPECT_TRUE(endpoint_.requests().at(0).header("authorization").empty());
}

TEST_F(ClientTest, NotFoundNamesTheModelAndTheUrl) {
  endpoint_.set_script({{"rules", {reply_rule({{"status", 404}})}}});
  Outcome outcome = chat(config("ollama"), user_says("hi"));
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->kind, Kind::kNotFound);
  EXPECT_NE(outcome.error->message.find("test-model"), std::string::npos);
  EXPECT_NE(outcome.error->message.find(endpoint_.url("/api/chat")), std::string::npos);
  EXPECT_EQ(endpoint_.requests().size(), 1u);
}

TEST_F(ClientTest, RateLimitHonoursRetryAfterThenSucceeds) {
  endpoint_.set_script({{"rules", {reply_rule({{"status", 429}, {"retryAfter", 1}}, 1)}},
                        {"default", {{"text", "finally"}}}});
  Outcome outcome = chat(config(), user_says("hi"));
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  EXPECT_EQ(outcome.text(), "finally");
  EXPECT_EQ(outcome.summary->attempts, 2);
  auto requests = endpoint_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].status, 429);
  // Retry-After: 1 means at least a second (the backoff alone would be ~20 ms).
  EXPECT_GE(requests[1].received_at - requests[0].received_at, 950ms);
}

TEST_F(ClientTest, RetryAfterMillisecondsHeaderIsHonoured) {
  endpoint_.set_script(
      {{"rules", {reply_rule({{"status", 503}, {"headers", {{"retry-after-ms", "400"}}}}, 1)}}});
  Outcome outcome = chat(config(), user_says("hi"));
  ASSERT_TRUE(outcome.summary);
  auto requests = endpoint_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_GE(requests[1].received_at - requests[0].received_at, 380ms);
}

TEST_F(ClientTest, ServerErrorThenSuccess) {
  endpoint_.set_script(
      {{"rules", {reply_rule({{"status", 500}}, 1)}}, {"default", {{"text", "ok"}}}});
  Outcome outcome = chat(config("anthropic"), user_says("hi"));
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  EXPECT_EQ(outcome.text(), "ok");
  EXPECT_EQ(outcome.summary->attempts, 2);
}

TEST_F(ClientTest, RetriesAreExhausted) {
  endpoint_.set_script({{"rules", {reply_rule({{"status", 503}})}}});
  ModelRoleConfig role = config();
  role.max_retries = 3;
  Outcome outcome = chat(role, user_says("hi"));
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->kind, Kind::kServer);
  EXPECT_EQ(outcome.error->http_status, 503);
  EXPECT_NE(outcome.error->message.find("4 attempt(s)"), std::string::npos)
      << outcome.error->message;
  EXPECT_EQ(endpoint_.requests().size(), 4u);
}

TEST_F(ClientTest, ARetryAfterTooLongFailsAtOnce) {
  endpoint_.set_script({{"rules", {reply_rule({{"status", 429}, {"retryAfter", 3600}})}}});
  auto started = std::chrono::steady_clock::now();
  Outcome outcome = chat(config(), user_says("hi"));
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->kind, Kind::kRateLimited);
  EXPECT_NE(outcome.error->message.find("3600 s"), std::string::npos) << outcome.error->message;
  EXPECT_EQ(endpoint_.requests().size(), 1u);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 30s);
}

TEST_F(ClientTest, ConnectionRefusedIsRetriedThenReported) {
  // A port that was just free: nothing listens there.
  uint16_t port;
  {
    asio::io_context io;
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    port = acceptor.local_endpoint().port();
  }
  ModelRoleConfig role = config();
  role.base_url = "http://127.0.0.1:" + std::to_string(port) + "/v1";
  role.max_retries = 1;
  Outcome outcome = chat(role, user_says("hi"));
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->kind, Kind::kConnect);
  EXPECT_NE(outcome.error->message.find("cannot connect"), std::string::npos)
      << outcome.error->message;
  EXPECT_NE(outcome.error->message.find(std::to_string(port)), std::string::npos);
}

TEST_F(ClientTest, DroppedConnectionBeforeAnyAnswerIsRetried) {
  endpoint_.set_script(
      {{"rules", {reply_rule({{"fault", "close"}}, 1)}}, {"default", {{"text", "second try"}}}});
  Outcome outcome = chat(config(), user_says("hi"));
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  EXPECT_EQ(outcome.text(), "second try");
  EXPECT_EQ(outcome.summary->attempts, 2);
}

TEST_F(ClientTest, StallTriggersTheIdleTimeoutAndKeepsWhatArrived) {
  endpoint_.set_script(
      {{"default", {{"text", "abcdefgh"}, {"fault", "stall"}, {"faultAfter", 1}}}});
  ModelRoleConfig role = config();
  role.idle_timeout_ms = 300;
  Outcome outcome = chat(role, user_says("hi"));
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->kind, Kind::kTimeout);
  EXPECT_NE(outcome.error->message.find("idleTimeoutMs"), std::string::npos);
  EXPECT_EQ(outcome.text(), "abcd");
  EXPECT_EQ(endpoint_.requests().size(), 1u) << "no retry after tokens";
}

TEST_F(ClientTest, HeartbeatCommentsDoNotResetTheIdleTimeout) {
  for (std::string provider : {"openai-chat", "anthropic"}) {
    endpoint_.clear_requests();
    endpoint_.set_script(
        {{"default",
          {{"text", "abcdefgh"}, {"fault", "stall"}, {"faultAfter", 1}, {"heartbeatMs", 50}}}});
    ModelRoleConfig role = config(provider);
    role.idle_timeout_ms = 500;
    auto started = std::chrono::steady_clock::now();
    Outcome outcome = chat(role, user_says("hi"));
    ASSERT_TRUE(outcome.error) << provider;
    EXPECT_EQ(outcome.error->kind, Kind::kTimeout) << provider;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 15s) << provider;
  }
}

TEST_F(ClientTest, CutMidStreamIsInterruptedAndNotRetried) {
  endpoint_.set_script(
      {{"default", {{"text", std::string(200, 'x')}, {"fault", "cut"}, {"faultAfter", 3}}}});
  Outcome outcome = chat(config(), user_says("hi"));
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->kind, Kind::kInterrupted) << outcome.error->message;
  EXPECT_EQ(outcome.deltas.size(), 3u);
  EXPECT_EQ(endpoint_.requests().size(), 1u);
}

TEST_F(ClientTest, CutBeforeTheFirstTokenIsRetried) {
  endpoint_.set_script(
      {{"rules", {reply_rule({{"text", "zzz"}, {"fault", "cut"}, {"faultAfter", 0}}, 1)}},
       {"default", {{"text", "whole"}}}});
  Outcome outcome = chat(config("ollama"), user_says("hi"));
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  EXPECT_EQ(outcome.text(), "whole");
  EXPECT_EQ(outcome.summary->attempts, 2);
}

TEST_F(ClientTest, GarbageIsAMalformedStream) {
  for (std::string provider : {"openai-chat", "openai-responses", "ollama", "anthropic"}) {
    endpoint_.set_script(
        {{"default", {{"text", "abcdefgh"}, {"fault", "garbage"}, {"faultAfter", 1}}}});
    endpoint_.clear_requests();
    Outcome outcome = chat(config(provider), user_says("hi"));
    ASSERT_TRUE(outcome.error) << provider;
    EXPECT_EQ(outcome.error->kind, Kind::kMalformedStream) << provider;
    EXPECT_NE(outcome.error->message.find(provider), std::string::npos);
    EXPECT_EQ(outcome.text(), "abcd");
    EXPECT_EQ(endpoint_.requests().size(), 1u);
  }
}

TEST_F(ClientTest, ErrorEventAfterTokensEndsTheStream) {
  endpoint_.set_script({{"default",
                         {{"text", "abcdefgh"},
                          {"fault", "error"},
                          {"faultAfter", 1},
                          {"errorMessage", "model crashed"}}}});
  Outcome outcome = chat(config("anthropic"), user_says("hi"));
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->kind, Kind::kServer);
  EXPECT_NE(outcome.error->message.find("model crashed"), std::string::npos);
  EXPECT_EQ(endpoint_.requests().size(), 1u);
}

TEST_F(ClientTest, ErrorEventBeforeAnyTokenIsRetried) {
  endpoint_.set_script(
      {{"rules", {reply_rule({{"fault", "error"}, {"faultAfter", 0}, {"text", "x"}}, 1)}},
       {"default", {{"text", "recovered"}}}});
  Outcome outcome = chat(config("anthropic"), user_says("hi"));
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  EXPECT_EQ(outcome.text(), "recovered");
  EXPECT_EQ(outcome.summary->attempts, 2);
}

TEST_F(ClientTest, SlowHeadersTriggerTheFirstByteTimeout) {
  endpoint_.set_script(
      {{"default", {{"text", "late"}, {"fault", "slowHeaders"}, {"delayMs", 10000}}}});
  ModelRoleConfig role = config();
  role.first_byte_timeout_ms = 300;
  auto started = std::chrono::steady_clock::now();
  Outcome outcome = chat(role, user_says("hi"));
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->kind, Kind::kTimeout);
  EXPECT_NE(outcome.error->message.find("firstByteTimeoutMs"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 9s) << "did not wait for the headers";
  EXPECT_EQ(endpoint_.requests().size(), 1u) << "timeouts are not retried";
}

TEST_F(ClientTest, SlowFirstTokenWithinTheTimeoutsIsFine) {
  endpoint_.set_script({{"default", {{"text", "thoughtful"}, {"firstTokenMs", 300}}}});
  Outcome outcome = chat(config(), user_says("hi"));
  ASSERT_TRUE(outcome.summary);
  EXPECT_GE(outcome.summary->time_to_first_token, 280ms);
  EXPECT_LT(outcome.summary->time_to_first_byte, outcome.summary->time_to_first_token);
}

}  // namespace
}  // namespace flint::models::test
