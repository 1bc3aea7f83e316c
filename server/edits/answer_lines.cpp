#include "server/edits/answer_lines.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <unordered_map>

namespace flint::answer {
namespace {

bool blank_char(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}
bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
}
bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The first two words of a line: enough to tell that a rewritten line is still "the same" line
// ("def total(" / "def total(self, items)").
std::string head_words(std::string_view line) {
  std::string_view k = key(line);
  std::string out;
  int words = 0;
  size_t i = 0;
  while (i < k.size() && words < 2) {
    while (i < k.size() && !word_char(k[i])) ++i;
    size_t start = i;
    while (i < k.size() && word_char(k[i])) ++i;
    if (i > start) {
      out.append(k.substr(start, i - start));
      out.push_back(' ');
      ++words;
    }
  }
  return words == 2 ? out : std::string();
}

}  // namespace

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t at = 0;
  while (at < text.size()) {
    size_t newline = text.find('\n', at);
    size_t end = newline == std::string_view::npos ? text.size() : newline;
    std::string_view line = text.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    at = newline == std::string_view::npos ? text.size() : newline + 1;
  }
  return lines;
}

std::string_view key(std::string_view line) {
  while (!line.empty() && blank_char(line.front())) line.remove_prefix(1);
  while (!line.empty() && blank_char(line.back())) line.remove_suffix(1);
  return line;
}

bool is_blank(std::string_view line) {
  return key(line).empty();
}

bool is_trivial(std::string_view line) {
  std::string_view k = key(line);
  if (k.size() <= 3) return true;
  return std::none_of(k.begin(), k.end(),
                      [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

bool is_rewrite_of(std::string_view line, std::string_view original) {
  std::string_view l = key(line);
  std::string_view o = key(original);
  if (o.empty()) return false;
  size_t n = std::min(l.size(), o.size());
  size_t shared = 0;
  while (shared < n && l[shared] == o[shared]) ++shared;
  return (shared >= 3 && 2 * shared >= o.size()) || shared == o.size();
}

// --- indentation ---

std::string_view indent_of(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) ++n;
  return line.substr(0, n);
}

int indent_columns(std::string_view line) {
  int columns = 0;
  for (char c : indent_of(line)) columns += c == '\t' ? kTabColumns : 1;
  return columns;
}

namespace {

// A line after which the next one is a level deeper: one that opens a block ("{", ":", Lua's
// "then"/"do", a function header), as opposed to one continued on the next line ("(", ",",
// "=": Google style indents those by 4 in a 2-space file).
bool opens_block(std::string_view line) {
  std::string_view k = key(line);
  if (k.empty()) return false;
  char last = k.back();
  if (last == '{' || last == ':') return true;
  for (std::string_view word : {"then", "do", "else", "begin", "in"}) {
    if (k.size() > word.size() && k.substr(k.size() - word.size()) == word &&
        !word_char(k[k.size() - word.size() - 1])) {
      return true;
    }
  }
  return starts_with(k, "function") || starts_with(k, "local function");
}

int usual_width(const std::map<int, int>& steps) {
  // The usual widths first (an aligned continuation line makes odd steps alone).
  int best = 0;
  int best_count = 0;
  for (int width : {2, 4, 8, 3}) {
    auto it = steps.find(width);
    if (it != steps.end() && it->second > best_count) {
      best = width;
      best_count = it->second;
    }
  }
  return best;
}

}  // namespace

IndentStyle detect_indent_style(const std::vector<std::string_view>& lines) {
  IndentStyle style;
  int tab_lines = 0;
  int space_lines = 0;
  std::map<int, int> block_steps;  // increase after a line that opens a block -> count
  std::map<int, int> steps;        // any increase from one line to the next -> count
  int previous = -1;
  std::string_view previous_line;
  for (std::string_view line : lines) {
    if (is_blank(line)) continue;
    // Preprocessor lines sit at column 0 whatever the nesting: no step to or from them.
    if (line.front() == '#') continue;
    std::string_view indent = indent_of(line);
    // A few spaces of alignment (a block comment's " * ", its continuation's "   ") say
    // nothing of whether the code is indented with tabs or spaces.
    if (!indent.empty()) {
      if (indent.front() == '\t') {
        ++tab_lines;
      } else if (indent.size() % 2 == 0) {
        ++space_lines;
      }
    }
    int columns = indent_columns(line);
    if (previous >= 0 && columns > previous && indent.find('\t') == std::string_view::npos) {
      ++steps[columns - previous];
      if (opens_block(previous_line)) ++block_steps[columns - previous];
    }
    previous = columns;
    previous_line = line;
  }
  style.tabs = tab_lines > space_lines;
  if (style.tabs) {
    style.width = kTabColumns;
    return style;
  }
  style.width = usual_width(block_steps);
  if (style.width == 0) style.width = usual_width(steps);
  return style;
}

IndentStyle region_indent_style(const std::vector<std::string_view>& region,
                                const std::vector<std::string_view>& above,
                                const std::vector<std::string_view>& below) {
  IndentStyle own = detect_indent_style(region);
  bool indented = std::any_of(region.begin(), region.end(),
                              [](std::string_view l) { return !indent_of(l).empty(); });
  if (own.width != 0 && (own.tabs || indented)) return own;
  std::vector<std::string_view> around;
  size_t take = std::min<size_t>(above.size(), 200);
  around.insert(around.end(), above.end() - static_cast<std::ptrdiff_t>(take), above.end());
  around.insert(around.end(), region.begin(), region.end());
  around.insert(around.end(), below.begin(),
                below.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(below.size(), 200)));
  return detect_indent_style(around);
}

bool Reindent::converts() const {
  if (from.tabs != to.tabs) return true;
  return !from.tabs && from.width != 0 && to.width != 0 && from.width != to.width;
}

int Reindent::converted_columns(std::string_view line) const {
  std::string_view indent = indent_of(line);
  if (!converts()) return indent_columns(line);
  int from_width = from.width != 0 ? from.width : (to.width != 0 ? to.width : 4);
  int to_width = to.tabs ? kTabColumns : (to.width != 0 ? to.width : from_width);
  int levels = 0;
  int rest = 0;
  if (from.tabs) {
    for (char c : indent) (c == '\t' ? levels : rest)++;
  } else {
    int columns = indent_columns(line);
    levels = columns / from_width;
    rest = columns % from_width;
  }
  return levels * to_width + rest;
}

std::string Reindent::apply(std::string_view line) const {
  if (is_identity()) return std::string(line);
  if (is_blank(line)) return {};
  std::string_view body = line.substr(indent_of(line).size());
  int columns = std::max(0, converted_columns(line) + shift);
  std::string out;
  if (to.tabs) {
    out.append(static_cast<size_t>(columns / kTabColumns), '\t');
    out.append(static_cast<size_t>(columns % kTabColumns), ' ');
  } else {
    out.append(static_cast<size_t>(columns), ' ');
  }
  out.append(body);
  return out;
}

namespace {

struct ShiftVote {
  int shift = 0;
  int support = 0;  // answer lines that agree on it (0: no line appears once in the original)
};

// Answer lines that appear exactly once in the original vote for the shift that brings them to
// their original's indentation; the most votes win (the first line's vote on a tie).
ShiftVote vote_shift(const std::vector<std::string_view>& answer,
                     const std::vector<std::string_view>& original, const Reindent& style) {
  std::unordered_map<std::string_view, int> once;  // key -> index, -1 when repeated
  for (size_t i = 0; i < original.size(); ++i) {
    if (is_trivial(original[i])) continue;
    auto [it, fresh] = once.emplace(key(original[i]), static_cast<int>(i));
    if (!fresh) it->second = -1;
  }
  std::map<int, int> votes;
  ShiftVote best;
  bool voted = false;
  for (std::string_view line : answer) {
    if (is_trivial(line)) continue;
    auto it = once.find(key(line));
    if (it == once.end() || it->second < 0) continue;
    int shift =
        indent_columns(original[static_cast<size_t>(it->second)]) - style.converted_columns(line);
    if (!voted) best = {shift, 0};
    voted = true;
    ++votes[shift];
  }
  for (const auto& [shift, count] : votes) {
    if (count > best.support) best = {shift, count};
  }
  if (voted) best.support = votes[best.shift];
  return best;
}

}  // namespace

Reindent choose_reindent(const std::vector<std::string_view>& answer,
                         const std::vector<std::string_view>& original, IndentStyle answer_style,
                         IndentStyle region_style) {
  Reindent converted{answer_style, region_style, 0};
  Reindent plain{region_style, region_style, 0};
  if (!converted.converts()) return plain;
  // A style seen in a few lines is a guess: converting must make more lines agree with their
  // originals than leaving the style alone does (tabs against spaces win a tie).
  int with = vote_shift(answer, original, converted).support;
  int without = vote_shift(answer, original, plain).support;
  if (with > without || (with == without && answer_style.tabs != region_style.tabs)) {
    return converted;
  }
  return plain;
}

int indentation_shift(const std::vector<std::string_view>& answer,
                      const std::vector<std::string_view>& original, const Reindent& style) {
  ShiftVote vote = vote_shift(answer, original, style);
  if (vote.support > 0) return vote.shift;
  // A rewritten line still starts like the line it replaces.
  for (std::string_view line : answer) {
    std::string head = head_words(line);
    if (head.empty()) continue;
    for (std::string_view o : original) {
      if (head_words(o) == head) return indent_columns(o) - style.converted_columns(line);
    }
  }
  // Nothing to go by: an answer less indented than the region is brought to its level (models
  // answer at column 0); one at or beyond it is left where it is (a body without its header).
  int answer_level = -1;
  for (std::string_view line : answer) {
    if (is_blank(line)) continue;
    int c = style.converted_columns(line);
    if (answer_level < 0 || c < answer_level) answer_level = c;
  }
  int region_level = -1;
  for (std::string_view line : original) {
    if (is_blank(line)) continue;
    int c = indent_columns(line);
    if (region_level < 0 || c < region_level) region_level = c;
  }
  if (answer_level < 0 || region_level < 0 || answer_level >= region_level) return 0;
  return region_level - answer_level;
}

// --- elision markers ---

namespace {

struct CommentSyntax {
  std::string_view open;
  std::string_view close;  // "" for a line comment
};

constexpr std::array<CommentSyntax, 8> kAllComments = {{{"//", ""},
                                                        {"/*", "*/"},
                                                        {"{/*", "*/}"},
                                                        {"#", ""},
                                                        {"--", ""},
                                                        {"<!--", "-->"},
                                                        {";", ""},
                                                        {"%", ""}}};

std::vector<CommentSyntax> comments_of(std::string_view language) {
  static const std::vector<std::string_view> kHash = {
      "python", "shellscript", "sh",       "bash",       "zsh",   "ruby",   "perl", "r",
      "yaml",   "toml",        "makefile", "dockerfile", "cmake", "elixir", "nim"};
  static const std::vector<std::string_view> kDash = {"lua", "sql", "haskell", "ada", "elm"};
  static const std::vector<std::string_view> kSlash = {"c",
                                                       "cpp",
                                                       "java",
                                                       "javascript",
                                                       "typescript",
                                                       "javascriptreact",
                                                       "typescriptreact",
                                                       "go",
                                                       "rust",
                                                       "csharp",
                                                       "swift",
                                                       "kotlin",
                                                       "scala",
                                                       "php",
                                                       "dart",
                                                       "json",
                                                       "jsonc",
                                                       "objective-c",
                                                       "objective-cpp",
                                                       "zig",
                                                       "css",
                                                       "scss"};
  auto in = [&](const std::vector<std::string_view>& set) {
    return std::find(set.begin(), set.end(), language) != set.end();
  };
  if (in(kHash)) return {{"#", ""}};
  if (in(kDash)) return {{"--", ""}, {"--[[", "]]"}};
  if (in(kSlash)) {
    std::vector<CommentSyntax> c = {{"//", ""}, {"/*", "*/"}};
    if (language == "javascriptreact" || language == "typescriptreact") c.push_back({"{/*", "*/}"});
    if (language == "php") c.push_back({"#", ""});
    return c;
  }
  if (language == "html" || language == "xml" || language == "markdown" || language == "vue") {
    return {{"<!--", "-->"}};
  }
  return {kAllComments.begin(), kAllComments.end()};
}

// The comment's text when `line` is nothing but one comment.
std::optional<std::string_view> comment_body(std::string_view line, std::string_view language) {
  std::string_view k = key(line);
  std::optional<std::string_view> best;
  size_t best_open = 0;
  for (const CommentSyntax& c : comments_of(language)) {
    if (!starts_with(k, c.open) || c.open.size() < best_open) continue;
    std::string_view body = k.substr(c.open.size());
    if (!c.close.empty()) {
      if (body.size() < c.close.size() || body.substr(body.size() - c.close.size()) != c.close) {
        // An unterminated block comment can still be a marker ("/* ... existing code").
        if (body.find(c.close) != std::string_view::npos) continue;
      } else {
        body.remove_suffix(c.close.size());
      }
    }
    best = body;
    best_open = c.open.size();
  }
  return best;
}

bool only_ellipsis(std::string_view body) {
  size_t dots = 0;
  bool unicode = false;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '.') {
      ++dots;
    } else if (body.substr(i, 3) == "\xE2\x80\xA6") {  // …
      unicode = true;
      i += 2;
    } else if (!blank_char(c) && c != '*' && c != '-' && c != '#' && c != '/') {
      return false;
    }
  }
  return dots >= 3 || unicode;
}

}  // namespace

bool is_elision_marker(std::string_view line, std::string_view language) {
  std::optional<std::string_view> body = comment_body(line, language);
  if (!body) return false;
  if (only_ellipsis(*body)) return true;
  std::string text = lower(*body);
  size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    bool w = !blank_char(c);
    if (w && !in_word) ++words;
    in_word = w;
  }
  if (words > 14) return false;
  static constexpr std::array<std::string_view, 24> kPhrases = {
      "existing code",    "existing implementation",
      "existing methods", "existing fields",
      "rest of the",      "rest of this",
      "rest of code",     "rest unchanged",
      "unchanged",        "remains the same",
      "remain the same",  "stays the same",
      "same as before",   "as before",
      "omitted",          "for brevity",
      "previous code",    "other methods",
      "other functions",  "other fields",
      "other members",    "other cases",
      "keep existing",    "no changes"};
  bool phrase = std::any_of(kPhrases.begin(), kPhrases.end(),
                            [&](std::string_view p) { return text.find(p) != std::string::npos; });
  if (!phrase) return false;
  // "rest of the ..." and "as before" are ordinary words in a real comment; a marker says so
  // with an ellipsis or in a few words.
  bool ellipsis =
      text.find("...") != std::string::npos || text.find("\xE2\x80\xA6") != std::string::npos;
  return ellipsis || words <= 8;
}

// --- units ---

namespace {

bool starts_with_word(std::string_view text, std::string_view word) {
  if (!starts_with(text, word)) return false;
  return text.size() == word.size() || !word_char(text[word.size()]);
}

bool is_closer(std::string_view k) {
  if (k.empty()) return false;
  if (k.front() == '}' || k.front() == ')' || k.front() == ']') return true;
  for (std::string_view w : {"end", "fi", "done", "esac"}) {
    if (starts_with_word(k, w)) return true;
  }
  return false;
}

bool is_attachment(std::string_view k) {
  return starts_with(k, "@") || starts_with(k, "#[") || starts_with(k, "//") ||
         starts_with(k, "/*") || starts_with(k, "* ") || k == "*" || starts_with(k, "*/") ||
         starts_with(k, "# ") || k == "#" || starts_with(k, "--") || starts_with(k, "[[") ||
         starts_with(k, "template");
}

constexpr std::array<std::string_view, 30> kDefinitionWords = {
    "def",      "class",     "fn",     "func",     "function",  "struct",  "enum",   "interface",
    "impl",     "trait",     "module", "local",    "async",     "export",  "pub",    "public",
    "private",  "protected", "static", "abstract", "override",  "virtual", "inline", "type",
    "internal", "namespace", "sealed", "const",    "constexpr", "mod"};

constexpr std::array<std::string_view, 14> kControlWords = {
    "if", "for", "while", "switch", "catch", "return", "else",
    "do", "try", "with",  "elif",   "when",  "match",  "case"};

}  // namespace

bool is_definition_header(std::string_view line) {
  std::string_view k = key(line);
  if (k.empty() || is_closer(k)) return false;
  for (std::string_view w : kControlWords) {
    if (starts_with_word(k, w)) return false;
  }
  for (std::string_view w : kDefinitionWords) {
    if (starts_with_word(k, w)) {
      // "const x = 1;" and "local x = 1" are statements; "const f = () => {" is a definition.
      if ((w == "const" || w == "local" || w == "export" || w == "pub" || w == "static") &&
          k.find('(') == std::string_view::npos && k.back() != '{' && k.back() != ':') {
        return false;
      }
      return true;
    }
  }
  // "name(args) {", "int name(args) const {", "foo(a) {" (methods of C-like languages).
  size_t paren = k.find('(');
  if (paren == std::string_view::npos || paren == 0) return false;
  if (k.find('=') < paren) return false;  // an assignment
  bool opens_body = k.back() == '{' || (k.size() >= 2 && k.substr(k.size() - 2) == "{}");
  return opens_body ||
         (k.back() == ')' && k.find(';') == std::string_view::npos && k.find(' ') < paren);
}

std::string defined_name(std::string_view line) {
  std::string_view k = key(line);
  // Strip generic arguments ("fn f<T>(", "List<int> f(") so the name is the word before "(".
  std::string text;
  int angle = 0;
  for (char c : k) {
    if (c == '<') {
      ++angle;
    } else if (c == '>' && angle > 0) {
      --angle;
    } else if (angle == 0) {
      text.push_back(c);
    }
  }
  std::string_view t = text;
  size_t paren = t.find('(');
  // Go's receiver comes first: "func (r *T) Name(".
  if (paren != std::string_view::npos && starts_with_word(t, "func") &&
      key(t.substr(4, paren - 4)).empty()) {
    size_t close = t.find(')', paren);
    if (close != std::string_view::npos) paren = t.find('(', close);
  }
  size_t equals = t.find('=');
  size_t limit = std::min(paren, equals);
  if (limit == std::string_view::npos) limit = t.size();
  if (paren != std::string_view::npos && paren == limit) {
    size_t end = paren;
    while (end > 0 && blank_char(t[end - 1])) --end;
    size_t begin = end;
    while (begin > 0 && (word_char(t[begin - 1]) || t[begin - 1] == '.' || t[begin - 1] == ':')) {
      --begin;
    }
    if (end > begin) return std::string(t.substr(begin, end - begin));
  }
  // No call: the first word that is not a keyword ("class Foo:", "x = 1", "local x = 1").
  size_t i = 0;
  while (i < limit) {
    while (i < limit && !word_char(t[i])) ++i;
    size_t begin = i;
    while (i < limit && word_char(t[i])) ++i;
    std::string_view word = t.substr(begin, i - begin);
    if (word.empty()) break;
    bool keyword = std::find(kDefinitionWords.begin(), kDefinitionWords.end(), word) !=
                       kDefinitionWords.end() ||
                   word == "let" || word == "var" || word == "val";
    if (!keyword) return std::string(word);
  }
  return {};
}

std::vector<Unit> split_units(const std::vector<std::string>& lines, int level) {
  std::vector<Unit> units;
  // First of the attached lines waiting for their unit (kNone: none). Not an optional: GCC 12
  // reports it "maybe uninitialized" at -O3.
  constexpr size_t kNone = static_cast<size_t>(-1);
  size_t attached = kNone;
  bool open = false;  // the last unit may still grow
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (is_blank(line)) {
      attached = kNone;  // a blank line detaches comments from what follows
      continue;
    }
    int columns = indent_columns(line);
    std::string_view k = key(line);
    if (columns < level) {
      open = false;
      attached = kNone;
      continue;
    }
    if (columns > level) {
      if (open) units.back().end = i + 1;
      continue;
    }
    if (is_closer(k)) {
      if (open) {
        units.back().end = i + 1;
        // A closer that opens again ("} else {") keeps the unit open.
        open = bracket_balance(k) > 0 || k.back() == ':';
      }
      continue;
    }
    if (is_attachment(k) && !is_definition_header(k)) {
      if (attached == kNone) attached = i;
      continue;
    }
    Unit unit;
    unit.begin = attached == kNone ? i : attached;
    unit.end = i + 1;
    unit.header = i;
    unit.definition = is_definition_header(k);
    if (!unit.definition && k.find('(') != std::string_view::npos &&
        (k.back() == ',' || k.back() == '(')) {
      // A signature over several lines: judged whole, up to where its body opens.
      std::string joined(k);
      for (size_t n = i + 1; n < lines.size() && n < i + 8; ++n) {
        std::string_view more = key(lines[n]);
        joined += ' ';
        joined += more;
        if (more.empty() || more.back() == '{' || more.back() == '}' || more.back() == ';' ||
            more.back() == ':') {
          break;
        }
      }
      unit.definition = is_definition_header(joined);
    }
    unit.name = defined_name(k);
    units.push_back(std::move(unit));
    attached = kNone;
    open = true;
  }
  return units;
}

int bracket_balance(std::string_view text) {
  int balance = 0;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote != 0) {
      if (c == '\\') {
        ++i;
      } else if (c == quote || c == '\n') {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'' || c == '`') {
      quote = c;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      size_t newline = text.find('\n', i);
      if (newline == std::string_view::npos) break;
      i = newline;
    } else if (c == '(' || c == '[' || c == '{') {
      ++balance;
    } else if (c == ')' || c == ']' || c == '}') {
      --balance;
    }
  }
  return balance;
}

}  // namespace flint::answer
