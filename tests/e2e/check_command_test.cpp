// `flint-lsp check`, run as a real process against the loopback endpoint: the report for a
// working setup and for each failure a person meets (no route, a refused key, a model the
// endpoint does not serve, an untrusted TLS certificate, an agent model without tools, no
// model at all), each with its fix; the key never in the output.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/fake_endpoint/fake_endpoint.h"
#include "tests/support/shell_command.h"
#include "tests/support/untrusted_tls_server.h"

namespace flint {
namespace {

using nlohmann::json;

struct Result {
  int exit_code = -1;
  std::string out;
  json report;  // stdout parsed, when --json
};

constexpr const char* kSecret = "sk-test-9f8e7d6c5b4a";

class CheckCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(FLINT_LSP)) << FLINT_LSP << " is not built";
    endpoint_.start();
    settings_file_ = std::filesystem::temp_directory_path() /
                     ("flint_check_" + std::to_string(::getpid()) + ".json");
  }
  void TearDown() override { std::filesystem::remove(settings_file_); }

  // Runs `flint-lsp check <arguments>` with only `env` set (no FLINT_* or *_API_KEY from the
  // machine), `stdin_text` on its stdin; stderr goes with stdout.
  Result check(const std::vector<std::string>& env, const std::string& arguments,
               const std::string& stdin_text = "") {
    std::ofstream(settings_file_) << stdin_text;
    std::string command = "env -i PATH=/usr/bin:/bin HOME=/tmp";
    for (const std::string& variable : env) command += " '" + variable + "'";
    command += std::string(" '") + FLINT_LSP + "' check " + arguments + " < '" +
               settings_file_.string() + "' 2>&1";
    test::CommandResult run = test::run_shell(command);
    Result result;
    result.exit_code = run.exit_code;
    result.out = std::move(run.out);
    if (arguments.find("--json") != std::string::npos) {
      result.report = json::parse(result.out, nullptr, false);
    }
    return result;
  }

  std::vector<std::string> fast_env(const std::string& model = "fast-model") {
    return {"FLINT_BASE_URL=" + endpoint_.url("/v1"), "FLINT_MODEL=" + model};
  }

  static const json& role(const Result& result, const std::string& name) {
    static const json missing;
    for (const json& r : result.report["roles"]) {
      if (r["role"] == name) return r;
    }
    return missing;
  }

  fake::FakeEndpoint endpoint_;
  std::filesystem::path settings_file_;
};

// A port nothing listens on: bound, then closed.
uint16_t closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

TEST_F(CheckCommand, AWorkingSetupIsReportedOkForBothRoles) {
  Result result = check(fast_env(), "--json");
  ASSERT_FALSE(result.report.is_discarded()) << result.out;
  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_EQ(result.report["ok"], true);
  EXPECT_EQ(result.report["version"], "0.1.0");
  EXPECT_EQ(result.report["settingsSources"], json({"defaults", "environment"}));
  const json& fast = role(result, "fast");
  EXPECT_EQ(fast["ok"], true) << result.out;
  EXPECT_EQ(fast["model"], "fast-model");
  EXPECT_NE(fast["message"].get<std::string>().find("answered in"), std::string::npos);
  EXPECT_EQ(role(result, "agent")["ok"], true) << result.out;
  // The agent's request carries its tools (an endpoint that refuses them fails the check).
  bool tools = false;
  for (const auto& request : endpoint_.requests())
    tools = tools || request.json().contains("tools");
  EXPECT_TRUE(tools);

  Result text = check(fast_env(), "");
  EXPECT_EQ(text.exit_code, 0) << text.out;
  EXPECT_NE(text.out.find("fast model: openai-chat fast-model at " + endpoint_.url("/v1")),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("ok: answered in"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Everything works."), std::string::npos) << text.out;
}

TEST_F(CheckCommand, NoRouteToTheEndpointSaysStartTheServerOrFixTheUrl) {
  std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1";
  Result result = check({"FLINT_BASE_URL=" + url, "FLINT_MODEL=m"}, "--json");
  EXPECT_EQ(result.exit_code, 1) << result.out;
  const json& fast = role(result, "fast");
  EXPECT_EQ(fast["ok"], false);
  EXPECT_NE(fast["message"].get<std::string>().find("cannot connect"), std::string::npos)
      << result.out;
  EXPECT_EQ(fast["fix"], "start the model server, or correct models.fast.baseUrl (" + url + ")");
}

TEST_F(CheckCommand, ARefusedKeyNamesWhereTheKeyIsReadAndNeverShowsIt) {
  endpoint_.set_script({{"default", {{"status", 401}, {"errorMessage", "Incorrect API key"}}}});
  std::vector<std::string> env = fast_env();
  env.push_back(std::string("FLINT_API_KEY=") + kSecret);
  for (const std::string& arguments : {"--json", ""}) {
    Result result = check(env, arguments);
    EXPECT_EQ(result.exit_code, 1) << result.out;
    EXPECT_EQ(result.out.find(kSecret), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("rejected the API key"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("in $FLINT_API_KEY"), std::string::npos) << result.out;
  }
  // The key was sent, though.
  ASSERT_FALSE(endpoint_.requests().empty());
  EXPECT_EQ(endpoint_.requests()[0].header("authorization"), std::string("Bearer ") + kSecret);
}

TEST_F(CheckCommand, AModelTheEndpointDoesNotServeNamesTheModelSetting) {
  endpoint_.set_script({{"rules",
                         {{{"match", "\"no-such-model\""},
                           {"reply", {{"status", 404}, {"errorMessage", "model not found"}}}}}}});
  Result result = check(fast_env("no-such-model"), "--json");
  EXPECT_EQ(result.exit_code, 1) << result.out;
  const json& fast = role(result, "fast");
  EXPECT_NE(fast["message"].get<std::string>().find("HTTP 404: model not found"), std::string::npos)
      << result.out;
  EXPECT_NE(fast["fix"].get<std::string>().find("check models.fast.model ('no-such-model'"),
            std::string::npos)
      << result.out;
}

TEST_F(CheckCommand, AnUntrustedCertificatePointsAtCaBundle) {
  test::UntrustedTlsServer server(2);  // one handshake per role
  ASSERT_TRUE(server.ok()) << "openssl could not start a TLS server: " << server.log();
  Result result = check({"FLINT_BASE_URL=" + server.url(), "FLINT_MODEL=m"}, "--json --timeout 5");
  EXPECT_EQ(result.exit_code, 1) << result.out;
  const json& fast = role(result, "fast");
  EXPECT_EQ(fast["message"].get<std::string>().rfind("TLS with " + server.url(), 0), 0u)
      << result.out;
  EXPECT_NE(fast["fix"].get<std::string>().find("set models.fast.caBundle to that CA's"),
            std::string::npos)
      << result.out;
}

TEST_F(CheckCommand, EditorSettingsOnStdinAndAnAgentModelWithoutTools) {
  // The fast model answers; the agent model refuses requests with tools, as endpoints do for
  // models without tool support.
  endpoint_.set_script(
      {{"rules",
        {{{"match", "\"tools\""},
          {"reply", {{"status", 400}, {"errorMessage", "agent-model does not support tools"}}}}}}});
  json settings{{"models",
                 {{"fast", {{"baseUrl", endpoint_.url("/v1")}, {"model", "fast-model"}}},
                  {"agent", {{"model", "agent-model"}, {"apiKey", kSecret}}}}}};
  Result result = check({}, "--json --settings -", settings.dump());
  EXPECT_EQ(result.exit_code, 1) << result.out;
  EXPECT_EQ(result.out.find(kSecret), std::string::npos) << result.out;
  EXPECT_EQ(result.report["settingsSources"].back(), "editor settings (stdin)");
  EXPECT_EQ(role(result, "fast")["ok"], true) << result.out;
  const json& agent = role(result, "agent");
  EXPECT_EQ(agent["ok"], false);
  EXPECT_EQ(agent["model"], "agent-model");
  EXPECT_NE(agent["message"].get<std::string>().find("does not support tools"), std::string::npos)
      << result.out;
  EXPECT_NE(agent["fix"].get<std::string>().find("supports tool calls"), std::string::npos)
      << result.out;
}

TEST_F(CheckCommand, NothingConfiguredAndInvalidSettingsSayWhatToSet) {
  Result result = check({}, "--json --settings -", R"({"edit": {"maxRegionLines": "many"}})");
  EXPECT_EQ(result.exit_code, 1) << result.out;
  EXPECT_EQ(role(result, "fast")["ok"], false);
  EXPECT_NE(role(result, "fast")["fix"].get<std::string>().find("FLINT_BASE_URL"),
            std::string::npos);
  ASSERT_EQ(result.report["settingsErrors"].size(), 1u) << result.out;
  EXPECT_NE(result.report["settingsErrors"][0].get<std::string>().find("edit.maxRegionLines"),
            std::string::npos)
      << result.out;
  EXPECT_TRUE(endpoint_.requests().empty());
}

TEST_F(CheckCommand, ACommandBackendIsLookedUpOnPath) {
  json settings{{"jobs", {{"backend", "command"}, {"command", {"no-such-agent-xyz", "--run"}}}}};
  Result missing = check(fast_env(), "--json --settings -", settings.dump());
  EXPECT_EQ(missing.exit_code, 1) << missing.out;
  EXPECT_NE(role(missing, "agent")["message"].get<std::string>().find("'no-such-agent-xyz'"),
            std::string::npos)
      << missing.out;
  settings["jobs"]["command"] = {"sh", "-c", "true"};
  Result found = check(fast_env(), "--json --settings -", settings.dump());
  EXPECT_EQ(found.exit_code, 0) << found.out;
  EXPECT_NE(role(found, "agent")["message"].get<std::string>().find("/bin/sh"), std::string::npos)
      << found.out;
}

TEST_F(CheckCommand, UsageErrorsExitWithTwo) {
  EXPECT_EQ(check({}, "--bogus").exit_code, 2);
  EXPECT_EQ(check({}, "--timeout 0").exit_code, 2);
  Result bad_json = check({}, "--settings -", "{not json");
  EXPECT_EQ(bad_json.exit_code, 2);
  EXPECT_NE(bad_json.out.find("not valid JSON"), std::string::npos) << bad_json.out;
}

}  // namespace
}  // namespace flint
