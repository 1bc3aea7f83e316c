#include "server/models/provider.h"

#include <stdexcept>

#include "server/models/provider_support.h"

namespace flint::models {

std::string_view to_string(ModelError::Kind kind) {
  using K = ModelError::Kind;
  switch (kind) {
    case K::Unauthorized:
      return "unauthorized";
    case K::NotFound:
      return "not found";
    case K::RateLimited:
      return "rate limited";
    case K::Server:
      return "server error";
    case K::Timeout:
      return "timeout";
    case K::Connect:
      return "connection failed";
    case K::Interrupted:
      return "interrupted";
    case K::MalformedStream:
      return "malformed stream";
    case K::Cancelled:
      return "cancelled";
    case K::BadConfig:
      return "bad configuration";
    case K::Other:
      return "error";
  }
  return "error";
}

HttpRequest Provider::fim_request(const ModelRoleConfig&, const FimRequest&) const {
  throw std::logic_error(std::string(name()) + " has no fill-in-the-middle endpoint");
}

const Provider* find_provider(std::string_view name) {
  for (const Provider* provider :
       {&detail::openai_chat_provider(), &detail::openai_responses_provider(),
        &detail::openai_completions_provider(), &detail::ollama_provider(),
        &detail::anthropic_provider()}) {
    if (provider->name() == name) return provider;
  }
  return nullptr;
}

std::vector<std::string_view> provider_names() {
  return {"openai-chat", "openai-responses", "openai-completions", "ollama", "anthropic"};
}

}  // namespace flint::models
