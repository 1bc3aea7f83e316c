// One server through a long session: 1,000 inline edits (each streamed, then rejected so the
// file stays the same), 500 ghost-text requests and 30 agent jobs (15 builtin, 15 command).
// Resident memory, open descriptors, threads and child processes are sampled along the way:
// they must stay flat (a leak shows as a slope, not a jump). A benchmark, not a test: it takes
// a few minutes.
//
//   build/release/bench/long_run_bench [--edits N] [--completions N] [--jobs N]
#include <dirent.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/fake_endpoint/fake_endpoint.h"
#include "tests/support/editor_client.h"

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

const char* kShapes =
    "import math\n"
    "\n"
    "\n"
    "def area(r):\n"
    "    return 3.14 * r * r\n"
    "\n"
    "\n"
    "def perimeter(r):\n"
    "    return 2 * 3.14 * r\n";

struct Sample {
  std::string when;
  double rss_mib = 0;
  int fds = 0;
  int threads = 0;
  int children = 0;
};

int count_entries(const std::string& dir) {
  int n = 0;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) n += e->d_name[0] != '.';
    ::closedir(d);
  }
  return n;
}

Sample sample(pid_t pid, std::string when) {
  Sample s;
  s.when = std::move(when);
  std::string base = "/proc/" + std::to_string(pid);
  std::ifstream status(base + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) s.rss_mib = std::stod(line.substr(6)) / 1024;
    if (line.rfind("Threads:", 0) == 0) s.threads = std::stoi(line.substr(8));
  }
  s.fds = count_entries(base + "/fd");
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator(base + "/task", ec)) {
    std::ifstream children(task.path() / "children");
    for (int child = 0; children >> child;) ++s.children;
  }
  return s;
}

int arg(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::stoi(argv[i + 1]);
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const int edits = arg(argc, argv, "--edits", 1000);
  const int completions = arg(argc, argv, "--completions", 500);
  const int jobs = arg(argc, argv, "--jobs", 30);

  std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("flint-long-run-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);
  std::ofstream(root / "shapes.py") << kShapes;
  std::string uri = "file://" + (root / "shapes.py").string();

  json finish_call = {{"name", "finish"}, {"arguments", {{"summary", "nothing to change"}}}};
  flint::fake::FakeEndpoint endpoint(json{
      {"rules",
       {{{"match", "use math.pi"},
         {"reply",
          {{"text", "def area(r):\n    return math.pi * r * r\n"}, {"tokensPerSecond", 5000}}}},
        {{"match", "long-run job"}, {"reply", {{"toolCalls", {finish_call}}}}}}},
      {"default", {{"text", "r * r"}}}});
  endpoint.start();

  flint::test::EditorOptions options;
  options.env = {"FLINT_BASE_URL=" + endpoint.url("/v1"), "FLINT_MODEL=fake",
                 "FLINT_PROVIDER=openai-chat", "FLINT_API_KEY=sk-long-run"};
  options.root_uri = "file://" + root.string();
  json settings = {{"completion", {{"enabled", true}, {"debounceMs", 0}}}};
  options.initialization_options = settings;
  flint::test::EditorClient editor(options);
  editor.open(uri, "python", kShapes);

  std::vector<Sample> samples;
  samples.push_back(sample(editor.pid(), "start"));
  auto started = Clock::now();
  int failed = 0;

  for (int i = 1; i <= edits; ++i) {
    json range = {{"start", {{"line", 4}, {"character", 4}}},
                  {"end", {{"line", 4}, {"character", 4}}}};
    json r = editor.execute(
        "flint.inlineEdit",
        {{"textDocument", {{"uri", uri}}}, {"range", range}, {"instruction", "use math.pi"}});
    if (!r.contains("result") || r["result"]["state"] != "done") ++failed;
    editor.execute("flint.reject", {{"textDocument", {{"uri", uri}}}});
    if (i == 100 || i % 250 == 0)
      samples.push_back(sample(editor.pid(), std::to_string(i) + " edits"));
  }
  for (int i = 1; i <= completions; ++i) {
    json r = editor.request("textDocument/inlineCompletion",
                            {{"textDocument", {{"uri", uri}}},
                             {"position", {{"line", 4}, {"character", 17}}},
                             {"context", {{"triggerKind", 1}}}});
    if (!r.contains("result")) ++failed;
    // A different line each time: no cache hit for the whole run.
    editor.type(uri, 1, 0, 1, 0, "#");
    if (i % 250 == 0) samples.push_back(sample(editor.pid(), std::to_string(i) + " completions"));
  }
  for (int i = 1; i <= jobs; ++i) {
    if (i == jobs / 2 + 1) {
      // The second half through the command backend.
      json command = settings;
      command["jobs"] = {{"backend", "command"},
                         {"command", {"sh", "-c", "cat >/dev/null; echo '{\"message\":\"ok\"}'"}}};
      editor.notify("workspace/didChangeConfiguration", {{"settings", {{"flint", command}}}});
    }
    json r =
        editor.execute("flint.agentTask", {{"instruction", "long-run job " + std::to_string(i)}});
    if (!r.contains("result")) {
      ++failed;
      continue;
    }
    std::string id = r["result"]["jobId"];
    bool ended = editor.serve_until([&] {
      for (auto it = editor.notifications().rbegin(); it != editor.notifications().rend(); ++it) {
        const json& m = *it;
        if (m.value("method", "") == "flint/jobChanged" && m["params"]["jobId"] == id) {
          std::string state = m["params"]["state"];
          return state == "done" || state == "failed" || state == "cancelled" || state == "ready";
        }
      }
      return false;
    });
    if (!ended) ++failed;
    if (i == jobs / 2 || i == jobs)
      samples.push_back(sample(editor.pid(), std::to_string(i) + " jobs"));
  }
  editor.serve_for(std::chrono::milliseconds(500));
  samples.push_back(sample(editor.pid(), "end (+0.5 s)"));
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();

  std::printf(
      "long run: %d inline edits, %d ghost-text requests, %d agent jobs in %.0f s; %d failed\n",
      edits, completions, jobs, seconds, failed);
  std::printf("%-22s %10s %6s %8s %9s\n", "after", "RSS MiB", "fds", "threads", "children");
  for (const Sample& s : samples) {
    std::printf("%-22s %10.1f %6d %8d %9d\n", s.when.c_str(), s.rss_mib, s.fds, s.threads,
                s.children);
  }
  editor.shutdown();
  std::filesystem::remove_all(root);
  return failed == 0 ? 0 : 1;
}
