#pragma once
// Masking secrets in text that may reach a log: the logging sink runs every line through
// redact_secrets, so a key cannot leak even when some code path prints a request by mistake.

#include <string>
#include <string_view>
#include <vector>

namespace flint {

inline constexpr std::string_view kRedacted = "<redacted>";

// Returns `text` with
// - every occurrence of each non-empty string of `secrets` replaced by "<redacted>";
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
