// Private files never reach a model, end to end: a workspace (a git repository) with each kind
// of private file — defaults (.env, a key), .flintignore (with a negation), a git-ignored
// folder in a nested .gitignore, a symlink to a private file — driven through scripted tool
// calls of the builtin agent on the loopback endpoint; inline edits, ghost text and code
// actions in a private file; and the command backend's task naming the exclusions.
#include <git2.h>

#include <filesystem>

#include "tests/e2e/jobs_harness.h"

namespace flint::jobs_e2e {
namespace {

// Each private file's text holds one of these; no request body may ever contain one.
const std::vector<std::string> kSecrets = {"ENV-hunter2", "KEY-0xDEADBEEF", "FLINTIGNORED-42",
                                           "GITIGNORED-77", "SETTING-EXCLUDED-9"};

void make_private_workspace(const TempWorkspace& tmp) {
  git_libgit2_init();
  git_repository* repo = nullptr;
  ASSERT_EQ(git_repository_init(&repo, tmp.root().c_str(), 0), 0);
  git_repository_free(repo);
  tmp.write(".env", "API_KEY=ENV-hunter2\n");
  tmp.write("deploy/id_rsa", "-----BEGIN OPENSSH PRIVATE KEY----- KEY-0xDEADBEEF\n");
  tmp.write(".flintignore", "# this project's own\nsecrets/*\n!secrets/README.md\n");
  tmp.write("secrets/token.txt", "token FLINTIGNORED-42\n");
  tmp.write("secrets/README.md", "secrets live here; ask ops\n");
  tmp.write("src/.gitignore", "build/\n!keep.txt\n");
  tmp.write("src/build/out.txt", "artifact GITIGNORED-77\n");
  tmp.write("src/keep.txt", "kept: public\n");
  tmp.write("data/customers.csv", "SETTING-EXCLUDED-9\n");
  std::filesystem::create_symlink(tmp.path(".env"), tmp.path("src/settings.txt"));
}

void expect_no_secret_in(const fake::FakeEndpoint& endpoint) {
  for (const auto& request : endpoint.requests()) {
    for (const auto& secret : kSecrets)
      EXPECT_EQ(request.body.find(secret), std::string::npos) << secret << " reached the model";
  }
}

// What the tools answered in the turn before this request: the tool messages after the last
// assistant message of an OpenAI chat body.
std::string last_tool_results(const std::string& body) {
  json messages = json::parse(body)["messages"];
  std::string out;
  for (const auto& m : messages) {
    if (m["role"] == "assistant") out.clear();
    if (m["role"] == "tool") out += m["content"].get<std::string>() + "\n";
  }
  return out;
}

json privacy_settings() {
  return json{{"privacy", {{"exclude", {"data/*.csv"}}}}};
}

// The most talkative log level: not even it may hold a private file's text.
EditorOptions tracing(EditorOptions options) {
  options.args = {"--log-level", "trace"};
  return options;
}

void expect_no_secret_in_log(EditorClient& editor, bool traced_model_traffic) {
  std::string log = editor.server_stderr();
  if (traced_model_traffic)
    EXPECT_NE(log.find("[trace]"), std::string::npos) << "not logging at trace level";
  for (const auto& secret : kSecrets) EXPECT_EQ(log.find(secret), std::string::npos) << secret;
}

TEST(Privacy, TheAgentsToolsRefuseSkipAndNameTheRule) {
  json script{
      {"rules",
       {conversation(
           "look everywhere",
           {tool_reply({call("read_file", {{"path", ".env"}}),
                        call("read_file", {{"path", "deploy/id_rsa"}}),
                        call("read_file", {{"path", "secrets/token.txt"}}),
                        call("read_file", {{"path", "src/build/out.txt"}}),
                        call("read_file", {{"path", "src/settings.txt"}}),
                        call("read_file", {{"path", "data/customers.csv"}}),
                        call("read_file", {{"path", "secrets/README.md"}}),
                        call("read_file", {{"path", "src/keep.txt"}})}),
            tool_reply({call("list_dir", {{"path", "."}}), call("list_dir", {{"path", "src"}}),
                        call("search_text", {{"query", "-"}})}),
            tool_reply({call("propose_edit",
                             {{"path", ".env"}, {"old_text", "API_KEY"}, {"new_text", "KEY"}})}),
            tool_reply({call("finish", {{"summary", "looked"}})})})}}};
  Harness h(script, tracing(with_settings(privacy_settings())));
  make_private_workspace(h.tmp);
  // An open private buffer is no way around it either.
  h.open(jobs::uri_from_path(h.tmp.path(".env")), "API_KEY=ENV-hunter2 (unsaved)\n");
  std::string id = h.start_job("look everywhere");
  ASSERT_TRUE(h.wait_final(id)) << h.editor->server_stderr();
  EXPECT_EQ((*h.state(id))["state"], "done") << h.state(id)->dump();
  EXPECT_TRUE(h.editor->applied_edits().empty());

  auto requests = h.endpoint.requests();
  ASSERT_EQ(requests.size(), 4u);
  expect_no_secret_in(h.endpoint);
  std::string reads = last_tool_results(requests[1].body);
  EXPECT_NE(reads.find("private by default (.env)"), std::string::npos) << reads;
  EXPECT_NE(reads.find("private by default (id_rsa*)"), std::string::npos);
  EXPECT_NE(reads.find("excluded by .flintignore:2 (secrets/*)"), std::string::npos);
  EXPECT_NE(reads.find("ignored by git"), std::string::npos);
  EXPECT_NE(reads.find("excluded by privacy.exclude (data/*.csv)"), std::string::npos);
  EXPECT_NE(reads.find("secrets live here"), std::string::npos);  // negated: public
  EXPECT_NE(reads.find("kept: public"), std::string::npos);
  std::string lists = last_tool_results(requests[2].body);
  EXPECT_EQ(lists.find(".env"), std::string::npos) << "list_dir shows a private file";
  EXPECT_EQ(lists.find("id_rsa"), std::string::npos);
  EXPECT_EQ(lists.find("settings.txt"), std::string::npos);
  EXPECT_EQ(lists.find("build/"), std::string::npos);
  EXPECT_NE(lists.find("keep.txt"), std::string::npos);
  EXPECT_NE(lists.find("secrets/"), std::string::npos);  // listed for its public README
  EXPECT_NE(last_tool_results(requests[3].body).find("private by default (.env)"),
            std::string::npos);
  expect_no_secret_in_log(*h.editor, true);
}

TEST(Privacy, InlineEditsGhostTextAndCodeActionsStayOutOfPrivateFiles) {
  json script{{"rules", json::array()}, {"default", {{"text", "MODEL WAS ASKED"}}}};
  EditorOptions options = with_settings(
      json{{"privacy", {{"exclude", {"data/*.csv"}}}}, {"completion", {{"enabled", true}}}});
  Harness h(script, tracing(options));
  make_private_workspace(h.tmp);
  std::string env = jobs::uri_from_path(h.tmp.path(".env"));
  std::string csv = jobs::uri_from_path(h.tmp.path("data/customers.csv"));
  h.open(env, "API_KEY=ENV-hunter2\n");
  h.open(csv, "SETTING-EXCLUDED-9\n");

  json edit = h.editor->execute("flint.inlineEdit", json{{"textDocument", {{"uri", env}}},
                                                         {"range", lsp_range(0, 0, 0, 0)},
                                                         {"instruction", "rotate the key"}});
  ASSERT_TRUE(edit.contains("error")) << edit.dump();
  EXPECT_NE(edit["error"]["message"].get<std::string>().find(
                ".env is private (private by default (.env))"),
            std::string::npos)
      << edit.dump();

  for (int i = 0; i < 3; ++i) {
    json ghost = h.editor->request("textDocument/inlineCompletion",
                                   json{{"textDocument", {{"uri", csv}}},
                                        {"position", {{"line", 0}, {"character", 5}}},
                                        {"context", {{"triggerKind", 1}}}});
    ASSERT_TRUE(ghost.contains("result")) << ghost.dump();
    EXPECT_TRUE(ghost["result"]["items"].empty()) << ghost.dump();
  }
  json actions = h.editor->request("textDocument/codeAction",
                                   json{{"textDocument", {{"uri", csv}}},
                                        {"range", lsp_range(0, 0, 0, 3)},
                                        {"context", {{"diagnostics", json::array()}}}});
  ASSERT_TRUE(actions.contains("result")) << actions.dump();
  EXPECT_TRUE(actions["result"].empty()) << actions.dump();
  h.editor->serve_for(100ms);

  EXPECT_TRUE(h.endpoint.requests().empty()) << "a model was asked";
  // Told once per file, not once per keystroke.
  int told = 0;
  for (const auto& m : shown_messages(*h.editor)) {
    std::string text = m["message"];
    if (text.find("customers.csv is private") != std::string::npos) ++told;
  }
  EXPECT_EQ(told, 1);
  expect_no_secret_in_log(*h.editor, false);
}

TEST(Privacy, TheCommandBackendIsToldWhatIsPrivate) {
  json settings = privacy_settings();
  settings["jobs"] = {{"backend", "command"},
                      {"command", {"sh", "-c", "cat > task.json; echo '{\"message\": \"read\"}'"}}};
  Harness h(json::object(), with_settings(settings));
  make_private_workspace(h.tmp);
  std::string env = jobs::uri_from_path(h.tmp.path(".env"));
  h.open(env, "API_KEY=ENV-hunter2\n");
  std::string id = h.start_job("tidy", {{"textDocument", {{"uri", env}}}});
  ASSERT_TRUE(h.wait_final(id)) << h.editor->server_stderr();
  json task = json::parse(h.tmp.read("task.json"));
  ASSERT_TRUE(task.contains("excluded")) << task.dump();
  const json& excluded = task["excluded"];
  EXPECT_EQ(excluded["files"],
            json::array({{{"path", ".env"}, {"why", "private by default (.env)"}}}));
  auto has_rule = [&](const std::string& rule) {
    for (const auto& r : excluded["rules"])
      if (r == rule) return true;
    return false;
  };
  EXPECT_TRUE(has_rule("default: .env"));
  EXPECT_TRUE(has_rule("privacy.exclude: data/*.csv"));
  EXPECT_TRUE(has_rule(h.tmp.path(".flintignore").string() + ":2: secrets/*"));
  EXPECT_EQ(excluded["gitIgnored"], true);
}

}  // namespace
}  // namespace flint::jobs_e2e
