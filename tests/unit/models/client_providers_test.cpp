// The client end to end against the loopback endpoint, for every provider: text, tool calls,
// multi-turn tool conversations, fill-in-the-middle, and configuration errors.

#include <algorithm>
#include <map>

#include "tests/unit/models/client_harness.h"

namespace flint::models::test {
namespace {

constexpr const char* kAnswer =
    "fn add(a: i32, b: i32) -> i32 { a + b } // \xC3\xA9t\xC3\xA9 \xF0\x9F\x94\xA5";

class EveryChatProvider : public ClientTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(EveryChatProvider, StreamsTheScriptedText) {
  endpoint_.set_script(
      {{"rules",
        {{{"match", "add two numbers"}, {"reply", {{"text", kAnswer}, {"chunkSize", 5}}}}}}});
  Outcome outcome = chat(config(GetParam()), user_says("add two numbers"));
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  EXPECT_EQ(outcome.text(), kAnswer);
  ASSERT_TRUE(outcome.summary);
  EXPECT_EQ(outcome.summary->tokens, static_cast<int64_t>(outcome.deltas.size()));
  EXPECT_GT(outcome.deltas.size(), 5u);
  EXPECT_EQ(outcome.summary->finish_reason, "stop");
  EXPECT_EQ(outcome.summary->attempts, 1);
  EXPECT_GT(outcome.summary->time_to_first_token.count(), 0);
  EXPECT_GE(outcome.summary->time_to_first_token, outcome.summary->time_to_first_byte);
  ASSERT_TRUE(outcome.summary->usage);
  EXPECT_GT(outcome.summary->usage->output_tokens, 0);

  auto requests = endpoint_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].rule, 0);
  json body = requests[0].json();
  EXPECT_EQ(body["model"], "test-model");
  EXPECT_EQ(body["stream"], true);
  if (GetParam() == "anthropic") {
    EXPECT_EQ(requests[0].path, "/v1/messages");
    EXPECT_EQ(requests[0].header("x-api-key"), kTestKey);
    EXPECT_EQ(requests[0].header("anthropic-version"), "2023-06-01");
  } else {
    EXPECT_EQ(requests[0].header("authorization"), std::string("Bearer ") + kTestKey);
  }
  std::map<std::string, std::string> paths = {{"ollama", "/api/chat"},
                                              {"openai-chat", "/v1/chat/completions"},
                                              {"openai-responses", "/v1/responses"},
                                              {"anthropic", "/v1/messages"}};
  EXPECT_EQ(requests[0].path, paths[GetParam()]);
  EXPECT_TRUE(requests[0].header("expect").empty()) << "no 100-continue round trip";
}

TEST_P(EveryChatProvider, DeliversToolCalls) {
  endpoint_.set_script(
      {{"rules",
        {{{"match", "weather"},
          {"reply",
           {{"toolCalls",
             {{{"id", "call_w1"}, {"name", "get_weather"}, {"arguments", {{"city", "Paris"}}}},
              {{"id", "call_t2"}, {"name", "get_time"}, {"arguments", {{"tz", "CET"}}}}}}}}}}}});
  ChatRequest request = user_says("weather?");
  request.tools.push_back({"get_weather", "Weather", {{"type", "object"}}});
  request.tools.push_back({"get_time", "Time", {{"type", "object"}}});
  Outcome outcome = chat(config(GetParam()), request);
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  ASSERT_EQ(outcome.tool_calls.size(), 2u);
  EXPECT_EQ(outcome.tool_calls[0].name, "get_weather");
  EXPECT_EQ(json::parse(outcome.tool_calls[0].arguments_json), (json{{"city", "Paris"}}));
  EXPECT_EQ(outcome.tool_calls[1].name, "get_time");
  EXPECT_EQ(json::parse(outcome.tool_calls[1].arguments_json), (json{{"tz", "CET"}}));
  if (GetParam() != "ollama") {
    EXPECT_EQ(outcome.tool_calls[0].id, "call_w1");
  }
  EXPECT_FALSE(outcome.tool_calls[0].id.empty());
  EXPECT_EQ(outcome.summary->finish_reason, "tool_calls");
  EXPECT_EQ(outcome.summary->tool_calls, 2);
  EXPECT_TRUE(outcome.deltas.empty());
}

TEST_P(EveryChatProvider, MultiTurnToolConversation) {
  // Turn 1 asks for a file; turn 2 (the request now carries the tool result) answers.
  endpoint_.set_script(
      {{"rules",
        {{{"match", "CONTENTS-OF-MAIN"}, {"reply", {{"text", "main.c prints hello"}}}},
         {{"match", "what does main.c do"},
          {"reply",
           {{"toolCalls",
             {{{"id", "call_r"},
               {"name", "read_file"},
               {"arguments", {{"path", "main.c"}}}}}}}}}}}});
  ChatRequest request = user_says("what does main.c do");
  request.tools.push_back({"read_file", "Read a file", {{"type", "object"}}});
  Outcome first = chat(config(GetParam()), request);
  ASSERT_EQ(first.tool_calls.size(), 1u);

  request.messages.push_back({"assistant", "", first.tool_calls, "", ""});
  request.messages.push_back(
      {"tool", "CONTENTS-OF-MAIN: puts(\"hello\")", {}, first.tool_calls[0].id, "read_file"});
  Outcome second = chat(config(GetParam()), request);
  ASSERT_FALSE(second.error) << second.error->message;
  EXPECT_EQ(second.text(), "main.c prints hello");
  auto requests = endpoint_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].rule, 1);
  EXPECT_EQ(requests[1].rule, 0);
}

INSTANTIATE_TEST_SUITE_P(Providers, EveryChatProvider,
                         ::testing::Values("openai-chat", "openai-responses", "ollama",
                                           "anthropic"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

class FimProvider : public ClientTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(FimProvider, FillsTheMiddle) {
  endpoint_.set_script(
      {{"rules", {{{"match", "SUFFIX-MARK"}, {"reply", {{"text", "return a + b"}}}}}}});
  Outcome outcome =
      fim(config(GetParam()), FimRequest{"def add(a, b):\n    ", "\nSUFFIX-MARK", 32, {}});
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  EXPECT_EQ(outcome.text(), "return a + b");
  auto requests = endpoint_.requests();
  ASSERT_EQ(requests.size(), 1u);
  json body = requests[0].json();
  EXPECT_EQ(body["prompt"], "def add(a, b):\n    ");
  EXPECT_EQ(body["suffix"], "\nSUFFIX-MARK");
  EXPECT_EQ(requests[0].path, GetParam() == "ollama" ? "/api/generate" : "/v1/completions");
}

INSTANTIATE_TEST_SUITE_P(Providers, FimProvider, ::testing::Values("openai-completions", "ollama"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST_F(ClientTest, PredictedOutputIsSentToOpenAiChat) {
  ChatRequest request = user_says("rename x to y");
  request.prediction = "int y = 1;";
  Outcome outcome = chat(config("openai-chat"), request);
  ASSERT_TRUE(outcome.summary);
  json body = endpoint_.requests().at(0).json();
  EXPECT_EQ(body["prediction"]["content"], "int y = 1;");
}

TEST_F(ClientTest, FimOnAChatOnlyProviderIsABadConfig) {
  for (std::string provider : {"openai-chat", "openai-responses", "anthropic"}) {
    Outcome outcome = fim(config(provider), FimRequest{"a", "b", {}, {}});
    ASSERT_TRUE(outcome.error) << provider;
    EXPECT_EQ(outcome.error->kind, ModelError::Kind::kBadConfig);
    EXPECT_NE(outcome.error->message.find("fill-in-the-middle"), std::string::npos);
    EXPECT_NE(outcome.error->message.find(provider), std::string::npos);
  }
  EXPECT_TRUE(endpoint_.requests().empty());
}

TEST_F(ClientTest, BadConfigurationsFailClearlyWithoutARequest) {
  ModelRoleConfig unknown = config();
  unknown.provider = "gemini";
  Outcome a = chat(unknown, user_says("x"));
  ASSERT_TRUE(a.error);
  EXPECT_EQ(a.error->kind, ModelError::Kind::kBadConfig);
  EXPECT_NE(a.error->message.find("openai-chat"), std::string::npos) << "lists the known ones";

  ModelRoleConfig unset = config();
  unset.base_url.clear();
  Outcome b = chat(unset, user_says("x"));
  ASSERT_TRUE(b.error);
  EXPECT_NE(b.error->message.find("baseUrl"), std::string::npos);

  ModelRoleConfig scheme = config();
  scheme.base_url = "127.0.0.1:11434";
  Outcome c = chat(scheme, user_says("x"));
  ASSERT_TRUE(c.error);
  EXPECT_NE(c.error->message.find("http://"), std::string::npos);

  Outcome d = chat(config("openai-completions"), user_says("x"));
  ASSERT_TRUE(d.error);
  EXPECT_EQ(d.error->kind, ModelError::Kind::kBadConfig);
  EXPECT_TRUE(endpoint_.requests().empty());
}

TEST_F(ClientTest, MessagesInTheStreamKeepTheirOrderAcrossBatches) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "t" + std::to_string(i) + " ";
  endpoint_.set_script({{"default", {{"text", text}, {"chunkSize", 3}}}});
  Outcome outcome = chat(config(), user_says("long"));
  ASSERT_TRUE(outcome.summary);
  EXPECT_EQ(outcome.text(), text);
  EXPECT_EQ(outcome.summary->tokens, static_cast<int64_t>((text.size() + 2) / 3));
}

}  // namespace
}  // namespace flint::models::test
