#pragma once
// Content-Length framing of JSON-RPC messages over a byte stream (the LSP base protocol).
// Only this file knows about headers; everything above it sees whole message bodies.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace flint::protocol {

// Incremental reader: feed it bytes as they arrive, split or merged anywhere; it calls back
// with each complete body in order. A bad header block (no or unparsable Content-Length, a
// length over the cap) is reported and the reader resynchronises on the next header, so one
// broken message never takes the stream down.
class FrameReader {
 public:
  static constexpr size_t kDefaultMaxContentLength = size_t{64} << 20;

  using OnMessage = std::function<void(std::string body)>;
  using OnError = std::function<void(std::string message)>;

  FrameReader(OnMessage on_message, OnError on_error,
              size_t max_content_length = kDefaultMaxContentLength);

  void feed(std::string_view bytes);
  // Bytes buffered but not yet part of a complete message (for EOF diagnostics).
  size_t pending() const { return buffer_.size() - consumed_; }

 private:
  // Returns false when more bytes are needed.
  bool step();
  void resync(size_t from);
  // While resynchronising: moves to the next "Content-Length"; false if none is buffered yet.
  bool skip_to_header();
  void compact();

  OnMessage on_message_;
  OnError on_error_;
  size_t max_content_length_;
  std::string buffer_;
  size_t consumed_ = 0;
  // Set while a header block has been parsed and its body is still incomplete.
  size_t body_length_ = 0;
  bool in_body_ = false;
  bool resyncing_ = false;
};

// A whole frame: "Content-Length: N\r\n\r\n" + body.
std::string encode_frame(std::string_view body);
// The header alone ("Content-Length: N\r\n\r\n"), for writers that send the body beside it.
std::string frame_header(size_t body_size);

}  // namespace flint::protocol
