#include "parsers/text_input.h"

#include <algorithm>

namespace flint::parsers {

StringTextInput::StringTextInput(std::string_view text) : text_(text) {
  starts_.push_back(0);
  for (uint32_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') starts_.push_back(i + 1);
  }
}

std::string_view StringTextInput::chunk_at(uint32_t byte) const {
  if (byte >= text_.size()) return {};
  return text_.substr(byte);
}

uint32_t StringTextInput::line_count() const {
  return static_cast<uint32_t>(starts_.size());
}

std::string_view StringTextInput::line(uint32_t n) const {
  if (n >= starts_.size()) return {};
  uint32_t begin = starts_[n];
  uint32_t end = n + 1 < starts_.size() ? starts_[n + 1] - 1 : static_cast<uint32_t>(text_.size());
  return text_.substr(begin, end - begin);
}

uint32_t StringTextInput::line_start(uint32_t n) const {
  if (n >= starts_.size()) return static_cast<uint32_t>(text_.size());
  return starts_[n];
}

uint32_t line_of_byte(const TextInput& input, uint32_t byte) {
  // Binary search over line starts: O(log lines) virtual calls, no index of our own.
  uint32_t lo = 0;
  uint32_t hi = input.line_count() - 1;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo + 1) / 2;
    if (input.line_start(mid) <= byte) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

TextPoint point_of_byte(const TextInput& input, uint32_t byte) {
  byte = std::min(byte, input.size());
  uint32_t row = line_of_byte(input, byte);
  return {row, byte - input.line_start(row)};
}

uint32_t byte_of_point(const TextInput& input, TextPoint point) {
  if (point.row >= input.line_count()) return input.size();
  auto line = input.line(point.row);
  return input.line_start(point.row) + std::min(point.column, static_cast<uint32_t>(line.size()));
}

std::string text_between(const TextInput& input, uint32_t begin, uint32_t end) {
  end = std::min(end, input.size());
  std::string out;
  if (begin >= end) return out;
  out.reserve(end - begin);
  while (begin < end) {
    auto chunk = input.chunk_at(begin);
    if (chunk.empty()) break;
    auto take = std::min<size_t>(chunk.size(), end - begin);
    out.append(chunk.data(), take);
    begin += static_cast<uint32_t>(take);
  }
  return out;
}

uint32_t line_end_with_newline(const TextInput& input, uint32_t n) {
  if (n + 1 >= input.line_count()) return input.size();
  return input.line_start(n + 1);
}

bool is_blank_line(const TextInput& input, uint32_t n) {
  auto line = input.line(n);
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f'; });
}

}  // namespace flint::parsers
