#pragma once
// Incremental newline-delimited JSON splitter (Ollama's native streaming format): one JSON
// value per line, "\n" or "\r\n" endings, blank lines skipped, chunks split anywhere. It only
// frames lines; the provider decoder parses them.

#include <cstddef>
#include <string>
#include <string_view>

namespace flint::models {

class NdjsonHandler {
 public:
  virtual void on_line(std::string_view line) = 0;

 protected:
  ~NdjsonHandler() = default;
};

class NdjsonParser {
 public:
  static constexpr size_t kDefaultMaxLineBytes = size_t{16} * 1024 * 1024;
  explicit NdjsonParser(size_t max_line_bytes = kDefaultMaxLineBytes)
      : max_line_bytes_(max_line_bytes) {}

  // Returns false (and stays failed) once a line grows past max_line_bytes.
  bool feed(std::string_view bytes, NdjsonHandler& handler);
  // End of stream: a last line without its "\n" still counts.
  void finish(NdjsonHandler& handler);
  bool failed() const { return failed_; }

 private:
  void emit(std::string_view line, NdjsonHandler& handler);

  size_t max_line_bytes_;
  std::string partial_line_;
  bool failed_ = false;
};

}  // namespace flint::models
