#pragma once
// The server's side of a document in these tests: a string that implements TextInput and turns
// each reported change (a range of rows and byte columns plus new text, LSP-style) into the
// TSInputEdit-shaped TextChange the edit session consumes.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/text_input.h"

namespace flint::test {

class TestDocument final : public parsers::TextInput {
 public:
  explicit TestDocument(std::string text) : text_(std::move(text)) { index(); }

  uint32_t size() const override { return static_cast<uint32_t>(text_.size()); }
  std::string_view chunk_at(uint32_t byte) const override {
    // Small chunks on purpose, so that readers cannot assume one contiguous text.
    if (byte >= text_.size()) return {};
    return std::string_view(text_).substr(byte, std::min<size_t>(7, text_.size() - byte));
  }
  uint32_t line_count() const override { return static_cast<uint32_t>(starts_.size()); }
  std::string_view line(uint32_t n) const override {
    if (n >= starts_.size()) return {};
    uint32_t end = n + 1 < starts_.size() ? starts_[n + 1] - 1 : size();
    return std::string_view(text_).substr(starts_[n], end - starts_[n]);
  }
  uint32_t line_start(uint32_t n) const override {
    return n < starts_.size() ? starts_[n] : size();
  }

  const std::string& text() const { return text_; }

  parsers::TextPoint point_of(uint32_t byte) const {
    auto it = std::upper_bound(starts_.begin(), starts_.end(), byte);
    uint32_t row = static_cast<uint32_t>(it - starts_.begin()) - 1;
    return {row, byte - starts_[row]};
  }
  uint32_t byte_of(parsers::TextPoint p) const { return starts_[p.row] + p.column; }

  parsers::TextChange replace(uint32_t begin, uint32_t end, std::string_view text) {
    parsers::TextChange change;
    change.start_byte = begin;
    change.old_end_byte = end;
    change.start = point_of(begin);
    change.old_end = point_of(end);
    text_.replace(begin, end - begin, text);
    index();
    change.new_end_byte = begin + static_cast<uint32_t>(text.size());
    change.new_end = point_of(change.new_end_byte);
    return change;
  }
  parsers::TextChange replace(parsers::TextPoint start, parsers::TextPoint end,
                              std::string_view text) {
    return replace(byte_of(start), byte_of(end), text);
  }

 private:
  void index() {
    starts_.assign(1, 0);
    for (uint32_t i = 0; i < text_.size(); ++i) {
      if (text_[i] == '\n') starts_.push_back(i + 1);
    }
  }

  std::string text_;
  std::vector<uint32_t> starts_;
};

}  // namespace flint::test
