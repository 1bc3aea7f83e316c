#include "tests/fake_endpoint/http_request.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace flint::fake {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::string HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return {};
}

bool HttpRequest::keep_alive() const {
  std::string connection = lower(header("connection"));
  if (version == "HTTP/1.0") return connection == "keep-alive";
  return connection != "close";
}

bool HttpRequest::expects_continue() const {
  return lower(header("expect")) == "100-continue";
}

ParseStatus RequestReader::parse(std::string& buffer, HttpRequest& request) {
  if (!have_headers_) {
    size_t end = buffer.find("\r\n\r\n");
    if (end == std::string::npos) {
      return buffer.size() > kMaxHeaderBytes ? ParseStatus::kTooLarge : ParseStatus::kIncomplete;
    }
    if (end > kMaxHeaderBytes) return ParseStatus::kTooLarge;
    pending_ = HttpRequest{};
    std::string_view head(buffer.data(), end);
    size_t line_end = head.find("\r\n");
    std::string_view request_line = head.substr(0, line_end);
    size_t first = request_line.find(' ');
    size_t second = request_line.rfind(' ');
    if (first == std::string_view::npos || second == first) return ParseStatus::kBad;
    pending_.method = std::string(request_line.substr(0, first));
    pending_.path = std::string(request_line.substr(first + 1, second - first - 1));
    pending_.version = std::string(request_line.substr(second + 1));
    if (pending_.version.rfind("HTTP/1.", 0) != 0 || pending_.path.empty()) {
      return ParseStatus::kBad;
    }
    std::string_view rest =
        line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);
    while (!rest.empty()) {
      size_t next = rest.find("\r\n");
      std::string_view line = rest.substr(0, next);
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 2);
      size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) return ParseStatus::kBad;
      pending_.headers.emplace_back(lower(trim(line.substr(0, colon))),
                                    std::string(trim(line.substr(colon + 1))));
    }
    if (!pending_.header("transfer-encoding").empty()) return ParseStatus::kNeedsLength;
    content_length_ = 0;
    if (std::string length = pending_.header("content-length"); !length.empty()) {
      auto [ptr, ec] =
          std::from_chars(length.data(), length.data() + length.size(), content_length_);
      if (ec != std::errc() || ptr != length.data() + length.size()) return ParseStatus::kBad;
      if (content_length_ > kMaxBodyBytes) return ParseStatus::kTooLarge;
    }
    header_bytes_ = end + 4;
    have_headers_ = true;
  }
  if (buffer.size() < header_bytes_ + content_length_) return ParseStatus::kHeadersComplete;
  pending_.body = buffer.substr(header_bytes_, content_length_);
  buffer.erase(0, header_bytes_ + content_length_);
  request = std::move(pending_);
  pending_ = HttpRequest{};
  have_headers_ = false;
  return ParseStatus::kComplete;
}

}  // namespace flint::fake
