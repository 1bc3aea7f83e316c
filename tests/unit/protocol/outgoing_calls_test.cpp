// Typed server->client messages: outgoing_notification and outgoing_method send the params
// through to_json; a typed answer that does not convert is an error, never a throw.
#include <gtest/gtest.h>

#include "protocol/dispatcher.h"
#include "protocol/lsp_types.h"

namespace flint::protocol {
namespace {

struct Fixture {
  std::vector<json> sent;
  Dispatcher dispatcher{[this](const json& m) { sent.push_back(m); }};

  void answer(const json& result) {
    dispatcher.handle(json{{"jsonrpc", "2.0"}, {"id", sent.back()["id"]}, {"result", result}});
  }
};

TEST(OutgoingCalls, NotificationsSendTheTypedParams) {
  Fixture f;
  auto show = f.dispatcher.outgoing_notification<ShowMessageParams>("window/showMessage");
  auto publish = f.dispatcher.outgoing_notification<PublishDiagnosticsParams>(
      "textDocument/publishDiagnostics");
  auto progress = f.dispatcher.outgoing_notification<ProgressParams>("$/progress");
  show({2, "careful"});
  publish({"file:///a.py", 3, {Diagnostic{Range{{1, 0}, {1, 4}}, 1, "flint", "broken"}}});
  publish({"file:///a.py", std::nullopt, {}});
  progress({"tok", json{{"kind", "end"}}});

  ASSERT_EQ(f.sent.size(), 4u);
  EXPECT_EQ(f.sent[0], json({{"jsonrpc", "2.0"},
                             {"method", "window/showMessage"},
                             {"params", {{"type", 2}, {"message", "careful"}}}}));
  EXPECT_FALSE(f.sent[0].contains("id"));
  EXPECT_EQ(f.sent[1]["params"]["version"], 3);
  EXPECT_EQ(f.sent[1]["params"]["diagnostics"][0],
            json({{"range",
                   {{"start", {{"line", 1}, {"character", 0}}},
                    {"end", {{"line", 1}, {"character", 4}}}}},
                  {"severity", 1},
                  {"source", "flint"},
                  {"message", "broken"}}));
  EXPECT_EQ(f.sent[2]["params"], json({{"uri", "file:///a.py"}, {"diagnostics", json::array()}}));
  EXPECT_EQ(f.sent[3]["method"], "$/progress");
  EXPECT_EQ(f.sent[3]["params"], json({{"token", "tok"}, {"value", {{"kind", "end"}}}}));
}

TEST(OutgoingCalls, AJsonResultIsPassedAsSent) {
  Fixture f;
  auto configuration = f.dispatcher.outgoing_method<ConfigurationParams>("workspace/configuration");
  std::optional<Expected<json>> got;
  configuration(ConfigurationParams{{ConfigurationItem{std::nullopt, "flint"}}},
                [&](Expected<json> r) { got.emplace(std::move(r)); });
  ASSERT_EQ(f.sent.size(), 1u);
  EXPECT_EQ(f.sent[0]["method"], "workspace/configuration");
  EXPECT_EQ(f.sent[0]["params"], json({{"items", {{{"section", "flint"}}}}}));
  EXPECT_FALSE(got);
  f.answer(json::array({nullptr}));
  ASSERT_TRUE(got && got->ok());
  EXPECT_EQ(got->value(), json::array({nullptr}));
}

TEST(OutgoingCalls, ATypedResultIsConverted) {
  Fixture f;
  // Any params and result types work; InitializeResult stands for a typed answer here.
  auto method =
      f.dispatcher.outgoing_method<WorkDoneProgressCreateParams, InitializeResult>("test/typed");
  std::vector<Expected<InitializeResult>> got;
  auto keep = [&](Expected<InitializeResult> r) { got.push_back(std::move(r)); };

  method({json(1)}, keep);
  EXPECT_EQ(f.sent.back()["params"], json({{"token", 1}}));
  f.answer({{"capabilities", {{"x", true}}}, {"serverInfo", {{"name", "ed"}}}});
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(got[0].ok());
  EXPECT_EQ(got[0]->capabilities, json({{"x", true}}));
  ASSERT_TRUE(got[0]->serverInfo);
  EXPECT_EQ(got[0]->serverInfo->name, "ed");

  // An answer that does not convert: -32602 naming the method and the field.
  method({json("t")}, keep);
  f.answer({{"capabilities", {}}, {"serverInfo", {{"name", 5}}}});
  ASSERT_EQ(got.size(), 2u);
  ASSERT_FALSE(got[1].ok());
  EXPECT_EQ(got[1].error().code, ErrorCode::kInvalidParams);
  EXPECT_NE(got[1].error().message.find("test/typed reply"), std::string::npos)
      << got[1].error().message;
  EXPECT_NE(got[1].error().message.find("/serverInfo/name"), std::string::npos)
      << got[1].error().message;

  // The client's own error is passed on as it came.
  method({json("u")}, keep);
  f.dispatcher.handle(json{{"jsonrpc", "2.0"},
                           {"id", f.sent.back()["id"]},
                           {"error", {{"code", -32601}, {"message", "no"}}}});
  ASSERT_EQ(got.size(), 3u);
  ASSERT_FALSE(got[2].ok());
  EXPECT_EQ(got[2].error().code, ErrorCode::kMethodNotFound);
  EXPECT_EQ(got[2].error().message, "no");
  EXPECT_EQ(f.dispatcher.pending_calls(), 0u);
}

TEST(OutgoingCalls, PendingTypedCallsFailAtShutdown) {
  Fixture f;
  auto create =
      f.dispatcher.outgoing_method<WorkDoneProgressCreateParams>("window/workDoneProgress/create");
  std::string why;
  create({json("flint/job-1")}, [&](const Expected<json>& r) { why = r.error().message; });
  f.dispatcher.fail_pending_calls("bye");
  EXPECT_EQ(why, "bye");
}

}  // namespace
}  // namespace flint::protocol
