#pragma once
// Helpers for the parsers/ tests: annotated sources (clangd's Annotations idea, with markers
// that no supported language uses), a TextInput that hands out small chunks, and a parse
// helper.
//
// Markers: "‸" cursor; "«" and "»" a selection; "⟦" on the first and "⟧" on the last line of
// the region the scope finder should pick (lines, since regions are whole lines).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parsers/language_registry.h"
#include "parsers/syntax_tree.h"
#include "parsers/text_input.h"

namespace flint::parsers::test {

struct Annotated {
  std::string code;                        // the source without markers
  uint32_t begin = 0;                      // cursor or selection start (byte)
  uint32_t end = 0;                        // selection end (== begin for a cursor)
  std::optional<uint32_t> expected_first;  // 0-based lines of the expected region
  std::optional<uint32_t> expected_last;
};

// Throws std::invalid_argument on a malformed annotation (no cursor, "«" without "»", ...).
Annotated annotate(std::string_view text);

// A TextInput over a string that returns at most `chunk_size` bytes per chunk_at, as the
// server's chunked buffer may: code that assumes one contiguous string fails with it.
class ChunkedTextInput final : public TextInput {
 public:
  ChunkedTextInput(std::string_view text, uint32_t chunk_size)
      : whole_(text), chunk_size_(chunk_size) {}
  uint32_t size() const override { return whole_.size(); }
  std::string_view chunk_at(uint32_t byte) const override {
    auto chunk = whole_.chunk_at(byte);
    return chunk.substr(0, chunk_size_);
  }
  uint32_t line_count() const override { return whole_.line_count(); }
  std::string_view line(uint32_t n) const override { return whole_.line(n); }
  uint32_t line_start(uint32_t n) const override { return whole_.line_start(n); }

 private:
  StringTextInput whole_;
  uint32_t chunk_size_;
};

const LanguageRegistry& registry();
const Language& language(std::string_view id);

// The nodes of a tree as one line per node (kind, byte range, missing flag), for comparing
// trees structurally.
std::string dump_tree(const Tree& tree);

}  // namespace flint::parsers::test
