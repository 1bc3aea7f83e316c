// End-to-end inline edits: real flint-lsp over pipes, a scripted editor (EditorClient), and the
// loopback model endpoint (FakeEndpoint) streaming OpenAI-style Server-Sent Events.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "tests/e2e/fixtures.h"
#include "tests/e2e/harness.h"

namespace flint {
namespace {

using nlohmann::json;
using test::EditorClient;
using test::EditorOptions;
using test::kShapesUri;
using test::lsp_range;

const std::string kPython =
    "import math\n"
    "\n"
    "\n"
    "def area(r):\n"
    "    return math.pi * r * r\n"
    "\n"
    "\n"
    "def perimeter(r):\n"
    "    # the distance around\n"
    "    return 2 * math.pi * r\n"
    "\n"
    "\n"
    "print(area(2))\n";

using e2e::edit_args;
using e2e::reply_text;

struct Harness : e2e::ModelHarness {
  explicit Harness(json script, EditorOptions options = {})
      : ModelHarness(std::move(script), {}, std::move(options)) {}
};

TEST(InlineEdit, RewritesTheFunctionAtTheCursor) {
  const std::string new_perimeter =
      "def perimeter(r):\n"
      "    # the distance around a circle\n"
      "    return math.tau * r\n";
  Harness h(json{{"rules", json::array({reply_text(
                               "use tau", "```python\n" + new_perimeter + "```\n", 2000)})}});
  h.editor->open(kShapesUri, "python", kPython);
  json result = h.editor->execute("flint.inlineEdit",
                                  edit_args(kShapesUri, lsp_range(9, 8, 9, 8), "use tau"));
  ASSERT_TRUE(result.contains("result")) << result.dump() << h.editor->server_stderr();
  const json& r = result["result"];
  EXPECT_EQ(r["state"], "done") << r.dump();
  EXPECT_EQ(r["region"]["start"]["line"], 7);
  EXPECT_GE(r["stats"]["tokens"].get<int>(), 1);
  EXPECT_GE(r["stats"]["edits"].get<int>(), 1);
  std::string expected = kPython;
  size_t at = expected.find("def perimeter");
  size_t end = expected.find("\n\n\nprint");
  expected.replace(at, end + 1 - at, new_perimeter);
  EXPECT_EQ(h.editor->text(kShapesUri), expected);
  // The prompt carried the region and the instruction, after the stable context.
  auto requests = h.endpoint.requests();
  ASSERT_EQ(requests.size(), 1u);
  std::string body = requests[0].body;
  EXPECT_NE(body.find("use tau"), std::string::npos);
  EXPECT_NE(body.find("def perimeter(r)"), std::string::npos);
  EXPECT_EQ(body.find("sk-test-e2e-secret"), std::string::npos);
  EXPECT_LT(body.find("import math"), body.find("use tau"));
  // flint/editSession reported streaming then done.
  std::vector<std::string> states;
  for (const auto& n : h.editor->notifications()) {
    if (n["method"] == "flint/editSession") states.push_back(n["params"]["state"]);
  }
  ASSERT_GE(states.size(), 2u);
  EXPECT_EQ(states.front(), "streaming");
  EXPECT_EQ(states.back(), "done");
  EXPECT_EQ(h.editor->server_stderr().find("sk-test-e2e-secret"), std::string::npos);
}

TEST(InlineEdit, ChangingOneLineOfFortyTouchesOneLine) {
  std::string body;
  for (int i = 0; i < 38; ++i)
    body += "    x" + std::to_string(i) + " = " + std::to_string(i) + "\n";
  std::string original = "def big():\n" + body + "    return x0\n";
  std::string changed = original;
  size_t at = changed.find("    x17 = 17\n");
  changed.replace(at, 13, "    x17 = 1700\n");
  Harness h(json{{"rules", json::array({reply_text("x17", changed, 3000)})}});
  h.editor->open(kShapesUri, "python", original);
  json result = h.editor->execute("flint.inlineEdit",
                                  edit_args(kShapesUri, lsp_range(5, 4, 5, 4), "set x17 to 1700"));
  ASSERT_EQ(result["result"]["state"], "done") << result.dump();
  EXPECT_EQ(h.editor->text(kShapesUri), changed);
  ASSERT_FALSE(h.editor->applied_edits().empty());
  for (const auto& params : h.editor->applied_edits()) {
    for (const auto& change : params["edit"]["documentChanges"]) {
      for (const auto& e : change["edits"]) {
        EXPECT_EQ(e["range"]["start"]["line"], 18) << e.dump();
        EXPECT_LE(e["range"]["end"]["line"].get<int>(), 18) << e.dump();
      }
    }
  }
}

TEST(InlineEdit, RejectRestoresTheOriginalExactly) {
  Harness h(json{
      {"rules", json::array({reply_text("shout", "def area(r):\n    return 'AREA!'\n", 3000)})}});
  h.editor->open(kShapesUri, "python", kPython);
  json result =
      h.editor->execute("flint.inlineEdit", edit_args(kShapesUri, lsp_range(4, 0, 4, 0), "shout"));
  ASSERT_EQ(result["result"]["state"], "done") << result.dump();
  EXPECT_NE(h.editor->text(kShapesUri), kPython);
  json rejected = h.editor->execute("flint.reject", json::object());
  ASSERT_TRUE(rejected.contains("result")) << rejected.dump();
  EXPECT_EQ(rejected["result"]["state"], "rejected");
  EXPECT_EQ(h.editor->text(kShapesUri), kPython);
}

TEST(InlineEdit, CancelStopsTheHttpStream) {
  std::string slow(4000, 'x');
  Harness h(json{
      {"rules", json::array({reply_text("slow", "def area(r):\n    return " + slow + "\n", 40)})}});
  h.editor->open(kShapesUri, "python", kPython);
  int64_t id = h.editor->execute_async("flint.inlineEdit",
                                       edit_args(kShapesUri, lsp_range(4, 0, 4, 0), "slow"));
  ASSERT_TRUE(h.endpoint.wait_for_requests(1, std::chrono::seconds(20)));
  h.editor->serve_for(std::chrono::milliseconds(300));
  json cancel = h.editor->execute("flint.cancel", json::object());
  ASSERT_TRUE(cancel.contains("result")) << cancel.dump();
  auto response = h.editor->wait_response(id);
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)["result"]["state"], "cancelled");
  // The endpoint saw the client go away long before the 100-second stream could finish.
  bool disconnected = false;
  for (int i = 0; i < 100 && !disconnected; ++i) {
    auto requests = h.endpoint.requests();
    disconnected = requests[0].client_disconnected || requests[0].completed == false
                       ? h.endpoint.connections_open() == 0
                       : false;
    if (!disconnected) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(disconnected);
  EXPECT_FALSE(h.endpoint.requests()[0].completed);
}

// Starts an edit of area() whose stream takes seconds, waits for its first streamed edit and
// types "KEEP" inside the region (on "def area"); returns the edit's response.
std::optional<json> edit_and_type_inside(Harness& h) {
  std::string slow;
  for (int i = 0; i < 200; ++i)
    slow += "    y" + std::to_string(i) + " = " + std::to_string(i) + "\n";
  h.endpoint.set_script(
      json{{"rules", json::array({reply_text("grow", "def area(r):\n" + slow, 200)})}});
  h.editor->open(kShapesUri, "python", kPython);
  int64_t id = h.editor->execute_async("flint.inlineEdit",
                                       edit_args(kShapesUri, lsp_range(3, 0, 3, 0), "grow"));
  if (!h.editor->serve_until([&] { return !h.editor->applied_edits().empty(); },
                             std::chrono::seconds(30))) {
    return std::nullopt;
  }
  h.editor->type(kShapesUri, 3, 4, 3, 4, "KEEP");
  return h.editor->wait_response(id);
}

TEST(InlineEdit, TypingInsideTheRegionCancelsAndKeepsTheKeystroke) {
  Harness h(json{{"rules", json::array()}});
  auto response = edit_and_type_inside(h);
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)["result"]["state"], "cancelled")
      << response->dump() << h.editor->text(kShapesUri);
  h.editor->serve_for(std::chrono::milliseconds(300));
  EXPECT_NE(h.editor->text(kShapesUri).find("KEEP"), std::string::npos)
      << h.editor->text(kShapesUri);
  // It stopped where it was: the rest of the stream never reached the buffer.
  EXPECT_EQ(h.editor->text(kShapesUri).find("y199 = 199"), std::string::npos);
}

// The session stopped by a keystroke inside can still be rejected: the original comes back
// with the keystroke where it was typed (a line flint had only reproduced).
TEST(InlineEdit, RejectAfterTypingInsideRestoresAroundTheKeystroke) {
  Harness h(json{{"rules", json::array()}});
  auto response = edit_and_type_inside(h);
  ASSERT_TRUE(response);
  ASSERT_EQ((*response)["result"]["state"], "cancelled") << response->dump();
  std::string expected = kPython;
  expected.replace(expected.find("def area"), 8, "def KEEParea");
  ASSERT_NE(h.editor->text(kShapesUri), expected);  // flint's partial text is in the buffer
  json rejected = h.editor->execute("flint.reject", json::object());
  ASSERT_TRUE(rejected.contains("result")) << rejected.dump();
  EXPECT_EQ(rejected["result"]["state"], "rejected");
  EXPECT_EQ(h.editor->text(kShapesUri), expected);
}

// Neovim 0.7 sends a line-wise selection with the end past the end of its line: the
// specification says such a character means the line's end.
// The last flint/editSession of a session: {state, reason}.
std::optional<json> last_session_state(const EditorClient& editor, const std::string& id) {
  std::optional<json> last;
  for (const auto& n : editor.notifications()) {
    if (n["method"] == "flint/editSession" && n["params"]["sessionId"] == id) last = n["params"];
  }
  return last;
}

TEST(InlineEdit, EditsInTwoRegionsOfOneFileStreamSideBySide) {
  const std::string new_area = "def area(r):\n    return math.pi * r ** 2\n";
  const std::string new_perimeter = "def perimeter(r):\n    return math.tau * r\n";
  Harness h(json{{"rules", json::array({reply_text("square it", new_area, 40, 100),
                                        reply_text("use tau", new_perimeter, 40, 100)})}});
  h.editor->open(kShapesUri, "python", kPython);
  int64_t first = h.editor->execute_async(
      "flint.inlineEdit", edit_args(kShapesUri, lsp_range(4, 4, 4, 4), "square it"));
  int64_t second = h.editor->execute_async("flint.inlineEdit",
                                           edit_args(kShapesUri, lsp_range(9, 4, 9, 4), "use tau"));
  auto a = h.editor->wait_response(first);
  auto b = h.editor->wait_response(second);
  ASSERT_TRUE(a && b) << h.editor->server_stderr();
  EXPECT_EQ((*a)["result"]["state"], "done") << a->dump();
  EXPECT_EQ((*b)["result"]["state"], "done") << b->dump();
  std::string expected = kPython;
  expected.replace(expected.find("def area"), 40, new_area);
  size_t at = expected.find("def perimeter");
  expected.replace(at, expected.find("\n\n\nprint") + 1 - at, new_perimeter);
  EXPECT_EQ(h.editor->text(kShapesUri), expected);
  EXPECT_EQ(h.endpoint.requests().size(), 2u);
}

TEST(InlineEdit, ANewerEditOverAStreamingOneRollsItBackThenStarts) {
  const std::string slow_area =
      "def area(r):\n    \"\"\"The area of a circle of radius r, computed slowly.\"\"\"\n"
      "    return math.pi * r * r\n";
  const std::string new_area = "def area(r):\n    return math.pi * r ** 2\n";
  Harness h(json{{"rules", json::array({reply_text("document it", slow_area, 15, 50),
                                        reply_text("square it", new_area, 2000)})}});
  h.editor->open(kShapesUri, "python", kPython);
  int64_t first = h.editor->execute_async(
      "flint.inlineEdit", edit_args(kShapesUri, lsp_range(4, 4, 4, 4), "document it"));
  // Half of the docstring is in the buffer: an unterminated string.
  ASSERT_TRUE(h.editor->serve_until(
      [&] { return h.editor->text(kShapesUri).find("\"\"\"The area") != std::string::npos; }));
  std::string half = h.editor->text(kShapesUri);
  ASSERT_NE(half, kPython);
  json second = h.editor->execute("flint.inlineEdit",
                                  edit_args(kShapesUri, lsp_range(5, 4, 5, 4), "square it"));
  auto older = h.editor->wait_response(first);
  ASSERT_TRUE(older) << h.editor->server_stderr();
  EXPECT_EQ((*older)["result"]["state"], "cancelled") << older->dump();
  EXPECT_NE((*older)["result"].value("reason", "").find("replaced by a newer edit"),
            std::string::npos)
      << older->dump();
  EXPECT_EQ((*last_session_state(*h.editor, (*older)["result"]["sessionId"]))["state"], "rejected");
  ASSERT_TRUE(second.contains("result")) << second.dump();
  EXPECT_EQ(second["result"]["state"], "done") << second.dump();
  std::string expected = kPython;
  expected.replace(expected.find("def area"), 40, new_area);
  EXPECT_EQ(h.editor->text(kShapesUri), expected);
  // The newer edit's model read the original function, never the half-written one.
  auto requests = h.endpoint.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[1].body.find("return math.pi * r * r"), std::string::npos);
  EXPECT_EQ(requests[1].body.find("The area of a circle"), std::string::npos);
}

TEST(InlineEdit, ANewerEditBeforeTheOlderWroteAnythingStartsAtOnce) {
  const std::string new_area = "def area(r):\n    return math.pi * r ** 2\n";
  Harness h(json{{"rules", json::array({reply_text("document it", "never used\n", 50, 2000),
                                        reply_text("square it", new_area, 2000)})}});
  h.editor->open(kShapesUri, "python", kPython);
  int64_t first = h.editor->execute_async(
      "flint.inlineEdit", edit_args(kShapesUri, lsp_range(4, 4, 4, 4), "document it"));
  h.editor->serve_for(std::chrono::milliseconds(100));  // the older one awaits its first token
  ASSERT_EQ(h.editor->text(kShapesUri), kPython);
  json second = h.editor->execute("flint.inlineEdit",
                                  edit_args(kShapesUri, lsp_range(4, 4, 4, 4), "square it"));
  ASSERT_TRUE(second.contains("result")) << second.dump() << h.editor->server_stderr();
  EXPECT_EQ(second["result"]["state"], "done") << second.dump();
  auto older = h.editor->wait_response(first);
  ASSERT_TRUE(older);
  EXPECT_EQ((*older)["result"]["state"], "cancelled") << older->dump();
  std::string expected = kPython;
  expected.replace(expected.find("def area"), 40, new_area);
  EXPECT_EQ(h.editor->text(kShapesUri), expected);
}

TEST(InlineEdit, ProgressReportsAPercentageThatGrowsAndEndsTheProgress) {
  std::string body;
  for (int i = 0; i < 30; ++i)
    body += "    x" + std::to_string(i) + " = " + std::to_string(i * 2) + "\n";
  std::string original = "def big():\n" + body + "    return x0\n";
  std::string answer = original;
  answer.replace(answer.find("x0\n"), 3, "x1\n");
  Harness h(json{{"rules", json::array({reply_text("return x1", answer, 400)})}});
  h.editor->open(kShapesUri, "python", original);
  int64_t id = h.editor->execute_async("flint.inlineEdit",
                                       edit_args(kShapesUri, lsp_range(3, 4, 3, 4), "return x1"),
                                       "edit-progress");
  auto response = h.editor->wait_response(id);
  ASSERT_TRUE(response && response->contains("result")) << h.editor->server_stderr();
  std::vector<int> percentages;
  std::string last_kind;
  for (const auto& n : h.editor->notifications()) {
    if (n["method"] != "$/progress" || n["params"]["token"] != "edit-progress") continue;
    const json& value = n["params"]["value"];
    last_kind = value["kind"];
    if (value.contains("percentage")) percentages.push_back(value["percentage"].get<int>());
  }
  ASSERT_GE(percentages.size(), 2u);
  EXPECT_TRUE(std::is_sorted(percentages.begin(), percentages.end()))
      << ::testing::PrintToString(percentages);
  EXPECT_LT(percentages.front(), percentages.back());
  EXPECT_LE(percentages.back(), 99);
  EXPECT_EQ(last_kind, "end");
}

TEST(InlineEdit, LinewiseSelectionEndingPastTheLineIsTheWholeLine) {
  const std::string new_area = "def area(r):\n    return math.pi * r ** 2\n";
  Harness h(json{{"rules", json::array({reply_text("square", new_area, 2000)})}});
  h.editor->open(kShapesUri, "python", kPython);
  json result = h.editor->execute("flint.inlineEdit",
                                  edit_args(kShapesUri, lsp_range(3, 0, 4, 2147483647), "square"));
  ASSERT_TRUE(result.contains("result")) << result.dump();
  EXPECT_EQ(result["result"]["state"], "done") << result.dump();
  std::string expected = kPython;
  expected.replace(expected.find("def area"),
                   std::string("def area(r):\n    return math.pi * r * r\n").size(), new_area);
  EXPECT_EQ(h.editor->text(kShapesUri), expected);
}

// Two edits in one file: accept, reject and cancel act on the session under the cursor when
// they name a position instead of a session, not on the latest one.
TEST(InlineEdit, CommandsWithAPositionActOnTheSessionUnderTheCursor) {
  const std::string new_area = "def area(r):\n    return math.pi * r ** 2\n";
  const std::string new_perimeter = "def perimeter(r):\n    return math.tau * r\n";
  Harness h(json{{"rules", json::array({reply_text("square", new_area, 2000),
                                        reply_text("tau", new_perimeter, 2000)})}});
  h.editor->open(kShapesUri, "python", kPython);
  json first =
      h.editor->execute("flint.inlineEdit", edit_args(kShapesUri, lsp_range(4, 4, 4, 4), "square"));
  ASSERT_EQ(first["result"]["state"], "done") << first.dump();
  json second =
      h.editor->execute("flint.inlineEdit", edit_args(kShapesUri, lsp_range(9, 4, 9, 4), "tau"));
  ASSERT_EQ(second["result"]["state"], "done") << second.dump();
  std::string both = kPython;
  both.replace(both.find("def area"),
               std::string("def area(r):\n    return math.pi * r * r\n").size(), new_area);
  both.replace(both.find("def perimeter"),
               both.find("\n\n\nprint") + 1 - both.find("def perimeter"), new_perimeter);
  ASSERT_EQ(h.editor->text(kShapesUri), both);
  // Reject with the cursor in area(): the first session, though the second is the latest.
  json rejected = h.editor->execute(
      "flint.reject",
      json{{"textDocument", {{"uri", kShapesUri}}}, {"position", {{"line", 4}, {"character", 2}}}});
  ASSERT_TRUE(rejected.contains("result")) << rejected.dump();
  EXPECT_EQ(rejected["result"]["sessionId"], first["result"]["sessionId"]);
  std::string expected = kPython;
  expected.replace(expected.find("def perimeter"),
                   expected.find("\n\n\nprint") + 1 - expected.find("def perimeter"),
                   new_perimeter);
  EXPECT_EQ(h.editor->text(kShapesUri), expected);
  // Accept with the cursor in perimeter(): the second.
  json accepted = h.editor->execute(
      "flint.accept",
      json{{"textDocument", {{"uri", kShapesUri}}}, {"position", {{"line", 8}, {"character", 0}}}});
  ASSERT_TRUE(accepted.contains("result")) << accepted.dump();
  EXPECT_EQ(accepted["result"]["sessionId"], second["result"]["sessionId"]);
  // A document without sessions says so.
  h.editor->open("file:///work/other.py", "python", "x = 1\n");
  json none =
      h.editor->execute("flint.reject", json{{"textDocument", {{"uri", "file:///work/other.py"}}}});
  EXPECT_EQ(none["error"]["code"], -32602) << none.dump();
}

// Without a model the edit fails, and every place says "failed" (it once said "cancelled" in
// flint/editSession after "failed").
TEST(InlineEdit, NoModelConfiguredFailsOnceAndSaysWhy) {
  EditorOptions plain;
  plain.flint_plugin = false;  // a plain client gets the message; flint's plugins show the state
  EditorClient editor{plain};
  editor.open(kShapesUri, "python", kPython);
  json result =
      editor.execute("flint.inlineEdit", edit_args(kShapesUri, lsp_range(4, 0, 4, 0), "anything"));
  ASSERT_TRUE(result.contains("result")) << result.dump();
  EXPECT_EQ(result["result"]["state"], "failed");
  EXPECT_NE(result["result"]["reason"].get<std::string>().find("no fast model"), std::string::npos);
  std::vector<std::string> states;
  int shown = 0;
  for (const auto& n : editor.notifications()) {
    if (n["method"] == "flint/editSession") states.push_back(n["params"]["state"]);
    if (n["method"] == "window/showMessage") ++shown;
  }
  EXPECT_EQ(states, std::vector<std::string>{"failed"});
  EXPECT_EQ(shown, 1);
  EXPECT_EQ(editor.text(kShapesUri), kPython);
}

TEST(InlineEdit, TypingAboveTheRegionRebasesIt) {
  const std::string new_perimeter = "def perimeter(r):\n    return math.tau * r\n";
  Harness h(json{{"rules", json::array({reply_text("tau", new_perimeter, 60)})}});
  h.editor->open(kShapesUri, "python", kPython);
  int64_t id = h.editor->execute_async("flint.inlineEdit",
                                       edit_args(kShapesUri, lsp_range(8, 0, 8, 0), "tau"));
  ASSERT_TRUE(h.endpoint.wait_for_requests(1, std::chrono::seconds(20)));
  h.editor->serve_for(std::chrono::milliseconds(150));
  h.editor->type(kShapesUri, 0, 0, 0, 0, "# typed above\n");
  h.editor->type(kShapesUri, 1, 11, 1, 11, "  # still typing");
  auto response = h.editor->wait_response(id);
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)["result"]["state"], "done") << response->dump();
  EXPECT_EQ((*response)["result"]["region"]["start"]["line"], 8);
  const std::string& text = h.editor->text(kShapesUri);
  EXPECT_EQ(text.rfind("# typed above\nimport math  # still typing\n", 0), 0u) << text;
  EXPECT_NE(text.find("def perimeter(r):\n    return math.tau * r\n\n\nprint"), std::string::npos)
      << text;
}

TEST(InlineEdit, AnEditorThatNeverAnswersFailsTheSessionAndTheServerKeepsServing) {
  EditorOptions options;
  options.answer_edits = false;
  options.initialization_options = {{"edit", {{"applyTimeoutMs", 300}}}};
  Harness h(
      json{{"rules",
            json::array({reply_text("tau", "def perimeter(r):\n    return math.tau * r\n")})}},
      options);
  h.editor->open(kShapesUri, "python", kPython);
  json response =
      h.editor->execute("flint.inlineEdit", edit_args(kShapesUri, lsp_range(8, 0, 8, 0), "tau"));
  EXPECT_EQ(response["result"]["state"], "failed") << response.dump();
  EXPECT_NE(response["result"].value("reason", "").find("did not answer workspace/applyEdit"),
            std::string::npos)
      << response.dump();
  EXPECT_EQ(h.editor->unanswered_edits(), 1);  // nothing more was sent after the first
  EXPECT_TRUE(h.editor->wait_notification(
      [](const json& m) {
        return m["method"] == "window/showMessage" &&
               m["params"]["message"].get<std::string>().find("did not answer") !=
                   std::string::npos;
      },
      std::chrono::seconds(5)));
  EXPECT_EQ(h.editor->text(kShapesUri), kPython);
  // Still serving.
  json again = h.editor->execute("flint.accept", json{{"sessionId", "999"}});
  EXPECT_EQ(again["error"]["code"], -32602);
}

TEST(InlineEdit, BadArgumentsAreInvalidParams) {
  Harness h(json{{"rules", json::array()}});
  h.editor->open(kShapesUri, "python", kPython);
  json unknown = h.editor->execute("flint.inlineEdit",
                                   edit_args("file:///nope.py", lsp_range(0, 0, 0, 0), "x"));
  EXPECT_EQ(unknown["error"]["code"], -32602);
  EXPECT_NE(unknown["error"]["message"].get<std::string>().find("unknown document"),
            std::string::npos);
  json impossible =
      h.editor->execute("flint.inlineEdit", edit_args(kShapesUri, lsp_range(400, 0, 401, 0), "x"));
  EXPECT_EQ(impossible["error"]["code"], -32602);
  json inverted =
      h.editor->execute("flint.inlineEdit", edit_args(kShapesUri, lsp_range(4, 3, 4, 1), "x"));
  EXPECT_EQ(inverted["error"]["code"], -32602);
  json missing =
      h.editor->execute("flint.inlineEdit", json{{"textDocument", {{"uri", kShapesUri}}}});
  EXPECT_EQ(missing["error"]["code"], -32602);
  EXPECT_NE(missing["error"]["message"].get<std::string>().find("range"), std::string::npos);
  json empty =
      h.editor->execute("flint.inlineEdit", edit_args(kShapesUri, lsp_range(4, 0, 4, 0), "  "));
  EXPECT_EQ(empty["error"]["code"], -32602);
  json no_session = h.editor->execute("flint.accept", json{{"sessionId", "999"}});
  EXPECT_EQ(no_session["error"]["code"], -32602);
  EXPECT_EQ(h.editor->text(kShapesUri), kPython);
}

// One message per failure: a plain client gets window/showMessage; flint's plugins (which
// declare experimental.flint.editSessions) show the failed session's reason instead, so the
// server sends no second message to them.
TEST(InlineEdit, DeadEndpointFailsClearlyAndLeavesTheBuffer) {
  for (bool plugin : {false, true}) {
    SCOPED_TRACE(plugin ? "flint's plugin" : "a plain client");
    EditorOptions options;
    options.flint_plugin = plugin;
    options.env = {"FLINT_BASE_URL=http://127.0.0.1:9/v1", "FLINT_MODEL=m",
                   "FLINT_PROVIDER=openai-chat"};
    EditorClient editor(options);
    editor.open(kShapesUri, "python", kPython);
    json result = editor.execute("flint.inlineEdit",
                                 edit_args(kShapesUri, lsp_range(4, 0, 4, 0), "anything"));
    ASSERT_TRUE(result.contains("result")) << result.dump();
    EXPECT_EQ(result["result"]["state"], "failed");
    std::string reason = result["result"].value("reason", "");
    EXPECT_NE(reason.find("127.0.0.1:9"), std::string::npos) << reason;
    EXPECT_EQ(editor.text(kShapesUri), kPython);
    int shown = 0;
    int failed_notifications = 0;
    for (const auto& n : editor.notifications()) {
      if (n["method"] == "window/showMessage" && n["params"]["type"] == 1) ++shown;
      if (n["method"] == "flint/editSession" && n["params"]["state"] == "failed") {
        ++failed_notifications;
        EXPECT_EQ(n["params"].value("reason", ""), reason);
      }
    }
    EXPECT_EQ(shown, plugin ? 0 : 1);
    EXPECT_EQ(failed_notifications, 1);
  }
}

TEST(InlineEdit, SteerRestartsWithTheNewInstruction) {
  std::string slow;
  for (int i = 0; i < 100; ++i) slow += "    z" + std::to_string(i) + " = 0\n";
  Harness h(json{
      {"rules",
       json::array({reply_text("second try", "def area(r):\n    return r ** 2 * math.pi\n", 2000),
                    reply_text("first try", "def area(r):\n" + slow, 100)})}});
  h.editor->open(kShapesUri, "python", kPython);
  int64_t id = h.editor->execute_async("flint.inlineEdit",
                                       edit_args(kShapesUri, lsp_range(4, 0, 4, 0), "first try"));
  ASSERT_TRUE(h.endpoint.wait_for_requests(1, std::chrono::seconds(20)));
  h.editor->serve_for(std::chrono::milliseconds(400));
  json steer = h.editor->execute("flint.steer", json{{"instruction", "second try"}});
  ASSERT_TRUE(steer.contains("result")) << steer.dump();
  auto response = h.editor->wait_response(id);
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)["result"]["state"], "done") << response->dump();
  std::string expected = kPython;
  expected.replace(expected.find("def area"),
                   std::string("def area(r):\n    return math.pi * r * r\n").size(),
                   "def area(r):\n    return r ** 2 * math.pi\n");
  EXPECT_EQ(h.editor->text(kShapesUri), expected);
  auto requests = h.endpoint.requests();
  ASSERT_EQ(requests.size(), 2u);
  // The second conversation carries the first instruction's partial output and the new one.
  EXPECT_NE(requests[1].body.find("first try"), std::string::npos);
  EXPECT_NE(requests[1].body.find("second try"), std::string::npos);
  EXPECT_NE(requests[1].body.find("z0 = 0"), std::string::npos);
}

TEST(InlineEdit, ModelEscalationEndsAsEscalated) {
  Harness h(
      json{{"rules", json::array({reply_text("rename everywhere",
                                             "FLINT_ESCALATE: needs changes in other files\n")})}});
  h.editor->open(kShapesUri, "python", kPython);
  json result = h.editor->execute(
      "flint.inlineEdit", edit_args(kShapesUri, lsp_range(4, 0, 4, 0), "rename everywhere"));
  ASSERT_TRUE(result.contains("result")) << result.dump();
  EXPECT_EQ(result["result"]["state"], "escalated");
  EXPECT_NE(result["result"]["reason"].get<std::string>().find("other files"), std::string::npos);
  EXPECT_EQ(h.editor->text(kShapesUri), kPython);
}

TEST(InlineEdit, SelectionAcrossTopLevelDefinitionsIsNotLocal) {
  Harness h(json{{"rules", json::array()}});
  h.editor->open(kShapesUri, "python", kPython);
  json result =
      h.editor->execute("flint.inlineEdit", edit_args(kShapesUri, lsp_range(3, 0, 9, 5), "merge"));
  ASSERT_TRUE(result.contains("result")) << result.dump();
  EXPECT_EQ(result["result"]["state"], "escalated");
  // Handed to an agent job: the only model requests are the job's, never an inline stream.
  EXPECT_TRUE(result["result"].contains("jobId")) << result.dump();
  for (const auto& r : h.endpoint.requests()) {
    EXPECT_NE(r.body.find("Handed over from an inline edit"), std::string::npos);
  }
  EXPECT_EQ(h.editor->text(kShapesUri), kPython);
}

TEST(InlineEdit, SyntaxErrorsIntroducedBecomeDiagnostics) {
  Harness h(json{{"rules", json::array({reply_text(
                               "break", "def area(r):\n    return (math.pi * r * r\n", 3000)})}});
  h.editor->open(kShapesUri, "python", kPython);
  json result = h.editor->execute("flint.inlineEdit",
                                  edit_args(kShapesUri, lsp_range(4, 0, 4, 0), "break it"));
  ASSERT_EQ(result["result"]["state"], "done") << result.dump();
  auto diag = h.editor->wait_notification(
      [](const json& n) {
        return n["method"] == "textDocument/publishDiagnostics" &&
               !n["params"]["diagnostics"].empty();
      },
      std::chrono::seconds(10));
  ASSERT_TRUE(diag);
  EXPECT_EQ((*diag)["params"]["diagnostics"][0]["source"], "flint");
  // Rejecting clears them.
  h.editor->execute("flint.reject", json::object());
  auto cleared = h.editor->wait_notification(
      [](const json& n) {
        return n["method"] == "textDocument/publishDiagnostics" &&
               n["params"]["diagnostics"].empty();
      },
      std::chrono::seconds(10));
  EXPECT_TRUE(cleared);
  EXPECT_EQ(h.editor->text(kShapesUri), kPython);
}

}  // namespace
}  // namespace flint
