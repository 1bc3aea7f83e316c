// End-to-end cost of flint in an inline edit, against the raw model stream as the baseline
// measured side by side in the same run:
//   1. whole-session time / raw stream time at 1,000, 5,000 and 20,000 tokens/s, with an
//      editor that takes 2 ms to apply each edit (edits per session reported too);
//   2. flint's own time from the request to the first edit, beyond the endpoint's time to
//      first token: p50 / p99 over many sessions.
// Real flint-lsp over pipes, the loopback endpoint streaming OpenAI-style SSE.
//
// Run: scripts/bench inline_edit   (or build/release/bench/inline_edit_bench [--quick])
#include <algorithm>
#include <asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "server/models/model_client.h"
#include "tests/fake_endpoint/fake_endpoint.h"
#include "tests/support/editor_client.h"

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kFirstTokenMs = 20;

std::string make_region(int lines, const std::string& tag) {
  std::string out = "def compute(values):\n";
  for (int i = 0; i < lines; ++i) {
    out += "    total_" + std::to_string(i) + " = sum(v * " + std::to_string(i) +
           " for v in values)  # " + tag + "\n";
  }
  out += "    return total_0\n";
  return out;
}

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  size_t i =
      std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  return v[i];
}

// The raw stream: the same request body size, the same endpoint, no flint.
double raw_stream_ms(flint::fake::FakeEndpoint& endpoint) {
  asio::io_context io;
  flint::models::ModelClient client(io.get_executor());
  flint::ModelRoleConfig config;
  config.base_url = endpoint.url("/v1");
  config.model = "bench";
  flint::models::ChatRequest request;
  request.messages.push_back({"user", "rewrite please", {}, {}, {}});
  auto start = Clock::now();
  Clock::time_point end;
  flint::models::StreamCallbacks callbacks;
  callbacks.on_text = [](std::string_view) {};
  callbacks.on_done = [&](const flint::models::StreamSummary&) {
    end = Clock::now();
    io.stop();
  };
  callbacks.on_error = [&](const flint::models::ModelError& e) {
    std::fprintf(stderr, "raw stream failed: %s\n", e.message.c_str());
    end = Clock::now();
    io.stop();
  };
  auto stream = client.chat(config, request, callbacks);
  io.run();
  return ms(end - start);
}

struct SessionRun {
  double total_ms = 0;
  double first_edit_ms = 0;  // from sending the command to receiving the first applyEdit
  int edits = 0;
  int tokens = 0;
};

SessionRun run_session(flint::fake::FakeEndpoint& endpoint, const std::string& original,
                       int editor_ms_per_edit) {
  flint::testing::EditorOptions options;
  options.env = {"FLINT_BASE_URL=" + endpoint.url("/v1"), "FLINT_MODEL=bench",
                 "FLINT_PROVIDER=openai-chat"};
  options.args = {"--log-level", "warn"};
  Clock::time_point sent, first_edit;
  bool seen_edit = false;
  options.accept_edit = [&](const json&) {
    if (!seen_edit) {
      seen_edit = true;
      first_edit = Clock::now();
    }
    return true;
  };
  options.after_edit = [&] {
    if (editor_ms_per_edit > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(editor_ms_per_edit));
  };
  flint::testing::EditorClient editor(options);
  const std::string uri = "file:///bench/compute.py";
  editor.open(uri, "python", original);
  sent = Clock::now();
  json result = editor.execute(
      "flint.inlineEdit",
      json{{"textDocument", {{"uri", uri}}},
           {"range",
            {{"start", {{"line", 1}, {"character", 4}}}, {"end", {{"line", 1}, {"character", 4}}}}},
           {"instruction", "rewrite please"}},
      std::chrono::seconds(120));
  auto done = Clock::now();
  SessionRun run;
  run.total_ms = ms(done - sent);
  run.first_edit_ms = seen_edit ? ms(first_edit - sent) : -1;
  if (result.contains("result")) {
    run.edits = result["result"]["stats"].value("edits", 0);
    run.tokens = result["result"]["stats"].value("tokens", 0);
    if (result["result"]["state"] != "done") {
      std::fprintf(stderr, "session ended %s\n", result["result"].dump().c_str());
    }
  } else {
    std::fprintf(stderr, "session failed: %s\n", result.dump().c_str());
  }
  editor.shutdown();
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int region_lines = 60;
  std::string original = make_region(region_lines, "old");
  std::string rewritten = make_region(region_lines, "new");  // every line changes: worst case
  const int tokens = static_cast<int>(rewritten.size() / 4);

  std::printf("inline edit: %d-line region, %d tokens (4 chars each), first token after %d ms\n",
              region_lines + 2, tokens, kFirstTokenMs);
  std::printf("%-10s %10s %12s %12s %8s %8s\n", "tokens/s", "raw ms", "session ms", "ratio",
              "edits", "tokens");
  for (double tps : {1000.0, 5000.0, 20000.0}) {
    flint::fake::FakeEndpoint endpoint(
        json{{"default",
              {{"text", rewritten}, {"tokensPerSecond", tps}, {"firstTokenMs", kFirstTokenMs}}}});
    endpoint.start();
    int reps = quick ? 1 : 3;
    std::vector<double> raw, session, ratio;
    int edits = 0, got_tokens = 0;
    for (int i = 0; i < reps; ++i) {
      double r = raw_stream_ms(endpoint);
      SessionRun s = run_session(endpoint, original, 2);
      raw.push_back(r);
      session.push_back(s.total_ms);
      ratio.push_back(s.total_ms / r);
      edits = s.edits;
      got_tokens = s.tokens;
    }
    std::printf("%-10.0f %10.1f %12.1f %12.3f %8d %8d\n", tps, percentile(raw, 0.5),
                percentile(session, 0.5), percentile(ratio, 0.5), edits, got_tokens);
  }

  // Time to first edit beyond the endpoint's first token: many short sessions.
  flint::fake::FakeEndpoint endpoint(
      json{{"default",
            {{"text", rewritten}, {"tokensPerSecond", 5000}, {"firstTokenMs", kFirstTokenMs}}}});
  endpoint.start();
  std::vector<double> overhead;
  int runs = quick ? 5 : 40;
  for (int i = 0; i < runs; ++i) {
    SessionRun s = run_session(endpoint, original, 0);
    if (s.first_edit_ms > 0) overhead.push_back(s.first_edit_ms - kFirstTokenMs);
  }
  std::printf(
      "\nrequest -> first applyEdit, minus the endpoint's %d ms to first token (%zu runs):\n",
      kFirstTokenMs, overhead.size());
  std::printf("  p50 %.2f ms   p99 %.2f ms   max %.2f ms\n", percentile(overhead, 0.5),
              percentile(overhead, 0.99), percentile(overhead, 1.0));
  return 0;
}
