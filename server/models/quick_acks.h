#pragma once
// Keeps flint's delayed ACKs from holding up a model's stream.
//
// A server that leaves Nagle's algorithm on (cpp-httplib's default, so llama.cpp's server)
// holds a small write until its previous one is acknowledged. Linux delays its ACKs on a
// connection it takes for request-response ("pingpong": flint sent its request soon after the
// last response, as an agent's next turn or a second edit does), up to 40 ms: the stream's
// first and last events then wait that long. TCP_QUICKACK takes the socket out of that mode
// and sends the ACK that is due at once, but the kernel goes back to it by itself, so it is set
// again after every read.
//
// libcurl does not say which socket a running transfer reads (CURLINFO_ACTIVESOCKET answers
// only once the transfer is over), so the sockets are followed from their creation
// (CURLOPT_SOCKOPTFUNCTION) to their close (CURLOPT_CLOSESOCKETFUNCTION) and all of them are
// re-armed: a setsockopt per connection (0.3 µs each, measured here) per wake-up of the I/O
// thread. Where there is no TCP_QUICKACK (not Linux), this does nothing.
//
// Threads: attach() and rearm() run on the client's I/O thread, and so do libcurl's callbacks,
// except during curl_multi_cleanup (on the thread that shuts the client down, once the I/O
// thread has ended).

#include <curl/curl.h>

#include <vector>

namespace flint::models::detail {

class QuickAcks {
 public:
  // Every easy handle of the multi handle must be attached: any of them may open the
  // connection that later ones reuse, and libcurl calls the callbacks of the handle that opened
  // it, with this object, until the connection closes. So this object must outlive the multi
  // handle's connections (curl_multi_cleanup).
  void attach(CURL* easy);
  // After reads: acknowledge what was read now, and keep acknowledging at once.
  void rearm() const;

 private:
  static int on_open(void* self, curl_socket_t socket, curlsocktype purpose);
  static int on_close(void* self, curl_socket_t socket);

  std::vector<curl_socket_t> sockets_;
};

}  // namespace flint::models::detail
