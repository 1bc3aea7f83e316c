// The command backend with small shell scripts: its stdout lines become progress, its final
// {workspaceEdit} the result, a failure carries its stderr, and cancel ends the whole group.
#include "server/jobs/command_runner.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>

#include <asio/io_context.hpp>
#include <csignal>
#include <fstream>
#include <thread>

#include "server/jobs/workspace_edit.h"
#include "tests/unit/jobs/process_gone.h"
#include "tests/unit/jobs/temp_workspace.h"

namespace flint::jobs {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::TempWorkspace;

// Writing to a program that exited must not kill the test (flint-lsp ignores SIGPIPE too).
const bool kIgnoreSigpipe = [] {
  std::signal(SIGPIPE, SIG_IGN);
  return true;
}();

struct Run {
  std::vector<JobProgress> progress;
  std::optional<JobOutcome> outcome;
};

struct Rig {
  Rig() { (void)kIgnoreSigpipe; }
  std::unique_ptr<JobRunner> start(const std::string& script, std::string input = "{}\n") {
    CommandOptions options;
    options.argv = {"sh", "-c", script};
    options.cwd = tmp.root();
    options.input = std::move(input);
    options.kill_grace = 500ms;
    Workspace ws({tmp.root()});
    options.convert = [ws](const json& edit) { return file_edits_from_workspace_edit(edit, ws); };
    JobSink sink;
    sink.progress = [this](JobProgress p) { run.progress.push_back(std::move(p)); };
    sink.finish = [this](JobOutcome o) { run.outcome = std::move(o); };
    return start_command(io.get_executor(), std::move(sink), std::move(options));
  }
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 30s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io.restart();
      io.run_for(10ms);
    }
    return done();
  }
  TempWorkspace tmp;
  asio::io_context io;
  Run run;
};

pid_t read_pid(const TempWorkspace& tmp, const std::string& name) {
  std::string text = tmp.read(name);
  return text.empty() ? -1 : static_cast<pid_t>(std::stol(text));
}

TEST(CommandRunner, LinesBecomeProgressAndTheLastEditTheResult) {
  Rig rig;
  rig.tmp.write("a.txt", "one\ntwo\n");
  std::string uri = uri_from_path(rig.tmp.path("a.txt"));
  json edit{{"changes",
             {{uri, json::array({{{"range",
                                   {{"start", {{"line", 1}, {"character", 0}}},
                                    {"end", {{"line", 1}, {"character", 3}}}}},
                                  {"newText", "TWO"}}})}}}};
  std::string script =
      "cat > input.json; pwd > cwd.txt\n"
      "echo '{\"message\": \"reading\", \"percentage\": 10}'\n"
      "echo 'thinking about it'\n"
      "echo '{\"percentage\": 60}'\n"
      "echo '" +
      json{{"workspaceEdit", edit}}.dump() + "'\n";
  auto runner = rig.start(script, R"({"instruction":"up"})"
                                  "\n");
  ASSERT_TRUE(rig.run_until([&] { return rig.run.outcome.has_value(); }));
  ASSERT_TRUE(rig.run.outcome->ok) << rig.run.outcome->error;
  ASSERT_EQ(rig.run.outcome->edits.size(), 1u);
  const FileEdit& fe = rig.run.outcome->edits[0];
  EXPECT_EQ(apply_replacements(fe.base_text, fe.replacements), "one\nTWO\n");
  ASSERT_EQ(rig.run.progress.size(), 3u);
  EXPECT_EQ(*rig.run.progress[0].message, "reading");
  EXPECT_EQ(*rig.run.progress[0].percentage, 10);
  EXPECT_EQ(*rig.run.progress[1].message, "thinking about it");
  EXPECT_FALSE(rig.run.progress[2].message);
  EXPECT_EQ(*rig.run.progress[2].percentage, 60);
  EXPECT_EQ(rig.tmp.read("input.json"), R"({"instruction":"up"})"
                                        "\n");
  EXPECT_EQ(rig.tmp.read("cwd.txt"), rig.tmp.root().string() + "\n");
}

TEST(CommandRunner, PercentagesOutOfRangeAreClampedToZeroToHundred) {
  Rig rig;
  auto runner = rig.start(
      "echo '{\"percentage\": 1e300}'; echo '{\"percentage\": -7.5}'; "
      "echo '{\"percentage\": 42.9}'; echo '{\"percentage\": -1e300}'",
      "{}\n");
  ASSERT_TRUE(rig.run_until([&] { return rig.run.outcome.has_value(); }));
  ASSERT_EQ(rig.run.progress.size(), 4u);
  EXPECT_EQ(*rig.run.progress[0].percentage, 100);
  EXPECT_EQ(*rig.run.progress[1].percentage, 0);
  EXPECT_EQ(*rig.run.progress[2].percentage, 42);
  EXPECT_EQ(*rig.run.progress[3].percentage, 0);
}

TEST(CommandRunner, NonZeroExitFailsWithTheStderrTail) {
  Rig rig;
  auto runner = rig.start("echo 'working'; echo 'agent: API key missing' >&2; exit 3");
  ASSERT_TRUE(rig.run_until([&] { return rig.run.outcome.has_value(); }));
  EXPECT_FALSE(rig.run.outcome->ok);
  EXPECT_NE(rig.run.outcome->error.find("exited with status 3"), std::string::npos)
      << rig.run.outcome->error;
  EXPECT_NE(rig.run.outcome->error.find("API key missing"), std::string::npos)
      << rig.run.outcome->error;
}

TEST(CommandRunner, AnEditOutsideTheWorkspaceIsRefused) {
  Rig rig;
  json edit{{"changes", {{"file:///etc/passwd", json::array()}}}};
  auto runner = rig.start("echo '" + json{{"workspaceEdit", edit}}.dump() + "'");
  ASSERT_TRUE(rig.run_until([&] { return rig.run.outcome.has_value(); }));
  EXPECT_FALSE(rig.run.outcome->ok);
  EXPECT_NE(rig.run.outcome->error.find("outside the workspace"), std::string::npos)
      << rig.run.outcome->error;
}

TEST(CommandRunner, CancelKillsTheWholeProcessGroup) {
  Rig rig;
  // The program starts a child that would outlive it, and waits.
  auto runner =
      rig.start("sleep 300 & echo $! > child.pid; echo $$ > leader.pid; echo started; wait");
  ASSERT_TRUE(rig.run_until([&] { return !rig.run.progress.empty(); }));
  pid_t child = read_pid(rig.tmp, "child.pid");
  pid_t leader = read_pid(rig.tmp, "leader.pid");
  ASSERT_GT(child, 0);
  ASSERT_GT(leader, 0);
  EXPECT_EQ(::getpgid(child), leader);  // the child is in the group the program leads
  EXPECT_NE(::getpgid(leader), ::getpgid(0));
  runner->cancel();
  EXPECT_TRUE(
      rig.run_until([&] { return test::process_gone(child) && test::process_gone(leader); }, 20s));
  rig.run_until([] { return false; }, 300ms);
  EXPECT_FALSE(rig.run.outcome);  // no report after a cancel
}

TEST(CommandRunner, ATermIgnoringGroupIsKilledAfterTheGrace) {
  Rig rig;
  auto runner = rig.start(
      "trap '' TERM; sh -c 'trap \"\" TERM; sleep 300' & echo $! > child.pid; echo started; wait");
  ASSERT_TRUE(rig.run_until([&] { return !rig.run.progress.empty(); }));
  pid_t child = read_pid(rig.tmp, "child.pid");
  ASSERT_GT(child, 0);
  runner->cancel();
  EXPECT_TRUE(rig.run_until([&] { return test::process_gone(child); }, 20s));
}

TEST(CommandRunner, FinishesWhenTheProgramExitsLeavingAChildBehind) {
  Rig rig;
  auto start = std::chrono::steady_clock::now();
  auto runner = rig.start("sleep 300 & echo $! > child.pid; echo '{\"message\": \"bye\"}'; exit 0");
  ASSERT_TRUE(rig.run_until([&] { return rig.run.outcome.has_value(); }));
  EXPECT_TRUE(rig.run.outcome->ok);
  EXPECT_TRUE(rig.run.outcome->edits.empty());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 20s);
  pid_t child = read_pid(rig.tmp, "child.pid");
  ASSERT_GT(child, 0);
  EXPECT_TRUE(rig.run_until([&] { return test::process_gone(child); }, 20s));
}

TEST(CommandRunner, AMissingProgramCannotStart) {
  Rig rig;
  CommandOptions options;
  options.argv = {"/nonexistent/flint-agent"};
  options.cwd = rig.tmp.root();
  EXPECT_THROW(start_command(rig.io.get_executor(), JobSink{}, options), std::runtime_error);
  options.argv = {};
  EXPECT_THROW(start_command(rig.io.get_executor(), JobSink{}, options), std::runtime_error);
}

TEST(CommandRunner, KillNowEndsAtOnce) {
  Rig rig;
  auto runner = rig.start("sleep 300 & echo $! > child.pid; echo started; wait");
  ASSERT_TRUE(rig.run_until([&] { return !rig.run.progress.empty(); }));
  pid_t child = read_pid(rig.tmp, "child.pid");
  runner->kill_now();
  runner.reset();
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!test::process_gone(child) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(test::process_gone(child));
}

}  // namespace
}  // namespace flint::jobs
