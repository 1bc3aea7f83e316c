// End-to-end cost of flint in an inline edit, against the raw model stream as the baseline
// measured side by side in the same run:
//   1. whole-session time / raw stream time at 1,000, 5,000, 20,000 and 50,000 tokens/s, with
//      an editor that takes 2 ms to apply each edit (edits per session reported too), against
//      an endpoint that sets TCP_NODELAY and one that leaves Nagle's algorithm on (as
//      cpp-httplib, and so llama.cpp's server, does), for requests after an idle connection
//      and back to back;
//   2. flint's own time from the request to the first edit, beyond the endpoint's time to
//      first token: p50 / p99 over many sessions.
// Real flint-lsp over pipes, the loopback endpoint streaming OpenAI-style SSE.
//
// What is compared, so that the ratio is flint's cost and nothing else:
// - Both sides keep their connection to the endpoint: one ModelClient for every raw stream,
//   one flint-lsp for every session (an editor keeps its server; a reused connection is also
//   where Nagle's stalls show). The first run of each is shown apart ("first"): a new server's
//   first session also pays for what flint sets up on first use.
// - raw: ModelClient's request to its on_done (the stream's end decoded).
// - session: the command sent to the moment the editor receives the edit that leaves the
//   final text: then the person has the whole answer. The editor's own 2 ms to apply that
//   last edit, its answer and echo, and flint's reply to the command come after; they are
//   shown as "reply" (the command's round trip) but are not the session's length. (The final
//   edit can come before the stream's end: here the answer's last line, 5 tokens, is the
//   original's, and reproduced lines change nothing; 5 ms at 1,000 tokens/s, 0.1 ms at
//   50,000.)
// - Rounds of raw, raw, session, session, so that load on the machine falls on both alike;
//   a ratio is the median of the per-round ratios. The first of each pair comes after the
//   other side's runs, the second as soon as the first has ended: a request that follows a
//   response within Linux's delayed-ACK time puts the connection in its request-response
//   ("pingpong") mode, where its ACKs wait, and an endpoint with Nagle on then holds its small
//   writes (the stream's start and end) until they come.
//
// Run: scripts/bench inline_edit   (or build/release/bench/inline_edit_bench [--quick])
//      --timeline: also sessions edit by edit (when each edit reached the editor).
#include <algorithm>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
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
  auto i = std::min(v.size() - 1,
                    static_cast<size_t>(std::llround(p * static_cast<double>(v.size() - 1))));
  return v[i];
}

// The raw stream: the same endpoint, no flint; one client, so its connection is reused.
class RawStreams {
 public:
  explicit RawStreams(flint::fake::FakeEndpoint& endpoint) : client_(io_.get_executor()) {
    config_.base_url = endpoint.url("/v1");
    config_.model = "bench";
  }

  struct Run {
    double total_ms = 0;
    double first_token_ms = -1;  // from the request, as the client measured it
  };

  Run run() {
    flint::models::ChatRequest request;
    request.messages.push_back({"user", "rewrite please", {}, {}, {}});
    auto start = Clock::now();
    Clock::time_point end;
    Run result;
    flint::models::StreamCallbacks callbacks;
    callbacks.on_text = [](std::string_view) {};
    callbacks.on_done = [&](const flint::models::StreamSummary& summary) {
      end = Clock::now();
      result.first_token_ms = static_cast<double>(summary.time_to_first_token.count()) / 1000.0;
      io_.stop();
    };
    callbacks.on_error = [&](const flint::models::ModelError& e) {
      std::fprintf(stderr, "raw stream failed: %s\n", e.message.c_str());
      end = Clock::now();
      io_.stop();
    };
    // The client works on its own I/O thread and posts callbacks here: keep run() waiting.
    io_.restart();
    auto guard = asio::make_work_guard(io_);
    auto stream = client_.chat(config_, request, callbacks);
    io_.run();
    result.total_ms = ms(end - start);
    return result;
  }

 private:
  asio::io_context io_;
  flint::models::ModelClient client_;
  flint::ModelRoleConfig config_;
};

struct SessionRun {
  double final_edit_ms = -1;  // command sent -> the editor receives the last applyEdit
  double reply_ms = 0;        // command sent -> its reply
  double first_edit_ms = -1;  // command sent -> the first applyEdit
  std::vector<double> edits_at;
  int edits = 0;
  int tokens = 0;
  double server_first_token_ms = -1;  // as flint measured them, from the request
  double server_first_edit_ms = -1;
  bool ok = false;
};

// Inline edits of one region, one after the other, in one flint-lsp (as in an editor: one
// server, its connection to the endpoint kept). Each is rejected afterwards, which restores
// the original text for the next one.
class Sessions {
 public:
  Sessions(flint::fake::FakeEndpoint& endpoint, std::string original, int editor_ms_per_edit)
      : original_(std::move(original)) {
    flint::test::EditorOptions options;
    options.env = {"FLINT_BASE_URL=" + endpoint.url("/v1"), "FLINT_MODEL=bench",
                   "FLINT_PROVIDER=openai-chat"};
    options.args = {"--log-level", "warn"};
    options.accept_edit = [this](const json&) {
      edits_at_.push_back(Clock::now());
      return true;
    };
    options.after_edit = [editor_ms_per_edit] {
      if (editor_ms_per_edit > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(editor_ms_per_edit));
    };
    editor_ = std::make_unique<flint::test::EditorClient>(options);
    editor_->open(uri_, "python", original_);
    // As in an editor, the document was open before the request: opening a language's first
    // file starts compiling its queries in the background, which is not the edit's cost.
    editor_->serve_for(std::chrono::milliseconds(200));
  }
  ~Sessions() { editor_->shutdown(); }
  Sessions(const Sessions&) = delete;
  Sessions& operator=(const Sessions&) = delete;

  SessionRun run() {
    SessionRun run;
    edits_at_.clear();
    auto sent = Clock::now();
    json result = editor_->execute("flint.inlineEdit",
                                   json{{"textDocument", {{"uri", uri_}}},
                                        {"range",
                                         {{"start", {{"line", 1}, {"character", 4}}},
                                          {"end", {{"line", 1}, {"character", 4}}}}},
                                        {"instruction", "rewrite please"}},
                                   std::chrono::seconds(120));
    run.reply_ms = ms(Clock::now() - sent);
    for (Clock::time_point at : edits_at_) run.edits_at.push_back(ms(at - sent));
    if (!run.edits_at.empty()) {
      run.first_edit_ms = run.edits_at.front();
      run.final_edit_ms = run.edits_at.back();
    }
    if (!result.contains("result")) {
      std::fprintf(stderr, "session failed: %s\n", result.dump().c_str());
      return run;
    }
    const json& stats = result["result"]["stats"];
    run.edits = stats.value("edits", 0);
    run.tokens = stats.value("tokens", 0);
    if (stats["firstTokenMs"].is_number()) run.server_first_token_ms = stats["firstTokenMs"];
    if (stats["firstEditMs"].is_number()) run.server_first_edit_ms = stats["firstEditMs"];
    if (result["result"]["state"] != "done") {
      std::fprintf(stderr, "session ended %s\n", result["result"].dump().c_str());
      return run;
    }
    editor_->execute("flint.reject", json{{"sessionId", result["result"]["sessionId"]}});
    if (editor_->text(uri_) != original_) {
      std::fprintf(stderr, "reject did not restore the original\n");
      return run;
    }
    run.ok = true;
    return run;
  }

 private:
  const std::string uri_ = "file:///bench/compute.py";
  std::string original_;
  std::unique_ptr<flint::test::EditorClient> editor_;
  std::vector<Clock::time_point> edits_at_;
};

void print_timeline(const char* which, const SessionRun& s, double raw) {
  std::printf("  %s: raw %.1f ms; session: first token %.1f ms (flint), edits at", which, raw,
              s.server_first_token_ms);
  for (double at : s.edits_at) std::printf(" %.1f", at);
  std::printf("; reply %.1f ms\n", s.reply_ms);
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  bool timeline = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) quick = true;
    if (std::strcmp(argv[i], "--timeline") == 0) timeline = true;
  }
  const int region_lines = 60;
  std::string original = make_region(region_lines, "old");
  std::string rewritten = make_region(region_lines, "new");  // every line changes: worst case
  const int tokens = static_cast<int>(rewritten.size() / 4);

  std::printf("inline edit: %d-line region, %d tokens (4 chars each), first token after %d ms\n",
              region_lines + 2, tokens, kFirstTokenMs);
  const int reps = quick ? 3 : 9;
  std::printf(
      "p50 (max) of %d runs per row. Each round: raw, raw, session, session; the first of each "
      "pair follows the other side's runs (its connection idle meanwhile), the second starts "
      "as soon as the first ends (back to back: an agent's next turn, a second edit), when "
      "Linux delays its ACKs. session = command -> the final edit at the editor, reply = "
      "command -> its reply; ratios: p50 of the per-round ratios; first token: the raw "
      "client's and flint's, each from its own request.\n",
      reps);
  auto both = [](const std::vector<double>& v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f (%.1f)", percentile(v, 0.5), percentile(v, 1.0));
    return std::string(text);
  };
  struct Row {
    std::vector<double> raw, session, ratio, reply, reply_ratio, raw_token, flint_token;
    int edits = 0;
    void add(const RawStreams::Run& r, const SessionRun& s) {
      raw.push_back(r.total_ms);
      raw_token.push_back(r.first_token_ms);
      session.push_back(s.final_edit_ms);
      ratio.push_back(s.final_edit_ms / r.total_ms);
      reply.push_back(s.reply_ms);
      reply_ratio.push_back(s.reply_ms / r.total_ms);
      flint_token.push_back(s.server_first_token_ms);
      edits = s.edits;
    }
  };
  for (bool nagle : {false, true}) {
    std::printf("\nendpoint %s\n", nagle ? "without TCP_NODELAY (Nagle on, as llama.cpp's server)"
                                         : "with TCP_NODELAY");
    std::printf("%-8s %-13s %14s %14s %6s %14s %6s %14s %14s %5s\n", "tokens/s", "requests",
                "raw ms", "session ms", "ratio", "reply ms", "ratio", "raw 1st token",
                "flint 1st tok", "edits");
    for (double tps : {1000.0, 5000.0, 20000.0, 50000.0}) {
      flint::fake::FakeEndpoint endpoint(
          json{{"default",
                {{"text", rewritten}, {"tokensPerSecond", tps}, {"firstTokenMs", kFirstTokenMs}}}});
      endpoint.set_tcp_nodelay(!nagle);
      endpoint.start();
      RawStreams raw_streams(endpoint);
      Sessions sessions(endpoint, original, 2);
      // Warm-up, shown apart: a new client's first stream (its connection opens) and a new
      // server's first session (its connection was opened at initialize; the first session
      // pays for what is set up lazily). Both connections are reused from here on.
      Row first;
      RawStreams::Run first_raw = raw_streams.run();
      SessionRun first_session = sessions.run();
      if (first_session.ok) first.add(first_raw, first_session);
      if (timeline)
        print_timeline("first session of the server", first_session, first_raw.total_ms);
      Row after_idle, back_to_back;
      bool failed = false;
      for (int i = 0; i < reps && !failed; ++i) {
        RawStreams::Run r1 = raw_streams.run();
        RawStreams::Run r2 = raw_streams.run();
        SessionRun s1 = sessions.run();
        SessionRun s2 = sessions.run();
        failed = !s1.ok || !s2.ok;
        if (failed) break;
        after_idle.add(r1, s1);
        back_to_back.add(r2, s2);
        if (timeline && i + 1 == reps) {
          print_timeline("after idle", s1, r1.total_ms);
          print_timeline("back to back", s2, r2.total_ms);
        }
      }
      for (const auto& [name, row] : {std::pair<const char*, Row&>{"first (1 run)", first},
                                      std::pair<const char*, Row&>{"after idle", after_idle},
                                      std::pair<const char*, Row&>{"back to back", back_to_back}}) {
        std::printf("%-8.0f %-13s %14s %14s %6.3f %14s %6.3f %14s %14s %5d\n", tps, name,
                    both(row.raw).c_str(), both(row.session).c_str(), percentile(row.ratio, 0.5),
                    both(row.reply).c_str(), percentile(row.reply_ratio, 0.5),
                    both(row.raw_token).c_str(), both(row.flint_token).c_str(), row.edits);
      }
    }
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
      "own first model token -> first applyEdit sent (%d sessions each, one server, after its "
      "first):\n",
      kFirstTokenMs, runs);
  for (const Case& c : cases) {
    flint::fake::FakeEndpoint endpoint(json{{"default", c.reply}});
    endpoint.start();
    std::vector<double> overhead, token_to_edit;
    Sessions sessions(endpoint, original, 0);
    sessions.run();  // the server's first session: shown as "first" above
    for (int i = 0; i < runs; ++i) {
      SessionRun s = sessions.run();
      if (s.first_edit_ms > 0) overhead.push_back(s.first_edit_ms - kFirstTokenMs);
      if (s.server_first_edit_ms > 0 && s.server_first_token_ms > 0) {
        token_to_edit.push_back(s.server_first_edit_ms - s.server_first_token_ms);
      }
      if (!s.ok) break;
    }
    std::printf("  %-30s request: p50 %.2f  p99 %.2f ms   token->edit: p50 %.2f  p99 %.2f ms\n",
                c.name, percentile(overhead, 0.5), percentile(overhead, 0.99),
                percentile(token_to_edit, 0.5), percentile(token_to_edit, 0.99));
  }
  return 0;
}
