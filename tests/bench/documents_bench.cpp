// didChange on a 50,000-line document: a one-character incremental change (through the
// DocumentStore, UTF-16 position conversion included) at the start, middle and end, against
// the baseline of a full-text replacement of the same document.
//
//   cmake --build build-docs --target documents_bench && build-docs/bench/documents_bench

#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "server/documents.h"

namespace {

using flint::DocumentStore;
using flint::protocol::Position;
using flint::protocol::PositionEncoding;
using flint::protocol::Range;
using flint::protocol::TextDocumentContentChangeEvent;

constexpr int kLines = 50'000;
constexpr const char* kUri = "file:///bench/big.py";

// Code-like lines; every tenth carries non-ASCII text so UTF-16 conversion leaves its fast path.
std::string document_text() {
  std::string text;
  for (int i = 0; i < kLines; ++i) {
    text += "    value_" + std::to_string(i) + " = compute(value_" + std::to_string(i + 1) + ", " +
            std::to_string(i * 7 % 1000) + ")";
    if (i % 10 == 0) text += "  # caf\xC3\xA9 \xF0\x9F\x98\x80";
    text += "\n";
  }
  return text;
}

const std::string& shared_text() {
  static const std::string text = document_text();
  return text;
}

DocumentStore open_store() {
  DocumentStore store(PositionEncoding::kUtf16);
  store.open({kUri, "python", 1, shared_text()});
  return store;
}

void BM_IncrementalChange(benchmark::State& state) {
  const auto line = static_cast<uint32_t>(state.range(0));
  DocumentStore store = open_store();
  // Replace one character with another, alternately, so the document keeps its size.
  const Range range{Position{line, 6}, Position{line, 7}};
  const std::vector<TextDocumentContentChangeEvent> changes[2] = {{{range, "A"}}, {{range, "l"}}};
  int64_t version = 1;
  for (auto _ : state) {
    ++version;
    auto result = store.change({kUri, version}, changes[version & 1]);
    benchmark::DoNotOptimize(result.document);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IncrementalChange)
    ->ArgName("line")
    ->Arg(0)
    ->Arg(kLines / 2)
    ->Arg(kLines - 1)
    ->Unit(benchmark::kNanosecond);

void BM_IncrementalChangeWithListener(benchmark::State& state) {
  // What the server pays: the listener receives each change (a syntax tree would edit itself).
  DocumentStore store = open_store();
  uint64_t bytes_seen = 0;
  store.add_change_listener([&](flint::Document&, const flint::parsers::TextChange& change) {
    bytes_seen += change.new_end_byte - change.start_byte;
  });
  const Range range{Position{kLines / 2, 6}, Position{kLines / 2, 7}};
  const std::vector<TextDocumentContentChangeEvent> changes[2] = {{{range, "A"}}, {{range, "l"}}};
  int64_t version = 1;
  for (auto _ : state) {
    ++version;
    benchmark::DoNotOptimize(store.change({kUri, version}, changes[version & 1]).document);
  }
  benchmark::DoNotOptimize(bytes_seen);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IncrementalChangeWithListener)->Unit(benchmark::kNanosecond);

void BM_TypingALine(benchmark::State& state) {
  // A burst of keystrokes: 40 characters typed into one line, then deleted again.
  DocumentStore store = open_store();
  int64_t version = 1;
  for (auto _ : state) {
    for (uint32_t i = 0; i < 40; ++i) {
      Position at{kLines / 2, 4 + i};
      store.change({kUri, ++version}, {{Range{at, at}, "x"}});
    }
    store.change({kUri, ++version}, {{Range{{kLines / 2, 4}, {kLines / 2, 44}}, ""}});
  }
  state.SetItemsProcessed(state.iterations() * 41);
}
BENCHMARK(BM_TypingALine)->Unit(benchmark::kMicrosecond);

void BM_FullReplacement(benchmark::State& state) {
  // The baseline: a client without incremental sync sends the whole text every time.
  DocumentStore store = open_store();
  const std::vector<TextDocumentContentChangeEvent> changes = {{std::nullopt, shared_text()}};
  int64_t version = 1;
  for (auto _ : state) {
    auto result = store.change({kUri, ++version}, changes);
    benchmark::DoNotOptimize(result.document);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(shared_text().size()));
}
BENCHMARK(BM_FullReplacement)->Unit(benchmark::kMicrosecond);

void BM_PositionRoundTrip(benchmark::State& state) {
  // offset_of + position_of at random places, as edit sessions and diagnostics do.
  DocumentStore store = open_store();
  const flint::Document& doc = *store.find(kUri);
  std::mt19937 rng(1);
  std::uniform_int_distribution<uint32_t> line(0, kLines - 1), column(0, 40);
  std::vector<Position> positions;
  for (int i = 0; i < 1024; ++i) positions.push_back({line(rng), column(rng)});
  size_t i = 0;
  for (auto _ : state) {
    uint32_t byte = *doc.offset_of(positions[i++ & 1023]);
    benchmark::DoNotOptimize(doc.position_of(byte));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PositionRoundTrip)->Unit(benchmark::kNanosecond);

}  // namespace

BENCHMARK_MAIN();
