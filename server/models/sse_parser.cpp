#include "server/models/sse_parser.h"

#include <charconv>

namespace flint::models {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::pair<std::string_view, std::string_view> split_field(std::string_view line) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return {line, {}};
  std::string_view value = line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return {line.substr(0, colon), value};
}

}  // namespace

bool SseParser::feed(std::string_view bytes, SseHandler& handler) {
  if (failed_) return false;
  if (!bom_done_) {
    // The BOM may arrive split over several chunks: hold its bytes until it is decided.
    while (!bom_done_ && !bytes.empty()) {
      bom_prefix_.push_back(bytes.front());
      bytes.remove_prefix(1);
      if (kBom.substr(0, bom_prefix_.size()) != bom_prefix_) {
        bom_done_ = true;
        std::string replay = std::move(bom_prefix_);
        bom_prefix_.clear();
        if (!feed_lines(replay, handler)) return false;
      } else if (bom_prefix_.size() == kBom.size()) {
        bom_done_ = true;
        bom_prefix_.clear();
      }
    }
  }
  return feed_lines(bytes, handler);
}

bool SseParser::feed_lines(std::string_view bytes, SseHandler& handler) {
  size_t pos = 0;
  if (after_cr_ && !bytes.empty()) {
    after_cr_ = false;
    if (bytes.front() == '\n') pos = 1;
  }
  while (pos < bytes.size() && !failed_) {
    size_t end = bytes.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) {
      partial_line_.append(bytes.substr(pos));
      if (partial_line_.size() > max_event_bytes_) failed_ = true;
      break;
    }
    std::string_view line = bytes.substr(pos, end - pos);
    if (!partial_line_.empty()) {
      partial_line_.append(line);
      line = partial_line_;
    }
    process_line(line, handler);
    partial_line_.clear();
    if (bytes[end] == '\r') {
      if (end + 1 == bytes.size()) {
        after_cr_ = true;
      } else if (bytes[end + 1] == '\n') {
        ++end;
      }
    }
    pos = end + 1;
  }
  return !failed_;
}

void SseParser::finish(SseHandler& handler) {
  if (failed_) return;
  if (!bom_done_ && !bom_prefix_.empty()) {
    bom_done_ = true;
    std::string replay = std::move(bom_prefix_);
    bom_prefix_.clear();
    feed_lines(replay, handler);
  }
  if (!partial_line_.empty()) {
    std::string line = std::move(partial_line_);
    partial_line_.clear();
    process_line(line, handler);
  }
  dispatch(handler);
}

void SseParser::process_line(std::string_view line, SseHandler& handler) {
  if (line.empty()) {
    dispatch(handler);
    return;
  }
  if (line.front() == ':') {
    std::string_view text = line.substr(1);
    if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    handler.on_comment(text);
    return;
  }
  auto [field, value] = split_field(line);
  if (field == "data") {
    data_.append(value);
    data_.push_back('\n');
    if (data_.size() > max_event_bytes_) failed_ = true;
  } else if (field == "event") {
    event_type_.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) last_id_.assign(value);
  } else if (field == "retry") {
    int ms = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (ec == std::errc() && end == value.data() + value.size() && !value.empty() &&
        value.front() != '-') {
      retry_ms_ = ms;
    }
  }
  // Unknown fields are ignored, as the specification says.
}

void SseParser::dispatch(SseHandler& handler) {
  if (data_.empty()) {
    event_type_.clear();
    return;
  }
  data_.pop_back();  // the "\n" after the last data line
  SseEvent event{event_type_.empty() ? std::string_view("message") : std::string_view(event_type_),
                 data_, last_id_};
  handler.on_event(event);
  data_.clear();
  event_type_.clear();
}

}  // namespace flint::models
