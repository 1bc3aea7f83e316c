#include "tests/fake_endpoint/script.h"

#include <set>
#include <stdexcept>

namespace flint::fake {
namespace {

using json = nlohmann::json;

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw std::invalid_argument("script " + where + ": " + what);
}

void check_keys(const json& object, const std::string& where,
                std::initializer_list<const char*> allowed) {
  if (!object.is_object()) bad(where, "must be an object");
  std::set<std::string> known(allowed.begin(), allowed.end());
  for (const auto& [key, value] : object.items()) {
    if (!known.count(key)) {
      std::string list;
      for (const auto& name : known) list += (list.empty() ? "" : ", ") + name;
      bad(where, "unknown key '" + key + "' (allowed: " + list + ")");
    }
  }
}

std::string get_string(const json& object, const char* key, const std::string& where) {
  const json& value = object.at(key);
  if (!value.is_string()) bad(where + "." + key, "must be a string");
  return value.get<std::string>();
}

int get_int(const json& object, const char* key, const std::string& where, int min) {
  const json& value = object.at(key);
  if (!value.is_number_integer() || value.get<int64_t>() < min ||
      value.get<int64_t>() > 1'000'000'000) {
    bad(where + "." + key, "must be an integer >= " + std::to_string(min));
  }
  return value.get<int>();
}

double get_number(const json& object, const char* key, const std::string& where) {
  const json& value = object.at(key);
  if (!value.is_number() || value.get<double>() < 0) {
    bad(where + "." + key, "must be a number >= 0");
  }
  return value.get<double>();
}

Fault parse_fault(const std::string& name, const std::string& where) {
  if (name == "stall") return Fault::kStall;
  if (name == "cut") return Fault::kCut;
  if (name == "garbage") return Fault::kGarbage;
  if (name == "slowHeaders") return Fault::kSlowHeaders;
  if (name == "error") return Fault::kError;
  if (name == "close") return Fault::kClose;
  if (name == "none") return Fault::kNone;
  bad(where, "unknown fault '" + name +
                 "' (one of: stall, cut, garbage, slowHeaders, error, close, none)");
}

Reply parse_reply(const json& object, const std::string& where) {
  check_keys(object, where, {"text",         "reasoning",    "refusal",     "reasoningField",
                             "quirks",       "toolCalls",    "chunkSize",   "tokensPerSecond",
                             "firstTokenMs", "finishReason", "status",      "errorMessage",
                             "body",         "retryAfter",   "headers",     "fault",
                             "faultAfter",   "delayMs",      "heartbeatMs", "garbage",
                             "stampTimes"});
  Reply reply;
  if (object.contains("text")) reply.text = get_string(object, "text", where);
  if (object.contains("reasoning")) reply.reasoning = get_string(object, "reasoning", where);
  if (object.contains("refusal")) reply.refusal = get_string(object, "refusal", where);
  if (object.contains("reasoningField")) {
    reply.reasoning_field = get_string(object, "reasoningField", where);
    if (reply.reasoning_field != "reasoning_content" && reply.reasoning_field != "reasoning" &&
        reply.reasoning_field != "reasoning_details") {
      bad(where + ".reasoningField", "unknown field '" + reply.reasoning_field +
                                         "' (one of: reasoning_content, reasoning, "
                                         "reasoning_details)");
    }
  }
  if (object.contains("quirks")) {
    const json& quirks = object["quirks"];
    if (!quirks.is_array()) bad(where + ".quirks", "must be an array of names");
    for (size_t i = 0; i < quirks.size(); ++i) {
      std::string at = where + ".quirks[" + std::to_string(i) + "]";
      if (!quirks[i].is_string()) bad(at, "must be a string");
      std::string name = quirks[i].get<std::string>();
      if (name == "emptyChoices") {
        reply.quirks.empty_choices = true;
      } else if (name == "usageOnlyFinal") {
        reply.quirks.usage_only_final = true;
      } else if (name == "nullContent") {
        reply.quirks.null_content = true;
      } else if (name == "noDone") {
        reply.quirks.no_done = true;
      } else if (name == "comments") {
        reply.quirks.comments = true;
      } else {
        bad(at, "unknown quirk '" + name +
                    "' (one of: emptyChoices, usageOnlyFinal, nullContent, noDone, comments)");
      }
    }
  }
  if (object.contains("toolCalls")) {
    const json& calls = object["toolCalls"];
    if (!calls.is_array()) bad(where + ".toolCalls", "must be an array");
    for (size_t i = 0; i < calls.size(); ++i) {
      std::string at = where + ".toolCalls[" + std::to_string(i) + "]";
      check_keys(calls[i], at, {"id", "name", "arguments"});
      ScriptedToolCall call;
      if (!calls[i].contains("name")) bad(at, "needs a name");
      call.name = get_string(calls[i], "name", at);
      if (calls[i].contains("id")) call.id = get_string(calls[i], "id", at);
      const json& arguments = calls[i].value("arguments", json::object());
      call.arguments_json = arguments.is_string() ? arguments.get<std::string>() : arguments.dump();
      reply.tool_calls.push_back(std::move(call));
    }
  }
  if (object.contains("chunkSize")) reply.chunk_size = get_int(object, "chunkSize", where, 1);
  if (object.contains("tokensPerSecond")) {
    reply.tokens_per_second = get_number(object, "tokensPerSecond", where);
  }
  if (object.contains("firstTokenMs")) {
    reply.first_token_ms = get_int(object, "firstTokenMs", where, 0);
  }
  if (object.contains("finishReason")) {
    reply.finish_reason = get_string(object, "finishReason", where);
  }
  if (object.contains("status")) {
    reply.status = get_int(object, "status", where, 100);
    if (reply.status > 599) bad(where + ".status", "must be an HTTP status (100-599)");
  }
  if (object.contains("errorMessage")) {
    reply.error_message = get_string(object, "errorMessage", where);
  }
  if (object.contains("body")) reply.body = get_string(object, "body", where);
  if (object.contains("retryAfter")) {
    const json& value = object["retryAfter"];
    if (value.is_number()) {
      reply.retry_after =
          value.is_number_integer() ? std::to_string(value.get<int64_t>()) : value.dump();
    } else if (value.is_string()) {
      reply.retry_after = value.get<std::string>();
    } else {
      bad(where + ".retryAfter", "must be a number of seconds or an HTTP-date string");
    }
  }
  if (object.contains("headers")) {
    const json& headers = object["headers"];
    if (!headers.is_object()) bad(where + ".headers", "must be an object of strings");
    for (const auto& [name, value] : headers.items()) {
      if (!value.is_string()) bad(where + ".headers." + name, "must be a string");
      reply.headers.emplace_back(name, value.get<std::string>());
    }
  }
  if (object.contains("fault")) {
    reply.fault = parse_fault(get_string(object, "fault", where), where + ".fault");
  }
  if (object.contains("faultAfter")) reply.fault_after = get_int(object, "faultAfter", where, 0);
  if (object.contains("delayMs")) reply.delay_ms = get_int(object, "delayMs", where, 0);
  if (object.contains("heartbeatMs")) reply.heartbeat_ms = get_int(object, "heartbeatMs", where, 0);
  if (object.contains("garbage")) reply.garbage = get_string(object, "garbage", where);
  if (object.contains("stampTimes")) {
    if (!object["stampTimes"].is_boolean()) bad(where + ".stampTimes", "must be true or false");
    reply.stamp_times = object["stampTimes"].get<bool>();
  }
  return reply;
}

}  // namespace

Script parse_script(const json& source, const Defaults& base) {
  Script script;
  script.defaults = base;
  script.source = source.is_null() ? json::object() : source;
  const json& root = script.source;
  check_keys(root, "(top level)", {"defaults", "rules", "default"});
  if (root.contains("defaults")) {
    const json& defaults = root["defaults"];
    check_keys(defaults, "defaults", {"chunkSize", "tokensPerSecond", "firstTokenMs"});
    if (defaults.contains("chunkSize")) {
      script.defaults.chunk_size = get_int(defaults, "chunkSize", "defaults", 1);
    }
    if (defaults.contains("tokensPerSecond")) {
      script.defaults.tokens_per_second = get_number(defaults, "tokensPerSecond", "defaults");
    }
    if (defaults.contains("firstTokenMs")) {
      script.defaults.first_token_ms = get_int(defaults, "firstTokenMs", "defaults", 0);
    }
  }
  if (root.contains("rules")) {
    const json& rules = root["rules"];
    if (!rules.is_array()) bad("rules", "must be an array");
    for (size_t i = 0; i < rules.size(); ++i) {
      std::string where = "rules[" + std::to_string(i) + "]";
      const json& object = rules[i];
      check_keys(object, where,
                 {"match", "matchRegex", "path", "upgrade", "times", "reply", "replies"});
      Rule rule;
      if (object.contains("match")) rule.match = get_string(object, "match", where);
      if (object.contains("matchRegex")) {
        rule.match_regex_source = get_string(object, "matchRegex", where);
        try {
          rule.match_regex.emplace(rule.match_regex_source, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
          bad(where + ".matchRegex", std::string("is not a valid regex: ") + e.what());
        }
      }
      if (object.contains("path")) rule.path = get_string(object, "path", where);
      if (object.contains("upgrade")) {
        if (!object["upgrade"].is_boolean()) bad(where + ".upgrade", "must be true or false");
        rule.upgrade = object["upgrade"].get<bool>();
      }
      if (object.contains("times")) rule.times = get_int(object, "times", where, 1);
      if (object.contains("reply") == object.contains("replies")) {
        bad(where, "needs exactly one of 'reply' or 'replies'");
      }
      if (object.contains("reply")) {
        rule.replies.push_back(parse_reply(object["reply"], where + ".reply"));
      } else {
        const json& replies = object["replies"];
        if (!replies.is_array() || replies.empty()) {
          bad(where + ".replies", "must be a non-empty array");
        }
        if (rule.times) bad(where, "'times' goes with 'reply', not with 'replies'");
        for (size_t k = 0; k < replies.size(); ++k) {
          rule.replies.push_back(
              parse_reply(replies[k], where + ".replies[" + std::to_string(k) + "]"));
        }
      }
      script.rules.push_back(std::move(rule));
    }
  }
  if (root.contains("default")) script.default_reply = parse_reply(root["default"], "default");
  return script;
}

Reply choose_reply(Script& script, std::string_view path, std::string_view body, int& rule_index) {
  for (size_t i = 0; i < script.rules.size(); ++i) {
    Rule& rule = script.rules[i];
    bool multi = rule.replies.size() > 1;
    if (rule.upgrade) continue;
    if (multi && rule.served >= static_cast<int>(rule.replies.size())) continue;
    if (rule.times && rule.served >= *rule.times) continue;
    if (!rule.path.empty() && path.find(rule.path) == std::string_view::npos) continue;
    if (!rule.match.empty() && body.find(rule.match) == std::string_view::npos) continue;
    if (rule.match_regex && !std::regex_search(body.begin(), body.end(), *rule.match_regex)) {
      continue;
    }
    int turn = multi ? rule.served : 0;
    ++rule.served;
    rule_index = static_cast<int>(i);
    return rule.replies[turn];
  }
  rule_index = -1;
  if (script.default_reply) return *script.default_reply;
  Reply reply;
  reply.text = "Hello from the flint fake endpoint.";
  return reply;
}

std::optional<Reply> choose_upgrade_reply(Script& script, std::string_view path, int& rule_index) {
  for (size_t i = 0; i < script.rules.size(); ++i) {
    Rule& rule = script.rules[i];
    bool multi = rule.replies.size() > 1;
    if (!rule.upgrade) continue;
    if (multi && rule.served >= static_cast<int>(rule.replies.size())) continue;
    if (rule.times && rule.served >= *rule.times) continue;
    if (!rule.path.empty() && path.find(rule.path) == std::string_view::npos) continue;
    int turn = multi ? rule.served : 0;
    ++rule.served;
    rule_index = static_cast<int>(i);
    return rule.replies[turn];
  }
  rule_index = -1;
  return std::nullopt;
}

std::string_view to_string(Fault fault) {
  switch (fault) {
    case Fault::kNone:
      return "none";
    case Fault::kStall:
      return "stall";
    case Fault::kCut:
      return "cut";
    case Fault::kGarbage:
      return "garbage";
    case Fault::kSlowHeaders:
      return "slowHeaders";
    case Fault::kError:
      return "error";
    case Fault::kClose:
      return "close";
  }
  return "none";
}

}  // namespace flint::fake
