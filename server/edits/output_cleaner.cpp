#include "server/edits/output_cleaner.h"

#include <algorithm>
#include <cctype>

namespace flint {
namespace {

// More leading lines than this are not a preamble any more: they are code.
constexpr size_t kMaxHeldLines = 8;

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
bool is_alpha(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}
bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_blank(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_blank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// A CommonMark fence: up to three spaces, then a run of ` or ~.
struct FenceRun {
  char fence_char = 0;
  size_t length = 0;
  std::string_view rest;  // what follows the run (the info string of an opening fence)
};

FenceRun fence_run(std::string_view line) {
  size_t indent = 0;
  while (indent < line.size() && indent < 4 && line[indent] == ' ') ++indent;
  if (indent > 3 || indent == line.size()) return {};
  char c = line[indent];
  if (c != '`' && c != '~') return {};
  size_t end = indent;
  while (end < line.size() && line[end] == c) ++end;
  return {c, end - indent, line.substr(end)};
}

bool is_opening_fence(const FenceRun& run) {
  if (run.length < 3) return false;
  // A backtick fence's info string may not contain backticks (CommonMark), which keeps
  // inline code such as ```x``` from opening a block.
  return run.fence_char == '~' || run.rest.find('`') == std::string_view::npos;
}

bool only_blanks(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return is_blank(c) || c == '\r'; });
}

// Could a partial line still become a fence line (opening or closing) of `fence_char`
// (0 = either)?
bool could_be_fence(std::string_view partial, char fence_char) {
  size_t i = 0;
  while (i < partial.size() && partial[i] == ' ') ++i;
  if (i > 3) return false;
  if (i == partial.size()) return true;
  char c = partial[i];
  if (c != '`' && c != '~') return false;
  if (fence_char != 0 && c != fence_char) return false;
  return true;
}

// Closing tags of reasoning whose lines end_leading_line() drops ("<think>" was in the prompt).
constexpr std::string_view kReasoningEnds[] = {"</think>", "</thinking>", "</reasoning>"};

// Whether a partial line (from its first non-blank) can still end as a line that is not code
// although it starts like code: a numbered list item ("1. Check ...", see looks_like_chatter)
// or a closing reasoning tag. Deciding such a line early would make the code depend on where
// the stream was cut (fuzz_answer found "1" + ". Check the height." streamed as code).
bool may_end_as_non_code(std::string_view t) {
  if (is_digit(t.front())) {
    size_t i = 0;
    while (i < t.size() && is_digit(t[i])) ++i;
    if (i == t.size()) return true;
    if (t[i++] != '.') return false;
    if (i == t.size()) return true;
    if (t[i++] != ' ') return false;
    return i == t.size() || is_alpha(t[i]);
  }
  return std::any_of(std::begin(kReasoningEnds), std::end(kReasoningEnds),
                     [&](std::string_view tag) {
                       if (t.size() <= tag.size()) return tag.substr(0, t.size()) == t;
                       return t.substr(0, tag.size()) == tag && only_blanks(t.substr(tag.size()));
                     });
}

// A first character that prose never starts with: the line is code, no need to wait for its
// end. '#', '-', '*' and letters stay undecided (headings, bullets, sentences), and so do the
// lines may_end_as_non_code() names until they can no longer be one.
bool starts_like_code(std::string_view partial) {
  size_t first = 0;
  while (first < partial.size() && is_blank(partial[first])) ++first;
  if (first == partial.size()) return false;
  char c = partial[first];
  if (may_end_as_non_code(partial.substr(first))) return false;
  if (is_digit(c) || c == '_') return true;
  static constexpr std::string_view kCodeStarts = "(){}[];=<>/\"'@$!&|+%^,.:?\\";
  return kCodeStarts.find(c) != std::string_view::npos;
}

// Lines that may be the commentary a model writes before a fence: blank lines, markdown
// headings and bullets, and sentences. They are held until the next line decides.
bool looks_like_chatter(std::string_view line) {
  std::string_view t = trim(line);
  if (t.empty() || t.front() == '#') return true;
  if ((t.front() == '-' || t.front() == '*') && t.size() > 2 && t[1] == ' ' && is_alpha(t[2])) {
    return true;
  }
  if (is_digit(t.front())) {
    size_t i = 0;
    while (i < t.size() && is_digit(t[i])) ++i;
    return i + 2 < t.size() && t[i] == '.' && t[i + 1] == ' ' && is_alpha(t[i + 2]);
  }
  if (!is_alpha(t.front())) return false;
  char last = t.back();
  if (last != ':' && last != '.' && last != '!' && last != '?') return false;
  size_t words = 1 + static_cast<size_t>(std::count(t.begin(), t.end(), ' '));
  if (words < 2) return last != ':';  // "Sure!" is chatter, "else:" is code
  size_t wordy = 0;
  for (char c : t.substr(0, t.size() - 1)) {
    if (is_alpha(c) || c == ' ' || c == ',' || c == '\'' || c == '`' || c == '-') ++wordy;
  }
  return wordy * 100 >= (t.size() - 1) * 85;
}

}  // namespace

void OutputCleaner::know_code(std::string_view text) {
  size_t at = 0;
  while (at < text.size()) {
    size_t newline = text.find('\n', at);
    std::string_view line =
        text.substr(at, newline == std::string_view::npos ? std::string_view::npos : newline - at);
    std::string_view t = trim(line);
    if (!t.empty()) known_code_.emplace(t);
    at = newline == std::string_view::npos ? text.size() : newline + 1;
  }
}

void OutputCleaner::feed(std::string_view delta, std::string& code) {
  if (delta.empty() || state_ == State::kAfterCode) return;
  size_t before = code.size();
  feed_crlf(delta, code);
  note_code(code, before);
}

void OutputCleaner::note_code(const std::string& code, size_t from) {
  if (code_seen_) return;
  code_seen_ = code.find_first_not_of(" \t\r\n", from) != std::string::npos;
}

void OutputCleaner::feed_crlf(std::string_view delta, std::string& code) {
  if (!pending_cr_ && delta.find('\r') == std::string_view::npos) {
    feed_normalized(delta, code);
    return;
  }
  std::string text;
  text.reserve(delta.size() + 1);
  if (pending_cr_) text.push_back('\r');
  pending_cr_ = false;
  for (char c : delta) {
    if (c == '\n' && !text.empty() && text.back() == '\r') text.pop_back();
    text.push_back(c);
  }
  if (text.back() == '\r') {
    pending_cr_ = true;
    text.pop_back();
  }
  feed_normalized(text, code);
}

void OutputCleaner::feed_normalized(std::string_view text, std::string& code) {
  size_t i = 0;
  while (i < text.size() && state_ != State::kAfterCode) {
    size_t newline = text.find('\n', i);
    bool complete = newline != std::string_view::npos;
    std::string_view piece = text.substr(i, complete ? newline - i : std::string_view::npos);
    i = complete ? newline + 1 : text.size();

    if (state_ == State::kLeading) {
      line_.append(piece);
      if (complete) {
        std::string line = std::move(line_);
        line_.clear();
        end_leading_line(line, code);
      } else if (starts_like_code(line_)) {
        state_ = State::kRaw;
        code += held_lines_;
        code += line_;
        held_lines_.clear();
        line_.clear();
        line_is_code_ = true;
      }
      continue;
    }
    if (line_is_code_) {
      code.append(piece);
      if (complete) {
        code.push_back('\n');
        line_is_code_ = false;
      }
      continue;
    }
    line_.append(piece);
    if (complete) {
      std::string line = std::move(line_);
      line_.clear();
      end_code_line(line, code);
    } else if (!could_close(line_)) {
      code += line_;
      line_.clear();
      line_is_code_ = true;
    }
  }
}

void OutputCleaner::end_leading_line(std::string_view line, std::string& code) {
  // Templates that put "<think>" into the prompt leave the model's output starting with its
  // reasoning and then the closing tag: what was held before it was reasoning, not code.
  std::string_view t = trim(line);
  if (std::find(std::begin(kReasoningEnds), std::end(kReasoningEnds), t) !=
      std::end(kReasoningEnds)) {
    held_lines_.clear();
    held_line_count_ = 0;
    return;
  }
  FenceRun run = fence_run(line);
  if (is_opening_fence(run)) {
    state_ = State::kFenced;
    fenced_ = true;
    fence_char_ = run.fence_char;
    fence_length_ = run.length;
    held_lines_.clear();  // what came before the fence was commentary
    return;
  }
  if (looks_like_chatter(line) && held_line_count_ < kMaxHeldLines &&
      !known_code_.count(std::string(trim(line)))) {
    held_lines_.append(line);
    held_lines_.push_back('\n');
    ++held_line_count_;
    return;
  }
  state_ = State::kRaw;
  code += held_lines_;
  code.append(line);
  code.push_back('\n');
  held_lines_.clear();
}

void OutputCleaner::end_code_line(std::string_view line, std::string& code) {
  FenceRun run = fence_run(line);
  if (state_ == State::kFenced) {
    if (run.fence_char == fence_char_ && run.length >= fence_length_ && only_blanks(run.rest)) {
      state_ = State::kAfterCode;
      return;
    }
  } else if (run.length >= 3) {
    // No fence opened the answer: a bare fence ends the code, a fence with a language opens
    // the block the model meant (whatever preceded it has already streamed through).
    if (only_blanks(run.rest)) {
      state_ = State::kAfterCode;
      return;
    }
    if (is_opening_fence(run)) {
      state_ = State::kFenced;
      fenced_ = true;
      fence_char_ = run.fence_char;
      fence_length_ = run.length;
      return;
    }
  }
  code.append(line);
  code.push_back('\n');
}

bool OutputCleaner::could_close(std::string_view partial) const {
  if (state_ == State::kFenced) {
    if (!could_be_fence(partial, fence_char_)) return false;
    // Once the run is over, only blanks may follow a closing fence.
    FenceRun run = fence_run(partial);
    return run.length == 0 || only_blanks(run.rest);
  }
  // Raw code: a fence with a language may follow the run, so hold the whole line.
  if (!could_be_fence(partial, 0)) return false;
  FenceRun run = fence_run(partial);
  return run.length == 0 || run.length >= 3 || only_blanks(run.rest);
}

void OutputCleaner::finish(std::string& code) {
  size_t before = code.size();
  finish_stream(code);
  note_code(code, before);
}

void OutputCleaner::finish_stream(std::string& code) {
  if (pending_cr_) {
    pending_cr_ = false;
    feed_normalized("\r", code);
  }
  switch (state_) {
    case State::kLeading:
      // A lone opening fence means an empty block; anything else without a fence is code,
      // unless all of it reads as prose.
      if (is_opening_fence(fence_run(line_))) {
        fenced_ = true;
      } else {
        only_prose_ = held_line_count_ > 0 || !only_blanks(line_);
        only_prose_ = only_prose_ && (only_blanks(line_) || looks_like_chatter(line_));
        code += held_lines_;
        code += line_;
      }
      break;
    case State::kFenced:
    case State::kRaw:
      if (!line_is_code_ && !line_.empty()) {
        FenceRun run = fence_run(line_);
        bool closes = run.length >= 3 && only_blanks(run.rest) &&
                      (state_ == State::kRaw ||
                       (run.fence_char == fence_char_ && run.length >= fence_length_));
        if (!closes) code += line_;
      }
      break;
    case State::kAfterCode:
      break;
  }
  held_lines_.clear();
  line_.clear();
  line_is_code_ = false;
  state_ = State::kAfterCode;
}

}  // namespace flint
