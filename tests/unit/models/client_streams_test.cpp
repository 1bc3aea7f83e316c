// Cancellation, concurrency, connection reuse, prewarming and shutdown.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <thread>

#include "tests/unit/models/client_harness.h"

namespace flint::models::test {
namespace {

std::string long_text(size_t size) {
  std::string text;
  while (text.size() < size) text += "token ";
  return text.substr(0, size);
}

TEST_F(ClientTest, CancelInsideACallbackSilencesTheStreamAndAbortsTheTransfer) {
  endpoint_.set_script({{"default", {{"text", long_text(4000)}, {"tokensPerSecond", 50}}}});
  Outcome outcome;
  std::shared_ptr<Stream> stream;
  std::chrono::steady_clock::time_point cancelled_at;
  StreamCallbacks callbacks = record_into(outcome);
  auto on_text = callbacks.on_text;
  callbacks.on_text = [&](std::string_view text) {
    on_text(text);
    if (outcome.deltas.size() == 2) {
      cancelled_at = std::chrono::steady_clock::now();
      stream->cancel();
    }
  };
  stream = client_->chat(config(), user_says("hi"), std::move(callbacks));
  ASSERT_TRUE(run_until([&] { return outcome.deltas.size() >= 2; }));
  ASSERT_TRUE(endpoint_.wait_for_requests(1, 5s));
  uint64_t connection = endpoint_.requests()[0].connection;
  // The endpoint sees the connection close: the transfer was aborted, not left to finish.
  ASSERT_TRUE(
      run_until([&] { return endpoint_.connection_closed_at(connection).has_value(); }, 10s));
  auto abort_latency = *endpoint_.connection_closed_at(connection) - cancelled_at;
  std::cout << "[ measured ] cancel -> endpoint saw the connection close: "
            << std::chrono::duration_cast<std::chrono::microseconds>(abort_latency).count()
            << " us\n";
  run_for(300ms);  // 50 tokens/s: more deltas would have come by now
  EXPECT_EQ(outcome.deltas.size(), 2u);
  EXPECT_EQ(outcome.terminal_calls, 0) << "a cancelled stream has no on_done/on_error";
  auto request = endpoint_.requests()[0];
  EXPECT_TRUE(request.client_disconnected);
  EXPECT_FALSE(request.completed);
  EXPECT_LT(request.events_written, 100);
}

TEST_F(ClientTest, CancelBeforeAnythingArrivedMeansNoCallbackAtAll) {
  endpoint_.set_script({{"default", {{"text", "never seen"}, {"firstTokenMs", 200}}}});
  Outcome outcome;
  auto stream = client_->chat(config(), user_says("hi"), record_into(outcome));
  ASSERT_TRUE(endpoint_.wait_for_requests(1, 10s));
  stream->cancel();
  stream->cancel();  // idempotent
  run_for(600ms);
  EXPECT_EQ(outcome.callbacks, 0);
}

TEST_F(ClientTest, CancelAfterTheDataWasPostedStillSilencesIt) {
  // The stream completes on the I/O thread and its callbacks are queued on the executor,
  // which has not run yet; cancel() now must still win.
  Outcome outcome;
  auto stream = client_->chat(config(), user_says("hi"), record_into(outcome));
  ASSERT_TRUE(endpoint_.wait_for_requests(1, 10s));
  for (int i = 0; i < 200 && !endpoint_.requests()[0].completed; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  std::this_thread::sleep_for(50ms);
  stream->cancel();
  run_for(200ms);
  EXPECT_EQ(outcome.callbacks, 0);
}

TEST_F(ClientTest, DroppingTheHandleCancels) {
  endpoint_.set_script({{"default", {{"text", long_text(2000)}, {"tokensPerSecond", 100}}}});
  Outcome outcome;
  {
    auto stream = client_->chat(config(), user_says("hi"), record_into(outcome));
    ASSERT_TRUE(run_until([&] { return !outcome.deltas.empty(); }));
  }
  size_t seen = outcome.deltas.size();
  ASSERT_TRUE(run_until([&] { return endpoint_.connections_open() == 0; }, 10s));
  run_for(100ms);
  EXPECT_EQ(outcome.deltas.size(), seen);
  EXPECT_EQ(outcome.terminal_calls, 0);
}

TEST_F(ClientTest, TwentyConcurrentStreams) {
  // Each answer waits 1.5 s before its first token: if the client ran the streams one after
  // the other, the twentieth request would only arrive after the first answer ended.
  json rules = json::array();
  for (int i = 0; i < 20; ++i) {
    rules.push_back({{"match", "stream #" + std::to_string(i) + "!"},
                     {"reply",
                      {{"text", "answer for " + std::to_string(i) + " " + long_text(200)},
                       {"firstTokenMs", 1500},
                       {"tokensPerSecond", 500},
                       {"chunkSize", 8}}}});
  }
  endpoint_.set_script({{"rules", rules}});
  std::vector<Outcome> outcomes(20);
  std::vector<std::shared_ptr<Stream>> streams;
  const std::vector<std::string> providers = {"openai-chat", "openai-responses", "ollama",
                                              "anthropic"};
  for (int i = 0; i < 20; ++i) {
    streams.push_back(client_->chat(config(providers[i % providers.size()]),
                                    user_says("stream #" + std::to_string(i) + "!"),
                                    record_into(outcomes[i])));
  }
  auto ended = [&] {
    return std::count_if(outcomes.begin(), outcomes.end(),
                         [](const Outcome& o) { return o.ended(); });
  };
  ASSERT_TRUE(run_until([&] { return endpoint_.requests().size() == 20 || ended() > 0; }, 20s));
  EXPECT_EQ(endpoint_.requests().size(), 20u);
  EXPECT_EQ(ended(), 0) << "all twenty were in flight together";
  ASSERT_TRUE(run_until([&] { return ended() == 20; }, 60s));
  for (int i = 0; i < 20; ++i) {
    ASSERT_FALSE(outcomes[i].error) << i << ": " << outcomes[i].error->message;
    EXPECT_EQ(outcomes[i].text(), "answer for " + std::to_string(i) + " " + long_text(200)) << i;
    EXPECT_EQ(outcomes[i].terminal_calls, 1);
  }
}

TEST_F(ClientTest, SequentialStreamsReuseOneConnection) {
  for (int i = 0; i < 5; ++i) {
    Outcome outcome = chat(config(i % 2 ? "anthropic" : "openai-chat"), user_says("again"));
    ASSERT_TRUE(outcome.summary) << (outcome.error ? outcome.error->message : "");
  }
  // Also after an error answer (the body is read to the end, the connection stays usable).
  endpoint_.set_script({{"rules", {{{"reply", {{"status", 400}}}, {"times", 1}}}}});
  Outcome failed = chat(config(), user_says("bad"));
  ASSERT_TRUE(failed.error);
  Outcome after = chat(config(), user_says("good"));
  ASSERT_TRUE(after.summary);
  EXPECT_EQ(endpoint_.connections_accepted(), 1u);
  std::set<uint64_t> connections;
  for (const auto& request : endpoint_.requests()) connections.insert(request.connection);
  EXPECT_EQ(connections.size(), 1u);
}

TEST_F(ClientTest, PrewarmOpensTheConnectionTheFirstStreamUses) {
  client_->prewarm(config());
  ASSERT_TRUE(endpoint_.wait_for_requests(1, 10s));
  auto head = endpoint_.requests()[0];
  EXPECT_EQ(head.method, "HEAD");
  EXPECT_EQ(head.path, "/v1/chat/completions");
  EXPECT_TRUE(head.header("authorization").empty()) << "prewarm sends no key";
  // Let the HEAD finish so that its connection is back in the pool.
  for (int i = 0; i < 500 && !endpoint_.requests()[0].completed; ++i)
    std::this_thread::sleep_for(2ms);
  std::this_thread::sleep_for(500ms);
  Outcome outcome = chat(config(), user_says("hi"));
  ASSERT_TRUE(outcome.summary);
  auto requests = endpoint_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].connection, head.connection);
  EXPECT_EQ(endpoint_.connections_accepted(), 1u);
}

TEST_F(ClientTest, PrewarmOfAnUnconfiguredRoleDoesNothing) {
  ModelRoleConfig role = config();
  role.model.clear();
  client_->prewarm(role);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(endpoint_.connections_accepted(), 0u);
}

TEST_F(ClientTest, DestroyingTheClientSilencesEveryStream) {
  endpoint_.set_script({{"default", {{"text", long_text(2000)}, {"tokensPerSecond", 100}}}});
  Outcome running, finished_but_unseen;
  auto a = client_->chat(config(), user_says("slow"), record_into(running));
  ASSERT_TRUE(run_until([&] { return !running.deltas.empty(); }));
  size_t seen = running.deltas.size();
  client_.reset();
  run_for(300ms);
  EXPECT_EQ(running.deltas.size(), seen);
  EXPECT_EQ(running.terminal_calls, 0);
  a->cancel();  // harmless after the client is gone
}

TEST_F(ClientTest, StreamIdsAreDistinct) {
  Outcome x, y;
  auto a = client_->chat(config(), user_says("a"), record_into(x));
  auto b = client_->chat(config(), user_says("b"), record_into(y));
  EXPECT_NE(a->id(), b->id());
  ASSERT_TRUE(run_until([&] { return x.ended() && y.ended(); }));
}

}  // namespace
}  // namespace flint::models::test
