#include "server/edits/reasoning_filter.h"

#include <array>
#include <cctype>

namespace flint {
namespace {

struct Tag {
  std::string_view open;
  std::string_view close;
};
constexpr std::array<Tag, 3> kTags = {
    {{"<think>", "</think>"}, {"<thinking>", "</thinking>"}, {"<reasoning>", "</reasoning>"}}};

bool blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Case-insensitive prefix comparison of `text` with `tag` over their common length.
bool agrees(std::string_view text, std::string_view tag) {
  size_t n = std::min(text.size(), tag.size());
  for (size_t i = 0; i < n; ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != tag[i]) return false;
  }
  return true;
}

size_t find_ci(std::string_view text, std::string_view tag) {
  if (text.size() < tag.size()) return std::string_view::npos;
  for (size_t i = 0; i + tag.size() <= text.size(); ++i) {
    if (agrees(text.substr(i, tag.size()), tag)) return i;
  }
  return std::string_view::npos;
}

}  // namespace

std::string_view ReasoningFilter::feed(std::string_view delta) {
  if (state_ == State::kText) return delta;
  held_.append(delta);
  out_.clear();
  step(out_, false);
  return out_;
}

std::string ReasoningFilter::finish() {
  std::string out;
  step(out, true);
  if (state_ == State::kInBlock) {
    reasoning_bytes_ += held_.size();
  } else {
    out += held_;
  }
  held_.clear();
  state_ = State::kText;
  return out;
}

void ReasoningFilter::step(std::string& out, bool at_end) {
  while (true) {
    if (state_ == State::kInBlock) {
      size_t at = find_ci(held_, closing_tag_);
      if (at == std::string::npos) {
        // Keep only what may be the start of the closing tag.
        size_t keep = std::min(held_.size(), closing_tag_.size() - 1);
        reasoning_bytes_ += held_.size() - keep;
        held_.erase(0, held_.size() - keep);
        return;
      }
      reasoning_bytes_ += at;
      held_.erase(0, at + closing_tag_.size());
      state_ = State::kStart;
      continue;
    }
    if (state_ == State::kText) {
      out += held_;
      held_.clear();
      return;
    }
    // kStart: blanks, then maybe a tag.
    size_t first = 0;
    while (first < held_.size() && blank(held_[first])) ++first;
    std::string_view rest = std::string_view(held_).substr(first);
    if (rest.empty()) {
      if (at_end) held_.clear();
      return;
    }
    bool undecided = false;
    for (const Tag& tag : kTags) {
      if (!agrees(rest, tag.open)) continue;
      if (rest.size() >= tag.open.size()) {
        closing_tag_ = tag.close;
        held_.erase(0, first + tag.open.size());
        state_ = State::kInBlock;
        undecided = false;
        break;
      }
      undecided = true;
    }
    if (state_ == State::kInBlock) continue;
    if (undecided && !at_end) return;
    // The answer proper. Blank lines before it go (a block's trailing "\n\n"); the first
    // line's indentation stays.
    size_t last_newline = std::string_view(held_).substr(0, first).rfind('\n');
    held_.erase(0, last_newline == std::string_view::npos ? 0 : last_newline + 1);
    state_ = State::kText;
  }
}

}  // namespace flint
