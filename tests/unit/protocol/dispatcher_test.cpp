#include "protocol/dispatcher.h"

#include <gtest/gtest.h>

#include "protocol/lsp_types.h"

namespace flint::protocol {
namespace {

struct Fixture {
  std::vector<json> sent;
  Dispatcher dispatcher{[this](const json& m) { sent.push_back(m); }};
};

json request(int id, const std::string& method, json params) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

TEST(Dispatcher, TypedRequestRoundTrip) {
  Fixture f;
  f.dispatcher.request<Position, Range>("test/expand", [](const Position& p, Reply<Range> reply) {
    reply(Range{p, Position{p.line, p.character + 1}});
  });
  f.dispatcher.handle(request(1, "test/expand", {{"line", 3}, {"character", 4}}));
  ASSERT_EQ(f.sent.size(), 1u);
  EXPECT_EQ(f.sent[0]["id"], 1);
  EXPECT_EQ(f.sent[0]["result"]["end"]["character"], 5);
}

TEST(Dispatcher, InvalidParamsNameTheField) {
  Fixture f;
  bool called = false;
  f.dispatcher.request<DidOpenTextDocumentParams, json>(
      "test/open", [&](const DidOpenTextDocumentParams&, Reply<json> reply) {
        called = true;
        reply(nullptr);
      });
  f.dispatcher.handle(
      request(2, "test/open",
              {{"textDocument",
                {{"uri", "file:///x"}, {"languageId", "c"}, {"version", "one"}, {"text", ""}}}}));
  ASSERT_EQ(f.sent.size(), 1u);
  EXPECT_FALSE(called);
  EXPECT_EQ(f.sent[0]["error"]["code"], -32602);
  std::string message = f.sent[0]["error"]["message"];
  EXPECT_NE(message.find("/textDocument/version"), std::string::npos) << message;

  // A JSON null where a string is required is -32602 too, never a crash.
  f.dispatcher.handle(request(3, "test/open", {{"textDocument", {{"uri", nullptr}}}}));
  ASSERT_EQ(f.sent.size(), 2u);
  EXPECT_EQ(f.sent[1]["error"]["code"], -32602);
  EXPECT_NE(f.sent[1]["error"]["message"].get<std::string>().find("uri"), std::string::npos);

  // Missing params name the first missing field.
  f.dispatcher.handle(json{{"jsonrpc", "2.0"}, {"id", 4}, {"method", "test/open"}});
  ASSERT_EQ(f.sent.size(), 3u);
  EXPECT_EQ(f.sent[2]["error"]["code"], -32602);
  EXPECT_NE(f.sent[2]["error"]["message"].get<std::string>().find("textDocument"),
            std::string::npos);
}

TEST(Dispatcher, DroppedReplyAnswersInternalError) {
  Fixture f;
  f.dispatcher.raw_request("test/drop", [](const json&, Reply<json>) {});
  f.dispatcher.handle(request(5, "test/drop", json::object()));
  ASSERT_EQ(f.sent.size(), 1u);
  EXPECT_EQ(f.sent[0]["id"], 5);
  EXPECT_EQ(f.sent[0]["error"]["code"], -32603);
  EXPECT_EQ(f.dispatcher.pending_requests(), 0u);
}

TEST(Dispatcher, RepliesOnlyOnce) {
  Fixture f;
  f.dispatcher.raw_request("test/twice", [](const json&, Reply<json> reply) {
    reply(1);
    reply(2);
    reply.error(ErrorCode::kInternalError, "late");
  });
  f.dispatcher.handle(request(6, "test/twice", json::object()));
  ASSERT_EQ(f.sent.size(), 1u);
  EXPECT_EQ(f.sent[0]["result"], 1);
}

TEST(Dispatcher, CancelRequestAnswersAndCancelsTheToken) {
  Fixture f;
  std::optional<Reply<json>> held;
  bool token_fired = false;
  f.dispatcher.raw_request("test/slow", [&](const json&, Reply<json> reply) {
    reply.token().on_cancel([&] { token_fired = true; });
    held.emplace(reply);
  });
  f.dispatcher.handle(json{{"jsonrpc", "2.0"}, {"id", "abc"}, {"method", "test/slow"}});
  EXPECT_TRUE(f.sent.empty());
  EXPECT_EQ(f.dispatcher.pending_requests(), 1u);
  f.dispatcher.handle(
      json{{"jsonrpc", "2.0"}, {"method", "$/cancelRequest"}, {"params", {{"id", "abc"}}}});
  ASSERT_EQ(f.sent.size(), 1u);
  EXPECT_EQ(f.sent[0]["id"], "abc");
  EXPECT_EQ(f.sent[0]["error"]["code"], -32800);
  EXPECT_TRUE(token_fired);
  EXPECT_TRUE(held->token().is_cancelled());
  (*held)(json("too late"));  // dropped
  EXPECT_EQ(f.sent.size(), 1u);
}

TEST(Dispatcher, OutgoingCallsMatchResponses) {
  Fixture f;
  std::vector<json> results;
  std::vector<int> errors;
  auto id1 = f.dispatcher.call("client/a", json::object(),
                               [&](Expected<json> r) { results.push_back(r.value()); });
  auto id2 = f.dispatcher.call("client/b", nullptr, [&](Expected<json> r) {
    errors.push_back(static_cast<int>(r.error().code));
  });
  EXPECT_NE(id1, id2);
  ASSERT_EQ(f.sent.size(), 2u);
  EXPECT_EQ(f.sent[0]["method"], "client/a");
  EXPECT_FALSE(f.sent[1].contains("params"));
  // Answer out of order; unknown ids are ignored.
  f.dispatcher.handle(
      json{{"jsonrpc", "2.0"}, {"id", id2}, {"error", {{"code", -32601}, {"message", "no"}}}});
  f.dispatcher.handle(json{{"jsonrpc", "2.0"}, {"id", 99999}, {"result", 1}});
  f.dispatcher.handle(json{{"jsonrpc", "2.0"}, {"id", id1}, {"result", {{"applied", true}}}});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0]["applied"], true);
  EXPECT_EQ(errors, std::vector<int>{-32601});
  EXPECT_EQ(f.dispatcher.pending_calls(), 0u);
}

TEST(Dispatcher, PendingCallsFailAtShutdown) {
  Fixture f;
  std::string why;
  f.dispatcher.call("client/a", nullptr, [&](Expected<json> r) { why = r.error().message; });
  f.dispatcher.fail_pending_calls("bye");
  EXPECT_EQ(why, "bye");
}

TEST(Dispatcher, GateRefusesRequestsAndDropsNotifications) {
  Fixture f;
  int notified = 0;
  f.dispatcher.raw_notification("test/n", [&](const json&) { ++notified; });
  f.dispatcher.raw_request("test/r", [](const json&, Reply<json> reply) { reply(1); });
  f.dispatcher.set_gate([](std::string_view, bool) -> std::optional<ResponseError> {
    return ResponseError{ErrorCode::kServerNotInitialized, "not yet", nullptr};
  });
  f.dispatcher.handle(request(1, "test/r", json::object()));
  f.dispatcher.handle(json{{"jsonrpc", "2.0"}, {"method", "test/n"}});
  ASSERT_EQ(f.sent.size(), 1u);
  EXPECT_EQ(f.sent[0]["error"]["code"], -32002);
  EXPECT_EQ(notified, 0);
}

TEST(Dispatcher, MalformedMessages) {
  Fixture f;
  f.dispatcher.handle_message("{not json");
  f.dispatcher.handle_message("[]");
  f.dispatcher.handle_message(R"({"jsonrpc":"2.0","id":true,"method":"x"})");
  f.dispatcher.handle_message(R"({"jsonrpc":"2.0","id":1,"method":"x","params":"str"})");
  f.dispatcher.handle_message(R"({"jsonrpc":"2.0","id":2,"method":"unknown"})");
  f.dispatcher.handle_message(R"({"jsonrpc":"2.0","method":"unknown/notification"})");
  ASSERT_EQ(f.sent.size(), 5u);
  EXPECT_EQ(f.sent[0]["error"]["code"], -32700);
  EXPECT_TRUE(f.sent[0]["id"].is_null());
  EXPECT_EQ(f.sent[1]["error"]["code"], -32600);
  EXPECT_EQ(f.sent[2]["error"]["code"], -32600);
  EXPECT_EQ(f.sent[3]["error"]["code"], -32602);
  EXPECT_EQ(f.sent[4]["error"]["code"], -32601);
}

TEST(Dispatcher, NumberOverflowIsAParseError) {
  // Found by the fuzzer: nlohmann throws out_of_range.406, not parse_error, for 1E400.
  Fixture f;
  f.dispatcher.handle_message("44444400E18446744073");
  ASSERT_EQ(f.sent.size(), 1u);
  EXPECT_EQ(f.sent[0]["error"]["code"], -32700);
}

TEST(JsonRpc, SerializeReplacesInvalidUtf8) {
  json j = std::string("cut \xe2\x82");
  std::string out = serialize(j);
  EXPECT_NE(out.find("cut"), std::string::npos);
}

}  // namespace
}  // namespace flint::protocol
