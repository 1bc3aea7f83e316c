// flint-lsp: the entry point. Parses the command line, sets up logging and configuration, and
// runs the LSP server on stdin/stdout until `exit` or EOF.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "protocol/stdio_transport.h"
#include "server/check_command.h"
#include "server/logging.h"
#include "server/models/provider.h"
#include "server/scope_command.h"
#include "server/server.h"

namespace {

constexpr const char* kHelp = R"(flint-lsp — a Language Server for real-time AI inline edits

Usage:
  flint-lsp [--stdio] [--log-file PATH] [--log-level LEVEL] [--config FILE]
  flint-lsp scope FILE LINE:COL[-LINE:COL] [--max-region-lines N]
  flint-lsp check [--config FILE] [--settings FILE|-] [--json] [--timeout SECONDS]
  flint-lsp --version | --help

Options:
  --stdio              Speak LSP on stdin/stdout (the default and only transport).
  --log-file PATH      Write logs to PATH instead of stderr.
  --log-level LEVEL    trace, debug, info (default), warn, error or off.
  --config FILE        JSON settings file (same shape as the "flint" settings section).
  --version            Print the version and exit.
  --help               Print this help and exit.

Subcommands:
  scope FILE LINE:COL[-LINE:COL]
                       Print, as JSON, the region flint would edit for a cursor or a
                       selection (1-based lines and columns), its node kind, whether the
                       request is local, and the context that would be sent to the model.
  check                Read the settings as the server would (--config FILE, the
                       environment, then --settings FILE, an editor's "flint" section as
                       JSON; "-" reads it from stdin), send each model role a tiny request,
                       and print what works and, for what does not, the fix. --json prints
                       the report as JSON; --timeout SECONDS bounds each request (10).
                       Exit status 0 when everything works, 1 when something does not.

Settings (later wins): built-in defaults, --config FILE, environment variables, the client's
initializationOptions, then its workspace/configuration section "flint".
Environment: FLINT_PROVIDER, FLINT_BASE_URL, FLINT_MODEL, FLINT_API_KEY (fast model);
FLINT_AGENT_PROVIDER, FLINT_AGENT_BASE_URL, FLINT_AGENT_MODEL, FLINT_AGENT_API_KEY (agent).
Providers: @PROVIDERS@.
API keys are never written to logs.

Documentation: README.md in the flint repository.
)";

int usage_error(const std::string& message) {
  std::cerr << "flint-lsp: " << message << "\nTry 'flint-lsp --help'.\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "scope") == 0) {
    return flint::run_scope_command(argc - 1, argv + 1);
  }
  if (argc >= 2 && std::strcmp(argv[1], "check") == 0) {
    return flint::run_check_command(argc - 1, argv + 1,
                                    [](const char* name) { return std::getenv(name); });
  }

  flint::LogOptions log_options;
  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) return nullptr;
      (void)name;
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::string help = kHelp;
      std::string providers;
      for (std::string_view name : flint::models::provider_names())
        providers += (providers.empty() ? "" : ", ") + std::string(name);
      help.replace(help.find("@PROVIDERS@"), 11, providers);
      std::cout << help;
      return 0;
    } else if (arg == "--version") {
      std::cout << "flint-lsp " << FLINT_VERSION << "\n";
      return 0;
    } else if (arg == "--stdio") {
      // The default.
    } else if (arg == "--log-file") {
      const char* v = value("--log-file");
      if (!v) return usage_error("--log-file needs a path");
      log_options.file = v;
    } else if (arg == "--log-level") {
      const char* v = value("--log-level");
      if (!v) return usage_error("--log-level needs a level");
      log_options.level = v;
    } else if (arg == "--config") {
      const char* v = value("--config");
      if (!v) return usage_error("--config needs a file");
      config_path = v;
    } else if (arg.rfind("--log-file=", 0) == 0) {
      log_options.file = arg.substr(11);
    } else if (arg.rfind("--log-level=", 0) == 0) {
      log_options.level = arg.substr(12);
    } else if (arg.rfind("--config=", 0) == 0) {
      config_path = arg.substr(9);
    } else {
      return usage_error("unknown option '" + arg + "'");
    }
  }

  if (std::string error = flint::init_logging(log_options); !error.empty()) {
    return usage_error(error);
  }

  flint::ServerOptions options;
  if (!config_path.empty()) {
    if (std::string error = flint::read_settings_file(config_path, options.file_settings);
        !error.empty()) {
      return usage_error(error);
    }
  }

  // A client that goes away must not kill us with SIGPIPE mid-write; we see EOF instead.
  std::signal(SIGPIPE, SIG_IGN);

  asio::io_context io;
  auto work = asio::make_work_guard(io);
  flint::protocol::StdioTransport transport(io, STDIN_FILENO, STDOUT_FILENO);
  int exit_code = 0;
  flint::Server server(io, std::move(options),
                       [&transport](const nlohmann::json& message) { transport.send(message); });
  server.set_on_exit([&](int code) {
    exit_code = code;
    work.reset();
    io.stop();
  });
  transport.start([&server](const std::string& body) { server.handle_message(body); },
                  [&server](const std::string& error) { server.handle_framing_error(error); },
                  [&server] { server.handle_eof(); });
  spdlog::info("flint-lsp {} ready on stdio", FLINT_VERSION);
  io.run();
  transport.flush_and_stop();
  spdlog::info("exiting with code {}", exit_code);
  spdlog::shutdown();
  // The stdin reader may still be blocked in read(): end the process without unwinding into it.
  std::fflush(nullptr);
  _exit(exit_code);
}
