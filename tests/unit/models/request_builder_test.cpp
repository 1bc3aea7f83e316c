// What each provider sends: URL, headers and JSON body, per the providers' API references.

#include <gtest/gtest.h>

#include <algorithm>

#include "server/models/provider.h"

namespace flint::models {
namespace {

using json = nlohmann::json;

ModelRoleConfig role(const std::string& provider, const std::string& base_url) {
  ModelRoleConfig config;
  config.provider = provider;
  config.base_url = base_url;
  config.model = "m-1";
  config.api_key = "sk-secret-123456";
  config.api_key_env = "TEST_KEY";
  config.max_tokens = 256;
  config.temperature = 0.2;
  return config;
}

ChatRequest conversation() {
  ChatRequest request;
  request.messages.push_back({"system", "Be brief.", {}, "", ""});
  request.messages.push_back({"user", "Weather in Paris and time?", {}, "", ""});
  request.messages.push_back(
      {"assistant",
       "",
       {{"call_1", "get_weather", "{\"city\":\"Paris\"}"}, {"call_2", "get_time", "{}"}},
       "",
       ""});
  request.messages.push_back({"tool", "18C", {}, "call_1", "get_weather"});
  request.messages.push_back({"tool", "12:00", {}, "call_2", "get_time"});
  request.tools.push_back(
      {"get_weather", "Weather by city",
       json{{"type", "object"}, {"properties", {{"city", {{"type", "string"}}}}}}});
  request.stop = {"\n\n"};
  return request;
}

bool has_header(const HttpRequest& request, const std::string& header) {
  return std::find(request.headers.begin(), request.headers.end(), header) != request.headers.end();
}

TEST(RequestBuilders, OpenAiChat) {
  const Provider& provider = *find_provider("openai-chat");
  ChatRequest request = conversation();
  request.prediction = "old code";
  HttpRequest http = provider.chat_request(role("openai-chat", "http://h:1/v1/"), request);
  EXPECT_EQ(http.url, "http://h:1/v1/chat/completions");
  EXPECT_TRUE(has_header(http, "Authorization: Bearer sk-secret-123456"));
  EXPECT_TRUE(has_header(http, "Accept: text/event-stream"));
  json body = json::parse(http.body);
  EXPECT_EQ(body["model"], "m-1");
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"]["include_usage"], true);
  EXPECT_EQ(body["max_tokens"], 256);
  EXPECT_DOUBLE_EQ(body["temperature"].get<double>(), 0.2);
  EXPECT_EQ(body["stop"], json::array({"\n\n"}));
  EXPECT_EQ(body["prediction"], (json{{"type", "content"}, {"content", "old code"}}));
  ASSERT_EQ(body["messages"].size(), 5u);
  EXPECT_EQ(body["messages"][0], (json{{"role", "system"}, {"content", "Be brief."}}));
  const json& assistant = body["messages"][2];
  EXPECT_TRUE(assistant["content"].is_null());
  EXPECT_EQ(assistant["tool_calls"][0],
            (json{{"id", "call_1"},
                  {"type", "function"},
                  {"function", {{"name", "get_weather"}, {"arguments", "{\"city\":\"Paris\"}"}}}}));
  EXPECT_EQ(body["messages"][3],
            (json{{"role", "tool"}, {"tool_call_id", "call_1"}, {"content", "18C"}}));
  EXPECT_EQ(body["tools"][0]["type"], "function");
  EXPECT_EQ(body["tools"][0]["function"]["name"], "get_weather");
  EXPECT_EQ(body["tools"][0]["function"]["parameters"]["type"], "object");
}

TEST(RequestBuilders, NoKeyNoAuthorizationHeader) {
  ModelRoleConfig config = role("openai-chat", "http://h/v1");
  config.api_key.clear();
  HttpRequest http = find_provider("openai-chat")->chat_request(config, conversation());
  for (const std::string& header : http.headers)
    EXPECT_EQ(header.rfind("Authorization", 0), std::string::npos);
}

TEST(RequestBuilders, RequestMaxTokensWinsOverTheRole) {
  ChatRequest request = conversation();
  request.max_tokens = 17;
  HttpRequest http =
      find_provider("openai-chat")->chat_request(role("openai-chat", "http://h/v1"), request);
  EXPECT_EQ(json::parse(http.body)["max_tokens"], 17);
}

TEST(RequestBuilders, OpenAiResponses) {
  HttpRequest http =
      find_provider("openai-responses")
          ->chat_request(role("openai-responses", "https://api.openai.com/v1"), conversation());
  EXPECT_EQ(http.url, "https://api.openai.com/v1/responses");
  EXPECT_TRUE(has_header(http, "Authorization: Bearer sk-secret-123456"));
  json body = json::parse(http.body);
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["store"], false);
  EXPECT_EQ(body["max_output_tokens"], 256);
  EXPECT_FALSE(body.contains("temperature"));
  const json& input = body["input"];
  ASSERT_EQ(input.size(), 6u);  // system, user, 2 function calls, 2 outputs
  EXPECT_EQ(input[0], (json{{"role", "system"}, {"content", "Be brief."}}));
  EXPECT_EQ(input[2], (json{{"type", "function_call"},
                            {"call_id", "call_1"},
                            {"name", "get_weather"},
                            {"arguments", "{\"city\":\"Paris\"}"}}));
  EXPECT_EQ(input[4],
            (json{{"type", "function_call_output"}, {"call_id", "call_1"}, {"output", "18C"}}));
  EXPECT_EQ(body["tools"][0], (json{{"type", "function"},
                                    {"name", "get_weather"},
                                    {"description", "Weather by city"},
                                    {"parameters", conversation().tools[0].parameters}}));
}

TEST(RequestBuilders, OpenAiCompletionsIsFimOnly) {
  const Provider& provider = *find_provider("openai-completions");
  EXPECT_FALSE(provider.supports_chat());
  ASSERT_TRUE(provider.supports_fim());
  FimRequest fim{"def add(a, b):\n", "\nprint(add(1, 2))\n", 64, {"\n\n"}};
  HttpRequest http = provider.fim_request(role("openai-completions", "http://h/v1"), fim);
  EXPECT_EQ(http.url, "http://h/v1/completions");
  json body = json::parse(http.body);
  EXPECT_EQ(body["prompt"], "def add(a, b):\n");
  EXPECT_EQ(body["suffix"], "\nprint(add(1, 2))\n");
  EXPECT_EQ(body["max_tokens"], 64);
  EXPECT_EQ(body["stream"], true);
}

TEST(RequestBuilders, OllamaChatAndGenerate) {
  const Provider& provider = *find_provider("ollama");
  ModelRoleConfig config = role("ollama", "http://127.0.0.1:11434");
  HttpRequest chat = provider.chat_request(config, conversation());
  EXPECT_EQ(chat.url, "http://127.0.0.1:11434/api/chat");
  EXPECT_TRUE(has_header(chat, "Accept: application/x-ndjson"));
  json body = json::parse(chat.body);
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["options"]["num_predict"], 256);
  EXPECT_DOUBLE_EQ(body["options"]["temperature"].get<double>(), 0.2);
  EXPECT_EQ(body["options"]["stop"], json::array({"\n\n"}));
  EXPECT_EQ(body["messages"][2]["tool_calls"][0]["function"]["arguments"],
            (json{{"city", "Paris"}}));
  EXPECT_EQ(body["messages"][3]["tool_name"], "get_weather");
  EXPECT_EQ(body["tools"][0]["function"]["name"], "get_weather");

  HttpRequest generate = provider.fim_request(config, FimRequest{"a", "b", {}, {}});
  EXPECT_EQ(generate.url, "http://127.0.0.1:11434/api/generate");
  json fim = json::parse(generate.body);
  EXPECT_EQ(fim["prompt"], "a");
  EXPECT_EQ(fim["suffix"], "b");
  EXPECT_EQ(fim["options"]["num_predict"], 256);
}

TEST(RequestBuilders, Anthropic) {
  HttpRequest http =
      find_provider("anthropic")
          ->chat_request(role("anthropic", "https://api.anthropic.com"), conversation());
  EXPECT_EQ(http.url, "https://api.anthropic.com/v1/messages");
  EXPECT_TRUE(has_header(http, "x-api-key: sk-secret-123456"));
  EXPECT_TRUE(has_header(http, "anthropic-version: 2023-06-01"));
  json body = json::parse(http.body);
  EXPECT_EQ(body["system"], "Be brief.");
  EXPECT_EQ(body["max_tokens"], 256);
  EXPECT_EQ(body["stop_sequences"], json::array({"\n\n"}));
  const json& messages = body["messages"];
  ASSERT_EQ(messages.size(), 3u);  // user, assistant (tool_use x2), user (tool_result x2)
  EXPECT_EQ(messages[0], (json{{"role", "user"}, {"content", "Weather in Paris and time?"}}));
  EXPECT_EQ(messages[1]["content"][0], (json{{"type", "tool_use"},
                                             {"id", "call_1"},
                                             {"name", "get_weather"},
                                             {"input", {{"city", "Paris"}}}}));
  EXPECT_EQ(messages[2]["role"], "user");
  ASSERT_EQ(messages[2]["content"].size(), 2u);
  EXPECT_EQ(messages[2]["content"][1],
            (json{{"type", "tool_result"}, {"tool_use_id", "call_2"}, {"content", "12:00"}}));
  EXPECT_EQ(body["tools"][0]["input_schema"]["type"], "object");
}

TEST(RequestBuilders, InvalidUtf8InPromptsIsReplacedNotThrown) {
  FimRequest fim{"caf\xC3", "\xFF", {}, {}};
  HttpRequest http;
  EXPECT_NO_THROW(http = find_provider("ollama")->fim_request(role("ollama", "http://h"), fim));
  EXPECT_TRUE(json::accept(http.body));
}

TEST(RequestBuilders, ProviderNames) {
  for (std::string_view name : provider_names()) {
    const Provider* provider = find_provider(name);
    ASSERT_NE(provider, nullptr) << name;
    EXPECT_EQ(provider->name(), name);
  }
  EXPECT_EQ(find_provider("gemini"), nullptr);
}

}  // namespace
}  // namespace flint::models
