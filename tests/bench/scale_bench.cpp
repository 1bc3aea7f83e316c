// How flint scales with many and big documents (issue 16), beside the goals:
//   a. initialize time (spawn -> answer) and idle RSS, over 20 fresh processes;
//   b. RSS with 200 open Python files of ~26 KB (real standard-library code);
//   c. a 20,000-line Python file: didOpen -> the first codeAction's answer, and RSS added;
//   d. in that file, 200 one-character didChanges each followed at once by a codeAction at the
//      cursor: keystroke -> answer p50 / p99 / max, and which keystrokes were slowest;
//   e. a 6 MB JSON file: didOpen -> the first codeAction's answer, and RSS added.
// Real flint-lsp processes over pipes. codeAction answers without a model (its presets are
// fixed), so it measures how long the event loop takes to get to a request.
//
// Run: scripts/bench scale   (or build/release/bench/scale_bench [--flint PATH]...)
// Each --flint adds a column, so an old and a new binary are compared in one run.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "protocol/framing.h"
#include "tests/bench/scale_corpus.h"
#include "tests/support/editor_client.h"

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  size_t i =
      std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  return v[i];
}

// VmRSS of one process in MiB (0 when unreadable). flint-lsp runs no child processes here.
double rss_mib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

flint::test::EditorOptions options_for(const std::string& program) {
  flint::test::EditorOptions options;
  options.program = program;
  // flint-lsp logs at debug level under EditorClient; a user's server does not.
  options.args = {"--log-level", "warn"};
  return options;
}

// A didOpen framed beforehand: dumping megabytes of JSON is the client's cost, not flint's.
std::string did_open_frame(const std::string& uri, const std::string& language,
                           const std::string& text) {
  json message{{"jsonrpc", "2.0"},
               {"method", "textDocument/didOpen"},
               {"params",
                {{"textDocument",
                  {{"uri", uri}, {"languageId", language}, {"version", 1}, {"text", text}}}}}};
  return flint::protocol::encode_frame(message.dump());
}

json code_action_params(const std::string& uri, int line, int character) {
  return {{"textDocument", {{"uri", uri}}},
          {"range", flint::test::lsp_range(line, character, line, character)},
          {"context", {{"diagnostics", json::array()}}}};
}

// Sends a codeAction and serves messages until its answer; false (and a note) on an error.
bool code_action(flint::test::EditorClient& editor, const std::string& uri, int line,
                 int character) {
  int64_t id =
      editor.send_request("textDocument/codeAction", code_action_params(uri, line, character));
  auto answer = editor.wait_response(id, std::chrono::seconds(120));
  if (!answer || !answer->contains("result")) {
    std::fprintf(stderr, "codeAction %s:%d:%d failed: %s\n", uri.c_str(), line, character,
                 answer ? answer->dump().c_str() : "no answer");
    return false;
  }
  return true;
}

// Where a keystroke can land in a function: the end of a line of its body (not in its
// docstring) that ends in an identifier, so letters typed there extend that identifier and
// the code stays valid. ASCII lines only: characters are then bytes.
struct Site {
  int line;
  int character;
};

std::vector<Site> function_sites(const std::string& text) {
  std::vector<std::string> lines;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  auto indent = [](const std::string& l) { return l.find_first_not_of(' '); };
  auto triple_quotes = [](const std::string& l) {
    int n = 0;
    for (const char* q : {"\"\"\"", "'''"}) {
      for (size_t p = l.find(q); p != std::string::npos; p = l.find(q, p + 3)) ++n;
    }
    return n;
  };
  std::vector<Site> sites;
  for (size_t i = 0; i < lines.size(); ++i) {
    size_t def_indent = indent(lines[i]);
    if (def_indent == std::string::npos) continue;
    std::string_view head = std::string_view(lines[i]).substr(def_indent);
    if (head.rfind("def ", 0) != 0 && head.rfind("async def ", 0) != 0) continue;
    size_t j = i;  // the signature may span lines
    while (j < lines.size() && j < i + 10 && (lines[j].empty() || lines[j].back() != ':')) ++j;
    bool in_string = false;
    for (size_t k = j + 1; k < lines.size() && k < j + 30; ++k) {
      const std::string& l = lines[k];
      size_t ind = indent(l);
      if (ind == std::string::npos) continue;
      if (!in_string && ind <= def_indent) break;  // the function ended
      if (int q = triple_quotes(l); q > 0) {
        if (q % 2 == 1) in_string = !in_string;
        continue;
      }
      if (in_string) continue;
      bool plain = std::all_of(l.begin(), l.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x80 && c != '#' && c != '"' && c != '\'' &&
               c != '\\';
      });
      char last = l.back();
      if (plain && std::isalpha(static_cast<unsigned char>(l[ind])) &&
          (std::isalnum(static_cast<unsigned char>(last)) || last == '_')) {
        sites.push_back({static_cast<int>(k), static_cast<int>(l.size())});
        break;
      }
    }
  }
  return sites;
}

struct Figures {
  double init_ms = 0, idle_rss = 0;
  double many_open_ms = 0, many_rss = 0, many_rss_settled = 0;
  double big_open_ms = 0, big_rss_added = 0, big_rss_added_settled = 0;
  double keys_open_ms = 0;
  std::vector<double> key_ms;
  std::vector<int> key_line;  // 0-based line of each keystroke
  double json_open_ms = 0, json_rss_added = 0, json_rss_added_settled = 0;
  std::vector<std::pair<std::string, double>> part_seconds;
};

struct Corpus {
  std::vector<std::string> python_files;
  std::string big_python;
  std::vector<Site> sites;
  std::string big_json;
};

// a. Initialize and idle memory, each in a fresh process.
void measure_initialize(const std::string& program, Figures& f) {
  std::vector<double> init, rss;
  for (int i = 0; i < 20; ++i) {
    auto start = Clock::now();
    flint::test::EditorClient editor(options_for(program));
    init.push_back(ms(Clock::now() - start));
    // Answered after `initialized` was handled: the server is idle then.
    editor.request("flint/jobs", json::object());
    rss.push_back(rss_mib(editor.pid()));
    editor.shutdown();
  }
  f.init_ms = percentile(init, 0.5);
  f.idle_rss = percentile(rss, 0.5);
}

// b. 200 Python files open at once.
void measure_many_files(const std::string& program, const Corpus& corpus, Figures& f) {
  std::vector<std::string> frames;
  std::string last_uri;
  for (size_t i = 0; i < corpus.python_files.size(); ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "file:///work/scale/module_%03zu.py", i);
    last_uri = name;
    frames.push_back(did_open_frame(last_uri, "python", corpus.python_files[i]));
  }
  flint::test::EditorClient editor(options_for(program));
  auto start = Clock::now();
  for (const std::string& frame : frames) editor.process().send_raw(frame);
  code_action(editor, last_uri, 1, 0);
  f.many_open_ms = ms(Clock::now() - start);
  f.many_rss = rss_mib(editor.pid());
  editor.serve_for(std::chrono::seconds(1));
  f.many_rss_settled = rss_mib(editor.pid());
  editor.shutdown();
}

// Opens a small document of the language first and lets its queries compile (in the
// background, once per language), so that what follows is the big file's own cost.
void warm_up(flint::test::EditorClient& editor, const std::string& uri, const std::string& language,
             const std::string& text) {
  editor.open(uri, language, text);
  code_action(editor, uri, 0, 0);
  editor.serve_for(std::chrono::milliseconds(300));
}

// Opens `text` and asks for a codeAction at (line, character) at once; returns the time from
// the didOpen to the answer.
double open_and_ask(flint::test::EditorClient& editor, const std::string& uri,
                    const std::string& language, const std::string& text, int line, int character) {
  std::string frame = did_open_frame(uri, language, text);
  auto start = Clock::now();
  editor.process().send_raw(frame);
  code_action(editor, uri, line, character);
  return ms(Clock::now() - start);
}

const char* kBigUri = "file:///work/scale/big_module.py";

Site middle_site(const Corpus& corpus) {
  int middle =
      static_cast<int>(std::count(corpus.big_python.begin(), corpus.big_python.end(), '\n') / 2);
  return *std::min_element(corpus.sites.begin(), corpus.sites.end(),
                           [middle](const Site& a, const Site& b) {
                             return std::abs(a.line - middle) < std::abs(b.line - middle);
                           });
}

// c. The 20,000-line file: first answer and memory, in a process of its own.
void measure_big_python(const std::string& program, const Corpus& corpus, Figures& f) {
  flint::test::EditorClient editor(options_for(program));
  warm_up(editor, "file:///work/scale/small.py", "python", "def f():\n    return 1\n");
  double before = rss_mib(editor.pid());
  Site site = middle_site(corpus);
  f.big_open_ms =
      open_and_ask(editor, kBigUri, "python", corpus.big_python, site.line, site.character);
  f.big_rss_added = rss_mib(editor.pid()) - before;
  editor.serve_for(std::chrono::seconds(1));
  f.big_rss_added_settled = rss_mib(editor.pid()) - before;
  editor.shutdown();
}

// d. Typing in the 20,000-line file right after opening it: 20 functions spread over the
// file, 10 keystrokes in each (a letter, a backspace at the 4th and 8th).
void measure_keystrokes(const std::string& program, const Corpus& corpus, Figures& f) {
  flint::test::EditorClient editor(options_for(program));
  warm_up(editor, "file:///work/scale/small.py", "python", "def f():\n    return 1\n");
  Site first = middle_site(corpus);
  f.keys_open_ms =
      open_and_ask(editor, kBigUri, "python", corpus.big_python, first.line, first.character);
  const int functions = 20, per_function = 10;
  int64_t version = 1;
  Site at{};
  for (int k = 0; k < functions * per_function; ++k) {
    if (k % per_function == 0) {
      size_t n = corpus.sites.size();
      at = corpus.sites[(static_cast<size_t>(k / per_function) * n + n / 2) / functions];
    }
    bool erase = k % per_function == 3 || k % per_function == 7;
    json change;
    if (erase) {
      change = {{"range", flint::test::lsp_range(at.line, at.character - 1, at.line, at.character)},
                {"text", ""}};
      --at.character;
    } else {
      change = {{"range", flint::test::lsp_range(at.line, at.character, at.line, at.character)},
                {"text", std::string(1, static_cast<char>('a' + k % 26))}};
      ++at.character;
    }
    // Sent directly, not through EditorClient::type: the client would copy and rescan its
    // own megabyte of text first, which is no part of flint's time.
    json params{{"textDocument", {{"uri", kBigUri}, {"version", ++version}}},
                {"contentChanges", json::array({change})}};
    auto start = Clock::now();
    editor.notify("textDocument/didChange", params);
    code_action(editor, kBigUri, at.line, at.character);
    f.key_ms.push_back(ms(Clock::now() - start));
    f.key_line.push_back(at.line);
  }
  editor.shutdown();
}

// e. The 6 MB JSON file.
void measure_big_json(const std::string& program, const Corpus& corpus, Figures& f) {
  flint::test::EditorClient editor(options_for(program));
  warm_up(editor, "file:///work/scale/small.json", "json", "{\"a\": [1, 2]}\n");
  double before = rss_mib(editor.pid());
  int middle =
      static_cast<int>(std::count(corpus.big_json.begin(), corpus.big_json.end(), '\n') / 2);
  f.json_open_ms =
      open_and_ask(editor, "file:///work/scale/records.json", "json", corpus.big_json, middle, 0);
  f.json_rss_added = rss_mib(editor.pid()) - before;
  editor.serve_for(std::chrono::seconds(1));
  f.json_rss_added_settled = rss_mib(editor.pid()) - before;
  editor.shutdown();
}

Figures measure(const std::string& program, const Corpus& corpus) {
  Figures f;
  auto part = [&](const char* name, const std::function<void()>& run) {
    auto start = Clock::now();
    run();
    f.part_seconds.emplace_back(name, ms(Clock::now() - start) / 1000.0);
  };
  part("a", [&] { measure_initialize(program, f); });
  part("b", [&] { measure_many_files(program, corpus, f); });
  part("c", [&] { measure_big_python(program, corpus, f); });
  part("d", [&] { measure_keystrokes(program, corpus, f); });
  part("e", [&] { measure_big_json(program, corpus, f); });
  return f;
}

struct Row {
  const char* what;
  const char* goal;
  double limit;  // the goal as a ceiling; 0: none
  std::function<double(const Figures&)> value;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> programs;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--flint") == 0 && i + 1 < argc) {
      programs.push_back(argv[++i]);
    } else if (std::strncmp(argv[i], "--benchmark_", 12) == 0) {
      continue;  // scripts/bench passes Google Benchmark's flags to every bench
    } else {
      std::fprintf(stderr,
                   "usage: scale_bench [--flint PATH]...\n"
                   "  each --flint measures that flint-lsp (one column each); default: %s\n",
                   FLINT_LSP);
      return 2;
    }
  }
  if (programs.empty()) programs.push_back(FLINT_LSP);

  auto corpus_start = Clock::now();
  Corpus corpus;
  corpus.python_files = flint::bench::python_files(200, 26000);
  corpus.big_python = flint::bench::big_python_file(20000);
  corpus.sites = function_sites(corpus.big_python);
  corpus.big_json = flint::bench::big_json_file(6 * 1024 * 1024);
  size_t many_bytes = 0;
  for (const std::string& file : corpus.python_files) many_bytes += file.size();
  std::printf(
      "corpus: %zu Python files, %.1f MiB in all; %zu-byte Python file of 20,000 lines, %zu "
      "functions to type in; %.1f MiB of JSON (%.1f s to build)\n",
      corpus.python_files.size(), static_cast<double>(many_bytes) / 1048576.0,
      corpus.big_python.size(), corpus.sites.size(),
      static_cast<double>(corpus.big_json.size()) / 1048576.0,
      ms(Clock::now() - corpus_start) / 1000.0);

  std::vector<Figures> figures;
  for (const std::string& program : programs) {
    std::fprintf(stderr, "measuring %s ...\n", program.c_str());
    try {
      figures.push_back(measure(program, corpus));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: %s\n", program.c_str(), e.what());
      return 1;
    }
  }

  const std::vector<Row> rows = {
      {"a. initialize, spawn -> answer, p50 of 20 (ms)", "<= 10 ms", 10,
       [](const Figures& f) { return f.init_ms; }},
      {"a. idle RSS after initialize, p50 (MiB)", "<= 15 MB", 15 * 1e6 / 1048576.0,
       [](const Figures& f) { return f.idle_rss; }},
      {"b. 200 Python files: first didOpen -> answer (ms)", "", 0,
       [](const Figures& f) { return f.many_open_ms; }},
      {"b. 200 Python files: RSS at the answer (MiB)", "<= 40 MiB", 40,
       [](const Figures& f) { return f.many_rss; }},
      {"b. 200 Python files: RSS 1 s later (MiB)", "<= 40 MiB", 40,
       [](const Figures& f) { return f.many_rss_settled; }},
      {"c. 20,000 lines: didOpen -> 1st codeAction (ms)", "<= 60 ms", 60,
       [](const Figures& f) { return f.big_open_ms; }},
      {"c. 20,000 lines: RSS added at the answer (MiB)", "", 0,
       [](const Figures& f) { return f.big_rss_added; }},
      {"c. 20,000 lines: RSS added 1 s later (MiB)", "", 0,
       [](const Figures& f) { return f.big_rss_added_settled; }},
      {"d. keystroke -> codeAction p50 (ms)", "", 0,
       [](const Figures& f) { return percentile(f.key_ms, 0.5); }},
      {"d. keystroke -> codeAction p99 (ms)", "<= 2 ms", 2,
       [](const Figures& f) { return percentile(f.key_ms, 0.99); }},
      {"d. keystroke -> codeAction max (ms)", "", 0,
       [](const Figures& f) { return percentile(f.key_ms, 1.0); }},
      {"e. 6 MB JSON: didOpen -> 1st codeAction (ms)", "<= 150 ms", 150,
       [](const Figures& f) { return f.json_open_ms; }},
      {"e. 6 MB JSON: RSS added at the answer (MiB)", "<= 50 MiB", 50,
       [](const Figures& f) { return f.json_rss_added; }},
      {"e. 6 MB JSON: RSS added 1 s later (MiB)", "<= 50 MiB", 50,
       [](const Figures& f) { return f.json_rss_added_settled; }},
  };

  std::printf("\n%-52s %-10s", "measure", "goal");
  for (size_t i = 0; i < programs.size(); ++i) std::printf(" %11c", static_cast<char>('A' + i));
  std::printf("\n");
  for (const Row& row : rows) {
    std::printf("%-52s %-10s", row.what, row.goal);
    for (const Figures& f : figures) {
      double v = row.value(f);
      bool missed = row.limit > 0 && v > row.limit;
      std::printf(" %10.1f%c", v, missed ? '*' : ' ');
    }
    std::printf("\n");
  }
  std::printf("* misses the goal\n");
  for (size_t i = 0; i < programs.size(); ++i) {
    const Figures& f = figures[i];
    std::printf("\n%c = %s\n", static_cast<char>('A' + i), programs[i].c_str());
    std::printf(
        "  keys: %zu keystrokes, moving to another function every 10 (at #0, #10, ...); "
        "didOpen -> 1st answer before them %.1f ms\n",
        f.key_ms.size(), f.keys_open_ms);
    std::vector<size_t> order(f.key_ms.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::sort(order.begin(), order.end(),
              [&](size_t x, size_t y) { return f.key_ms[x] > f.key_ms[y]; });
    order.resize(std::min<size_t>(10, order.size()));
    std::sort(order.begin(), order.end());
    std::printf(
        "  10 slowest keystrokes: #index from 0 (document version = index + 2), line from 1\n   ");
    for (size_t k : order)
      std::printf(" #%zu (line %d) %.2f ms", k, f.key_line[k] + 1, f.key_ms[k]);
    // Where the time goes by place rather than by order: one line per function typed in.
    std::printf("\n  median per function (line from 1: ms):");
    for (size_t k = 0; k < f.key_ms.size(); k += 10) {
      std::vector<double> group(
          f.key_ms.begin() + static_cast<std::ptrdiff_t>(k),
          f.key_ms.begin() + static_cast<std::ptrdiff_t>(std::min(k + 10, f.key_ms.size())));
      std::printf("%s %d: %.1f", k % 100 == 0 ? "\n   " : "", f.key_line[k] + 1,
                  percentile(group, 0.5));
    }
    std::printf("\n  time per part (s):");
    for (const auto& [name, seconds] : f.part_seconds)
      std::printf(" %s %.1f", name.c_str(), seconds);
    std::printf("\n");
  }
  return 0;
}
