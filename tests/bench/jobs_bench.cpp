// Agent jobs, measured over pipes against the real flint-lsp and the loopback model endpoint:
//   - AgentTaskToBegin: from sending flint.agentTask to the job's $/progress begin (the
//     window/workDoneProgress/create round trip included), p50/p99 over the iterations;
//   - InlineEditUnderJobs: an inline edit's time to its first workspace/applyEdit (client
//     side) with no job running, then while two builtin agent jobs run a tool loop
//     (a model turn every ~20 ms each), and the ratio of the two.
//
//   cmake --build build/release --target jobs_bench flint-lsp && build/release/bench/jobs_bench

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "tests/fake_endpoint/fake_endpoint.h"
#include "tests/support/editor_client.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using flint::test::EditorClient;
using flint::test::EditorOptions;

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

const std::string kRegion = "def area(r):\n    return 3.14 * r * r\n";
const std::string kRewrite = "def area(r):\n    return math.pi * r ** 2\n";

json script() {
  json churn{{"toolCalls", {{{"name", "list_dir"}, {"arguments", {{"path", "."}}}}}},
             {"firstTokenMs", 20}};
  json finish{{"toolCalls", {{{"name", "finish"}, {"arguments", {{"summary", "done"}}}}}}};
  json rewrite{{"text", kRewrite}, {"tokensPerSecond", 2000}};
  return json{{"rules",
               {{{"match", "background churn"}, {"reply", churn}},
                {{"match", "quick job"}, {"reply", finish}},
                {{"match", "use math.pi"}, {"reply", rewrite}}}}};
}

struct Setup {
  Setup() : endpoint(script()) {
    endpoint.start();
    EditorOptions options;
    options.env = {"FLINT_BASE_URL=" + endpoint.url("/v1"), "FLINT_MODEL=bench",
                   "FLINT_PROVIDER=openai-chat", "FLINT_API_KEY=sk-bench"};
    options.initialization_options = {{"jobs", {{"maxSteps", 10000}, {"maxConcurrent", 4}}}};
    options.after_edit = [this] {
      if (!first_edit) first_edit = Clock::now();
    };
    editor = std::make_unique<EditorClient>(options);
  }
  std::string start_job(const std::string& instruction) {
    json r = editor->execute("flint.agentTask", json{{"instruction", instruction}});
    return r["result"]["jobId"];
  }
  flint::fake::FakeEndpoint endpoint;
  std::unique_ptr<EditorClient> editor;
  std::optional<Clock::time_point> first_edit;
};

bool is_progress(const json& n, const std::string& token, const std::string& kind) {
  return n["method"] == "$/progress" && n["params"]["token"] == token &&
         n["params"]["value"]["kind"] == kind;
}

void BM_AgentTaskToBegin(benchmark::State& state) {
  Setup s;
  std::vector<double> samples;
  int job = 0;
  for (auto _ : state) {
    std::string token = "flint/job-" + std::to_string(++job);  // ids are sequential
    auto t0 = Clock::now();
    s.editor->execute_async("flint.agentTask", json{{"instruction", "quick job"}});
    if (!s.editor->wait_notification(
            [&](const json& n) { return is_progress(n, token, "begin"); })) {
      state.SkipWithError("no $/progress begin");
      return;
    }
    double ms = ms_since(t0);
    samples.push_back(ms);
    state.SetIterationTime(ms / 1000.0);
    if (!s.editor->wait_notification([&](const json& n) { return is_progress(n, token, "end"); })) {
      state.SkipWithError("no $/progress end");
      return;
    }
  }
  state.counters["p50_ms"] = percentile(samples, 0.5);
  state.counters["p99_ms"] = percentile(samples, 0.99);
  s.editor->shutdown();
}
BENCHMARK(BM_AgentTaskToBegin)->UseManualTime()->Iterations(60)->Unit(benchmark::kMillisecond);

// Time to the first applyEdit of one inline edit on a fresh document.
double first_edit_ms(Setup& s, int n) {
  std::string uri = "file:///bench/shape" + std::to_string(n) + ".py";
  s.editor->open(uri, "python", "import math\n\n\n" + kRegion);
  s.first_edit.reset();
  auto t0 = Clock::now();
  json args{
      {"textDocument", {{"uri", uri}}},
      {"range",
       {{"start", {{"line", 4}, {"character", 4}}}, {"end", {{"line", 4}, {"character", 4}}}}},
      {"instruction", "use math.pi"}};
  int64_t id = s.editor->execute_async("flint.inlineEdit", args);
  auto response = s.editor->wait_response(id);
  if (!response || !s.first_edit) return -1;
  return std::chrono::duration<double, std::milli>(*s.first_edit - t0).count();
}

void BM_InlineEditUnderJobs(benchmark::State& state) {
  constexpr int kSamples = 40;
  Setup s;
  std::vector<double> idle, busy;
  int n = 0;
  for (auto _ : state) {
    for (int i = 0; i < 3; ++i) first_edit_ms(s, n++);  // warm the connections
    for (int i = 0; i < kSamples; ++i) idle.push_back(first_edit_ms(s, n++));
    std::string a = s.start_job("background churn A");
    std::string b = s.start_job("background churn B");
    s.editor->serve_for(std::chrono::milliseconds(300));  // both jobs in their loops
    size_t job_requests_before = s.endpoint.requests().size();
    for (int i = 0; i < kSamples; ++i) busy.push_back(first_edit_ms(s, n++));
    size_t job_requests = s.endpoint.requests().size() - job_requests_before - kSamples;
    s.editor->execute("flint.cancelJob", json{{"jobId", a}});
    s.editor->execute("flint.cancelJob", json{{"jobId", b}});
    state.counters["job_model_turns"] = static_cast<double>(job_requests);
  }
  if (std::find(idle.begin(), idle.end(), -1) != idle.end() ||
      std::find(busy.begin(), busy.end(), -1) != busy.end()) {
    state.SkipWithError("an inline edit made no edit");
    return;
  }
  state.counters["idle_p50_ms"] = percentile(idle, 0.5);
  state.counters["idle_p99_ms"] = percentile(idle, 0.99);
  state.counters["jobs_p50_ms"] = percentile(busy, 0.5);
  state.counters["jobs_p99_ms"] = percentile(busy, 0.99);
  state.counters["ratio_p50"] = percentile(busy, 0.5) / std::max(1e-9, percentile(idle, 0.5));
  state.counters["ratio_p99"] = percentile(busy, 0.99) / std::max(1e-9, percentile(idle, 0.99));
  s.editor->shutdown();
}
BENCHMARK(BM_InlineEditUnderJobs)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
