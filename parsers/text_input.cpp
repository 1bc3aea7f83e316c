#include "parsers/text_input.h"

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

uint32_t StringTextInput::line_count() const { return static_cast<uint32_t>(starts_.size()); }

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

}  // namespace flint::parsers
