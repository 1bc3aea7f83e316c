// What real endpoints send besides clean text, for every decoder: reasoning on its own
// channel (reasoning_content, reasoning, reasoning_details, Ollama's thinking, Anthropic's
// thinking blocks, Responses reasoning events), refusals, usage-only and empty-choices chunks,
// role-only first deltas, errors in the middle of a stream, SSE comments and heartbeats, and
// streams that end without their end marker. Each stream is decoded whole, one byte at a
// time, split in two at every position and split at random, and must give exactly the
// expected events.

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "tests/unit/models/chunking.h"
#include "tests/unit/models/decoding.h"

namespace flint::models {
namespace {

using test::decode;
using test::Decoded;

// One SSE event: "data: …" or "event: …\ndata: …", then the blank line.
std::string data(const std::string& json) {
  return "data: " + json + "\n\n";
}
std::string event(const std::string& type, const std::string& json) {
  return "event: " + type + "\ndata: " + json + "\n\n";
}

// An OpenAI chat chunk with one choice.
std::string chat_chunk(const std::string& delta, const std::string& finish_reason = "null") {
  return data(
      R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":)" +
      delta + R"(,"logprobs":null,"finish_reason":)" + finish_reason + "}]}");
}
const std::string kUsageOnly = data(
    R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":7,"total_tokens":17}})");

std::string anthropic(const std::string& type, const std::string& json) {
  return event(type, R"({"type":")" + type + "\"" + (json.empty() ? "" : "," + json) + "}");
}
const std::string kAnthropicStart = anthropic(
    "message_start",
    R"("message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":50,"output_tokens":1}})");

std::string responses(const std::string& type, int sequence, const std::string& json) {
  return event(type, R"({"type":")" + type + R"(","sequence_number":)" + std::to_string(sequence) +
                         "," + json + "}");
}
const std::string kResponsesCreated = responses(
    "response.created", 0,
    R"("response":{"id":"resp_1","object":"response","created_at":1,"status":"in_progress","model":"o4-mini","output":[]})");
std::string responses_completed(int sequence) {
  return responses(
      "response.completed", sequence,
      R"("response":{"id":"resp_1","object":"response","created_at":1,"status":"completed","model":"o4-mini","output":[],"usage":{"input_tokens":20,"output_tokens":50,"output_tokens_details":{"reasoning_tokens":32},"total_tokens":70}})");
}

std::string ollama_chat(const std::string& message, const std::string& rest = R"("done":false)") {
  return R"({"model":"qwen3","created_at":"2025-06-01T00:00:00Z","message":)" + message + "," +
         rest + "}\n";
}

struct Case {
  std::string name;
  std::string provider;
  RequestKind kind;
  std::string bytes;
  std::vector<std::string> expected;
  uint64_t counted_events;  // heartbeats (SSE comments, Anthropic's ping) excluded
};

void PrintTo(const Case& c, std::ostream* out) {
  *out << c.name;
}

std::vector<Case> cases() {
  std::vector<Case> all;
  // --- openai-chat -------------------------------------------------------------------------
  all.push_back({"chat_deepseek_reasoning_content",
                 "openai-chat",
                 RequestKind::kChat,
                 chat_chunk(R"({"role":"assistant","content":null,"reasoning_content":""})") +
                     chat_chunk(R"({"content":null,"reasoning_content":"Let me"})") +
                     chat_chunk(R"({"content":null,"reasoning_content":" think."})") +
                     chat_chunk(R"({"content":"x = 1;","reasoning_content":null})") +
                     chat_chunk(R"({"content":""})", "\"stop\"") + kUsageOnly + data("[DONE]"),
                 {"reasoning:Let me", "reasoning: think.", "text:x = 1;", "end:stop|10/7"},
                 7});
  all.push_back(
      {"chat_openrouter_reasoning_and_details_with_comments",
       "openai-chat",
       RequestKind::kChat,
       ": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n" +
           chat_chunk(
               R"({"role":"assistant","content":"","reasoning":"Plan","reasoning_details":[{"type":"reasoning.text","text":"Plan","format":"anthropic-claude-v1","index":0}]})") +
           ": OPENROUTER PROCESSING\n\n" +
           chat_chunk(
               R"({"role":"assistant","content":"","reasoning":null,"reasoning_details":[{"type":"reasoning.text","text":" it.","index":0}]})") +
           chat_chunk(
               R"({"role":"assistant","content":"","reasoning_details":[{"type":"reasoning.summary","summary":" Sum.","index":0},{"type":"reasoning.encrypted","data":"gAAAA","index":1}]})") +
           chat_chunk(
               R"({"role":"assistant","content":"","reasoning_details":[{"type":"reasoning.encrypted","data":"gAAAA","index":1}]})") +
           chat_chunk(R"({"role":"assistant","content":"int y;"})") +
           chat_chunk(R"({"role":"assistant","content":""})", "\"stop\"") + kUsageOnly +
           data("[DONE]"),
       {"reasoning:Plan", "reasoning: it.", "reasoning: Sum.", "text:int y;", "end:stop|10/7"},
       8});
  all.push_back({"chat_vllm_reasoning_role_null_content_no_done",
                 "openai-chat",
                 RequestKind::kChat,
                 chat_chunk(R"({"role":"assistant","content":null})") +
                     chat_chunk(R"({"reasoning":"Hmm"})") + chat_chunk(R"({"content":"ok"})") +
                     chat_chunk("{}", "\"length\"") + kUsageOnly,
                 {"reasoning:Hmm", "text:ok", "end:length|10/7"},
                 5});
  all.push_back({"chat_role_only_first_delta_and_keepalive_comments",
                 "openai-chat",
                 RequestKind::kChat,
                 chat_chunk(R"({"role":"assistant","content":""})") + ": ping\n\n" +
                     chat_chunk(R"({"role":"assistant"})") + ": keep-alive\n\n" +
                     chat_chunk(R"({"content":"a"})") + ": ping\n\n" +
                     chat_chunk("{}", "\"stop\"") + data("[DONE]"),
                 {"text:a", "end:stop"},
                 5});
  all.push_back({"chat_openai_refusal",
                 "openai-chat",
                 RequestKind::kChat,
                 chat_chunk(R"({"role":"assistant","content":null,"refusal":""})") +
                     chat_chunk(R"({"refusal":"I'm sorry,"})") +
                     chat_chunk(R"({"refusal":" I can't help with that."})") +
                     chat_chunk("{}", "\"stop\"") + kUsageOnly + data("[DONE]"),
                 {"refusal:I'm sorry,", "refusal: I can't help with that.", "end:stop|10/7"},
                 6});
  all.push_back(
      {"chat_azure_empty_choices_first",
       "openai-chat",
       RequestKind::kChat,
       data(
           R"({"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}]})") +
           data(
               R"({"choices":[{"content_filter_results":{},"delta":{"content":"","role":"assistant"},"finish_reason":null,"index":0,"logprobs":null}],"created":1,"id":"chatcmpl-1","model":"gpt-4o","object":"chat.completion.chunk"})") +
           data(
               R"({"choices":[{"delta":{"content":"a"},"finish_reason":null,"index":0}],"created":1,"id":"chatcmpl-1","model":"gpt-4o","object":"chat.completion.chunk"})") +
           data(
               R"({"choices":[{"delta":{},"finish_reason":"content_filter","index":0}],"created":1,"id":"chatcmpl-1","model":"gpt-4o","object":"chat.completion.chunk"})") +
           data("[DONE]"),
       {"text:a", "end:content_filter"},
       5});
  all.push_back(
      {"chat_openrouter_error_mid_stream",
       "openai-chat",
       RequestKind::kChat,
       chat_chunk(R"({"content":"Par"})") +
           data(
               R"({"id":"gen-1","object":"chat.completion.chunk","created":1,"model":"m","provider":"p","error":{"code":502,"message":"Provider returned error"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]})") +
           chat_chunk(R"({"content":"is"})"),
       {"text:Par", "error:server error"},
       2});
  all.push_back(
      {"chat_vllm_error_object",
       "openai-chat",
       RequestKind::kChat,
       chat_chunk(R"({"content":"a"})") +
           data(
               R"({"error":{"object":"error","message":"Engine crashed","type":"InternalServerError","param":null,"code":500}})"),
       {"text:a", "error:server error"},
       2});
  all.push_back({"chat_error_string",
                 "openai-chat",
                 RequestKind::kChat,
                 data(R"({"error":"model crashed"})"),
                 {"error:server error"},
                 1});
  all.push_back({"chat_no_finish_reason_no_done_is_malformed",
                 "openai-chat",
                 RequestKind::kChat,
                 chat_chunk(R"({"role":"assistant","content":""})") +
                     chat_chunk(R"({"reasoning_content":"r"})") + chat_chunk(R"({"content":"a"})"),
                 {"reasoning:r", "text:a", "error:malformed stream"},
                 3});
  // --- openai-completions (FIM) -------------------------------------------------------------
  auto completion = [](const std::string& choices, const std::string& rest = "") {
    return data(R"({"id":"cmpl-1","object":"text_completion","created":1,"choices":)" + choices +
                R"(,"model":"m")" + rest + "}");
  };
  all.push_back(
      {"completions_empty_choices_usage_only_and_comments",
       "openai-completions",
       RequestKind::kFim,
       ": ping\n\n" +
           completion(R"([{"text":"x","index":0,"logprobs":null,"finish_reason":null}])") +
           completion("[]") +
           completion(R"([{"text":"","index":0,"logprobs":null,"finish_reason":"stop"}])") +
           completion("[]",
                      R"(,"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5})") +
           data("[DONE]"),
       {"text:x", "end:stop|3/2"},
       5});
  all.push_back(
      {"completions_usage_only_final_without_done",
       "openai-completions",
       RequestKind::kFim,
       completion(R"([{"text":"y","index":0,"logprobs":null,"finish_reason":"length"}])") +
           completion("[]",
                      R"(,"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4})"),
       {"text:y", "end:length|3/1"},
       2});
  all.push_back(
      {"completions_error_mid_stream",
       "openai-completions",
       RequestKind::kFim,
       completion(R"([{"text":"z","index":0,"logprobs":null,"finish_reason":null}])") +
           data(R"({"error":{"message":"overloaded","type":"server_error","code":null}})"),
       {"text:z", "error:server error"},
       2});
  // --- ollama ---------------------------------------------------------------------------
  all.push_back(
      {"ollama_chat_thinking",
       "ollama",
       RequestKind::kChat,
       ollama_chat(R"({"role":"assistant","content":"","thinking":"Let"})") +
           ollama_chat(R"({"role":"assistant","content":"","thinking":" me see"})") +
           ollama_chat(R"({"role":"assistant","content":"42"})") +
           ollama_chat(
               R"({"role":"assistant","content":""})",
               R"("done":true,"done_reason":"stop","total_duration":1,"prompt_eval_count":11,"eval_count":5)"),
       {"reasoning:Let", "reasoning: me see", "text:42", "end:stop|11/5"},
       4});
  all.push_back(
      {"ollama_generate_thinking_length",
       "ollama",
       RequestKind::kFim,
       R"({"model":"qwen3","created_at":"2025-06-01T00:00:00Z","response":"","thinking":"hm","done":false})"
       "\n"
       R"({"model":"qwen3","created_at":"2025-06-01T00:00:00Z","response":"x+1","done":false})"
       "\n"
       R"({"model":"qwen3","created_at":"2025-06-01T00:00:00Z","response":"","done":true,"done_reason":"length","prompt_eval_count":4,"eval_count":2})"
       "\n",
       {"reasoning:hm", "text:x+1", "end:length|4/2"},
       3});
  all.push_back(
      {"ollama_done_reason_load",
       "ollama",
       RequestKind::kChat,
       ollama_chat(R"({"role":"assistant","content":""})", R"("done_reason":"load","done":true)"),
       {"end:load"},
       1});
  all.push_back(
      {"ollama_generate_done_reason_load",
       "ollama",
       RequestKind::kFim,
       R"({"model":"qwen3","created_at":"2025-06-01T00:00:00Z","response":"","done":true,"done_reason":"load"})"
       "\n",
       {"end:load"},
       1});
  all.push_back(
      {"ollama_error_mid_stream",
       "ollama",
       RequestKind::kChat,
       ollama_chat(R"({"role":"assistant","content":"a"})") +
           R"({"error":"an error was encountered while running the model: unexpected EOF"})"
           "\n",
       {"text:a", "error:server error"},
       2});
  // --- anthropic ------------------------------------------------------------------------------
  all.push_back(
      {"anthropic_thinking_redacted_and_ping",
       "anthropic",
       RequestKind::kChat,
       kAnthropicStart +
           anthropic(
               "content_block_start",
               R"("index":0,"content_block":{"type":"thinking","thinking":"","signature":""})") +
           anthropic("content_block_delta",
                     R"("index":0,"delta":{"type":"thinking_delta","thinking":"I need to"})") +
           anthropic("ping", "") +
           anthropic("content_block_delta",
                     R"("index":0,"delta":{"type":"thinking_delta","thinking":" add."})") +
           anthropic(
               "content_block_delta",
               R"("index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM1gbc"})") +
           anthropic("content_block_stop", R"("index":0)") +
           anthropic(
               "content_block_start",
               R"("index":1,"content_block":{"type":"redacted_thinking","data":"EmwKAhgBEgy3va3p"})") +
           anthropic("content_block_stop", R"("index":1)") +
           anthropic("content_block_start",
                     R"("index":2,"content_block":{"type":"text","text":""})") +
           anthropic("content_block_delta",
                     R"("index":2,"delta":{"type":"text_delta","text":"a + b"})") +
           anthropic("content_block_stop", R"("index":2)") +
           anthropic(
               "message_delta",
               R"("delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":30})") +
           anthropic("message_stop", ""),
       {"reasoning:I need to", "reasoning: add.", "reasoning:", "text:a + b", "end:stop|50/30"},
       13});
  all.push_back(
      {"anthropic_refusal",
       "anthropic",
       RequestKind::kChat,
       kAnthropicStart +
           anthropic("content_block_start",
                     R"("index":0,"content_block":{"type":"text","text":""})") +
           anthropic("content_block_delta",
                     R"("index":0,"delta":{"type":"text_delta","text":"I can't help"})") +
           anthropic("content_block_delta",
                     R"("index":0,"delta":{"type":"text_delta","text":" with that."})") +
           anthropic("content_block_stop", R"("index":0)") +
           anthropic(
               "message_delta",
               R"("delta":{"stop_reason":"refusal","stop_sequence":null},"usage":{"output_tokens":8})") +
           anthropic("message_stop", ""),
       {"text:I can't help", "text: with that.", "refusal:I can't help with that.",
        "end:refusal|50/8"},
       7});
  all.push_back(
      {"anthropic_error_after_text",
       "anthropic",
       RequestKind::kChat,
       kAnthropicStart +
           anthropic("content_block_start",
                     R"("index":0,"content_block":{"type":"text","text":""})") +
           anthropic("content_block_delta",
                     R"("index":0,"delta":{"type":"text_delta","text":"x"})") +
           anthropic("ping", "") +
           anthropic("error", R"("error":{"type":"overloaded_error","message":"Overloaded"})"),
       {"text:x", "error:server error"},
       4});
  all.push_back(
      {"anthropic_without_message_stop",
       "anthropic",
       RequestKind::kChat,
       kAnthropicStart +
           anthropic("content_block_start",
                     R"("index":0,"content_block":{"type":"text","text":""})") +
           anthropic("content_block_delta",
                     R"("index":0,"delta":{"type":"text_delta","text":"x"})") +
           anthropic("content_block_stop", R"("index":0)") +
           anthropic(
               "message_delta",
               R"("delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":1})"),
       {"text:x", "end:length|50/1"},
       5});
  // --- openai-responses -----------------------------------------------------------------------
  const std::string message_open =
      responses(
          "response.output_item.added", 8,
          R"("output_index":1,"item":{"id":"msg_1","type":"message","status":"in_progress","content":[],"role":"assistant"})") +
      responses(
          "response.content_part.added", 9,
          R"("item_id":"msg_1","output_index":1,"content_index":0,"part":{"type":"output_text","annotations":[],"text":""})");
  all.push_back(
      {"responses_reasoning_summary",
       "openai-responses",
       RequestKind::kChat,
       kResponsesCreated +
           responses("response.output_item.added", 1,
                     R"("output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]})") +
           responses(
               "response.reasoning_summary_part.added", 2,
               R"("item_id":"rs_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""})") +
           responses(
               "response.reasoning_summary_text.delta", 3,
               R"("item_id":"rs_1","output_index":0,"summary_index":0,"delta":"**Adding**")") +
           responses("response.reasoning_summary_text.delta", 4,
                     R"("item_id":"rs_1","output_index":0,"summary_index":0,"delta":" numbers")") +
           responses(
               "response.reasoning_summary_text.done", 5,
               R"("item_id":"rs_1","output_index":0,"summary_index":0,"text":"**Adding** numbers")") +
           responses(
               "response.reasoning_summary_part.done", 6,
               R"("item_id":"rs_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":"**Adding** numbers"})") +
           responses(
               "response.output_item.done", 7,
               R"("output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"**Adding** numbers"}]})") +
           message_open +
           responses("response.output_text.delta", 10,
                     R"("item_id":"msg_1","output_index":1,"content_index":0,"delta":"a+b")") +
           ": keep-alive\n\n" +
           responses("response.output_text.done", 11,
                     R"("item_id":"msg_1","output_index":1,"content_index":0,"text":"a+b")") +
           responses_completed(12),
       {"reasoning:**Adding**", "reasoning: numbers", "text:a+b", "end:stop|20/50"},
       13});
  all.push_back(
      {"responses_reasoning_text_then_old_reasoning_delta_ignored",
       "openai-responses",
       RequestKind::kChat,
       kResponsesCreated +
           responses("response.reasoning_text.delta", 1,
                     R"("item_id":"rs_1","output_index":0,"content_index":0,"delta":"First")") +
           responses(
               "response.reasoning.delta", 2,
               R"("item_id":"rs_1","output_index":0,"content_index":0,"delta":{"text":"First"})") +
           responses("response.output_text.delta", 3,
                     R"("item_id":"msg_1","output_index":1,"content_index":0,"delta":"ok")") +
           responses_completed(4),
       {"reasoning:First", "text:ok", "end:stop|20/50"},
       5});
  all.push_back(
      {"responses_old_reasoning_delta",
       "openai-responses",
       RequestKind::kChat,
       kResponsesCreated +
           responses(
               "response.reasoning.delta", 1,
               R"("item_id":"rs_1","output_index":0,"content_index":0,"delta":{"text":"Old"})") +
           responses(
               "response.reasoning_summary.delta", 2,
               R"("item_id":"rs_1","output_index":0,"summary_index":0,"delta":{"text":" style"})") +
           responses_completed(3),
       {"reasoning:Old", "reasoning: style", "end:stop|20/50"},
       4});
  all.push_back(
      {"responses_refusal",
       "openai-responses",
       RequestKind::kChat,
       kResponsesCreated +
           responses(
               "response.output_item.added", 1,
               R"("output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress","content":[],"role":"assistant"})") +
           responses(
               "response.content_part.added", 2,
               R"("item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"refusal","refusal":""})") +
           responses("response.refusal.delta", 3,
                     R"("item_id":"msg_1","output_index":0,"content_index":0,"delta":"I can't")") +
           responses("response.refusal.delta", 4,
                     R"("item_id":"msg_1","output_index":0,"content_index":0,"delta":" help.")") +
           responses(
               "response.refusal.done", 5,
               R"("item_id":"msg_1","output_index":0,"content_index":0,"refusal":"I can't help.")") +
           responses_completed(6),
       {"refusal:I can't", "refusal: help.", "end:stop|20/50"},
       7});
  all.push_back(
      {"responses_refusal_done_only",
       "openai-responses",
       RequestKind::kChat,
       kResponsesCreated +
           responses("response.refusal.done", 1,
                     R"("item_id":"msg_1","output_index":0,"content_index":0,"refusal":"No.")") +
           responses_completed(2),
       {"refusal:No.", "end:stop|20/50"},
       3});
  all.push_back(
      {"responses_incomplete_while_reasoning",
       "openai-responses",
       RequestKind::kChat,
       kResponsesCreated +
           responses("response.reasoning_summary_text.delta", 1,
                     R"("item_id":"rs_1","output_index":0,"summary_index":0,"delta":"Long")") +
           responses(
               "response.incomplete", 2,
               R"("response":{"id":"resp_1","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"output":[],"usage":{"input_tokens":20,"output_tokens":100}})"),
       {"reasoning:Long", "end:length|20/100"},
       3});
  all.push_back(
      {"responses_incomplete_content_filter",
       "openai-responses",
       RequestKind::kChat,
       kResponsesCreated +
           responses(
               "response.incomplete", 1,
               R"("response":{"id":"resp_1","status":"incomplete","incomplete_details":{"reason":"content_filter"},"output":[]})"),
       {"end:content_filter"},
       2});
  return all;
}

class WireQuirks : public ::testing::TestWithParam<Case> {};

TEST_P(WireQuirks, DecodeExactlyWhereverTheBytesAreCut) {
  const Case& c = GetParam();
  Decoded whole = decode(c.provider, c.kind, {c.bytes});
  EXPECT_EQ(whole.events, c.expected);
  EXPECT_EQ(whole.counted, c.counted_events);
  for (const test::Chunks& chunks : test::all_splits(c.bytes, 100)) {
    Decoded split = decode(c.provider, c.kind, chunks);
    ASSERT_EQ(split.events, c.expected) << c.name << " cut into " << chunks.size() << " chunks";
    ASSERT_EQ(split.counted, c.counted_events) << c.name;
  }
}

INSTANTIATE_TEST_SUITE_P(Streams, WireQuirks, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

// The provider's own words reach the error message.
TEST(WireQuirks, MidStreamErrorsKeepTheProviderMessage) {
  auto message_of = [](const std::string& name) {
    for (const Case& c : cases()) {
      if (c.name != name) continue;
      Decoded out = decode(c.provider, c.kind, {c.bytes});
      return out.error_messages.empty() ? std::string() : out.error_messages[0];
    }
    return std::string("(no such case)");
  };
  std::string openrouter = message_of("chat_openrouter_error_mid_stream");
  EXPECT_NE(openrouter.find("Provider returned error"), std::string::npos) << openrouter;
  EXPECT_NE(openrouter.find("502"), std::string::npos) << openrouter;
  EXPECT_NE(message_of("chat_vllm_error_object").find("Engine crashed"), std::string::npos);
  EXPECT_NE(message_of("chat_error_string").find("model crashed"), std::string::npos);
  EXPECT_NE(message_of("completions_error_mid_stream").find("overloaded"), std::string::npos);
  EXPECT_NE(message_of("ollama_error_mid_stream").find("unexpected EOF"), std::string::npos);
  EXPECT_NE(message_of("anthropic_error_after_text").find("Overloaded"), std::string::npos);
  EXPECT_NE(message_of("chat_no_finish_reason_no_done_is_malformed").find("no finish_reason"),
            std::string::npos);
}

// "error": null (some servers send it in every chunk) is not an error.
TEST(WireQuirks, NullOrEmptyErrorMembersAreNotErrors) {
  Decoded chat = decode(
      "openai-chat", RequestKind::kChat,
      {R"(data: {"error":null,"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":"stop"}]})"
       "\n\n"
       R"(data: {"error":"","choices":[]})"
       "\n\ndata: [DONE]\n\n"});
  EXPECT_EQ(chat.events, (std::vector<std::string>{"text:a", "end:stop"}));
}

}  // namespace
}  // namespace flint::models
