#pragma once
// The fake endpoint's script: which reply a request gets. Parsed strictly from JSON (an
// unknown key is an error, so a typo in a test script fails loudly); the format is documented
// in README.md next to this file.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace flint::fake {

struct ScriptedToolCall {
  std::string id;  // empty = generated ("call_<n>")
  std::string name;
  std::string arguments_json;  // the arguments as JSON text
};

enum class Fault { kNone, kStall, kCut, kGarbage, kSlowHeaders, kError, kClose };

// Wire shapes real endpoints send that a client must survive ("quirks": [...] in a reply).
struct Quirks {
  bool empty_choices = false;     // OpenAI: a "choices": [] chunk first (Azure's filter results)
  bool usage_only_final = false;  // OpenAI: the usage-only last chunk even if not asked for
  bool null_content = false;      // openai-chat: the role-only first delta has "content": null
  bool no_done = false;           // no end marker: no [DONE] (OpenAI), no message_stop (Anthropic)
  bool comments = false;          // SSE: ": OPENROUTER PROCESSING" first, ": ping" before events
};

// One answer. Unset fields fall back to the script's defaults, then the built-in ones.
struct Reply {
  std::string text;
  std::string reasoning;  // streamed first, on the API's reasoning channel
  std::string refusal;    // streamed after the reasoning, on the API's refusal channel
  // openai-chat: the delta field reasoning goes in: "reasoning_content", "reasoning" or
  // "reasoning_details" (OpenRouter: reasoning and reasoning_details together).
  std::string reasoning_field = "reasoning_content";
  Quirks quirks;
  std::vector<ScriptedToolCall> tool_calls;
  std::optional<int> chunk_size;            // characters per content event
  std::optional<double> tokens_per_second;  // content events per second; 0 = unpaced
  std::optional<int> first_token_ms;        // delay before the first content event
  std::string finish_reason;                // empty = provider's usual one
  int status = 200;
  std::string error_message;               // for status >= 400 and fault "error"
  std::optional<std::string> body;         // raw body for status >= 400
  std::optional<std::string> retry_after;  // Retry-After header value
  std::vector<std::pair<std::string, std::string>> headers;
  Fault fault = Fault::kNone;
  int fault_after = 1;                 // content events written before the fault
  int delay_ms = 60000;                // slowHeaders: wait before the status line
  int heartbeat_ms = 0;                // stall: heartbeat period (0 = silent)
  std::optional<std::string> garbage;  // garbage: these bytes instead of a broken event
  bool stamp_times = false;            // each content event's text is the steady-clock time in ns
};

struct Rule {
  std::string match;  // substring of the body; empty = any
  std::optional<std::regex> match_regex;
  std::string match_regex_source;
  std::string path;  // substring of the request path; empty = any
  // Answers WebSocket upgrades (GET .../responses with Upgrade: websocket) instead of requests:
  // status 101 accepts, any other refuses with that status.
  bool upgrade = false;
  std::optional<int> times;    // serve `reply` this many times, then skip the rule
  std::vector<Reply> replies;  // one reply, or successive replies ("replies")
  int served = 0;
};

struct Defaults {
  int chunk_size = 4;
  double tokens_per_second = 0;
  int first_token_ms = 0;
};

struct Script {
  Defaults defaults;
  std::vector<Rule> rules;
  std::optional<Reply> default_reply;
  nlohmann::json source = nlohmann::json::object();  // as given, for GET /_flint/script
};

// Throws std::invalid_argument naming the offending JSON path.
Script parse_script(const nlohmann::json& json, const Defaults& base = {});

// The reply for a request (advances the chosen rule's counter); `rule_index` is -1 for the
// default reply.
Reply choose_reply(Script& script, std::string_view path, std::string_view body, int& rule_index);

// For a WebSocket upgrade: the first `upgrade` rule whose path matches (advancing its counter),
// or nullopt (accept the upgrade).
std::optional<Reply> choose_upgrade_reply(Script& script, std::string_view path, int& rule_index);

std::string_view to_string(Fault fault);

}  // namespace flint::fake
