#include "server/models/redactor.h"

namespace flint::models {
namespace {

bool is_word_delimiter(char c) {
  switch (c) {
    case ' ':
    case '\t':
    case '\r':
    case '\n':
    case '"':
    case '\'':
    case ',':
    case ';':
    case '(':
    case ')':
    case '[':
    case ']':
    case '{':
    case '}':
    case '<':
    case '>':
    case '=':
    case ':':
    case '`':
    case '.':
      return true;
    default:
      return false;
  }
}

}  // namespace

Redactor::Redactor(std::string secret) : secret_(std::move(secret)) {
  if (secret_.size() < kMinShared) return;
  for (size_t i = 0; i + kMinShared <= secret_.size(); ++i) {
    grams_.insert(secret_.substr(i, kMinShared));
  }
}

std::string Redactor::operator()(std::string_view text) const {
  if (secret_.empty()) return std::string(text);
  std::string exact;
  exact.reserve(text.size());
  for (size_t pos = 0;;) {
    size_t hit = text.find(secret_, pos);
    if (hit == std::string_view::npos) {
      exact.append(text.substr(pos));
      break;
    }
    exact.append(text.substr(pos, hit - pos));
    exact.append(kMask);
    pos = hit + secret_.size();
  }
  if (grams_.empty()) return exact;

  std::string out;
  out.reserve(exact.size());
  std::string gram;
  size_t i = 0;
  while (i < exact.size()) {
    if (is_word_delimiter(exact[i])) {
      out.push_back(exact[i++]);
      continue;
    }
    size_t end = i;
    while (end < exact.size() && !is_word_delimiter(exact[end])) ++end;
    std::string_view word(exact.data() + i, end - i);
    bool shares = false;
    for (size_t k = 0; !shares && k + kMinShared <= word.size(); ++k) {
      gram.assign(word.substr(k, kMinShared));
      shares = grams_.count(gram) > 0;
    }
    if (shares) {
      out.append(kMask);
    } else {
      out.append(word);
    }
    i = end;
  }
  return out;
}

}  // namespace flint::models
