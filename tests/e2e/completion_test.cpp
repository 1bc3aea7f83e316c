// End-to-end inline completion (textDocument/inlineCompletion): real flint-lsp over pipes, a
// scripted editor, and the loopback endpoint as a FIM provider (openai-completions) or a
// chat-only one (openai-chat).
#include <gtest/gtest.h>

#include <thread>

#include "tests/e2e/fixtures.h"
#include "tests/e2e/harness.h"

namespace flint {
namespace {

using nlohmann::json;
using test::EditorClient;
using test::EditorOptions;
using test::kShapesUri;
using test::kUnknownUri;
using namespace std::chrono_literals;

// Line 4 ends with the cursor's place: "    return math.pi * " (21 characters).
const std::string kPython =
    "import math\n"
    "\n"
    "\n"
    "def area(r):\n"
    "    return math.pi * \n"
    "\n"
    "\n"
    "print(area(2))\n";
constexpr int kLine = 4;
constexpr int kColumn = 21;

json reply(const std::string& text, double tps = 0, int chunk = 0) {
  json r{{"text", text}};
  if (tps > 0) r["tokensPerSecond"] = tps;
  if (chunk > 0) r["chunkSize"] = chunk;
  return r;
}

struct Harness : e2e::ModelHarness {
  explicit Harness(json script, std::string provider = "openai-completions",
                   EditorOptions options = {})
      : ModelHarness(std::move(script),
                     {.provider = std::move(provider),
                      .model = "fake-coder",
                      .api_key = "sk-test-completion-secret"},
                     std::move(options)) {
    editor->open(kShapesUri, "python", kPython);
  }

  static json params(int line, int character, int trigger = 2) {
    return json{{"textDocument", {{"uri", kShapesUri}}},
                {"position", {{"line", line}, {"character", character}}},
                {"context", {{"triggerKind", trigger}}}};
  }
  json complete(int line = kLine, int character = kColumn, int trigger = 2) {
    return editor->request("textDocument/inlineCompletion", params(line, character, trigger));
  }
  int64_t complete_async(int line = kLine, int character = kColumn) {
    return editor->send_request("textDocument/inlineCompletion", params(line, character));
  }
  // Waits until the endpoint has written `events` content events of request `index`.
  bool wait_events(size_t index, int64_t events, std::chrono::milliseconds timeout = 20s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto requests = endpoint.requests();
      if (requests.size() > index && requests[index].events_written >= events) return true;
      editor->serve_for(20ms);
    }
    return false;
  }
  bool wait_disconnected(size_t index, std::chrono::milliseconds timeout = 20s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto requests = endpoint.requests();
      if (requests.size() > index && requests[index].client_disconnected) return true;
      editor->serve_for(20ms);
    }
    return false;
  }
};

std::string insert_text(const json& response) {
  const json& items = response.at("result").at("items");
  if (items.empty()) return "";
  return items.at(0).at("insertText").get<std::string>();
}

TEST(InlineCompletion, IsAdvertised) {
  Harness h(json::object());
  EXPECT_TRUE(h.editor->initialize_result()["capabilities"].contains("inlineCompletionProvider"));
}

TEST(InlineCompletion, AFimProviderCompletesTheLine) {
  Harness h(json{{"rules", json::array({{{"match", "return math.pi"},
                                         {"reply", reply("r * r\n\n\ndef perimeter(r):\n")}}})}});
  json response = h.complete();
  ASSERT_TRUE(response.contains("result")) << response.dump() << h.editor->server_stderr();
  EXPECT_EQ(insert_text(response), "r * r");
  json item = response["result"]["items"][0];
  EXPECT_EQ(item["range"]["start"], (json{{"line", kLine}, {"character", kColumn}}));
  EXPECT_EQ(item["range"]["end"], item["range"]["start"]);

  auto requests = h.endpoint.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].path.ends_with("/v1/completions")) << requests[0].path;
  json body = requests[0].json();
  EXPECT_TRUE(body["prompt"].get<std::string>().ends_with("def area(r):\n    return math.pi * "))
      << body.dump();
  EXPECT_TRUE(body["prompt"].get<std::string>().starts_with("# Path: shapes.py\n")) << body.dump();
  EXPECT_TRUE(body["suffix"].get<std::string>().starts_with("\n\n\nprint(area(2))")) << body.dump();
  EXPECT_EQ(body["max_tokens"], 128);
  EXPECT_EQ(requests[0].body.find("sk-test-completion-secret"), std::string::npos);
}

TEST(InlineCompletion, AChatOnlyProviderIsAskedToFillTheHole) {
  Harness h(
      json{{"rules",
            json::array({{{"match", "<CURSOR>"}, {"reply", reply("```python\nr * r\n```\n")}}})}},
      "openai-chat");
  json response = h.complete();
  EXPECT_EQ(insert_text(response), "r * r") << response.dump();
  auto requests = h.endpoint.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].path.ends_with("/chat/completions"));
  EXPECT_NE(requests[0].body.find("return math.pi * <CURSOR>"), std::string::npos);
  EXPECT_EQ(requests[0].body.find("\"suffix\""), std::string::npos);
}

TEST(InlineCompletion, CancelRequestStopsTheHttpStream) {
  Harness h(json{{"default", reply(std::string(2000, 'r'), 20)}});
  int64_t id = h.complete_async();
  ASSERT_TRUE(h.endpoint.wait_for_requests(1, 20s));
  ASSERT_TRUE(h.wait_events(0, 2));
  h.editor->notify("$/cancelRequest", json{{"id", id}});
  auto response = h.editor->wait_response(id);
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)["error"]["code"], -32800) << response->dump();
  // The 100-second stream is abandoned: flint closes the connection.
  EXPECT_TRUE(h.wait_disconnected(0));
  EXPECT_FALSE(h.endpoint.requests()[0].completed);
}

TEST(InlineCompletion, ClosingTheDocumentAnswersEmptyAndStopsTheStream) {
  Harness h(json{{"default", reply(std::string(2000, 'r'), 20)}});
  int64_t id = h.complete_async();
  ASSERT_TRUE(h.endpoint.wait_for_requests(1, 20s));
  ASSERT_TRUE(h.wait_events(0, 2));
  h.editor->notify("textDocument/didClose", json{{"textDocument", {{"uri", kShapesUri}}}});
  auto response = h.editor->wait_response(id, 5s);
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)["result"]["items"], json::array()) << response->dump();
  EXPECT_TRUE(h.wait_disconnected(0));
  EXPECT_FALSE(h.endpoint.requests()[0].completed);
}

TEST(InlineCompletion, ANewerRequestForTheDocumentSupersedesTheOlder) {
  Harness h(json{{"rules", json::array({{{"match", "math.pi * b"}, {"reply", reply("ase\n")}}})},
                 {"default", reply(std::string(2000, 'r'), 20)}});
  int64_t first = h.complete_async();
  ASSERT_TRUE(h.wait_events(0, 2));
  h.editor->type(kShapesUri, kLine, kColumn, kLine, kColumn, "b");
  json second = h.complete(kLine, kColumn + 1);
  EXPECT_EQ(insert_text(second), "ase") << second.dump();
  auto older = h.editor->wait_response(first);
  ASSERT_TRUE(older);
  // Answered, with nothing to show: the client has moved on.
  ASSERT_TRUE(older->contains("result")) << older->dump();
  EXPECT_TRUE((*older)["result"]["items"].empty());
  EXPECT_EQ(h.endpoint.requests().size(), 2u);
  EXPECT_TRUE(h.wait_disconnected(0));
}

TEST(InlineCompletion, TheSameRequestAgainComesFromTheCache) {
  Harness h(json{{"default", reply("r * r\n")}});
  EXPECT_EQ(insert_text(h.complete()), "r * r");
  EXPECT_EQ(insert_text(h.complete()), "r * r");
  EXPECT_EQ(h.endpoint.requests().size(), 1u);
  // Typing what was offered is answered with the rest, still without the model.
  h.editor->type(kShapesUri, kLine, kColumn, kLine, kColumn, "r ");
  EXPECT_EQ(insert_text(h.complete(kLine, kColumn + 2)), "* r");
  EXPECT_EQ(h.endpoint.requests().size(), 1u);
}

TEST(InlineCompletion, TypingTheStreamedCharactersKeepsTheStream) {
  // No line break: the stream runs to its end rather than being cut where the line ends.
  const std::string completion = "r * r + radius_of_the_circle_times_itself_once_more";
  Harness h(json{{"default", reply(completion, 25, 1)}});
  int64_t first = h.complete_async();
  ASSERT_TRUE(h.wait_events(0, 12));
  h.editor->serve_for(500ms);  // flint has received the first characters the endpoint wrote
  ASSERT_FALSE(h.endpoint.requests()[0].completed) << "the stream should still be running";
  h.editor->type(kShapesUri, kLine, kColumn, kLine, kColumn, "r *");
  json second = h.complete(kLine, kColumn + 3);
  EXPECT_EQ(insert_text(second), completion.substr(3)) << second.dump();
  auto older = h.editor->wait_response(first);
  ASSERT_TRUE(older);
  EXPECT_TRUE((*older)["result"]["items"].empty());
  auto requests = h.endpoint.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_FALSE(requests[0].client_disconnected);
}

TEST(InlineCompletion, DisabledMeansNoModelCalls) {
  EditorOptions options;
  options.initialization_options = json{{"completion", {{"enabled", false}}}};
  Harness h(json{{"default", reply("r * r\n")}}, "openai-completions", options);
  json response = h.complete();
  ASSERT_TRUE(response.contains("result")) << response.dump();
  EXPECT_TRUE(response["result"]["items"].empty());
  h.editor->serve_for(200ms);
  EXPECT_TRUE(h.endpoint.requests().empty());
}

TEST(InlineCompletion, DebounceLetsANewerRequestReplaceTheWaitingOne) {
  EditorOptions options;
  options.initialization_options = json{{"completion", {{"debounceMs", 1500}}}};
  Harness h(json{{"rules", json::array({{{"match", "math.pi * x"}, {"reply", reply("_scale\n")}}})},
                 {"default", reply("wrong\n")}},
            "openai-completions", options);
  int64_t first = h.complete_async();
  h.editor->type(kShapesUri, kLine, kColumn, kLine, kColumn, "x");
  auto sent = std::chrono::steady_clock::now();
  json second = h.complete(kLine, kColumn + 1);
  auto waited = std::chrono::steady_clock::now() - sent;
  EXPECT_EQ(insert_text(second), "_scale") << second.dump();
  EXPECT_GE(waited, 1400ms);  // a lower bound only: it waited for the debounce
  auto older = h.editor->wait_response(first);
  ASSERT_TRUE(older);
  EXPECT_TRUE((*older)["result"]["items"].empty());
  EXPECT_EQ(h.endpoint.requests().size(), 1u);
}

TEST(InlineCompletion, AnInvokedRequestSkipsTheDebounce) {
  EditorOptions options;
  options.initialization_options = json{{"completion", {{"debounceMs", 10000}}}};
  Harness h(json{{"default", reply("r * r\n")}}, "openai-completions", options);
  json response = h.editor->request("textDocument/inlineCompletion",
                                    Harness::params(kLine, kColumn, /*invoked*/ 1), 8s);
  EXPECT_EQ(insert_text(response), "r * r") << response.dump();
}

TEST(InlineCompletion, ADeadEndpointIsReportedOnceAndAnswersEmpty) {
  EditorOptions options;
  options.env = {"FLINT_BASE_URL=http://127.0.0.1:9/v1", "FLINT_MODEL=m",
                 "FLINT_PROVIDER=openai-completions"};
  EditorClient editor(options);
  editor.open(kShapesUri, "python", kPython);
  for (int column : {kColumn, kColumn - 1}) {
    json response = editor.request("textDocument/inlineCompletion", Harness::params(kLine, column));
    ASSERT_TRUE(response.contains("result")) << response.dump();
    EXPECT_TRUE(response["result"]["items"].empty());
  }
  editor.serve_for(200ms);
  int shown = 0;
  for (const auto& n : editor.notifications()) {
    if (n["method"] == "window/showMessage") ++shown;
  }
  EXPECT_EQ(shown, 1);
}

TEST(InlineCompletion, BadRequests) {
  Harness h(json{{"default", reply("x\n")}});
  json unknown = h.editor->request("textDocument/inlineCompletion",
                                   json{{"textDocument", {{"uri", kUnknownUri}}},
                                        {"position", {{"line", 0}, {"character", 0}}}});
  ASSERT_TRUE(unknown.contains("result")) << unknown.dump();
  EXPECT_TRUE(unknown["result"]["items"].empty());
  json outside = h.complete(400, 0);
  EXPECT_EQ(outside["error"]["code"], -32602) << outside.dump();
  json missing = h.editor->request("textDocument/inlineCompletion",
                                   json{{"textDocument", {{"uri", kShapesUri}}}});
  EXPECT_EQ(missing["error"]["code"], -32602);
  EXPECT_NE(missing["error"]["message"].get<std::string>().find("position"), std::string::npos);
  json null_uri = h.editor->request(
      "textDocument/inlineCompletion",
      json{{"textDocument", {{"uri", nullptr}}}, {"position", {{"line", 0}, {"character", 0}}}});
  EXPECT_EQ(null_uri["error"]["code"], -32602);
  EXPECT_TRUE(h.endpoint.requests().empty());
}

// The editor's own settings get no ghost text, and cost no model request.
TEST(InlineCompletion, NoneInTheEditorsSettingsFiles) {
  Harness h(json{{"default", reply("true,")}});
  for (const std::string uri :
       {"file:///work/.vscode/settings.json",
        "vscode-userdata:/home/u/.config/Code/User/settings.json",
        "file:///home/u/.config/Code/User/keybindings.json", "file:///work/app.code-workspace"}) {
    h.editor->open(uri, "jsonc", "{\n  \"editor.tabSize\": \n}\n");
    json r = h.editor->request("textDocument/inlineCompletion",
                               json{{"textDocument", {{"uri", uri}}},
                                    {"position", {{"line", 1}, {"character", 20}}},
                                    {"context", {{"triggerKind", 1}}}});
    ASSERT_TRUE(r.contains("result")) << r.dump();
    EXPECT_TRUE(r["result"]["items"].empty()) << uri << " " << r.dump();
  }
  EXPECT_TRUE(h.endpoint.requests().empty());
  // An ordinary JSON file still gets it.
  h.editor->open("file:///work/data.json", "json", "{\n  \"size\": \n}\n");
  json r = h.editor->request("textDocument/inlineCompletion",
                             json{{"textDocument", {{"uri", "file:///work/data.json"}}},
                                  {"position", {{"line", 1}, {"character", 10}}},
                                  {"context", {{"triggerKind", 1}}}});
  ASSERT_TRUE(r.contains("result")) << r.dump();
  EXPECT_EQ(h.endpoint.requests().size(), 1u);
}

}  // namespace
}  // namespace flint
