// End-to-end agent jobs with the command backend: the task on stdin, progress from stdout,
// cancel killing the process group, stderr on failure, and results over the user's typing.
#include "tests/unit/e2e/jobs_harness.h"
#include "tests/unit/jobs/process_gone.h"

namespace flint::jobs_e2e {
namespace {

json command_settings(const std::string& script) {
  return json{{"jobs", {{"backend", "command"}, {"command", {"sh", "-c", script}}}}};
}

TEST(Jobs, CancelKillsTheCommandsProcessGroup) {
  Harness h(json::object(), with_settings(command_settings(
                                "cat > task.json; sleep 300 & echo $! > child.pid; "
                                "echo '{\"message\": \"working\", \"percentage\": 5}'; wait")));
  h.open(h.shapes, kShapes);
  std::string id = h.start_job(
      "long haul", {{"textDocument", {{"uri", h.shapes}}}, {"range", lsp_range(3, 0, 4, 5)}});
  ASSERT_TRUE(h.wait_message(id, "working")) << h.editor->server_stderr();
  std::string child_text = h.tmp.read("child.pid");
  ASSERT_FALSE(child_text.empty());
  pid_t child = static_cast<pid_t>(std::stol(child_text));
  // The task arrived on stdin.
  json task = json::parse(h.tmp.read("task.json"));
  EXPECT_EQ(task["instruction"], "long haul");
  EXPECT_EQ(task["files"], json::array({"src/shapes.py"}));
  EXPECT_EQ(task["region"], json({{"path", "src/shapes.py"}, {"firstLine", 4}, {"lastLine", 5}}));

  json cancelled = h.editor->execute("flint.cancelJob", json{{"jobId", id}});
  EXPECT_EQ(cancelled["result"]["state"], "cancelled") << cancelled.dump();
  bool dead = false;
  for (int i = 0; i < 200 && !dead; ++i) {
    dead = testing::process_gone(child);
    if (!dead) h.editor->serve_for(50ms);
  }
  EXPECT_TRUE(dead);
  ASSERT_TRUE(h.wait_final(id));
  expect_progress_sequence(h.progress(id));
  EXPECT_EQ((*h.state(id))["state"], "cancelled");
  json unknown = h.editor->execute("flint.cancelJob", json{{"jobId", "job-77"}});
  EXPECT_EQ(unknown["error"]["code"], -32602);
}

TEST(Jobs, ProgressCancelFromTheEditorStopsTheJob) {
  Harness h(json::object(),
            with_settings(command_settings("echo '{\"message\": \"busy\"}'; sleep 300")));
  std::string id = h.start_job("cancel me from the status bar");
  ASSERT_TRUE(h.wait_message(id, "busy"));
  h.editor->notify("window/workDoneProgress/cancel", json{{"token", "flint/" + id}});
  ASSERT_TRUE(h.wait_final(id, 30s));
  EXPECT_EQ((*h.state(id))["state"], "cancelled");
  expect_progress_sequence(h.progress(id));
}

// A command that says it is thinking, waits for the test's go-ahead (a file named "go"), then
// prints the result the test left in edit.json.
const char* kGatedEditScript =
    "echo '{\"message\": \"thinking\"}'; while [ ! -f go ]; do sleep 0.05; done; cat edit.json";

// Leaves the result (line 5 of shapes.py rewritten) for kGatedEditScript, opens shapes.py and
// starts the job; it waits for the file "go".
std::string start_gated_square_job(Harness& h) {
  json edit{
      {"changes",
       {{h.shapes,
         {{{"range", lsp_range(4, 0, 5, 0)}, {"newText", "    return math.pi * r ** 2\n"}}}}}}};
  h.tmp.write("edit.json", json{{"workspaceEdit", edit}}.dump() + "\n");
  h.open(h.shapes, kShapes);
  return h.start_job("square it");
}

TEST(Jobs, CommandResultIsRebasedOverTheUsersTyping) {
  Harness h(json::object(), with_settings(command_settings(kGatedEditScript)));
  std::string id = start_gated_square_job(h);
  ASSERT_TRUE(h.wait_message(id, "thinking"));
  // The person types above the region meanwhile: the edit lands where the line is now.
  h.editor->type(h.shapes, 0, 0, 0, 0, "# typed while the job ran\n");
  h.editor->serve_for(100ms);
  h.tmp.write("go", "");
  ASSERT_TRUE(h.wait_final(id)) << h.editor->server_stderr();
  EXPECT_EQ((*h.state(id))["state"], "done") << h.state(id)->dump();
  std::string expected = "# typed while the job ran\n" + kShapes;
  expected.replace(expected.find("    return math.pi * r * r\n"), 27,
                   "    return math.pi * r ** 2\n");
  EXPECT_EQ(h.editor->text(h.shapes), expected);
  ASSERT_EQ(h.editor->applied_edits().size(), 1u);
  EXPECT_EQ(h.editor->applied_edits()[0]["edit"]["documentChanges"][0]["textDocument"]["version"],
            2);
}

TEST(Jobs, AnEditWhoseLinesTheUserChangedIsReportedNotApplied) {
  Harness h(json::object(), with_settings(command_settings(kGatedEditScript)));
  std::string id = start_gated_square_job(h);
  ASSERT_TRUE(h.wait_message(id, "thinking"));
  h.editor->type(h.shapes, 4, 11, 4, 18, "3.14159");  // the very line the job rewrites
  std::string typed = h.editor->text(h.shapes);
  h.tmp.write("go", "");
  ASSERT_TRUE(h.wait_final(id));
  auto state = *h.state(id);
  EXPECT_EQ(state["state"], "failed");
  EXPECT_NE(state["summary"].get<std::string>().find("shapes.py changed since the job read it"),
            std::string::npos)
      << state.dump();
  EXPECT_TRUE(h.editor->applied_edits().empty());
  EXPECT_EQ(h.editor->text(h.shapes), typed);
  expect_progress_sequence(h.progress(id));
}

TEST(Jobs, ACommandThatFailsReportsItsStderr) {
  Harness h(json::object(),
            with_settings(command_settings("echo 'agent-cli: not logged in' >&2; exit 2")));
  std::string id = h.start_job("anything");
  ASSERT_TRUE(h.wait_final(id));
  auto state = *h.state(id);
  EXPECT_EQ(state["state"], "failed");
  EXPECT_NE(state["summary"].get<std::string>().find("not logged in"), std::string::npos)
      << state.dump();
  expect_progress_sequence(h.progress(id));
}

}  // namespace
}  // namespace flint::jobs_e2e
