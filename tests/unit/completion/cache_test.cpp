// The completion cache: keys and least-recently-used eviction.
#include "server/completion/cache.h"

#include <gtest/gtest.h>

namespace flint {
namespace {

CompletionQuery query(std::string uri, std::string prefix, std::string suffix,
                      std::vector<std::string> context = {}) {
  CompletionQuery q;
  q.uri = std::move(uri);
  q.prefix = std::move(prefix);
  q.suffix = std::move(suffix);
  q.context = std::move(context);
  return q;
}

TEST(CompletionCache, KeysSeparateDocumentsPrefixesSuffixesAndContext) {
  CompletionCacheKey base = completion_cache_key(query("a", "x = ", "\n"));
  EXPECT_EQ(base, completion_cache_key(query("a", "x = ", "\n")));
  EXPECT_FALSE(base == completion_cache_key(query("b", "x = ", "\n")));
  EXPECT_FALSE(base == completion_cache_key(query("a", "x =", "\n")));
  EXPECT_FALSE(base == completion_cache_key(query("a", "x = ", "\n\n")));
  EXPECT_FALSE(base == completion_cache_key(query("a", "x = ", "\n", {"import os"})));
  // Moving text between prefix and suffix changes the key even if the whole is the same.
  EXPECT_FALSE(completion_cache_key(query("a", "ab", "c")) ==
               completion_cache_key(query("a", "a", "bc")));
}

TEST(CompletionCache, FindsWhatWasPut) {
  CompletionCache cache(4);
  auto key = completion_cache_key(query("a", "x = ", "\n"));
  EXPECT_FALSE(cache.find(key));
  cache.put(key, "42");
  ASSERT_TRUE(cache.find(key));
  EXPECT_EQ(*cache.find(key), "42");
  cache.put(key, "43");
  EXPECT_EQ(*cache.find(key), "43");
  EXPECT_EQ(cache.size(), 1u);
  cache.clear();
  EXPECT_FALSE(cache.find(key));
}

TEST(CompletionCache, EvictsTheLeastRecentlyUsed) {
  CompletionCache cache(3);
  std::vector<CompletionCacheKey> keys;
  for (int i = 0; i < 4; ++i)
    keys.push_back(completion_cache_key(query("a", std::to_string(i), "")));
  cache.put(keys[0], "0");
  cache.put(keys[1], "1");
  cache.put(keys[2], "2");
  EXPECT_TRUE(cache.find(keys[0]));  // 0 is now the most recently used
  cache.put(keys[3], "3");           // evicts 1
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_TRUE(cache.find(keys[0]));
  EXPECT_FALSE(cache.find(keys[1]));
  EXPECT_TRUE(cache.find(keys[2]));
  EXPECT_TRUE(cache.find(keys[3]));
}

TEST(CompletionCache, ZeroCapacityKeepsNothing) {
  CompletionCache cache(0);
  auto key = completion_cache_key(query("a", "x", ""));
  cache.put(key, "y");
  EXPECT_FALSE(cache.find(key));
}

}  // namespace
}  // namespace flint
