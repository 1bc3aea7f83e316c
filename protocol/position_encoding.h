#pragma once
// LSP position encodings: a Position's `character` counts UTF-8 code units (bytes), UTF-16
// code units or code points, as negotiated at initialize. flint stores text as UTF-8 bytes;
// these functions convert within one line.
//
// Rules shared by every function here:
// - `line` is one line without its "\n". A trailing "\r" (of a CRLF line) belongs to the
//   terminator, not to the content: nothing can be addressed between "\r" and "\n", and every
//   clamp goes to before the "\r". A "\r" elsewhere in a line is ordinary content (flint splits
//   lines on "\n" only).
// - Text may be invalid UTF-8: each byte that does not start a well-formed sequence (stray
//   continuation bytes, truncated or overlong sequences, encoded surrogates, bytes > U+10FFFF)
//   counts as one code point of one unit in every encoding. Nothing here ever fails.
// - Offsets past the end of the content clamp to the end of the content (LSP: "If the
//   character value is greater than the line length it defaults back to the line length").
// - An offset inside a character (a UTF-16 offset between the two halves of a surrogate pair,
//   a UTF-8 offset inside a multi-byte sequence, a byte offset inside a character) rounds
//   DOWN to the start of that character, so a range never cuts a character in two.

#include <cstdint>
#include <optional>
#include <string_view>

namespace flint::protocol {

enum class PositionEncoding { kUtf8, kUtf16, kUtf32 };

// "utf-8", "utf-16", "utf-32" (the LSP PositionEncodingKind values).
std::string_view to_string(PositionEncoding encoding);
// The inverse; nullopt for any other name.
std::optional<PositionEncoding> parse_position_encoding(std::string_view name);

// The addressable content of a line: `line` without a trailing "\r".
std::string_view line_content(std::string_view line);

// Byte offset in `line` of LSP character offset `character` (clamped, rounded down).
uint32_t byte_of_character(std::string_view line, uint32_t character, PositionEncoding encoding);

// LSP character offset of byte offset `byte` in `line` (clamped, rounded down).
uint32_t character_of_byte(std::string_view line, uint32_t byte, PositionEncoding encoding);

// Length of the line's content in units of `encoding`.
uint32_t character_length(std::string_view line, PositionEncoding encoding);

}  // namespace flint::protocol
