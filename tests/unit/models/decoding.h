#pragma once
// Decoder tests' helpers: run a provider's decoder over chunks and describe every event it
// produced as one short string ("text:…", "reasoning:…", "refusal:…", "tool:id|name|args",
// "end:reason|in/out", "error:kind").

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "server/models/provider.h"
#include "tests/unit/models/chunking.h"

namespace flint::models::test {

inline std::string describe(const StreamEvent& event) {
  if (auto* text = std::get_if<TextDelta>(&event)) return "text:" + text->text;
  if (auto* reasoning = std::get_if<ReasoningDelta>(&event)) return "reasoning:" + reasoning->text;
  if (auto* refusal = std::get_if<RefusalDelta>(&event)) return "refusal:" + refusal->text;
  if (auto* call = std::get_if<ToolCall>(&event)) {
    return "tool:" + call->id + "|" + call->name + "|" + call->arguments_json;
  }
  if (auto* end = std::get_if<StreamEnd>(&event)) {
    std::string out = "end:" + end->finish_reason;
    if (end->usage) {
      out += "|" + std::to_string(end->usage->input_tokens) + "/" +
             std::to_string(end->usage->output_tokens);
    }
    return out;
  }
  return "error:" + std::string(to_string(std::get<ModelError>(event).kind));
}

struct Decoded {
  std::vector<std::string> events;
  std::vector<std::string> error_messages;
  uint64_t counted = 0;
};

inline Decoded decode(const std::string& provider_name, RequestKind kind, const Chunks& chunks) {
  const Provider* provider = find_provider(provider_name);
  EXPECT_NE(provider, nullptr);
  auto decoder = provider->decoder(kind);
  std::vector<StreamEvent> events;
  for (std::string_view chunk : chunks) decoder->feed(chunk, events);
  decoder->finish(events);
  Decoded out;
  for (const StreamEvent& event : events) {
    out.events.push_back(describe(event));
    if (auto* error = std::get_if<ModelError>(&event)) out.error_messages.push_back(error->message);
  }
  out.counted = decoder->events();
  return out;
}

}  // namespace flint::models::test
