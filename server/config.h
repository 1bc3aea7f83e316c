#pragma once
// flint's settings. Layers, later winning: built-in defaults, --config FILE, environment,
// initializationOptions, workspace/configuration section "flint". Each layer is a JSON object
// of the shape documented in the README; layers are merged, then validated into Config.
// A bad value is reported (with its JSON path) and the value from lower layers is kept.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/models/model_config.h"

namespace flint {

struct EditConfig {
  int max_region_lines = 200;
  bool predicted_outputs = true;
  int frame_ms = 8;  // minimum gap between two streamed edits of one session
  // How long a streamed workspace/applyEdit may go unanswered before the session fails.
  int apply_timeout_ms = 10'000;
  friend bool operator==(const EditConfig&, const EditConfig&) = default;
};

struct CompletionConfig {
  bool enabled = true;
  // Automatic requests wait this long, so typing a line costs one model request per pause, not
  // one per keystroke (scripts/bench completion: BM_RequestsPerTypedLine).
  int debounce_ms = 100;
  int max_tokens = 128;
  friend bool operator==(const CompletionConfig&, const CompletionConfig&) = default;
};

struct JobsConfig {
  std::string backend = "builtin";  // builtin | command
  std::vector<std::string> command;
  int max_concurrent = 2;
  int timeout_s = 900;
  int max_steps = 30;
  friend bool operator==(const JobsConfig&, const JobsConfig&) = default;
};

struct DocumentsConfig {
  // Syntax trees of open documents kept in memory at most (the least recently used go first).
  int tree_memory_mb = 12;
  // Documents larger than this get a tree of a window around each request, never a whole one.
  int whole_file_tree_kb = 512;
  friend bool operator==(const DocumentsConfig&, const DocumentsConfig&) = default;
};

struct PrivacyConfig {
  // Globs (gitignore syntax) of files no model may see, on top of the defaults and
  // .flintignore (server/jobs/privacy.h).
  std::vector<std::string> exclude;
  friend bool operator==(const PrivacyConfig&, const PrivacyConfig&) = default;
};

struct Config {
  ModelRoleConfig fast;
  ModelRoleConfig agent;
  EditConfig edit;
  CompletionConfig completion;
  JobsConfig jobs;
  PrivacyConfig privacy;
  DocumentsConfig documents;
  friend bool operator==(const Config&, const Config&) = default;
};

using GetEnv = std::function<const char*(const char*)>;

// The built-in defaults as a settings object.
nlohmann::json default_settings();
// FLINT_BASE_URL, FLINT_MODEL, FLINT_PROVIDER, FLINT_API_KEY (fast role) and FLINT_AGENT_*
// as a settings object (keys named apiKey are secrets).
nlohmann::json environment_settings(const GetEnv& getenv);

struct ConfigResult {
  Config config;
  std::vector<std::string> errors;  // one human-readable line per bad value
  // The merged settings that passed validation (before the agent's fallback to the fast
  // endpoint and key resolution). Holds secrets: log it only through redacted().
  nlohmann::json settings;
};

// Merges the layers (index 0 lowest) and validates. apiKeyEnv names are resolved with getenv.
//
// Merging is per key: an object in a later layer overrides the earlier values of the keys it
// names, `null` means "not set here" (the lower value stays), arrays are replaced whole. A
// value of the wrong type or out of range is reported with its path and skipped, so the lower
// layer's value is kept. Unknown keys are reported ("trace", which VS Code clients keep in the
// same section for `flint.trace.server`, is ignored).
//
// API keys: an explicit apiKey wins; otherwise the variable named by apiKeyEnv is read,
// apiKeyEnv defaulting by provider (openai-* -> OPENAI_API_KEY, anthropic ->
// ANTHROPIC_API_KEY, ollama -> none; "" means no key) when the baseUrl is the provider's own
// host or loopback; other hosts get no default key. A layer that sets apiKeyEnv without
// apiKey overrides a lower layer's apiKey: the pair is one setting, "where the key comes from".
//
// The agent role without a baseUrl of its own uses the fast role's endpoint: provider,
// baseUrl, model (unless the agent names one), key and TLS settings, so one configured model
// serves both roles.
ConfigResult resolve_config(const std::vector<nlohmann::json>& layers, const GetEnv& getenv);

// A layer with the name of where it came from ("--config ~/flint.json", "environment",
// "initializationOptions", "workspace settings"), which error messages mention.
struct SettingsLayer {
  std::string source;
  nlohmann::json settings;
};
ConfigResult resolve_config_layers(const std::vector<SettingsLayer>& layers, const GetEnv& getenv);

// Reads a settings file (`--config FILE`) into `settings`: "" on success, else why not, for a
// person ("cannot read config file 'x'", "… is not valid JSON: …", "… must hold a JSON object").
std::string read_settings_file(const std::string& path, nlohmann::json& settings);

// The secrets a configuration holds (its non-empty API keys), for redact_secrets.
std::vector<std::string> secrets_of(const Config& config);

// Settings as JSON with every secret replaced by "<redacted>", for logs and `--help`-style dumps:
// the value of every key whose name contains "key", "token", "secret", "password" or
// "authorization" (case-insensitive; apiKeyEnv and maxTokens, which name no secret, excepted),
// and credentials inside other strings (see redact_secrets).
nlohmann::json redacted(const nlohmann::json& settings);

}  // namespace flint
