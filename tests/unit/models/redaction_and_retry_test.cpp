#include <curl/curl.h>
#include <gtest/gtest.h>

#include <set>

#include "server/models/model_errors.h"
#include "server/models/retry_policy.h"
#include "server/text/redact.h"

namespace flint::models {
namespace {

using namespace std::chrono_literals;
constexpr const char* kKey = "sk-proj-AbCdEf0123456789XyZ";

TEST(Redactor, ReplacesEveryExactOccurrence) {
  Redactor redact(kKey);
  std::string text = std::string("Bearer ") + kKey + " and again " + kKey + "!";
  std::string out = redact(text);
  EXPECT_EQ(out, "Bearer <redacted> and again <redacted>!");
}

TEST(Redactor, MasksPartlyMaskedEchoes) {
  Redactor redact(kKey);
  EXPECT_EQ(redact("Incorrect API key provided: sk-proj-AbCd********XyZ. See docs."),
            "Incorrect API key provided: <redacted>. See docs.");
  EXPECT_EQ(redact("{\"key\":\"f0123456789X\"}"), "{\"key\":\"<redacted>\"}");
}

TEST(Redactor, LeavesOrdinaryTextAlone) {
  Redactor redact(kKey);
  std::string text = "HTTP 401 from http://127.0.0.1:8080/v1/chat/completions: invalid key";
  EXPECT_EQ(redact(text), text);
  EXPECT_EQ(Redactor()(text), text);
}

TEST(Redactor, ShortKeysOnlyExactly) {
  Redactor redact("abc");
  EXPECT_EQ(redact("xabcx ab"), "x<redacted>x ab");
}

TEST(RetryPolicy, RetryableStatuses) {
  for (long status : {408L, 429L, 500L, 502L, 503L, 504L, 529L}) {
    EXPECT_TRUE(retryable_status(status)) << status;
  }
  for (long status : {400L, 401L, 403L, 404L, 422L}) EXPECT_FALSE(retryable_status(status));
}

TEST(RetryPolicy, BackoffGrowsWithJitterAndIsCapped) {
  RetryOptions options{100ms, 1000ms, 60s};
  std::mt19937 rng(1);
  for (int i = 0; i < 200; ++i) {
    auto first = backoff_delay(1, options, rng);
    EXPECT_GE(first, 50ms);
    EXPECT_LE(first, 100ms);
    auto third = backoff_delay(3, options, rng);
    EXPECT_GE(third, 200ms);
    EXPECT_LE(third, 400ms);
    auto late = backoff_delay(30, options, rng);
    EXPECT_GE(late, 500ms);
    EXPECT_LE(late, 1000ms);
  }
  std::set<int64_t> seen;
  for (int i = 0; i < 50; ++i) seen.insert(backoff_delay(4, options, rng).count());
  EXPECT_GT(seen.size(), 10u) << "no jitter";
}

TEST(RetryPolicy, RetryAfterSecondsAndDates) {
  auto now = std::chrono::system_clock::from_time_t(1700000000);
  EXPECT_EQ(parse_retry_after("2", now), 2000ms);
  EXPECT_EQ(parse_retry_after(" 0.5 ", now), 500ms);
  // 1700000000 is Tue, 14 Nov 2023 22:13:20 GMT.
  EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:13:50 GMT", now), 30000ms);
  EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:00:00 GMT", now), 0ms);
  EXPECT_FALSE(parse_retry_after("soon", now).has_value());
  EXPECT_FALSE(parse_retry_after("-3", now).has_value());
  EXPECT_EQ(parse_retry_after_ms("1500"), 1500ms);
}

ErrorContext context(bool key_sent) {
  ErrorContext c;
  c.provider = "openai-chat";
  c.url = "http://127.0.0.1:9/v1/chat/completions";
  c.base_url_example = "http://host:port/v1";
  c.model = "qwen-coder";
  c.api_key_env = "OPENAI_API_KEY";
  c.key_sent = key_sent;
  c.attempts = 3;
  c.connect_timeout_ms = 1000;
  c.first_byte_timeout_ms = 2000;
  c.idle_timeout_ms = 3000;
  return c;
}

TEST(ModelErrors, UnauthorizedNamesTheVariable) {
  auto e = http_status_error(401, R"({"error":{"message":"Incorrect API key provided"}})",
                             context(true));
  EXPECT_EQ(e.error.kind, ModelError::Kind::kUnauthorized);
  EXPECT_EQ(e.error.http_status, 401);
  EXPECT_FALSE(e.retryable);
  EXPECT_NE(e.error.message.find("$OPENAI_API_KEY"), std::string::npos);
  EXPECT_NE(e.error.message.find("Incorrect API key provided"), std::string::npos);
  auto unsent = http_status_error(401, "", context(false));
  EXPECT_NE(unsent.error.message.find("$OPENAI_API_KEY is empty or unset"), std::string::npos);
  auto forbidden = http_status_error(403, "{}", context(true));
  EXPECT_EQ(forbidden.error.kind, ModelError::Kind::kUnauthorized);
  EXPECT_NE(forbidden.error.message.find("qwen-coder"), std::string::npos);
}

TEST(ModelErrors, NotFoundNamesModelAndUrl) {
  auto e = http_status_error(404, R"({"error":"model \"qwen-coder\" not found"})", context(true));
  EXPECT_EQ(e.error.kind, ModelError::Kind::kNotFound);
  EXPECT_NE(e.error.message.find("qwen-coder"), std::string::npos);
  EXPECT_NE(e.error.message.find("http://127.0.0.1:9/v1/chat/completions"), std::string::npos);
  EXPECT_NE(e.error.message.find("http://host:port/v1"), std::string::npos);
}

TEST(ModelErrors, StatusKindsAndRetryability) {
  EXPECT_EQ(http_status_error(429, "", context(true)).error.kind, ModelError::Kind::kRateLimited);
  EXPECT_TRUE(http_status_error(429, "", context(true)).retryable);
  EXPECT_EQ(http_status_error(503, "", context(true)).error.kind, ModelError::Kind::kServer);
  EXPECT_TRUE(http_status_error(503, "", context(true)).retryable);
  auto bad = http_status_error(400, R"({"message":"max_tokens too large"})", context(true));
  EXPECT_EQ(bad.error.kind, ModelError::Kind::kOther);
  EXPECT_FALSE(bad.retryable);
  EXPECT_NE(bad.error.message.find("max_tokens too large"), std::string::npos);
}

TEST(ModelErrors, TransportErrors) {
  auto refused = transport_error(CURLE_COULDNT_CONNECT, "Connection refused", false, context(true));
  EXPECT_EQ(refused.error.kind, ModelError::Kind::kConnect);
  EXPECT_TRUE(refused.retryable);
  auto cut = transport_error(CURLE_PARTIAL_FILE, "closed", true, context(true));
  EXPECT_EQ(cut.error.kind, ModelError::Kind::kInterrupted);
  EXPECT_FALSE(cut.retryable);
  auto early = transport_error(CURLE_RECV_ERROR, "reset", false, context(true));
  EXPECT_EQ(early.error.kind, ModelError::Kind::kConnect);
  EXPECT_TRUE(early.retryable);
  auto tls = transport_error(CURLE_PEER_FAILED_VERIFICATION, "bad cert", false, context(true));
  EXPECT_FALSE(tls.retryable);
  EXPECT_NE(tls.error.message.find("caBundle"), std::string::npos);
  auto slow = transport_error(CURLE_OPERATION_TIMEDOUT, "", false, context(true));
  EXPECT_EQ(slow.error.kind, ModelError::Kind::kTimeout);
  EXPECT_NE(slow.error.message.find("connectTimeoutMs"), std::string::npos);
}

TEST(ModelErrors, TimeoutMessagesNameTheSetting) {
  EXPECT_NE(first_byte_timeout_error(context(true)).message.find("firstByteTimeoutMs"),
            std::string::npos);
  EXPECT_NE(idle_timeout_error(context(true), 5).message.find("idleTimeoutMs"), std::string::npos);
}

TEST(ModelErrors, DetailFromBodies) {
  EXPECT_EQ(error_detail_from_body(R"({"error":{"message":"a"}})"), "a");
  EXPECT_EQ(error_detail_from_body(R"({"type":"error","error":{"type":"x","message":"b"}})"), "b");
  EXPECT_EQ(error_detail_from_body(R"({"error":"c"})"), "c");
  EXPECT_EQ(error_detail_from_body(R"({"object":"error","message":"d"})"), "d");
  EXPECT_EQ(error_detail_from_body("<html>\n  Bad   gateway\n</html>"),
            "<html> Bad gateway </html>");
  EXPECT_EQ(error_detail_from_body(""), "");
  EXPECT_LE(error_detail_from_body(std::string(5000, 'x')).size(), 310u);
}

}  // namespace
}  // namespace flint::models
