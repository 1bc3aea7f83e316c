#pragma once
// End-to-end client tests: a ModelClient whose callbacks run on an io_context driven by the
// test thread (so the test thread is the executor's thread), and the in-process fake endpoint.

#include <gtest/gtest.h>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/models/model_client.h"
#include "tests/fake_endpoint/fake_endpoint.h"

namespace flint::models::test {

using namespace std::chrono_literals;
using json = nlohmann::json;

inline constexpr const char* kTestKey = "sk-flint-test-7Hq2Zr9WmXv4Lp0Ns8Ka";
inline constexpr const char* kKeyVariable = "FLINT_TEST_API_KEY";

// Everything a stream told its callbacks.
struct Outcome {
  std::vector<std::string> deltas;
  std::vector<std::string> reasoning;  // on_reasoning deltas
  std::vector<ToolCall> tool_calls;
  std::optional<StreamSummary> summary;
  std::optional<ModelError> error;
  int terminal_calls = 0;
  int callbacks = 0;

  std::string text() const {
    std::string out;
    for (const std::string& delta : deltas) out += delta;
    return out;
  }
  std::string reasoning_text() const {
    std::string out;
    for (const std::string& delta : reasoning) out += delta;
    return out;
  }
  bool ended() const { return terminal_calls > 0; }
};

inline StreamCallbacks record_into(Outcome& outcome) {
  StreamCallbacks callbacks;
  callbacks.on_text = [&outcome](std::string_view text) {
    ++outcome.callbacks;
    outcome.deltas.emplace_back(text);
  };
  callbacks.on_reasoning = [&outcome](std::string_view text) {
    ++outcome.callbacks;
    outcome.reasoning.emplace_back(text);
  };
  callbacks.on_tool_call = [&outcome](const ToolCall& call) {
    ++outcome.callbacks;
    outcome.tool_calls.push_back(call);
  };
  callbacks.on_done = [&outcome](const StreamSummary& summary) {
    ++outcome.callbacks;
    ++outcome.terminal_calls;
    outcome.summary = summary;
  };
  callbacks.on_error = [&outcome](const ModelError& error) {
    ++outcome.callbacks;
    ++outcome.terminal_calls;
    outcome.error = error;
  };
  return callbacks;
}

inline ChatRequest user_says(const std::string& text) {
  ChatRequest request;
  request.messages.push_back({"system", "You are a test.", {}, "", ""});
  request.messages.push_back({"user", text, {}, "", ""});
  return request;
}

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    endpoint_.start();
    ClientOptions options;
    // Short backoff: the tests exercise retries, not patience.
    options.retry.backoff_base = 20ms;
    options.retry.backoff_max = 100ms;
    options.retry.max_retry_after = 5s;
    client_ = std::make_unique<ModelClient>(io_.get_executor(), options);
  }

  void TearDown() override {
    client_.reset();
    // Whatever was posted before the client went away must stay silent; run it to be sure.
    io_.poll();
  }

  ModelRoleConfig config(const std::string& provider = "openai-chat") const {
    ModelRoleConfig config;
    config.provider = provider;
    bool openai = provider.rfind("openai", 0) == 0;
    config.base_url = endpoint_.url(openai ? "/v1" : "");
    config.model = "test-model";
    config.api_key = kTestKey;
    config.api_key_env = kKeyVariable;
    config.connect_timeout_ms = 5000;
    config.first_byte_timeout_ms = 20000;
    config.idle_timeout_ms = 20000;
    config.max_retries = 2;
    config.max_tokens = 100;
    return config;
  }

  // Runs the executor until `done` holds or `timeout` passes; false on timeout.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 30s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return false;
      io_.run_one_for(std::min<std::chrono::steady_clock::duration>(deadline - now, 50ms));
    }
    return true;
  }

  // Runs the executor for `duration` whatever happens.
  void run_for(std::chrono::milliseconds duration) {
    auto deadline = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < deadline) io_.run_one_until(deadline);
  }

  Outcome chat(const ModelRoleConfig& config, ChatRequest request) {
    Outcome outcome;
    auto stream = client_->chat(config, std::move(request), record_into(outcome));
    EXPECT_TRUE(run_until([&] { return outcome.ended(); })) << "the stream never ended";
    run_for(20ms);  // a second terminal callback would show up here
    EXPECT_EQ(outcome.terminal_calls, 1);
    return outcome;
  }

  Outcome fim(const ModelRoleConfig& config, FimRequest request) {
    Outcome outcome;
    auto stream = client_->fim(config, std::move(request), record_into(outcome));
    EXPECT_TRUE(run_until([&] { return outcome.ended(); })) << "the stream never ended";
    run_for(20ms);
    EXPECT_EQ(outcome.terminal_calls, 1);
    return outcome;
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  fake::FakeEndpoint endpoint_;
  std::unique_ptr<ModelClient> client_;
};

}  // namespace flint::models::test
