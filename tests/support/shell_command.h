#pragma once
// Runs a shell command line and collects its standard output and exit code: the command-line
// tests (`flint-lsp scope`, `flint-lsp check`) run the real binary this way.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace flint::test {

struct CommandResult {
  int exit_code = -1;  // -1: the command could not run, or died of a signal
  std::string out;
};

inline CommandResult run_shell(const std::string& command_line) {
  CommandResult result;
  FILE* pipe = popen(command_line.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.out.append(buffer.data(), n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace flint::test
