#include "server/text/redact.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

namespace flint {

namespace {

bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}
bool is_space(char c) {
  return c == ' ' || c == '\t';
}

bool starts_with_nocase(std::string_view text, size_t at, std::string_view prefix) {
  if (text.size() - at < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[at + i])) != prefix[i]) return false;
  }
  return true;
}

// Characters that end a secret value: whitespace, quotes, escapes and the punctuation that
// separates values in headers, JSON, query strings and log lines.
bool ends_value(char c) {
  static constexpr std::string_view kEnds = " \t\r\n\"'\\,;&}])#";
  return kEnds.find(c) != std::string_view::npos;
}

size_t value_end(std::string_view text, size_t at) {
  while (at < text.size() && !ends_value(text[at])) ++at;
  return at;
}

// [begin, end) of the part of `text` to replace by "<redacted>".
struct Mask {
  size_t begin;
  size_t end;
};

// Names whose value is a credential: "Name: value", "name=value", "\"name\": \"value\"".
constexpr std::array kCredentialNames = {
    std::string_view{"proxy-authorization"},
    std::string_view{"authorization"},
    std::string_view{"x-api-key"},
    std::string_view{"api-key"},
    std::string_view{"api_key"},
    std::string_view{"apikey"},
    std::string_view{"client_secret"},
    std::string_view{"password"},
};
constexpr std::array kQueryNames = {std::string_view{"access_token"}, std::string_view{"api_key"},
                                    std::string_view{"apikey"}, std::string_view{"token"},
                                    std::string_view{"key"}};

// After an auth scheme such as "Bearer " or "Basic ", only the credential is masked.
size_t skip_auth_scheme(std::string_view text, size_t at) {
  size_t word = at;
  while (word < text.size() && std::isalpha(static_cast<unsigned char>(text[word]))) ++word;
  if (word == at || word >= text.size() || !is_space(text[word])) return at;
  size_t credential = word;
  while (credential < text.size() && is_space(text[credential])) ++credential;
  return credential < text.size() && !ends_value(text[credential]) ? credential : at;
}

std::optional<Mask> credential_field_at(std::string_view text, size_t at) {
  if (at > 0 && is_alnum(text[at - 1])) return std::nullopt;
  for (std::string_view name : kCredentialNames) {
    if (!starts_with_nocase(text, at, name)) continue;
    size_t i = at + name.size();
    if (i < text.size() && (text[i] == '"' || text[i] == '\'')) ++i;
    while (i < text.size() && is_space(text[i])) ++i;
    if (i >= text.size() || (text[i] != ':' && text[i] != '=')) return std::nullopt;
    ++i;
    while (i < text.size() && is_space(text[i])) ++i;
    if (i < text.size() && (text[i] == '"' || text[i] == '\'')) ++i;
    size_t begin = skip_auth_scheme(text, i);
    size_t end = value_end(text, begin);
    if (end == begin) return std::nullopt;
    return Mask{begin, end};
  }
  return std::nullopt;
}

std::optional<Mask> bearer_token_at(std::string_view text, size_t at) {
  if (at > 0 && is_alnum(text[at - 1])) return std::nullopt;
  if (!starts_with_nocase(text, at, "bearer")) return std::nullopt;
  size_t i = at + 6;
  if (i >= text.size() || !is_space(text[i])) return std::nullopt;
  while (i < text.size() && is_space(text[i])) ++i;
  size_t end = value_end(text, i);
  if (end == i) return std::nullopt;
  return Mask{i, end};
}

std::optional<Mask> query_secret_at(std::string_view text, size_t at) {
  if (text[at] != '?' && text[at] != '&') return std::nullopt;
  for (std::string_view name : kQueryNames) {
    if (!starts_with_nocase(text, at + 1, name)) continue;
    size_t i = at + 1 + name.size();
    if (i >= text.size() || text[i] != '=') continue;
    size_t end = value_end(text, i + 1);
    if (end == i + 1) return std::nullopt;
    return Mask{i + 1, end};
  }
  return std::nullopt;
}

// "scheme://user:password@host": masks the password.
std::optional<Mask> url_password_at(std::string_view text, size_t at) {
  if (text.compare(at, 3, "://") != 0) return std::nullopt;
  size_t i = at + 3;
  size_t colon = std::string_view::npos;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '@') break;
    if (c == '/' || c == '?' || c == '#' || ends_value(c)) return std::nullopt;
    if (c == ':' && colon == std::string_view::npos) colon = i;
  }
  if (i >= text.size() || colon == std::string_view::npos || colon + 1 == i) return std::nullopt;
  return Mask{colon + 1, i};
}

std::string mask_patterns(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    std::optional<Mask> mask = credential_field_at(text, i);
    if (!mask) mask = bearer_token_at(text, i);
    if (!mask) mask = query_secret_at(text, i);
    if (!mask) mask = url_password_at(text, i);
    if (mask) {
      out.append(text, i, mask->begin - i);
      out += Redactor::kMask;
      i = mask->end;
    } else {
      out += text[i++];
    }
  }
  return out;
}

}  // namespace

namespace {

// Where a word ends, for the echoes of a key (a partly masked key is one word).
bool is_word_delimiter(char c) {
  static constexpr std::string_view kDelimiters = " \t\r\n\"',;()[]{}<>=:`.";
  return kDelimiters.find(c) != std::string_view::npos;
}

}  // namespace

Redactor::Redactor(std::vector<std::string> secrets) {
  for (auto& s : secrets) {
    if (!s.empty()) secrets_.push_back(std::move(s));
  }
  // Longest first, so a secret that contains another is masked whole.
  std::sort(secrets_.begin(), secrets_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const auto& secret : secrets_) {
    for (size_t i = 0; secret.size() >= kMinShared && i + kMinShared <= secret.size(); ++i) {
      grams_.insert(secret.substr(i, kMinShared));
    }
  }
}

std::string Redactor::operator()(std::string_view text) const {
  std::string masked(text);
  for (const auto& secret : secrets_) {
    for (size_t at = masked.find(secret); at != std::string::npos;
         at = masked.find(secret, at + kMask.size())) {
      masked.replace(at, secret.size(), kMask);
    }
  }
  if (!grams_.empty()) {
    // Echoes: a word sharing kMinShared characters in a row with a secret.
    std::string out;
    out.reserve(masked.size());
    std::string gram;
    for (size_t i = 0; i < masked.size();) {
      if (is_word_delimiter(masked[i])) {
        out.push_back(masked[i++]);
        continue;
      }
      size_t end = i;
      while (end < masked.size() && !is_word_delimiter(masked[end])) ++end;
      std::string_view word(masked.data() + i, end - i);
      bool shares = false;
      for (size_t k = 0; !shares && k + kMinShared <= word.size(); ++k) {
        gram.assign(word.substr(k, kMinShared));
        shares = grams_.count(gram) > 0;
      }
      out.append(shares ? kMask : word);
      i = end;
    }
    masked = std::move(out);
  }
  return mask_patterns(masked);
}

std::string redact_secrets(std::string_view text, const std::vector<std::string>& secrets) {
  return Redactor(secrets)(text);
}

}  // namespace flint
