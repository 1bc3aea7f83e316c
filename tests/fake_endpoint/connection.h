#pragma once
// One client connection of the fake endpoint: reads requests (keep-alive, pipelining
// tolerated), answers control and HEAD requests at once, and streams scripted replies with
// chunked transfer encoding on a per-connection timer. While a reply streams, the socket is
// still read, so a client that goes away (a cancelled stream) is noticed at once.
//
// WebSocket Responses mode (websocket_mode.cpp): a GET on .../responses with Upgrade: websocket
// turns the connection into a WebSocket (wslay frames it, server side); each response.create
// text message is then answered with the Responses events, one text message per event, through
// the same streaming code (the SSE events the format writes are re-framed as messages).

#include <array>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// asio picks its allocator from standard-library macros: a standard header must come first in
// every file, or two files disagree (operator new in one, free in the other).
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include "tests/fake_endpoint/endpoint_state.h"
#include "tests/fake_endpoint/stream_formats.h"

struct wslay_event_context;

namespace flint::fake {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(FakeEndpoint::Impl& endpoint, asio::ip::tcp::socket socket, uint64_t id);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  void start();
  // Server shutdown.
  void close();

 private:
  struct Item {
    enum class Kind { kReasoning, kRefusal, kText, kToolBegin, kToolArguments, kToolEnd } kind;
    std::string text;
    int tool = 0;
    bool paced = true;  // a content event: consumes a slot of the token schedule
  };
  struct Streaming {
    Reply reply;
    uint64_t record_id = 0;
    std::unique_ptr<StreamFormat> format;
    std::vector<Item> items;
    size_t next = 0;
    int64_t content = 0;  // content events written
    Clock::time_point first_due;
    std::chrono::nanoseconds interval{0};
    bool fault_done = false;
  };

  void read();
  void next_request();
  void handle(HttpRequest request);
  void begin_reply(Api api, HttpRequest request, Reply reply, Defaults defaults, uint64_t record_id,
                   Clock::time_point received);
  void start_stream(Api api, const HttpRequest& request, Reply reply, const Defaults& defaults,
                    uint64_t record_id, Clock::time_point received);
  void tick();
  // Returns true when the fault ended (or paused) the stream.
  bool apply_fault(std::string& out);
  void heartbeat(std::chrono::milliseconds period);
  std::string render(const Item& item);  // the event, after a ": ping" with quirk comments
  std::string render_event(const Item& item);
  bool comments() const;  // quirk "comments" on an SSE stream
  void end_body();

  void respond(int status, std::string_view content_type, std::string_view body,
               const std::vector<std::pair<std::string, std::string>>& headers, uint64_t record_id);
  void write(std::string_view bytes);
  void write_chunk(std::string_view payload);
  void append_chunk(std::string_view payload);  // without flushing
  void flush();
  void after_writes();
  void peer_closed();
  void close_now();

  // WebSocket Responses mode (websocket_mode.cpp).
  static bool is_websocket_upgrade(const HttpRequest& request);
  void upgrade(const HttpRequest& request, uint64_t record_id);
  void ws_receive();       // frames from input_, then answers what arrived
  void ws_next_message();  // starts the next queued response.create
  void ws_handle(std::string text);
  void ws_send(std::string_view text);   // queues one text message
  void ws_events(std::string_view sse);  // each SSE event's data as one message
  void ws_error(int status, std::string_view code, std::string_view message,
                std::string_view param);
  void ws_drain();  // wslay's queued frames into output_

  wslay_event_context* ws_ = nullptr;
  std::string ws_path_;
  std::deque<std::string> ws_messages_;  // received, waiting for the current response
  std::map<std::string, nlohmann::json> ws_responses_;  // id -> full input + output items
  nlohmann::json ws_context_;                           // the current response's full input
  std::string ws_response_id_;
  uint64_t ws_next_response_ = 1;

  FakeEndpoint::Impl& endpoint_;
  asio::ip::tcp::socket socket_;
  asio::steady_timer timer_;
  uint64_t id_;
  std::array<char, 16 * 1024> read_buffer_{};
  std::string input_;
  RequestReader reader_;
  bool continue_sent_ = false;
  bool closed_ = false;
  bool responding_ = false;
  bool keep_alive_ = true;
  uint64_t current_record_ = 0;
  std::string output_;
  std::string writing_;
  bool write_in_flight_ = false;
  bool close_after_write_ = false;
  bool response_done_after_write_ = false;
  std::optional<Streaming> stream_;
  std::vector<ScriptedToolCall> tools_;
};

}  // namespace flint::fake
