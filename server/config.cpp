#include "server/config.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <fstream>
#include <optional>
#include <span>
#include <string_view>

#include "server/models/provider.h"
#include "server/text/redact.h"

namespace flint {

using nlohmann::json;

namespace {

// ---- The schema -------------------------------------------------------------------------

enum class Kind {
  kText,
  kSecret,
  kUrl,
  kEnvName,
  kProvider,
  kBackend,
  kBoolean,
  kInteger,
  kNumber,
  kTextList
};

struct Field {
  std::string_view name;
  Kind kind;
  double min = 0;
  double max = 0;
};

constexpr std::array<std::string_view, 2> kBackends = {"builtin", "command"};
constexpr std::array<std::string_view, 2> kRoles = {"fast", "agent"};

constexpr std::array kRoleFields = {
    Field{"provider", Kind::kProvider},
    Field{"baseUrl", Kind::kUrl},
    Field{"model", Kind::kText},
    Field{"apiKeyEnv", Kind::kEnvName},
    Field{"apiKey", Kind::kSecret},
    Field{"connectTimeoutMs", Kind::kInteger, 1, 600'000},
    Field{"firstByteTimeoutMs", Kind::kInteger, 1, 3'600'000},
    Field{"idleTimeoutMs", Kind::kInteger, 1, 3'600'000},
    Field{"maxRetries", Kind::kInteger, 0, 10},
    Field{"maxTokens", Kind::kInteger, 1, 1'000'000},
    Field{"temperature", Kind::kNumber, 0, 2},
    Field{"verifyTls", Kind::kBoolean},
    Field{"caBundle", Kind::kText},
};
constexpr std::array kEditFields = {
    Field{"maxRegionLines", Kind::kInteger, 1, 100'000},
    Field{"predictedOutputs", Kind::kBoolean},
    Field{"frameMs", Kind::kInteger, 0, 1000},
    Field{"applyTimeoutMs", Kind::kInteger, 100, 600'000},
};
constexpr std::array kCompletionFields = {
    Field{"enabled", Kind::kBoolean},
    Field{"debounceMs", Kind::kInteger, 0, 10'000},
    Field{"maxTokens", Kind::kInteger, 1, 100'000},
};
constexpr std::array kJobsFields = {
    Field{"backend", Kind::kBackend},
    Field{"command", Kind::kTextList},
    Field{"maxConcurrent", Kind::kInteger, 1, 64},
    Field{"timeoutS", Kind::kInteger, 1, 86'400},
    Field{"maxSteps", Kind::kInteger, 1, 10'000},
};

constexpr std::array kPrivacyFields = {
    Field{"exclude", Kind::kTextList},
};
constexpr std::array kDocumentsFields = {
    Field{"treeMemoryMb", Kind::kInteger, 1, 65'536},
    Field{"wholeFileTreeKb", Kind::kInteger, 16, 4'000'000},
};

struct Section {
  std::string_view name;
  std::span<const Field> fields;
};
constexpr std::array kSections = {
    Section{"edit", kEditFields},           Section{"completion", kCompletionFields},
    Section{"jobs", kJobsFields},           Section{"privacy", kPrivacyFields},
    Section{"documents", kDocumentsFields},
};
constexpr std::array<std::string_view, 7> kTopLevel = {"models",  "edit",      "completion", "jobs",
                                                       "privacy", "documents", "trace"};

// ---- Messages ---------------------------------------------------------------------------

std::string type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    case json::value_t::null:
      return "null";
    default:
      return "a number";
  }
}

// The offending value as the user wrote it, shortened; secrets only by their type.
std::string describe(const json& value, Kind kind = Kind::kText) {
  if (kind == Kind::kSecret) return type_name(value);
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  constexpr size_t kLimit = 60;
  if (text.size() > kLimit) text = text.substr(0, kLimit) + "...";
  return text;
}

template <typename Names>
std::string one_of(const Names& names) {
  std::string list;
  for (std::string_view name : names) {
    if (!list.empty()) list += ", ";
    list += name;
  }
  return list;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                  std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// " (did you mean \"baseUrl\"?)" for a near miss such as "baseURL" or "modle".
template <typename Names>
std::string suggestion(std::string_view key, const Names& names) {
  for (const auto& candidate : names) {
    std::string_view name = candidate;
    if (edit_distance(key, name) <= 2) return fmt::format(" (did you mean \"{}\"?)", name);
  }
  return {};
}

std::string_view int_description(double min) {
  return min >= 1 ? "a positive integer" : "a non-negative integer";
}

// Why `value` does not fit `field`, or nullopt when it does.
std::optional<std::string> problem_with(const Field& field, const json& value) {
  auto expected = [&](std::string_view what) {
    return fmt::format("expected {}, got {}", what, describe(value, field.kind));
  };
  switch (field.kind) {
    case Kind::kText:
    case Kind::kSecret:
      if (!value.is_string()) return expected("a string");
      return std::nullopt;
    case Kind::kUrl: {
      if (!value.is_string()) return expected("an http:// or https:// URL");
      const auto& url = value.get_ref<const std::string&>();
      if (url.empty() || url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) {
        return std::nullopt;
      }
      return expected("an http:// or https:// URL");
    }
    case Kind::kEnvName: {
      if (!value.is_string()) return expected("an environment variable name");
      const auto& name = value.get_ref<const std::string&>();
      bool valid =
          name.empty() || (!std::isdigit(static_cast<unsigned char>(name[0])) &&
                           std::all_of(name.begin(), name.end(), [](char c) {
                             return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                           }));
      if (!valid) return expected("an environment variable name");
      return std::nullopt;
    }
    case Kind::kProvider: {
      if (!value.is_string()) return expected("a provider name");
      const auto providers = models::provider_names();
      if (std::find(providers.begin(), providers.end(), value.get<std::string>()) ==
          providers.end()) {
        return fmt::format("unknown provider {} (expected one of {})", describe(value),
                           one_of(providers));
      }
      return std::nullopt;
    }
    case Kind::kBackend:
      if (!value.is_string()) return expected("a job backend name");
      if (std::find(kBackends.begin(), kBackends.end(), value.get<std::string>()) ==
          kBackends.end()) {
        return fmt::format("unknown job backend {} (expected one of {})", describe(value),
                           one_of(kBackends));
      }
      return std::nullopt;
    case Kind::kBoolean:
      if (!value.is_boolean()) return expected("true or false");
      return std::nullopt;
    case Kind::kInteger: {
      // 200.0 is an integer too: some clients send every number as a double.
      if (!value.is_number() || value.get<double>() != std::floor(value.get<double>())) {
        return expected(int_description(field.min));
      }
      double number = value.get<double>();
      if (number < field.min) {
        if (field.min <= 1) return expected(int_description(field.min));
        return fmt::format("expected at least {}, got {}", static_cast<int64_t>(field.min),
                           describe(value));
      }
      if (number > field.max) {
        return fmt::format("expected at most {}, got {}", static_cast<int64_t>(field.max),
                           describe(value));
      }
      return std::nullopt;
    }
    case Kind::kNumber:
      if (!value.is_number() || value.get<double>() < field.min ||
          value.get<double>() > field.max) {
        return expected(fmt::format("a number from {} to {}", field.min, field.max));
      }
      return std::nullopt;
    case Kind::kTextList:
      if (!value.is_array() ||
          !std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_string(); })) {
        return expected("an array of strings");
      }
      return std::nullopt;
  }
  return std::nullopt;
}

json normalized(const Field& field, const json& value) {
  if (field.kind == Kind::kInteger) return json(static_cast<int64_t>(value.get<double>()));
  return value;
}

// ---- Merging ----------------------------------------------------------------------------

class LayerMerger {
 public:
  LayerMerger(std::string_view source, std::vector<std::string>& errors)
      : source_(source), errors_(errors) {}

  void merge(const json& layer, json& merged) {
    if (layer.is_null()) return;
    if (!layer.is_object()) {
      report("flint", fmt::format("expected an object, got {}", describe(layer)));
      return;
    }
    for (const auto& item : layer.items()) {
      const std::string& key = item.key();
      const json& value = item.value();
      if (value.is_null() || key == "trace") continue;
      std::string path = "flint." + key;
      auto section = std::find_if(kSections.begin(), kSections.end(),
                                  [&](const Section& s) { return s.name == key; });
      if (key == "models") {
        if (expect_object(path, value)) merge_models(path, value, merged["models"]);
      } else if (section != kSections.end()) {
        if (expect_object(path, value)) merge_fields(path, section->fields, value, merged[key]);
      } else {
        report(path, "unknown setting" + suggestion(key, kTopLevel));
      }
    }
  }

 private:
  void report(const std::string& path, const std::string& problem) {
    std::string line = path + ": " + problem;
    if (!source_.empty()) line += fmt::format(" (in {})", source_);
    errors_.push_back(std::move(line));
  }

  bool expect_object(const std::string& path, const json& value) {
    if (value.is_object()) return true;
    report(path, fmt::format("expected an object, got {}", describe(value)));
    return false;
  }

  void merge_models(const std::string& path, const json& models, json& merged) {
    for (const auto& [role, value] : models.items()) {
      if (value.is_null()) continue;
      std::string role_path = fmt::format("{}.{}", path, role);
      if (std::find(kRoles.begin(), kRoles.end(), role) == kRoles.end()) {
        report(role_path, fmt::format("unknown model role (expected fast or agent){}",
                                      suggestion(role, kRoles)));
        continue;
      }
      if (!expect_object(role_path, value)) continue;
      json& merged_role = merged[role];
      std::vector<std::string_view> accepted =
          merge_fields(role_path, kRoleFields, value, merged_role);
      auto took = [&](std::string_view key) {
        return std::find(accepted.begin(), accepted.end(), key) != accepted.end();
      };
      // "Read the key from this variable" here beats a key given by a lower layer.
      if (took("apiKeyEnv") && !took("apiKey")) merged_role.erase("apiKey");
    }
  }

  // Takes the valid fields of `object` (an object) into `merged`; returns their names.
  std::vector<std::string_view> merge_fields(const std::string& path, std::span<const Field> fields,
                                             const json& object, json& merged) {
    std::vector<std::string_view> accepted;
    if (!merged.is_object()) merged = json::object();
    for (const auto& item : object.items()) {
      const std::string& key = item.key();
      const json& value = item.value();
      if (value.is_null()) continue;
      std::string field_path = fmt::format("{}.{}", path, key);
      auto field =
          std::find_if(fields.begin(), fields.end(), [&](const Field& f) { return f.name == key; });
      if (field == fields.end()) {
        std::vector<std::string_view> names;
        for (const Field& f : fields) names.push_back(f.name);
        report(field_path, "unknown setting" + suggestion(key, names));
        continue;
      }
      if (auto problem = problem_with(*field, value)) {
        report(field_path, *problem);
        continue;
      }
      merged[key] = normalized(*field, value);
      accepted.push_back(field->name);
    }
    return accepted;
  }

  std::string_view source_;
  std::vector<std::string>& errors_;
};

// ---- From settings to Config ------------------------------------------------------------

template <typename T>
void read(const json& object, std::string_view key, T& out) {
  if (!object.is_object()) return;
  if (auto it = object.find(key); it != object.end() && !it->is_null()) it->get_to(out);
}

// "https://User@Host:443/v1" -> "host"; "http://[::1]:8080" -> "::1".
std::string host_of(std::string_view url) {
  if (auto scheme = url.find("://"); scheme != std::string_view::npos)
    url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  if (auto at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  if (url.starts_with('[')) {
    url = url.substr(1, url.find(']') - 1);
  } else {
    url = url.substr(0, url.find(':'));
  }
  std::string host(url);
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

bool loopback(std::string_view host) {
  return host == "localhost" || host.starts_with("127.") || host == "::1";
}

// The provider's own key variable, for its own host only (or this machine, where proxies
// such as LiteLLM take it): an OPENAI_API_KEY in the environment must not travel to Cerebras,
// OpenRouter or an unknown server just because they speak OpenAI's API. Those name theirs with
// apiKeyEnv.
std::string default_key_env(std::string_view provider, std::string_view base_url) {
  std::string host = host_of(base_url);
  auto own = [&](std::string_view provider_host) {
    return base_url.empty() || host == provider_host || loopback(host);
  };
  if (provider.rfind("openai-", 0) == 0 && own("api.openai.com")) return "OPENAI_API_KEY";
  if (provider == "anthropic" && own("api.anthropic.com")) return "ANTHROPIC_API_KEY";
  return {};  // ollama: local, no key
}

bool unset(const json& object, std::string_view key) {
  auto it = object.find(key);
  return it == object.end() || it->is_null() ||
         (it->is_string() && it->get_ref<const std::string&>().empty());
}

// The agent role with no baseUrl of its own talks to the fast role's endpoint.
json with_fast_endpoint(json agent, const json& fast) {
  if (!agent.is_object()) agent = json::object();
  if (!unset(agent, "baseUrl") || !fast.is_object()) return agent;
  for (std::string_view key : {"provider", "baseUrl", "model", "caBundle"}) {
    if (unset(agent, key) && fast.contains(key)) agent[std::string(key)] = fast[std::string(key)];
  }
  if (!agent.contains("verifyTls") && fast.contains("verifyTls"))
    agent["verifyTls"] = fast["verifyTls"];
  // The key travels with the endpoint, as a pair: an agent that names its own key source
  // keeps it.
  if (!agent.contains("apiKey") && !agent.contains("apiKeyEnv")) {
    for (std::string_view key : {"apiKey", "apiKeyEnv"}) {
      if (fast.contains(key)) agent[std::string(key)] = fast[std::string(key)];
    }
  }
  return agent;
}

ModelRoleConfig read_role(const json& settings, const GetEnv& getenv) {
  ModelRoleConfig role;
  read(settings, "provider", role.provider);
  read(settings, "baseUrl", role.base_url);
  read(settings, "model", role.model);
  read(settings, "connectTimeoutMs", role.connect_timeout_ms);
  read(settings, "firstByteTimeoutMs", role.first_byte_timeout_ms);
  read(settings, "idleTimeoutMs", role.idle_timeout_ms);
  read(settings, "maxRetries", role.max_retries);
  read(settings, "maxTokens", role.max_tokens);
  read(settings, "temperature", role.temperature);
  read(settings, "verifyTls", role.verify_tls);
  read(settings, "caBundle", role.ca_bundle);

  read(settings, "apiKey", role.api_key);
  if (settings.is_object() && settings.contains("apiKeyEnv")) {
    read(settings, "apiKeyEnv", role.api_key_env);
  } else if (role.api_key.empty()) {
    role.api_key_env = default_key_env(role.provider, role.base_url);
  }
  // else: the key is the apiKey setting itself, and messages about it must say so, not name
  // a variable it was never read from.
  if (role.api_key.empty() && !role.api_key_env.empty() && getenv) {
    if (const char* value = getenv(role.api_key_env.c_str()); value && *value) {
      role.api_key = value;
    }
  }
  return role;
}

json object_at(const json& parent, std::string_view key) {
  if (!parent.is_object()) return json::object();
  auto it = parent.find(key);
  return it != parent.end() && it->is_object() ? *it : json::object();
}

Config read_config(const json& settings, const GetEnv& getenv) {
  Config config;
  json models = object_at(settings, "models");
  json fast = object_at(models, "fast");
  config.fast = read_role(fast, getenv);
  config.agent = read_role(with_fast_endpoint(object_at(models, "agent"), fast), getenv);

  json edit = object_at(settings, "edit");
  read(edit, "maxRegionLines", config.edit.max_region_lines);
  read(edit, "predictedOutputs", config.edit.predicted_outputs);
  read(edit, "frameMs", config.edit.frame_ms);
  read(edit, "applyTimeoutMs", config.edit.apply_timeout_ms);

  json completion = object_at(settings, "completion");
  read(completion, "enabled", config.completion.enabled);
  read(completion, "debounceMs", config.completion.debounce_ms);
  read(completion, "maxTokens", config.completion.max_tokens);

  json jobs = object_at(settings, "jobs");
  read(jobs, "backend", config.jobs.backend);
  read(jobs, "command", config.jobs.command);
  read(jobs, "maxConcurrent", config.jobs.max_concurrent);
  read(jobs, "timeoutS", config.jobs.timeout_s);
  read(jobs, "maxSteps", config.jobs.max_steps);

  read(object_at(settings, "privacy"), "exclude", config.privacy.exclude);

  json documents = object_at(settings, "documents");
  read(documents, "treeMemoryMb", config.documents.tree_memory_mb);
  read(documents, "wholeFileTreeKb", config.documents.whole_file_tree_kb);
  return config;
}

// ---- Redaction --------------------------------------------------------------------------

bool names_secret(std::string_view key) {
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "apikeyenv" || lower == "maxtokens") return false;
  for (std::string_view word : {"key", "token", "secret", "password", "authorization"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

json default_settings() {
  const ModelRoleConfig role;
  // Tuning only for the agent: its endpoint settings fall back to the fast role's.
  json tuning = {{"connectTimeoutMs", role.connect_timeout_ms},
                 {"firstByteTimeoutMs", role.first_byte_timeout_ms},
                 {"idleTimeoutMs", role.idle_timeout_ms},
                 {"maxRetries", role.max_retries},
                 {"maxTokens", role.max_tokens},
                 {"temperature", role.temperature}};
  json fast = tuning;
  fast["provider"] = role.provider;
  fast["verifyTls"] = role.verify_tls;
  fast["caBundle"] = role.ca_bundle;

  const Config config;
  return {
      {"models", {{"fast", fast}, {"agent", tuning}}},
      {"edit",
       {{"maxRegionLines", config.edit.max_region_lines},
        {"predictedOutputs", config.edit.predicted_outputs},
        {"frameMs", config.edit.frame_ms},
        {"applyTimeoutMs", config.edit.apply_timeout_ms}}},
      {"completion",
       {{"enabled", config.completion.enabled},
        {"debounceMs", config.completion.debounce_ms},
        {"maxTokens", config.completion.max_tokens}}},
      {"jobs",
       {{"backend", config.jobs.backend},
        {"command", config.jobs.command},
        {"maxConcurrent", config.jobs.max_concurrent},
        {"timeoutS", config.jobs.timeout_s},
        {"maxSteps", config.jobs.max_steps}}},
      {"privacy", {{"exclude", config.privacy.exclude}}},
      {"documents",
       {{"treeMemoryMb", config.documents.tree_memory_mb},
        {"wholeFileTreeKb", config.documents.whole_file_tree_kb}}},
  };
}

json environment_settings(const GetEnv& getenv) {
  json settings = json::object();
  if (!getenv) return settings;
  // An empty variable counts as unset, so `FLINT_MODEL= flint-lsp` does not erase a setting.
  auto take = [&](const char* variable, const char* role, const char* key) {
    const char* value = getenv(variable);
    if (!value || !*value) return false;
    settings["models"][role][key] = value;
    return true;
  };
  for (const char* role : {"fast", "agent"}) {
    std::string prefix = std::string_view(role) == "fast" ? "FLINT_" : "FLINT_AGENT_";
    take((prefix + "PROVIDER").c_str(), role, "provider");
    take((prefix + "BASE_URL").c_str(), role, "baseUrl");
    take((prefix + "MODEL").c_str(), role, "model");
    std::string key_variable = prefix + "API_KEY";
    if (take(key_variable.c_str(), role, "apiKey")) {
      settings["models"][role]["apiKeyEnv"] = key_variable;
    }
  }
  return settings;
}

ConfigResult resolve_config_layers(const std::vector<SettingsLayer>& layers, const GetEnv& getenv) {
  ConfigResult result;
  result.settings = json::object();
  for (const SettingsLayer& layer : layers) {
    LayerMerger(layer.source, result.errors).merge(layer.settings, result.settings);
  }
  result.config = read_config(result.settings, getenv);
  return result;
}

std::string read_settings_file(const std::string& path, json& settings) {
  std::ifstream in(path);
  if (!in) return "cannot read config file '" + path + "'";
  try {
    settings = json::parse(in);
  } catch (const json::exception& e) {
    return "config file '" + path + "' is not valid JSON: " + e.what();
  }
  if (!settings.is_object()) return "config file '" + path + "' must hold a JSON object";
  return {};
}

ConfigResult resolve_config(const std::vector<json>& layers, const GetEnv& getenv) {
  std::vector<SettingsLayer> named;
  named.reserve(layers.size());
  for (const json& layer : layers) named.push_back({{}, layer});
  return resolve_config_layers(named, getenv);
}

std::vector<std::string> secrets_of(const Config& config) {
  std::vector<std::string> secrets;
  for (const ModelRoleConfig* role : {&config.fast, &config.agent}) {
    if (!role->api_key.empty() &&
        std::find(secrets.begin(), secrets.end(), role->api_key) == secrets.end()) {
      secrets.push_back(role->api_key);
    }
  }
  return secrets;
}

json redacted(const json& settings) {
  if (settings.is_string()) {
    return redact_secrets(settings.get_ref<const std::string&>(), {});
  }
  if (settings.is_array()) {
    json out = json::array();
    for (const json& item : settings) out.push_back(redacted(item));
    return out;
  }
  if (!settings.is_object()) return settings;
  json out = json::object();
  for (const auto& [key, value] : settings.items()) {
    out[key] = names_secret(key) && !value.is_null() ? json(Redactor::kMask) : redacted(value);
  }
  return out;
}

}  // namespace flint
