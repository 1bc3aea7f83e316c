// tree-sitter scoping on a generated 20,000-line file (Python and C++): a full parse (the
// baseline), an incremental reparse after a one-character edit, a scope lookup, context
// extraction, and an edit + reparse + scope lookup together. Each benchmark reports p50 and
// p99 of its per-iteration times in microseconds, and `x_full_parse`: its p50 as a fraction of
// the full parse's p50. Times are the measuring thread's CPU time (CLOCK_THREAD_CPUTIME_ID):
// on a loaded 2-core machine wall time mostly measures the scheduler.
//
//   build-bench/bench/parsers_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "parsers/context.h"
#include "parsers/language_registry.h"
#include "parsers/scope.h"
#include "parsers/syntax_tree.h"

namespace {

using flint::parsers::ByteRange;
using flint::parsers::LanguageRegistry;
using flint::parsers::StringTextInput;
using flint::parsers::SyntaxTree;
using flint::parsers::TextChange;
// The calling thread's CPU time.
struct Clock {
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<Clock, duration>;
  static time_point now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return time_point(duration(int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec));
  }
};

constexpr uint32_t kLines = 20000;

std::string python_block(int first);
std::string cpp_block(int first);

std::string python_source() {
  std::string out = "import os\nimport sys\nfrom typing import List\n\n";
  for (int i = 0; std::count(out.begin(), out.end(), '\n') < kLines; i += 50) {
    out += python_block(i);
  }
  return out;
}

std::string python_block(int first) {
  std::string out;
  for (int i = first; i < first + 50; ++i) {
    auto n = std::to_string(i);
    out += "\n@decorator\nclass Model" + n + "(Base):\n    \"\"\"Model number " + n +
           ".\"\"\"\n\n    def __init__(self, value):\n        self.value = value\n\n"
           "    def compute(self, items: List[int]) -> int:\n        total = 0\n"
           "        for item in items:\n            if item % 2 == 0:\n"
           "                total += item * self.value\n            else:\n"
           "                total -= item\n        return total\n\n\n"
           "def helper_" +
           n + "(x):\n    return [y * 2 for y in range(x) if y > " + n + "]\n";
  }
  return out;
}

std::string cpp_source() {
  std::string out = "#include <string>\n#include <vector>\n\nnamespace bench {\n";
  for (int i = 0; std::count(out.begin(), out.end(), '\n') < kLines; i += 50) {
    out += cpp_block(i);
  }
  return out + "}  // namespace bench\n";
}

std::string cpp_block(int first) {
  std::string out;
  for (int i = first; i < first + 50; ++i) {
    auto n = std::to_string(i);
    out += "\n// Model number " + n + ".\nclass Model" + n +
           " : public Base {\n public:\n"
           "  explicit Model" +
           n +
           "(int value) : value_(value) {}\n"
           "  int compute(const std::vector<int>& items) const {\n    int total = 0;\n"
           "    for (int item : items) {\n      if (item % 2 == 0) {\n"
           "        total += item * value_;\n      } else {\n        total -= item;\n      }\n"
           "    }\n    return total;\n  }\n\n private:\n  int value_;\n};\n\n"
           "template <typename T>\nT helper_" +
           n + "(T x) {\n  return x * 2 + " + n + ";\n}\n";
  }
  return out;
}

struct Fixture {
  std::string language;
  std::string text;
  std::vector<uint32_t> cursors;  // bytes spread over the file, inside identifiers
};

const Fixture& fixture(const std::string& language) {
  static std::map<std::string, Fixture> fixtures;
  auto it = fixtures.find(language);
  if (it != fixtures.end()) return it->second;
  Fixture f{language, language == "python" ? python_source() : cpp_source(), {}};
  // Cursors on "total" identifiers spread over the whole file.
  for (size_t at = f.text.find("total"); at != std::string::npos;
       at = f.text.find("total", at + 5000)) {
    f.cursors.push_back(static_cast<uint32_t>(at + 2));
  }
  return fixtures.emplace(language, std::move(f)).first->second;
}

std::map<std::string, double>& full_parse_p50() {
  static std::map<std::string, double> values;
  return values;
}

// Per-iteration timings -> p50/p99 counters (and the ratio to a full parse).
class Samples {
 public:
  void add(Clock::duration d) {
    us_.push_back(std::chrono::duration<double, std::micro>(d).count());
  }
  void report(benchmark::State& state, const std::string& language, bool baseline = false) {
    if (us_.empty()) return;
    std::sort(us_.begin(), us_.end());
    auto at = [&](double q) { return us_[std::min(us_.size() - 1, size_t(q * us_.size()))]; };
    double p50 = at(0.50);
    state.counters["p50_us"] = p50;
    state.counters["p99_us"] = at(0.99);
    if (baseline) full_parse_p50()[language] = p50;
    if (auto it = full_parse_p50().find(language); it != full_parse_p50().end() && it->second > 0) {
      state.counters["x_full_parse"] = p50 / it->second;
    }
  }

 private:
  std::vector<double> us_;
};

const flint::parsers::Language& language_of(const std::string& id) {
  return *LanguageRegistry::shared().find(id);
}

TextChange one_char_change(const std::string& text, uint32_t at, bool insert) {
  StringTextInput input(text);
  TextChange change;
  change.start_byte = at;
  change.old_end_byte = insert ? at : at + 1;
  change.new_end_byte = insert ? at + 1 : at;
  change.start = flint::parsers::point_of_byte(input, at);
  change.old_end =
      insert ? change.start : flint::parsers::TextPoint{change.start.row, change.start.column + 1};
  change.new_end =
      insert ? flint::parsers::TextPoint{change.start.row, change.start.column + 1} : change.start;
  return change;
}

void BM_FullParse(benchmark::State& state, std::string id) {
  const Fixture& f = fixture(id);
  StringTextInput input(f.text);
  Samples samples;
  for (auto _ : state) {
    auto start = Clock::now();
    auto tree = SyntaxTree::create(language_of(id), input);
    samples.add(Clock::now() - start);
    benchmark::DoNotOptimize(tree.tree().get());
  }
  samples.report(state, id, true);
}

void BM_IncrementalReparse(benchmark::State& state, std::string id) {
  const Fixture& f = fixture(id);
  std::string text = f.text;
  StringTextInput original(text);
  auto tree = SyntaxTree::create(language_of(id), original);
  Samples samples;
  size_t i = 0;
  for (auto _ : state) {
    // Insert an 'x' into an identifier, and take it out again on the next iteration.
    uint32_t at = f.cursors[(i / 2) % f.cursors.size()];
    bool insert = i % 2 == 0;
    ++i;
    TextChange change = one_char_change(text, at, insert);
    if (insert) {
      text.insert(at, 1, 'x');
    } else {
      text.erase(at, 1);
    }
    StringTextInput input(text);
    auto start = Clock::now();
    tree.apply(change);
    tree.reparse(input);
    samples.add(Clock::now() - start);
  }
  samples.report(state, id);
}

void BM_ScopeLookup(benchmark::State& state, std::string id) {
  const Fixture& f = fixture(id);
  StringTextInput input(f.text);
  auto tree = SyntaxTree::create(language_of(id), input);
  Samples samples;
  size_t i = 0;
  for (auto _ : state) {
    uint32_t at = f.cursors[i++ % f.cursors.size()];
    auto start = Clock::now();
    auto scope = flint::parsers::find_scope(&tree.tree(), input, ByteRange{at, at});
    samples.add(Clock::now() - start);
    benchmark::DoNotOptimize(scope.first_line);
  }
  samples.report(state, id);
}

void BM_ContextExtraction(benchmark::State& state, std::string id) {
  const Fixture& f = fixture(id);
  StringTextInput input(f.text);
  auto tree = SyntaxTree::create(language_of(id), input);
  std::vector<flint::parsers::Scope> scopes;
  for (uint32_t at : f.cursors) {
    scopes.push_back(flint::parsers::find_scope(&tree.tree(), input, ByteRange{at, at}));
  }
  Samples samples;
  size_t i = 0;
  for (auto _ : state) {
    const auto& scope = scopes[i++ % scopes.size()];
    auto start = Clock::now();
    auto context = flint::parsers::extract_context(&tree.tree(), input, scope);
    samples.add(Clock::now() - start);
    benchmark::DoNotOptimize(context.bytes);
  }
  samples.report(state, id);
}

void BM_EditReparseAndScope(benchmark::State& state, std::string id) {
  const Fixture& f = fixture(id);
  std::string text = f.text;
  StringTextInput original(text);
  auto tree = SyntaxTree::create(language_of(id), original);
  Samples samples;
  size_t i = 0;
  for (auto _ : state) {
    uint32_t at = f.cursors[(i / 2) % f.cursors.size()];
    bool insert = i % 2 == 0;
    ++i;
    TextChange change = one_char_change(text, at, insert);
    if (insert) {
      text.insert(at, 1, 'x');
    } else {
      text.erase(at, 1);
    }
    StringTextInput input(text);
    auto start = Clock::now();
    tree.apply(change);
    tree.reparse(input);
    auto scope = flint::parsers::find_scope(&tree.tree(), input, ByteRange{at, at});
    samples.add(Clock::now() - start);
    benchmark::DoNotOptimize(scope.first_line);
  }
  samples.report(state, id);
}

void register_all() {
  for (std::string id : {"python", "cpp"}) {
    benchmark::RegisterBenchmark(("FullParse/" + id).c_str(), BM_FullParse, id)
        ->Unit(benchmark::kMicrosecond)
        ->MinTime(2.0);
    benchmark::RegisterBenchmark(("IncrementalReparse/" + id).c_str(), BM_IncrementalReparse, id)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("ScopeLookup/" + id).c_str(), BM_ScopeLookup, id)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("ContextExtraction/" + id).c_str(), BM_ContextExtraction, id)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("EditReparseAndScope/" + id).c_str(), BM_EditReparseAndScope, id)
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
