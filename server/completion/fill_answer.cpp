#include "server/completion/fill_answer.h"

#include "server/completion/prompt.h"
#include "server/completion/query.h"

namespace flint {
namespace {

constexpr size_t kMinEcho = 3;

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  return s;
}

}  // namespace

FillAnswer::FillAnswer(const CompletionQuery& query) : echo_(trim_left(line_before_cursor(query))) {
  while (!echo_.empty() && (is_blank(echo_.back()) || echo_.back() == '\r')) {
    echo_.pop_back();
    echo_ended_blank_ = true;
  }
  // A line begun with one or two characters ("(", "x.") is too short to tell an echo from an
  // answer that happens to start the same way.
  if (echo_.size() < kMinEcho) echo_.clear();
  echo_decided_ = echo_.empty();
}

std::string FillAnswer::feed(std::string_view delta) {
  std::string code;
  cleaner_.feed(reasoning_.feed(delta), code);
  return pass(code, false);
}

std::string FillAnswer::finish() {
  std::string code;
  cleaner_.feed(reasoning_.finish(), code);
  cleaner_.finish(code);
  return pass(code, true);
}

std::string FillAnswer::pass(const std::string& code, bool at_end) {
  return strip_echo(strip_markers(code, at_end), at_end);
}

std::string FillAnswer::strip_markers(const std::string& code, bool at_end) {
  std::string text = std::move(marker_tail_) + code;
  marker_tail_.clear();
  for (size_t at; (at = text.find(kCursorMarker)) != std::string::npos;) {
    text.erase(at, kCursorMarker.size());
  }
  if (!at_end) {
    // Hold back an ending that may be the first characters of a marker.
    size_t keep = std::min(text.size(), kCursorMarker.size() - 1);
    for (; keep > 0; --keep) {
      if (std::string_view(text).substr(text.size() - keep) == kCursorMarker.substr(0, keep)) break;
    }
    marker_tail_ = text.substr(text.size() - keep);
    text.resize(text.size() - keep);
  }
  return text;
}

std::string FillAnswer::strip_echo(std::string code, bool at_end) {
  if (echo_decided_) return code;
  held_ += code;
  std::string_view start = trim_left(held_);
  if (start.size() < echo_.size() && std::string_view(echo_).substr(0, start.size()) == start &&
      !at_end) {
    return {};  // could still be the echo
  }
  echo_decided_ = true;
  std::string out = std::move(held_);
  held_.clear();
  std::string_view answer = trim_left(out);
  if (answer.substr(0, echo_.size()) != echo_) return out;
  std::string_view rest = answer.substr(echo_.size());
  // "x = " answered "x = 5": the blank after the echo is already in the buffer.
  if (echo_ended_blank_) rest = trim_left(rest);
  return std::string(rest);
}

}  // namespace flint
