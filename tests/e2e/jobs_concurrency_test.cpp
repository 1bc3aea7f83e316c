// End-to-end agent jobs next to everything else: jobs and an inline edit at once, the
// concurrency bound, clients without work-done progress, and inline edits handed over to jobs.
#include "tests/e2e/jobs_harness.h"

namespace flint::jobs_e2e {
namespace {

TEST(Jobs, TwoJobsAndAnInlineEditAtOnce) {
  std::string new_perimeter = "def perimeter(r):\n    return math.tau * r\n";
  json slow{{"firstTokenMs", 700}};
  auto slow_tool = [&](std::vector<json> calls) {
    json r = tool_reply(std::move(calls));
    r.update(slow);
    return r;
  };
  json script{
      {"rules",
       {conversation("job one",
                     {slow_tool({call("read_file", {{"path", "src/geometry.py"}})}),
                      slow_tool({call("propose_edit", {{"path", "src/geometry.py"},
                                                       {"old_text", "def report(r):"},
                                                       {"new_text", "def report_area(r):"}})}),
                      slow_tool({call("finish", {{"summary", "one"}})})}),
        conversation("job two", {slow_tool({call("search_text", {{"query", "todo"}})}),
                                 slow_tool({call("finish", {{"summary", "two"}})})}),
        json{{"match", "use tau"},
             {"reply", {{"text", new_perimeter}, {"tokensPerSecond", 2000}}}}}}};
  Harness h(script);
  h.open(h.shapes, kShapes);
  std::string one = h.start_job("job one");
  std::string two = h.start_job("job two");
  ASSERT_TRUE(h.endpoint.wait_for_requests(2, 20s));
  int64_t edit_id = h.editor->send_request("workspace/executeCommand",
                                           json{{"command", "flint.inlineEdit"},
                                                {"arguments",
                                                 {{{"textDocument", {{"uri", h.shapes}}},
                                                   {"range",
                                                    {{"start", {{"line", 8}, {"character", 4}}},
                                                     {"end", {{"line", 8}, {"character", 4}}}}},
                                                   {"instruction", "use tau"}}}}});
  auto edit = h.editor->wait_response(edit_id);
  ASSERT_TRUE(edit) << h.editor->server_stderr();
  EXPECT_EQ((*edit)["result"]["state"], "done") << edit->dump();
  EXPECT_FALSE(job_final(*h.editor, one));  // the jobs were still running meanwhile
  EXPECT_FALSE(job_final(*h.editor, two));
  ASSERT_TRUE(h.wait_final(one));
  ASSERT_TRUE(h.wait_final(two));
  EXPECT_EQ((*h.state(one))["state"], "done");
  EXPECT_EQ((*h.state(two))["state"], "done");
  std::string shapes = kShapes;
  shapes.replace(shapes.find("def perimeter"),
                 std::string("def perimeter(r):\n    return 2 * math.pi * r\n").size(),
                 new_perimeter);
  EXPECT_EQ(h.editor->text(h.shapes), shapes);
  EXPECT_NE(h.editor->text(h.geometry).find("def report_area(r):"), std::string::npos);
  expect_progress_sequence(h.progress(one));
  expect_progress_sequence(h.progress(two));
}

TEST(Jobs, MaxConcurrentQueuesTheRest) {
  json settings{{"jobs",
                 {{"backend", "command"},
                  {"maxConcurrent", 1},
                  {"command",
                   {"sh", "-c",
                    "echo '{\"message\": \"on it\"}'; while [ ! -f go ]; do sleep 0.05; done"}}}}};
  Harness h(json::object(), with_settings(settings));
  std::string a = h.start_job("first");
  std::string b = h.start_job("second");
  ASSERT_TRUE(h.wait_message(a, "on it"));
  EXPECT_EQ((*h.state(b))["state"], "queued");
  EXPECT_TRUE(h.progress(b).empty());  // progress begins when it runs
  h.tmp.write("go", "");
  ASSERT_TRUE(h.wait_final(a));
  ASSERT_TRUE(h.wait_final(b));
  EXPECT_EQ((*h.state(b))["state"], "done");
  expect_progress_sequence(h.progress(b));
}

TEST(Jobs, WithoutWorkDoneProgressTheStartAndEndAreMessages) {
  json script{{"rules",
               {conversation("quiet job",
                             {tool_reply({call("finish", {{"summary", "nothing to do"}})})})}}};
  Harness h(script, [] {
    EditorOptions o;
    o.work_done_progress = false;
    return o;
  }());
  std::string id = h.start_job("quiet job");
  ASSERT_TRUE(h.wait_final(id));
  EXPECT_EQ((*h.state(id))["state"], "done");
  EXPECT_TRUE(h.progress(id).empty());
  auto messages = shown_messages(*h.editor);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0]["type"], 3);
  EXPECT_NE(messages[0]["message"].get<std::string>().find("quiet job"), std::string::npos);
  EXPECT_NE(messages[1]["message"].get<std::string>().find("nothing to do"), std::string::npos);
}

TEST(Jobs, ANonLocalInlineEditBecomesAJob) {
  json script{{"rules",
               {conversation("Handed over from an inline edit",
                             {tool_reply({call("finish", {{"summary", "merged"}})})})}}};
  Harness h(script);
  h.open(h.shapes, kShapes);
  json result = h.editor->execute(
      "flint.inlineEdit",
      json{{"textDocument", {{"uri", h.shapes}}},
           {"range",
            {{"start", {{"line", 3}, {"character", 0}}}, {"end", {{"line", 8}, {"character", 5}}}}},
           {"instruction", "merge these into one class"}});
  ASSERT_TRUE(result.contains("result")) << result.dump();
  EXPECT_EQ(result["result"]["state"], "escalated");
  ASSERT_TRUE(result["result"].contains("jobId")) << result.dump();
  std::string id = result["result"]["jobId"];
  ASSERT_TRUE(h.wait_final(id)) << h.editor->server_stderr();
  EXPECT_EQ((*h.state(id))["state"], "done");
  EXPECT_EQ((*h.state(id))["title"], "merge these into one class");
  auto requests = h.endpoint.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_NE(requests[0].body.find("merge these into one class"), std::string::npos);
  EXPECT_NE(requests[0].body.find("src/shapes.py, lines 4-9"), std::string::npos)
      << requests[0].body;
  EXPECT_NE(requests[0].body.find("def perimeter(r):"),
            std::string::npos);  // the region as context
}

}  // namespace
}  // namespace flint::jobs_e2e
