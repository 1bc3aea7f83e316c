// Model client benchmarks against the in-process loopback endpoint (same machine, loopback
// TCP). Run from a release build:
//   cmake --build build-models --target models_bench && build-models/bench/models_bench
//
// ClientOverhead/<rate>: one stream of `rate` events paced at `rate` events/s. Counters:
//   io_us_per_event        CPU time of the client's I/O thread (libcurl, SSE parsing, JSON
//                          decoding, batching, posting) per event
//   executor_us_per_event  CPU time of the thread running the callbacks, per event
//   write_to_callback_p50_us / _p99_us  from the endpoint stamping an event (at write time)
//                          to the on_text callback seeing it
//   events_per_s           the rate actually achieved
// TimeToFirstByte/cold|warm: a new client (new TCP connection) vs a pooled connection.
// CancelAbort: cancel() on the executor -> the endpoint sees the connection close.
// DecodeOpenAiChatEvent: SSE + JSON decoding of one chat chunk, no network.

#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <charconv>
#include <chrono>
#include <numeric>
#include <thread>
#include <vector>

#include "server/models/model_client.h"
#include "server/models/provider.h"
#include "tests/fake_endpoint/fake_endpoint.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using flint::ModelRoleConfig;
using flint::models::ChatRequest;
using flint::models::ModelClient;
using flint::models::StreamCallbacks;
using flint::models::StreamSummary;
using json = nlohmann::json;

std::chrono::nanoseconds thread_cpu_time() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

ModelRoleConfig role(const flint::fake::FakeEndpoint& endpoint) {
  ModelRoleConfig config;
  config.provider = "openai-chat";
  config.base_url = endpoint.url("/v1");
  config.model = "bench";
  config.api_key = "sk-bench";
  config.first_byte_timeout_ms = 60000;
  config.idle_timeout_ms = 60000;
  return config;
}

ChatRequest request() {
  ChatRequest chat;
  chat.messages.push_back({"user", "go", {}, "", ""});
  return chat;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
  return values[index];
}

// Runs `io` until `done` or a minute passed.
template <typename Done>
void run_until(asio::io_context& io, Done done) {
  auto deadline = Clock::now() + 60s;
  while (!done() && Clock::now() < deadline) io.run_one_for(10ms);
}

void ClientOverhead(benchmark::State& state) {
  const int rate = static_cast<int>(state.range(0));
  const int events = rate;  // one second of stream
  flint::fake::FakeEndpoint endpoint(
      json{{"default",
            {{"text", std::string(static_cast<size_t>(events) * 4, 'x')},
             {"chunkSize", 4},
             {"tokensPerSecond", rate},
             {"stampTimes", true}}}});
  endpoint.start();
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  ModelClient client(io.get_executor());
  ModelRoleConfig config = role(endpoint);

  std::vector<double> latencies_us;
  double io_ns = 0, executor_ns = 0, wall_s = 0;
  int64_t delivered = 0;
  for (auto _ : state) {
    bool done = false;
    int64_t count = 0;
    StreamCallbacks callbacks;
    callbacks.on_text = [&](std::string_view text) {
      auto now = Clock::now().time_since_epoch().count();
      long long stamp = 0;
      std::from_chars(text.data(), text.data() + text.size(), stamp);
      latencies_us.push_back(static_cast<double>(now - stamp) / 1000.0);
      ++count;
    };
    callbacks.on_done = [&](const StreamSummary&) { done = true; };
    callbacks.on_error = [&](const flint::models::ModelError& error) {
      state.SkipWithError(error.message.c_str());
      done = true;
    };
    auto io_before = client.io_thread_cpu_time();
    auto executor_before = thread_cpu_time();
    auto started = Clock::now();
    auto stream = client.chat(config, request(), std::move(callbacks));
    run_until(io, [&] { return done; });
    wall_s += std::chrono::duration<double>(Clock::now() - started).count();
    io_ns += static_cast<double>((client.io_thread_cpu_time() - io_before).count());
    executor_ns += static_cast<double>((thread_cpu_time() - executor_before).count());
    delivered += count;
  }
  if (delivered == 0) return;
  state.counters["io_us_per_event"] = io_ns / 1000.0 / static_cast<double>(delivered);
  state.counters["executor_us_per_event"] = executor_ns / 1000.0 / static_cast<double>(delivered);
  state.counters["write_to_callback_p50_us"] = percentile(latencies_us, 0.50);
  state.counters["write_to_callback_p99_us"] = percentile(latencies_us, 0.99);
  state.counters["events_per_s"] = static_cast<double>(delivered) / wall_s;
}
BENCHMARK(ClientOverhead)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(50000)
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void TimeToFirstByte(benchmark::State& state) {
  const bool warm = state.range(0) == 1;
  flint::fake::FakeEndpoint endpoint(json{{"default", {{"text", "x"}}}});
  endpoint.start();
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  auto shared = std::make_unique<ModelClient>(io.get_executor());
  ModelRoleConfig config = role(endpoint);
  auto one = [&](ModelClient& client) {
    std::optional<StreamSummary> summary;
    StreamCallbacks callbacks;
    callbacks.on_done = [&](const StreamSummary& s) { summary = s; };
    callbacks.on_error = [&](const flint::models::ModelError&) { summary = StreamSummary{}; };
    auto stream = client.chat(config, request(), std::move(callbacks));
    run_until(io, [&] { return summary.has_value(); });
    return summary->time_to_first_byte;
  };
  if (warm) one(*shared);  // opens the pooled connection
  std::vector<double> samples;
  for (auto _ : state) {
    std::chrono::microseconds ttfb;
    if (warm) {
      ttfb = one(*shared);
    } else {
      ModelClient fresh(io.get_executor());
      ttfb = one(fresh);
    }
    samples.push_back(static_cast<double>(ttfb.count()));
    state.SetIterationTime(static_cast<double>(ttfb.count()) / 1e6);
  }
  state.counters["p50_us"] = percentile(samples, 0.5);
  state.counters["p99_us"] = percentile(samples, 0.99);
  state.counters["connections"] = static_cast<double>(endpoint.connections_accepted());
}
BENCHMARK(TimeToFirstByte)
    ->ArgName("warm")
    ->Arg(0)
    ->Arg(1)
    ->Iterations(200)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

void CancelAbort(benchmark::State& state) {
  flint::fake::FakeEndpoint endpoint(
      json{{"default", {{"text", std::string(40000, 'x')}, {"tokensPerSecond", 1000}}}});
  endpoint.start();
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  ModelClient client(io.get_executor());
  ModelRoleConfig config = role(endpoint);
  std::vector<double> samples;
  for (auto _ : state) {
    endpoint.clear_requests();
    bool started = false;
    StreamCallbacks callbacks;
    callbacks.on_text = [&](std::string_view) { started = true; };
    auto stream = client.chat(config, request(), std::move(callbacks));
    run_until(io, [&] { return started; });
    uint64_t connection = endpoint.requests().at(0).connection;
    auto cancelled_at = Clock::now();
    stream->cancel();
    while (!endpoint.connection_closed_at(connection)) std::this_thread::sleep_for(20us);
    auto latency = *endpoint.connection_closed_at(connection) - cancelled_at;
    double us = std::chrono::duration<double, std::micro>(latency).count();
    samples.push_back(us);
    state.SetIterationTime(us / 1e6);
  }
  state.counters["p50_us"] = percentile(samples, 0.5);
  state.counters["p99_us"] = percentile(samples, 0.99);
}
BENCHMARK(CancelAbort)->Iterations(100)->UseManualTime()->Unit(benchmark::kMicrosecond);

void DecodeOpenAiChatEvent(benchmark::State& state) {
  const std::string event =
      "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1718345013,"
      "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,"
      "\"delta\":{\"content\":\" token\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
  auto decoder =
      flint::models::find_provider("openai-chat")->decoder(flint::models::RequestKind::kChat);
  std::vector<flint::models::StreamEvent> out;
  for (auto _ : state) {
    out.clear();
    decoder->feed(event, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(DecodeOpenAiChatEvent);

}  // namespace

BENCHMARK_MAIN();
