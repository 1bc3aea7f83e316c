#pragma once
// Incremental HTTP/1.1 request framing for the fake endpoint: request line, headers and a
// Content-Length body (libcurl never sends chunked bodies for POSTFIELDS). Limits keep a
// misbehaving client from exhausting memory.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flint::fake {

struct HttpRequest {
  std::string method;
  std::string path;
  std::string version;                                       // "HTTP/1.1"
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  std::string header(std::string_view name) const;  // lower-case name; "" when absent
  bool keep_alive() const;
  bool expects_continue() const;
};

enum class ParseStatus {
  kIncomplete,       // need more bytes
  kHeadersComplete,  // headers parsed, body still incomplete (answer 100-continue if asked)
  kComplete,         // `request` filled, its bytes removed from the buffer
  kBad,              // malformed: answer 400 and close
  kTooLarge,         // over the limits: answer 413 and close
  kNeedsLength,      // chunked request body: answer 411 and close
};

class RequestReader {
 public:
  static constexpr size_t kMaxHeaderBytes = 64 * 1024;
  static constexpr size_t kMaxBodyBytes = 64 * 1024 * 1024;

  // Looks for one request at the start of `buffer`.
  ParseStatus parse(std::string& buffer, HttpRequest& request);
  // The request whose headers were parsed (valid after HeadersComplete).
  const HttpRequest& pending() const { return pending_; }

 private:
  bool have_headers_ = false;
  size_t header_bytes_ = 0;
  size_t content_length_ = 0;
  HttpRequest pending_;
};

}  // namespace flint::fake
