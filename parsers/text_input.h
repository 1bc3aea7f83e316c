#pragma once
// The read-only view of a document's text that parsers/ works on. The server's document
// store implements it over its chunked buffer; tests implement it over a std::string.
//
// Contract: text is UTF-8 (possibly invalid: parsers must not assume validity); lines end
// with "\n" (a "\r" before it belongs to the line's content); line n is contiguous in memory.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace flint::parsers {

// A point as tree-sitter counts it: 0-based row, column in bytes.
struct TextPoint {
  uint32_t row = 0;
  uint32_t column = 0;
  friend bool operator==(const TextPoint&, const TextPoint&) = default;
};

// One applied change, in the shape of tree-sitter's TSInputEdit: the bytes
// [start_byte, old_end_byte) of the old text became [start_byte, new_end_byte) of the new.
struct TextChange {
  uint32_t start_byte = 0;
  uint32_t old_end_byte = 0;
  uint32_t new_end_byte = 0;
  TextPoint start;
  TextPoint old_end;
  TextPoint new_end;
};

class TextInput {
 public:
  virtual ~TextInput() = default;

  // Total size in bytes.
  virtual uint32_t size() const = 0;
  // A contiguous run of bytes starting at `byte` (non-empty unless byte >= size()).
  // Valid until the text changes.
  virtual std::string_view chunk_at(uint32_t byte) const = 0;
  // Number of lines: count of "\n" + 1 (an empty document has one empty line).
  virtual uint32_t line_count() const = 0;
  // Line `n` (0-based) without its "\n". Valid until the text changes.
  virtual std::string_view line(uint32_t n) const = 0;
  // Byte offset where line `n` starts; line_start(line_count()) == size() + 1 is not allowed.
  virtual uint32_t line_start(uint32_t n) const = 0;
};

// A TextInput over one contiguous string, for tests, the CLI and small documents.
class StringTextInput final : public TextInput {
 public:
  explicit StringTextInput(std::string_view text);
  uint32_t size() const override { return static_cast<uint32_t>(text_.size()); }
  std::string_view chunk_at(uint32_t byte) const override;
  uint32_t line_count() const override;
  std::string_view line(uint32_t n) const override;
  uint32_t line_start(uint32_t n) const override;

 private:
  std::string_view text_;
  std::vector<uint32_t> starts_;
};

// Helpers over any TextInput (they only use its virtual interface, so they work on the
// server's chunked buffer too).

// The 0-based line holding `byte` (a byte past the end belongs to the last line).
uint32_t line_of_byte(const TextInput& input, uint32_t byte);
// The point of `byte` (clamped to the text).
TextPoint point_of_byte(const TextInput& input, uint32_t byte);
// The byte of `point`; rows past the end clamp to the end of the text, columns past the end of
// their line clamp to the end of that line (before its "\n").
uint32_t byte_of_point(const TextInput& input, TextPoint point);
// A copy of the bytes [begin, end) (clamped), gathered across chunks.
std::string text_between(const TextInput& input, uint32_t begin, uint32_t end);
// Byte where line `n` ends, including its "\n" (size() for the last line).
uint32_t line_end_with_newline(const TextInput& input, uint32_t n);
// True when line `n` holds only spaces, tabs and a trailing "\r".
bool is_blank_line(const TextInput& input, uint32_t n);

}  // namespace flint::parsers
