#include "server/completion/stop_rule.h"

#include <cctype>

#include "server/completion/bracket_balance.h"
#include "server/completion/query.h"

namespace flint {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (is_space(s.back()) || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

bool starts_with_word(std::string_view text, std::string_view word) {
  if (text.substr(0, word.size()) != word) return false;
  if (text.size() == word.size()) return true;
  char next = text[word.size()];
  return !(std::isalnum(static_cast<unsigned char>(next)) || next == '_');
}

bool starts_with_closer(std::string_view t) {
  if (!t.empty() && (t.front() == '}' || t.front() == ')' || t.front() == ']')) return true;
  for (std::string_view word : {"end", "fi", "done", "esac", "until"}) {
    if (starts_with_word(t, word)) return true;
  }
  return false;
}

// A line at a statement's own level that still belongs to it.
bool continues_statement(std::string_view t) {
  if (starts_with_closer(t)) return true;
  for (std::string_view word : {"else", "elif", "elseif", "except", "finally", "catch"}) {
    if (starts_with_word(t, word)) return true;
  }
  return false;
}

}  // namespace

int indent_width(std::string_view line) {
  int width = 0;
  for (char c : line) {
    if (c == ' ') {
      width += 1;
    } else if (c == '\t') {
      width += 4;
    } else {
      break;
    }
  }
  return width;
}

CompletionStop::CompletionStop(const CompletionQuery& query)
    : mode_(query.mode),
      language_(query.language),
      line_before_(line_before_cursor(query)),
      line_after_whole_(line_after_cursor(query)),
      line_after_(trim(line_after_whole_)) {
  if (!line_after_.empty()) code_after_.push_back(line_after_);
  std::string_view rest(query.suffix);
  size_t newline = rest.find('\n');
  rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  while (!rest.empty()) {
    size_t end = rest.find('\n');
    std::string_view line = trim(rest.substr(0, end));
    if (!line.empty()) {
      code_after_.emplace_back(line);
      break;
    }
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  std::string_view before = trim(line_before_);
  after_opener_ = mode_ == CompletionMode::kBlock && !before.empty();
  base_indent_ = indent_width(line_before_);
  statement_started_ = after_opener_;
}

bool CompletionStop::feed(std::string_view text) {
  while (!done_ && !text.empty()) {
    size_t newline = text.find('\n');
    if (newline == std::string_view::npos) {
      line_.append(text);
      break;
    }
    line_.append(text.substr(0, newline));
    text.remove_prefix(newline + 1);
    std::string line = std::move(line_);
    line_.clear();
    end_line(line);
  }
  return done_;
}

void CompletionStop::finish() {
  if (done_) return;
  if (!line_.empty()) {
    std::string line = std::move(line_);
    line_.clear();
    end_line(line);
  }
  done_ = true;
}

void CompletionStop::end_first_line(std::string_view line) {
  first_line_ = false;
  kept_.append(line);
  if (mode_ == CompletionMode::kLine) {
    done_ = true;
    return;
  }
  if (!after_opener_) {
    // On a blank line the statement's level is where its first line starts.
    std::string whole = line_before_ + std::string(line);
    base_indent_ = indent_width(whole);
    statement_started_ = !trim(whole).empty();
  }
}

void CompletionStop::end_line(std::string_view line) {
  if (first_line_) {
    end_first_line(line);
    return;
  }
  std::string_view t = trim(line);
  if (t.empty()) {
    blank_lines_ += "\n";
    blank_lines_ += line;
    if (++blank_run_ >= 2) done_ = true;
    return;
  }
  for (size_t i = 0; i < code_after_.size(); ++i) {
    if (t == code_after_[i] && repeats_code_after(line, i)) {
      done_ = true;  // the model is writing what follows the cursor already
      return;
    }
  }
  if (++lines_ > kMaxBlockLines) {
    done_ = true;
    return;
  }
  int indent = indent_width(line);
  bool last = false;
  if (after_opener_) {
    if (indent <= base_indent_) {
      if (indent < base_indent_ || !starts_with_closer(t)) {
        done_ = true;
        return;
      }
      last = true;  // the block's closing line
    }
  } else if (indent < base_indent_) {
    done_ = true;
    return;
  } else if (indent == base_indent_) {
    if (statement_started_ && !continues_statement(t)) {
      done_ = true;  // a second statement begins
      return;
    }
    statement_started_ = true;
  }
  kept_ += blank_lines_;
  blank_lines_.clear();
  blank_run_ = 0;
  kept_ += "\n";
  kept_.append(line);
  if (last) done_ = true;
}

bool CompletionStop::repeats_code_after(std::string_view line, size_t which) const {
  // The code that follows the completion, up to the line the model's line looks like.
  std::string after = line_after_whole_;
  if (which > 0 || line_after_.empty()) after += "\n" + code_after_[which];
  std::string original = line_before_ + after;
  std::string stopped = line_before_ + kept_ + after;
  std::string kept = line_before_ + kept_ + "\n" + std::string(line) + after;
  // A '}' that closes a block the completion opened is no repeat of the editor's '}'.
  BracketBalance before = bracket_balance(original, language_);
  return balance_rank(stopped, before, language_) <= balance_rank(kept, before, language_);
}

std::string CompletionStop::result() const {
  std::string out = kept_;
  if (first_line_) out += line_;  // still on the first line
  std::string_view view = trim_right(out);
  // The completion's end meets the rest of the cursor's line (in kBlock, between braces the
  // editor paired: "{|}"). A tail that repeats that text goes only if the line needs it gone.
  if (!line_after_.empty()) {
    view = without_repeated_tail(line_before_, view, line_after_whole_, language_);
  }
  return std::string(view);
}

}  // namespace flint
