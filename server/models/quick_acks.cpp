#include "server/models/quick_acks.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace flint::models::detail {
namespace {

void quick_ack(curl_socket_t socket) {
#ifdef TCP_QUICKACK
  int on = 1;
  // Fails harmlessly on a socket that is not TCP (a proxy's Unix socket).
  setsockopt(socket, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
#else
  (void)socket;
#endif
}

}  // namespace

void QuickAcks::attach(CURL* easy) {
  curl_easy_setopt(easy, CURLOPT_SOCKOPTFUNCTION, &QuickAcks::on_open);
  curl_easy_setopt(easy, CURLOPT_SOCKOPTDATA, this);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &QuickAcks::on_close);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
}

void QuickAcks::rearm() const {
  for (curl_socket_t socket : sockets_) quick_ack(socket);
}

int QuickAcks::on_open(void* self, curl_socket_t socket, curlsocktype purpose) {
  if (purpose == CURLSOCKTYPE_IPCXN) {
    static_cast<QuickAcks*>(self)->sockets_.push_back(socket);
    quick_ack(socket);
  }
  return CURL_SOCKOPT_OK;
}

int QuickAcks::on_close(void* self, curl_socket_t socket) {
  std::erase(static_cast<QuickAcks*>(self)->sockets_, socket);
  return close(socket);
}

}  // namespace flint::models::detail
