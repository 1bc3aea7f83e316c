#pragma once
// The one way a fuzz target reports a broken property: say what broke on stderr (libFuzzer
// keeps the input that did it), then trap, which libFuzzer records as a crash.

#include <cstdio>
#include <string>
#include <string_view>

namespace flint::fuzz {

[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "property broken: %.*s\n", static_cast<int>(what.size()), what.data());
  if (!detail.empty()) {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(detail.size()), detail.data());
  }
  std::fflush(stderr);
  __builtin_trap();
}

// Checks a property; `detail` is only built when it fails.
#define FLINT_FUZZ_CHECK(condition, what, detail)        \
  do {                                                   \
    if (!(condition)) ::flint::fuzz::fail(what, detail); \
  } while (false)

// `s` quoted, with its line breaks visible, for a property's detail.
inline std::string shown(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace flint::fuzz
