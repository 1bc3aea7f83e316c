#include "protocol/position_encoding.h"

#include <algorithm>
#include <cstring>

namespace flint::protocol {

namespace {

struct CodePoint {
  uint32_t bytes;        // length of its UTF-8 encoding in `text` (1 for an invalid byte)
  uint32_t utf16_units;  // 2 for astral-plane characters, else 1
};

bool is_continuation(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

// Decodes the code point starting at text[i], following the Unicode table of well-formed
// UTF-8 byte sequences (no overlongs, no surrogates, nothing above U+10FFFF). A byte that
// does not start a well-formed sequence is one code point by itself.
CodePoint code_point_at(std::string_view text, size_t i) {
  auto lead = static_cast<unsigned char>(text[i]);
  if (lead < 0x80) return {1, 1};
  auto continues = [&](size_t k, unsigned char low = 0x80, unsigned char high = 0xBF) {
    if (i + k >= text.size()) return false;
    auto byte = static_cast<unsigned char>(text[i + k]);
    return byte >= low && byte <= high;
  };
  if (lead >= 0xC2 && lead <= 0xDF) return continues(1) ? CodePoint{2, 1} : CodePoint{1, 1};
  if (lead >= 0xE0 && lead <= 0xEF) {
    unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;
    unsigned char high = lead == 0xED ? 0x9F : 0xBF;
    return continues(1, low, high) && continues(2) ? CodePoint{3, 1} : CodePoint{1, 1};
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    unsigned char low = lead == 0xF0 ? 0x90 : 0x80;
    unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;
    return continues(1, low, high) && continues(2) && continues(3) ? CodePoint{4, 2}
                                                                   : CodePoint{1, 1};
  }
  return {1, 1};
}

uint32_t units_of(CodePoint cp, PositionEncoding encoding) {
  switch (encoding) {
    case PositionEncoding::kUtf8:
      return cp.bytes;
    case PositionEncoding::kUtf16:
      return cp.utf16_units;
    case PositionEncoding::kUtf32:
      return 1;
  }
  return 1;
}

// Length of the all-ASCII prefix of text[0, limit), eight bytes at a time.
size_t ascii_prefix(std::string_view text, size_t limit) {
  size_t i = 0;
  constexpr uint64_t kHighBits = 0x8080808080808080ULL;
  for (; i + 8 <= limit; i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, sizeof word);
    if (word & kHighBits) break;
  }
  while (i < limit && static_cast<unsigned char>(text[i]) < 0x80) ++i;
  return i;
}

// The start of the character that contains byte offset `byte` of `text` (byte itself when it
// starts one, or is text.size()).
size_t character_start(std::string_view text, size_t byte) {
  if (byte >= text.size() || !is_continuation(static_cast<unsigned char>(text[byte]))) {
    return byte;
  }
  // A well-formed sequence is at most 4 bytes, so its lead is at most 3 bytes back.
  for (size_t back = 1; back <= 3 && back <= byte; ++back) {
    size_t lead = byte - back;
    if (is_continuation(static_cast<unsigned char>(text[lead]))) continue;
    return lead + code_point_at(text, lead).bytes > byte ? lead : byte;
  }
  return byte;  // a stray continuation byte is a character of its own
}

uint32_t to_u32(size_t n) {
  return static_cast<uint32_t>(n);
}

}  // namespace

std::string_view to_string(PositionEncoding encoding) {
  switch (encoding) {
    case PositionEncoding::kUtf8:
      return "utf-8";
    case PositionEncoding::kUtf16:
      return "utf-16";
    case PositionEncoding::kUtf32:
      return "utf-32";
  }
  return "utf-16";
}

std::optional<PositionEncoding> parse_position_encoding(std::string_view name) {
  for (auto encoding :
       {PositionEncoding::kUtf8, PositionEncoding::kUtf16, PositionEncoding::kUtf32}) {
    if (to_string(encoding) == name) return encoding;
  }
  return std::nullopt;
}

std::string_view line_content(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

uint32_t byte_of_character(std::string_view line, uint32_t character, PositionEncoding encoding) {
  std::string_view content = line_content(line);
  size_t limit = std::min<size_t>(character, content.size());
  if (encoding == PositionEncoding::kUtf8) return to_u32(character_start(content, limit));

  // Below the first non-ASCII byte, every encoding counts one unit per byte.
  size_t byte = ascii_prefix(content, limit);
  uint32_t units = to_u32(byte);
  while (byte < content.size() && units < character) {
    CodePoint cp = code_point_at(content, byte);
    uint32_t width = units_of(cp, encoding);
    if (units + width > character) break;  // inside this character: round down
    units += width;
    byte += cp.bytes;
  }
  return to_u32(byte);
}

uint32_t character_of_byte(std::string_view line, uint32_t byte, PositionEncoding encoding) {
  std::string_view content = line_content(line);
  size_t limit = character_start(content, std::min<size_t>(byte, content.size()));
  if (encoding == PositionEncoding::kUtf8) return to_u32(limit);

  size_t i = ascii_prefix(content, limit);
  uint32_t units = to_u32(i);
  while (i < limit) {
    CodePoint cp = code_point_at(content, i);
    units += units_of(cp, encoding);
    i += cp.bytes;
  }
  return units;
}

uint32_t character_length(std::string_view line, PositionEncoding encoding) {
  return character_of_byte(line, static_cast<uint32_t>(line.size()), encoding);
}

}  // namespace flint::protocol
