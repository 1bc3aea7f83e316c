#pragma once
// flint's settings. Layers, later winning: built-in defaults, --config FILE, environment,
// initializationOptions, workspace/configuration section "flint". Each layer is a JSON object
// of the shape documented in the README; layers are merged, then validated into Config.
// A bad value is reported (with its JSON path) and the value from lower layers is kept.

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flint {

struct ModelRoleConfig {
  std::string provider = "openai-chat";  // openai-chat | openai-responses | openai-completions
                                         // | ollama | anthropic
  std::string base_url;                  // e.g. http://127.0.0.1:11434/v1
  std::string model;
  std::string api_key_env;  // name of the environment variable the key was read from
  std::string api_key;      // the secret itself; never logged, never serialised
  int connect_timeout_ms = 5000;
  int first_byte_timeout_ms = 30000;
  int idle_timeout_ms = 30000;  // between events; comment heartbeats do not reset it
  int max_retries = 2;          // before the first token only
  int max_tokens = 4096;
  double temperature = 0.0;
  bool verify_tls = true;
  std::string ca_bundle;  // path to a CA bundle, empty = system default
  bool configured() const { return !base_url.empty() && !model.empty(); }
};

struct EditConfig {
  int max_region_lines = 200;
  bool predicted_outputs = true;
  int frame_ms = 8;  // minimum gap between two streamed edits of one session
};

struct CompletionConfig {
  bool enabled = true;
  int debounce_ms = 0;
  int max_tokens = 128;
};

struct JobsConfig {
  std::string backend = "builtin";  // builtin | command
  std::vector<std::string> command;
  int max_concurrent = 2;
  int timeout_s = 900;
  int max_steps = 30;
};

struct Config {
  ModelRoleConfig fast;
  ModelRoleConfig agent;
  EditConfig edit;
  CompletionConfig completion;
  JobsConfig jobs;
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
};

// Merges the layers (index 0 lowest) and validates. apiKeyEnv names are resolved with getenv.
ConfigResult resolve_config(const std::vector<nlohmann::json>& layers, const GetEnv& getenv);

// Settings as JSON with every secret replaced by "<redacted>", for logs and `--help`-style dumps.
nlohmann::json redacted(const nlohmann::json& settings);

}  // namespace flint
