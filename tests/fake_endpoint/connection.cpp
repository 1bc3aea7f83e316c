#include "tests/fake_endpoint/connection.h"

#include <wslay/wslay.h>

#include <asio/write.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace flint::fake {
namespace {

using json = nlohmann::json;

// Splits `text` into chunks of `size` code points (never inside a UTF-8 sequence).
std::vector<std::string> split_code_points(std::string_view text, int size) {
  std::vector<std::string> chunks;
  std::string current;
  int count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    bool lead = (c & 0xC0) != 0x80;
    if (lead && count == size) {
      chunks.push_back(std::move(current));
      current.clear();
      count = 0;
    }
    if (lead) ++count;
    current.push_back(text[i]);
  }
  if (!current.empty()) chunks.push_back(std::move(current));
  return chunks;
}

std::string hex(size_t value) {
  char buffer[32];
  int n = std::snprintf(buffer, sizeof buffer, "%zx", value);
  return std::string(buffer, static_cast<size_t>(n));
}

}  // namespace

Connection::Connection(FakeEndpoint::Impl& endpoint, asio::ip::tcp::socket socket, uint64_t id)
    : endpoint_(endpoint), socket_(std::move(socket)), timer_(endpoint.io), id_(id) {}

Connection::~Connection() {
  if (ws_ != nullptr) wslay_event_context_free(ws_);
}

void Connection::start() {
  read();
}

void Connection::close() {
  close_now();
}

void Connection::read() {
  socket_.async_read_some(asio::buffer(read_buffer_),
                          [self = shared_from_this()](std::error_code ec, size_t n) {
                            if (ec) {
                              self->peer_closed();
                              return;
                            }
                            self->input_.append(self->read_buffer_.data(), n);
                            if (self->ws_ != nullptr) {
                              self->ws_receive();
                            } else if (!self->responding_) {
                              self->next_request();
                            }
                            if (!self->closed_) self->read();
                          });
}

void Connection::next_request() {
  if (ws_ != nullptr) {
    ws_next_message();
    return;
  }
  while (!responding_ && !closed_) {
    HttpRequest request;
    switch (reader_.parse(input_, request)) {
      case ParseStatus::kIncomplete:
        return;
      case ParseStatus::kHeadersComplete:
        if (reader_.pending().expects_continue() && !continue_sent_) {
          continue_sent_ = true;
          write("HTTP/1.1 100 Continue\r\n\r\n");
        }
        return;
      case ParseStatus::kBad:
        keep_alive_ = false;
        responding_ = true;
        respond(400, "application/json", R"({"error":"malformed HTTP request"})", {}, 0);
        return;
      case ParseStatus::kTooLarge:
        keep_alive_ = false;
        responding_ = true;
        respond(413, "application/json", R"({"error":"request too large"})", {}, 0);
        return;
      case ParseStatus::kNeedsLength:
        keep_alive_ = false;
        responding_ = true;
        respond(411, "application/json", R"({"error":"send a Content-Length body"})", {}, 0);
        return;
      case ParseStatus::kComplete:
        continue_sent_ = false;
        handle(std::move(request));
        if (ws_ != nullptr) return;  // upgraded: the rest is WebSocket frames
        break;
    }
  }
}

void Connection::handle(HttpRequest request) {
  responding_ = true;
  keep_alive_ = request.keep_alive();
  Clock::time_point received = Clock::now();

  if (request.path.rfind("/_flint/", 0) == 0) {
    auto [status, body] = endpoint_.control(request);
    respond(status, "application/json", body, {}, 0);
    return;
  }

  RecordedRequest record;
  record.connection = id_;
  record.method = request.method;
  record.path = request.path;
  record.headers = request.headers;
  record.body = request.body;
  record.received_at = received;
  std::optional<Api> api = api_for_path(request.path);
  if (api) record.api = std::string(api_name(*api));
  bool upgrade_request = api == Api::kOpenAiResponses && is_websocket_upgrade(request);
  record.websocket = upgrade_request;
  uint64_t record_id = endpoint_.record(std::move(record));
  current_record_ = record_id;
  if (upgrade_request) {
    upgrade(request, record_id);
    return;
  }

  if (request.method == "HEAD") {
    respond(200, "", "", {}, record_id);
    return;
  }
  if (!api) {
    respond(404, "application/json",
            error_body(std::nullopt, 404, "flint fake endpoint: no provider API at " + request.path,
                       ""),
            {}, record_id);
    return;
  }
  if (request.method != "POST") {
    respond(405, "application/json", error_body(api, 405, "use POST", ""), {}, record_id);
    return;
  }

  Defaults defaults;
  Reply reply = endpoint_.choose(request.path, request.body, record_id, defaults);
  if (reply.fault == Fault::kClose) {
    endpoint_.write_log("fault close: connection closed without an answer");
    close_now();
    return;
  }
  if (reply.fault == Fault::kSlowHeaders) {
    timer_.expires_after(std::chrono::milliseconds(reply.delay_ms));
    timer_.async_wait([self = shared_from_this(), api = *api, request = std::move(request),
                       reply = std::move(reply), defaults, record_id,
                       received](std::error_code ec) mutable {
      if (ec || self->closed_) return;
      self->begin_reply(api, std::move(request), std::move(reply), defaults, record_id, received);
    });
    return;
  }
  begin_reply(*api, std::move(request), std::move(reply), defaults, record_id, received);
}

void Connection::begin_reply(Api api, HttpRequest request, Reply reply, Defaults defaults,
                             uint64_t record_id, Clock::time_point received) {
  if (reply.status < 200 || reply.status >= 300) {
    std::string model;
    json body = json::parse(request.body, nullptr, false);
    if (body.is_object() && body.contains("model") && body["model"].is_string()) {
      model = body["model"].get<std::string>();
    }
    std::vector<std::pair<std::string, std::string>> headers = reply.headers;
    if (reply.retry_after) headers.emplace_back("Retry-After", *reply.retry_after);
    respond(reply.status, "application/json",
            reply.body ? *reply.body : error_body(api, reply.status, reply.error_message, model),
            headers, record_id);
    return;
  }
  start_stream(api, request, std::move(reply), defaults, record_id, received);
}

void Connection::start_stream(Api api, const HttpRequest& request, Reply reply,
                              const Defaults& defaults, uint64_t record_id,
                              Clock::time_point received) {
  StreamContext context;
  json body = json::parse(request.body, nullptr, false);
  if (body.is_object()) {
    if (body.contains("model") && body["model"].is_string()) {
      context.model = body["model"].get<std::string>();
    }
    const json& options = body.contains("stream_options") ? body["stream_options"] : json();
    context.include_usage = options.is_object() && options.value("include_usage", false);
  }
  context.prompt_tokens = static_cast<int64_t>(request.body.size() / 4);
  context.quirks = reply.quirks;
  context.reasoning_field = reply.reasoning_field;
  if (ws_ != nullptr) context.response_id = ws_response_id_;

  Streaming s;
  s.format = StreamFormat::make(api, std::move(context));
  int chunk_size = reply.chunk_size.value_or(defaults.chunk_size);
  for (std::string& chunk : split_code_points(reply.reasoning, chunk_size)) {
    s.items.push_back({Item::Kind::kReasoning, std::move(chunk), 0, true});
  }
  for (std::string& chunk : split_code_points(reply.refusal, chunk_size)) {
    s.items.push_back({Item::Kind::kRefusal, std::move(chunk), 0, true});
  }
  for (std::string& chunk : split_code_points(reply.text, chunk_size)) {
    s.items.push_back({Item::Kind::kText, std::move(chunk), 0, true});
  }
  tools_ = reply.tool_calls;
  for (size_t i = 0; i < tools_.size(); ++i) {
    int index = static_cast<int>(i);
    if (!s.format->streams_tool_arguments()) {
      s.items.push_back({Item::Kind::kToolBegin, {}, index, true});
      continue;
    }
    s.items.push_back({Item::Kind::kToolBegin, {}, index, false});
    for (std::string& chunk : split_code_points(tools_[i].arguments_json, chunk_size)) {
      s.items.push_back({Item::Kind::kToolArguments, std::move(chunk), index, true});
    }
    s.items.push_back({Item::Kind::kToolEnd, {}, index, false});
  }
  double tokens_per_second = reply.tokens_per_second.value_or(defaults.tokens_per_second);
  if (tokens_per_second > 0) {
    s.interval = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / tokens_per_second));
  }
  s.first_due = std::max(
      Clock::now(),
      received + std::chrono::milliseconds(reply.first_token_ms.value_or(defaults.first_token_ms)));
  s.record_id = record_id;
  s.reply = std::move(reply);
  stream_ = std::move(s);

  if (ws_ == nullptr) {
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: ";
    head.append(stream_->format->content_type());
    head += "\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n";
    for (const auto& [name, value] : stream_->reply.headers) head += name + ": " + value + "\r\n";
    head += keep_alive_ ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    write(head);
  }
  endpoint_.update(record_id, [](RecordedRequest& r) { r.status = 200; });
  std::string begin = stream_->format->begin();
  if (comments()) begin = ": OPENROUTER PROCESSING\n\n" + begin;
  write_chunk(begin);
  tick();
}

void Connection::tick() {
  if (closed_ || !stream_) return;
  Streaming& s = *stream_;
  const Reply& reply = s.reply;
  Clock::time_point now = Clock::now();
  std::string out;
  int64_t written_before = s.content;
  auto record_progress = [&] {
    if (s.content == written_before) return;
    int64_t content = s.content;
    endpoint_.update(s.record_id, [content](RecordedRequest& r) { r.events_written = content; });
  };
  for (;;) {
    bool at_end = s.next == s.items.size();
    if (reply.fault != Fault::kNone && !s.fault_done &&
        (s.content >= reply.fault_after || at_end)) {
      bool stopped = apply_fault(out);
      if (stopped) {
        record_progress();
        return;
      }
      continue;
    }
    if (at_end) {
      bool had_tools = !tools_.empty();
      out += s.format->end(reply.finish_reason, s.content, had_tools);
      // The end marker and the body's terminator leave in one write: a client that starts its
      // next request on seeing the marker finds the connection already free.
      append_chunk(out);
      record_progress();
      end_body();
      return;
    }
    const Item& item = s.items[s.next];
    if (item.paced) {
      auto due = s.first_due + s.interval * s.content;
      if (due > now) {
        write_chunk(out);
        record_progress();
        timer_.expires_at(due);
        timer_.async_wait([self = shared_from_this()](std::error_code ec) {
          if (!ec) self->tick();
        });
        return;
      }
      ++s.content;
    }
    out += render(item);
    ++s.next;
  }
}

bool Connection::comments() const {
  return stream_ && stream_->reply.quirks.comments &&
         stream_->format->content_type() == "text/event-stream";
}

std::string Connection::render(const Item& item) {
  std::string out = render_event(item);
  if (!out.empty() && comments()) out = ": ping\n\n" + out;
  return out;
}

std::string Connection::render_event(const Item& item) {
  StreamFormat& format = *stream_->format;
  switch (item.kind) {
    case Item::Kind::kReasoning:
      return format.reasoning(item.text);
    case Item::Kind::kRefusal:
      return format.refusal(item.text);
    case Item::Kind::kText:
      if (stream_->reply.stamp_times) {
        return format.text(std::to_string(Clock::now().time_since_epoch().count()) + " ");
      }
      return format.text(item.text);
    case Item::Kind::kToolBegin:
      return format.tool_begin(tools_[item.tool], item.tool);
    case Item::Kind::kToolArguments:
      return format.tool_arguments(item.text, item.tool);
    case Item::Kind::kToolEnd:
      return format.tool_end(tools_[item.tool], item.tool);
  }
  return {};
}

bool Connection::apply_fault(std::string& out) {
  Streaming& s = *stream_;
  s.fault_done = true;
  endpoint_.write_log("fault " + std::string(to_string(s.reply.fault)) + " after " +
                      std::to_string(s.content) + " event(s)");
  switch (s.reply.fault) {
    case Fault::kGarbage:
      out += s.reply.garbage ? *s.reply.garbage : s.format->garbage();
      return false;
    case Fault::kError:
      out += s.format->error_event(s.reply.error_message.empty()
                                       ? "The server had an error while processing your request."
                                       : s.reply.error_message);
      append_chunk(out);
      end_body();
      return true;
    case Fault::kCut:
      write_chunk(out);
      if (ws_ != nullptr) {
        // A close frame (1011) in the middle of the response, then the TCP connection ends.
        static constexpr std::string_view kReason = "flint fake endpoint: fault cut";
        wslay_event_queue_close(ws_, 1011, reinterpret_cast<const uint8_t*>(kReason.data()),
                                kReason.size());
      }
      close_after_write_ = true;
      flush();
      return true;
    case Fault::kStall:
      write_chunk(out);
      if (s.reply.heartbeat_ms > 0 && !s.format->heartbeat().empty()) {
        heartbeat(std::chrono::milliseconds(s.reply.heartbeat_ms));
      }
      return true;
    default:
      return false;
  }
}

void Connection::heartbeat(std::chrono::milliseconds period) {
  timer_.expires_after(period);
  timer_.async_wait([self = shared_from_this(), period](std::error_code ec) {
    if (ec || self->closed_ || !self->stream_) return;
    self->write_chunk(self->stream_->format->heartbeat());
    self->heartbeat(period);
  });
}

void Connection::end_body() {
  if (ws_ != nullptr) {
    response_done_after_write_ = true;
    flush();
    return;
  }
  write("0\r\n\r\n");
  response_done_after_write_ = true;
  if (!keep_alive_) close_after_write_ = true;
  flush();
}

void Connection::respond(int status, std::string_view content_type, std::string_view body,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         uint64_t record_id) {
  std::string out =
      "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase(status)) + "\r\n";
  if (!content_type.empty()) out += "Content-Type: " + std::string(content_type) + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  out += keep_alive_ ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  out.append(body);
  if (record_id != 0) {
    endpoint_.update(record_id, [status](RecordedRequest& r) { r.status = status; });
  }
  current_record_ = record_id;
  write(out);
  response_done_after_write_ = true;
  if (!keep_alive_) close_after_write_ = true;
  flush();
}

void Connection::write(std::string_view bytes) {
  output_.append(bytes);
  flush();
}

void Connection::append_chunk(std::string_view payload) {
  if (payload.empty()) return;
  if (ws_ != nullptr) {
    ws_events(payload);
    return;
  }
  output_ += hex(payload.size());
  output_ += "\r\n";
  output_.append(payload);
  output_ += "\r\n";
}

void Connection::write_chunk(std::string_view payload) {
  append_chunk(payload);
  flush();
}

void Connection::flush() {
  if (write_in_flight_ || closed_) return;
  if (ws_ != nullptr) ws_drain();
  if (output_.empty()) {
    after_writes();
    return;
  }
  writing_.swap(output_);
  output_.clear();
  write_in_flight_ = true;
  asio::async_write(socket_, asio::buffer(writing_),
                    [self = shared_from_this()](std::error_code ec, size_t) {
                      self->write_in_flight_ = false;
                      self->writing_.clear();
                      if (ec) {
                        self->peer_closed();
                        return;
                      }
                      self->flush();
                    });
}

void Connection::after_writes() {
  if (close_after_write_) {
    close_now();
    return;
  }
  if (!response_done_after_write_) return;
  response_done_after_write_ = false;
  responding_ = false;
  uint64_t record = stream_ ? stream_->record_id : current_record_;
  if (record != 0) endpoint_.update(record, [](RecordedRequest& r) { r.completed = true; });
  stream_.reset();
  current_record_ = 0;
  next_request();
}

void Connection::peer_closed() {
  if (closed_) return;
  if (responding_) {
    uint64_t record = stream_ ? stream_->record_id : current_record_;
    if (record != 0) {
      endpoint_.update(record, [](RecordedRequest& r) {
        if (!r.completed) r.client_disconnected = true;
      });
    }
  }
  close_now();
}

void Connection::close_now() {
  if (closed_) return;
  closed_ = true;
  timer_.cancel();
  std::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  endpoint_.connection_closed(id_);
}

}  // namespace flint::fake
