// Agent jobs: placeholder until the job manager lands (issue 6).
#include "server/server.h"

namespace flint {

void Server::bind_jobs() {}

std::optional<std::string> Server::start_escalated_job(const ActiveEdit&, const std::string&) {
  return std::nullopt;
}

}  // namespace flint
