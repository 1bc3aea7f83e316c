// The typed lifecycle, settings, window and diagnostics messages: each wire form survives a
// round trip through its struct, lenient readers read what clients send as before they were
// typed, and strict ones reach the client as -32602 naming the field through the binder.
#include "protocol/lsp_types.h"

#include <gtest/gtest.h>

#include "protocol/dispatcher.h"

namespace flint::protocol {
namespace {

// json -> T -> json gives back the same JSON.
template <class T>
json round_trip(const json& wire) {
  return json(wire.get<T>());
}

TEST(LspTypes, InitializeParamsRoundTrip) {
  json wire{{"processId", 42},
            {"rootUri", "file:///work"},
            {"rootPath", "/work"},
            {"workspaceFolders", {{{"uri", "file:///work"}, {"name", "work"}}}},
            {"capabilities", {{"workspace", {{"configuration", true}}}}},
            {"initializationOptions", {{"edit", {{"maxRegionLines", 80}}}}},
            {"clientInfo", {{"name", "nvim"}, {"version", "0.10"}}},
            {"trace", "off"}};
  EXPECT_EQ(round_trip<InitializeParams>(wire), wire);

  json bare{{"processId", nullptr}, {"capabilities", json::object()}};
  EXPECT_EQ(round_trip<InitializeParams>(bare), bare);
}

TEST(LspTypes, InitializeParamsReadLeniently) {
  // Every field of the wrong type reads as absent, as the server read them before.
  auto p = json{
      {"processId", "not a number"},
      {"rootUri", 7},
      {"workspaceFolders", json::array({json{{"uri", "file:///a"}}, json{{"uri", nullptr}}, 3,
                                        json{{"name", "no uri"}}})},
      {"capabilities", "none"},
      {"clientInfo", {{"name", 5}, {"version", "2"}}},
      {"trace",
       false}}.get<InitializeParams>();
  EXPECT_FALSE(p.processId);
  EXPECT_FALSE(p.rootUri);
  ASSERT_TRUE(p.workspaceFolders);
  ASSERT_EQ(p.workspaceFolders->size(), 1u);
  EXPECT_EQ((*p.workspaceFolders)[0].uri, "file:///a");
  EXPECT_EQ((*p.workspaceFolders)[0].name, "");
  EXPECT_EQ(p.capabilities, "none");  // kept as sent: the capability reader judges it
  EXPECT_TRUE(p.initializationOptions.is_null());
  ASSERT_TRUE(p.clientInfo);
  EXPECT_EQ(p.clientInfo->name, "");
  EXPECT_EQ(p.clientInfo->version, "2");
  EXPECT_FALSE(p.trace);

  auto empty = json::object().get<InitializeParams>();
  EXPECT_FALSE(empty.workspaceFolders);
  EXPECT_EQ(empty.capabilities, json::object());
  EXPECT_FALSE(empty.clientInfo);
}

TEST(LspTypes, InitializeResultRoundTrip) {
  json wire{{"capabilities", {{"positionEncoding", "utf-16"}}},
            {"serverInfo", {{"name", "flint"}, {"version", "1.0"}}}};
  EXPECT_EQ(round_trip<InitializeResult>(wire), wire);
  EXPECT_EQ(json(InitializeResult{json::object(), std::nullopt}),
            json({{"capabilities", json::object()}}));
}

TEST(LspTypes, SettingsRoundTrip) {
  json change{{"settings", {{"flint", {{"edit", {{"maxRegionLines", 80}}}}}}}};
  EXPECT_EQ(round_trip<DidChangeConfigurationParams>(change), change);
  // Settings that say nothing usable are still read (the handler pulls instead).
  EXPECT_TRUE(json::object().get<DidChangeConfigurationParams>().settings.is_null());
  EXPECT_TRUE(json::array().get<DidChangeConfigurationParams>().settings.is_null());

  json configuration{
      {"items", {{{"section", "flint"}}, {{"scopeUri", "file:///a.py"}, {"section", "x"}}}}};
  EXPECT_EQ(round_trip<ConfigurationParams>(configuration), configuration);
  EXPECT_EQ(json(ConfigurationParams{{ConfigurationItem{std::nullopt, "flint"}}}),
            json({{"items", {{{"section", "flint"}}}}}));
}

TEST(LspTypes, SetTraceDefaultsToOff) {
  json wire{{"value", "verbose"}};
  EXPECT_EQ(round_trip<SetTraceParams>(wire), wire);
  EXPECT_EQ(json::object().get<SetTraceParams>().value, "off");
  EXPECT_THROW(json({{"value", 3}}).get<SetTraceParams>(), json::exception);
}

TEST(LspTypes, WindowMessagesRoundTrip) {
  json message{{"type", 2}, {"message", "flint: invalid settings"}};
  EXPECT_EQ(round_trip<ShowMessageParams>(message), message);
  EXPECT_EQ(round_trip<LogMessageParams>(message), message);

  for (const json& token : {json(7), json("flint/job-1")}) {
    json create{{"token", token}};
    EXPECT_EQ(round_trip<WorkDoneProgressCreateParams>(create), create);
    EXPECT_EQ(round_trip<WorkDoneProgressCancelParams>(create), create);
    json progress{{"token", token}, {"value", {{"kind", "report"}, {"percentage", 50}}}};
    EXPECT_EQ(round_trip<ProgressParams>(progress), progress);
  }
  // A cancel without a token names no work; it is not an error.
  EXPECT_TRUE(json::object().get<WorkDoneProgressCancelParams>().token.is_null());
  EXPECT_TRUE(json::array().get<WorkDoneProgressCancelParams>().token.is_null());
}

TEST(LspTypes, PublishDiagnosticsRoundTrip) {
  json range{{"start", {{"line", 1}, {"character", 2}}}, {"end", {{"line", 1}, {"character", 9}}}};
  json wire{{"uri", "file:///a.py"},
            {"version", 4},
            {"diagnostics",
             {{{"range", range}, {"severity", 1}, {"source", "flint"}, {"message", "bad"}}}}};
  EXPECT_EQ(round_trip<PublishDiagnosticsParams>(wire), wire);

  // Clearing: no version, no diagnostics; optional fields are left out, not null.
  json clear{{"uri", "file:///a.py"}, {"diagnostics", json::array()}};
  EXPECT_EQ(round_trip<PublishDiagnosticsParams>(clear), clear);
  json bare = Diagnostic{Range{{0, 0}, {0, 1}}, std::nullopt, std::nullopt, "x"};
  EXPECT_FALSE(bare.contains("severity"));
  EXPECT_FALSE(bare.contains("source"));
}

// ---- Through the binder ---------------------------------------------------------------------

struct Fixture {
  std::vector<json> sent;
  Dispatcher dispatcher{[this](const json& m) { sent.push_back(m); }};
  std::vector<std::string> dropped;  // bad notifications' messages
  Fixture() {
    dispatcher.set_bad_notification_handler(
        [this](std::string_view, std::string message) { dropped.push_back(std::move(message)); });
  }
  json error_of(const json& request) {
    sent.clear();
    dispatcher.handle(request);
    return sent.size() == 1 ? sent[0].value("error", json()) : json();
  }
};

json request(const std::string& method, json params) {
  json r{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}};
  if (!params.is_null()) r["params"] = std::move(params);
  return r;
}

template <class Params>
void bind_echo(Dispatcher& d, const std::string& method) {
  d.request<Params, json>(method, [](const Params& p, const Reply<json>& reply) { reply(p); });
}

TEST(LspTypesBinder, InitializeNeedsAnObject) {
  Fixture f;
  bind_echo<InitializeParams>(f.dispatcher, "initialize");
  for (const json& params : {json(), json::array()}) {
    json error = f.error_of(request("initialize", params));
    EXPECT_EQ(error["code"], -32602) << params;
    EXPECT_EQ(error["message"], "invalid params: initialize needs an object");
  }
  // Any object is read, fields of the wrong type as absent.
  f.sent.clear();
  f.dispatcher.handle(request("initialize", {{"rootUri", 1}, {"capabilities", {}}}));
  ASSERT_EQ(f.sent.size(), 1u);
  EXPECT_EQ(f.sent[0]["result"], json({{"processId", nullptr}, {"capabilities", nullptr}}));
}

TEST(LspTypesBinder, MalformedValuesNameTheField) {
  Fixture f;
  bind_echo<PublishDiagnosticsParams>(f.dispatcher, "test/diagnostics");
  bind_echo<ShowMessageParams>(f.dispatcher, "test/show");
  bind_echo<ProgressParams>(f.dispatcher, "test/progress");
  bind_echo<ConfigurationParams>(f.dispatcher, "test/configuration");

  json half_range{{"start", {{"line", 0}, {"character", 0}}}};
  json diagnostic{{"range", half_range}, {"message", "no end"}};
  json error = f.error_of(request(
      "test/diagnostics", {{"uri", "file:///a.py"}, {"diagnostics", json::array({diagnostic})}}));
  EXPECT_EQ(error["code"], -32602);
  EXPECT_NE(error["message"].get<std::string>().find("/diagnostics/0/range"), std::string::npos)
      << error;

  error = f.error_of(
      request("test/diagnostics",
              {{"uri", "file:///a.py"}, {"version", "two"}, {"diagnostics", json::array()}}));
  EXPECT_EQ(error["code"], -32602);
  EXPECT_NE(error["message"].get<std::string>().find("/version"), std::string::npos) << error;

  error = f.error_of(request("test/show", {{"type", "warning"}, {"message", "m"}}));
  EXPECT_EQ(error["code"], -32602);
  EXPECT_NE(error["message"].get<std::string>().find("/type"), std::string::npos) << error;

  error = f.error_of(request("test/progress", {{"token", 1}}));
  EXPECT_EQ(error["code"], -32602);
  EXPECT_NE(error["message"].get<std::string>().find("value"), std::string::npos) << error;

  error = f.error_of(request("test/configuration", {{"items", {{{"section", 3}}}}}));
  EXPECT_EQ(error["code"], -32602);
  EXPECT_NE(error["message"].get<std::string>().find("/items/0/section"), std::string::npos)
      << error;
}

TEST(LspTypesBinder, LenientNotificationsAreNeverDropped) {
  Fixture f;
  int changes = 0;
  int cancels = 0;
  f.dispatcher.notification<DidChangeConfigurationParams>(
      "workspace/didChangeConfiguration", [&](const DidChangeConfigurationParams&) { ++changes; });
  f.dispatcher.notification<WorkDoneProgressCancelParams>(
      "window/workDoneProgress/cancel", [&](const WorkDoneProgressCancelParams&) { ++cancels; });
  for (const json& params : {json(), json::array(), json::object(), json({{"settings", 1}})}) {
    json n{{"jsonrpc", "2.0"}, {"method", "workspace/didChangeConfiguration"}};
    if (!params.is_null()) n["params"] = params;
    f.dispatcher.handle(n);
    n["method"] = "window/workDoneProgress/cancel";
    f.dispatcher.handle(n);
  }
  EXPECT_EQ(changes, 4);
  EXPECT_EQ(cancels, 4);
  EXPECT_TRUE(f.dropped.empty());
  EXPECT_TRUE(f.sent.empty());
}

TEST(LspTypesBinder, AMistypedTraceIsDroppedAndLogged) {
  Fixture f;
  std::vector<std::string> values;
  f.dispatcher.notification<SetTraceParams>(
      "$/setTrace", [&](const SetTraceParams& p) { values.push_back(p.value); });
  auto send = [&](json params) {
    f.dispatcher.handle(
        json{{"jsonrpc", "2.0"}, {"method", "$/setTrace"}, {"params", std::move(params)}});
  };
  send({{"value", "messages"}});
  send(json::object());
  send({{"value", 1}});
  EXPECT_EQ(values, (std::vector<std::string>{"messages", "off"}));
  ASSERT_EQ(f.dropped.size(), 1u);
  EXPECT_NE(f.dropped[0].find("/value"), std::string::npos) << f.dropped[0];
  EXPECT_TRUE(f.sent.empty());
}

TEST(LspTypesBinder, NoParamsReadsAnything) {
  Fixture f;
  int calls = 0;
  f.dispatcher.request<NoParams, json>("shutdown", [&](const NoParams&, const Reply<json>& reply) {
    ++calls;
    reply(nullptr);
  });
  for (const json& params : {json(), json::array({1}), json({{"x", 1}})}) {
    f.sent.clear();
    f.dispatcher.handle(request("shutdown", params));
    ASSERT_EQ(f.sent.size(), 1u);
    EXPECT_TRUE(f.sent[0].contains("result")) << f.sent[0];
  }
  EXPECT_EQ(calls, 3);
}

}  // namespace
}  // namespace flint::protocol
