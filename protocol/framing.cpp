#include "protocol/framing.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace flint::protocol {
namespace {

constexpr std::string_view kContentLength = "content-length";

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Position of the next "Content-Length" (any case) at or after `from`, or npos.
size_t find_header_start(std::string_view text, size_t from) {
  for (size_t i = from; i + kContentLength.size() <= text.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) == 'c' &&
        iequals(text.substr(i, kContentLength.size()), kContentLength)) {
      return i;
    }
  }
  return std::string_view::npos;
}

// Whole "Name: value" lines, each ending with "\n" (what may precede a Content-Length header).
bool only_header_lines(std::string_view text) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return false;  // the header starts mid-line
    std::string_view line = trim(text.substr(0, nl));
    text.remove_prefix(nl + 1);
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    for (char c : line.substr(0, colon)) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    }
  }
  return true;
}

// For messages: control bytes shown as '.'.
std::string printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = '.';
  }
  return out;
}

}  // namespace

FrameReader::FrameReader(OnMessage on_message, OnError on_error, size_t max_content_length)
    : on_message_(std::move(on_message)),
      on_error_(std::move(on_error)),
      max_content_length_(max_content_length) {}

void FrameReader::feed(std::string_view bytes) {
  buffer_.append(bytes);
  while (step()) {
  }
  compact();
}

void FrameReader::compact() {
  // Amortised: drop consumed bytes once they dominate the buffer.
  if (consumed_ > 0 && (consumed_ == buffer_.size() || consumed_ > buffer_.size() / 2)) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
}

void FrameReader::resync(size_t from) {
  consumed_ = std::min(from, buffer_.size());
  resyncing_ = true;
}

bool FrameReader::skip_to_header() {
  size_t next = find_header_start(buffer_, consumed_);
  if (next == std::string::npos) {
    // Keep a tail that could be the start of a "Content-Length" split across reads.
    size_t keep = std::min(buffer_.size() - consumed_, kContentLength.size() - 1);
    consumed_ = buffer_.size() - keep;
    return false;
  }
  consumed_ = next;
  resyncing_ = false;
  return true;
}

bool FrameReader::step() {
  std::string_view view(buffer_);
  if (in_body_) {
    if (view.size() - consumed_ < body_length_) return false;
    std::string body(view.substr(consumed_, body_length_));
    consumed_ += body_length_;
    in_body_ = false;
    on_message_(std::move(body));
    return true;
  }
  if (consumed_ >= view.size()) return false;
  if (resyncing_ && !skip_to_header()) return false;

  // Skip stray line breaks between messages silently; anything else before a header is junk.
  while (consumed_ < view.size() && (view[consumed_] == '\r' || view[consumed_] == '\n')) {
    ++consumed_;
  }
  if (consumed_ >= view.size()) return false;

  // The header block ends at the first empty line ("\r\n\r\n"; a bare "\n\n" is tolerated).
  size_t end = std::string_view::npos;
  size_t body_start = 0;
  for (size_t i = consumed_; i < view.size(); ++i) {
    if (view[i] != '\n') continue;
    if (i + 1 < view.size() && view[i + 1] == '\n') {
      end = i;
      body_start = i + 2;
      break;
    }
    if (i + 2 < view.size() && view[i + 1] == '\r' && view[i + 2] == '\n') {
      end = i;
      body_start = i + 3;
      break;
    }
  }
  if (end == std::string_view::npos) {
    // Header still incomplete. Guard against an endless header from a broken client.
    if (view.size() - consumed_ > size_t{64} * 1024) {
      on_error_("header block longer than 64 KiB without an empty line; resynchronising");
      resync(consumed_ + 1);
      return true;
    }
    return false;
  }

  // Bytes that are no header in front of a "Content-Length" (the tail of a body longer than
  // its Content-Length, as a client counting characters instead of bytes sends; stray bytes on
  // the pipe): skipped up to that header wherever it starts, so the message it heads is read.
  if (size_t header = find_header_start(view.substr(0, end), consumed_);
      header != std::string_view::npos && header > consumed_ &&
      !only_header_lines(view.substr(consumed_, header - consumed_))) {
    on_error_(std::to_string(header - consumed_) + " bytes that are no header ('" +
              printable(view.substr(consumed_, std::min<size_t>(header - consumed_, 40))) +
              "') before a Content-Length; skipped");
    consumed_ = header;
    return true;
  }

  std::string_view headers = view.substr(consumed_, end - consumed_);
  std::optional<size_t> length;
  std::string problem;
  while (!headers.empty()) {
    size_t nl = headers.find('\n');
    std::string_view line = trim(headers.substr(0, nl));
    headers = nl == std::string_view::npos ? std::string_view{} : headers.substr(nl + 1);
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      problem = "malformed header line '" + std::string(line.substr(0, 80)) + "'";
      break;
    }
    std::string_view name = trim(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, kContentLength)) {
      if (length) {
        problem = "duplicate Content-Length header";
        break;
      }
      size_t n = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || ptr != value.data() + value.size() || value.empty()) {
        problem = "invalid Content-Length '" + std::string(value.substr(0, 40)) + "'";
        break;
      }
      length = n;
    }
    // Other headers (Content-Type) are accepted and ignored: the body is always UTF-8 JSON.
  }
  if (problem.empty() && !length) problem = "missing Content-Length header";
  if (problem.empty() && *length > max_content_length_) {
    problem = "Content-Length " + std::to_string(*length) + " exceeds the limit of " +
              std::to_string(max_content_length_) + " bytes";
  }
  if (!problem.empty()) {
    on_error_(problem + "; resynchronising on the next header");
    resync(end);
    return true;
  }
  consumed_ = body_start;
  body_length_ = *length;
  in_body_ = true;
  // A big body (a didOpen of a large file) arrives in many reads: room for it at once, instead
  // of a doubling buffer copying it again and again.
  if (buffer_.capacity() < consumed_ + body_length_) buffer_.reserve(consumed_ + body_length_);
  return true;
}

std::string frame_header(size_t body_size) {
  return "Content-Length: " + std::to_string(body_size) + "\r\n\r\n";
}

std::string encode_frame(std::string_view body) {
  std::string out = frame_header(body.size());
  out.append(body);
  return out;
}

}  // namespace flint::protocol
