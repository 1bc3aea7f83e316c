#pragma once
// The one redactor: secrets masked in every text that may reach a log, an error message or a
// trace. The logging sink runs every line through it, so a key cannot leak even when some
// code path prints a request by mistake; the model client runs its errors and traces through
// one made for its key.

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace flint {

class Redactor {
 public:
  static constexpr std::string_view kMask = "<redacted>";
  // A word sharing this many characters in a row with a secret is an echo of it (providers'
  // 401 bodies show keys partly masked: "Incorrect API key provided: sk-proj-abc***xyz").
  static constexpr size_t kMinShared = 8;

  Redactor() = default;
  explicit Redactor(std::vector<std::string> secrets);
  explicit Redactor(std::string secret) : Redactor(std::vector<std::string>{std::move(secret)}) {}

  // `text` with the secrets, their echoes and credential patterns masked (below).
  std::string operator()(std::string_view text) const;
  bool empty() const { return secrets_.empty(); }

 private:
  std::vector<std::string> secrets_;       // longest first
  std::unordered_set<std::string> grams_;  // every kMinShared-long substring of a secret
};

// Redactor(secrets)(text): `text` with
// - every occurrence of each non-empty string of `secrets` replaced by "<redacted>", and every
//   word that shares 8 characters in a row with one of them;
// - the values of credential headers and fields masked, whether written as a header line,
//   JSON or `name=value`: Authorization and Proxy-Authorization (the scheme is kept:
//   "Authorization: Bearer <redacted>"), x-api-key, api-key, api_key, apikey, password,
//   client_secret;
// - the token after "Bearer " anywhere;
// - the password of a URL's user info ("https://user:<redacted>@host");
// - URL query parameters key, api_key, apikey, token, access_token ("?key=<redacted>").
// Names match case-insensitively. Cost: one pass per secret plus one pass for the patterns.
std::string redact_secrets(std::string_view text, const std::vector<std::string>& secrets);

}  // namespace flint
