#pragma once
// The completion cache: finished completions by (uri, hash of context + prefix, hash of
// suffix), least recently used first out. Hashes rather than texts keep an entry small; the
// text lengths are part of the key, which makes a collision between two states of one
// document that the user moves between practically impossible.

#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

#include "server/completion/engine.h"

namespace flint {

struct CompletionCacheKey {
  std::string uri;
  uint64_t prefix_hash = 0;
  uint64_t suffix_hash = 0;
  uint64_t lengths = 0;  // prefix and suffix lengths, packed
  friend bool operator==(const CompletionCacheKey&, const CompletionCacheKey&) = default;
};

CompletionCacheKey completion_cache_key(const CompletionQuery& query);

class CompletionCache {
 public:
  explicit CompletionCache(size_t capacity) : capacity_(capacity) {}

  // The completion, and the entry becomes the most recently used.
  std::optional<std::string> find(const CompletionCacheKey& key);
  void put(const CompletionCacheKey& key, std::string completion);
  void clear();
  size_t size() const { return entries_.size(); }

 private:
  struct KeyHash {
    size_t operator()(const CompletionCacheKey& key) const;
  };
  using Entry = std::pair<CompletionCacheKey, std::string>;

  size_t capacity_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<CompletionCacheKey, std::list<Entry>::iterator, KeyHash> index_;
};

}  // namespace flint
