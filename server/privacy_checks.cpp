// The server's side of server/jobs/privacy.h: one Privacy for the workspace folders and the
// setting privacy.exclude (rebuilt when the setting changes), the check of a document, and
// the one message per document that says flint stays out of it.
#include <spdlog/spdlog.h>

#include "server/jobs/workspace.h"
#include "server/server.h"

namespace flint {

std::shared_ptr<const Privacy> Server::privacy() {
  if (!privacy_ || privacy_exclude_ != config_.privacy.exclude) {
    std::vector<std::filesystem::path> folders;
    for (const auto& uri : workspace_roots_) {
      if (auto path = jobs::path_from_uri(uri)) {
        std::error_code ec;
        auto canonical = std::filesystem::weakly_canonical(*path, ec);
        folders.push_back(ec ? *path : canonical);
      }
    }
    privacy_ = std::make_shared<Privacy>(std::move(folders), config_.privacy.exclude);
    privacy_exclude_ = config_.privacy.exclude;
  }
  return privacy_;
}

std::optional<std::string> Server::private_document(const std::string& uri, PrivacyScope scope) {
  auto path = jobs::path_from_uri(uri);
  if (!path) return std::nullopt;  // untitled: buffers, other schemes: no file to match
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(*path, ec);
  return privacy()->why_private(ec ? *path : canonical, scope);
}

void Server::tell_private_once(const std::string& uri, const std::string& why) {
  if (!told_private_.insert(uri).second) return;
  std::string name = uri.substr(uri.find_last_of('/') + 1);
  spdlog::info("{} is private ({}): no model request from it", uri, why);
  show_message(3, "flint: " + name + " is private (" + why +
                      "): no inline edits, ghost text or code actions there, nothing from it "
                      "goes to a model");
}

}  // namespace flint
