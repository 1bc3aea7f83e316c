#pragma once
// One model role's settings (the `fast` and `agent` entries of `models`): which provider and
// endpoint, the key, and the tuning of its requests. Read from the settings by server/config.h.

#include <string>

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
  friend bool operator==(const ModelRoleConfig&, const ModelRoleConfig&) = default;
};

}  // namespace flint
