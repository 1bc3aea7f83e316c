// Inline completion: placeholder until it lands.
#include "server/server.h"

namespace flint {

void Server::bind_inline_completion() {}

}  // namespace flint
