// Inline completion latency that flint adds, over pipes with the real flint-lsp binary and the
// loopback endpoint as an openai-completions (FIM) provider:
//   - BM_ServerTimeOnMiss: from sending textDocument/inlineCompletion to receiving the answer,
//     minus the endpoint's own time (from the moment it had read the HTTP request to the moment
//     it wrote its last token, which it stamps into the text: stampTimes). What remains is
//     flint: reading the request, cutting the windows and tree-sitter context, building the
//     FIM request, HTTP, SSE parsing, the stop rule, the answer, and both pipe hops.
//   - BM_KeystrokeToAnswerOnMiss: the same from before the keystroke's didChange, which flint
//     applies and reparses first: what the person waits for.
//   - BM_CacheHit: the same request again, answered from the cache (one pipe round trip plus
//     the query building that keys the cache).
//   - BM_BuildQuery: cutting the query out of a 5,000-line document in process (windows,
//     scope, context), the CPU part of every request.
// Each reports p50 / p99 in ms as counters; the iteration time is the manual time measured.
//
// Run: scripts/bench completion   (or build/release/bench/completion_bench)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "parsers/language_registry.h"
#include "parsers/syntax_tree.h"
#include "server/completion/query.h"
#include "tests/fake_endpoint/fake_endpoint.h"
#include "tests/support/editor_client.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

const std::string kUri = "file:///work/bench/inventory.py";

// A realistic module: imports, a class with methods, functions; the cursor goes at the end of
// the line "        total = " in the middle of it.
std::string python_module(int functions) {
  std::string text = "import math\nimport os\nfrom typing import Dict, List, Optional\n\n\n";
  text += "class Inventory:\n    def __init__(self):\n        self.items: Dict[str, int] = {}\n\n";
  for (int i = 0; i < functions; ++i) {
    std::string n = std::to_string(i);
    text += "    def method_" + n + "(self, key: str, amount: int = " + n + ") -> int:\n";
    text += "        \"\"\"Adjusts the stock of key by amount.\"\"\"\n";
    text += "        current = self.items.get(key, 0)\n";
    text += "        if current + amount < 0:\n            raise ValueError(key)\n";
    text += "        self.items[key] = current + amount\n        return self.items[key]\n\n";
  }
  return text;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i =
      std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  return v[i];
}

void report(benchmark::State& state, const std::vector<double>& ms) {
  state.counters["min_ms"] = percentile(ms, 0.0);
  state.counters["p50_ms"] = percentile(ms, 0.5);
  state.counters["p99_ms"] = percentile(ms, 0.99);
  state.counters["max_ms"] = percentile(ms, 1.0);
}

struct Session {
  // `debounce_ms`: completion.debounceMs (0 to time flint's own work, request by request).
  explicit Session(bool stamp, int debounce_ms = 0)
      : endpoint(json{{"default", {{"text", "abcdefgh"}, {"stampTimes", stamp}}}}) {
    endpoint.start();
    flint::test::EditorOptions options;
    options.env = {"FLINT_BASE_URL=" + endpoint.url("/v1"), "FLINT_MODEL=bench",
                   "FLINT_PROVIDER=openai-completions"};
    options.initialization_options = json{{"completion", {{"debounceMs", debounce_ms}}}};
    options.args = {"--log-level", "warn"};
    editor = std::make_unique<flint::test::EditorClient>(options);
    text = python_module(60);
    editor->open(kUri, "python", text);
    // The cursor: the end of a fresh line in the middle of the class.
    size_t at = text.find("    def method_30(");
    line = static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
    editor->type(kUri, line, 0, line, 0, "        total = \n");
    column = 16;
  }
  json params() const {
    return json{{"textDocument", {{"uri", kUri}}},
                {"position", {{"line", line}, {"character", column}}},
                {"context", {{"triggerKind", 2}}}};
  }
  json complete() {
    json response = editor->request("textDocument/inlineCompletion", params());
    if (!response.contains("result")) throw std::runtime_error(response.dump());
    return response["result"]["items"];
  }
  // A keystroke that makes the next request a cache miss. `wait_applied`: wait until flint
  // has applied it (and reparsed the document), so that a measurement holds the request alone.
  void type_key(bool wait_applied) {
    editor->type(kUri, line, column, line, column, "x");
    ++column;
    if (!wait_applied) return;
    editor->request("textDocument/codeAction",
                    json{{"textDocument", {{"uri", "file:///work/bench/none.py"}}},
                         {"range",
                          {{"start", {{"line", 0}, {"character", 0}}},
                           {"end", {{"line", 0}, {"character", 0}}}}},
                         {"context", {{"diagnostics", json::array()}}}});
  }

  flint::fake::FakeEndpoint endpoint;
  std::unique_ptr<flint::test::EditorClient> editor;
  std::string text;
  int line = 0;
  int column = 0;
};

// One keystroke and the completion request that follows it; returns false on failure.
// `include_keystroke`: the clock starts before the didChange (what the person waits for,
// the reparse of the document included) rather than after flint has applied it.
void measure_misses(benchmark::State& state, bool include_keystroke) {
  Session session(true);
  session.complete();  // warm: connection, grammar queries
  std::vector<double> samples, before_request, after_stream;
  for (auto _ : state) {
    auto sent = Clock::now();
    session.type_key(/*wait_applied=*/!include_keystroke);
    if (!include_keystroke) sent = Clock::now();
    size_t index = samples.size() + 1;  // the warm-up made request 0
    json response = session.editor->request("textDocument/inlineCompletion", session.params());
    auto answered = Clock::now();
    auto requests = session.endpoint.requests();
    if (requests.size() != index + 1 || !response.contains("result") ||
        response["result"]["items"].empty()) {
      state.SkipWithError("no completion from the model");
      break;
    }
    // The text is the endpoint's stamps ("T1 T2 "): the last one is its last write.
    std::string text = response["result"]["items"][0]["insertText"];
    size_t last = text.find_last_of("0123456789");
    size_t first = text.find_last_not_of("0123456789", last);
    first = first == std::string::npos ? 0 : first + 1;
    Clock::time_point last_write{Clock::duration(std::stoll(text.substr(first, last + 1 - first)))};
    auto to_endpoint = requests.back().received_at - sent;
    auto to_answer = answered - last_write;
    double ms = std::chrono::duration<double, std::milli>(to_endpoint + to_answer).count();
    samples.push_back(ms);
    before_request.push_back(std::chrono::duration<double, std::milli>(to_endpoint).count());
    after_stream.push_back(std::chrono::duration<double, std::milli>(to_answer).count());
    state.SetIterationTime(ms / 1000.0);
  }
  report(state, samples);
  // Where it goes: start -> HTTP request read by the endpoint; last token -> answer read.
  state.counters["p50_to_endpoint_ms"] = percentile(before_request, 0.5);
  state.counters["p50_to_answer_ms"] = percentile(after_stream, 0.5);
}

void BM_ServerTimeOnMiss(benchmark::State& state) {
  measure_misses(state, false);
}
BENCHMARK(BM_ServerTimeOnMiss)->UseManualTime()->Iterations(300)->Unit(benchmark::kMillisecond);

void BM_KeystrokeToAnswerOnMiss(benchmark::State& state) {
  measure_misses(state, true);
}
BENCHMARK(BM_KeystrokeToAnswerOnMiss)
    ->UseManualTime()
    ->Iterations(300)
    ->Unit(benchmark::kMillisecond);

void BM_CacheHit(benchmark::State& state) {
  Session session(false);
  session.complete();
  size_t models_calls = session.endpoint.requests().size();
  std::vector<double> samples;
  for (auto _ : state) {
    auto sent = Clock::now();
    json items = session.complete();
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
    benchmark::DoNotOptimize(items);
    samples.push_back(ms);
    state.SetIterationTime(ms / 1000.0);
  }
  if (session.endpoint.requests().size() != models_calls) state.SkipWithError("cache missed");
  report(state, samples);
}
BENCHMARK(BM_CacheHit)->UseManualTime()->Iterations(1000)->Unit(benchmark::kMillisecond);

// Model requests while a person types a 30-character line at 25 characters a second (a
// request after every keystroke, as VS Code and Neovim send them) and then pauses: range(0) is
// completion.debounceMs (0, and the default 100). The typed text never matches the model's
// answer, so no request can type through a running stream: the worst case.
void BM_RequestsPerTypedLine(benchmark::State& state) {
  const int debounce = static_cast<int>(state.range(0));
  Session session(false, debounce);
  session.complete();  // warm
  constexpr int kKeystrokes = 30;
  double requests = 0;
  for (auto _ : state) {
    size_t before = session.endpoint.requests().size();
    for (int k = 0; k < kKeystrokes; ++k) {
      session.type_key(/*wait_applied=*/false);
      session.editor->send_request("textDocument/inlineCompletion", session.params());
      session.editor->serve_for(std::chrono::milliseconds(40));
    }
    session.editor->serve_for(std::chrono::milliseconds(600));  // the pause
    requests = static_cast<double>(session.endpoint.requests().size() - before);
  }
  state.counters["keystrokes"] = kKeystrokes;
  state.counters["model_requests"] = requests;
}
BENCHMARK(BM_RequestsPerTypedLine)->Arg(0)->Arg(100)->Iterations(3)->Unit(benchmark::kMillisecond);

void BM_BuildQuery(benchmark::State& state) {
  std::string text = python_module(700);  // ~5,000 lines
  size_t at = text.find("    def method_350(");
  text.insert(at, "        total = \n");
  auto cursor = static_cast<uint32_t>(at + 16);
  flint::parsers::StringTextInput input(text);
  const auto* grammar = flint::parsers::LanguageRegistry::shared().for_language_id("python");
  flint::parsers::Tree tree = flint::parsers::parse_text(*grammar, input);
  flint::CompletionQueryInput in;
  in.text = &input;
  in.tree = &tree;
  in.cursor = cursor;
  in.uri = kUri;
  in.language = "python";
  in.path = "bench/inventory.py";
  std::vector<double> samples;
  for (auto _ : state) {
    auto start = Clock::now();
    flint::CompletionQuery query = flint::build_completion_query(in);
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    benchmark::DoNotOptimize(query);
    samples.push_back(ms);
    state.SetIterationTime(ms / 1000.0);
  }
  state.counters["lines"] = static_cast<double>(input.line_count());
  report(state, samples);
}
BENCHMARK(BM_BuildQuery)->UseManualTime()->Iterations(2000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
