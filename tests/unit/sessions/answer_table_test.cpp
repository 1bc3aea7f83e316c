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
// FLINT_ANSWER_TABLE_DUMP=<dir> writes each failing case (document, region, answer) there.

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
#include <vector>

#include "parsers/language_registry.h"
#include "parsers/scope.h"
#include "parsers/syntax_tree.h"
#include "parsers/text_input.h"
#include "server/edit_prompt.h"
#include "server/edit_session.h"
#include "server/reasoning_filter.h"
#include "tests/unit/sessions/answer_shapes.h"
#include "tests/unit/sessions/session_rig.h"

namespace flint {
namespace {

namespace fs = std::filesystem;
namespace sh = testing::shapes;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using testing::ReportStyle;
using testing::RigOptions;
using testing::SessionRig;
using testing::VirtualLoop;

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
        {"/usr/share/doc/nettle-dev/examples", ".c", 2}},
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
         "",
         1}},
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
  // A class with at least two methods, for the one-method shape, if the spread missed one.
  bool have_class = std::any_of(regions.begin(), regions.end(),
                                [](const Region& r) { return r.methods.size() >= 2; });
  if (!have_class) {
    for (const parsers::Scope* s : candidates) {
      Region r = to_region(*s);
      if (r.methods.size() >= 2) {
        regions.push_back(std::move(r));
        break;
      }
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
  kChanged,    // done, the file as expected, every edit within `changed_rows`
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
  out.push_back(keep("1 fenced",
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
  if (f.language != "go" && !indent.tabs && any_spaces) {
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
  out.push_back({"6 one line + think", std::string(kThink) + body, Outcome::kChanged, expected, row});
  bool first_indented = !t.lines.empty() && !sh::indent_of(t.lines.front()).empty();
  std::optional<std::string> prefix = sh::common_indent(t.lines);
  if (first_indented && prefix && !prefix->empty()) {
    out.push_back({"6 one line + dedented", sh::join(sh::dedent(changed, *prefix)),
                   Outcome::kChanged, expected, row});
  }
  if (!t.above.empty() || !t.below.empty()) {
    out.push_back({"6 one line + context", copied_context(t, body, index), Outcome::kChanged,
                   expected, row});
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
    std::string code = escalation.feed(text);
    if (escalation.state() == EscalationDetector::State::Escalated) {
      escalated = true;
      return;
    }
    if (!code.empty()) rig.session->on_model_text(code);
  }
  void text(std::string_view delta) {
    if (escalated) return;
    std::string visible = reasoning.feed(delta);
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
  return s == ReportStyle::kExact ? "exact" : (s == ReportStyle::kLineDiff ? "linediff" : "wholelines");
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
      return "line " + std::to_string(i + 1) + ": want \"" + excerpt(x) + "\" got \"" +
             excerpt(y) + "\" (" + std::to_string(a.size()) + " vs " + std::to_string(b.size()) +
             " lines)";
    }
  }
  return "final newline differs (" + std::to_string(want.size()) + " vs " +
         std::to_string(got.size()) + " bytes)";
}

struct Failure {
  std::string shape;
  std::string check;
  std::string where;   // language, file, region, tokenization
  std::string detail;  // what was wrong
};

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

void dump_case(const SourceFile& f, const Region& r, const Answer& a, size_t token,
               size_t number) {
  const char* dir = std::getenv("FLINT_ANSWER_TABLE_DUMP");
  if (dir == nullptr) return;
  fs::create_directories(dir);
  std::string base = std::string(dir) + "/case" + std::to_string(number);
  std::ofstream(base + ".doc", std::ios::binary) << f.text;
  std::ofstream(base + ".answer", std::ios::binary) << a.text;
  std::ofstream(base + ".txt") << f.language << " " << f.path << " first_line " << r.first_line
                               << " line_count " << r.line_count << " token " << token
                               << " shape " << a.shape << "\n";
}

void run_answer(const SourceFile& f, const Region& r, const Answer& a, Table& table) {
  ++table.answers[a.shape];
  for (size_t token : kTokenSizes) {
    ++table.sessions[a.shape];
    ++totals().sessions[a.shape];
    RigOptions options;
    options.style = style_for(token);
    options.session.language = f.language;
    SessionRig rig(f.text, r.first_line, r.line_count, options);
    Glue glue(rig);
    VirtualLoop::TimePoint when = VirtualLoop::TimePoint{} + milliseconds(1);
    for (size_t i = 0; i < a.text.size(); i += token) {
      rig.loop.at(when, [&glue, piece = a.text.substr(i, token)] { glue.text(piece); });
      when += microseconds(150);
    }
    rig.loop.at(when, [&glue] { glue.done(); });
    rig.loop.run();

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
      problems.emplace_back("server and editor disagree", first_difference(text, rig.server_doc().text()));
    }
    const std::string& want = a.outcome == Outcome::kChanged ? a.expected : f.text;
    SessionState want_state = a.outcome == Outcome::kFailed ? SessionState::kFailed : SessionState::kDone;
    if (state != want_state) {
      problems.emplace_back("state", "want " + std::string(to_string(want_state)) + ", got " + got_state);
    }
    if (text != want) {
      problems.emplace_back("file", first_difference(want, text) + "; state " + got_state +
                                        ", " + std::to_string(rig.edits.size()) + " edits sent");
    }
    if (a.outcome != Outcome::kChanged && !rig.edits.empty()) {
      const TextReplacement& first = rig.edits.front().replacements.front();
      problems.emplace_back(
          "edits sent", std::to_string(rig.edits.size()) + " edits, the first replaces rows " +
                            std::to_string(first.start.row + 1) + ":" +
                            std::to_string(first.start.column) + "-" +
                            std::to_string(first.end.row + 1) + ":" +
                            std::to_string(first.end.column) + " with \"" + excerpt(first.text) +
                            "\"; state " + got_state);
    }
    if (a.outcome == Outcome::kChanged) {
      for (const LineEdit& e : rig.edits) {
        const TextReplacement* bad = nullptr;
        for (const TextReplacement& x : e.replacements) {
          bool starts_in = x.start.row == a.changed_row;
          bool ends_in = x.end.row == a.changed_row || (x.end.row == a.changed_row + 1 && x.end.column == 0);
          if (!starts_in || !ends_in) {
            bad = &x;
            break;
          }
        }
        if (bad != nullptr) {
          problems.emplace_back(
              "edit outside the changed line",
              "changed line " + std::to_string(a.changed_row + 1) + ", an edit replaces " +
                  std::to_string(bad->start.row + 1) + ":" + std::to_string(bad->start.column) +
                  "-" + std::to_string(bad->end.row + 1) + ":" + std::to_string(bad->end.column) +
                  " with \"" + excerpt(bad->text) + "\" (" + std::to_string(rig.edits.size()) +
                  " edits in all)");
          break;
        }
      }
    }
    for (auto& [check, detail] : problems) {
      table.failures.push_back({a.shape, check, where.str(), detail});
      dump_case(f, r, a, token, totals().failures.size() + table.failures.size());
    }
  }
}

// Prints the table's failures, grouped by shape and check, a few examples each; returns the
// text for the assertion message.
std::string describe_failures(const Table& table) {
  std::map<std::pair<std::string, std::string>, std::vector<const Failure*>> groups;
  for (const Failure& f : table.failures) groups[{f.shape, f.check}].push_back(&f);
  std::ostringstream out;
  for (const auto& [key, list] : groups) {
    std::map<std::string, size_t> per_language;
    for (const Failure* f : list) ++per_language[f->where.substr(0, f->where.find(' '))];
    out << "\n[" << key.first << "] " << key.second << ": " << list.size() << " session(s) (";
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
  all.regions = std::max(all.regions, table.regions);
  std::cout << "[answer table] " << name << ":";
  for (const auto& [shape, n] : table.answers) {
    std::cout << " [" << shape << "] " << n << " answers";
    auto s = table.skipped.find(shape);
    if (s != table.skipped.end()) std::cout << " (" << s->second << " regions skipped)";
    std::cout << ";";
  }
  std::cout << " " << table.failures.size() << " failing sessions\n";
  EXPECT_TRUE(table.failures.empty()) << table.failures.size() << " failing sessions of "
                                      << [&] {
                                           size_t n = 0;
                                           for (const auto& [s, k] : table.sessions) n += k;
                                           return n;
                                         }() << ":" << describe_failures(table);
}

// Runs `answers_of` for every region of every file.
template <typename AnswersOf>
void run_table(const char* name, AnswersOf answers_of) {
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
  run_table("shape 7 (one method)", [](const SourceFile& f, const Region& r, size_t,
                                       std::map<std::string, size_t>& skipped) {
    std::vector<Answer> out;
    if (r.methods.size() < 2) return out;
    if (std::optional<Answer> a = one_method_answer(f, r)) {
      out.push_back(std::move(*a));
    } else {
      ++skipped["7 one method"];
    }
    return out;
  });
}

TEST(AnswerTable, AnswersWithoutCodeFailAndSendNothing) {
  run_table("shape 8 (no code)", [](const SourceFile&, const Region&, size_t,
                                    std::map<std::string, size_t>&) { return negative_answers(); });
}

}  // namespace
}  // namespace flint
