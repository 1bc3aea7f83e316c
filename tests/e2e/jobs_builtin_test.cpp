// End-to-end agent jobs with the builtin backend: the tool loop against the loopback model,
// the workspace confinement, failures and bounds, and the reviewed edit across files.
#include "tests/e2e/jobs_harness.h"

namespace flint::jobs_e2e {
namespace {

TEST(Jobs, AdvertisesTheCommands) {
  Harness h(json{{"rules", json::array()}});
  std::vector<std::string> commands =
      h.editor->initialize_result()["capabilities"]["executeCommandProvider"]["commands"];
  EXPECT_NE(std::find(commands.begin(), commands.end(), "flint.agentTask"), commands.end());
  EXPECT_NE(std::find(commands.begin(), commands.end(), "flint.cancelJob"), commands.end());
  EXPECT_NE(std::find(commands.begin(), commands.end(), "flint.applyJob"), commands.end());
  EXPECT_NE(std::find(commands.begin(), commands.end(), "flint.discardJob"), commands.end());
}

TEST(Jobs, MultiStepToolLoopEditsTwoFilesInOneReviewedEdit) {
  std::string summary = "renamed area to surface in shapes.py and geometry.py";
  json script{{"rules",
               {conversation(
                   "rename area to surface",
                   {tool_reply({call("list_dir", {{"path", "."}})}),
                    tool_reply({call("search_text", {{"query", "area("}})}),
                    tool_reply({call("read_file", {{"path", "src/shapes.py"}}),
                                call("read_file", {{"path", "src/geometry.py"}})}),
                    tool_reply({call("propose_edit", {{"path", "src/shapes.py"},
                                                      {"old_text", "def area(r):"},
                                                      {"new_text", "def surface(r):"}}),
                                call("propose_edit", {{"path", "src/geometry.py"},
                                                      {"old_text", "from shapes import area"},
                                                      {"new_text", "from shapes import surface"}}),
                                call("propose_edit", {{"path", "src/geometry.py"},
                                                      {"old_text", "print(area(r))"},
                                                      {"new_text", "print(surface(r))"}})}),
                    tool_reply({call("finish", {{"summary", summary}})})})}}};
  Harness h(script);
  h.open(h.shapes, kShapes);
  std::string id = h.start_job("rename area to surface", {{"textDocument", {{"uri", h.shapes}}}});
  EXPECT_EQ(id, "job-1");
  ASSERT_TRUE(h.wait_final(id)) << h.editor->server_stderr();
  auto state = h.state(id);
  EXPECT_EQ((*state)["state"], "done") << state->dump();
  EXPECT_NE((*state)["summary"].get<std::string>().find("2 files changed"), std::string::npos)
      << state->dump();

  // One applyEdit across both files, labelled, asking for confirmation.
  ASSERT_EQ(h.editor->applied_edits().size(), 1u);
  const json& params = h.editor->applied_edits()[0];
  EXPECT_EQ(params["label"], "flint: rename area to surface");
  const json& edit = params["edit"];
  ASSERT_EQ(edit["documentChanges"].size(), 2u);
  ASSERT_EQ(edit["changeAnnotations"].size(), 1u);
  const json& annotation = edit["changeAnnotations"].begin().value();
  EXPECT_EQ(annotation["needsConfirmation"], true);
  for (const json& change : edit["documentChanges"]) {
    for (const json& e : change["edits"])
      EXPECT_EQ(e["annotationId"], edit["changeAnnotations"].begin().key());
    if (change["textDocument"]["uri"] == h.shapes) {
      EXPECT_EQ(change["textDocument"]["version"], 1);  // open: versioned
    } else {
      EXPECT_EQ(change["textDocument"]["uri"], h.geometry);
      EXPECT_TRUE(change["textDocument"]["version"].is_null());  // only on disk
    }
  }
  std::string shapes = kShapes;
  shapes.replace(shapes.find("def area"), 8, "def surface");
  EXPECT_EQ(h.editor->text(h.shapes), shapes);
  EXPECT_EQ(h.editor->text(h.geometry),
            "from shapes import surface\n\n\ndef report(r):\n    print(surface(r))\n");
  EXPECT_EQ(h.tmp.read("src/geometry.py"), kGeometry);  // flint never writes files itself

  // Five model turns; each carries the results of the previous one's tools.
  auto requests = h.endpoint.requests();
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_NE(requests[0].body.find("\"tools\""), std::string::npos);
  EXPECT_NE(requests[1].body.find("shapes.py"), std::string::npos);           // list_dir's answer
  EXPECT_NE(requests[2].body.find("src/geometry.py:5:"), std::string::npos);  // search's answer
  EXPECT_NE(requests[3].body.find("print(area(r))"), std::string::npos);      // read_file's answer
  EXPECT_NE(requests[4].body.find("lines replaced"), std::string::npos);  // propose_edit's answer
  for (const auto& r : requests) EXPECT_EQ(r.body.find("sk-test-jobs-secret"), std::string::npos);

  expect_progress_sequence(h.progress(id));
  json list = h.editor->request("flint/jobs", json::object());
  ASSERT_EQ(list["result"]["jobs"].size(), 1u);
  EXPECT_EQ(list["result"]["jobs"][0]["jobId"], id);
  EXPECT_EQ(list["result"]["jobs"][0]["title"], "rename area to surface");
  EXPECT_EQ(list["result"]["jobs"][0]["state"], "done");
}

TEST(Jobs, PathEscapesAreRefusedAndTheJobGoesOn) {
  json script{{"rules",
               {conversation("peek outside",
                             {tool_reply({call("read_file", {{"path", "../../etc/passwd"}})}),
                              tool_reply({call("read_file", {{"path", "/etc/hostname"}}),
                                          call("list_dir", {{"path", "../.."}})}),
                              tool_reply({call("read_file", {{"path", "notes/todo.txt"}})}),
                              tool_reply({call("finish", {{"summary", "looked around"}})})})}}};
  Harness h(script);
  std::string id = h.start_job("peek outside");
  ASSERT_TRUE(h.wait_final(id)) << h.editor->server_stderr();
  EXPECT_EQ((*h.state(id))["state"], "done");
  auto requests = h.endpoint.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_NE(requests[1].body.find("outside the workspace"), std::string::npos) << requests[1].body;
  EXPECT_EQ(requests[1].body.find("root:x:0:0"), std::string::npos);
  EXPECT_NE(requests[3].body.find("nothing here"), std::string::npos);
  EXPECT_TRUE(h.editor->applied_edits().empty());
  expect_progress_sequence(h.progress(id));
}

TEST(Jobs, AModelFailureEndsTheProgressOnce) {
  json script{
      {"rules",
       {json{{"match", "doomed"}, {"reply", {{"status", 401}, {"errorMessage", "bad key"}}}}}}};
  Harness h(script);
  std::string id = h.start_job("doomed task");
  ASSERT_TRUE(h.wait_final(id)) << h.editor->server_stderr();
  auto state = *h.state(id);
  EXPECT_EQ(state["state"], "failed");
  EXPECT_NE(state["summary"].get<std::string>().find("agent model"), std::string::npos)
      << state.dump();
  expect_progress_sequence(h.progress(id));
  h.editor->serve_for(300ms);
  expect_progress_sequence(h.progress(id));
}

TEST(Jobs, StepBoundFailsTheJobWithoutEditing) {
  std::vector<json> replies;
  for (int i = 0; i < 5; ++i) replies.push_back(tool_reply({call("list_dir", {{"path", "."}})}));
  Harness h(json{{"rules", {conversation("never ends", replies)}}},
            with_settings({{"jobs", {{"maxSteps", 3}}}}));
  std::string id = h.start_job("never ends");
  ASSERT_TRUE(h.wait_final(id));
  auto state = *h.state(id);
  EXPECT_EQ(state["state"], "failed");
  EXPECT_NE(state["summary"].get<std::string>().find("3 steps"), std::string::npos) << state.dump();
  EXPECT_EQ(h.endpoint.requests().size(), 3u);
}

TEST(Jobs, BadArgumentsAndUnavailableBackends) {
  Harness h(json::object(), with_settings({{"jobs", {{"backend", "command"}}}}));
  json empty = h.editor->execute("flint.agentTask", json{{"instruction", "  "}});
  EXPECT_EQ(empty["error"]["code"], -32602);
  json missing = h.editor->execute("flint.agentTask", json::object());
  EXPECT_EQ(missing["error"]["code"], -32602);
  json unknown = h.editor->execute(
      "flint.agentTask",
      json{{"instruction", "x"}, {"textDocument", {{"uri", "file:///nope/x.py"}}}});
  EXPECT_EQ(unknown["error"]["code"], -32602);
  json no_command = h.editor->execute("flint.agentTask", json{{"instruction", "x"}});
  EXPECT_EQ(no_command["error"]["code"], -32803);
  EXPECT_NE(no_command["error"]["message"].get<std::string>().find("jobs.command is empty"),
            std::string::npos);
  json list = h.editor->request("flint/jobs", json::object());
  EXPECT_TRUE(list["result"]["jobs"].empty());
}

}  // namespace
}  // namespace flint::jobs_e2e
