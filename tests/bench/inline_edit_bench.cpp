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
#include <asio/executor_work_guard.hpp>
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
  // The client works on its own I/O thread and posts callbacks here: keep run() waiting.
  auto guard = asio::make_work_guard(io);
  auto stream = client.chat(config, request, callbacks);
  io.run();
  return ms(end - start);
}

struct SessionRun {
  double total_ms = 0;
  double first_edit_ms = 0;  // from sending the command to receiving the first applyEdit
  int edits = 0;
  int tokens = 0;
  double server_first_token_ms = -1;  // as flint measured them, from the request
  double server_first_edit_ms = -1;
};

// `sessions` inline edits of the same region, one after the other, in one flint-lsp (as in an
// editor: one server, its connection to the endpoint kept). Each edit but the last is
// rejected afterwards, which restores the original text for the next one.
std::vector<SessionRun> run_sessions(flint::fake::FakeEndpoint& endpoint,
                                     const std::string& original, int editor_ms_per_edit,
                                     int sessions) {
  flint::test::EditorOptions options;
  options.env = {"FLINT_BASE_URL=" + endpoint.url("/v1"), "FLINT_MODEL=bench",
                 "FLINT_PROVIDER=openai-chat"};
  options.args = {"--log-level", "warn"};
  Clock::time_point first_edit;
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
  flint::test::EditorClient editor(options);
  const std::string uri = "file:///bench/compute.py";
  editor.open(uri, "python", original);
  // As in an editor, the document was open before the request: opening a language's first
  // file starts compiling its queries in the background, which is not the edit's cost.
  editor.serve_for(std::chrono::milliseconds(200));
  std::vector<SessionRun> runs;
  for (int i = 0; i < sessions; ++i) {
    seen_edit = false;
    auto sent = Clock::now();
    json result = editor.execute("flint.inlineEdit",
                                 json{{"textDocument", {{"uri", uri}}},
                                      {"range",
                                       {{"start", {{"line", 1}, {"character", 4}}},
                                        {"end", {{"line", 1}, {"character", 4}}}}},
                                      {"instruction", "rewrite please"}},
                                 std::chrono::seconds(120));
    auto done = Clock::now();
    SessionRun run;
    run.total_ms = ms(done - sent);
    run.first_edit_ms = seen_edit ? ms(first_edit - sent) : -1;
    if (!result.contains("result")) {
      std::fprintf(stderr, "session failed: %s\n", result.dump().c_str());
      break;
    }
    const json& stats = result["result"]["stats"];
    run.edits = stats.value("edits", 0);
    run.tokens = stats.value("tokens", 0);
    if (stats["firstTokenMs"].is_number()) run.server_first_token_ms = stats["firstTokenMs"];
    if (stats["firstEditMs"].is_number()) run.server_first_edit_ms = stats["firstEditMs"];
    if (result["result"]["state"] != "done") {
      std::fprintf(stderr, "session ended %s\n", result["result"].dump().c_str());
    }
    runs.push_back(run);
    if (i + 1 < sessions) {
      editor.execute("flint.reject", json{{"sessionId", result["result"]["sessionId"]}});
      if (editor.text(uri) != original) {
        std::fprintf(stderr, "reject did not restore the original\n");
        break;
      }
    }
  }
  editor.shutdown();
  return runs;
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
      SessionRun s = run_sessions(endpoint, original, 2, 1).at(0);
      raw.push_back(r);
      session.push_back(s.total_ms);
      ratio.push_back(s.total_ms / r);
      edits = s.edits;
      got_tokens = s.tokens;
    }
    std::printf("%-10.0f %10.1f %12.1f %12.3f %8d %8d\n", tps, percentile(raw, 0.5),
                percentile(session, 0.5), percentile(ratio, 0.5), edits, got_tokens);
  }

  // Time to first edit beyond the endpoint's first token, over many short sessions.
  // (a) The 4-character tokens above: the first edit also waits, by design, for model output
  //     that differs from the original (the first line is held until it is known to be code,
  //     and reproduced lines change nothing).
  // (b) flint's own time: the first token is a whole new line of code, so the edit can go out
  //     as soon as it arrives.
  const std::string first_line = "    values = list(values)  # flint\n";
  struct Case {
    const char* name;
    json reply;
  } cases[] = {
      {"(a) 4-char tokens, rewrite",
       {{"text", rewritten}, {"tokensPerSecond", 5000}, {"firstTokenMs", kFirstTokenMs}}},
      {"(b) first token = a new line",
       {{"text",
         "def compute(values):\n" + first_line + rewritten.substr(rewritten.find('\n') + 1)},
        {"chunkSize", static_cast<int>(std::string("def compute(values):\n").size())},
        {"tokensPerSecond", 5000},
        {"firstTokenMs", kFirstTokenMs}}},
  };
  int runs = quick ? 5 : 40;
  std::printf(
      "\nrequest -> first applyEdit minus the endpoint's %d ms to first token; and flint's "
      "own first model token -> first applyEdit sent (%d sessions each, one server):\n",
      kFirstTokenMs, runs);
  for (const Case& c : cases) {
    flint::fake::FakeEndpoint endpoint(json{{"default", c.reply}});
    endpoint.start();
    std::vector<double> overhead, token_to_edit;
    for (const SessionRun& s : run_sessions(endpoint, original, 0, runs)) {
      if (s.first_edit_ms > 0) overhead.push_back(s.first_edit_ms - kFirstTokenMs);
      if (s.server_first_edit_ms > 0 && s.server_first_token_ms > 0) {
        token_to_edit.push_back(s.server_first_edit_ms - s.server_first_token_ms);
      }
    }
    std::printf("  %-30s request: p50 %.2f  p99 %.2f ms   token->edit: p50 %.2f  p99 %.2f ms\n",
                c.name, percentile(overhead, 0.5), percentile(overhead, 0.99),
                percentile(token_to_edit, 0.5), percentile(token_to_edit, 0.99));
  }
  return 0;
}
