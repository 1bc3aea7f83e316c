#include "tests/fake_endpoint/stream_formats.h"

#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

namespace flint::fake {
namespace {

using json = nlohmann::json;
constexpr std::string_view kCreated = "1700000000";
constexpr std::string_view kCreatedAt = "2024-01-01T00:00:00.000000Z";

std::string quote(std::string_view text) {
  return json(std::string(text)).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string sse(std::string_view data) {
  std::string out = "data: ";
  out.append(data);
  out.append("\n\n");
  return out;
}

std::string sse(std::string_view event, std::string_view data) {
  std::string out = "event: ";
  out.append(event);
  out.append("\ndata: ");
  out.append(data);
  out.append("\n\n");
  return out;
}

std::string call_id(const ScriptedToolCall& call, int index) {
  return call.id.empty() ? "call_" + std::to_string(index) : call.id;
}

class OpenAiChatFormat final : public StreamFormat {
 public:
  using StreamFormat::StreamFormat;
  std::string_view content_type() const override { return "text/event-stream"; }
  std::string begin() override {
    std::string out;
    if (context_.quirks.empty_choices) {
      // Azure OpenAI's first chunk: prompt filter results, no choices.
      out += sse(
          R"({"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]})");
    }
    return out + chunk(context_.quirks.null_content ? R"({"role":"assistant","content":null})"
                                                    : R"({"role":"assistant","content":""})",
                       "null");
  }
  std::string text(std::string_view text) override {
    return chunk("{\"content\":" + quote(text) + "}", "null");
  }
  std::string reasoning(std::string_view text) override {
    const std::string& field = context_.reasoning_field;
    if (field == "reasoning_details") {
      // OpenRouter sends both, saying the same.
      return chunk(R"({"role":"assistant","content":"","reasoning":)" + quote(text) +
                       R"(,"reasoning_details":[{"type":"reasoning.text","text":)" + quote(text) +
                       R"(,"format":"unknown","index":0}]})",
                   "null");
    }
    return chunk(R"({"content":null,")" + field + "\":" + quote(text) + "}", "null");
  }
  std::string refusal(std::string_view text) override {
    return chunk(R"({"content":null,"refusal":)" + quote(text) + "}", "null");
  }
  std::string tool_begin(const ScriptedToolCall& call, int index) override {
    return chunk(R"({"tool_calls":[{"index":)" + std::to_string(index) + ",\"id\":" +
                     quote(call_id(call, index)) + R"(,"type":"function","function":{"name":)" +
                     quote(call.name) + R"(,"arguments":""}}]})",
                 "null");
  }
  std::string tool_arguments(std::string_view arguments, int index) override {
    return chunk(R"({"tool_calls":[{"index":)" + std::to_string(index) +
                     R"(,"function":{"arguments":)" + quote(arguments) + "}}]}",
                 "null");
  }
  std::string tool_end(const ScriptedToolCall&, int) override { return {}; }
  std::string end(std::string_view finish_reason, int64_t completion_tokens,
                  bool had_tool_calls) override {
    std::string reason(finish_reason.empty() ? (had_tool_calls ? "tool_calls" : "stop")
                                             : finish_reason);
    std::string out = chunk("{}", quote(reason));
    if (context_.include_usage || context_.quirks.usage_only_final) {
      out += sse(prefix() + R"("choices":[],"usage":{"prompt_tokens":)" +
                 std::to_string(context_.prompt_tokens) +
                 ",\"completion_tokens\":" + std::to_string(completion_tokens) +
                 ",\"total_tokens\":" + std::to_string(context_.prompt_tokens + completion_tokens) +
                 "}}");
    }
    return context_.quirks.no_done ? out : out + sse("[DONE]");
  }
  std::string error_event(std::string_view message) override {
    return sse(R"({"error":{"message":)" + quote(message) +
               R"(,"type":"server_error","param":null,"code":null}})");
  }
  std::string heartbeat() override { return ": ping\n\n"; }
  std::string garbage() override {
    return "data: {\"choices\": [{\"delta\": {\"content\": \"ab\n\n";
  }

 private:
  std::string prefix() const {
    return R"({"id":"chatcmpl-flint","object":"chat.completion.chunk","created":)" +
           std::string(kCreated) + ",\"model\":" + quote(context_.model) +
           R"(,"system_fingerprint":"fp_flint",)";
  }
  std::string chunk(const std::string& delta, const std::string& finish_reason) const {
    return sse(prefix() + R"("choices":[{"index":0,"delta":)" + delta +
               R"(,"logprobs":null,"finish_reason":)" + finish_reason + "}]}");
  }
};

class OpenAiCompletionsFormat final : public StreamFormat {
 public:
  using StreamFormat::StreamFormat;
  std::string_view content_type() const override { return "text/event-stream"; }
  std::string begin() override {
    if (!context_.quirks.empty_choices) return {};
    return sse(R"({"id":"cmpl-flint","object":"text_completion","created":)" +
               std::string(kCreated) + R"(,"choices":[],"model":)" + quote(context_.model) + "}");
  }
  std::string text(std::string_view text) override { return chunk(quote(text), "null"); }
  std::string reasoning(std::string_view) override { return {}; }
  std::string tool_begin(const ScriptedToolCall&, int) override { return {}; }
  std::string tool_arguments(std::string_view, int) override { return {}; }
  std::string tool_end(const ScriptedToolCall&, int) override { return {}; }
  std::string end(std::string_view finish_reason, int64_t completion_tokens, bool) override {
    std::string out = chunk("\"\"", quote(finish_reason.empty() ? "stop" : finish_reason));
    if (context_.include_usage || context_.quirks.usage_only_final) {
      out += sse(
          R"({"id":"cmpl-flint","object":"text_completion","created":)" + std::string(kCreated) +
          ",\"model\":" + quote(context_.model) + R"(,"choices":[],"usage":{"prompt_tokens":)" +
          std::to_string(context_.prompt_tokens) +
          ",\"completion_tokens\":" + std::to_string(completion_tokens) +
          ",\"total_tokens\":" + std::to_string(context_.prompt_tokens + completion_tokens) + "}}");
    }
    return context_.quirks.no_done ? out : out + sse("[DONE]");
  }
  std::string error_event(std::string_view message) override {
    return sse(R"({"error":{"message":)" + quote(message) +
               R"(,"type":"server_error","param":null,"code":null}})");
  }
  std::string heartbeat() override { return ": ping\n\n"; }
  std::string garbage() override { return "data: {\"choices\": [{\"text\": \"ab\n\n"; }

 private:
  std::string chunk(const std::string& text, const std::string& finish_reason) const {
    return sse(R"({"id":"cmpl-flint","object":"text_completion","created":)" +
               std::string(kCreated) + R"(,"choices":[{"text":)" + text +
               R"(,"index":0,"logprobs":null,"finish_reason":)" + finish_reason +
               "}],\"model\":" + quote(context_.model) + "}");
  }
};

class OpenAiResponsesFormat final : public StreamFormat {
 public:
  using StreamFormat::StreamFormat;
  std::string_view content_type() const override { return "text/event-stream"; }
  std::string begin() override {
    std::string response = "{\"id\":" + quote(context_.response_id) +
                           R"(,"object":"response","created_at":)" + std::string(kCreated) +
                           R"(,"status":"in_progress","model":)" + quote(context_.model) +
                           R"(,"output":[]})";
    return event("response.created", "\"response\":" + response) +
           event("response.in_progress", "\"response\":" + response);
  }
  std::string text(std::string_view text) override {
    std::string out = close_reasoning() + open_part("output_text");
    parts_.back().second.append(text);
    return out + event("response.output_text.delta",
                       part_fields() + ",\"delta\":" + quote(text) + R"(,"logprobs":[])");
  }
  std::string reasoning(std::string_view text) override {
    std::string out;
    if (!reasoning_open_) {
      reasoning_open_ = true;
      reasoning_index_ = next_output_++;
      out += event("response.output_item.added",
                   R"("output_index":)" + std::to_string(reasoning_index_) +
                       R"(,"item":{"id":"rs_flint","type":"reasoning","summary":[]})");
      out += event("response.reasoning_summary_part.added",
                   reasoning_fields() + R"(,"part":{"type":"summary_text","text":""})");
    }
    reasoning_.append(text);
    return out + event("response.reasoning_summary_text.delta",
                       reasoning_fields() + ",\"delta\":" + quote(text));
  }
  std::string refusal(std::string_view text) override {
    std::string out = close_reasoning() + open_part("refusal");
    parts_.back().second.append(text);
    return out + event("response.refusal.delta", part_fields() + ",\"delta\":" + quote(text));
  }
  std::string tool_begin(const ScriptedToolCall& call, int index) override {
    std::string out = close_reasoning() + close_message();
    tool_output_ = next_output_++;
    out += event("response.output_item.added",
                 R"("output_index":)" + std::to_string(tool_output_) +
                     ",\"item\":" + tool_item(call, index, "", "in_progress"));
    return out;
  }
  std::string tool_arguments(std::string_view arguments, int index) override {
    return event("response.function_call_arguments.delta",
                 "\"item_id\":" + quote("fc_" + std::to_string(index)) + ",\"output_index\":" +
                     std::to_string(tool_output_) + ",\"delta\":" + quote(arguments));
  }
  std::string tool_end(const ScriptedToolCall& call, int index) override {
    std::string item = tool_item(call, index, call.arguments_json, "completed");
    output_.push_back(json::parse(item));
    return event("response.function_call_arguments.done",
                 "\"item_id\":" + quote("fc_" + std::to_string(index)) +
                     ",\"output_index\":" + std::to_string(tool_output_) +
                     ",\"arguments\":" + quote(call.arguments_json)) +
           event("response.output_item.done",
                 R"("output_index":)" + std::to_string(tool_output_) + ",\"item\":" + item);
  }
  std::string end(std::string_view finish_reason, int64_t completion_tokens, bool) override {
    std::string out = close_reasoning() + close_message();
    bool incomplete = finish_reason == "length" || finish_reason == "max_output_tokens";
    json response = {{"id", context_.response_id},
                     {"object", "response"},
                     {"created_at", 1700000000},
                     {"status", incomplete ? "incomplete" : "completed"},
                     {"model", context_.model},
                     {"output", output_},
                     {"usage",
                      {{"input_tokens", context_.prompt_tokens},
                       {"output_tokens", completion_tokens},
                       {"total_tokens", context_.prompt_tokens + completion_tokens}}}};
    if (incomplete) response["incomplete_details"] = {{"reason", "max_output_tokens"}};
    return out + event(incomplete ? "response.incomplete" : "response.completed",
                       "\"response\":" + dump(response));
  }
  std::string error_event(std::string_view message) override {
    return sse("error", R"({"type":"error","sequence_number":)" + std::to_string(sequence_++) +
                            R"(,"code":"server_error","message":)" + quote(message) +
                            R"(,"param":null})");
  }
  std::string heartbeat() override { return ": ping\n\n"; }
  std::string garbage() override {
    return "event: response.output_text.delta\ndata: {\"type\": \"response.output_text.de\n\n";
  }

 private:
  static std::string dump(const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  std::string event(std::string_view type, const std::string& fields) {
    return sse(type, "{\"type\":" + quote(type) + ",\"sequence_number\":" +
                         std::to_string(sequence_++) + "," + fields + "}");
  }
  std::string tool_item(const ScriptedToolCall& call, int index, std::string_view arguments,
                        std::string_view status) const {
    return "{\"id\":" + quote("fc_" + std::to_string(index)) +
           R"(,"type":"function_call","status":)" + quote(status) +
           ",\"arguments\":" + quote(arguments) + ",\"call_id\":" + quote(call_id(call, index)) +
           ",\"name\":" + quote(call.name) + "}";
  }
  std::string reasoning_fields() const {
    return R"("item_id":"rs_flint","output_index":)" + std::to_string(reasoning_index_) +
           R"(,"summary_index":0)";
  }
  std::string part_fields() const {
    return R"("item_id":"msg_flint","output_index":)" + std::to_string(message_index_) +
           R"(,"content_index":)" + std::to_string(parts_.size() - 1);
  }
  // The content part as the API shows it: output_text {text} or refusal {refusal}.
  static json part_json(const std::pair<std::string, std::string>& part) {
    if (part.first == "refusal") return {{"type", "refusal"}, {"refusal", part.second}};
    return {{"type", "output_text"}, {"annotations", json::array()}, {"text", part.second}};
  }
  std::string close_reasoning() {
    if (!reasoning_open_) return {};
    reasoning_open_ = false;
    json part = {{"type", "summary_text"}, {"text", reasoning_}};
    json item = {{"id", "rs_flint"}, {"type", "reasoning"}, {"summary", json::array({part})}};
    output_.push_back(item);
    std::string out =
        event("response.reasoning_summary_text.done",
              reasoning_fields() + ",\"text\":" + quote(reasoning_)) +
        event("response.reasoning_summary_part.done",
              reasoning_fields() + ",\"part\":" + dump(part)) +
        event("response.output_item.done",
              R"("output_index":)" + std::to_string(reasoning_index_) + ",\"item\":" + dump(item));
    reasoning_.clear();
    return out;
  }
  // Opens the message item if needed and makes `type` the current content part.
  std::string open_part(const std::string& type) {
    std::string out;
    if (!message_open_) {
      message_open_ = true;
      message_index_ = next_output_++;
      out += event(
          "response.output_item.added",
          R"("output_index":)" + std::to_string(message_index_) +
              R"(,"item":{"id":"msg_flint","type":"message","status":"in_progress","content":[],"role":"assistant"})");
    } else if (parts_.back().first == type) {
      return out;
    } else {
      out += close_part();
    }
    parts_.emplace_back(type, "");
    json empty = part_json({type, ""});
    return out + event("response.content_part.added", part_fields() + ",\"part\":" + dump(empty));
  }
  std::string close_part() {
    const auto& part = parts_.back();
    std::string done =
        part.first == "refusal"
            ? event("response.refusal.done", part_fields() + ",\"refusal\":" + quote(part.second))
            : event("response.output_text.done", part_fields() + ",\"text\":" + quote(part.second));
    return done + event("response.content_part.done",
                        part_fields() + ",\"part\":" + dump(part_json(part)));
  }
  std::string close_message() {
    if (!message_open_) return {};
    message_open_ = false;
    std::string out = close_part();
    json content = json::array();
    for (const auto& part : parts_) content.push_back(part_json(part));
    json item = {{"id", "msg_flint"},
                 {"type", "message"},
                 {"status", "completed"},
                 {"role", "assistant"},
                 {"content", std::move(content)}};
    output_.push_back(item);
    parts_.clear();
    return out +
           event("response.output_item.done",
                 R"("output_index":)" + std::to_string(message_index_) + ",\"item\":" + dump(item));
  }

  int64_t sequence_ = 0;
  int next_output_ = 0;
  bool reasoning_open_ = false;
  int reasoning_index_ = 0;
  std::string reasoning_;
  bool message_open_ = false;
  int message_index_ = 0;
  std::vector<std::pair<std::string, std::string>> parts_;  // (type, text) of the open message
  int tool_output_ = 0;
  json output_ = json::array();
};

class AnthropicFormat final : public StreamFormat {
 public:
  using StreamFormat::StreamFormat;
  std::string_view content_type() const override { return "text/event-stream"; }
  std::string begin() override {
    return sse("message_start",
               R"({"type":"message_start","message":{"id":"msg_flint","type":"message","role":"assistant","content":[],"model":)" +
                   quote(context_.model) +
                   R"(,"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":)" +
                   std::to_string(context_.prompt_tokens) + R"(,"output_tokens":1}}})") +
           heartbeat();
  }
  std::string text(std::string_view text) override {
    std::string out = close_thinking();
    if (!text_open_) {
      text_open_ = true;
      text_block_ = next_block_++;
      out += sse("content_block_start", R"({"type":"content_block_start","index":)" +
                                            std::to_string(text_block_) +
                                            R"(,"content_block":{"type":"text","text":""}})");
    }
    return out + sse("content_block_delta",
                     R"({"type":"content_block_delta","index":)" + std::to_string(text_block_) +
                         R"(,"delta":{"type":"text_delta","text":)" + quote(text) + "}}");
  }
  std::string reasoning(std::string_view text) override {
    std::string out;
    if (!thinking_open_) {
      thinking_open_ = true;
      thinking_block_ = next_block_++;
      out += sse("content_block_start",
                 R"({"type":"content_block_start","index":)" + std::to_string(thinking_block_) +
                     R"(,"content_block":{"type":"thinking","thinking":"","signature":""}})");
    }
    return out + sse("content_block_delta",
                     R"({"type":"content_block_delta","index":)" + std::to_string(thinking_block_) +
                         R"(,"delta":{"type":"thinking_delta","thinking":)" + quote(text) + "}}");
  }
  // Anthropic has no refusal channel: the refusal is the message's text, and the stop reason
  // says "refusal".
  std::string refusal(std::string_view text) override {
    refused_ = true;
    return this->text(text);
  }
  std::string tool_begin(const ScriptedToolCall& call, int index) override {
    std::string out = close_thinking() + close_text();
    tool_block_ = next_block_++;
    return out + sse("content_block_start",
                     R"({"type":"content_block_start","index":)" + std::to_string(tool_block_) +
                         R"(,"content_block":{"type":"tool_use","id":)" +
                         quote(call.id.empty() ? "toolu_" + std::to_string(index) : call.id) +
                         ",\"name\":" + quote(call.name) + R"(,"input":{}}})");
  }
  std::string tool_arguments(std::string_view arguments, int) override {
    return sse("content_block_delta", R"({"type":"content_block_delta","index":)" +
                                          std::to_string(tool_block_) +
                                          R"(,"delta":{"type":"input_json_delta","partial_json":)" +
                                          quote(arguments) + "}}");
  }
  std::string tool_end(const ScriptedToolCall&, int) override {
    return sse("content_block_stop",
               R"({"type":"content_block_stop","index":)" + std::to_string(tool_block_) + "}");
  }
  std::string end(std::string_view finish_reason, int64_t completion_tokens,
                  bool had_tool_calls) override {
    std::string reason(!finish_reason.empty() ? finish_reason
                       : refused_             ? "refusal"
                       : had_tool_calls       ? "tool_use"
                                              : "end_turn");
    return close_thinking() + close_text() +
           sse("message_delta", R"({"type":"message_delta","delta":{"stop_reason":)" +
                                    quote(reason) +
                                    R"(,"stop_sequence":null},"usage":{"output_tokens":)" +
                                    std::to_string(completion_tokens) + "}}") +
           (context_.quirks.no_done ? "" : sse("message_stop", R"({"type":"message_stop"})"));
  }
  std::string error_event(std::string_view message) override {
    return sse("error", R"({"type":"error","error":{"type":"overloaded_error","message":)" +
                            quote(message) + "}}");
  }
  std::string heartbeat() override { return sse("ping", R"({"type": "ping"})"); }
  std::string garbage() override {
    return "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"ind\n\n";
  }

 private:
  std::string close_thinking() {
    if (!thinking_open_) return {};
    thinking_open_ = false;
    std::string index = std::to_string(thinking_block_);
    return sse("content_block_delta",
               R"({"type":"content_block_delta","index":)" + index +
                   R"(,"delta":{"type":"signature_delta","signature":"ZmxpbnQtZmFrZS1zaWduYXR1cmU="}})") +
           sse("content_block_stop", R"({"type":"content_block_stop","index":)" + index + "}");
  }
  std::string close_text() {
    if (!text_open_) return {};
    text_open_ = false;
    return sse("content_block_stop",
               R"({"type":"content_block_stop","index":)" + std::to_string(text_block_) + "}");
  }

  int next_block_ = 0;
  bool thinking_open_ = false;
  int thinking_block_ = 0;
  bool refused_ = false;
  bool text_open_ = false;
  int text_block_ = 0;
  int tool_block_ = 0;
};

class OllamaFormat final : public StreamFormat {
 public:
  OllamaFormat(StreamContext context, bool generate)
      : StreamFormat(std::move(context)), generate_(generate) {}
  std::string_view content_type() const override { return "application/x-ndjson"; }
  std::string begin() override { return {}; }
  std::string text(std::string_view text) override {
    if (generate_) return head() + ",\"response\":" + quote(text) + ",\"done\":false}\n";
    return head() + R"(,"message":{"role":"assistant","content":)" + quote(text) +
           "},\"done\":false}\n";
  }
  std::string reasoning(std::string_view text) override {
    if (generate_) {
      return head() + R"(,"response":"","thinking":)" + quote(text) + ",\"done\":false}\n";
    }
    return head() + R"(,"message":{"role":"assistant","content":"","thinking":)" + quote(text) +
           "},\"done\":false}\n";
  }
  bool streams_tool_arguments() const override { return false; }
  std::string tool_begin(const ScriptedToolCall& call, int) override {
    json arguments = json::parse(call.arguments_json, nullptr, false);
    if (arguments.is_discarded()) arguments = call.arguments_json;
    return head() +
           R"(,"message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":)" +
           quote(call.name) +
           ",\"arguments\":" + arguments.dump(-1, ' ', false, json::error_handler_t::replace) +
           "}}]},\"done\":false}\n";
  }
  std::string tool_arguments(std::string_view, int) override { return {}; }
  std::string tool_end(const ScriptedToolCall&, int) override { return {}; }
  std::string end(std::string_view finish_reason, int64_t completion_tokens, bool) override {
    std::string counts =
        R"(,"total_duration":5000000,"load_duration":1000000,"prompt_eval_count":)" +
        std::to_string(context_.prompt_tokens) +
        R"(,"prompt_eval_duration":1000000,"eval_count":)" + std::to_string(completion_tokens) +
        R"(,"eval_duration":3000000})";
    std::string reason = quote(finish_reason.empty() ? "stop" : finish_reason);
    if (generate_) {
      return head() + R"(,"response":"","done":true,"done_reason":)" + reason +
             R"(,"context":[1,2,3])" + counts + "\n";
    }
    return head() + R"(,"message":{"role":"assistant","content":""},"done":true,"done_reason":)" +
           reason + counts + "\n";
  }
  std::string error_event(std::string_view message) override {
    return "{\"error\":" + quote(message) + "}\n";
  }
  std::string heartbeat() override { return {}; }
  std::string garbage() override { return "{\"model\": \"x\", \"message\": {\"content\": \"ab\n"; }

 private:
  std::string head() const {
    return "{\"model\":" + quote(context_.model) + ",\"created_at\":\"" + std::string(kCreatedAt) +
           "\"";
  }
  bool generate_;
};

std::string default_error_message(std::optional<Api> api, int status, std::string_view model) {
  bool anthropic = api == Api::kAnthropic;
  switch (status) {
    case 401:
      return anthropic ? "invalid x-api-key" : "Incorrect API key provided.";
    case 403:
      return "You are not allowed to use this model.";
    case 404:
      if (api == Api::kOllamaChat || api == Api::kOllamaGenerate) {
        return "model \"" + std::string(model) + "\" not found, try pulling it first";
      }
      return "The model `" + std::string(model) +
             "` does not exist or you do not have access to it.";
    case 429:
      return "Rate limit reached. Please try again later.";
    case 529:
      return "Overloaded";
    default:
      if (status >= 500) return "The server had an error while processing your request.";
      return "Bad request.";
  }
}

}  // namespace

std::optional<Api> api_for_path(std::string_view path) {
  path = path.substr(0, path.find('?'));
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix;
  };
  if (ends_with("/chat/completions")) return Api::kOpenAiChat;
  if (ends_with("/responses")) return Api::kOpenAiResponses;
  if (ends_with("/completions")) return Api::kOpenAiCompletions;
  if (ends_with("/api/chat")) return Api::kOllamaChat;
  if (ends_with("/api/generate")) return Api::kOllamaGenerate;
  if (ends_with("/messages")) return Api::kAnthropic;
  return std::nullopt;
}

std::string_view api_name(Api api) {
  switch (api) {
    case Api::kOpenAiChat:
      return "openai-chat";
    case Api::kOpenAiResponses:
      return "openai-responses";
    case Api::kOpenAiCompletions:
      return "openai-completions";
    case Api::kOllamaChat:
      return "ollama-chat";
    case Api::kOllamaGenerate:
      return "ollama-generate";
    case Api::kAnthropic:
      return "anthropic";
  }
  return "?";
}

std::unique_ptr<StreamFormat> StreamFormat::make(Api api, StreamContext context) {
  switch (api) {
    case Api::kOpenAiChat:
      return std::make_unique<OpenAiChatFormat>(std::move(context));
    case Api::kOpenAiResponses:
      return std::make_unique<OpenAiResponsesFormat>(std::move(context));
    case Api::kOpenAiCompletions:
      return std::make_unique<OpenAiCompletionsFormat>(std::move(context));
    case Api::kOllamaChat:
      return std::make_unique<OllamaFormat>(std::move(context), false);
    case Api::kOllamaGenerate:
      return std::make_unique<OllamaFormat>(std::move(context), true);
    case Api::kAnthropic:
      return std::make_unique<AnthropicFormat>(std::move(context));
  }
  return nullptr;
}

std::string error_body(std::optional<Api> api, int status, std::string_view message,
                       std::string_view model) {
  std::string text =
      message.empty() ? default_error_message(api, status, model) : std::string(message);
  if (!api) return "{\"error\":" + quote(text) + "}";
  switch (*api) {
    case Api::kOllamaChat:
    case Api::kOllamaGenerate:
      return "{\"error\":" + quote(text) + "}";
    case Api::kAnthropic: {
      std::string type = status == 401   ? "authentication_error"
                         : status == 403 ? "permission_error"
                         : status == 404 ? "not_found_error"
                         : status == 413 ? "request_too_large"
                         : status == 429 ? "rate_limit_error"
                         : status == 529 ? "overloaded_error"
                         : status >= 500 ? "api_error"
                                         : "invalid_request_error";
      return R"({"type":"error","error":{"type":)" + quote(type) + ",\"message\":" + quote(text) +
             "}}";
    }
    default: {
      std::string type = status == 429   ? "requests"
                         : status >= 500 ? "server_error"
                                         : "invalid_request_error";
      std::string code = status == 401   ? "\"invalid_api_key\""
                         : status == 404 ? "\"model_not_found\""
                         : status == 429 ? "\"rate_limit_exceeded\""
                                         : "null";
      return R"({"error":{"message":)" + quote(text) + ",\"type\":" + quote(type) +
             ",\"param\":null,\"code\":" + code + "}}";
    }
  }
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 529:
      return "Overloaded";
    default:
      return status < 400 ? "OK" : "Error";
  }
}

}  // namespace flint::fake
