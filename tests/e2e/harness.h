#pragma once
// What every end-to-end test starts from: a real flint-lsp over pipes (EditorClient) pointed at
// the loopback model endpoint (FakeEndpoint, streaming as the public APIs do), and the small
// builders of endpoint scripts and command arguments the tests share.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/fake_endpoint/fake_endpoint.h"
#include "tests/support/editor_client.h"

namespace flint::e2e {

using nlohmann::json;
using test::EditorClient;
using test::EditorOptions;
using test::lsp_range;

// Which model flint-lsp is given (through its environment, as a person would).
struct ModelSetup {
  std::string provider = "openai-chat";
  std::string model = "fake-fast";
  std::string api_key = "sk-test-e2e-secret";  // never to be seen in a log or a body
  std::string base_path = "/v1";
};

// The environment that points flint-lsp at `endpoint` (started) as `model`.
inline std::vector<std::string> model_env(const fake::FakeEndpoint& endpoint,
                                          const ModelSetup& model = {}) {
  std::vector<std::string> env{"FLINT_BASE_URL=" + endpoint.url(model.base_path),
                               "FLINT_MODEL=" + model.model, "FLINT_PROVIDER=" + model.provider};
  if (!model.api_key.empty()) env.push_back("FLINT_API_KEY=" + model.api_key);
  return env;
}

// The endpoint playing `script`, and an editor whose flint-lsp talks to it.
struct ModelHarness {
  explicit ModelHarness(json script, const ModelSetup& model = {}, EditorOptions options = {})
      : endpoint(std::move(script)) {
    endpoint.start();
    for (std::string& variable : model_env(endpoint, model)) options.env.push_back(variable);
    editor = std::make_unique<EditorClient>(std::move(options));
  }
  fake::FakeEndpoint endpoint;
  std::unique_ptr<EditorClient> editor;
};

// An endpoint rule: requests containing `match` get `text`, at `tps` tokens per second (0:
// at once) after `first_ms`.
inline json reply_text(const std::string& match, const std::string& text, double tps = 0,
                       int first_ms = 0) {
  json reply{{"text", text}};
  if (tps > 0) reply["tokensPerSecond"] = tps;
  if (first_ms > 0) reply["firstTokenMs"] = first_ms;
  return json{{"match", match}, {"reply", reply}};
}

// flint.inlineEdit's argument.
inline json edit_args(const std::string& uri, json range, const std::string& instruction) {
  return json{
      {"textDocument", {{"uri", uri}}}, {"range", std::move(range)}, {"instruction", instruction}};
}

}  // namespace flint::e2e
