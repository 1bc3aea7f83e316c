#include "server/completion/bracket_balance.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <string>

namespace flint {
namespace {

// How a language writes comments and strings, as far as bracket counting needs it.
struct Syntax {
  bool slash_comments = true;       // "//" and "/* */"
  bool hash_comments = false;       // "#"
  bool hash_at_word_start = false;  // "#" starts a comment only after a blank (shells)
  bool dash_comments = false;       // "--"
  bool semicolon_comments = false;  // ";"
  bool triple_quotes = false;       // """ and ''' strings
  bool apostrophe_quotes = true;    // '...' is a string or character literal
  bool apostrophe_escapes = true;   // a backslash escapes inside '...'
  bool tick_names = false;          // 'a without a closing ' is a name ('a, 'static)
  bool primes = false;              // ' after a name belongs to it (x', foldl')
  bool digit_separators = false;    // 1'000'000
};

bool one_of(std::string_view language, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), language) != names.end();
}

Syntax syntax_for(std::string_view language) {
  Syntax s;
  if (one_of(language, {"shellscript", "sh", "bash", "zsh", "fish"})) {
    s.slash_comments = false;
    s.hash_comments = true;
    s.hash_at_word_start = true;
    s.apostrophe_escapes = false;
  } else if (one_of(
                 language,
                 {"python",   "ruby",         "perl",       "r",          "yaml",    "toml",
                  "makefile", "cmake",        "dockerfile", "powershell", "elixir",  "nim",
                  "julia",    "coffeescript", "tcl",        "awk",        "nix",     "gdscript",
                  "starlark", "bazel",        "crystal",    "raku",       "graphql", "properties",
                  "ini"})) {
    s.slash_comments = false;
    s.hash_comments = true;
  } else if (one_of(language, {"lua", "sql", "haskell", "elm", "ada", "purescript", "vhdl"})) {
    s.slash_comments = false;
    s.dash_comments = true;
  } else if (one_of(language, {"clojure", "lisp", "commonlisp", "scheme", "racket", "elisp",
                               "emacs-lisp", "fennel"})) {
    s.slash_comments = false;
    s.semicolon_comments = true;
    s.apostrophe_quotes = false;  // '(a b) quotes a form
  } else if (language == "php") {
    s.hash_comments = true;
  }
  s.triple_quotes =
      one_of(language, {"python", "kotlin", "swift", "scala", "julia", "groovy", "toml", "starlark",
                        "bazel", "nim", "gdscript", "elixir", "dart"});
  s.tick_names = one_of(language, {"rust", "ocaml", "fsharp", "haskell", "elm", "purescript",
                                   "scala", "sml", "coq", "lean"});
  s.primes = s.tick_names && language != "rust" && language != "scala";
  s.digit_separators = one_of(language, {"c", "cpp", "objective-c", "objective-cpp", "cuda-cpp"});
  return s;
}

bool is_word(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool is_digit(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

class Scanner {
 public:
  Scanner(std::string_view code, const Syntax& syntax) : code_(code), syntax_(syntax) {}

  BracketBalance run() {
    while (at_ < code_.size()) step();
    out_.unclosed = static_cast<int>(openers_.size());
    return out_;
  }

 private:
  bool starts(std::string_view text) const { return code_.substr(at_, text.size()) == text; }
  char at(size_t i) const { return i < code_.size() ? code_[i] : '\0'; }

  void skip_line() {
    size_t end = code_.find('\n', at_);
    at_ = end == std::string_view::npos ? code_.size() : end;
  }

  bool comment_starts() const {
    char c = code_[at_];
    if (syntax_.slash_comments && starts("//")) return true;
    if (syntax_.hash_comments && c == '#') {
      if (!syntax_.hash_at_word_start || at_ == 0) return true;
      char before = code_[at_ - 1];
      return before == ' ' || before == '\t' || before == '\n' || before == ';';
    }
    if (syntax_.dash_comments && starts("--")) return true;
    return syntax_.semicolon_comments && c == ';';
  }

  // Whether the quote at at_ opens a string literal.
  bool opens_string() const {
    char c = code_[at_];
    if (c != '\'') return true;
    if (!syntax_.apostrophe_quotes) return false;
    char before = at_ > 0 ? code_[at_ - 1] : '\0';
    char after = at(at_ + 1);
    if (syntax_.digit_separators && is_digit(before) && is_digit(after)) return false;
    if (syntax_.primes && is_word(before)) return false;
    // 'a is a lifetime or type variable unless it is the character 'a'.
    if (syntax_.tick_names && is_word(after) && at(at_ + 2) != '\'') return false;
    return true;
  }

  void skip_string() {
    char quote = code_[at_];
    bool escapes = quote != '\'' || syntax_.apostrophe_escapes;
    if (syntax_.triple_quotes && quote != '`' && starts(std::string(3, quote))) {
      std::string close(3, quote);
      for (at_ += 3; at_ < code_.size(); ++at_) {
        if (code_[at_] == '\\' && escapes) {
          ++at_;
        } else if (starts(close)) {
          at_ += 3;
          return;
        }
      }
      ++out_.open_strings;
      return;
    }
    for (++at_; at_ < code_.size(); ++at_) {
      char c = code_[at_];
      if (c == '\\' && escapes) {
        ++at_;  // an escaped quote, or a line continuation
      } else if (c == quote) {
        ++at_;
        return;
      } else if (c == '\n' && quote != '`') {
        ++out_.open_strings;  // '...' and "..." end with their line
        return;
      }
    }
    ++out_.open_strings;
  }

  void step() {
    char c = code_[at_];
    if (comment_starts()) {
      skip_line();
      return;
    }
    if (syntax_.slash_comments && starts("/*")) {
      size_t end = code_.find("*/", at_ + 2);
      at_ = end == std::string_view::npos ? code_.size() : end + 2;
      return;
    }
    if ((c == '"' || c == '\'' || c == '`') && opens_string()) {
      skip_string();
      return;
    }
    if (c == '(' || c == '[' || c == '{') {
      openers_.push_back(c);
    } else if (c == ')' || c == ']' || c == '}') {
      char opener = c == ')' ? '(' : c == ']' ? '[' : '{';
      if (!openers_.empty() && openers_.back() == opener) {
        openers_.pop_back();
      } else {
        ++out_.unmatched;
      }
    }
    ++at_;
  }

  std::string_view code_;
  const Syntax& syntax_;
  size_t at_ = 0;
  std::string openers_;
  BracketBalance out_;
};

std::string_view trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

BracketBalance bracket_balance(std::string_view code, std::string_view language) {
  Syntax syntax = syntax_for(language);
  return Scanner(code, syntax).run();
}

int balance_rank(std::string_view completed, const BracketBalance& before,
                 std::string_view language) {
  BracketBalance balance = bracket_balance(completed, language);
  if (balance.balanced() || balance == before) return 0;
  return balance.defects() <= before.defects() ? 1 : 2;
}

std::string_view without_repeated_tail(std::string_view line_before, std::string_view answer,
                                       std::string_view line_after, std::string_view language) {
  std::string_view repeatable = trim(line_after);
  if (repeatable.empty() || answer.empty()) return answer;
  // The line as it was: usually balanced ("print()"), but not always ("if () {", or the
  // "))" that ends a call begun on an earlier line).
  const BracketBalance before =
      bracket_balance(std::string(line_before) + std::string(line_after), language);
  auto rank = [&](std::string_view inserted) {
    std::string line = std::string(line_before) + std::string(inserted) + std::string(line_after);
    return balance_rank(line, before, language);
  };
  std::string_view best = answer;
  int best_rank = rank(answer);
  // Every tail that is a start of the text after the cursor, longest first ("x);" before ");"
  // repeats all of it, not just the ')'); a tail goes only if the line is strictly better
  // without it, so on a tie the answer stays whole.
  for (size_t overlap = std::min(answer.size(), repeatable.size()); overlap > 0 && best_rank > 0;
       --overlap) {
    if (answer.substr(answer.size() - overlap) != repeatable.substr(0, overlap)) continue;
    std::string_view kept = trim_right(answer.substr(0, answer.size() - overlap));
    int kept_rank = rank(kept);
    if (kept_rank < best_rank) {
      best = kept;
      best_rank = kept_rank;
    }
  }
  return best;
}

}  // namespace flint
