#include "server/models/provider.h"

#include <stdexcept>

#include "server/models/provider_support.h"

namespace flint::models {

std::string_view to_string(ModelError::Kind kind) {
  using K = ModelError::Kind;
  switch (kind) {
    case K::kUnauthorized:
      return "unauthorized";
    case K::kNotFound:
      return "not found";
    case K::kRateLimited:
      return "rate limited";
    case K::kServer:
      return "server error";
    case K::kTimeout:
      return "timeout";
    case K::kConnect:
      return "connection failed";
    case K::kInterrupted:
      return "interrupted";
    case K::kMalformedStream:
      return "malformed stream";
    case K::kCancelled:
      return "cancelled";
    case K::kBadConfig:
      return "bad configuration";
    case K::kOther:
      return "error";
  }
  return "error";
}

HttpRequest Provider::fim_request(const ModelRoleConfig&, const FimRequest&) const {
  throw std::logic_error(std::string(name()) + " has no fill-in-the-middle endpoint");
}

namespace {

// The one list of providers: lookups, config validation, --help and (tested) the VS Code
// settings' enum all read it.
const std::vector<const Provider*>& all_providers() {
  static const std::vector<const Provider*> kAll = {
      &detail::openai_chat_provider(), &detail::openai_responses_provider(),
      &detail::openai_completions_provider(), &detail::ollama_provider(),
      &detail::anthropic_provider()};
  return kAll;
}

}  // namespace

const Provider* find_provider(std::string_view name) {
  for (const Provider* provider : all_providers()) {
    if (provider->name() == name) return provider;
  }
  return nullptr;
}

std::vector<std::string_view> provider_names() {
  std::vector<std::string_view> names;
  for (const Provider* provider : all_providers()) names.push_back(provider->name());
  return names;
}

}  // namespace flint::models
