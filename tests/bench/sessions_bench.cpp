// Costs of the streaming-edit core for a 200-line region, and how many edits a session sends.
//
//   Token/*      cleaning and aligning one ~4-byte model token (OutputCleaner + StreamDiff),
//                and the same through the whole answer path (ReasoningFilter + OutputCleaner +
//                AnswerShaper, which feeds a StreamDiff): the difference is the added cost of
//                fitting the answer to the region while it streams
//   Finish/*     fitting a complete answer to the region at the end (shape_answer), for an
//                answer that reproduces it, one with an elision marker, one dedented
//   Edit/*       computing one edit: the desired text and its minimal hunks against the buffer
//   Session/*    whole sessions on a virtual clock against a simulated editor that takes 2 ms
//                to apply each edit, at 1,000 / 5,000 / 20,000 tokens/s, rewriting one line
//                in ten or every line: counters give the edits sent, the stream's and the
//                session's (virtual) durations and their ratio; the benchmark's own time is
//                the CPU the whole simulation costs (session, editor and rig).
//
// Run from a release build: build-release/bench/sessions_bench

#include <benchmark/benchmark.h>
#include <time.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "server/edits/answer_shape.h"
#include "server/edits/answer_shaper.h"
#include "server/edits/edit_session.h"
#include "server/edits/output_cleaner.h"
#include "server/edits/reasoning_filter.h"
#include "server/edits/stream_diff.h"
#include "tests/unit/sessions/session_rig.h"
#include "tests/unit/sessions/text_fixtures.h"

namespace flint {
namespace {

using test::join_lines;

constexpr size_t kRegionLines = 200;

// A 200-line function and a rewrite a model might stream: one line in ten changed (or every
// line), a few lines inserted and deleted, in a fence with a line of chatter before it.
struct Workload {
  std::string original;
  std::string answer;
  std::vector<std::string> tokens;  // ~4 bytes each, as code models emit
};

Workload make_workload(bool every_line) {
  Workload w;
  std::vector<std::string> lines = test::numbered_region(kRegionLines);
  w.original = join_lines(lines);
  std::vector<std::string> rewritten;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i % 37 == 5) continue;  // deleted
    if (every_line || i % 10 == 3) {
      rewritten.push_back(lines[i] + "  # checked");
    } else {
      rewritten.push_back(lines[i]);
    }
    if (i % 45 == 20) rewritten.push_back("    assert total_" + std::to_string(i) + " >= 0");
  }
  w.answer = "Here is the updated function:\n```python\n" + join_lines(rewritten) + "```\n";
  std::mt19937 rng(42);
  for (size_t i = 0; i < w.answer.size();) {
    size_t n = std::min<size_t>(2 + rng() % 5, w.answer.size() - i);  // 2..6, mean 4
    w.tokens.push_back(w.answer.substr(i, n));
    i += n;
  }
  return w;
}

const Workload& workload(bool every_line = false) {
  static const Workload some = make_workload(false);
  static const Workload all = make_workload(true);
  return every_line ? all : some;
}

void Token_CleanAndAlign(benchmark::State& state) {
  const Workload& w = workload();
  std::string code;
  for (auto _ : state) {
    OutputCleaner cleaner;
    StreamDiff diff(w.original);
    for (const std::string& token : w.tokens) {
      code.clear();
      cleaner.feed(token, code);
      diff.push(code);
    }
    benchmark::DoNotOptimize(diff.revision());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * w.tokens.size()));
  state.counters["tokens"] = static_cast<double>(w.tokens.size());
}
BENCHMARK(Token_CleanAndAlign)->Unit(benchmark::kMicrosecond);

void Token_CleanShapeAndAlign(benchmark::State& state) {
  const Workload& w = workload();
  std::string code;
  for (auto _ : state) {
    ReasoningFilter reasoning;
    OutputCleaner cleaner;
    AnswerShaper shaper(w.original, "import os\n\n", "\nprint('end')\n", "python", "\n");
    for (const std::string& token : w.tokens) {
      code.clear();
      cleaner.feed(reasoning.feed(token), code);
      shaper.push(code);
    }
    benchmark::DoNotOptimize(shaper.revision());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * w.tokens.size()));
  state.counters["tokens"] = static_cast<double>(w.tokens.size());
}
BENCHMARK(Token_CleanShapeAndAlign)->Unit(benchmark::kMicrosecond);

// range(0): 0 = the answer reproduces the region, 1 = a span of 100 lines elided behind a
// marker, 2 = the rewrite dedented by 4 columns.
void Finish_ShapeAnswer(benchmark::State& state) {
  const Workload& w = workload();
  std::vector<std::string> lines = test::numbered_region(kRegionLines);
  std::string answer;
  switch (state.range(0)) {
    case 0:
      answer = w.original;
      break;
    case 1:
      for (size_t i = 0; i < lines.size(); ++i) {
        if (i == 50) answer += "    # ... existing code ...\n";
        if (i >= 50 && i < 150) continue;
        answer += lines[i] + (i == 160 ? "  # checked\n" : "\n");
      }
      break;
    default:
      for (const std::string& line : lines) {
        answer += (line.rfind("    ", 0) == 0 ? line.substr(4) : line) + "\n";
      }
      break;
  }
  for (auto _ : state) {
    ShapedAnswer shaped =
        shape_answer({w.original, "import os\n\n", "\nprint('end')\n", "python"}, answer, false);
    if (!shaped.ok) {
      state.SkipWithError(shaped.reason.c_str());
      return;
    }
    benchmark::DoNotOptimize(shaped.text);
  }
}
BENCHMARK(Finish_ShapeAnswer)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

// CPU time of this thread: the machine may be busy, the figures should not depend on it.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// One edit every `tokens per edit` tokens (8 ms frames: 8 at 1,000 tokens/s, 160 at 20,000);
// only the edits are timed (in CPU time).
void Edit_DesiredTextAndHunks(benchmark::State& state) {
  const Workload& w = workload();
  const size_t every = static_cast<size_t>(state.range(0));
  size_t edits = 0;
  for (auto _ : state) {
    OutputCleaner cleaner;
    StreamDiff diff(w.original);
    std::string buffer = w.original;
    std::string code;
    double spent = 0;
    for (size_t i = 0; i < w.tokens.size(); ++i) {
      code.clear();
      cleaner.feed(w.tokens[i], code);
      diff.push(code);
      if ((i + 1) % every != 0) continue;
      double start = thread_cpu_seconds();
      std::string desired = diff.desired_text();
      std::vector<TextHunk> hunks = minimal_hunks(buffer, desired);
      spent += thread_cpu_seconds() - start;
      benchmark::DoNotOptimize(hunks);
      buffer = std::move(desired);
      ++edits;
    }
    state.SetIterationTime(spent);
  }
  state.SetItemsProcessed(static_cast<int64_t>(edits));
  state.counters["edits_per_stream"] =
      static_cast<double>(edits) / static_cast<double>(state.iterations());
}
BENCHMARK(Edit_DesiredTextAndHunks)
    ->Arg(8)
    ->Arg(40)
    ->Arg(160)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

// range(0): tokens per second; range(1): 0 = one line in ten rewritten, 1 = every line.
void Session_SlowEditor(benchmark::State& state) {
  const Workload& w = workload(state.range(1) != 0);
  const double tokens_per_second = static_cast<double>(state.range(0));
  const std::string doc = "import os\n\n" + w.original + "\nprint('end')\n";
  test::RigOptions options;
  options.editor_work = std::chrono::milliseconds(2);
  options.min_latency = options.max_latency = std::chrono::microseconds(100);
  double edits = 0;
  double stream_ms = 0;
  double session_ms = 0;
  for (auto _ : state) {
    test::SessionRig rig(doc, 2, kRegionLines, options);
    auto gap = std::chrono::duration_cast<test::VirtualLoop::Duration>(
        std::chrono::duration<double>(1.0 / tokens_per_second));
    test::VirtualLoop::TimePoint at{};
    for (const std::string& token : w.tokens) {
      rig.model_text_at(at, token);
      at += gap;
    }
    rig.model_done_at(at);
    rig.loop.run();
    if (rig.session->state() != SessionState::kDone) {
      state.SkipWithError("the session did not finish");
      return;
    }
    edits = static_cast<double>(rig.edits.size());
    stream_ms =
        std::chrono::duration<double, std::milli>(at - test::VirtualLoop::TimePoint{}).count();
    session_ms = std::chrono::duration<double, std::milli>(*rig.session->stats().duration).count();
  }
  state.counters["edits"] = edits;
  state.counters["stream_ms"] = stream_ms;
  state.counters["session_ms"] = session_ms;
  state.counters["session/stream"] = session_ms / stream_ms;
  state.counters["tokens/edit"] = static_cast<double>(w.tokens.size()) / edits;
}
BENCHMARK(Session_SlowEditor)
    ->ArgsProduct({{1000, 5000, 20000}, {0, 1}})
    ->ArgNames({"tokens_per_s", "every_line"})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace flint

BENCHMARK_MAIN();
