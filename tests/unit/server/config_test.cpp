#include "server/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "server/text/redact.h"

namespace flint {
namespace {

using nlohmann::json;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::IsEmpty;

// A fake environment: tests never read the real one.
class Environment {
 public:
  Environment(std::initializer_list<std::pair<const std::string, std::string>> variables)
      : variables_(variables) {}
  GetEnv getenv() const {
    return [this](const char* name) -> const char* {
      auto it = variables_.find(name);
      return it == variables_.end() ? nullptr : it->second.c_str();
    };
  }

 private:
  std::map<std::string, std::string> variables_;
};

const Environment kNoEnvironment({});

ConfigResult resolve(const std::vector<json>& layers, const Environment& env = kNoEnvironment) {
  std::vector<json> all{default_settings()};
  all.insert(all.end(), layers.begin(), layers.end());
  return resolve_config(all, env.getenv());
}

TEST(Config, DefaultsAreValidAndMatchTheStructs) {
  ConfigResult result = resolve({});
  EXPECT_THAT(result.errors, IsEmpty());
  const Config defaults;
  const Config& c = result.config;
  EXPECT_EQ(c.fast.provider, defaults.fast.provider);
  EXPECT_EQ(c.fast.connect_timeout_ms, defaults.fast.connect_timeout_ms);
  EXPECT_EQ(c.fast.first_byte_timeout_ms, defaults.fast.first_byte_timeout_ms);
  EXPECT_EQ(c.fast.idle_timeout_ms, defaults.fast.idle_timeout_ms);
  EXPECT_EQ(c.fast.max_retries, defaults.fast.max_retries);
  EXPECT_EQ(c.fast.max_tokens, defaults.fast.max_tokens);
  EXPECT_EQ(c.fast.temperature, defaults.fast.temperature);
  EXPECT_EQ(c.fast.verify_tls, defaults.fast.verify_tls);
  EXPECT_FALSE(c.fast.configured());
  EXPECT_FALSE(c.agent.configured());
  EXPECT_EQ(c.agent.provider, defaults.agent.provider);
  EXPECT_EQ(c.edit.max_region_lines, defaults.edit.max_region_lines);
  EXPECT_EQ(c.edit.predicted_outputs, defaults.edit.predicted_outputs);
  EXPECT_EQ(c.edit.frame_ms, defaults.edit.frame_ms);
  EXPECT_EQ(c.completion.enabled, defaults.completion.enabled);
  EXPECT_EQ(c.completion.debounce_ms, defaults.completion.debounce_ms);
  EXPECT_EQ(c.completion.max_tokens, defaults.completion.max_tokens);
  EXPECT_EQ(c.jobs.backend, defaults.jobs.backend);
  EXPECT_EQ(c.jobs.command, defaults.jobs.command);
  EXPECT_EQ(c.jobs.max_concurrent, defaults.jobs.max_concurrent);
  EXPECT_EQ(c.jobs.timeout_s, defaults.jobs.timeout_s);
  EXPECT_EQ(c.jobs.max_steps, defaults.jobs.max_steps);
  // The defaults name no secret and no endpoint.
  EXPECT_EQ(redacted(default_settings()), default_settings());
}

TEST(Config, LaterLayersWinKeyByKey) {
  json file = {{"models", {{"fast", {{"baseUrl", "http://file/v1"}, {"model", "file-model"}}}}},
               {"edit", {{"maxRegionLines", 50}, {"frameMs", 16}}}};
  json init = {{"models", {{"fast", {{"model", "init-model"}}}}}, {"edit", {{"frameMs", 4}}}};
  Environment env({{"FLINT_MODEL", "env-model"}});
  ConfigResult result = resolve({file, environment_settings(env.getenv()), init}, env);
  EXPECT_THAT(result.errors, IsEmpty());
  EXPECT_EQ(result.config.fast.base_url, "http://file/v1");  // only the file set it
  EXPECT_EQ(result.config.fast.model, "init-model");         // init beats env beats file
  EXPECT_EQ(result.config.edit.max_region_lines, 50);
  EXPECT_EQ(result.config.edit.frame_ms, 4);

  result = resolve({file, environment_settings(env.getenv())}, env);
  EXPECT_EQ(result.config.fast.model, "env-model");
}

TEST(Config, NullMeansKeepTheLowerValue) {
  json file = {{"edit", {{"maxRegionLines", 77}}}, {"jobs", {{"command", {"make", "check"}}}}};
  json workspace = {
      {"edit", {{"maxRegionLines", nullptr}}}, {"jobs", nullptr}, {"models", nullptr}};
  ConfigResult result = resolve({file, workspace});
  EXPECT_THAT(result.errors, IsEmpty());
  EXPECT_EQ(result.config.edit.max_region_lines, 77);
  EXPECT_THAT(result.config.jobs.command, ElementsAre("make", "check"));
  EXPECT_THAT(resolve({nullptr}).errors, IsEmpty());
}

TEST(Config, ArraysAreReplacedWhole) {
  json file = {{"jobs", {{"backend", "command"}, {"command", {"a", "b", "c"}}}}};
  json workspace = {{"jobs", {{"command", {"z"}}}}};
  ConfigResult result = resolve({file, workspace});
  EXPECT_EQ(result.config.jobs.backend, "command");
  EXPECT_THAT(result.config.jobs.command, ElementsAre("z"));
}

TEST(Config, BadValuesAreReportedWithTheirPathAndTheLowerValueStays) {
  json file = {{"edit", {{"maxRegionLines", 120}}}};
  json init = {{"edit", {{"maxRegionLines", "abc"}}}};
  ConfigResult result = resolve({file, init});
  EXPECT_THAT(result.errors,
              ElementsAre("flint.edit.maxRegionLines: expected a positive integer, got \"abc\""));
  EXPECT_EQ(result.config.edit.max_region_lines, 120);
}

TEST(Config, EachKindOfMistakeHasAClearMessage) {
  json bad = {
      {"models",
       {{"fast",
         {{"provider", "openai"},
          {"baseUrl", "localhost:11434"},
          {"temperature", 7},
          {"verifyTls", "yes"},
          {"maxRetries", -1},
          {"apiKeyEnv", "MY KEY"},
          {"baseURL", "http://x"}}},
        {"slow", {{"model", "m"}}}}},
      {"edit", {{"maxRegionLines", 0}, {"frameMs", 5000}}},
      {"completion", 3},
      {"jobs", {{"backend", "docker"}, {"command", {"ok", 1}}, {"maxConcurrent", 2.5}}},
      {"edti", json::object()},
  };
  ConfigResult result = resolve({bad});
  EXPECT_THAT(
      result.errors,
      testing::UnorderedElementsAre(
          "flint.models.fast.provider: unknown provider \"openai\" (expected one of openai-chat, "
          "openai-responses, openai-completions, ollama, anthropic)",
          "flint.models.fast.baseUrl: expected an http:// or https:// URL, got \"localhost:11434\"",
          "flint.models.fast.temperature: expected a number from 0 to 2, got 7",
          "flint.models.fast.verifyTls: expected true or false, got \"yes\"",
          "flint.models.fast.maxRetries: expected a non-negative integer, got -1",
          "flint.models.fast.apiKeyEnv: expected an environment variable name, got \"MY KEY\"",
          "flint.models.fast.baseURL: unknown setting (did you mean \"baseUrl\"?)",
          "flint.models.slow: unknown model role (expected fast or agent)",
          "flint.edit.maxRegionLines: expected a positive integer, got 0",
          "flint.edit.frameMs: expected at most 1000, got 5000",
          "flint.completion: expected an object, got 3",
          "flint.jobs.backend: unknown job backend \"docker\" (expected one of builtin, command)",
          "flint.jobs.command: expected an array of strings, got [\"ok\",1]",
          "flint.jobs.maxConcurrent: expected a positive integer, got 2.5",
          "flint.edti: unknown setting (did you mean \"edit\"?)"));
  // Everything bad was skipped: the defaults stand.
  EXPECT_EQ(result.config, resolve({}).config);
}

TEST(Config, IntegralDoublesAreIntegers) {
  ConfigResult result = resolve({{{"edit", {{"maxRegionLines", 300.0}}}}});
  EXPECT_THAT(result.errors, IsEmpty());
  EXPECT_EQ(result.config.edit.max_region_lines, 300);
}

TEST(Config, ALayerThatIsNotAnObjectIsReported) {
  ConfigResult result = resolve({json::array({1, 2})});
  EXPECT_THAT(result.errors, ElementsAre("flint: expected an object, got [1,2]"));
}

TEST(Config, NamedLayersSayWhereABadValueCameFrom) {
  ConfigResult result = resolve_config_layers(
      {{"defaults", default_settings()},
       {"--config /home/u/flint.json", {{"completion", {{"debounceMs", "soon"}}}}}},
      kNoEnvironment.getenv());
  EXPECT_THAT(result.errors,
              ElementsAre("flint.completion.debounceMs: expected a non-negative integer, got "
                          "\"soon\" (in --config /home/u/flint.json)"));
}

TEST(Config, TraceIsLeftToTheClient) {
  EXPECT_THAT(resolve({{{"trace", {{"server", "verbose"}}}}}).errors, IsEmpty());
}

TEST(Config, BadSecretsAreNotEchoed) {
  ConfigResult result = resolve({{{"models", {{"fast", {{"apiKey", {{"sk", "secret-value"}}}}}}}}});
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0], "flint.models.fast.apiKey: expected a string, got an object");
}

TEST(Config, EnvironmentSettings) {
  Environment env({{"FLINT_PROVIDER", "anthropic"},
                   {"FLINT_BASE_URL", "https://api.anthropic.com"},
                   {"FLINT_MODEL", "claude"},
                   {"FLINT_API_KEY", "sk-fast"},
                   {"FLINT_AGENT_MODEL", "big"},
                   {"FLINT_AGENT_BASE_URL", ""}});  // empty counts as unset
  json settings = environment_settings(env.getenv());
  EXPECT_EQ(settings, json::parse(R"({"models": {
      "fast": {"provider": "anthropic", "baseUrl": "https://api.anthropic.com", "model": "claude",
               "apiKey": "sk-fast", "apiKeyEnv": "FLINT_API_KEY"},
      "agent": {"model": "big"}}})"));
  EXPECT_EQ(environment_settings(kNoEnvironment.getenv()), json::object());
  EXPECT_EQ(environment_settings(nullptr), json::object());

  Environment agent_key({{"FLINT_AGENT_API_KEY", "sk-agent"}});
  EXPECT_EQ(environment_settings(agent_key.getenv())["models"]["agent"]["apiKeyEnv"],
            "FLINT_AGENT_API_KEY");
}

TEST(Config, ApiKeyResolution) {
  Environment env({{"OPENAI_API_KEY", "sk-openai"},
                   {"ANTHROPIC_API_KEY", "sk-ant"},
                   {"GROQ_API_KEY", "gsk-groq"}});
  auto fast = [&](json role) { return resolve({{{"models", {{"fast", role}}}}}, env).config.fast; };
  // Default variable per provider.
  EXPECT_EQ(fast({{"provider", "openai-chat"}}).api_key, "sk-openai");
  EXPECT_EQ(fast({{"provider", "openai-chat"}}).api_key_env, "OPENAI_API_KEY");
  EXPECT_EQ(fast({{"provider", "openai-responses"}}).api_key, "sk-openai");
  EXPECT_EQ(fast({{"provider", "anthropic"}}).api_key, "sk-ant");
  EXPECT_EQ(fast({{"provider", "ollama"}}).api_key, "");
  EXPECT_EQ(fast({{"provider", "ollama"}}).api_key_env, "");
  // ... for the provider's own host and this machine only: an OpenAI-compatible server
  // elsewhere never gets the OpenAI key by default.
  auto at = [&](std::string provider, std::string url) {
    return fast({{"provider", provider}, {"baseUrl", url}}).api_key;
  };
  EXPECT_EQ(at("openai-chat", "https://api.openai.com/v1"), "sk-openai");
  EXPECT_EQ(at("openai-chat", "https://API.OpenAI.com:443/v1"), "sk-openai");
  EXPECT_EQ(at("openai-responses", "http://127.0.0.1:4000/v1"), "sk-openai");
  EXPECT_EQ(at("openai-chat", "http://localhost:8080/v1"), "sk-openai");
  EXPECT_EQ(at("openai-chat", "http://[::1]:8080/v1"), "sk-openai");
  EXPECT_EQ(at("openai-chat", "https://api.cerebras.ai/v1"), "");
  EXPECT_EQ(at("openai-chat", "https://api.openai.com.evil.example/v1"), "");
  EXPECT_EQ(at("openai-chat", "https://x@evil.example/api.openai.com/v1"), "");
  EXPECT_EQ(at("anthropic", "https://api.anthropic.com"), "sk-ant");
  EXPECT_EQ(at("anthropic", "https://api.openai.com/v1"), "");
  EXPECT_EQ(
      fast({{"provider", "openai-chat"}, {"baseUrl", "https://openrouter.ai/api/v1"}}).api_key_env,
      "");
  // A named variable; "" means no key at all.
  EXPECT_EQ(fast({{"apiKeyEnv", "GROQ_API_KEY"}}).api_key, "gsk-groq");
  EXPECT_EQ(fast({{"apiKeyEnv", ""}}).api_key, "");
  EXPECT_EQ(fast({{"apiKeyEnv", "UNSET_VARIABLE"}}).api_key, "");
  // An explicit key wins over any variable.
  EXPECT_EQ(fast({{"apiKey", "sk-explicit"}, {"apiKeyEnv", "GROQ_API_KEY"}}).api_key,
            "sk-explicit");
  // A key given as a setting was read from no variable: messages about it must not name one.
  EXPECT_EQ(fast({{"provider", "openai-chat"}, {"apiKey", "sk-explicit"}}).api_key_env, "");
}

TEST(Config, ALaterKeySourceBeatsALowerKey) {
  Environment env({{"FLINT_API_KEY", "sk-flint"}, {"GROQ_API_KEY", "gsk-groq"}});
  json env_layer = environment_settings(env.getenv());
  EXPECT_EQ(resolve({env_layer}, env).config.fast.api_key, "sk-flint");
  EXPECT_EQ(resolve({env_layer}, env).config.fast.api_key_env, "FLINT_API_KEY");
  json workspace = {{"models", {{"fast", {{"apiKeyEnv", "GROQ_API_KEY"}}}}}};
  ConfigResult result = resolve({env_layer, workspace}, env);
  EXPECT_EQ(result.config.fast.api_key, "gsk-groq");
  EXPECT_EQ(result.config.fast.api_key_env, "GROQ_API_KEY");
}

TEST(Config, AgentFallsBackToTheFastEndpoint) {
  Environment env({{"FLINT_API_KEY", "sk-flint"}});
  json layer = {{"models",
                 {{"fast",
                   {{"provider", "openai-chat"},
                    {"baseUrl", "http://127.0.0.1:8080/v1"},
                    {"model", "small"},
                    {"verifyTls", false}}},
                  {"agent", {{"maxTokens", 9000}}}}}};
  ConfigResult result = resolve({environment_settings(env.getenv()), layer}, env);
  const ModelRoleConfig& agent = result.config.agent;
  EXPECT_TRUE(agent.configured());
  EXPECT_EQ(agent.base_url, "http://127.0.0.1:8080/v1");
  EXPECT_EQ(agent.model, "small");
  EXPECT_EQ(agent.api_key, "sk-flint");
  EXPECT_FALSE(agent.verify_tls);
  EXPECT_EQ(agent.max_tokens, 9000);  // its own tuning stays

  // A model of its own on the fast role's server.
  layer["models"]["agent"]["model"] = "large";
  EXPECT_EQ(resolve({layer}).config.agent.model, "large");
  EXPECT_EQ(resolve({layer}).config.agent.base_url, "http://127.0.0.1:8080/v1");

  // An endpoint of its own: nothing is borrowed.
  layer["models"]["agent"] = {{"baseUrl", "https://agent.example/v1"}};
  Environment openai({{"OPENAI_API_KEY", "sk-openai"}, {"FLINT_API_KEY", "sk-flint"}});
  ConfigResult own = resolve({environment_settings(openai.getenv()), layer}, openai);
  EXPECT_EQ(own.config.agent.base_url, "https://agent.example/v1");
  EXPECT_EQ(own.config.agent.model, "");
  EXPECT_FALSE(own.config.agent.configured());
  EXPECT_EQ(own.config.agent.provider, "openai-chat");
  // Neither the fast role's key nor OpenAI's default: that host is not OpenAI's.
  EXPECT_EQ(own.config.agent.api_key, "");
  EXPECT_TRUE(own.config.agent.verify_tls);
}

TEST(Config, SecretsOfAConfig) {
  Config config;
  EXPECT_THAT(secrets_of(config), IsEmpty());
  config.fast.api_key = "a-key";
  config.agent.api_key = "a-key";
  EXPECT_THAT(secrets_of(config), ElementsAre("a-key"));
  config.agent.api_key = "b-key";
  EXPECT_THAT(secrets_of(config), ElementsAre("a-key", "b-key"));
}

TEST(Config, RedactedHidesEverySecret) {
  json settings = json::parse(R"({
    "models": {"fast": {"apiKey": "sk-1", "apiKeyEnv": "OPENAI_API_KEY", "maxTokens": 10,
                        "baseUrl": "https://user:pw@host/v1?key=abc"}},
    "headers": {"Authorization": "Bearer t0k", "X-Session-Token": "s", "clientSecret": "c"},
    "list": [{"accessToken": "z"}, "Bearer inlined"],
    "password": null
  })");
  json out = redacted(settings);
  EXPECT_EQ(out["models"]["fast"]["apiKey"], "<redacted>");
  EXPECT_EQ(out["models"]["fast"]["apiKeyEnv"], "OPENAI_API_KEY");
  EXPECT_EQ(out["models"]["fast"]["maxTokens"], 10);
  EXPECT_EQ(out["models"]["fast"]["baseUrl"], "https://user:<redacted>@host/v1?key=<redacted>");
  EXPECT_EQ(out["headers"]["Authorization"], "<redacted>");
  EXPECT_EQ(out["headers"]["X-Session-Token"], "<redacted>");
  EXPECT_EQ(out["headers"]["clientSecret"], "<redacted>");
  EXPECT_EQ(out["list"][0]["accessToken"], "<redacted>");
  EXPECT_EQ(out["list"][1], "Bearer <redacted>");
  EXPECT_TRUE(out["password"].is_null());
  EXPECT_EQ(out.dump().find("sk-1"), std::string::npos);
}

// ---- redact_secrets ----------------------------------------------------------------------

TEST(RedactSecrets, ReplacesEveryOccurrenceOfEachSecret) {
  EXPECT_EQ(redact_secrets("key sk-123 and sk-123 again", {"sk-123"}),
            "key <redacted> and <redacted> again");
  // The longer secret first, so no tail of it survives.
  EXPECT_EQ(redact_secrets("abcdef abc", {"abc", "abcdef"}), "<redacted> <redacted>");
  EXPECT_EQ(redact_secrets("nothing here", {"", "absent"}), "nothing here");
  EXPECT_EQ(redact_secrets("aaaa", {"aa"}), "<redacted><redacted>");
}

TEST(RedactSecrets, MasksCredentialHeadersAndFields) {
  EXPECT_EQ(redact_secrets("Authorization: Bearer sk-live-1\r\nAccept: */*", {}),
            "Authorization: Bearer <redacted>\r\nAccept: */*");
  EXPECT_EQ(redact_secrets("authorization: Basic dXNlcjpwYXNz", {}),
            "authorization: Basic <redacted>");
  EXPECT_EQ(redact_secrets("x-api-key: sk-ant-123", {}), "x-api-key: <redacted>");
  EXPECT_EQ(redact_secrets(R"(["x-api-key: sk-ant-123","anthropic-version: 1"])", {}),
            R"(["x-api-key: <redacted>","anthropic-version: 1"])");
  EXPECT_EQ(redact_secrets(R"({"apiKey": "sk-9", "apiKeyEnv": "OPENAI_API_KEY"})", {}),
            R"({"apiKey": "<redacted>", "apiKeyEnv": "OPENAI_API_KEY"})");
  EXPECT_EQ(redact_secrets("OPENAI_API_KEY=sk-env", {}), "OPENAI_API_KEY=<redacted>");
  EXPECT_EQ(redact_secrets("password=hunter2 next", {}), "password=<redacted> next");
}

TEST(RedactSecrets, MasksBearerTokensUrlPasswordsAndQueryKeys) {
  EXPECT_EQ(redact_secrets("sending bearer abc.def-ghi to host", {}),
            "sending bearer <redacted> to host");
  EXPECT_EQ(redact_secrets("GET https://bob:s3cret@example.com/v1", {}),
            "GET https://bob:<redacted>@example.com/v1");
  EXPECT_EQ(redact_secrets("https://h/v1/models?key=AIza123&alt=sse", {}),
            "https://h/v1/models?key=<redacted>&alt=sse");
  EXPECT_EQ(redact_secrets("https://h/x?a=1&access_token=t", {}),
            "https://h/x?a=1&access_token=<redacted>");
}

TEST(RedactSecrets, LeavesOrdinaryTextAlone) {
  for (std::string text :
       {"connecting to http://127.0.0.1:11434/v1", "token count 42", "maxTokens: 100",
        R"({"token": "flint/job/1", "value": {"kind": "begin"}})", "keyboard: us", "monkey: banana",
        "Authorization:", "the bearer", ""}) {
    EXPECT_EQ(redact_secrets(text, {}), text);
  }
}

}  // namespace
}  // namespace flint
