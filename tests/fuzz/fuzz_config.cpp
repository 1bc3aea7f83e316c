// Configuration from JSON: arbitrary values in every layer the server merges (defaults,
// --config, environment, initializationOptions, workspace settings), as Server::reload_config
// does.
//
// Input: JSON. An array is [--config, initializationOptions, workspace settings, environment]
// (missing ones are null; the environment is an object of variable names to strings, which
// both the environment layer and apiKeyEnv read); any other value is the --config layer alone.
// Input that is not JSON is skipped (main.cpp reports a --config file that does not parse).
//
// Properties (a violation traps):
//   - nothing throws, nothing crashes;
//   - every value of a layer is either taken as it is (the merged settings hold it) or
//     answered with a message naming its path and the layer ("flint.edit.frameMs: ... (in
//     --config)"), checked one layer at a time;
//   - whatever the layers, the resulting Config holds only valid values (known providers and
//     job backends, http(s) URLs, numbers within their ranges);
//   - redacted() masks both roles' apiKey.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "server/config.h"
#include "server/models/provider.h"
#include "tests/fuzz/fuzz_check.h"

namespace flint::fuzz {
namespace {

using nlohmann::json;

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool reported(const std::vector<std::string>& errors, const std::string& path,
              std::string_view source) {
  std::string suffix = " (in " + std::string(source) + ")";
  for (const std::string& e : errors) {
    if (e.rfind(path + ": ", 0) == 0 && e.size() >= suffix.size() &&
        e.compare(e.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return true;
    }
  }
  return false;
}

// Every value of `layer` merged alone is in `settings` or reported at its path.
void check_taken_or_reported(const json& layer, std::string_view source) {
  ConfigResult result = resolve_config_layers({{std::string(source), layer}}, nullptr);
  const auto& errors = result.errors;
  auto explain = [&] {
    std::string out = "layer " + dump(layer) + "\nsettings " + dump(result.settings) + "\nerrors:";
    for (const std::string& e : errors) out += "\n  " + e;
    return out;
  };
  if (layer.is_null()) {
    FLINT_FUZZ_CHECK(errors.empty(), "a null layer was reported", explain());
    return;
  }
  if (!layer.is_object()) {
    FLINT_FUZZ_CHECK(reported(errors, "flint", source),
                     "a layer that is no object was not reported", explain());
    return;
  }
  // Leaves are checked two levels down (sections' fields) and three in models (roles' fields).
  auto check_fields = [&](const json& object, const json* merged, const std::string& path) {
    for (const auto& [key, value] : object.items()) {
      if (value.is_null()) continue;
      std::string field_path = path + "." + key;
      bool taken =
          merged && merged->is_object() && merged->contains(key) && (*merged)[key] == value;
      FLINT_FUZZ_CHECK(taken || reported(errors, field_path, source),
                       "a value was neither taken nor reported", field_path + "\n" + explain());
    }
  };
  auto at = [](const json* object, const std::string& key) -> const json* {
    if (!object || !object->is_object()) return nullptr;
    auto it = object->find(key);
    return it == object->end() ? nullptr : &*it;
  };
  for (const auto& [key, value] : layer.items()) {
    if (value.is_null() || key == "trace") continue;
    std::string path = "flint." + key;
    if (!value.is_object()) {
      FLINT_FUZZ_CHECK(reported(errors, path, source),
                       "a section that is no object was not reported", path + "\n" + explain());
      continue;
    }
    const json* merged = at(&result.settings, key);
    if (key != "models") {
      if (merged == nullptr) {
        FLINT_FUZZ_CHECK(reported(errors, path, source), "an unknown section was not reported",
                         path + "\n" + explain());
        continue;
      }
      check_fields(value, merged, path);
      continue;
    }
    for (const auto& [role, fields] : value.items()) {
      if (fields.is_null()) continue;
      std::string role_path = path + "." + role;
      const json* merged_role = at(merged, role);
      if (!fields.is_object() || merged_role == nullptr) {
        FLINT_FUZZ_CHECK(reported(errors, role_path, source), "a bad model role was not reported",
                         role_path + "\n" + explain());
        continue;
      }
      check_fields(fields, merged_role, role_path);
    }
  }
}

bool in(int value, int low, int high) {
  return value >= low && value <= high;
}

bool valid_url(const std::string& url) {
  return url.empty() || url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

void check_config(const Config& config) {
  for (const ModelRoleConfig* role : {&config.fast, &config.agent}) {
    bool ok =
        models::find_provider(role->provider) != nullptr && valid_url(role->base_url) &&
        in(role->connect_timeout_ms, 1, 600'000) && in(role->first_byte_timeout_ms, 1, 3'600'000) &&
        in(role->idle_timeout_ms, 1, 3'600'000) && in(role->max_retries, 0, 10) &&
        in(role->max_tokens, 1, 1'000'000) && role->temperature >= 0 && role->temperature <= 2;
    FLINT_FUZZ_CHECK(ok, "a model role holds an invalid value",
                     role->provider + " " + role->base_url);
  }
  bool ok = in(config.edit.max_region_lines, 1, 100'000) && in(config.edit.frame_ms, 0, 1000) &&
            in(config.edit.apply_timeout_ms, 100, 600'000) &&
            in(config.completion.debounce_ms, 0, 10'000) &&
            in(config.completion.max_tokens, 1, 100'000) &&
            (config.jobs.backend == "builtin" || config.jobs.backend == "command") &&
            in(config.jobs.max_concurrent, 1, 64) && in(config.jobs.timeout_s, 1, 86'400) &&
            in(config.jobs.max_steps, 1, 10'000) &&
            in(config.documents.tree_memory_mb, 1, 65'536) &&
            in(config.documents.whole_file_tree_kb, 16, 4'000'000);
  FLINT_FUZZ_CHECK(ok, "a setting holds an invalid value", "");
}

void check_redacted(const json& settings) {
  json shown = redacted(settings);
  for (const char* role : {"fast", "agent"}) {
    const json& models = shown.is_object() && shown.contains("models") ? shown["models"] : json();
    if (!models.is_object() || !models.contains(role) || !models[role].is_object()) continue;
    const json& fields = models[role];
    if (fields.contains("apiKey") && !fields["apiKey"].is_null()) {
      FLINT_FUZZ_CHECK(fields["apiKey"] == "<redacted>", "redacted() shows an apiKey", "");
    }
  }
}

void run(const json& input) {
  json file = input, init, workspace, env = json::object();
  if (input.is_array()) {
    auto item = [&](size_t i) { return i < input.size() ? input[i] : json(); };
    file = item(0);
    init = item(1);
    workspace = item(2);
    env = item(3);
  }
  // Strings that getenv hands out stay alive for the whole call.
  GetEnv getenv = [&env](const char* name) -> const char* {
    if (!env.is_object()) return nullptr;
    auto it = env.find(name);
    if (it == env.end() || !it->is_string()) return nullptr;
    return it->get_ref<const std::string&>().c_str();
  };
  std::vector<SettingsLayer> layers{{"defaults", default_settings()},
                                    {"--config", file},
                                    {"environment", environment_settings(getenv)},
                                    {"initializationOptions", init},
                                    {"workspace settings", workspace}};
  ConfigResult result = resolve_config_layers(layers, getenv);
  FLINT_FUZZ_CHECK(layers[0].settings == default_settings(), "the defaults changed", "");
  check_config(result.config);
  check_redacted(result.settings);
  check_taken_or_reported(file, "--config");
  check_taken_or_reported(init, "initializationOptions");
  check_taken_or_reported(workspace, "workspace settings");
}

}  // namespace
}  // namespace flint::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json input = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (input.is_discarded()) return 0;
  try {
    flint::fuzz::run(input);
  } catch (const std::exception& e) {
    flint::fuzz::fail("an exception escaped", e.what());
  }
  return 0;
}
