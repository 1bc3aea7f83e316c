// Every provider's decoder against byte-exact sample streams (tests/unit/models/samples/),
// fed whole, one byte at a time, split in two at every position and split at random.

#include <gtest/gtest.h>

#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "server/models/provider.h"
#include "tests/unit/models/chunking.h"
#include "tests/unit/models/decoding.h"

namespace flint::models {
namespace {

std::string sample(const std::string& name) {
  std::ifstream in(std::string(FLINT_SOURCE_DIR) + "/tests/unit/models/samples/" + name,
                   std::ios::binary);
  EXPECT_TRUE(in) << "missing sample " << name;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

using test::decode;
using test::Decoded;

struct Case {
  std::string provider;
  RequestKind kind;
  std::string file;
  std::vector<std::string> expected;
  uint64_t counted_events;  // heartbeats excluded
};

// Names the case in test listings (CTest shows the parameter).
void PrintTo(const Case& c, std::ostream* out) {
  *out << c.file;
}

class SampleStreams : public ::testing::TestWithParam<Case> {};

TEST_P(SampleStreams, DecodeTheSameWhereverTheBytesAreCut) {
  const Case& c = GetParam();
  std::string bytes = sample(c.file);
  ASSERT_FALSE(bytes.empty());
  Decoded whole = decode(c.provider, c.kind, {bytes});
  EXPECT_EQ(whole.events, c.expected);
  EXPECT_EQ(whole.counted, c.counted_events);
  for (const test::Chunks& chunks : test::all_splits(bytes, 100)) {
    Decoded split = decode(c.provider, c.kind, chunks);
    ASSERT_EQ(split.events, c.expected) << c.file << " cut into " << chunks.size() << " chunks";
    ASSERT_EQ(split.counted, c.counted_events);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Providers, SampleStreams,
    ::testing::Values(
        Case{"openai-chat",
             RequestKind::kChat,
             "openai_chat_text.sse",
             {"text:Hello", "text: world", "text:! \xC3\xA9 \xF0\x9F\x94\xA5", "end:stop|12/4"},
             7},
        Case{"openai-chat",
             RequestKind::kChat,
             "openai_chat_tools_crlf.sse",
             {"tool:call_DdmO9pD3xa9XTPNJ32zg2hcA|get_weather|{\"location\": \"Paris\"}",
              "tool:call_Xy2|get_time|{}", "end:tool_calls"},
             7},
        Case{"openai-chat",
             RequestKind::kChat,
             "openai_chat_error.sse",
             {"text:Par", "error:server error"},
             3},
        Case{"openai-completions",
             RequestKind::kFim,
             "openai_completions.sse",
             {"text:    return", "text: a", "text: +", "text: b\n", "end:length"},
             6},
        Case{"openai-responses",
             RequestKind::kChat,
             "openai_responses_text.sse",
             {"text:Hi", "text: there", "text:!", "end:stop|37/11"},
             11},
        Case{"openai-responses",
             RequestKind::kChat,
             "openai_responses_tools.sse",
             {"tool:call_12345xyz|get_weather|{\"location\":\"Paris, France\"}",
              "end:tool_calls|291/23"},
             10},
        Case{"openai-responses",
             RequestKind::kChat,
             "openai_responses_failed.sse",
             {"error:server error"},
             2},
        Case{"anthropic",
             RequestKind::kChat,
             "anthropic_text.sse",
             {"text:Hello", "text:!", "end:stop|25/15"},
             7},
        Case{"anthropic",
             RequestKind::kChat,
             "anthropic_tools.sse",
             {"reasoning:The user wants the weather.", "text:Let me check.",
              "tool:toolu_01T1x1fJ34qAmk2tNTrN7Up6|get_weather|{\"location\": \"San Francisco, "
              "CA\", \"unit\": \"fahrenheit\"}",
              "end:tool_calls|472/89"},
             17},
        Case{"anthropic", RequestKind::kChat, "anthropic_error.sse", {"error:server error"}, 2},
        Case{"ollama",
             RequestKind::kChat,
             "ollama_chat.ndjson",
             {"text:The", "text: sky", "text: is blue.", "end:stop|26/282"},
             4},
        Case{"ollama",
             RequestKind::kChat,
             "ollama_tools.ndjson",
             {"tool:call_0|get_current_weather|{\"format\":\"celsius\",\"location\":\"Paris, FR\"}",
              "end:tool_calls|122/33"},
             2},
        Case{"ollama",
             RequestKind::kFim,
             "ollama_generate.ndjson",
             {"text:\n  if n", "text: < 2:\n", "end:length|26/259"},
             3}),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string name = info.param.file;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(Decoders, ProviderErrorMessagesAreKept) {
  Decoded chat = decode("openai-chat", RequestKind::kChat, {sample("openai_chat_error.sse")});
  ASSERT_EQ(chat.error_messages.size(), 1u);
  EXPECT_NE(chat.error_messages[0].find("Provider disconnected unexpectedly"), std::string::npos);
  Decoded anthropic = decode("anthropic", RequestKind::kChat, {sample("anthropic_error.sse")});
  ASSERT_EQ(anthropic.error_messages.size(), 1u);
  EXPECT_NE(anthropic.error_messages[0].find("overloaded_error"), std::string::npos);
  Decoded responses =
      decode("openai-responses", RequestKind::kChat, {sample("openai_responses_failed.sse")});
  EXPECT_NE(responses.error_messages.at(0).find("failed to generate"), std::string::npos);
}

TEST(Decoders, ErrorEventKindsFollowTheProviderType) {
  Decoded limited = decode("openai-responses", RequestKind::kChat,
                           {"event: error\ndata: {\"type\":\"error\",\"sequence_number\":1,"
                            "\"code\":\"rate_limit_exceeded\",\"message\":\"slow down\","
                            "\"param\":null}\n\n"});
  EXPECT_EQ(limited.events, (std::vector<std::string>{"error:rate limited"}));
  Decoded auth = decode("anthropic", RequestKind::kChat,
                        {"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":"
                         "\"authentication_error\",\"message\":\"invalid x-api-key\"}}\n\n"});
  EXPECT_EQ(auth.events, (std::vector<std::string>{"error:unauthorized"}));
  Decoded ollama = decode("ollama", RequestKind::kChat, {"{\"error\":\"model is loading\"}\n"});
  EXPECT_EQ(ollama.events, (std::vector<std::string>{"error:server error"}));
}

TEST(Decoders, GarbageIsAMalformedStream) {
  for (const auto& [provider, bytes] : std::vector<std::pair<std::string, std::string>>{
           {"openai-chat", "data: {\"choices\": [{\"delta\": {\"content\": \"ab\n\n"},
           {"openai-responses", "event: response.output_text.delta\ndata: nope\n\n"},
           {"anthropic", "event: content_block_delta\ndata: [1,2\n\n"},
           {"openai-completions", "data: 42\n\n"},
           {"ollama", "{\"message\": {\"content\": \"ab\n"}}) {
    Decoded out =
        decode(provider, provider == "openai-completions" ? RequestKind::kFim : RequestKind::kChat,
               {bytes});
    ASSERT_EQ(out.events, (std::vector<std::string>{"error:malformed stream"})) << provider;
    EXPECT_NE(out.error_messages[0].find("starts with"), std::string::npos);
  }
}

TEST(Decoders, StreamsThatStopEarlyAreMalformed) {
  std::string text = sample("anthropic_text.sse");
  Decoded cut =
      decode("anthropic", RequestKind::kChat, {text.substr(0, text.find("message_delta"))});
  EXPECT_EQ(cut.events.back(), "error:malformed stream");
  std::string ollama = sample("ollama_chat.ndjson");
  Decoded cut_ollama =
      decode("ollama", RequestKind::kChat, {ollama.substr(0, ollama.rfind("{\"model\""))});
  EXPECT_EQ(cut_ollama.events.back(), "error:malformed stream");
  Decoded empty = decode("openai-responses", RequestKind::kChat, {""});
  EXPECT_EQ(empty.events, (std::vector<std::string>{"error:malformed stream"}));
}

TEST(Decoders, OpenAiChatWithoutDoneEndsWhenTheChoiceFinished) {
  std::string text = sample("openai_chat_text.sse");
  Decoded out =
      decode("openai-chat", RequestKind::kChat, {text.substr(0, text.find("data: [DONE]"))});
  EXPECT_EQ(out.events.back(), "end:stop|12/4");
}

TEST(Decoders, NothingAfterTheEnd) {
  std::string text = sample("anthropic_text.sse") +
                     "event: content_block_delta\ndata: {\"type\":"
                     "\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
                     "\"text\":\"late\"}}\n\n";
  Decoded out = decode("anthropic", RequestKind::kChat, {text});
  EXPECT_EQ(out.events, (std::vector<std::string>{"text:Hello", "text:!", "end:stop|25/15"}));
}

TEST(Decoders, HeartbeatsAreNotCountedAsEvents) {
  Decoded pings = decode("anthropic", RequestKind::kChat,
                         {"event: ping\ndata: {\"type\": \"ping\"}\n\n: comment\n\n"});
  EXPECT_EQ(pings.counted, 0u);
  Decoded comments = decode("openai-chat", RequestKind::kChat, {": ping\n\n: ping\n\n"});
  EXPECT_EQ(comments.counted, 0u);
}

TEST(Decoders, JsonOfTheWrongShapeNeverThrows) {
  // Valid JSON where objects are expected to be strings, arrays or missing.
  for (const auto& [provider, bytes] : std::vector<std::pair<std::string, std::string>>{
           {"openai-chat",
            "data: {\"choices\":\"x\",\"usage\":5}\n\ndata: {\"choices\":[1,"
            "{\"delta\":3},{\"delta\":{\"tool_calls\":[7,{\"function\":1}]}}]}\n\n"},
           {"openai-responses",
            "data: {\"type\":\"response.output_item.added\",\"item\":3}\n\n"
            "data: {\"type\":\"response.completed\",\"response\":\"x\"}\n\n"},
           {"anthropic",
            "data: {\"type\":\"content_block_start\",\"content_block\":[]}\n\n"
            "data: {\"type\":\"message_delta\",\"delta\":1,\"usage\":2}\n\n"},
           {"ollama", "{\"message\":7,\"done\":\"yes\"}\n{\"message\":{\"tool_calls\":[1]}}\n"}}) {
    EXPECT_NO_THROW(decode(provider, RequestKind::kChat, {bytes})) << provider;
  }
}

TEST(Decoders, NumbersOutOfRangeCountAsAbsent) {
  // Found by fuzz_streams: converting 1e300 to an integer was undefined behaviour (UBSan
  // stops the sanitized build here). Such an index or token count reads as absent (0).
  Decoded chat = decode("openai-chat", RequestKind::kChat,
                        {"data: {\"choices\":[{\"index\":1e300,\"delta\":{\"content\":\"x\"},"
                         "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":-1e300,"
                         "\"completion_tokens\":2.5}}\n\ndata: [DONE]\n\n"});
  EXPECT_EQ(chat.events, (std::vector<std::string>{"text:x", "end:stop|0/2"}));
  Decoded anthropic =
      decode("anthropic", RequestKind::kChat,
             {"data: {\"type\":\"content_block_start\",\"index\":1e19,\"content_block\":"
              "{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\"}}\n\n"
              "data: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
              "data: {\"type\":\"message_stop\"}\n\n"});
  EXPECT_EQ(anthropic.events, (std::vector<std::string>{"tool:t|f|{}", "end:stop"}));
  Decoded ollama = decode("ollama", RequestKind::kFim,
                          {"{\"response\":\"y\",\"done\":true,\"eval_count\":1e300}\n"});
  EXPECT_EQ(ollama.events, (std::vector<std::string>{"text:y", "end:stop|0/0"}));
}

}  // namespace
}  // namespace flint::models
