// Delayed ACKs: the client's connections acknowledge what they read at once, so that an
// endpoint with Nagle's algorithm on (llama.cpp's server) does not hold the start and the end
// of a stream until the kernel's delayed-ACK timer fires (server/models/quick_acks.h).
//
// Linux keeps a connection it takes for request-response in "pingpong" mode, where its ACKs
// wait; getsockopt(TCP_QUICKACK) reads 1 when the connection is out of it. The tests put the
// client's connection in that mode as the kernel would (setsockopt(TCP_QUICKACK, 0)), stream
// on it again, and read the mode when the stream has ended: only a client that re-arms
// TCP_QUICKACK after its reads has left it (the kernel itself leaves it only when a delayed
// ACK's timer fires, 40 ms at the least, far longer than these streams).

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/models/client_harness.h"

namespace flint::models::test {
namespace {

#ifdef TCP_QUICKACK

// This process's sockets connected to `port` on the loopback: the client's ends of its
// connections to the endpoint.
std::vector<int> sockets_to(uint16_t port) {
  std::vector<int> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    int fd = std::stoi(entry.path().filename().string());
    sockaddr_in peer{};
    socklen_t length = sizeof peer;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0 ||
        peer.sin_family != AF_INET) {
      continue;
    }
    if (ntohs(peer.sin_port) == port) found.push_back(fd);
  }
  return found;
}

int quick_ack_mode(int fd) {
  int value = -1;
  socklen_t length = sizeof value;
  if (getsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &value, &length) != 0) return -1;
  return value;
}

void enter_pingpong_mode(int fd) {
  int off = 0;
  ASSERT_EQ(setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &off, sizeof off), 0);
  ASSERT_EQ(quick_ack_mode(fd), 0);
}

class ClientAcksTest : public ClientTest {
 protected:
  // Streams once more on the one connection to the endpoint, after putting it in pingpong
  // mode; the mode read at the stream's end.
  int mode_after_a_stream() {
    std::vector<int> sockets = sockets_to(endpoint_.port());
    EXPECT_EQ(sockets.size(), 1u);
    if (sockets.size() != 1) return -1;
    enter_pingpong_mode(sockets[0]);
    Outcome outcome;
    auto stream = client_->chat(config(), user_says("again"), record_into(outcome));
    EXPECT_TRUE(run_until([&] { return outcome.ended(); }));
    EXPECT_TRUE(outcome.summary) << (outcome.error ? outcome.error->message : "");
    return quick_ack_mode(sockets[0]);
  }
};

TEST_F(ClientAcksTest, AStreamOnAReusedConnectionLeavesPingpongMode) {
  endpoint_.set_script(json{{"default", {{"text", "def f():\n    return 1\n"}}}});
  Outcome first = chat(config(), user_says("first"));
  ASSERT_TRUE(first.summary) << (first.error ? first.error->message : "");
  EXPECT_EQ(mode_after_a_stream(), 1) << "the client let the kernel delay its ACKs";
  EXPECT_EQ(mode_after_a_stream(), 1);
  EXPECT_EQ(endpoint_.connections_accepted(), 1u);
}

TEST_F(ClientAcksTest, AlsoOnTheConnectionAPrewarmOpened) {
  // The prewarm's handle opens the connection (libcurl then calls that handle's socket
  // callbacks for it); the streams after it reuse it.
  client_->prewarm(config());
  ASSERT_TRUE(endpoint_.wait_for_requests(1, 10s));
  for (int i = 0; i < 500 && !endpoint_.requests()[0].completed; ++i)
    std::this_thread::sleep_for(2ms);
  std::this_thread::sleep_for(100ms);  // the HEAD's handle is done and its connection pooled
  EXPECT_EQ(mode_after_a_stream(), 1) << "the client let the kernel delay its ACKs";
  EXPECT_EQ(endpoint_.connections_accepted(), 1u);
}

#else

TEST(ClientAcks, NeedsTcpQuickAck) {
  GTEST_SKIP() << "no TCP_QUICKACK on this system: the client cannot ask for immediate ACKs";
}

#endif

}  // namespace
}  // namespace flint::models::test
