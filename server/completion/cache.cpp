#include "server/completion/cache.h"

#include <functional>
#include <string_view>

namespace flint {

CompletionCacheKey completion_cache_key(const CompletionQuery& query) {
  std::hash<std::string_view> hash;
  uint64_t prefix_hash = hash(query.prefix);
  for (const std::string& item : query.context) {
    prefix_hash = prefix_hash * 1099511628211ull ^ hash(item);
  }
  return CompletionCacheKey{query.uri, prefix_hash, hash(query.suffix),
                            (static_cast<uint64_t>(query.prefix.size()) << 32) |
                                static_cast<uint32_t>(query.suffix.size())};
}

size_t CompletionCache::KeyHash::operator()(const CompletionCacheKey& key) const {
  size_t h = std::hash<std::string>{}(key.uri);
  for (uint64_t part : {key.prefix_hash, key.suffix_hash, key.lengths}) {
    h = h * 1099511628211ull ^ static_cast<size_t>(part);
  }
  return h;
}

std::optional<std::string> CompletionCache::find(const CompletionCacheKey& key) {
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  entries_.splice(entries_.begin(), entries_, it->second);
  return it->second->second;
}

void CompletionCache::put(const CompletionCacheKey& key, std::string completion) {
  if (capacity_ == 0) return;
  if (auto it = index_.find(key); it != index_.end()) {
    it->second->second = std::move(completion);
    entries_.splice(entries_.begin(), entries_, it->second);
    return;
  }
  entries_.emplace_front(key, std::move(completion));
  index_[key] = entries_.begin();
  while (entries_.size() > capacity_) {
    index_.erase(entries_.back().first);
    entries_.pop_back();
  }
}

void CompletionCache::clear() {
  entries_.clear();
  index_.clear();
}

}  // namespace flint
