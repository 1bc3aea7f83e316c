#include "server/check_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <charconv>
#include <chrono>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/jobs/agent_tools.h"
#include "server/models/model_client.h"
#include "server/models/provider.h"
#include "server/text/redact.h"

namespace flint {
namespace {

// Keys in a fixed, readable order (nlohmann::json would sort them).
using ordered = nlohmann::ordered_json;
using json = nlohmann::json;
using Kind = models::ModelError::Kind;

constexpr std::string_view kUsage =
    "usage: flint-lsp check [--config FILE] [--settings FILE|-] [--json] [--timeout SECONDS]";

struct Arguments {
  std::string config_path;
  std::string settings_path;  // "-" = stdin
  bool json = false;
  int timeout_s = 10;
};

std::optional<std::string> parse_arguments(int argc, char** argv, Arguments& args) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> std::optional<std::string_view> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string_view(argv[++i]);
    };
    if (arg == "--json") {
      args.json = true;
    } else if (arg == "--config" || arg == "--settings") {
      auto v = value();
      if (!v) return std::string(arg) + " needs a file";
      (arg == "--config" ? args.config_path : args.settings_path) = *v;
    } else if (arg == "--timeout") {
      auto v = value();
      int seconds = 0;
      auto [end, error] =
          v ? std::from_chars(v->data(), v->data() + v->size(), seconds) : std::from_chars_result{};
      if (!v || error != std::errc() || end != v->data() + v->size() || seconds < 1 ||
          seconds > 600) {
        return std::string("--timeout needs a number of seconds from 1 to 600");
      }
      args.timeout_s = seconds;
    } else {
      return "unknown option '" + std::string(arg) + "'";
    }
  }
  return std::nullopt;
}

// The editor's settings: a JSON object from a file or stdin.
std::string read_editor_settings(const std::string& path, json& settings) {
  if (path != "-") return read_settings_file(path, settings);
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  settings = json::parse(text, nullptr, false);
  if (settings.is_discarded()) return "the settings on stdin are not valid JSON";
  if (settings.is_null()) settings = json::object();
  if (!settings.is_object()) return "the settings on stdin must be a JSON object";
  return {};
}

bool executable(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
         ::access(path.c_str(), X_OK) == 0;
}

// Where a command of jobs.command would be found, as posix_spawnp looks for it.
std::optional<std::string> find_program(const std::string& name, const GetEnv& getenv) {
  if (name.find('/') != std::string::npos) {
    return executable(name) ? std::optional(name) : std::nullopt;
  }
  const char* path = getenv("PATH");
  std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (executable(candidate)) return candidate;
    if (colon == std::string_view::npos) return std::nullopt;
    dirs.remove_prefix(colon + 1);
  }
}

struct RoleReport {
  std::string role;  // "fast" | "agent"
  ModelRoleConfig config;
  bool tools = false;  // the agent's requests carry its tools
  bool probe = false;  // a model request is to be made
  bool done = false;
  bool ok = false;
  int64_t ms = 0;
  std::string message;
  std::string fix;
};

// The setting a person edits for this role, and the variables that set it.
std::string setting(const RoleReport& report, std::string_view key) {
  return "models." + report.role + "." + std::string(key);
}
std::string variable(const RoleReport& report, std::string_view suffix) {
  return (report.role == "fast" ? "FLINT_" : "FLINT_AGENT_") + std::string(suffix);
}

std::string fix_for(const RoleReport& report, const models::ModelError& error) {
  const ModelRoleConfig& c = report.config;
  switch (error.kind) {
    case Kind::kUnauthorized:
      if (!c.api_key_env.empty()) {
        return "put a valid key for " + c.base_url + " in $" + c.api_key_env + ", or set " +
               setting(report, "apiKeyEnv") + " to the variable that holds it";
      }
      return "set " + setting(report, "apiKeyEnv") +
             " to the name of the environment variable that holds the key (or " +
             variable(report, "API_KEY") + ")";
    case Kind::kNotFound: {
      const models::Provider* provider = models::find_provider(c.provider);
      return "check " + setting(report, "model") + " ('" + c.model +
             "': the endpoint may not serve it) and " + setting(report, "baseUrl") + " (" +
             c.base_url + "; for " + c.provider + " it looks like " +
             std::string(provider ? provider->base_url_example() : "") + ")";
    }
    case Kind::kConnect:
      if (error.message.rfind("TLS", 0) == 0) {
        return "if the server's certificate comes from a private CA, set " +
               setting(report, "caBundle") + " to that CA's certificate file; check that " +
               setting(report, "baseUrl") + " uses http:// for a server without TLS";
      }
      if (error.message.find("proxy") != std::string::npos) {
        return "check the proxy variables (https_proxy, http_proxy, no_proxy)";
      }
      if (error.message.find("resolve") != std::string::npos) {
        return "correct the host name in " + setting(report, "baseUrl") + " (" + c.base_url + ")";
      }
      return "start the model server, or correct " + setting(report, "baseUrl") + " (" +
             c.base_url + ")";
    case Kind::kTimeout:
      return "check that " + setting(report, "baseUrl") +
             " points at the model server and that the model is loaded (a first request can "
             "take long while it loads: run the check again, or pass --timeout)";
    case Kind::kRateLimited:
      return "the endpoint accepted the key but limits requests now: wait, then check again";
    case Kind::kServer:
      return "the model server failed: its log says why";
    case Kind::kMalformedStream:
      return "the endpoint does not speak " + c.provider + ": check " +
             setting(report, "provider") + " (one of the providers in flint-lsp --help)";
    case Kind::kBadConfig:
      return "correct " + setting(report, "provider") + ", " + setting(report, "baseUrl") +
             " and " + setting(report, "model");
    case Kind::kInterrupted:
    case Kind::kCancelled:
    case Kind::kOther:
      break;
  }
  if (report.tools && error.http_status == 400) {
    return "agent jobs send tools: check that model '" + c.model +
           "' supports tool calls, or set " + setting(report, "model") + " to one that does";
  }
  return "check " + setting(report, "provider") + ", " + setting(report, "baseUrl") + " and " +
         setting(report, "model");
}

// What to check, before any request: roles that cannot make one say so.
std::vector<RoleReport> plan(const Config& config, const GetEnv& getenv) {
  std::vector<RoleReport> reports;
  RoleReport fast;
  fast.role = "fast";
  fast.config = config.fast;
  if (!config.fast.configured()) {
    fast.done = true;
    fast.message = "no fast model is configured";
    fast.fix =
        "set models.fast.baseUrl and models.fast.model (or FLINT_BASE_URL and "
        "FLINT_MODEL); the README's Configure section has one example per provider";
  } else {
    fast.probe = true;
  }
  reports.push_back(std::move(fast));

  RoleReport agent;
  agent.role = "agent";
  agent.config = config.agent;
  agent.tools = true;
  if (config.jobs.backend == "command") {
    agent.done = true;
    std::string program = config.jobs.command.empty() ? std::string() : config.jobs.command[0];
    if (program.empty()) {
      agent.message = "jobs.backend is \"command\" but jobs.command is empty";
      agent.fix = "set jobs.command to the agent's command line, or jobs.backend to \"builtin\"";
    } else if (auto found = find_program(program, getenv)) {
      agent.ok = true;
      agent.message = "agent jobs run the command " + *found + " (jobs.backend = command)";
    } else {
      agent.message = "the agent command '" + program + "' (jobs.command) was not found";
      agent.fix = "install it, or set jobs.command to its full path";
    }
  } else if (!config.agent.configured()) {
    agent.done = true;
    agent.message = "no agent model is configured (it falls back to the fast model's)";
    agent.fix = "configure the fast model, or set models.agent.baseUrl and models.agent.model";
  } else {
    agent.probe = true;
  }
  reports.push_back(std::move(agent));
  return reports;
}

// Sends each role that can make one a tiny request, all at once; a role's check ends with its
// first token (or tool call, or reasoning), its end, or its error.
void probe(std::vector<RoleReport>& reports, int timeout_s) {
  asio::io_context io;
  // The client posts its callbacks from its own thread: the loop must wait for them.
  auto work = asio::make_work_guard(io);
  models::ModelClient client(io.get_executor(), models::ClientOptions{models::RetryOptions{}});
  std::vector<std::shared_ptr<models::Stream>> streams(reports.size());
  auto start = std::chrono::steady_clock::now();
  auto elapsed_ms = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start)
        .count();
  };
  for (size_t i = 0; i < reports.size(); ++i) {
    RoleReport& report = reports[i];
    if (!report.probe) continue;
    ModelRoleConfig config = report.config;
    int limit_ms = timeout_s * 1000;
    config.connect_timeout_ms = std::min(config.connect_timeout_ms, limit_ms);
    config.first_byte_timeout_ms = std::min(config.first_byte_timeout_ms, limit_ms);
    config.idle_timeout_ms = std::min(config.idle_timeout_ms, limit_ms);
    config.max_retries = 0;  // say at once what is wrong
    config.max_tokens = 16;
    auto answered = [&reports, &streams, &elapsed_ms, i](std::string message) {
      if (reports[i].done) return;
      reports[i].done = true;
      reports[i].ok = true;
      reports[i].ms = elapsed_ms();
      reports[i].message = std::move(message) + " in " + std::to_string(reports[i].ms) + " ms";
      if (streams[i]) streams[i]->cancel();
    };
    models::StreamCallbacks callbacks;
    callbacks.on_text = [answered](std::string_view) { answered("answered"); };
    callbacks.on_reasoning = [answered](std::string_view) { answered("answered (reasoning)"); };
    callbacks.on_tool_call = [answered](const models::ToolCall&) {
      answered("answered with a tool call");
    };
    callbacks.on_done = [answered](const models::StreamSummary&) {
      answered("answered (no text)");
    };
    callbacks.on_error = [&reports, &elapsed_ms, i](const models::ModelError& error) {
      RoleReport& r = reports[i];
      if (r.done) return;
      r.done = true;
      r.ms = elapsed_ms();
      r.message = error.message;
      r.fix = fix_for(r, error);
    };
    const models::Provider* provider = models::find_provider(config.provider);
    if (provider && !provider->supports_chat() && !report.tools) {
      // openai-completions: inline edits and ghost text use fill-in-the-middle.
      models::FimRequest request{"def add(a, b):\n    return", "\n", 16, {}};
      streams[i] = client.fim(config, std::move(request), std::move(callbacks));
    } else {
      models::ChatRequest request;
      request.messages.push_back({"user", "Reply with the word OK.", {}, {}, {}});
      if (report.tools) request.tools = jobs::AgentTools::specs();
      request.max_tokens = 16;
      streams[i] = client.chat(config, std::move(request), std::move(callbacks));
    }
  }
  // A bound over the model client's own timeouts, so that the check always ends.
  asio::steady_timer deadline(io, std::chrono::seconds(timeout_s) + std::chrono::seconds(2));
  auto all_done = [&reports] {
    for (const RoleReport& r : reports) {
      if (!r.done) return false;
    }
    return true;
  };
  while (!all_done()) {
    io.run_one_for(std::chrono::milliseconds(50));
    if (std::chrono::steady_clock::now() >= deadline.expiry()) {
      for (size_t i = 0; i < reports.size(); ++i) {
        if (reports[i].done) continue;
        if (streams[i]) streams[i]->cancel();
        reports[i].done = true;
        reports[i].ms = elapsed_ms();
        reports[i].message = "no answer within " + std::to_string(timeout_s) + " s";
        reports[i].fix = fix_for(reports[i], {Kind::kTimeout, 0, {}});
      }
    }
  }
  for (auto& stream : streams) {
    if (stream) stream->cancel();
  }
}

std::string describe(const RoleReport& r) {
  if (!r.probe) return {};
  return r.config.provider + " " + r.config.model + " at " + r.config.base_url +
         (r.tools ? " (with the agent's tools)" : "");
}

}  // namespace

int run_check_command(int argc, char** argv, const GetEnv& getenv) {
  Arguments args;
  if (auto error = parse_arguments(argc, argv, args)) {
    std::cerr << "flint-lsp check: " << *error << "\n" << kUsage << "\n";
    return 2;
  }
  std::vector<SettingsLayer> layers{{"defaults", default_settings()}};
  std::vector<std::string> sources{"defaults"};
  auto add_layer = [&](const std::string& source, const std::string& path, bool stdin_allowed) {
    json settings;
    std::string error =
        stdin_allowed ? read_editor_settings(path, settings) : read_settings_file(path, settings);
    if (!error.empty()) return error;
    layers.push_back({source, std::move(settings)});
    sources.push_back(source);
    return std::string();
  };
  if (!args.config_path.empty()) {
    if (auto error = add_layer("--config " + args.config_path, args.config_path, false);
        !error.empty()) {
      std::cerr << "flint-lsp check: " << error << "\n";
      return 2;
    }
  }
  layers.push_back({"environment", environment_settings(getenv)});
  sources.push_back("environment");
  if (!args.settings_path.empty()) {
    std::string source =
        args.settings_path == "-" ? "editor settings (stdin)" : "--settings " + args.settings_path;
    if (auto error = add_layer(source, args.settings_path, true); !error.empty()) {
      std::cerr << "flint-lsp check: " << error << "\n";
      return 2;
    }
  }
  ConfigResult resolved = resolve_config_layers(layers, getenv);
  std::vector<std::string> secrets = secrets_of(resolved.config);

  std::vector<RoleReport> reports = plan(resolved.config, getenv);
  probe(reports, args.timeout_s);

  bool ok = resolved.errors.empty();
  for (const RoleReport& r : reports) ok = ok && r.ok;
  auto clean = [&secrets](const std::string& text) { return redact_secrets(text, secrets); };

  if (args.json) {
    ordered out{{"version", FLINT_VERSION}, {"ok", ok}, {"settingsSources", sources}};
    ordered errors = ordered::array();
    for (const auto& e : resolved.errors) errors.push_back(clean(e));
    out["settingsErrors"] = std::move(errors);
    ordered roles = ordered::array();
    for (const RoleReport& r : reports) {
      ordered role{{"role", r.role}, {"ok", r.ok}};
      if (r.probe) {
        role["provider"] = r.config.provider;
        role["baseUrl"] = clean(r.config.base_url);
        role["model"] = r.config.model;
        role["ms"] = r.ms;
      }
      role["message"] = clean(r.message);
      if (!r.fix.empty()) role["fix"] = clean(r.fix);
      roles.push_back(std::move(role));
    }
    out["roles"] = std::move(roles);
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << "flint-lsp " << FLINT_VERSION << ": checking the setup\nsettings from:";
    for (size_t i = 0; i < sources.size(); ++i) std::cout << (i ? ", " : " ") << sources[i];
    std::cout << "\n";
    for (const auto& e : resolved.errors) std::cout << "invalid setting: " << clean(e) << "\n";
    for (const RoleReport& r : reports) {
      std::cout << "\n" << r.role << " model";
      if (r.probe) std::cout << ": " << clean(describe(r));
      std::cout << "\n  " << (r.ok ? "ok: " : "FAILED: ") << clean(r.message) << "\n";
      if (!r.fix.empty()) std::cout << "  fix: " << clean(r.fix) << "\n";
    }
    std::cout << "\n" << (ok ? "Everything works." : "Something needs fixing (see above).") << "\n";
  }
  return ok ? 0 : 1;
}

}  // namespace flint
