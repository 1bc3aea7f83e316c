// Code actions: placeholder until they land.
#include "server/server.h"

namespace flint {

void Server::bind_code_actions() {}

}  // namespace flint
