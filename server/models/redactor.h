#pragma once
// Keeps an API key out of every string that leaves the model client: log lines, error
// messages, traces. Besides exact occurrences it masks any word that shares 8 or more
// consecutive characters with the key, which catches the partly masked echoes some providers
// put in their 401 bodies ("Incorrect API key provided: sk-proj-abc***xyz").

#include <string>
#include <string_view>
#include <unordered_set>

namespace flint::models {

class Redactor {
 public:
  static constexpr std::string_view kMask = "<redacted>";
  static constexpr size_t kMinShared = 8;

  Redactor() = default;
  explicit Redactor(std::string secret);

  std::string operator()(std::string_view text) const;
  bool empty() const { return secret_.empty(); }

 private:
  std::string secret_;
  std::unordered_set<std::string> grams_;  // every kMinShared-long substring of the secret
};

}  // namespace flint::models
