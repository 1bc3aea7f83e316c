#pragma once
// Shared set-up of the end-to-end agent-job tests: real flint-lsp over pipes (EditorClient,
// with a real workspace folder on disk), the loopback model endpoint playing multi-step
// tool-call conversations, and readers of what the server reported about a job.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "server/jobs/workspace.h"
#include "tests/fake_endpoint/fake_endpoint.h"
#include "tests/support/editor_client.h"
#include "tests/unit/jobs/temp_workspace.h"

namespace flint::jobs_e2e {

using namespace std::chrono_literals;
using nlohmann::json;
using test::EditorClient;
using test::EditorOptions;
using test::lsp_range;
using test::TempWorkspace;

inline const std::string kShapes =
    "import math\n"
    "\n"
    "\n"
    "def area(r):\n"
    "    return math.pi * r * r\n"
    "\n"
    "\n"
    "def perimeter(r):\n"
    "    return 2 * math.pi * r\n";

inline const std::string kGeometry =
    "from shapes import area\n"
    "\n"
    "\n"
    "def report(r):\n"
    "    print(area(r))\n";

inline EditorOptions with_settings(json initialization_options) {
  EditorOptions options;
  options.initialization_options = std::move(initialization_options);
  return options;
}

// The loopback endpoint's script: one conversation, a reply per model turn.
inline json call(const std::string& name, json arguments) {
  return json{{"name", name}, {"arguments", std::move(arguments)}};
}
inline json tool_reply(std::vector<json> calls) {
  return json{{"toolCalls", std::move(calls)}};
}
inline json conversation(const std::string& match, std::vector<json> replies) {
  return json{{"match", match}, {"replies", std::move(replies)}};
}

// The last flint/jobChanged of a job.
inline std::optional<json> job_state(const EditorClient& editor, const std::string& id) {
  std::optional<json> last;
  for (const auto& m : editor.notifications()) {
    if (m["method"] == "flint/jobChanged" && m["params"]["jobId"] == id) last = m["params"];
  }
  return last;
}

inline bool job_final(const EditorClient& editor, const std::string& id) {
  auto s = job_state(editor, id);
  return s && ((*s)["state"] == "done" || (*s)["state"] == "failed" ||
               (*s)["state"] == "cancelled" || (*s)["state"] == "discarded");
}

// The $/progress kinds of one job, with "create" for the token's creation request.
inline std::vector<std::string> progress_of(const EditorClient& editor, const std::string& id) {
  std::vector<std::string> kinds;
  for (const auto& m : editor.notifications()) {
    if (m["method"] == "window/workDoneProgress/create" && m["params"]["token"] == "flint/" + id) {
      kinds.push_back("create");
    }
    if (m["method"] == "$/progress" && m["params"]["token"] == "flint/" + id) {
      kinds.push_back(m["params"]["value"]["kind"]);
    }
  }
  return kinds;
}

inline std::vector<json> shown_messages(const EditorClient& editor) {
  std::vector<json> out;
  for (const auto& m : editor.notifications()) {
    if (m["method"] == "window/showMessage") out.push_back(m["params"]);
  }
  return out;
}

// begin -> report* -> end, exactly once, after the token was created.
inline void expect_progress_sequence(const std::vector<std::string>& kinds) {
  ASSERT_GE(kinds.size(), 3u) << ::testing::PrintToString(kinds);
  EXPECT_EQ(kinds[0], "create");
  EXPECT_EQ(kinds[1], "begin");
  EXPECT_EQ(kinds.back(), "end");
  for (size_t i = 2; i + 1 < kinds.size(); ++i)
    EXPECT_EQ(kinds[i], "report") << ::testing::PrintToString(kinds);
}

// A workspace with src/shapes.py, src/geometry.py and notes/todo.txt, the endpoint playing
// `script`, and an editor whose workspace folder is that folder.
struct Harness {
  explicit Harness(json script, EditorOptions options = {}) : endpoint(std::move(script)) {
    endpoint.start();
    tmp.write("src/shapes.py", kShapes);
    tmp.write("src/geometry.py", kGeometry);
    tmp.write("notes/todo.txt", "nothing here\n");
    shapes = jobs::uri_from_path(tmp.path("src/shapes.py"));
    geometry = jobs::uri_from_path(tmp.path("src/geometry.py"));
    options.env.push_back("FLINT_BASE_URL=" + endpoint.url("/v1"));
    options.env.push_back("FLINT_MODEL=fake-model");
    options.env.push_back("FLINT_PROVIDER=openai-chat");
    options.env.push_back("FLINT_API_KEY=sk-test-jobs-secret");
    options.root_uri = jobs::uri_from_path(tmp.root());
    editor = std::make_unique<EditorClient>(std::move(options));
  }

  void open(const std::string& uri, const std::string& text) { editor->open(uri, "python", text); }

  std::string start_job(const std::string& instruction, json extra = json::object()) {
    json args{{"instruction", instruction}};
    args.update(extra);
    json r = editor->execute("flint.agentTask", args);
    if (!r.contains("result")) throw std::runtime_error("agentTask: " + r.dump());
    return r["result"]["jobId"];
  }
  std::optional<json> state(const std::string& id) const { return job_state(*editor, id); }
  std::vector<std::string> progress(const std::string& id) const {
    return progress_of(*editor, id);
  }
  // Serves until the job's last message is `message`.
  bool wait_message(const std::string& id, const std::string& message) {
    return editor->serve_until([&] {
      auto s = state(id);
      return s && s->value("message", "") == message;
    });
  }
  // The final state, and the end of the job's progress when it has one (an end waits for the
  // token's creation to be answered, so it may come after the state).
  bool wait_final(const std::string& id, std::chrono::milliseconds timeout = 60s) {
    return editor->serve_until(
        [&] {
          auto kinds = progress(id);
          return job_final(*editor, id) && (kinds.empty() || kinds.back() == "end");
        },
        timeout);
  }

  TempWorkspace tmp;
  fake::FakeEndpoint endpoint;
  std::string shapes, geometry;
  std::unique_ptr<EditorClient> editor;
};

}  // namespace flint::jobs_e2e
