#pragma once
// spdlog set-up: one logger, to stderr or a file (stdout is the protocol). Every line passes
// through a sink that masks registered secrets, so an API key can never reach a log even
// when some code path prints a request by mistake.

#include <string>
#include <string_view>
#include <vector>

namespace flint {

struct LogOptions {
  std::string file;            // empty = stderr
  std::string level = "info";  // trace|debug|info|warn|error|off
};

// Returns an error message for a bad level or an unwritable file, empty on success.
std::string init_logging(const LogOptions& options);

// Adds a secret that the log sink masks from now on (API keys once configuration resolves).
void register_secret(std::string_view secret);
std::vector<std::string> registered_secrets();

bool valid_log_level(std::string_view level);

}  // namespace flint
