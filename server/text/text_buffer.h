#pragma once
// A document's text, editable in time proportional to the edit rather than to the document.
//
// The text is a sequence of chunks, each holding whole lines (so every line is contiguous, as
// parsers::TextInput requires) and a few KiB long. Every chunk but the last ends with "\n".
// A Fenwick tree over the chunks' byte and line counts maps byte offsets and line numbers to
// chunks in O(log chunks); each chunk keeps the offsets of its own "\n"s.
//
// replace() edits the chunk(s) the range touches: O(edit + chunk size + log chunks). When a
// chunk grows past twice the target size it is split at line boundaries; when it shrinks below
// a quarter it is merged with a neighbour. Those structural changes cost O(chunks), but the
// hysteresis between the two bounds means they happen at most once per ~target/2 bytes
// edited. A single line longer than the target stays one chunk (lines must be contiguous), so
// edits on a multi-megabyte minified line cost O(that line).
//
// Offsets are uint32_t like tree-sitter's: a buffer holds less than 4 GiB.
// Not thread-safe; string_views it returns are valid until the next replace().

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/text_input.h"

namespace flint {

struct TextBufferOptions {
  uint32_t chunk_target = 4096;  // bytes; tests use tiny chunks to exercise splits and merges
};

class TextBuffer final : public parsers::TextInput {
 public:
  static constexpr uint32_t kMaxSize = 0xFFFFFFF0u;

  explicit TextBuffer(std::string_view text = {}, TextBufferOptions options = {});

  // parsers::TextInput
  uint32_t size() const override { return size_; }
  std::string_view chunk_at(uint32_t byte) const override;
  uint32_t line_count() const override { return newlines_ + 1; }
  // Line n without its "\n" (empty past the last line).
  std::string_view line(uint32_t n) const override;
  // Start of line n; size() past the last line.
  uint32_t line_start(uint32_t n) const override;

  // Replaces bytes [start_byte, end_byte) with `text` (both offsets clamped to size(), start to
  // end) and describes the change as tree-sitter wants it. Throws std::length_error if the
  // result would exceed kMaxSize (nothing is changed then).
  parsers::TextChange replace(uint32_t start_byte, uint32_t end_byte, std::string_view text);

  // The whole text as one string: O(size), for full-sync clients, tests and snapshots.
  std::string text() const;
  // Bytes [begin, end), clamped.
  std::string substr(uint32_t begin, uint32_t end) const;

  // Row and byte column of `byte` (clamped to size()). A byte on a "\n" is at the end of its
  // line.
  parsers::TextPoint point_of(uint32_t byte) const;
  // Byte offset of `point`: a row past the last line gives size(), a column past the end of
  // the line gives the end of the line (before its "\n").
  uint32_t offset_of(parsers::TextPoint point) const;

  size_t chunk_count() const { return chunks_.size(); }

 private:
  struct Chunk {
    std::string text;
    std::vector<uint32_t> newlines;  // offsets of each "\n" in text, ascending
  };

  // Fenwick tree over per-chunk (bytes, newlines): prefix sums and "which chunk holds byte b /
  // line n" in O(log chunks).
  class ChunkIndex {
   public:
    struct Counts {
      uint32_t bytes = 0;
      uint32_t newlines = 0;
    };
    void assign(const std::vector<Chunk>& chunks);
    void add(size_t chunk, int64_t bytes, int64_t newlines);
    // Sum over the first `chunks` chunks.
    Counts prefix(size_t chunks) const;
    // The largest k such that the first k chunks hold at most `bytes` bytes / `newlines` "\n"s.
    size_t chunks_within_bytes(uint32_t bytes) const;
    size_t chunks_within_newlines(uint32_t newlines) const;

   private:
    template <typename Field>
    size_t descend(uint32_t target, Field field) const;
    std::vector<Counts> tree_;  // 1-based
  };

  static void index_newlines(Chunk& chunk);
  std::vector<Chunk> split_into_chunks(std::string_view text) const;
  // The chunk holding `byte` (the last chunk for byte == size()).
  size_t chunk_of_byte(uint32_t byte) const;
  // The chunk where line n starts, and n's index among the lines starting in it.
  size_t chunk_of_line(uint32_t n, uint32_t& line_in_chunk) const;
  bool needs_rebalance(size_t chunk) const;
  // Splits an oversized chunk / merges an undersized one, then rebuilds the index.
  void rebalance(size_t chunk);

  uint32_t chunk_target_;
  std::vector<Chunk> chunks_;  // never empty: an empty text is one empty chunk
  ChunkIndex index_;
  uint32_t size_ = 0;
  uint32_t newlines_ = 0;
};

}  // namespace flint
