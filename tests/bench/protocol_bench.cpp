// Message parse + dispatch cost: bytes from the pipe -> FrameReader -> JSON -> typed params ->
// handler, for a keystroke's didChange and for a 64 KiB didOpen; and the reverse path, a
// streamed applyEdit serialised and framed. Run: scripts/bench protocol
#include <benchmark/benchmark.h>

#include "protocol/dispatcher.h"
#include "protocol/framing.h"
#include "protocol/lsp_types.h"

namespace {

using namespace flint::protocol;

std::string did_change_frame() {
  json change{{"jsonrpc", "2.0"},
              {"method", "textDocument/didChange"},
              {"params",
               {{"textDocument", {{"uri", "file:///work/src/module.py"}, {"version", 42}}},
                {"contentChanges", json::array({{{"range",
                                                  {{"start", {{"line", 1200}, {"character", 17}}},
                                                   {"end", {{"line", 1200}, {"character", 17}}}}},
                                                 {"text", "x"}}})}}}};
  return encode_frame(change.dump());
}

void BM_DidChangeKeystroke(benchmark::State& state) {
  std::string frame = did_change_frame();
  size_t handled = 0;
  Dispatcher dispatcher([](const json&) {});
  dispatcher.notification<DidChangeTextDocumentParams>(
      "textDocument/didChange",
      [&](const DidChangeTextDocumentParams& p) { handled += p.contentChanges.size(); });
  FrameReader reader([&](std::string body) { dispatcher.handle_message(body); },
                     [](std::string) {});
  for (auto _ : state) reader.feed(frame);
  benchmark::DoNotOptimize(handled);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * frame.size()));
}
BENCHMARK(BM_DidChangeKeystroke);

void BM_DidOpen64KiB(benchmark::State& state) {
  std::string text;
  while (text.size() < 64 * 1024) text += "    value = compute(value, other) + 1  # comment\n";
  json open{
      {"jsonrpc", "2.0"},
      {"method", "textDocument/didOpen"},
      {"params",
       {{"textDocument",
         {{"uri", "file:///a.py"}, {"languageId", "python"}, {"version", 1}, {"text", text}}}}}};
  std::string frame = encode_frame(open.dump());
  size_t bytes = 0;
  Dispatcher dispatcher([](const json&) {});
  dispatcher.notification<DidOpenTextDocumentParams>(
      "textDocument/didOpen",
      [&](const DidOpenTextDocumentParams& p) { bytes += p.textDocument.text.size(); });
  FrameReader reader([&](std::string body) { dispatcher.handle_message(body); },
                     [](std::string) {});
  for (auto _ : state) reader.feed(frame);
  benchmark::DoNotOptimize(bytes);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * frame.size()));
}
BENCHMARK(BM_DidOpen64KiB);

void BM_RequestRoundTripInProcess(benchmark::State& state) {
  // A typed request answered at once: parse, bind, handle, serialise the response, frame it.
  json request{
      {"jsonrpc", "2.0"},
      {"id", 7},
      {"method", "test/echo"},
      {"params",
       {{"start", {{"line", 1}, {"character", 2}}}, {"end", {{"line", 3}, {"character", 4}}}}}};
  std::string frame = encode_frame(request.dump());
  size_t out_bytes = 0;
  Dispatcher dispatcher([&](const json& m) { out_bytes += encode_frame(serialize(m)).size(); });
  dispatcher.request<Range, Range>("test/echo",
                                   [](const Range& r, Reply<Range> reply) { reply(r); });
  FrameReader reader([&](std::string body) { dispatcher.handle_message(body); },
                     [](std::string) {});
  for (auto _ : state) reader.feed(frame);
  benchmark::DoNotOptimize(out_bytes);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RequestRoundTripInProcess);

void BM_ApplyEditSerialise(benchmark::State& state) {
  // What flint writes per streamed edit: a versioned TextDocumentEdit with ~16 tokens of text.
  for (auto _ : state) {
    json edit{
        {"jsonrpc", "2.0"},
        {"id", 123},
        {"method", "workspace/applyEdit"},
        {"params",
         {{"edit",
           {{"documentChanges",
             json::array(
                 {{{"textDocument", {{"uri", "file:///work/src/module.py"}, {"version", 99}}},
                   {"edits",
                    json::array({{{"range",
                                   {{"start", {{"line", 10}, {"character", 4}}},
                                    {"end", {{"line", 10}, {"character", 4}}}}},
                                  {"newText", "total = sum(v * k for v in values)"}}})}}})}}}}}};
    std::string frame = encode_frame(serialize(edit));
    benchmark::DoNotOptimize(frame);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ApplyEditSerialise);

}  // namespace

BENCHMARK_MAIN();
