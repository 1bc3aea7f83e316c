#pragma once
// Ways to cut a byte stream into chunks, for incremental parsers: one byte at a time, every
// two-piece split, and random multi-piece splits (seeded, so a failure reproduces).

#include <random>
#include <string_view>
#include <vector>

namespace flint::models::test {

using Chunks = std::vector<std::string_view>;

inline Chunks byte_by_byte(std::string_view bytes) {
  Chunks chunks;
  for (size_t i = 0; i < bytes.size(); ++i) chunks.push_back(bytes.substr(i, 1));
  return chunks;
}

// Every split into two pieces, the whole stream included (split at 0).
inline std::vector<Chunks> every_two_piece_split(std::string_view bytes) {
  std::vector<Chunks> all;
  for (size_t at = 0; at <= bytes.size(); ++at) {
    all.push_back({bytes.substr(0, at), bytes.substr(at)});
  }
  return all;
}

inline std::vector<Chunks> random_splits(std::string_view bytes, int count, unsigned seed = 7) {
  std::mt19937 rng(seed);
  std::vector<Chunks> all;
  for (int n = 0; n < count; ++n) {
    Chunks chunks;
    size_t pos = 0;
    while (pos < bytes.size()) {
      size_t left = bytes.size() - pos;
      size_t size = std::uniform_int_distribution<size_t>(1, std::min<size_t>(left, 64))(rng);
      chunks.push_back(bytes.substr(pos, size));
      pos += size;
    }
    all.push_back(std::move(chunks));
  }
  return all;
}

// All of the above.
inline std::vector<Chunks> all_splits(std::string_view bytes, int random_count = 200) {
  std::vector<Chunks> all = every_two_piece_split(bytes);
  all.push_back(byte_by_byte(bytes));
  for (Chunks& chunks : random_splits(bytes, random_count)) all.push_back(std::move(chunks));
  return all;
}

}  // namespace flint::models::test
