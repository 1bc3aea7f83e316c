#include "server/text/text_buffer.h"

#include <algorithm>
#include <stdexcept>

namespace flint {

namespace {

uint32_t to_u32(size_t n) {
  return static_cast<uint32_t>(n);
}

}  // namespace

// ---- ChunkIndex -------------------------------------------------------------------------

void TextBuffer::ChunkIndex::assign(const std::vector<Chunk>& chunks) {
  // Linear-time construction: each node passes its sum up to its parent once.
  tree_.assign(chunks.size() + 1, Counts{});
  for (size_t i = 1; i <= chunks.size(); ++i) {
    tree_[i].bytes += to_u32(chunks[i - 1].text.size());
    tree_[i].newlines += to_u32(chunks[i - 1].newlines.size());
    size_t parent = i + (i & -i);
    if (parent < tree_.size()) {
      tree_[parent].bytes += tree_[i].bytes;
      tree_[parent].newlines += tree_[i].newlines;
    }
  }
}

void TextBuffer::ChunkIndex::add(size_t chunk, int64_t bytes, int64_t newlines) {
  for (size_t i = chunk + 1; i < tree_.size(); i += i & -i) {
    tree_[i].bytes = static_cast<uint32_t>(tree_[i].bytes + bytes);
    tree_[i].newlines = static_cast<uint32_t>(tree_[i].newlines + newlines);
  }
}

TextBuffer::ChunkIndex::Counts TextBuffer::ChunkIndex::prefix(size_t chunks) const {
  Counts sum;
  for (size_t i = chunks; i > 0; i -= i & -i) {
    sum.bytes += tree_[i].bytes;
    sum.newlines += tree_[i].newlines;
  }
  return sum;
}

template <typename Field>
size_t TextBuffer::ChunkIndex::descend(uint32_t target, Field field) const {
  size_t n = tree_.size() - 1;
  size_t step = 1;
  while (step * 2 <= n) step *= 2;
  size_t pos = 0;
  for (; step > 0; step /= 2) {
    if (pos + step <= n && field(tree_[pos + step]) <= target) {
      pos += step;
      target -= field(tree_[pos]);
    }
  }
  return pos;
}

size_t TextBuffer::ChunkIndex::chunks_within_bytes(uint32_t bytes) const {
  return descend(bytes, [](const Counts& c) { return c.bytes; });
}

size_t TextBuffer::ChunkIndex::chunks_within_newlines(uint32_t newlines) const {
  return descend(newlines, [](const Counts& c) { return c.newlines; });
}

// ---- TextBuffer -------------------------------------------------------------------------

TextBuffer::TextBuffer(std::string_view text, TextBufferOptions options)
    : chunk_target_(std::max<uint32_t>(options.chunk_target, 4)) {
  if (text.size() > kMaxSize) throw std::length_error("flint::TextBuffer: text too large");
  chunks_ = split_into_chunks(text);
  index_.assign(chunks_);
  size_ = to_u32(text.size());
  for (const Chunk& chunk : chunks_) newlines_ += to_u32(chunk.newlines.size());
}

void TextBuffer::index_newlines(Chunk& chunk) {
  chunk.newlines.clear();
  for (size_t at = chunk.text.find('\n'); at != std::string::npos;
       at = chunk.text.find('\n', at + 1)) {
    chunk.newlines.push_back(to_u32(at));
  }
}

std::vector<TextBuffer::Chunk> TextBuffer::split_into_chunks(std::string_view text) const {
  // Cut after the first "\n" at or beyond `target` bytes, as long as what remains is too big
  // for one chunk and big enough not to be merged back at once.
  const size_t target = chunk_target_, min = target / 4, max = target * 2;
  std::vector<Chunk> pieces;
  size_t begin = 0;
  while (text.size() - begin > max) {
    size_t cut = text.find('\n', begin + target - 1);
    if (cut == std::string_view::npos || text.size() - (cut + 1) < min) break;
    pieces.push_back(Chunk{std::string(text.substr(begin, cut + 1 - begin)), {}});
    begin = cut + 1;
  }
  pieces.push_back(Chunk{std::string(text.substr(begin)), {}});
  for (Chunk& piece : pieces) index_newlines(piece);
  return pieces;
}

size_t TextBuffer::chunk_of_byte(uint32_t byte) const {
  return std::min(index_.chunks_within_bytes(byte), chunks_.size() - 1);
}

size_t TextBuffer::chunk_of_line(uint32_t n, uint32_t& line_in_chunk) const {
  // Line n starts after n "\n"s: in the last chunk whose predecessors hold at most n of them.
  size_t chunk = std::min(index_.chunks_within_newlines(n), chunks_.size() - 1);
  line_in_chunk = n - index_.prefix(chunk).newlines;
  return chunk;
}

std::string_view TextBuffer::chunk_at(uint32_t byte) const {
  if (byte >= size_) return {};
  size_t chunk = chunk_of_byte(byte);
  return std::string_view(chunks_[chunk].text).substr(byte - index_.prefix(chunk).bytes);
}

std::string_view TextBuffer::line(uint32_t n) const {
  if (n > newlines_) return {};
  uint32_t k = 0;
  const Chunk& chunk = chunks_[chunk_of_line(n, k)];
  uint32_t begin = k == 0 ? 0 : chunk.newlines[k - 1] + 1;
  uint32_t end = k < chunk.newlines.size() ? chunk.newlines[k] : to_u32(chunk.text.size());
  return std::string_view(chunk.text).substr(begin, end - begin);
}

uint32_t TextBuffer::line_start(uint32_t n) const {
  if (n > newlines_) return size_;
  uint32_t k = 0;
  size_t chunk = chunk_of_line(n, k);
  uint32_t begin = k == 0 ? 0 : chunks_[chunk].newlines[k - 1] + 1;
  return index_.prefix(chunk).bytes + begin;
}

parsers::TextPoint TextBuffer::point_of(uint32_t byte) const {
  byte = std::min(byte, size_);
  size_t chunk = chunk_of_byte(byte);
  ChunkIndex::Counts before = index_.prefix(chunk);
  uint32_t local = byte - before.bytes;
  const std::vector<uint32_t>& newlines = chunks_[chunk].newlines;
  auto preceding = std::lower_bound(newlines.begin(), newlines.end(), local) - newlines.begin();
  uint32_t line_begin = preceding == 0 ? 0 : newlines[preceding - 1] + 1;
  return {before.newlines + to_u32(preceding), local - line_begin};
}

uint32_t TextBuffer::offset_of(parsers::TextPoint point) const {
  if (point.row > newlines_) return size_;
  return line_start(point.row) + std::min(point.column, to_u32(line(point.row).size()));
}

std::string TextBuffer::text() const {
  std::string out;
  out.reserve(size_);
  for (const Chunk& chunk : chunks_) out += chunk.text;
  return out;
}

std::string TextBuffer::substr(uint32_t begin, uint32_t end) const {
  return parsers::text_between(*this, begin, end);  // the one chunked reader
}

parsers::TextChange TextBuffer::replace(uint32_t start, uint32_t end, std::string_view text) {
  end = std::min(end, size_);
  start = std::min(start, end);
  const uint64_t new_size = uint64_t{size_} - (end - start) + text.size();
  if (new_size > kMaxSize) throw std::length_error("flint::TextBuffer: text too large");

  parsers::TextChange change;
  change.start_byte = start;
  change.old_end_byte = end;
  change.new_end_byte = start + to_u32(text.size());
  change.start = point_of(start);
  change.old_end = point_of(end);
  const auto added_newlines = to_u32(std::count(text.begin(), text.end(), '\n'));
  if (added_newlines == 0) {
    change.new_end = {change.start.row, change.start.column + to_u32(text.size())};
  } else {
    change.new_end = {change.start.row + added_newlines,
                      to_u32(text.size() - text.rfind('\n') - 1)};
  }
  if (start == end && text.empty()) return change;

  const uint32_t removed_newlines = change.old_end.row - change.start.row;
  const size_t first = chunk_of_byte(start);
  const size_t last = chunk_of_byte(end);
  const uint32_t first_begin = index_.prefix(first).bytes;
  size_ = to_u32(new_size);
  newlines_ = newlines_ - removed_newlines + added_newlines;

  if (first == last) {
    // The common case, a keystroke or a streamed edit: patch one chunk in place.
    Chunk& chunk = chunks_[first];
    const uint32_t from = start - first_begin, to = end - first_begin;
    const int64_t delta = static_cast<int64_t>(text.size()) - (to - from);
    std::vector<uint32_t>& newlines = chunk.newlines;
    auto lo = std::lower_bound(newlines.begin(), newlines.end(), from) - newlines.begin();
    auto hi = std::lower_bound(newlines.begin() + lo, newlines.end(), to) - newlines.begin();
    for (auto i = static_cast<size_t>(hi); i < newlines.size(); ++i) {
      newlines[i] = static_cast<uint32_t>(newlines[i] + delta);
    }
    std::vector<uint32_t> inserted;
    inserted.reserve(added_newlines);
    for (size_t at = text.find('\n'); at != std::string_view::npos; at = text.find('\n', at + 1)) {
      inserted.push_back(from + to_u32(at));
    }
    newlines.erase(newlines.begin() + lo, newlines.begin() + hi);
    newlines.insert(newlines.begin() + lo, inserted.begin(), inserted.end());
    chunk.text.replace(from, to - from, text);
    index_.add(first, delta, int64_t{added_newlines} - removed_newlines);
    if (needs_rebalance(first)) rebalance(first);
    return change;
  }

  // The range spans chunks: join what is left of the first and last around the new text.
  const uint32_t last_begin = index_.prefix(last).bytes;
  std::string joined;
  joined.reserve((start - first_begin) + text.size() +
                 (chunks_[last].text.size() - (end - last_begin)));
  joined.append(chunks_[first].text, 0, start - first_begin);
  joined.append(text);
  joined.append(chunks_[last].text, end - last_begin);
  chunks_[first].text = std::move(joined);
  index_newlines(chunks_[first]);
  chunks_.erase(chunks_.begin() + static_cast<ptrdiff_t>(first) + 1,
                chunks_.begin() + static_cast<ptrdiff_t>(last) + 1);
  rebalance(first);
  return change;
}

bool TextBuffer::needs_rebalance(size_t index) const {
  const Chunk& chunk = chunks_[index];
  const size_t target = chunk_target_, min = target / 4, max = target * 2;
  if (chunk.text.size() < min) return chunks_.size() > 1;
  if (chunk.text.size() <= max) return false;
  // Oversized: worth splitting only if split_into_chunks would find a cut.
  auto cut = std::lower_bound(chunk.newlines.begin(), chunk.newlines.end(), target - 1);
  return cut != chunk.newlines.end() && chunk.text.size() - (*cut + 1) >= min;
}

void TextBuffer::rebalance(size_t index) {
  const size_t min = chunk_target_ / 4;
  size_t begin = index, end = index + 1;
  std::string text = std::move(chunks_[index].text);
  if (text.size() < min && chunks_.size() > 1) {
    if (end < chunks_.size()) {
      text += chunks_[end].text;
      ++end;
    } else {
      text.insert(0, chunks_[begin - 1].text);
      --begin;
    }
  }
  std::vector<Chunk> pieces = split_into_chunks(text);
  auto at = chunks_.erase(chunks_.begin() + static_cast<ptrdiff_t>(begin),
                          chunks_.begin() + static_cast<ptrdiff_t>(end));
  chunks_.insert(at, std::make_move_iterator(pieces.begin()),
                 std::make_move_iterator(pieces.end()));
  index_.assign(chunks_);
}

}  // namespace flint
