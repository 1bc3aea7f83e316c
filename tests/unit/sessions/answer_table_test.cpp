// Issue 12: a table of answer shapes x languages over real files. For real source files of as
// many languages as this machine holds, regions are picked with the real scope finder (as the
// server picks them), and answers are built from each region in the shapes real models answer
// in (answer_shapes.h): exact, fenced with chatter, without a final newline, after a <think>
// block, dedented, tabs for spaces, with copied context (up to the whole file), with an elision
// marker, one line changed, one method of a class, and no code at all. Each answer drives a whole
// session (EditSession against the simulated editor on a virtual clock, fed through the same
// reasoning filter and escalation detector as the server's glue), tokenized at 1, 3 and 12
// bytes, and the file, the session's state and every edit sent are checked.
//
// Failures are listed grouped by shape and check, each group labelled with the regression test
// at the end of this file that holds a minimal case of the bug it most likely is (a label only:
// every failing session fails its table test all the same). Those tests are the bugs this table
// found while the answer path was written, reduced; all are fixed and guard against return.
//
// FLINT_ANSWER_TABLE_DUMP=<dir> writes each failing case (document, region, answer) there;
// FLINT_ANSWER_TABLE_TRACE=1 re-runs each failing session with the rig's trace on stderr.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "parsers/language_registry.h"
#include "parsers/scope.h"
#include "parsers/syntax_tree.h"
#include "parsers/text_input.h"
#include "server/edits/answer_shape.h"
#include "server/edits/edit_prompt.h"
#include "server/edits/edit_session.h"
#include "server/edits/reasoning_filter.h"
#include "tests/unit/sessions/answer_shapes.h"
#include "tests/unit/sessions/session_rig.h"

namespace flint {
namespace {

namespace fs = std::filesystem;
namespace sh = test::shapes;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using test::ReportStyle;
using test::RigOptions;
using test::SessionRig;
using test::VirtualLoop;

constexpr size_t kMinLanguages = 8;
constexpr size_t kMaxRegionsPerFile = 6;
constexpr uint32_t kMinRegionLines = 3;
constexpr uint32_t kMaxRegionLines = 120;
constexpr size_t kMaxFileBytes = 80'000;
constexpr size_t kTokenSizes[] = {1, 3, 12};

// ---------------------------------------------------------------------------------------------
// The corpus: real files per language, and the regions the scope finder picks in them.

std::string source_path(std::string_view relative) {
  return std::string(FLINT_SOURCE_DIR) + "/" + std::string(relative);
}

// A directory's files ending in `suffix` (take up to `take`, evenly spread over the sorted
// list), or one file (suffix empty).
struct SourceSpec {
  std::string path;
  std::string suffix;
  size_t take = 1;
};
struct LanguageSpec {
  std::string id;  // LSP languageId
  std::vector<SourceSpec> sources;
  std::string fallback;  // a sample of the repository's, when no real file exists
};

std::vector<LanguageSpec> language_specs() {
  const std::string samples = source_path("tests/unit/parsers/samples/");
  const std::string node_modules = source_path("parsers/grammars/node_modules/");
  return {
      {"python", {{"/usr/lib/python3.11", ".py", 4}}, samples + "sample.py"},
      {"cpp",
       {{"/usr/src/googletest/googletest/src", ".cc", 2}, {source_path("server"), ".cpp", 2}},
       samples + "sample.cpp"},
      {"c",
       {{"/usr/share/doc/zlib1g-dev/examples", ".c", 2},
        {"/usr/share/doc/nettle-dev/examples", ".c", 2},
        // Has whitespace-only lines inside functions, as much real code does.
        {"/usr/share/doc/nettle-dev/examples/rsa-encrypt.c", "", 1}},
       samples + "sample.c"},
      {"lua", {{"/usr/share/nvim/runtime/lua/vim", ".lua", 3}}, samples + "sample.lua"},
      {"javascript",
       {{node_modules + "tree-sitter/index.js", "", 1},
        {node_modules + "node-gyp-build/node-gyp-build.js", "", 1},
        {node_modules + "tree-sitter-python/grammar.js", "", 1}},
       samples + "sample.js"},
      {"typescript", {{source_path("editors/vscode/src"), ".ts", 3}}, samples + "sample.ts"},
      {"typescriptreact", {}, samples + "sample.tsx"},
      {"json",
       {{source_path("editors/vscode/package.json"), "", 1},
        {source_path("parsers/grammars/package.json"), "", 1},
        {node_modules + "tree-sitter/package.json", "", 1}},
       samples + "sample.json"},
      {"shellscript",
       {{source_path("scripts/setup"), "", 1},
        {source_path("scripts/test"), "", 1},
        {"/usr/bin/ssh-copy-id", "", 1},
        {"/usr/bin/gettext.sh", "", 1}},
       samples + "sample.sh"},
      {"go", {{"/usr/share/doc/git/contrib/persistent-https", ".go", 2}}, samples + "sample.go"},
      {"rust",
       {{"/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/share/doc/rust/html/"
         "error_codes/main.rs",
         "", 1}},
       samples + "sample.rs"},
      {"java", {}, samples + "Sample.java"},
  };
}

struct Region {
  uint32_t first_line = 0;  // 0-based
  uint32_t line_count = 0;
  uint32_t start_byte = 0;
  uint32_t end_byte = 0;
  std::string unit;
  std::string node_kind;
  std::string name;
  // For a class: the methods the scope finder finds inside it (first and last line).
  std::vector<std::pair<uint32_t, uint32_t>> methods;
};

struct SourceFile {
  std::string language;
  std::string path;
  std::string text;
  std::vector<Region> regions;
};

struct Corpus {
  std::vector<SourceFile> files;
  std::vector<std::string> notes;  // skipped sources, with why
  std::set<std::string> languages;
  size_t regions = 0;
};

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> files_of(const SourceSpec& spec, std::vector<std::string>& notes) {
  std::error_code ec;
  if (spec.suffix.empty()) {
    if (!fs::is_regular_file(spec.path, ec)) {
      notes.push_back("missing: " + spec.path);
      return {};
    }
    return {spec.path};
  }
  if (!fs::is_directory(spec.path, ec)) {
    notes.push_back("missing: " + spec.path);
    return {};
  }
  std::vector<std::string> all;
  for (const fs::directory_entry& e : fs::directory_iterator(spec.path, ec)) {
    std::string name = e.path().filename().string();
    if (!e.is_regular_file() || name.size() < spec.suffix.size() ||
        name.compare(name.size() - spec.suffix.size(), spec.suffix.size(), spec.suffix) != 0) {
      continue;
    }
    auto size = e.file_size(ec);
    if (size < 2000 || size > kMaxFileBytes) continue;
    all.push_back(e.path().string());
  }
  std::sort(all.begin(), all.end());
  if (all.empty()) notes.push_back("no " + spec.suffix + " files of 2..80 KB in " + spec.path);
  std::vector<std::string> picked;
  size_t take = std::min(spec.take, all.size());
  for (size_t k = 0; k < take; ++k) picked.push_back(all[(2 * k + 1) * all.size() / (2 * take)]);
  return picked;
}

bool primary_unit(const parsers::Scope& s) {
  return s.unit == "function" || s.unit == "definition" || s.unit == "closure";
}

// Regions as the server picks them: the scope finder at a cursor on (sampled) non-blank lines,
// kept when 3..120 lines; functions, methods and classes first.
std::vector<Region> find_regions(const parsers::Language& language, const std::string& text) {
  parsers::StringTextInput input(text);
  parsers::Tree tree = parsers::parse_text(language, input);
  const uint32_t lines = input.line_count();
  const uint32_t stride = std::max<uint32_t>(1, lines / 500);
  std::map<std::pair<uint32_t, uint32_t>, parsers::Scope> found;
  for (uint32_t l = 0; l < lines; l += stride) {
    std::string_view line = input.line(l);
    size_t column = line.find_first_not_of(" \t\r");
    if (column == std::string_view::npos) continue;
    uint32_t at = input.line_start(l) + static_cast<uint32_t>(column);
    parsers::Scope s = parsers::find_scope(&tree, input, parsers::ByteRange{at, at});
    if (s.line_count() < kMinRegionLines || s.line_count() > kMaxRegionLines) continue;
    if (s.unit == "line" || s.unit == "blank" || s.unit == "comment" || s.unit == "indentation") {
      continue;
    }
    found.emplace(std::make_pair(s.first_line, s.last_line), s);
  }
  std::vector<const parsers::Scope*> primary;
  std::vector<const parsers::Scope*> other;
  for (const auto& [lines_of_scope, s] : found) (primary_unit(s) ? primary : other).push_back(&s);
  std::vector<const parsers::Scope*> candidates = primary;
  if (candidates.size() < 3) candidates.insert(candidates.end(), other.begin(), other.end());
  std::sort(candidates.begin(), candidates.end(),
            [](const parsers::Scope* a, const parsers::Scope* b) {
              return std::tie(a->first_line, a->last_line) < std::tie(b->first_line, b->last_line);
            });

  auto to_region = [&](const parsers::Scope& s) {
    Region r;
    r.first_line = s.first_line;
    r.line_count = s.line_count();
    r.start_byte = s.start_byte;
    r.end_byte = s.end_byte;
    r.unit = s.unit;
    r.node_kind = s.node_kind;
    r.name = s.name;
    if (s.node_kind.find("class") != std::string::npos) {
      for (const parsers::Scope* m : primary) {
        if (m->unit == "function" && m->first_line > s.first_line && m->last_line <= s.last_line) {
          r.methods.emplace_back(m->first_line, m->last_line);
        }
      }
    }
    return r;
  };
  std::vector<Region> regions;
  size_t take = std::min(kMaxRegionsPerFile, candidates.size());
  for (size_t k = 0; k < take; ++k) {
    regions.push_back(to_region(*candidates[(2 * k + 1) * candidates.size() / (2 * take)]));
  }
  // Classes with at least two methods, for the one-method shape: up to two per file.
  size_t classes = std::count_if(regions.begin(), regions.end(),
                                 [](const Region& r) { return r.methods.size() >= 2; });
  for (const parsers::Scope* s : candidates) {
    if (classes >= 2) break;
    Region r = to_region(*s);
    bool known = std::any_of(regions.begin(), regions.end(), [&](const Region& x) {
      return x.first_line == r.first_line && x.line_count == r.line_count;
    });
    if (r.methods.size() >= 2 && !known) {
      regions.push_back(std::move(r));
      ++classes;
    }
  }
  return regions;
}

const Corpus& corpus() {
  static const Corpus built = [] {
    Corpus c;
    const parsers::LanguageRegistry& registry = parsers::LanguageRegistry::shared();
    for (const LanguageSpec& spec : language_specs()) {
      const parsers::Language* language = registry.for_language_id(spec.id);
      if (language == nullptr) {
        c.notes.push_back(spec.id + ": no grammar");
        continue;
      }
      std::vector<std::string> paths;
      for (const SourceSpec& source : spec.sources) {
        for (std::string& p : files_of(source, c.notes)) paths.push_back(std::move(p));
      }
      if (paths.empty()) {
        c.notes.push_back(spec.id + ": no real file found, using " + spec.fallback);
        paths.push_back(spec.fallback);
      }
      for (const std::string& path : paths) {
        std::optional<std::string> text = read_file(path);
        if (!text) {
          c.notes.push_back("unreadable: " + path);
          continue;
        }
        if (text->size() > kMaxFileBytes) {
          c.notes.push_back("too large: " + path);
          continue;
        }
        SourceFile f{spec.id, path, std::move(*text), {}};
        f.regions = find_regions(*language, f.text);
        if (f.regions.empty()) {
          c.notes.push_back("no region of 3..120 lines in " + path);
          continue;
        }
        c.regions += f.regions.size();
        c.languages.insert(spec.id);
        c.files.push_back(std::move(f));
      }
    }
    return c;
  }();
  return built;
}

// ---------------------------------------------------------------------------------------------
// Answers and what each must do.

enum class Outcome {
  kUnchanged,  // done, the file byte-identical, no edit sent
  kChanged,    // done, the file as expected, every edit within the changed line
  kFailed,     // failed, the file byte-identical, no edit sent
};

struct Answer {
  std::string shape;
  std::string text;
  Outcome outcome = Outcome::kUnchanged;
  std::string expected;  // kChanged: the whole file afterwards
  uint32_t changed_row = 0;
};

Answer keep(std::string shape, std::string text) {
  return Answer{std::move(shape), std::move(text), Outcome::kUnchanged, {}, 0};
}
Answer refused(std::string shape, std::string text) {
  return Answer{std::move(shape), std::move(text), Outcome::kFailed, {}, 0};
}

constexpr std::string_view kThink =
    "<think>The user wants this kept as it is. Something like\n```python\ndef f(): pass\n```\n"
    "or `if (x) { return y; }` would be wrong here; </b> is not a tag.</think>\n\n";

std::string with_final_newline(std::string s) {
  if (!s.empty() && s.back() != '\n') s += '\n';
  return s;
}

struct RegionText {
  std::string region;  // R
  std::string above;   // A
  std::string below;   // B
  std::vector<std::string> lines;
};

RegionText split(const SourceFile& f, const Region& r) {
  RegionText t;
  t.region = f.text.substr(r.start_byte, r.end_byte - r.start_byte);
  t.above = f.text.substr(0, r.start_byte);
  t.below = f.text.substr(r.end_byte);
  t.lines = sh::lines_of(t.region);
  return t;
}

std::string copied_context(const RegionText& t, std::string_view body, size_t index) {
  return sh::above_tail(t.above, 1 + index % 3) + with_final_newline(std::string(body)) +
         sh::below_head(t.below, 1 + index % 2);
}

// Shapes 1-5: answers that say "keep the region as it is".
std::vector<Answer> unchanged_answers(const SourceFile& f, const Region& r, size_t index,
                                      bool whole_file, std::map<std::string, size_t>& skipped) {
  RegionText t = split(f, r);
  std::vector<Answer> out;
  const std::string& R = t.region;
  // 1.
  out.push_back(keep("1 exact", R));
  std::string fence = sh::fence_for(R);
  out.push_back(
      keep("1 fenced",
           "Here is the updated code:\n\n" + fence + sh::fence_language(f.language) + "\n" +
               with_final_newline(R) + fence +
               "\n\nI kept the behaviour the same; let me know if you want more changes.\n"));
  if (!R.empty() && R.back() == '\n') {
    out.push_back(keep("1 no final newline", R.substr(0, R.size() - 1)));
  }
  // 2.
  out.push_back(keep("2 think", std::string(kThink) + R));
  // 3.
  bool first_indented = !t.lines.empty() && !sh::indent_of(t.lines.front()).empty();
  if (first_indented) {
    std::optional<std::string> prefix = sh::common_indent(t.lines);
    if (prefix && !prefix->empty()) {
      out.push_back(keep("3 dedented", sh::join(sh::dedent(t.lines, *prefix))));
    } else {
      ++skipped["3 dedented"];
    }
  }
  std::vector<std::string> file_lines = sh::lines_of(f.text);
  sh::FileIndent indent = sh::file_indent(file_lines);
  bool any_spaces = std::any_of(t.lines.begin(), t.lines.end(), [&](const std::string& l) {
    return !sh::blank(l) && l.size() >= (indent.width ? indent.width : 4) &&
           l.compare(0, indent.width ? indent.width : 4,
                     std::string(indent.width ? indent.width : 4, ' ')) == 0;
  });
  // A region that already holds tab-indented lines (a heredoc, GNU style's tab for 8 columns)
  // would mix both: what its tabs mean cannot be told.
  bool has_tabs = std::any_of(t.lines.begin(), t.lines.end(), [](const std::string& l) {
    return sh::indent_of(l).find('\t') != std::string_view::npos;
  });
  if (f.language != "go" && !indent.tabs && any_spaces && !has_tabs) {
    // One tab per level of the file's indentation (tabs for 4 spaces in a 4-space file).
    out.push_back(keep("3 tabs", sh::join(sh::tabify(t.lines, indent.width ? indent.width : 4))));
  } else {
    ++skipped["3 tabs"];
  }
  // 4.
  if (!t.above.empty() || !t.below.empty()) {
    out.push_back(keep("4 context", copied_context(t, R, index)));
  }
  if (whole_file) out.push_back(keep("4 whole file", f.text));
  // 5.
  std::string marker = sh::elision_marker(f.language);
  std::optional<sh::Span> span = sh::middle_span(t.lines);
  if (!marker.empty() && span) {
    std::vector<std::string> lines(t.lines.begin(), t.lines.begin() + span->begin);
    lines.push_back(std::string(sh::indent_of(t.lines[span->begin])) + marker);
    lines.insert(lines.end(), t.lines.begin() + span->end, t.lines.end());
    out.push_back(keep("5 elision", sh::join(lines)));
  } else {
    ++skipped["5 elision"];
  }
  return out;
}

// Shape 6: one line of the region changed, alone and in the shapes 2, 3 (dedented) and 4.
std::vector<Answer> one_line_answers(const SourceFile& f, const Region& r, size_t index,
                                     std::map<std::string, size_t>& skipped) {
  RegionText t = split(f, r);
  std::optional<size_t> c = sh::line_to_change(t.lines);
  if (!c) {
    ++skipped["6 one line"];
    return {};
  }
  std::vector<std::string> changed = t.lines;
  changed[*c] = *sh::renamed(t.lines[*c]);
  std::string body = sh::join(changed);
  if (!t.region.empty() && t.region.back() != '\n') body.pop_back();
  std::string expected = t.above + body + t.below;
  uint32_t row = r.first_line + static_cast<uint32_t>(*c);
  std::vector<Answer> out;
  out.push_back({"6 one line", body, Outcome::kChanged, expected, row});
  out.push_back(
      {"6 one line + think", std::string(kThink) + body, Outcome::kChanged, expected, row});
  bool first_indented = !t.lines.empty() && !sh::indent_of(t.lines.front()).empty();
  std::optional<std::string> prefix = sh::common_indent(t.lines);
  if (first_indented && prefix && !prefix->empty()) {
    out.push_back({"6 one line + dedented", sh::join(sh::dedent(changed, *prefix)),
                   Outcome::kChanged, expected, row});
  }
  if (!t.above.empty() || !t.below.empty()) {
    out.push_back(
        {"6 one line + context", copied_context(t, body, index), Outcome::kChanged, expected, row});
  }
  return out;
}

// Shape 7: one method of a class, one line of it changed, dedented to column 0.
std::optional<Answer> one_method_answer(const SourceFile& f, const Region& r) {
  if (r.methods.size() < 2) return std::nullopt;
  std::vector<std::string> file_lines = sh::lines_of(f.text);
  for (const auto& [first, last] : r.methods) {
    std::vector<std::string> method(file_lines.begin() + first, file_lines.begin() + last + 1);
    std::optional<size_t> c = sh::line_to_change(method);
    std::optional<std::string> prefix = sh::common_indent(method);
    if (!c || !prefix) continue;
    // The changed line must be unique in the whole class too, or "that line" is ambiguous.
    std::vector<std::string> cls(file_lines.begin() + r.first_line,
                                 file_lines.begin() + r.first_line + r.line_count);
    size_t same = 0;
    for (const std::string& l : cls) same += answer::key(l) == answer::key(method[*c]);
    if (same != 1) continue;
    std::vector<std::string> changed = method;
    changed[*c] = *sh::renamed(method[*c]);
    std::vector<std::string> expected_lines = file_lines;
    expected_lines[first + *c] = changed[*c];
    std::string expected = sh::join(expected_lines);
    if (!f.text.empty() && f.text.back() != '\n') expected.pop_back();
    return Answer{"7 one method", sh::join(sh::dedent(changed, *prefix)), Outcome::kChanged,
                  expected, first + static_cast<uint32_t>(*c)};
  }
  return std::nullopt;
}

// Shape 8: no code at all.
std::vector<Answer> negative_answers() {
  return {refused("8 empty", ""), refused("8 prose", "I'm sorry, but I can't help with that."),
          refused("8 think only",
                  "<think>The user asks to change this function. Let me think about ```code``` "
                  "and `x = 1`; maybe def f(): pass.</think>")};
}

// ---------------------------------------------------------------------------------------------
// Driving a session the way the server's glue does (inline_edit_handlers.cpp): the model's text
// through the reasoning filter and the escalation detector, reasoning counted, then done.

struct Glue {
  explicit Glue(SessionRig& r) : rig(r) {}
  SessionRig& rig;
  ReasoningFilter reasoning;
  EscalationDetector escalation;
  size_t reasoning_bytes = 0;
  bool escalated = false;

  void feed(std::string_view text) {
    std::string_view code = escalation.feed(text);
    if (escalation.state() == EscalationDetector::State::kEscalated) {
      escalated = true;
      return;
    }
    if (!code.empty()) rig.session->on_model_text(code);
  }
  void text(std::string_view delta) {
    if (escalated) return;
    std::string_view visible = reasoning.feed(delta);
    if (reasoning.reasoning_bytes() > reasoning_bytes) {
      reasoning_bytes = reasoning.reasoning_bytes();
      rig.session->on_model_reasoning();
    }
    if (!visible.empty()) feed(visible);
  }
  void done() {
    if (escalated) return;
    std::string tail = reasoning.finish();
    if (!tail.empty()) feed(tail);
    if (escalated) return;
    std::string rest = escalation.flush();
    if (!rest.empty()) rig.session->on_model_text(rest);
    AnswerEnd end;
    if (rig.session->stats().reasoning > 0) end.no_code_why = "it only reasoned";
    rig.session->on_model_done(end);
  }
};

ReportStyle style_for(size_t token) {
  // Each tokenization also meets another editor's way of reporting changes.
  return token == 1 ? ReportStyle::kExact
                    : (token == 3 ? ReportStyle::kLineDiff : ReportStyle::kWholeLines);
}
const char* style_name(ReportStyle s) {
  return s == ReportStyle::kExact ? "exact"
                                  : (s == ReportStyle::kLineDiff ? "linediff" : "wholelines");
}

std::string excerpt(std::string_view s, size_t max = 160) {
  std::string out;
  for (char c : s.substr(0, max)) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  if (s.size() > max) out += "...";
  return out;
}

// The first line where `got` differs from `want`, described.
std::string first_difference(const std::string& want, const std::string& got) {
  std::vector<std::string> a = sh::lines_of(want);
  std::vector<std::string> b = sh::lines_of(got);
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    std::string x = i < a.size() ? a[i] : "<none>";
    std::string y = i < b.size() ? b[i] : "<none>";
    if (x != y) {
      return "line " + std::to_string(i + 1) + ": want \"" + excerpt(x) + "\" got \"" + excerpt(y) +
             "\" (" + std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " lines)";
    }
  }
  return "final newline differs (" + std::to_string(want.size()) + " vs " +
         std::to_string(got.size()) + " bytes)";
}

// Byte where 0-based line `row` of `text` starts (the size of the text past its last line).
uint32_t line_start(const std::string& text, uint32_t row) {
  size_t at = 0;
  for (uint32_t i = 0; i < row; ++i) {
    size_t newline = text.find('\n', at);
    if (newline == std::string::npos) return static_cast<uint32_t>(text.size());
    at = newline + 1;
  }
  return static_cast<uint32_t>(at);
}

struct Failure {
  std::string shape;
  std::string check;
  std::string where;   // language, file, region, tokenization
  std::string detail;  // what was wrong
  std::string bug;     // the regression test below whose bug it most likely is, if any
};

// Which regression test's bug a failure most likely is (a label for the report only: the failure
// counts all the same). `converted`: the file differs only in indentation, and the final fit of the
// answer converted its indentation style.
// `blanked`: the file differs from what it should be only in whitespace-only lines emptied.
// `mixed_tabs`: the region holds tab-indented lines in a file indented with spaces.
std::string likely_known_bug(const std::string& shape, const std::string& check,
                             const std::string& detail, bool converted, bool blanked,
                             bool mixed_tabs) {
  bool context = shape.rfind("4 ", 0) == 0 || shape.find("context") != std::string::npos;
  if (converted && shape != "3 tabs") return "VerbatimAnswerIsNotReindented";
  if (blanked) return "WhitespaceOnlyLinesOfAVerbatimAnswerAreKept";
  if (shape == "3 tabs" && check == "edits sent") {
    return "TabsOfATopLevelRegionAreNotStreamedAsTabs or "
           "AnswerTable.TabsAfterAShallowCommentLineAreNotStreamedAsTabs";
  }
  if (context && (check == "edits sent" || check == "edit outside the changed line" ||
                  check == "other lines rewritten")) {
    return "CopiedContextAndTrailingBlankLinesAreNotStreamed";
  }
  if (context && check == "file") return "TrivialCopiedContextIsDropped";
  if (shape == "5 elision" && check == "state" &&
      detail.find("either of two stretches") != std::string::npos) {
    return "MarkerBeforeARepeatedLineIsPlacedByTheBlockAfterIt";
  }
  if (shape == "7 one method" && detail.find("which is not one block") != std::string::npos) {
    return "OneMethodWithAMultiLineSignatureIsSpliced";
  }
  if (shape == "7 one method") return "OneMethodAnsweredAloneKeepsTheRestOfTheClass";
  if (shape == "3 tabs" && check == "file") {
    return "TabsAnswerBesideAColumnZeroLineKeepsTheRegionsLevel";
  }
  if (mixed_tabs && (check == "edits sent" || check == "edit outside the changed line" ||
                     check == "other lines rewritten")) {
    return "VerbatimMixedTabAnswerStreamsNothing";
  }
  if (shape == "5 elision" && (check == "file" || check == "edits sent")) {
    return "ElisionMarkerDoesNotDuplicateAClosingLine";
  }
  return "";
}

struct Table {
  std::map<std::string, size_t> answers;   // per shape
  std::map<std::string, size_t> sessions;  // per shape (answers x tokenizations)
  std::map<std::string, size_t> skipped;   // per shape: regions where it is impossible
  std::vector<Failure> failures;
  std::set<std::string> languages;
  std::set<std::string> files;
  size_t regions = 0;
};

Table& totals() {
  static Table table;
  return table;
}

void dump_case(const SourceFile& f, const Region& r, const Answer& a, size_t token, size_t number,
               const std::string& check, const std::string& detail) {
  const char* dir = std::getenv("FLINT_ANSWER_TABLE_DUMP");
  if (dir == nullptr) return;
  fs::create_directories(dir);
  std::string base = std::string(dir) + "/case" + std::to_string(number);
  std::ofstream(base + ".doc", std::ios::binary) << f.text;
  std::ofstream(base + ".answer", std::ios::binary) << a.text;
  std::ofstream(base + ".txt") << f.language << " " << f.path << " first_line " << r.first_line
                               << " line_count " << r.line_count << " token " << token << " shape "
                               << a.shape << "\n"
                               << check << ": " << detail << "\n";
}

// One whole session of `a` streamed in pieces of `token` bytes.
struct Run {
  explicit Run(const SourceFile& f, const Region& r, const Answer& a, size_t token,
               std::ostream* trace = nullptr)
      : rig(f.text, r.first_line, r.line_count, options_for(f, token)), glue(rig) {
    rig.trace = trace;
    VirtualLoop::TimePoint when = VirtualLoop::TimePoint{} + milliseconds(1);
    for (size_t i = 0; i < a.text.size(); i += token) {
      rig.loop.at(when, [this, piece = a.text.substr(i, token)] { glue.text(piece); });
      when += microseconds(150);
    }
    rig.loop.at(when, [this] { glue.done(); });
    rig.loop.run();
  }
  static RigOptions options_for(const SourceFile& f, size_t token) {
    RigOptions options;
    options.style = style_for(token);
    options.session.language = f.language;
    return options;
  }
  SessionRig rig;
  Glue glue;
};

void run_answer(const SourceFile& f, const Region& r, const Answer& a, Table& table) {
  ++table.answers[a.shape];
  for (size_t token : kTokenSizes) {
    ++table.sessions[a.shape];
    ++totals().sessions[a.shape];
    Run run(f, r, a, token);
    SessionRig& rig = run.rig;
    Glue& glue = run.glue;
    RigOptions options = Run::options_for(f, token);

    std::ostringstream where;
    where << f.language << " " << f.path << " lines " << r.first_line + 1 << "-"
          << r.first_line + r.line_count << " (" << r.unit << " " << r.node_kind
          << (r.name.empty() ? "" : " " + r.name) << ") token " << token << " "
          << style_name(options.style);
    const SessionState state = rig.session->state();
    const std::string& text = rig.editor().text();
    std::string got_state = std::string(to_string(state)) +
                            (rig.session->reason().empty() ? "" : ": " + rig.session->reason());
    std::vector<std::pair<std::string, std::string>> problems;  // check, detail
    if (rig.session->original_text() != f.text.substr(r.start_byte, r.end_byte - r.start_byte)) {
      problems.emplace_back("harness", "the session's region is not the scope's");
    }
    if (glue.escalated) problems.emplace_back("harness", "the answer read as an escalation");
    if (!rig.editor().violations().empty()) {
      problems.emplace_back("editor violation", rig.editor().violations().front());
    }
    if (!rig.errors.empty()) problems.emplace_back("rig error", rig.errors.front());
    if (rig.server_doc().text() != text) {
      problems.emplace_back("server and editor disagree",
                            first_difference(text, rig.server_doc().text()));
    }
    const std::string& want = a.outcome == Outcome::kChanged ? a.expected : f.text;
    SessionState want_state =
        a.outcome == Outcome::kFailed ? SessionState::kFailed : SessionState::kDone;
    if (state != want_state) {
      problems.emplace_back("state",
                            "want " + std::string(to_string(want_state)) + ", got " + got_state);
    }
    if (text != want) {
      problems.emplace_back("file", first_difference(want, text) + "; state " + got_state + ", " +
                                        std::to_string(rig.edits.size()) + " edits sent");
    }
    if (a.outcome != Outcome::kChanged && !rig.edits.empty()) {
      const TextReplacement& first = rig.edits.front().replacements.front();
      problems.emplace_back(
          "edits sent",
          std::to_string(rig.edits.size()) + " edits, the first replaces rows " +
              std::to_string(first.start.row + 1) + ":" + std::to_string(first.start.column) + "-" +
              std::to_string(first.end.row + 1) + ":" + std::to_string(first.end.column) +
              " with \"" + excerpt(first.text) + "\"; state " + got_state);
    }
    if (a.outcome == Outcome::kChanged) {
      // Every edit, in the document it was applied to, stays within the changed line: its
      // original extent, grown or shrunk by flint's own earlier edits (a partial line may be
      // shown as a new line above the one it rewrites while it streams).
      uint32_t lo = line_start(f.text, a.changed_row);
      uint32_t hi = line_start(f.text, a.changed_row + 1);
      if (rig.editor().flint_edits_applied() == rig.edits.size()) {
        for (const LineEdit& e : rig.edits) {
          int64_t growth = 0;
          const TextReplacement* bad = nullptr;
          for (const TextReplacement& x : e.replacements) {
            if (x.start_byte < lo || x.end_byte > hi) bad = bad != nullptr ? bad : &x;
            growth += int64_t(x.text.size()) - int64_t(x.end_byte - x.start_byte);
          }
          if (bad != nullptr) {
            problems.emplace_back(
                "edit outside the changed line",
                "changed line " + std::to_string(a.changed_row + 1) + ", an edit replaces " +
                    std::to_string(bad->start.row + 1) + ":" + std::to_string(bad->start.column) +
                    "-" + std::to_string(bad->end.row + 1) + ":" + std::to_string(bad->end.column) +
                    " (bytes " + std::to_string(bad->start_byte) + "-" +
                    std::to_string(bad->end_byte) + ", the line then spanning " +
                    std::to_string(lo) + "-" + std::to_string(hi) + ") with \"" +
                    excerpt(bad->text) + "\" (" + std::to_string(rig.edits.size()) +
                    " edits in all)");
            break;
          }
          hi = static_cast<uint32_t>(int64_t(hi) + growth);
        }
      }
      // Every byte of the other lines is the original's own (none deleted and written again).
      if (text == want) {
        uint32_t end = line_start(want, a.changed_row + 1);
        const std::vector<test::Origin>& origins = rig.editor().origins();
        for (uint32_t b = 0; b < origins.size(); ++b) {
          if ((b < lo || b >= end) && origins[b] != test::Origin::kOriginal) {
            problems.emplace_back("other lines rewritten",
                                  "byte " + std::to_string(b) + " of line " +
                                      std::to_string(sh::lines_of(want.substr(0, b)).size() + 1) +
                                      " was written by flint (changed line " +
                                      std::to_string(a.changed_row + 1) + ")");
            break;
          }
        }
      }
    }
    if (!problems.empty() && std::getenv("FLINT_ANSWER_TABLE_TRACE") != nullptr) {
      std::cerr << "---- " << a.shape << " " << where.str() << "\n";
      Run again(f, r, a, token, &std::cerr);
    }
    // What the file's difference says about the cause: whitespace-only lines emptied, or lines
    // re-indented (same text, other indentation) by a final fit that converted the style.
    bool blanked = false;
    bool reindented = false;
    if (text != want) {
      std::vector<std::string> w = sh::lines_of(want);
      std::vector<std::string> g = sh::lines_of(text);
      blanked = w.size() == g.size();
      reindented = w.size() == g.size();
      for (size_t i = 0; i < w.size() && (blanked || reindented); ++i) {
        blanked = blanked && (w[i] == g[i] || (sh::blank(w[i]) && g[i].empty()));
        reindented = reindented && answer::key(w[i]) == answer::key(g[i]);
      }
      if (reindented && !blanked) {
        RegionText t = split(f, r);
        reindented = shape_answer({t.region, t.above, t.below, f.language},
                                  rig.session->model_output(), false)
                         .indent_converted;
      }
    }
    bool mixed_tabs = false;
    if (!problems.empty() && a.shape != "3 tabs" && !sh::file_indent(sh::lines_of(f.text)).tabs) {
      for (const std::string& l : split(f, r).lines) {
        mixed_tabs = mixed_tabs || sh::indent_of(l).find('\t') != std::string_view::npos;
      }
    }
    for (auto& [check, detail] : problems) {
      table.failures.push_back(
          {a.shape, check, where.str(), detail,
           likely_known_bug(a.shape, check, detail, reindented && !blanked, blanked, mixed_tabs)});

      dump_case(f, r, a, token, totals().failures.size() + table.failures.size(), check, detail);
    }
  }
}

// Prints the table's failures, grouped by shape and check, a few examples each; returns the
// text for the assertion message.
std::string describe_failures(const Table& table) {
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<const Failure*>> groups;
  for (const Failure& f : table.failures) groups[{f.shape, f.check, f.bug}].push_back(&f);
  std::ostringstream out;
  for (const auto& [key, list] : groups) {
    std::map<std::string, size_t> per_language;
    for (const Failure* f : list) ++per_language[f->where.substr(0, f->where.find(' '))];
    out << "\n[" << std::get<0>(key) << "] " << std::get<1>(key)
        << (std::get<2>(key).empty() ? " (no regression case matches)"
                                     : " (likely AnswerTable." + std::get<2>(key) + ")")
        << ": " << list.size() << " session(s) (";
    bool first = true;
    for (const auto& [language, n] : per_language) {
      out << (first ? "" : ", ") << language << " " << n;
      first = false;
    }
    out << ")";
    std::set<std::string> shown_languages;
    size_t shown = 0;
    for (const Failure* f : list) {
      std::string language = f->where.substr(0, f->where.find(' '));
      if (shown >= 6 || (shown_languages.count(language) != 0 && shown >= 2)) continue;
      shown_languages.insert(language);
      ++shown;
      out << "\n    " << f->where << "\n      " << f->detail;
    }
  }
  return out.str();
}

void finish_table(const char* name, Table& table) {
  Table& all = totals();
  for (const auto& [shape, n] : table.answers) all.answers[shape] += n;
  for (const auto& [shape, n] : table.skipped) all.skipped[shape] += n;
  all.failures.insert(all.failures.end(), table.failures.begin(), table.failures.end());
  all.languages.insert(table.languages.begin(), table.languages.end());
  all.files.insert(table.files.begin(), table.files.end());
  std::cout << "[answer table] " << name << ":";
  for (const auto& [shape, n] : table.answers) {
    std::cout << " [" << shape << "] " << n << " answers";
    auto s = table.skipped.find(shape);
    if (s != table.skipped.end()) std::cout << " (" << s->second << " regions skipped)";
    std::cout << ";";
  }
  std::cout << " " << table.failures.size() << " failing sessions\n";
  EXPECT_TRUE(table.failures.empty()) << table.failures.size() << " failing sessions of " << [&] {
    size_t n = 0;
    for (const auto& [s, k] : table.sessions) n += k;
    return n;
  }() << ":" << describe_failures(table);
}

// Runs `answers_of` for every region of every file; fails when fewer than `min_languages`
// languages had a region to run it on (the table must not silently test nothing).
template <typename AnswersOf>
void run_table(const char* name, AnswersOf answers_of, size_t min_languages = kMinLanguages) {
  const Corpus& c = corpus();
  Table table;
  for (const SourceFile& f : c.files) {
    for (size_t i = 0; i < f.regions.size(); ++i) {
      std::vector<Answer> answers = answers_of(f, f.regions[i], i, table.skipped);
      if (answers.empty()) continue;
      table.languages.insert(f.language);
      table.files.insert(f.path);
      ++table.regions;
      for (const Answer& a : answers) run_answer(f, f.regions[i], a, table);
    }
  }
  EXPECT_GE(table.languages.size(), min_languages)
      << name << " ran in " << table.languages.size() << " languages only";
  finish_table(name, table);
}

class SummaryPrinter : public ::testing::Environment {
 public:
  void TearDown() override {
    const Table& t = totals();
    if (t.answers.empty()) return;
    size_t answers = 0;
    size_t sessions = 0;
    for (const auto& [shape, n] : t.answers) answers += n;
    for (const auto& [shape, n] : t.sessions) sessions += n;
    std::cout << "[answer table] summary: " << t.languages.size() << " languages (";
    bool first = true;
    for (const std::string& l : t.languages) {
      std::cout << (first ? "" : " ") << l;
      first = false;
    }
    std::cout << "), " << t.files.size() << " files, " << corpus().regions << " regions, "
              << answers << " answers, " << sessions << " sessions; per shape:";
    for (const auto& [shape, n] : t.answers) std::cout << " [" << shape << "] " << n;
    std::cout << "; " << t.failures.size() << " failing sessions\n";
  }
};
[[maybe_unused]] ::testing::Environment* const kSummary =
    ::testing::AddGlobalTestEnvironment(new SummaryPrinter);

// ---------------------------------------------------------------------------------------------

TEST(AnswerTable, CoversAtLeastEightLanguages) {
  const Corpus& c = corpus();
  for (const std::string& note : c.notes) std::cout << "[answer table] skip: " << note << "\n";
  std::map<std::string, std::pair<size_t, size_t>> per_language;  // files, regions
  for (const SourceFile& f : c.files) {
    ++per_language[f.language].first;
    per_language[f.language].second += f.regions.size();
  }
  std::cout << "[answer table] corpus:";
  for (const auto& [language, n] : per_language) {
    std::cout << " " << language << " " << n.first << " files/" << n.second << " regions;";
  }
  std::cout << "\n";
  for (const SourceFile& f : c.files) {
    std::cout << "[answer table]   " << f.language << " " << f.path << ":";
    for (const Region& r : f.regions) {
      std::cout << " " << r.first_line + 1 << "-" << r.first_line + r.line_count << "("
                << r.node_kind << (r.methods.size() >= 2 ? ", class" : "") << ")";
    }
    std::cout << "\n";
  }
  EXPECT_GE(c.languages.size(), kMinLanguages)
      << "the table would test too little: only " << c.languages.size() << " languages";
}

TEST(AnswerTable, UnchangedShapesLeaveTheFileAndSendNothing) {
  run_table("shapes 1-5 (unchanged)", [](const SourceFile& f, const Region& r, size_t i,
                                         std::map<std::string, size_t>& skipped) {
    return unchanged_answers(f, r, i, i == f.regions.size() / 2, skipped);
  });
}

TEST(AnswerTable, OneChangedLineTouchesOnlyThatLine) {
  run_table("shape 6 (one line changed)", one_line_answers);
}

TEST(AnswerTable, OneMethodOfAClassChangesOnlyThatMethod) {
  run_table(
      "shape 7 (one method)",
      [](const SourceFile& f, const Region& r, size_t, std::map<std::string, size_t>& skipped) {
        std::vector<Answer> out;
        if (r.methods.size() < 2) return out;
        if (std::optional<Answer> a = one_method_answer(f, r)) {
          out.push_back(std::move(*a));
        } else {
          ++skipped["7 one method"];
        }
        return out;
      },
      /*min_languages=*/3);  // classes: python, cpp, typescript (and java's sample)
}

TEST(AnswerTable, AnswersWithoutCodeFailAndSendNothing) {
  run_table("shape 8 (no code)", [](const SourceFile&, const Region&, size_t,
                                    std::map<std::string, size_t>&) { return negative_answers(); });
}

}  // namespace
}  // namespace flint

namespace flint {
namespace {

// ---------------------------------------------------------------------------------------------
// Known bugs: minimal cases of failures the table finds, one TEST each (they fail until fixed).
// The counts quoted ("seen in N sessions") are from the table's first runs, against the code of
// 2026-12-06 ~11:30; the server was being fixed while these were written (commits c427610 to
// 7589d91), and several of these cases pass since. Those marked "found against" were found on
// a later state of the code.

struct Case {
  std::string doc;
  uint32_t first_line = 0;
  uint32_t line_count = 0;
  std::string language;
  std::string answer;
  size_t token = 1;
};

struct CaseResult {
  SessionState state;
  std::string reason;
  std::string text;
  std::vector<LineEdit> edits;
};

CaseResult run_case(const Case& c, bool trace = false) {
  SourceFile f{c.language, "<case>", c.doc, {}};
  Region r;
  r.first_line = c.first_line;
  r.line_count = c.line_count;
  Answer a = keep("case", c.answer);
  Run run(f, r, a, c.token, trace ? &std::cerr : nullptr);
  return {run.rig.session->state(), run.rig.session->reason(), run.rig.editor().text(),
          run.rig.edits};
}

std::string region_of(const Case& c) {
  uint32_t begin = line_start(c.doc, c.first_line);
  return c.doc.substr(begin, line_start(c.doc, c.first_line + c.line_count) - begin);
}

// A session of `c` must leave the document as `want` (done, or failed when `fails`), having sent
// no edit at all when `no_edits`. Every tokenization of the table is tried.
void expect_case(Case c, const std::string& want, bool no_edits, bool fails = false) {
  for (size_t token : kTokenSizes) {
    c.token = token;
    SCOPED_TRACE("token " + std::to_string(token));
    CaseResult r = run_case(c, std::getenv("FLINT_ANSWER_TABLE_TRACE") != nullptr);
    EXPECT_EQ(to_string(r.state), to_string(fails ? SessionState::kFailed : SessionState::kDone))
        << r.reason;
    EXPECT_EQ(r.text, want);
    if (no_edits) {
      EXPECT_EQ(r.edits.size(), 0u)
          << "the first replaces bytes "
          << (r.edits.empty() ? 0 : r.edits[0].replacements[0].start_byte) << " with \""
          << excerpt(r.edits.empty() ? "" : r.edits[0].replacements[0].text) << "\"";
    }
  }
}

// A region answered exactly as it is is "converted" to another indentation: shape_answer()
// takes the answer's indentation style from the answer alone (answer_shape.cpp, step 2), so a
// verbatim answer whose own lines look 4-wide (continuation lines at +4, Google C++ style) in a
// 2-space file, or tab-indented (a heredoc) in a space-indented file, is re-indented. Seen on
// gtest-death-test.cc lines 1161-1169 and 1148-1174 (every shape of those regions), nettle's
// rsa-encrypt.c 106-161 (GNU style: "static int" gets indented) and ssh-copy-id 236-266 (with
// an elision marker, the heredoc's tabs turn into spaces).
TEST(AnswerTable, VerbatimAnswerIsNotReindented) {
  Case c;
  c.language = "cpp";
  c.doc =
      "void g() {\n"
      "  if (a) {\n"
      "    b();\n"
      "  }\n"
      "}\n"
      "int f() {\n"  // the region: lines 5-11
      "  x +=\n"
      "      1;\n"
      "  y +=\n"
      "      2;\n"
      "  return x;\n"
      "}\n";
  c.first_line = 5;
  c.line_count = 7;
  c.answer = region_of(c);
  // Got: "  x +=\n    1;\n  y +=\n    2;\n" (continuation lines lose 2 columns), 1 edit.
  expect_case(c, c.doc, true);

  Case heredoc;
  heredoc.language = "shellscript";
  heredoc.doc =
      "setup() {\n"
      "  mkdir -p build\n"
      "  cd build\n"
      "  cmake ..\n"
      "}\n"
      "\n"
      "greet() {\n"  // the region: lines 6-11
      "  cat <<-EOF\n"
      "\thello\n"
      "\tworld\n"
      "\tEOF\n"
      "}\n";
  heredoc.first_line = 6;
  heredoc.line_count = 6;
  heredoc.answer = region_of(heredoc);
  // Got: the heredoc's tabs turned into spaces (its text changes: "<<-" strips only tabs).
  expect_case(heredoc, heredoc.doc, true);
}

// A whitespace-only line of the region ("    " between two statements) answered exactly as it
// is comes out empty: Reindent::apply() empties every blank line, even when it changes nothing
// else (answer_lines.cpp), on the streaming side and in the final fit. Seen on
// nettle's rsa-encrypt.c (real code often has such lines).
TEST(AnswerTable, WhitespaceOnlyLinesOfAVerbatimAnswerAreKept) {
  Case c;
  c.language = "python";
  c.doc =
      "import os\n"
      "\n"
      "\n"
      "def f(items):\n"  // the region: lines 3-6
      "    total = 0\n"
      "    \n"
      "    return total\n";
  c.first_line = 3;
  c.line_count = 4;
  c.answer = region_of(c);
  // Got: "    \n" became "\n" (2 edits).
  expect_case(c, c.doc, true);
}

// Copied context is written into the buffer while the answer streams, and only taken out by the
// final fit: answer_shaper.h promises to hold it. Seen in 500 of 540 sessions of shape 4 (all 12
// languages), 86 of 102 whole-file sessions (a whole-file answer whose first line is trivial,
// like Python's '"""', streams the whole file above the region into it first) and 277 of 540
// sessions of shape 6 with context. Three ways:
TEST(AnswerTable, CopiedContextAndTrailingBlankLinesAreNotStreamed) {
  const std::string doc =
      "def first():\n"
      "    return 1\n"
      "\n"
      "\n"
      "def second(items):\n"  // the region: lines 4-6
      "    total = sum(items)\n"
      "    return total\n"
      "\n"
      "\n"
      "def third():\n"
      "    return 3\n";
  Case c;
  c.language = "python";
  c.doc = doc;
  c.first_line = 4;
  c.line_count = 3;
  const std::string region = region_of(c);
  // (a) A blank line after the region's last line is written (got: an edit inserting "\n" at
  //     the region's end, then one removing it). Whether it repeats the blank line below or is
  //     just a trailing blank line: models often end with one, inside a fence too
  //     ("```python\n...\n\n```"), so this also happens without any copied context.
  c.answer = region + "\n";
  expect_case(c, doc, true);
  c.answer = "```python\n" + region + "\n```\n";
  expect_case(c, doc, true);

  // (b) Without a blank line between: the first line below is forwarded while it is still
  //     partial ("in", "int c(vo"), and once a line was forwarded in part, the lines that
  //     repeat the code below are no longer held at all: the rest of the answer is written
  //     below the region, then deleted (with a whole-file answer, the rest of the file).
  Case adjacent;
  adjacent.language = "c";
  adjacent.doc =
      "int a(void) {\n"
      "  return 1;\n"
      "}\n"
      "int b(void) {\n"  // the region: lines 3-5
      "  return 2;\n"
      "}\n"
      "int c(void) {\n"
      "  return 3;\n"
      "}\n"
      "int d(void) {\n"
      "  return 4;\n"
      "}\n"
      "int e(void) {\n"
      "  return 5;\n"
      "}\n";
  adjacent.first_line = 3;
  adjacent.line_count = 3;
  adjacent.answer = adjacent.doc.substr(line_start(adjacent.doc, 3));
  expect_case(adjacent, adjacent.doc, true);

  // (c) The context above starts with a trivial line ("}" closing the previous function): it
  //     is not held, but written above the region (got: "}\n\n" inserted, then removed).
  Case brace;
  brace.language = "javascript";
  brace.doc =
      "function a() {\n"
      "  return 1;\n"
      "}\n"
      "\n"
      "function b() {\n"  // the region: lines 4-6
      "  return 2;\n"
      "}\n";
  brace.first_line = 4;
  brace.line_count = 3;
  brace.answer = "}\n\n" + region_of(brace);
  expect_case(brace, brace.doc, true);
}

// Copied context made of trivial lines is kept as code, duplicating it: shape_answer() drops a
// leading "}" only when bracket balance says so, and computes that balance over the whole
// answer, trailing context included (answer_shape.cpp, copied_above); lines without brackets
// ("end", "int" above a GNU-style definition, a "/* ====" rule) are never dropped. Seen in 42 of
// 540 sessions of shape 4 and 42 of shape 6 with context (c, cpp, go, javascript, json, lua,
// rust, typescript).
TEST(AnswerTable, TrivialCopiedContextIsDropped) {
  Case c;
  c.language = "javascript";
  c.doc =
      "function a() {\n"
      "  return 1;\n"
      "}\n"
      "\n"
      "function b() {\n"  // the region: lines 4-6
      "  return 2;\n"
      "}\n"
      "\n"
      "function c() {\n"
      "  return 3;\n"
      "}\n";
  c.first_line = 4;
  c.line_count = 3;
  // "}" from above, the region, then the blank line and the next header from below.
  // Got: "}\n\n" kept above the region (the "{" of "function c() {" balances the "}").
  c.answer = "}\n\n" + region_of(c) + "\nfunction c() {\n";
  expect_case(c, c.doc, false);

  Case lua;
  lua.language = "lua";
  lua.doc =
      "local function a()\n"
      "  return 1\n"
      "end\n"
      "\n"
      "local function b()\n"  // the region: lines 4-6
      "  return 2\n"
      "end\n";
  lua.first_line = 4;
  lua.line_count = 3;
  // Got: "end\n\n" kept above the region.
  lua.answer = "end\n\n" + region_of(lua);
  expect_case(lua, lua.doc, false);

  Case rule;
  rule.language = "c";
  rule.doc =
      "void error(const char *msg)\n"  // the region: lines 0-3
      "{\n"
      "    exit(1);\n"
      "}\n"
      "\n"
      "/* ======================================================== */\n"
      "void other(void) {}\n";
  rule.first_line = 0;
  rule.line_count = 4;
  // Got: "\n/* ===...=== */\n" kept below the region.
  rule.answer =
      region_of(rule) + "\n/* ======================================================== */\n";
  expect_case(rule, rule.doc, false);
}

// An elision marker next to a reproduced closing line ("}" after it, ")?;" before it) takes that
// line into the run it stands for whenever that makes the run bracket-balanced, and the answer's
// own copy of it is kept too: the line is duplicated (answer_shape.cpp, fill_gap). Seen in 102
// of 366 sessions of shape 5 (c, cpp, go, java, javascript, lua, python, rust, shellscript,
// typescript, typescriptreact).
TEST(AnswerTable, ElisionMarkerDoesNotDuplicateAClosingLine) {
  Case c;
  c.language = "javascript";
  c.doc =
      "function f(items) {\n"
      "  let total = 0;\n"
      "  for (const item of items) {\n"
      "    total += item.price;\n"
      "  }\n"
      "  return total;\n"
      "}\n";
  c.first_line = 0;
  c.line_count = 7;
  // Got: "  }" twice (the marker stands for lines 1-4, "  }" included).
  c.answer =
      "function f(items) {\n"
      "  // ... existing code ...\n"
      "  }\n"
      "  return total;\n"
      "}\n";
  expect_case(c, c.doc, false);
}

// Tabs for spaces in a region whose first line is not indented are written into the buffer as
// they stream (the streaming side decides the conversion from the first line alone,
// answer_shaper.cpp decide_indentation); the final fit converts them back. Seen in 327 of 480
// sessions of shape 3 (tabs): every top-level region, in all 11 languages that use spaces.
TEST(AnswerTable, TabsOfATopLevelRegionAreNotStreamedAsTabs) {
  Case c;
  c.language = "python";
  c.doc =
      "import os\n"
      "\n"
      "\n"
      "def f(items):\n"  // the region: lines 3-6
      "    for item in items:\n"
      "        print(item)\n"
      "    return len(items)\n";
  c.first_line = 3;
  c.line_count = 4;
  // Got: edits replacing "    " with "\t" on lines 4-6, then the reverse.
  c.answer = "def f(items):\n\tfor item in items:\n\t\tprint(item)\n\treturn len(items)\n";
  expect_case(c, c.doc, true);
}

// One method of a class answered alone is refused when its signature spans lines and its first
// line ends with neither "{" nor ")" (a C++ constructor with an initializer list): the header is
// not taken for a definition (answer_lines.cpp, is_definition_header), so the answer reads as
// statements of a region that is not one block. The session fails safely, the original stays.
// Seen on gtest-death-test.cc lines 1148-1174 (class ExecDeathTest, its constructor).
TEST(AnswerTable, OneMethodWithAMultiLineSignatureIsSpliced) {
  Case c;
  c.language = "cpp";
  c.doc =
      "class Cart {\n"
      " public:\n"
      "  Cart(const char* name,\n"
      "       int size)\n"
      "      : name_(name),\n"
      "        size_(size) {}\n"
      "  int size() const {\n"
      "    return size_;\n"
      "  }\n"
      "\n"
      " private:\n"
      "  const char* name_;\n"
      "  int size_;\n"
      "};\n";
  c.first_line = 0;
  c.line_count = 14;
  c.answer =
      "Cart(const char* name,\n"
      "     int size)\n"
      "    : name_(name),\n"
      "      size_(size_2) {}\n";
  std::string want = c.doc;
  want.replace(want.find("size_(size) {}"), 14, "size_(size_2) {}");
  // Got: failed, "it holds statements from inside the region, which is not one block".
  expect_case(c, want, false);
}

// Found against the same working tree: a verbatim answer in GNU style (a continuation line
// indented with tabs and spaces, "\t\t\t    const ...", in a file indented with spaces) is
// streamed with that line's tabs turned into spaces, and a whitespace-only line emptied; both
// are put back by the final fit, so the file ends right but edits were sent. Reduced from
// nettle's rsa-encrypt.c lines 58-69.
TEST(AnswerTable, VerbatimMixedTabAnswerStreamsNothing) {
  Case c;
  c.language = "c";
  c.doc =
      "void\n"
      "set_key(struct session *ctx,\n"
      "\t\t\t    const struct info *key)\n"
      "{\n"
      "  const uint8_t *aes_key = AES_KEY(key);\n"
      "  const uint8_t *iv = IV(key);\n"
      "  \n"
      "  set_encrypt_key(&ctx->aes, aes_key);\n"
      "  set_iv(&ctx->aes, iv);\n"
      "}\n";
  c.first_line = 0;
  c.line_count = 10;
  c.answer = region_of(c);
  // Got (token 1): "          const struct" written over line 2, "\n" for line 6, then both
  // put back: 4 edits.
  expect_case(c, c.doc, true);
}

// Found against the same working tree: tabs for spaces (one tab per level of a 2-space file) in
// a method that holds preprocessor lines at column 0 come out with the method's own header and
// closing brace at column 0 (the body is right). Reduced from gtest-death-test.cc lines
// 1161-1169 (shape 3, tabs).
TEST(AnswerTable, TabsAnswerBesideAColumnZeroLineKeepsTheRegionsLevel) {
  Case c;
  c.language = "cpp";
  c.doc =
      "class A {\n"
      " public:\n"
      "  void g() {\n"
      "    if (a) {\n"
      "      b();\n"
      "    }\n"
      "  }\n"
      "\n"
      " private:\n"
      "  static int f() {\n"
      "    int args = 1;\n"
      "#if X\n"
      "    args += 2;\n"
      "#endif\n"
      "    return args;\n"
      "  }\n"
      "};\n";
  c.first_line = 9;
  c.line_count = 7;
  c.answer =
      "\tstatic int f() {\n\t\tint args = 1;\n#if X\n\t\targs += 2;\n#endif\n\t\treturn "
      "args;\n\t}\n";
  // Got (that tree): "static int f() {" and "}" at column 0.
  expect_case(c, c.doc, false);
}

// Found against commit 58591bf (after the fixes for the cases above): trivial copied context
// below the region in GNU style, a blank line and the "int" of the next definition's return
// type, is written below the region while streaming and kept by the final fit (two lines
// duplicated). Reduced from nettle's rsa-keygen.c lines 61-75 (shape 4).
TEST(AnswerTable, TrivialCopiedContextBelowInGnuStyleIsDropped) {
  Case c;
  c.language = "c";
  c.doc =
      "static unsigned long\n"  // the region: lines 0-4
      "uint_arg (char c)\n"
      "{\n"
      "  return c;\n"
      "}\n"
      "\n"
      "int\n"
      "main(void)\n"
      "{\n"
      "  return 0;\n"
      "}\n";
  c.first_line = 0;
  c.line_count = 5;
  c.answer = region_of(c) + "\nint\n";
  // Got: "\nint\n" inserted below the region (1 edit) and left there.
  expect_case(c, c.doc, true);
}

// Found against commit 58591bf: an elision marker followed by the reproduced closing lines of
// the block it cuts and of the method ("    }" then "  }") ends with the method's own "  }"
// indented as the block's "    }". Reduced from jobs.ts lines 41-46 (shape 5); main.rs 44-50
// is the same.
TEST(AnswerTable, MarkerBeforeTwoClosingLinesKeepsTheirIndentation) {
  Case c;
  c.language = "typescript";
  c.doc =
      "class Jobs {\n"
      "  private forget(): void {\n"  // the region: lines 1-6
      "    const finished = this.all().filter((job) => !job.active);\n"
      "    for (const old of finished.slice(0, 10)) {\n"
      "      this.jobs.delete(old.jobId);\n"
      "    }\n"
      "  }\n"
      "}\n";
  c.first_line = 1;
  c.line_count = 6;
  c.answer =
      "  private forget(): void {\n"
      "    // ... existing code ...\n"
      "    }\n"
      "  }\n";
  // Got: the method's last line "  }" became "    }" (1 edit).
  expect_case(c, c.doc, true);
}

// Found against commit 7589d91: tabs for spaces are still streamed as tabs when the region's
// first indented line is a comment's continuation indented less than one level ("   input
// file ..." under "/* ..."): the style is learnt from that line, which shows none. The final
// fit converts them back. Reduced from gun.c lines 79-84 (shape 3); 36 of 480 tabs sessions.
TEST(AnswerTable, TabsAfterAShallowCommentLineAreNotStreamedAsTabs) {
  Case c;
  c.language = "c";
  c.doc =
      "#include <stdio.h>\n"
      "\n"
      "/* structure for in() -- it maintains the\n"  // the region: lines 2-7
      "   input file and a buffer */\n"
      "struct ind {\n"
      "    int infile;\n"
      "    unsigned char *inbuf;\n"
      "};\n"
      "\n"
      "int main(void) {\n"
      "    if (a) {\n"
      "        return 1;\n"
      "    }\n"
      "    return 0;\n"
      "}\n";
  c.first_line = 2;
  c.line_count = 6;
  c.answer =
      "/* structure for in() -- it maintains the\n"
      "   input file and a buffer */\n"
      "struct ind {\n"
      "\tint infile;\n"
      "\tunsigned char *inbuf;\n"
      "};\n";
  // Got: "\tint in..." written over line 5, then put back (2 edits).
  expect_case(c, c.doc, true);
}

// Found against the uncommitted working tree of 2026-12-06 ~12:00 (answer_shape.cpp being
// reworked in parallel): one method of a class answered alone, when the class holds a line at
// column 0 ("#endif" inside a method), lands at the region's level and is taken for a rewrite
// of the whole region: the session ends done with the class replaced by that one constructor.
// Reduced from gtest-death-test.cc lines 1148-1174 (class ExecDeathTest).
TEST(AnswerTable, OneMethodAnsweredAloneKeepsTheRestOfTheClass) {
  Case c;
  c.language = "cpp";
  c.doc =
      "class ExecDeathTest : public ForkingDeathTest {\n"
      " public:\n"
      "  ExecDeathTest(const char* a_statement, Matcher<const std::string&> matcher,\n"
      "                const char* file, int line)\n"
      "      : ForkingDeathTest(a_statement, std::move(matcher)),\n"
      "        file_(file),\n"
      "        line_(line) {}\n"
      " private:\n"
      "    ::std::vector<std::string> extra_args =\n"
      "        GTEST_EXTRA_DEATH_TEST_COMMAND_LINE_ARGS_();\n"
      "#endif  // defined(GTEST_EXTRA_DEATH_TEST_COMMAND_LINE_ARGS_)\n"
      "    return args;\n"
      "};\n";
  c.first_line = 0;
  c.line_count = 13;
  c.answer =
      "ExecDeathTest(const char* a_statement, Matcher<const std::string&> matcher,\n"
      "              const char* file, int line)\n"
      "    : ForkingDeathTest(a_statement, std::move(matcher_2)),\n"
      "      file_(file),\n"
      "      line_(line) {}\n";
  std::string want = c.doc;
  want.replace(want.find("std::move(matcher)"), 18, "std::move(matcher_2)");
  // Got (that tree): done, the document is only the constructor ("class ExecDeathTest", the
  // other members and "};" are gone), its lines re-indented. Committed HEAD refuses instead.
  expect_case(c, want, false);
}

// Found against the same working tree: one method answered alone and spliced into its class
// keeps its header's indentation but not its body's, when another method of the class holds a
// preprocessor line at column 0.
TEST(AnswerTable, SplicedMethodKeepsItsBodysIndentation) {
  Case c;
  c.language = "cpp";
  c.doc =
      "class Cart {\n"
      " public:\n"
      "  int size() const {\n"
      "    return size_;\n"
      "  }\n"
      "  int count() const {\n"
      "#if CHECKED\n"
      "    check();\n"
      "#endif\n"
      "    return count_;\n"
      "  }\n"
      "};\n";
  c.first_line = 0;
  c.line_count = 12;
  c.answer = "int size() const {\n  return size_ + 0;\n}\n";
  std::string want = c.doc;
  want.replace(want.find("return size_;"), 13, "return size_ + 0;");
  // Got (that tree): "      return size_ + 0;" (6 columns instead of 4).
  expect_case(c, want, false);
}

// An elision marker followed by lines that repeat earlier lines of the region is refused as
// ambiguous although the lines after the marker match only one stretch of the original as a
// block: the alignment counts anchors only, and anchoring the repeated line early ties with
// anchoring it where the block continues (answer_shape.cpp, align/fill_markers). The session
// fails safely (the original stays), so this may be a limitation by design. Seen on
// tempfile.py 253-268, treesitter.lua 17-28 and jobs.ts 80-116 (9 sessions).
TEST(AnswerTable, MarkerBeforeARepeatedLineIsPlacedByTheBlockAfterIt) {
  Case c;
  c.language = "python";
  c.doc =
      "def params(prefix, dir):\n"
      "    if prefix is None:\n"
      "        if kind is str:\n"
      "            prefix = template\n"
      "        else:\n"
      "            prefix = encode(template)\n"
      "    if dir is None:\n"
      "        if kind is str:\n"
      "            dir = gettempdir()\n"
      "        else:\n"
      "            dir = gettempdirb()\n"
      "    return prefix, dir\n";
  c.first_line = 0;
  c.line_count = 12;
  // Got: failed, "the code its elision marker leaves out could be either of two stretches".
  c.answer =
      "def params(prefix, dir):\n"
      "    # ... existing code ...\n"
      "        if kind is str:\n"
      "            dir = gettempdir()\n"
      "        else:\n"
      "            dir = gettempdirb()\n"
      "    return prefix, dir\n";
  expect_case(c, c.doc, true);
}

}  // namespace
}  // namespace flint
