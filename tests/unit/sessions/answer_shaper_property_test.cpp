// Property test of the answer path on real code: functions of the Python standard library are
// the regions; a known answer (the function with random lines changed, inserted or deleted) is
// transformed the way real models transform their answers (unchanged spans elided behind a
// marker, dedented, wrapped in reasoning or chatter, the lines above the region repeated first)
// and streamed in pieces of 1, 3 and 12 characters. The region must end with exactly the
// untransformed answer, whatever the transformations and the pieces.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "server/edits/answer_lines.h"
#include "server/edits/answer_shaper.h"
#include "server/edits/output_cleaner.h"
#include "server/edits/reasoning_filter.h"

namespace flint {
namespace {

using Lines = std::vector<std::string>;

std::string join(const Lines& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

Lines split(std::string_view text) {
  Lines out;
  for (std::string_view l : answer::split_lines(text)) out.emplace_back(l);
  return out;
}

struct RealFunction {
  std::string path;
  std::string above;
  std::string region;
  std::string below;
};

// Functions ("def" at any level) of 4..60 lines from the Python standard library.
std::vector<RealFunction> python_functions(size_t wanted) {
  std::vector<std::filesystem::path> files;
  for (const char* dir : {"/usr/lib/python3.11", "/usr/lib/python3"}) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".py") files.push_back(entry.path());
    }
    if (!files.empty()) break;
  }
  std::sort(files.begin(), files.end());
  std::vector<RealFunction> out;
  for (const auto& path : files) {
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    if (text.find('\t') != std::string::npos || text.find('\r') != std::string::npos) continue;
    Lines lines = split(text);
    for (size_t i = 0; i < lines.size() && out.size() < wanted; ++i) {
      std::string_view k = answer::key(lines[i]);
      if (k.substr(0, 4) != "def ") continue;
      int level = answer::indent_columns(lines[i]);
      size_t end = i + 1;
      while (end < lines.size() &&
             (answer::is_blank(lines[end]) || answer::indent_columns(lines[end]) > level)) {
        ++end;
      }
      while (end > i + 1 && answer::is_blank(lines[end - 1])) --end;
      if (end - i < 4 || end - i > 60) continue;
      RealFunction f;
      f.path = path.string();
      f.above = join(Lines(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(i)));
      f.region = join(Lines(lines.begin() + static_cast<std::ptrdiff_t>(i),
                            lines.begin() + static_cast<std::ptrdiff_t>(end)));
      f.below = join(Lines(lines.begin() + static_cast<std::ptrdiff_t>(end), lines.end()));
      out.push_back(std::move(f));
      i = end;
    }
    if (out.size() >= wanted) break;
  }
  return out;
}

struct Known {
  Lines lines;
  std::vector<int> original;  // the original line it reproduces, or -1 for a new one
};

// The region with a few lines changed, inserted or deleted (the first line stays).
Known known_answer(const Lines& region, std::mt19937& rng) {
  Known k;
  for (size_t i = 0; i < region.size(); ++i) {
    unsigned roll = i == 0 ? 9 : rng() % 12;
    const std::string& line = region[i];
    std::string indent(answer::indent_of(line));
    if (roll == 0 && !answer::is_blank(line)) {
      k.lines.push_back(line + "  # changed");
      k.original.push_back(-1);
    } else if (roll == 1 && !answer::is_blank(line)) {
      k.lines.push_back(indent + "added_" + std::to_string(rng() % 1000) + " = None");
      k.original.push_back(-1);
      k.lines.push_back(line);
      k.original.push_back(static_cast<int>(i));
    } else if (roll == 2 && i + 1 < region.size() && answer::is_trivial(line) == false &&
               answer::key(line).back() != ':') {
      continue;  // deleted (never a block opener: the result stays valid Python)
    } else {
      k.lines.push_back(line);
      k.original.push_back(static_cast<int>(i));
    }
  }
  return k;
}

// Replaces one span of unchanged lines by a marker, where the marker is not ambiguous: the
// lines around the span are unchanged, say enough and appear once in the original.
Lines elide(const Known& k, const Lines& region, std::mt19937& rng, bool* done) {
  *done = false;
  auto unique = [&](const std::string& line) {
    if (answer::is_trivial(line)) return false;
    return std::count_if(region.begin(), region.end(), [&](const std::string& o) {
             return answer::key(o) == answer::key(line);
           }) == 1;
  };
  for (int attempt = 0; attempt < 20 && !*done; ++attempt) {
    if (k.lines.size() < 5) break;
    size_t begin = 1 + rng() % (k.lines.size() - 3);
    size_t length = 2 + rng() % 4;
    size_t end = std::min(begin + length, k.lines.size() - 1);
    // From the line before the span to the line after it, the original's lines in order.
    bool ok = end > begin + 1 && unique(k.lines[begin - 1]) && unique(k.lines[end]);
    for (size_t i = begin; ok && i <= end; ++i) {
      ok = k.original[i - 1] >= 0 && k.original[i] == k.original[i - 1] + 1;
    }
    if (!ok) continue;
    // The answer must hold the span's original lines in one piece.
    Lines out(k.lines.begin(), k.lines.begin() + static_cast<std::ptrdiff_t>(begin));
    std::string indent(answer::indent_of(k.lines[begin]));
    out.push_back(indent + (rng() % 2 ? "# ... existing code ..." : "# rest unchanged"));
    out.insert(out.end(), k.lines.begin() + static_cast<std::ptrdiff_t>(end), k.lines.end());
    *done = true;
    return out;
  }
  return k.lines;
}

Lines dedent(const Lines& lines) {
  int level = -1;
  for (const std::string& l : lines) {
    if (answer::is_blank(l)) continue;
    int c = answer::indent_columns(l);
    if (level < 0 || c < level) level = c;
  }
  Lines out;
  for (const std::string& l : lines) {
    out.push_back(answer::is_blank(l) ? std::string() : l.substr(static_cast<size_t>(level)));
  }
  return out;
}

// Lines the buffer must show at every moment of the stream: the original lines that the
// answer keeps, when it deletes none (a kept line that disappears and comes back is a
// deletion the person saw).
using Kept = std::vector<std::string>;

bool shows_all(const std::string& text, const Kept& kept, std::string* missing) {
  Lines shown = split(text);
  std::sort(shown.begin(), shown.end());
  for (const std::string& line : kept) {
    auto it = std::lower_bound(shown.begin(), shown.end(), line);
    if (it == shown.end() || *it != line) {
      *missing = line;
      return false;
    }
    shown.erase(it);
  }
  return true;
}

std::string run_stream(const RealFunction& f, const std::string& answer, size_t piece,
                       std::string* reason, const Kept* kept = nullptr) {
  AnswerShaper shaper(f.region, f.above, f.below, "python", "\n");
  ReasoningFilter reasoning;
  OutputCleaner cleaner;
  std::string code;
  for (size_t at = 0; at < answer.size(); at += piece) {
    code.clear();
    cleaner.feed(reasoning.feed(std::string_view(answer).substr(at, piece)), code);
    shaper.push(code);
    std::string missing;
    if (kept && !shows_all(shaper.desired_text(), *kept, &missing)) {
      *reason = "while streaming, the buffer lost a kept line: " + missing;
      return {};
    }
  }
  code.clear();
  cleaner.feed(reasoning.finish(), code);
  cleaner.finish(code);
  shaper.push(code);
  ShapedAnswer shaped = shaper.finish(cleaner.explicit_empty());
  if (!shaped.ok) {
    *reason = shaped.reason;
    return f.region;
  }
  return shaper.desired_text();
}

TEST(AnswerShaperProperty, RealFunctionsTransformedAnswersLandExact) {
  std::vector<RealFunction> functions = python_functions(200);
  ASSERT_GE(functions.size(), 30u) << "the Python standard library is not where it should be";
  std::mt19937 rng(12);
  size_t runs = 0;
  size_t elided = 0;
  for (const RealFunction& f : functions) {
    Lines region = split(f.region);
    for (int trial = 0; trial < 4; ++trial) {
      Known k = known_answer(region, rng);
      const std::string expected = join(k.lines);
      bool did_elide = false;
      Lines shaped = rng() % 2 ? elide(k, region, rng, &did_elide) : k.lines;
      elided += did_elide ? 1 : 0;
      if (rng() % 2) shaped = dedent(shaped);
      std::string answer = join(shaped);
      if (rng() % 3 == 0) {
        // The line right above the region, repeated.
        Lines above = split(f.above);
        if (!above.empty() && !answer::is_trivial(above.back())) {
          answer =
              (rng() % 2 ? above.back() : std::string(answer::key(above.back()))) + "\n" + answer;
        }
      }
      switch (rng() % 4) {
        case 0:
          answer = "<think>\nThe user wants a change; ```python\nx = 1\n``` maybe.\n</think>\n\n" +
                   answer;
          break;
        case 1:
          answer = "Here is the updated function:\n\n```python\n" + answer + "```\n\nDone.";
          break;
        case 2:
          answer = "```\n" + answer + "```";
          break;
        default:
          break;
      }
      // Deletions aside, every original line the answer keeps stays visible throughout.
      std::vector<int> reproduced;
      for (int o : k.original) {
        if (o >= 0) reproduced.push_back(o);
      }
      bool deletes = reproduced.size() != region.size();
      Kept kept;
      for (int o : reproduced) kept.push_back(region[static_cast<size_t>(o)]);
      std::sort(kept.begin(), kept.end());
      for (size_t piece : {1, 3, 12}) {
        std::string reason;
        std::string got = run_stream(f, answer, piece, &reason, deletes ? nullptr : &kept);
        ASSERT_EQ(got, expected) << f.path << "\npieces of " << piece << "\nreason: " << reason
                                 << "\nanswer:\n"
                                 << answer << "\nregion:\n"
                                 << f.region;
        ++runs;
      }
    }
  }
  std::cout << "answer shaper property: " << functions.size() << " functions, " << runs
            << " streams, " << elided << " answers with an elision\n";
  EXPECT_GT(elided, 20u);
}

}  // namespace
}  // namespace flint
