// The API key never reaches a log line, a trace or an error message: streams run with a known
// key while spdlog logs everything (trace level, libcurl's header trace included) into a
// string, through success, 401/500 answers that echo the key, a malformed event carrying it,
// and a timeout.

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "tests/unit/models/client_harness.h"

namespace flint::models::test {
namespace {

class RedactionTest : public ClientTest {
 protected:
  void SetUp() override {
    previous_ = spdlog::default_logger();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
    auto logger = std::make_shared<spdlog::logger>("redaction-test", sink);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
    ClientTest::SetUp();
  }
  void TearDown() override {
    ClientTest::TearDown();
    spdlog::set_default_logger(previous_);
  }

  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(RedactionTest, TheKeyNeverAppearsInLogsOrErrors) {
  const std::string key = kTestKey;
  const std::string masked_echo = key.substr(0, 12) + "****" + key.substr(key.size() - 4);
  endpoint_.set_script(
      {{"rules",
        {{{"match", "case-401"},
          {"reply",
           {{"status", 401},
            {"errorMessage",
             "Incorrect API key provided: " + key + ". You can find your key..."}}}},
         {{"match", "case-masked"},
          {"reply", {{"status", 401}, {"errorMessage", "Incorrect API key: " + masked_echo}}}},
         {{"match", "case-500"},
          {"reply",
           {{"status", 500}, {"body", "{\"error\":\"upstream rejected key " + key + "\"}"}}}},
         {{"match", "case-raw"},
          {"reply", {{"status", 502}, {"body", "<html>" + key + "</html>"}}}},
         {{"match", "case-garbage"},
          {"reply",
           {{"text", "abcd"},
            {"fault", "garbage"},
            {"faultAfter", 0},
            {"garbage", "data: {\"key\": \"" + key + "\n\n"},
            {"chunkSize", 4}}}},
         {{"match", "case-stall"},
          {"reply", {{"text", key}, {"fault", "stall"}, {"faultAfter", 1}, {"chunkSize", 4}}}}}}});

  std::vector<std::string> errors;
  std::vector<std::string> providers = {"openai-chat", "anthropic", "ollama", "openai-responses"};
  for (const std::string& provider : providers) {
    ModelRoleConfig role = config(provider);
    role.idle_timeout_ms = 300;
    role.max_retries = 1;
    for (std::string name : {"case-ok", "case-401", "case-masked", "case-500", "case-raw",
                             "case-garbage", "case-stall"}) {
      Outcome outcome = chat(role, user_says(name + " " + key));
      if (outcome.error) errors.push_back(outcome.error->message);
    }
    Outcome bad = chat(
        [&] {
          ModelRoleConfig unknown = role;
          unknown.provider = "nonsense-" + key;
          return unknown;
        }(),
        user_says("x"));
    ASSERT_TRUE(bad.error);
    errors.push_back(bad.error->message);
  }
  client_.reset();  // flush everything the I/O thread might still log
  spdlog::default_logger()->flush();
  std::string log = log_.str();

  EXPECT_GE(errors.size(), providers.size() * 6);
  ASSERT_FALSE(log.empty());
  // The traces ran: the headers were logged, with the key masked.
  EXPECT_NE(log.find("<redacted>"), std::string::npos);
  EXPECT_NE(log.find("model stream #"), std::string::npos);
  for (const std::string& secret : {key, key.substr(0, 16), key.substr(8, 12), masked_echo}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "log leaks \"" << secret << "\"";
    for (const std::string& error : errors) {
      EXPECT_EQ(error.find(secret), std::string::npos) << "error leaks it: " << error;
    }
  }
  // The endpoint did receive the key: the test is not vacuous.
  EXPECT_EQ(endpoint_.requests().at(0).header("authorization"), "Bearer " + key);
}

}  // namespace
}  // namespace flint::models::test
