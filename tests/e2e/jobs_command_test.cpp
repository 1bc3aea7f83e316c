// End-to-end agent jobs with the command backend: the task on stdin, progress from stdout,
// cancel killing the process group, stderr on failure, and results over the user's typing.
#include "tests/e2e/jobs_harness.h"
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
    dead = test::process_gone(child);
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

EditorOptions reviewing(EditorOptions options) {
  options.job_review = true;
  return options;
}

TEST(Jobs, AReviewedResultWaitsWhileThePersonTypesAndLandsWhenApplied) {
  Harness h(json::object(), reviewing(with_settings(command_settings(kGatedEditScript))));
  std::string id = start_gated_square_job(h);
  ASSERT_TRUE(h.wait_message(id, "thinking"));
  h.tmp.write("go", "");
  ASSERT_TRUE(h.editor->serve_until([&] {
    auto s = h.state(id);
    return s && (*s)["state"] != "running" && (*s)["state"] != "queued";
  }));
  auto ready = *h.state(id);
  EXPECT_EQ(ready["state"], "ready") << ready.dump();
  EXPECT_EQ(ready["files"], json::array({h.shapes}));
  EXPECT_EQ(ready["changes"], 1);
  EXPECT_FALSE(ready.contains("percentage"));
  // The person keeps typing: nothing arrives in the buffer, nothing asks for an answer.
  h.editor->type(h.shapes, 0, 0, 0, 0, "# typed after the job finished\n");
  h.editor->serve_for(200ms);
  EXPECT_TRUE(h.editor->applied_edits().empty());
  expect_progress_sequence(h.progress(id));

  json preview = h.editor->request("flint/jobPreview", json{{"jobId", id}});
  ASSERT_TRUE(preview.contains("result")) << preview.dump();
  ASSERT_EQ(preview["result"]["files"].size(), 1u);
  const json& file = preview["result"]["files"][0];
  std::string typed = "# typed after the job finished\n" + kShapes;
  std::string proposed = typed;
  proposed.replace(proposed.find("r * r\n"), 6, "r ** 2\n");
  EXPECT_EQ(file["uri"], h.shapes);
  EXPECT_EQ(file["current"], typed);
  EXPECT_EQ(file["proposed"], proposed);

  json applied = h.editor->execute("flint.applyJob", json{{"jobId", id}});
  EXPECT_EQ(applied["result"]["state"], "done") << applied.dump();
  EXPECT_EQ(h.editor->text(h.shapes), proposed);
  ASSERT_EQ(h.editor->applied_edits().size(), 1u);
  // The person chose Apply: the edit does not ask the editor to confirm it again.
  EXPECT_FALSE(h.editor->applied_edits()[0]["edit"].contains("changeAnnotations"));
  EXPECT_EQ((*h.state(id))["state"], "done");
  json again = h.editor->execute("flint.applyJob", json{{"jobId", id}});
  EXPECT_EQ(again["error"]["code"], -32602) << again.dump();
}

TEST(Jobs, ADiscardedResultIsDiscardedNotFailed) {
  Harness h(json::object(), reviewing(with_settings(command_settings(kGatedEditScript))));
  std::string id = start_gated_square_job(h);
  h.tmp.write("go", "");
  ASSERT_TRUE(h.editor->serve_until([&] {
    auto s = h.state(id);
    return s && (*s)["state"] == "ready";
  }));
  json discarded = h.editor->execute("flint.discardJob", json{{"jobId", id}});
  EXPECT_EQ(discarded["result"]["state"], "discarded") << discarded.dump();
  EXPECT_EQ((*h.state(id))["state"], "discarded");
  EXPECT_EQ(h.editor->text(h.shapes), kShapes);
  EXPECT_TRUE(h.editor->applied_edits().empty());
  json preview = h.editor->request("flint/jobPreview", json{{"jobId", id}});
  EXPECT_EQ(preview["error"]["code"], -32602) << preview.dump();
  EXPECT_EQ(h.editor->execute("flint.discardJob", json{{"jobId", "job-77"}})["error"]["code"],
            -32602);
}

TEST(Jobs, APlainClientStillGetsTheResultToConfirm) {
  Harness h(json::object(), with_settings(command_settings(kGatedEditScript)));
  std::string id = start_gated_square_job(h);
  h.tmp.write("go", "");
  ASSERT_TRUE(h.wait_final(id));
  EXPECT_EQ((*h.state(id))["state"], "done");
  ASSERT_EQ(h.editor->applied_edits().size(), 1u);
  const json& edit = h.editor->applied_edits()[0]["edit"];
  ASSERT_TRUE(edit.contains("changeAnnotations")) << edit.dump();
  EXPECT_EQ(edit["changeAnnotations"]["flint." + id]["needsConfirmation"], true);
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
