#include "server/models/ndjson_parser.h"

namespace flint::models {

bool NdjsonParser::feed(std::string_view bytes, NdjsonHandler& handler) {
  if (failed_) return false;
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t end = bytes.find('\n', pos);
    if (end == std::string_view::npos) {
      partial_line_.append(bytes.substr(pos));
      if (partial_line_.size() > max_line_bytes_) failed_ = true;
      break;
    }
    std::string_view line = bytes.substr(pos, end - pos);
    if (!partial_line_.empty()) {
      partial_line_.append(line);
      emit(partial_line_, handler);
      partial_line_.clear();
    } else {
      emit(line, handler);
    }
    pos = end + 1;
  }
  return !failed_;
}

void NdjsonParser::finish(NdjsonHandler& handler) {
  if (failed_ || partial_line_.empty()) return;
  std::string line = std::move(partial_line_);
  partial_line_.clear();
  emit(line, handler);
}

void NdjsonParser::emit(std::string_view line, NdjsonHandler& handler) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find_first_not_of(" \t") == std::string_view::npos) return;
  handler.on_line(line);
}

}  // namespace flint::models
