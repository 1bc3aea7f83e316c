// End-to-end agent jobs: real flint-lsp over pipes, a scripted editor with a real workspace
// folder on disk, and the loopback model endpoint playing multi-step tool-call conversations.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <map>
#include <thread>

#include "protocol/position_encoding.h"
#include "server/jobs/workspace.h"
#include "tests/fake_endpoint/fake_endpoint.h"
#include "tests/support/lsp_process.h"
#include "tests/unit/jobs/temp_workspace.h"

namespace flint {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::LspProcess;
using testing::TempWorkspace;

// An editor with a workspace folder (EditorClient's root is fixed): it opens documents,
// applies flint's workspace/applyEdit like VS Code (stale versions refused; files that are not
// open are opened from disk first, which sends didOpen), answers progress creation and
// configuration, and records everything.
struct JobsEditorOptions {
  std::vector<std::string> env;
  std::string workspace_uri;
  bool work_done_progress = true;
  json initialization_options = json::object();
};

class JobsEditor {
 public:
  explicit JobsEditor(JobsEditorOptions options) : options_(std::move(options)) {
    process_ = std::make_unique<LspProcess>(
        std::vector<std::string>{FLINT_LSP, "--log-level", "debug"}, options_.env);
    json caps{{"general", {{"positionEncodings", {"utf-16"}}}},
              {"workspace", {{"applyEdit", true}, {"workspaceEdit", {{"documentChanges", true}}}}},
              {"window", {{"workDoneProgress", options_.work_done_progress}}}};
    json params{{"processId", nullptr},
                {"rootUri", options_.workspace_uri},
                {"workspaceFolders", {{{"uri", options_.workspace_uri}, {"name", "ws"}}}},
                {"capabilities", caps},
                {"initializationOptions", options_.initialization_options}};
    json init = request("initialize", params);
    if (!init.contains("result")) throw std::runtime_error("initialize failed: " + init.dump());
    commands_ = init["result"]["capabilities"]["executeCommandProvider"]["commands"];
    process_->notify("initialized", json::object());
  }

  void open(const std::string& uri, const std::string& text) {
    docs_[uri] = Doc{text, 1};
    process_->notify(
        "textDocument/didOpen",
        json{{"textDocument",
              {{"uri", uri}, {"languageId", "python"}, {"version", 1}, {"text", text}}}});
  }
  void type(const std::string& uri, int line, int character, int end_line, int end_character,
            const std::string& text) {
    Doc& doc = docs_.at(uri);
    json range{{"start", {{"line", line}, {"character", character}}},
               {"end", {{"line", end_line}, {"character", end_character}}}};
    replace(doc, range, text);
    ++doc.version;
    process_->notify("textDocument/didChange",
                     json{{"textDocument", {{"uri", uri}, {"version", doc.version}}},
                          {"contentChanges", {{{"range", range}, {"text", text}}}}});
  }
  bool is_open(const std::string& uri) const { return docs_.count(uri) > 0; }
  const std::string& text(const std::string& uri) { return docs_.at(uri).text; }

  int64_t send(const std::string& method, json params) {
    int64_t id = next_id_++;
    process_->send(
        json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    return id;
  }
  json wait_response(int64_t id, std::chrono::milliseconds timeout = 60s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!responses_.count(id)) {
      if (!serve_one(deadline))
        throw std::runtime_error("no response " + std::to_string(id) + "\n" + stderr_text());
    }
    return responses_[id];
  }
  json request(const std::string& method, json params) {
    return wait_response(send(method, std::move(params)));
  }
  json execute(const std::string& command, json argument) {
    return request("workspace/executeCommand",
                   json{{"command", command}, {"arguments", {std::move(argument)}}});
  }
  void notify(const std::string& method, json params) {
    process_->notify(method, std::move(params));
  }

  // Serves until `pred` holds over what was received, or the timeout passes.
  bool serve_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 60s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
      if (!serve_one(deadline)) return pred();
    }
    return true;
  }
  void serve_for(std::chrono::milliseconds d) {
    auto deadline = std::chrono::steady_clock::now() + d;
    while (serve_one(deadline)) {
    }
  }

  // What the server sent, in order: notifications and its requests.
  const std::vector<json>& received() const { return received_; }
  const std::vector<json>& applied() const { return applied_; }
  const json& commands() const { return commands_; }
  std::string stderr_text() { return process_->stderr_text(); }

  std::optional<json> job_state(const std::string& id) const {
    std::optional<json> last;
    for (const auto& m : received_) {
      if (m["method"] == "flint/jobChanged" && m["params"]["jobId"] == id) last = m["params"];
    }
    return last;
  }
  bool job_final(const std::string& id) const {
    auto s = job_state(id);
    return s &&
           ((*s)["state"] == "done" || (*s)["state"] == "failed" || (*s)["state"] == "cancelled");
  }
  // The $/progress kinds of one job, with "create" for the token's creation request.
  std::vector<std::string> progress_of(const std::string& id) const {
    std::vector<std::string> kinds;
    for (const auto& m : received_) {
      if (m["method"] == "window/workDoneProgress/create" &&
          m["params"]["token"] == "flint/" + id) {
        kinds.push_back("create");
      }
      if (m["method"] == "$/progress" && m["params"]["token"] == "flint/" + id) {
        kinds.push_back(m["params"]["value"]["kind"]);
      }
    }
    return kinds;
  }
  std::vector<json> messages() const {
    std::vector<json> out;
    for (const auto& m : received_) {
      if (m["method"] == "window/showMessage") out.push_back(m["params"]);
    }
    return out;
  }

  void shutdown() {
    request("shutdown", nullptr);
    process_->notify("exit", nullptr);
    process_->wait_exit(20s);
  }

 private:
  struct Doc {
    std::string text;
    int64_t version = 0;
  };

  bool serve_one(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    auto message = process_->next(left);
    if (!message) return false;
    handle(*message);
    return true;
  }

  void handle(const json& m) {
    if (m.contains("method")) {
      received_.push_back(m);
      if (!m.contains("id")) return;
      json result = nullptr;
      if (m["method"] == "workspace/applyEdit") {
        result = apply(m["params"]);
      } else if (m["method"] == "workspace/configuration") {
        result = json::array({json::object()});
      }
      process_->send(json{{"jsonrpc", "2.0"}, {"id", m["id"]}, {"result", result}});
      return;
    }
    if (m.contains("id") && m["id"].is_number_integer()) responses_[m["id"].get<int64_t>()] = m;
  }

  json apply(const json& params) {
    const json& edit = params["edit"];
    for (const json& change : edit.value("documentChanges", json::array())) {
      std::string uri = change["textDocument"]["uri"];
      if (!docs_.count(uri)) {
        // VS Code opens a file it edits that is not open yet.
        auto path = jobs::path_from_uri(uri);
        std::ifstream in(*path, std::ios::binary);
        if (!in) return json{{"applied", false}, {"failureReason", "no such file " + uri}};
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        open(uri, text);
      }
      const json& version = change["textDocument"]["version"];
      if (!version.is_null() && version.get<int64_t>() != docs_[uri].version) {
        return json{{"applied", false}, {"failureReason", "version mismatch on " + uri}};
      }
    }
    for (const json& change : edit.value("documentChanges", json::array())) {
      std::string uri = change["textDocument"]["uri"];
      Doc& doc = docs_[uri];
      std::vector<json> edits(change["edits"].begin(), change["edits"].end());
      json content_changes = json::array();
      for (auto e = edits.rbegin(); e != edits.rend(); ++e) {
        replace(doc, (*e)["range"], (*e)["newText"]);
        content_changes.push_back({{"range", (*e)["range"]}, {"text", (*e)["newText"]}});
      }
      ++doc.version;
      process_->notify("textDocument/didChange",
                       json{{"textDocument", {{"uri", uri}, {"version", doc.version}}},
                            {"contentChanges", content_changes}});
    }
    applied_.push_back(params);
    return json{{"applied", true}};
  }

  static size_t offset(const std::string& text, const json& position) {
    uint32_t line = position["line"];
    size_t start = 0;
    for (uint32_t l = 0; l < line; ++l) {
      size_t nl = text.find('\n', start);
      if (nl == std::string::npos) return text.size();
      start = nl + 1;
    }
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    return start + protocol::byte_of_character(std::string_view(text).substr(start, end - start),
                                               position["character"],
                                               protocol::PositionEncoding::Utf16);
  }
  static void replace(Doc& doc, const json& range, const std::string& text) {
    size_t a = offset(doc.text, range["start"]);
    size_t b = offset(doc.text, range["end"]);
    doc.text.replace(a, b - a, text);
  }

  JobsEditorOptions options_;
  std::unique_ptr<LspProcess> process_;
  std::map<std::string, Doc> docs_;
  std::map<int64_t, json> responses_;
  std::vector<json> received_;
  std::vector<json> applied_;
  json commands_;
  int64_t next_id_ = 1;
};

const std::string kShapes =
    "import math\n"
    "\n"
    "\n"
    "def area(r):\n"
    "    return math.pi * r * r\n"
    "\n"
    "\n"
    "def perimeter(r):\n"
    "    return 2 * math.pi * r\n";

const std::string kGeometry =
    "from shapes import area\n"
    "\n"
    "\n"
    "def report(r):\n"
    "    print(area(r))\n";

json range_json(int l1, int c1, int l2, int c2) {
  return json{{"start", {{"line", l1}, {"character", c1}}},
              {"end", {{"line", l2}, {"character", c2}}}};
}

JobsEditorOptions with_settings(json initialization_options) {
  JobsEditorOptions options;
  options.initialization_options = std::move(initialization_options);
  return options;
}

json call(const std::string& name, json arguments) {
  return json{{"name", name}, {"arguments", std::move(arguments)}};
}
json tool_reply(std::vector<json> calls) {
  return json{{"toolCalls", std::move(calls)}};
}
json conversation(const std::string& match, std::vector<json> replies) {
  return json{{"match", match}, {"replies", std::move(replies)}};
}

struct Harness {
  explicit Harness(json script, JobsEditorOptions options = {}) : endpoint(std::move(script)) {
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
    options.workspace_uri = jobs::uri_from_path(tmp.root());
    editor = std::make_unique<JobsEditor>(std::move(options));
  }
  std::string start_job(const std::string& instruction, json extra = json::object()) {
    json args{{"instruction", instruction}};
    args.update(extra);
    json r = editor->execute("flint.agentTask", args);
    if (!r.contains("result")) throw std::runtime_error("agentTask: " + r.dump());
    return r["result"]["jobId"];
  }
  // The final state, and the end of the job's progress when it has one (an end waits for the
  // token's creation to be answered, so it may come after the state).
  bool wait_final(const std::string& id, std::chrono::milliseconds timeout = 60s) {
    return editor->serve_until(
        [&] {
          auto progress = editor->progress_of(id);
          return editor->job_final(id) && (progress.empty() || progress.back() == "end");
        },
        timeout);
  }
  TempWorkspace tmp;
  fake::FakeEndpoint endpoint;
  std::string shapes, geometry;
  std::unique_ptr<JobsEditor> editor;
};

// begin -> report* -> end, exactly once, after the token was created.
void expect_progress_sequence(const std::vector<std::string>& kinds) {
  ASSERT_GE(kinds.size(), 3u) << ::testing::PrintToString(kinds);
  EXPECT_EQ(kinds[0], "create");
  EXPECT_EQ(kinds[1], "begin");
  EXPECT_EQ(kinds.back(), "end");
  for (size_t i = 2; i + 1 < kinds.size(); ++i)
    EXPECT_EQ(kinds[i], "report") << ::testing::PrintToString(kinds);
}

TEST(Jobs, AdvertisesTheCommands) {
  Harness h(json{{"rules", json::array()}});
  std::vector<std::string> commands = h.editor->commands();
  EXPECT_NE(std::find(commands.begin(), commands.end(), "flint.agentTask"), commands.end());
  EXPECT_NE(std::find(commands.begin(), commands.end(), "flint.cancelJob"), commands.end());
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
  h.editor->open(h.shapes, kShapes);
  std::string id = h.start_job("rename area to surface", {{"textDocument", {{"uri", h.shapes}}}});
  EXPECT_EQ(id, "job-1");
  ASSERT_TRUE(h.wait_final(id)) << h.editor->stderr_text();
  auto state = h.editor->job_state(id);
  EXPECT_EQ((*state)["state"], "done") << state->dump();
  EXPECT_NE((*state)["summary"].get<std::string>().find("2 files changed"), std::string::npos)
      << state->dump();

  // One applyEdit across both files, labelled, asking for confirmation.
  ASSERT_EQ(h.editor->applied().size(), 1u);
  const json& params = h.editor->applied()[0];
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

  expect_progress_sequence(h.editor->progress_of(id));
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
  ASSERT_TRUE(h.wait_final(id)) << h.editor->stderr_text();
  EXPECT_EQ((*h.editor->job_state(id))["state"], "done");
  auto requests = h.endpoint.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_NE(requests[1].body.find("outside the workspace"), std::string::npos) << requests[1].body;
  EXPECT_EQ(requests[1].body.find("root:x:0:0"), std::string::npos);
  EXPECT_NE(requests[3].body.find("nothing here"), std::string::npos);
  EXPECT_TRUE(h.editor->applied().empty());
  expect_progress_sequence(h.editor->progress_of(id));
}

TEST(Jobs, AModelFailureEndsTheProgressOnce) {
  json script{
      {"rules",
       {json{{"match", "doomed"}, {"reply", {{"status", 401}, {"errorMessage", "bad key"}}}}}}};
  Harness h(script);
  std::string id = h.start_job("doomed task");
  ASSERT_TRUE(h.wait_final(id)) << h.editor->stderr_text();
  auto state = *h.editor->job_state(id);
  EXPECT_EQ(state["state"], "failed");
  EXPECT_NE(state["summary"].get<std::string>().find("agent model"), std::string::npos)
      << state.dump();
  expect_progress_sequence(h.editor->progress_of(id));
  h.editor->serve_for(300ms);
  expect_progress_sequence(h.editor->progress_of(id));
}

TEST(Jobs, StepBoundFailsTheJobWithoutEditing) {
  std::vector<json> replies;
  for (int i = 0; i < 5; ++i) replies.push_back(tool_reply({call("list_dir", {{"path", "."}})}));
  Harness h(json{{"rules", {conversation("never ends", replies)}}},
            with_settings({{"jobs", {{"maxSteps", 3}}}}));
  std::string id = h.start_job("never ends");
  ASSERT_TRUE(h.wait_final(id));
  auto state = *h.editor->job_state(id);
  EXPECT_EQ(state["state"], "failed");
  EXPECT_NE(state["summary"].get<std::string>().find("3 steps"), std::string::npos) << state.dump();
  EXPECT_EQ(h.endpoint.requests().size(), 3u);
}

json command_settings(const std::string& script) {
  return json{{"jobs", {{"backend", "command"}, {"command", {"sh", "-c", script}}}}};
}

bool gone(pid_t pid) {
  if (::kill(pid, 0) != 0) return true;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z';
}

TEST(Jobs, CancelKillsTheCommandsProcessGroup) {
  Harness h(json::object(), with_settings(command_settings(
                                "cat > task.json; sleep 300 & echo $! > child.pid; "
                                "echo '{\"message\": \"working\", \"percentage\": 5}'; wait")));
  h.editor->open(h.shapes, kShapes);
  std::string id = h.start_job(
      "long haul", {{"textDocument", {{"uri", h.shapes}}}, {"range", range_json(3, 0, 4, 5)}});
  ASSERT_TRUE(h.editor->serve_until([&] {
    auto s = h.editor->job_state(id);
    return s && s->value("message", "") == "working";
  })) << h.editor->stderr_text();
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
    dead = gone(child);
    if (!dead) h.editor->serve_for(50ms);
  }
  EXPECT_TRUE(dead);
  ASSERT_TRUE(h.wait_final(id));
  expect_progress_sequence(h.editor->progress_of(id));
  EXPECT_EQ((*h.editor->job_state(id))["state"], "cancelled");
  json unknown = h.editor->execute("flint.cancelJob", json{{"jobId", "job-77"}});
  EXPECT_EQ(unknown["error"]["code"], -32602);
}

TEST(Jobs, ProgressCancelFromTheEditorStopsTheJob) {
  Harness h(json::object(),
            with_settings(command_settings("echo '{\"message\": \"busy\"}'; sleep 300")));
  std::string id = h.start_job("cancel me from the status bar");
  ASSERT_TRUE(h.editor->serve_until([&] {
    auto s = h.editor->job_state(id);
    return s && s->value("message", "") == "busy";
  }));
  h.editor->notify("window/workDoneProgress/cancel", json{{"token", "flint/" + id}});
  ASSERT_TRUE(h.wait_final(id, 30s));
  EXPECT_EQ((*h.editor->job_state(id))["state"], "cancelled");
  expect_progress_sequence(h.editor->progress_of(id));
}

// A command that says it is thinking, waits for the test's go-ahead (a file named "go"), then
// prints the result the test left in edit.json.
const char* kGatedEditScript =
    "echo '{\"message\": \"thinking\"}'; while [ ! -f go ]; do sleep 0.05; done; cat edit.json";

TEST(Jobs, CommandResultIsRebasedOverTheUsersTyping) {
  Harness h(json::object(), with_settings(command_settings(kGatedEditScript)));
  json edit{
      {"changes",
       {{h.shapes,
         {{{"range",
            {{"start", {{"line", 4}, {"character", 0}}}, {"end", {{"line", 5}, {"character", 0}}}}},
           {"newText", "    return math.pi * r ** 2\n"}}}}}}};
  h.tmp.write("edit.json", json{{"workspaceEdit", edit}}.dump() + "\n");
  h.editor->open(h.shapes, kShapes);
  std::string id = h.start_job("square it");
  ASSERT_TRUE(h.editor->serve_until([&] {
    auto s = h.editor->job_state(id);
    return s && s->value("message", "") == "thinking";
  }));
  // The person types above the region meanwhile: the edit lands where the line is now.
  h.editor->type(h.shapes, 0, 0, 0, 0, "# typed while the job ran\n");
  h.editor->serve_for(100ms);
  h.tmp.write("go", "");
  ASSERT_TRUE(h.wait_final(id)) << h.editor->stderr_text();
  EXPECT_EQ((*h.editor->job_state(id))["state"], "done") << h.editor->job_state(id)->dump();
  std::string expected = "# typed while the job ran\n" + kShapes;
  expected.replace(expected.find("    return math.pi * r * r\n"), 27,
                   "    return math.pi * r ** 2\n");
  EXPECT_EQ(h.editor->text(h.shapes), expected);
  ASSERT_EQ(h.editor->applied().size(), 1u);
  EXPECT_EQ(h.editor->applied()[0]["edit"]["documentChanges"][0]["textDocument"]["version"], 2);
}

TEST(Jobs, AnEditWhoseLinesTheUserChangedIsReportedNotApplied) {
  Harness h(json::object(), with_settings(command_settings(kGatedEditScript)));
  json edit{
      {"changes",
       {{h.shapes,
         {{{"range",
            {{"start", {{"line", 4}, {"character", 0}}}, {"end", {{"line", 5}, {"character", 0}}}}},
           {"newText", "    return math.pi * r ** 2\n"}}}}}}};
  h.tmp.write("edit.json", json{{"workspaceEdit", edit}}.dump() + "\n");
  h.editor->open(h.shapes, kShapes);
  std::string id = h.start_job("square it");
  ASSERT_TRUE(h.editor->serve_until([&] {
    auto s = h.editor->job_state(id);
    return s && s->value("message", "") == "thinking";
  }));
  h.editor->type(h.shapes, 4, 11, 4, 18, "3.14159");  // the very line the job rewrites
  std::string typed = h.editor->text(h.shapes);
  h.tmp.write("go", "");
  ASSERT_TRUE(h.wait_final(id));
  auto state = *h.editor->job_state(id);
  EXPECT_EQ(state["state"], "failed");
  EXPECT_NE(state["summary"].get<std::string>().find("shapes.py changed since the job read it"),
            std::string::npos)
      << state.dump();
  EXPECT_TRUE(h.editor->applied().empty());
  EXPECT_EQ(h.editor->text(h.shapes), typed);
  expect_progress_sequence(h.editor->progress_of(id));
}

TEST(Jobs, ACommandThatFailsReportsItsStderr) {
  Harness h(json::object(),
            with_settings(command_settings("echo 'agent-cli: not logged in' >&2; exit 2")));
  std::string id = h.start_job("anything");
  ASSERT_TRUE(h.wait_final(id));
  auto state = *h.editor->job_state(id);
  EXPECT_EQ(state["state"], "failed");
  EXPECT_NE(state["summary"].get<std::string>().find("not logged in"), std::string::npos)
      << state.dump();
  expect_progress_sequence(h.editor->progress_of(id));
}

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
  h.editor->open(h.shapes, kShapes);
  std::string one = h.start_job("job one");
  std::string two = h.start_job("job two");
  ASSERT_TRUE(h.endpoint.wait_for_requests(2, 20s));
  int64_t edit_id = h.editor->send("workspace/executeCommand",
                                   json{{"command", "flint.inlineEdit"},
                                        {"arguments",
                                         {{{"textDocument", {{"uri", h.shapes}}},
                                           {"range",
                                            {{"start", {{"line", 8}, {"character", 4}}},
                                             {"end", {{"line", 8}, {"character", 4}}}}},
                                           {"instruction", "use tau"}}}}});
  json edit = h.editor->wait_response(edit_id);
  EXPECT_EQ(edit["result"]["state"], "done") << edit.dump();
  EXPECT_FALSE(h.editor->job_final(one));  // the jobs were still running meanwhile
  EXPECT_FALSE(h.editor->job_final(two));
  ASSERT_TRUE(h.wait_final(one));
  ASSERT_TRUE(h.wait_final(two));
  EXPECT_EQ((*h.editor->job_state(one))["state"], "done");
  EXPECT_EQ((*h.editor->job_state(two))["state"], "done");
  std::string shapes = kShapes;
  shapes.replace(shapes.find("def perimeter"),
                 std::string("def perimeter(r):\n    return 2 * math.pi * r\n").size(),
                 new_perimeter);
  EXPECT_EQ(h.editor->text(h.shapes), shapes);
  EXPECT_NE(h.editor->text(h.geometry).find("def report_area(r):"), std::string::npos);
  expect_progress_sequence(h.editor->progress_of(one));
  expect_progress_sequence(h.editor->progress_of(two));
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
  ASSERT_TRUE(h.editor->serve_until([&] {
    auto s = h.editor->job_state(a);
    return s && s->value("message", "") == "on it";
  }));
  EXPECT_EQ((*h.editor->job_state(b))["state"], "queued");
  EXPECT_TRUE(h.editor->progress_of(b).empty());  // progress begins when it runs
  h.tmp.write("go", "");
  ASSERT_TRUE(h.wait_final(a));
  ASSERT_TRUE(h.wait_final(b));
  EXPECT_EQ((*h.editor->job_state(b))["state"], "done");
  expect_progress_sequence(h.editor->progress_of(b));
}

TEST(Jobs, WithoutWorkDoneProgressTheStartAndEndAreMessages) {
  json script{{"rules",
               {conversation("quiet job",
                             {tool_reply({call("finish", {{"summary", "nothing to do"}})})})}}};
  Harness h(script, [] {
    JobsEditorOptions o;
    o.work_done_progress = false;
    return o;
  }());
  std::string id = h.start_job("quiet job");
  ASSERT_TRUE(h.wait_final(id));
  EXPECT_EQ((*h.editor->job_state(id))["state"], "done");
  EXPECT_TRUE(h.editor->progress_of(id).empty());
  auto messages = h.editor->messages();
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
  h.editor->open(h.shapes, kShapes);
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
  ASSERT_TRUE(h.wait_final(id)) << h.editor->stderr_text();
  EXPECT_EQ((*h.editor->job_state(id))["state"], "done");
  EXPECT_EQ((*h.editor->job_state(id))["title"], "merge these into one class");
  auto requests = h.endpoint.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_NE(requests[0].body.find("merge these into one class"), std::string::npos);
  EXPECT_NE(requests[0].body.find("src/shapes.py, lines 4-9"), std::string::npos)
      << requests[0].body;
  EXPECT_NE(requests[0].body.find("def perimeter(r):"),
            std::string::npos);  // the region as context
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
}  // namespace flint
