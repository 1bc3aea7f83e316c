// What the syntax-tree budget costs: 200 open Python files of ~26 KB (the scale bench's corpus),
// trees kept for the most recently used within documents.treeMemoryMb. A request in a file
// whose tree was dropped pays a full parse; one in a file whose tree is kept pays nothing; and
// the trees held stay within the budget (reported as counters).
//
//   scripts/bench syntax_trees
#include <benchmark/benchmark.h>

#include <asio/io_context.hpp>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "parsers/language_registry.h"
#include "server/documents.h"
#include "server/syntax_trees.h"
#include "tests/bench/scale_corpus.h"

namespace {

using flint::Document;
using flint::DocumentStore;
using flint::SyntaxTrees;

struct OpenFiles {
  OpenFiles()
      : trees(flint::parsers::LanguageRegistry::shared(), io,
              [this](const std::string& uri) -> const Document* { return store.find(uri); }) {
    std::vector<std::string> texts = flint::bench::python_files(200, 26 * 1024);
    for (size_t i = 0; i < texts.size(); ++i) {
      std::string uri = "file:///bench/f" + std::to_string(i) + ".py";
      docs.push_back(store.open({uri, "python", 1, texts[i]}).document);
      trees.open(*docs.back());
    }
  }
  asio::io_context io;
  DocumentStore store;
  SyntaxTrees trees;
  std::vector<Document*> docs;
};

// This process's resident memory (MiB): the estimate above is checked against it.
double rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024;
  }
  return 0;
}

void report(benchmark::State& state, const SyntaxTrees& trees) {
  flint::SyntaxTreeStats s = trees.stats();
  state.counters["rss_MiB"] = rss_mib();
  state.counters["trees_kept"] = static_cast<double>(s.trees);
  state.counters["kept_MiB"] = static_cast<double>(s.bytes) / (1 << 20);
  state.counters["full_parses"] = static_cast<double>(s.full_parses);
}

// Opening alone: no tree (the baseline of rss_MiB for the two above).
void BM_OpenOnly(benchmark::State& state) {
  OpenFiles files;
  for (auto _ : state) benchmark::DoNotOptimize(files.trees.stats());
  report(state, files.trees);
}
BENCHMARK(BM_OpenOnly)->Iterations(1);

// Every request in a different file, round the 200: each one's tree was dropped for the budget.
void BM_RequestInADroppedFile(benchmark::State& state) {
  OpenFiles files;
  size_t next = 0;
  for (auto _ : state) {
    Document& doc = *files.docs[next++ % files.docs.size()];
    benchmark::DoNotOptimize(files.trees.tree_for(doc, {0, 0}));
  }
  report(state, files.trees);
}
BENCHMARK(BM_RequestInADroppedFile)->Unit(benchmark::kMicrosecond);

// Requests in the same few files: their trees are kept.
void BM_RequestInAKeptFile(benchmark::State& state) {
  OpenFiles files;
  size_t next = 0;
  for (auto _ : state) {
    Document& doc = *files.docs[next++ % 4];
    benchmark::DoNotOptimize(files.trees.tree_for(doc, {0, 0}));
  }
  report(state, files.trees);
}
BENCHMARK(BM_RequestInAKeptFile)->Unit(benchmark::kMicrosecond);

// The first request after opening a 20,000-line file (707 KB: past documents.wholeFileTreeKb):
// a window of lines around the request and the file's head are parsed, not the file.
void BM_FirstRequestInA20000LineFile(benchmark::State& state) {
  asio::io_context io;
  DocumentStore store;
  SyntaxTrees trees(flint::parsers::LanguageRegistry::shared(), io,
                    [&](const std::string& uri) -> const Document* { return store.find(uri); });
  Document& doc =
      *store.open({"file:///bench/big.py", "python", 1, flint::bench::big_python_file(20'000)})
           .document;
  uint32_t middle = doc.text.line_start(10'000);
  for (auto _ : state) {
    trees.open(doc);  // as if just opened: nothing parsed yet
    benchmark::DoNotOptimize(trees.tree_for(doc, {middle, middle}));
  }
  state.counters["window_parses"] = static_cast<double>(trees.stats().window_parses);
  state.counters["file_KB"] = static_cast<double>(doc.text.size()) / 1024;
}
BENCHMARK(BM_FirstRequestInA20000LineFile)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
