#pragma once
// Regions of code and plausible model rewrites of them, for the session tests and benchmarks.

#include <random>
#include <string>
#include <vector>

namespace flint::test {

inline std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) {
    text += line;
    text += '\n';
  }
  return text;
}

// A function of `n` lines, every line distinct.
inline std::vector<std::string> numbered_region(size_t n) {
  std::vector<std::string> lines;
  if (n == 0) return lines;
  lines.push_back("def process_batch(items, factor):");
  for (size_t i = 1; i < n; ++i) {
    std::string k = std::to_string(i);
    lines.push_back("    total_" + k + " = transform(items[" + k + "], factor * " + k + ")");
  }
  return lines;
}

// A random block of C-like code: statements, blank lines, braces, repeated lines.
inline std::vector<std::string> random_region(std::mt19937& rng) {
  static const std::vector<std::string> kWords = {"value", "count", "items",  "result", "next",
                                                  "total", "index", "buffer", "limit",  "flag"};
  auto word = [&] { return kWords[rng() % kWords.size()]; };
  std::vector<std::string> lines;
  size_t n = rng() % 30;
  int depth = 1;
  for (size_t i = 0; i < n; ++i) {
    std::string indent(2 * static_cast<size_t>(depth), ' ');
    switch (rng() % 8) {
      case 0:
        lines.push_back("");
        break;
      case 1:
        lines.push_back(indent + "if (" + word() + " > " + std::to_string(rng() % 10) + ") {");
        ++depth;
        break;
      case 2:
        if (depth > 1) {
          --depth;
          lines.push_back(std::string(2 * static_cast<size_t>(depth), ' ') + "}");
        } else {
          lines.push_back(indent + "return " + word() + ";");
        }
        break;
      case 3:
        lines.push_back(indent + "return;");
        break;
      default:
        lines.push_back(indent + word() + " = " + word() + " + " + std::to_string(rng() % 100) +
                        ";");
        break;
    }
  }
  return lines;
}

// A rewrite a model might stream: most lines kept, some changed, deleted or added; now and
// then something entirely different. Always ends with a newline.
inline std::string mutate(const std::vector<std::string>& lines, std::mt19937& rng) {
  std::vector<std::string> out;
  if (rng() % 10 == 0) {
    size_t n = rng() % 12;
    for (size_t i = 0; i < n; ++i) out.push_back("  fresh_" + std::to_string(rng() % 50) + "();");
    return join_lines(out);
  }
  for (const std::string& line : lines) {
    switch (rng() % 10) {
      case 0:
        break;  // deleted
      case 1:
        out.push_back(line + " // changed");
        break;
      case 2:
        out.push_back("  inserted_" + std::to_string(rng() % 100) + "();");
        out.push_back(line);
        break;
      case 3:
        out.push_back("  " + line);  // re-indented
        break;
      default:
        out.push_back(line);
        break;
    }
  }
  if (rng() % 4 == 0) out.push_back("  appended();");
  return join_lines(out);
}

}  // namespace flint::test
