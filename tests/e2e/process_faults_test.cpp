// Faults of the process around flint, over real pipes: the editor dying without shutdown, the
// editor closing flint's stdout, the log file's disk full. flint must end (or keep serving)
// cleanly: no orphan, no SIGPIPE death, no lost requests.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "protocol/framing.h"
#include "tests/support/lsp_process.h"

extern char** environ;

namespace flint {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// A stand-in for the editor's process: `sleep`, killed by the test.
pid_t spawn_sleeper() {
  pid_t pid = -1;
  const char* argv[] = {"sleep", "60", nullptr};
  posix_spawnp(&pid, "sleep", nullptr, nullptr, const_cast<char**>(argv), environ);
  return pid;
}

json initialize_params(int64_t process_id) {
  return json{{"processId", process_id}, {"rootUri", nullptr}, {"capabilities", json::object()}};
}

// The process's state letter from /proc ('Z' for a zombie), or 0 when it is gone.
char process_state(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("State:", 0) == 0 && line.size() > 7) return line[7];
  }
  return 0;
}

// The children of `pid` (every thread's), from /proc.
std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& task :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream children(task.path() / "children");
    pid_t child = 0;
    while (children >> child) out.push_back(child);
  }
  return out;
}

TEST(ProcessFaults, TheEditorDyingWithoutShutdownEndsFlintWithinASecondAndItsJobs) {
  pid_t editor = spawn_sleeper();
  ASSERT_GT(editor, 0);
  char root_template[] = "/tmp/flint-faults-XXXXXX";
  ASSERT_NE(::mkdtemp(root_template), nullptr);
  std::string root = root_template;
  test::LspProcess flint({FLINT_LSP});
  json params = initialize_params(editor);
  params["rootUri"] = "file://" + root;
  // An agent job whose command runs until it is killed: it must not outlive flint.
  params["initializationOptions"] = {
      {"jobs", {{"backend", "command"}, {"command", {"sh", "-c", "sleep 60"}}}}};
  json init = flint.request("initialize", params);
  ASSERT_TRUE(init.contains("result")) << init.dump();
  flint.notify("initialized", json::object());
  json job = flint.request(
      "workspace/executeCommand",
      {{"command", "flint.agentTask"}, {"arguments", {{{"instruction", "wait for ever"}}}}});
  ASSERT_TRUE(job.contains("result")) << job.dump();
  std::vector<pid_t> children;
  for (int i = 0; i < 100 && children.empty(); ++i) {
    std::this_thread::sleep_for(milliseconds(20));
    children = children_of(flint.pid());
  }
  ASSERT_FALSE(children.empty()) << "the job's command did not start";
  EXPECT_TRUE(flint.running());

  ::kill(editor, SIGKILL);
  auto killed = Clock::now();
  ::waitpid(editor, nullptr, 0);
  int code = flint.wait_exit(milliseconds(3000));
  auto took = Clock::now() - killed;
  EXPECT_EQ(code, 1) << "no shutdown came first: exit code 1 (LSP)";
  EXPECT_LT(took, milliseconds(1000))
      << "took " << std::chrono::duration_cast<milliseconds>(took).count() << " ms";
  EXPECT_NE(flint.stderr_text().find("gone without shutdown"), std::string::npos)
      << flint.stderr_text();
  for (pid_t child : children) {
    char state = process_state(child);
    EXPECT_TRUE(state == 0 || state == 'Z') << "job process " << child << " left running";
  }
  std::filesystem::remove_all(root);
}

TEST(ProcessFaults, AProcessIdThatDoesNotExistIsNotTakenForADeadEditor) {
  pid_t gone = spawn_sleeper();
  ::kill(gone, SIGKILL);
  ::waitpid(gone, nullptr, 0);
  test::LspProcess flint({FLINT_LSP});
  json init = flint.request("initialize", initialize_params(gone));
  ASSERT_TRUE(init.contains("result"));
  std::this_thread::sleep_for(milliseconds(600));
  EXPECT_TRUE(flint.running()) << "a wrong processId must not end the server";
  flint.request("shutdown", nullptr);
  flint.notify("exit", nullptr);
  EXPECT_EQ(flint.wait_exit(), 0);
}

TEST(ProcessFaults, TheEditorClosingStdoutEndsFlintCleanlyNotBySigpipe) {
  int in[2];
  int out[2];
  ASSERT_EQ(::pipe(in), 0);
  ASSERT_EQ(::pipe(out), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, in[1]);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  int devnull = ::open("/dev/null", O_WRONLY);
  posix_spawn_file_actions_adddup2(&actions, devnull, 2);
  const char* argv[] = {FLINT_LSP, nullptr};
  pid_t pid = -1;
  ASSERT_EQ(posix_spawn(&pid, FLINT_LSP, &actions, nullptr, const_cast<char**>(argv), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(devnull);
  ::close(in[0]);
  ::close(out[1]);
  ::close(out[0]);  // the editor stops reading: every write of flint's fails with EPIPE

  std::string request =
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"capabilities":{}}})";
  std::string frame = protocol::encode_frame(request);
  ASSERT_EQ(::write(in[1], frame.data(), frame.size()), static_cast<ssize_t>(frame.size()));

  int status = 0;
  pid_t done = 0;
  for (int i = 0; i < 300 && done == 0; ++i) {
    done = ::waitpid(pid, &status, WNOHANG);
    if (done == 0) std::this_thread::sleep_for(milliseconds(10));
  }
  if (done == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  ::close(in[1]);
  ASSERT_NE(done, 0) << "flint kept running with nobody to answer";
  EXPECT_FALSE(WIFSIGNALED(status)) << "killed by signal " << WTERMSIG(status);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
}

TEST(ProcessFaults, AFullDiskForTheLogDoesNotStopTheServer) {
  test::LspProcess flint({FLINT_LSP, "--log-file", "/dev/full", "--log-level", "debug"});
  json init = flint.request("initialize", initialize_params(0));
  ASSERT_TRUE(init.contains("result")) << init.dump();
  for (int i = 0; i < 50; ++i) {
    json answer = flint.request("flint/unknown", json::object());
    ASSERT_EQ(answer["error"]["code"], -32601);
  }
  flint.request("shutdown", nullptr);
  flint.notify("exit", nullptr);
  EXPECT_EQ(flint.wait_exit(), 0);
  // Said once, on stderr (the editor's log), not once per line.
  std::string err = flint.stderr_text();
  size_t first = err.find("log file");
  EXPECT_NE(first, std::string::npos) << err;
  EXPECT_EQ(err.find("log file", first + 1), std::string::npos) << err;
}

}  // namespace
}  // namespace flint
