// The loopback endpoint itself: script parsing and rule selection, the control API, pacing,
// keep-alive, TCP_NODELAY, and the flint-fake-endpoint executable.

#include "tests/fake_endpoint/fake_endpoint.h"

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/fake_endpoint/stream_formats.h"

namespace flint::fake {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

struct Response {
  long status = 0;
  std::string body;
  std::string headers;
};

// One blocking request with libcurl's easy interface; `curl` may be reused for keep-alive.
Response http(CURL* curl, const std::string& method, const std::string& url,
              const std::string& body = "", const std::vector<std::string>& headers = {}) {
  Response response;
  curl_easy_reset(curl);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_slist* list = nullptr;
  for (const std::string& header : headers) list = curl_slist_append(list, header.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!body.empty()) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  auto append = +[](char* data, size_t size, size_t count, void* out) {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
  };
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 30000L);
  CURLcode code = curl_easy_perform(curl);
  EXPECT_EQ(code, CURLE_OK) << curl_easy_strerror(code);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_slist_free_all(list);
  return response;
}

class Curl {
 public:
  Curl() : handle_(curl_easy_init()) {}
  ~Curl() { curl_easy_cleanup(handle_); }
  operator CURL*() const { return handle_; }

 private:
  CURL* handle_;
};

TEST(Script, ErrorsNameTheJsonPath) {
  auto message = [](const json& script) {
    try {
      parse_script(script);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_NE(message({{"rules", {{{"reply", {{"txt", "typo"}}}}}}}).find("rules[0].reply"),
            std::string::npos);
  EXPECT_NE(message({{"rules", {{{"reply", {{"txt", "typo"}}}}}}}).find("'txt'"),
            std::string::npos);
  EXPECT_NE(message({{"default", {{"fault", "explode"}}}}).find("unknown fault 'explode'"),
            std::string::npos);
  EXPECT_NE(message({{"rules", {{{"match", "x"}}}}}).find("exactly one of"), std::string::npos);
  EXPECT_NE(message({{"rules", {{{"matchRegex", "("}, {"reply", json::object()}}}}}).find("regex"),
            std::string::npos);
  EXPECT_NE(message({{"default", {{"status", 9000}}}}).find("default.status"), std::string::npos);
  EXPECT_NE(message({{"defaults", {{"chunkSize", 0}}}}).find("defaults.chunkSize"),
            std::string::npos);
  EXPECT_EQ(message({{"default", {{"text", "fine"}}}}), "(accepted)");
}

TEST(Script, ReasoningRefusalAndQuirks) {
  Script script = parse_script({{"default",
                                 {{"reasoning", "think"},
                                  {"refusal", "no"},
                                  {"reasoningField", "reasoning"},
                                  {"quirks", {"emptyChoices", "noDone", "comments"}}}}});
  int rule = 0;
  Reply reply = choose_reply(script, "/v1/chat/completions", "", rule);
  EXPECT_EQ(reply.reasoning, "think");
  EXPECT_EQ(reply.refusal, "no");
  EXPECT_EQ(reply.reasoning_field, "reasoning");
  EXPECT_TRUE(reply.quirks.empty_choices);
  EXPECT_TRUE(reply.quirks.no_done);
  EXPECT_TRUE(reply.quirks.comments);
  EXPECT_FALSE(reply.quirks.usage_only_final);
  EXPECT_FALSE(reply.quirks.null_content);
  auto message = [](const json& script) {
    try {
      parse_script(script);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_NE(message({{"default", {{"quirks", {"noDONE"}}}}}).find("default.quirks[0]"),
            std::string::npos);
  EXPECT_NE(message({{"default", {{"reasoningField", "thinking"}}}}).find("reasoningField"),
            std::string::npos);
}

TEST(Script, RulesTimesRepliesRegexAndPath) {
  Script script = parse_script(
      {{"rules",
        {{{"match", "alpha"}, {"times", 2}, {"reply", {{"text", "A"}}}},
         {{"match", "alpha"}, {"replies", {{{"text", "turn 1"}}, {{"text", "turn 2"}}}}},
         {{"matchRegex", "be+ta"}, {"reply", {{"text", "B"}}}},
         {{"path", "/api/"}, {"reply", {{"text", "ollama"}}}}}},
       {"default", {{"text", "D"}}}});
  int rule = 0;
  auto text = [&](std::string_view path, std::string_view body) {
    return choose_reply(script, path, body, rule).text;
  };
  EXPECT_EQ(text("/v1/chat/completions", "alpha"), "A");
  EXPECT_EQ(text("/v1/chat/completions", "alpha"), "A");
  EXPECT_EQ(text("/v1/chat/completions", "alpha"), "turn 1");
  EXPECT_EQ(rule, 1);
  EXPECT_EQ(text("/v1/chat/completions", "alpha"), "turn 2");
  EXPECT_EQ(text("/v1/chat/completions", "alpha"), "D");
  EXPECT_EQ(rule, -1);
  EXPECT_EQ(text("/v1/chat/completions", "xx beeeta xx"), "B");
  EXPECT_EQ(text("/api/chat", "anything"), "ollama");
  EXPECT_EQ(text("/v1/messages", "anything"), "D");
}

TEST(Script, DefaultsLayer) {
  Defaults base;
  base.tokens_per_second = 100;
  Script script = parse_script({{"defaults", {{"chunkSize", 2}}}}, base);
  EXPECT_EQ(script.defaults.chunk_size, 2);
  EXPECT_EQ(script.defaults.tokens_per_second, 100);
  int rule = 0;
  EXPECT_FALSE(choose_reply(script, "/", "", rule).text.empty()) << "a built-in default reply";
}

TEST(StreamFormats, ApiByPath) {
  EXPECT_EQ(api_for_path("/v1/chat/completions"), Api::kOpenAiChat);
  EXPECT_EQ(api_for_path("/openai/v1/chat/completions?x=1"), Api::kOpenAiChat);
  EXPECT_EQ(api_for_path("/v1/completions"), Api::kOpenAiCompletions);
  EXPECT_EQ(api_for_path("/v1/responses"), Api::kOpenAiResponses);
  EXPECT_EQ(api_for_path("/api/chat"), Api::kOllamaChat);
  EXPECT_EQ(api_for_path("/api/generate"), Api::kOllamaGenerate);
  EXPECT_EQ(api_for_path("/v1/messages"), Api::kAnthropic);
  EXPECT_FALSE(api_for_path("/v1/models").has_value());
}

class EndpointTest : public ::testing::Test {
 protected:
  void SetUp() override { endpoint_.start(); }
  FakeEndpoint endpoint_;
  Curl curl_;
};

TEST_F(EndpointTest, ControlApiReplacesTheScriptAndListsRequestsWithoutSecrets) {
  Response bad = http(curl_, "POST", endpoint_.url("/_flint/script"), R"({"rules": 3})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("rules"), std::string::npos);
  Response ok = http(curl_, "POST", endpoint_.url("/_flint/script"),
                     R"({"default": {"text": "from the control API"}})");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(http(curl_, "GET", endpoint_.url("/_flint/script")).body,
            R"({"default":{"text":"from the control API"}})");

  Response stream =
      http(curl_, "POST", endpoint_.url("/v1/chat/completions"), R"({"model":"m","stream":true})",
           {"Authorization: Bearer sk-secret-value-123", "Content-Type: application/json"});
  EXPECT_EQ(stream.status, 200);
  EXPECT_NE(stream.headers.find("text/event-stream"), std::string::npos);
  EXPECT_NE(stream.body.find("\"content\":\"from\""), std::string::npos);
  EXPECT_NE(stream.body.find("data: [DONE]"), std::string::npos);

  json listed = json::parse(http(curl_, "GET", endpoint_.url("/_flint/requests")).body);
  ASSERT_EQ(listed.size(), 1u) << "control requests are not recorded";
  EXPECT_EQ(listed[0]["path"], "/v1/chat/completions");
  EXPECT_EQ(listed[0]["api"], "openai-chat");
  EXPECT_EQ(listed[0]["headers"]["authorization"], "<redacted>");
  EXPECT_EQ(listed[0]["json"]["model"], "m");
  EXPECT_EQ(listed[0]["completed"], true);
  // In-process, the value is there for assertions.
  EXPECT_EQ(endpoint_.requests().at(0).header("Authorization"), "Bearer sk-secret-value-123");

  json stats = json::parse(http(curl_, "GET", endpoint_.url("/_flint/stats")).body);
  EXPECT_EQ(stats["requests"], 1);
  http(curl_, "DELETE", endpoint_.url("/_flint/requests"));
  EXPECT_TRUE(endpoint_.requests().empty());
  EXPECT_EQ(http(curl_, "GET", endpoint_.url("/_flint/nope")).status, 404);
}

TEST_F(EndpointTest, KeepAliveServesManyRequestsOnOneConnection) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(http(curl_, "POST", endpoint_.url("/api/chat"), R"({"model":"m"})").status, 200);
  }
  EXPECT_EQ(http(curl_, "HEAD", endpoint_.url("/v1/chat/completions")).status, 200);
  EXPECT_EQ(endpoint_.connections_accepted(), 1u);
  auto requests = endpoint_.requests();
  ASSERT_EQ(requests.size(), 6u);
  for (const auto& request : requests) EXPECT_EQ(request.connection, requests[0].connection);
}

// TCP_NODELAY on the endpoint's end of each connection it accepted (in this process): 1 or 0.
std::vector<int> nodelay_of_accepted(uint16_t port) {
  std::vector<int> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    int fd = std::stoi(entry.path().filename().string());
    sockaddr_in local{};
    sockaddr_in peer{};
    socklen_t length = sizeof local;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0 ||
        local.sin_family != AF_INET || ntohs(local.sin_port) != port) {
      continue;
    }
    length = sizeof peer;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0) continue;  // listening
    int value = -1;
    length = sizeof value;
    getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &length);
    found.push_back(value);
  }
  return found;
}

TEST_F(EndpointTest, NagleIsOffUnlessAskedFor) {
  EXPECT_EQ(http(curl_, "POST", endpoint_.url("/v1/chat/completions"), "{}").status, 200);
  EXPECT_EQ(nodelay_of_accepted(endpoint_.port()), std::vector<int>{1});
  // As cpp-httplib (llama.cpp's server): connections accepted from now on keep Nagle's
  // algorithm on; the open one is left as it is.
  endpoint_.set_tcp_nodelay(false);
  Curl other;
  EXPECT_EQ(http(other, "POST", endpoint_.url("/v1/chat/completions"), "{}").status, 200);
  std::vector<int> nodelay = nodelay_of_accepted(endpoint_.port());
  std::sort(nodelay.begin(), nodelay.end());
  EXPECT_EQ(nodelay, (std::vector<int>{0, 1}));
}

TEST_F(EndpointTest, ErrorStatusesUseTheProviderErrorShape) {
  endpoint_.set_script({{"default", {{"status", 429}, {"retryAfter", 7}}}});
  Response openai = http(curl_, "POST", endpoint_.url("/v1/chat/completions"), "{}");
  EXPECT_EQ(openai.status, 429);
  EXPECT_NE(openai.headers.find("Retry-After: 7"), std::string::npos);
  EXPECT_EQ(json::parse(openai.body)["error"]["code"], "rate_limit_exceeded");
  Response anthropic = http(curl_, "POST", endpoint_.url("/v1/messages"), "{}");
  EXPECT_EQ(json::parse(anthropic.body)["error"]["type"], "rate_limit_error");
  Response ollama = http(curl_, "POST", endpoint_.url("/api/chat"), "{}");
  EXPECT_TRUE(json::parse(ollama.body)["error"].is_string());
  EXPECT_EQ(http(curl_, "POST", endpoint_.url("/v1/unknown"), "{}").status, 404);
  EXPECT_EQ(http(curl_, "GET", endpoint_.url("/v1/chat/completions")).status, 405);
}

TEST_F(EndpointTest, PacingAndFirstTokenDelayAreLowerBounds) {
  endpoint_.set_script(
      {{"default",
        {{"text", std::string(40, 'x')}, {"tokensPerSecond", 50}, {"firstTokenMs", 200}}}});
  auto started = std::chrono::steady_clock::now();
  Response response = http(curl_, "POST", endpoint_.url("/v1/chat/completions"), "{}");
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(response.status, 200);
  // 10 events at 50/s after 200 ms: the last one is due at 200 + 9 * 20 = 380 ms.
  EXPECT_GE(elapsed, 370ms);
  EXPECT_EQ(endpoint_.requests().at(0).events_written, 10);
}

TEST_F(EndpointTest, UnpacedStreamsOfManyEventsArriveWhole) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "w" + std::to_string(i % 10) + "  ";
  endpoint_.set_script({{"default", {{"text", text}}}});
  Response response = http(curl_, "POST", endpoint_.url("/api/generate"), "{}");
  EXPECT_EQ(endpoint_.requests().at(0).events_written, 20000);
  size_t lines = std::count(response.body.begin(), response.body.end(), '\n');
  EXPECT_EQ(lines, 20001u);
}

TEST_F(EndpointTest, StampedEventsCarryTheWriteTime) {
  endpoint_.set_script({{"default", {{"text", "abcdefgh"}, {"stampTimes", true}}}});
  auto before = std::chrono::steady_clock::now().time_since_epoch().count();
  Response response = http(curl_, "POST", endpoint_.url("/api/generate"), "{}");
  auto after = std::chrono::steady_clock::now().time_since_epoch().count();
  size_t at = response.body.find("\"response\":\"");
  ASSERT_NE(at, std::string::npos);
  long long stamp = std::stoll(response.body.substr(at + 12));
  EXPECT_GE(stamp, before);
  EXPECT_LE(stamp, after);
}

TEST(FakeEndpointExecutable, ListensWritesThePortFileAndStopsOnSigterm) {
  std::string binary = std::string(FLINT_BINARY_DIR) + "/bin/flint-fake-endpoint";
  ASSERT_TRUE(std::filesystem::exists(binary)) << binary;
  auto dir = std::filesystem::temp_directory_path() / ("flint-fake-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string port_file = (dir / "port").string();
  std::string script_file = (dir / "script.json").string();
  std::string log_file = (dir / "log.txt").string();
  std::ofstream(script_file) << R"({"default": {"text": "from a file"}})";

  std::vector<std::string> args = {
      binary,      "--port", "0",      "--port-file",         port_file, "--script",
      script_file, "--log",  log_file, "--tokens-per-second", "1000",    "--no-tcp-nodelay"};
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, binary.c_str(), nullptr, nullptr, argv.data(), environ), 0);

  std::string port;
  for (int i = 0; i < 1000 && port.empty(); ++i) {
    std::ifstream in(port_file);
    std::getline(in, port);
    if (port.empty()) std::this_thread::sleep_for(10ms);
  }
  ASSERT_FALSE(port.empty()) << "no port file";
  Curl curl;
  Response response = http(curl, "POST", "http://127.0.0.1:" + port + "/api/chat", "{}");
  EXPECT_NE(response.body.find("from"), std::string::npos);
  json listed =
      json::parse(http(curl, "GET", "http://127.0.0.1:" + port + "/_flint/requests").body);
  EXPECT_EQ(listed.size(), 1u);

  kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::ifstream log(log_file);
  std::string first_line;
  std::getline(log, first_line);
  EXPECT_NE(first_line.find("POST /api/chat"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace flint::fake
