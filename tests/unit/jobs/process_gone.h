#pragma once
// Whether a process has ended: dead, or a zombie nobody has reaped yet (a container's init may
// not reap). For the tests that check a job's process group was killed.
#include <signal.h>

#include <fstream>
#include <string>

namespace flint::test {

inline bool process_gone(pid_t pid) {
  if (::kill(pid, 0) != 0) return true;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z';
}

}  // namespace flint::test
