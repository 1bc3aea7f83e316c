// The document store against a naive reference: arbitrary sequences of didOpen, incremental
// and full didChange, didSave with text and encoding switches, with positions in UTF-8, UTF-16
// and UTF-32, on arbitrary bytes (invalid UTF-8, CRLF, lone CR). The reference is a
// std::string whose positions are computed the slow, obvious way from the rules of
// protocol/position_encoding.h (Unicode's table of well-formed UTF-8; any other byte is one
// character of one unit; a line's final "\r" is its terminator's).
//
// Input: operations, each a line of letters and numbers followed by as many bytes of text as
// its last number says:
//   E n             switch the position encoding (n mod 3: UTF-8, UTF-16, UTF-32)
//   O len           didOpen (of an open document: reopen) with `len` bytes of text
//   C l c l c len   a change of the range (l c)-(l c), part of one didChange with the
//                   changes right after it
//   F len           a full change (no range), likewise
//   S len           didSave with text
//   Q l c           positions only: offset_of, strict and clamped, and position_of
//   T n             a TextBuffer with chunks of n bytes (8 minimum) follows the same edits
// Anything else ends the input.
//
// Properties (a violation traps): after every operation the document holds the reference's
// text; each change reported to listeners has the reference's bytes and points; offsets of
// positions (clamped and strict) and positions of offsets equal the reference's; the small-chunk
// TextBuffer agrees on every line.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/position_encoding.h"
#include "server/documents.h"
#include "server/text/text_buffer.h"
#include "tests/fuzz/fuzz_check.h"

namespace flint::fuzz {
namespace {

using protocol::Position;
using protocol::PositionEncoding;

// ---- The reference ----------------------------------------------------------------------

// Length of the character starting at s[i], from Unicode's table 3-7 of well-formed UTF-8
// byte sequences; 1 for a byte that starts none.
size_t char_length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return i + k < s.size() ? static_cast<uint8_t>(s[i + k]) : 0u; };
  auto in = [&](size_t k, unsigned lo, unsigned hi) { return byte(k) >= lo && byte(k) <= hi; };
  unsigned b = byte(0);
  if (b <= 0x7F) return 1;
  if (b >= 0xC2 && b <= 0xDF && in(1, 0x80, 0xBF)) return 2;
  if (b == 0xE0 && in(1, 0xA0, 0xBF) && in(2, 0x80, 0xBF)) return 3;
  if (((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) && in(1, 0x80, 0xBF) &&
      in(2, 0x80, 0xBF)) {
    return 3;
  }
  if (b == 0xED && in(1, 0x80, 0x9F) && in(2, 0x80, 0xBF)) return 3;
  if (b == 0xF0 && in(1, 0x90, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF)) return 4;
  if (b >= 0xF1 && b <= 0xF3 && in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF)) {
    return 4;
  }
  if (b == 0xF4 && in(1, 0x80, 0x8F) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF)) return 4;
  return 1;
}

uint32_t units(size_t length, PositionEncoding encoding) {
  switch (encoding) {
    case PositionEncoding::kUtf8:
      return static_cast<uint32_t>(length);
    case PositionEncoding::kUtf16:
      return length == 4 ? 2 : 1;
    case PositionEncoding::kUtf32:
      return 1;
  }
  return 1;
}

struct Reference {
  std::string text;
  PositionEncoding encoding = PositionEncoding::kUtf16;

  std::vector<size_t> line_starts() const {
    std::vector<size_t> starts{0};
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts.push_back(i + 1);
    }
    return starts;
  }
  // Line n's addressable content: without its "\n" and without a "\r" before it.
  std::string_view content(size_t n) const {
    std::vector<size_t> starts = line_starts();
    size_t end = n + 1 < starts.size() ? starts[n + 1] - 1 : text.size();
    std::string_view line = std::string_view(text).substr(starts[n], end - starts[n]);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }
  // The character boundaries of line n's content, each with the units before it.
  std::vector<std::pair<size_t, uint32_t>> boundaries(size_t n) const {
    std::string_view line = content(n);
    std::vector<std::pair<size_t, uint32_t>> out{{0, 0}};
    for (size_t i = 0; i < line.size();) {
      size_t length = char_length(line, i);
      i += length;
      out.emplace_back(i, out.back().second + units(length, encoding));
    }
    return out;
  }

  // Clamped: a line past the end is the end of the text; a character past the end of its
  // line is the end of the content; inside a character, its start.
  uint32_t offset(Position p) const {
    std::vector<size_t> starts = line_starts();
    if (p.line >= starts.size()) return static_cast<uint32_t>(text.size());
    size_t byte = 0;
    for (auto [at, before] : boundaries(p.line)) {
      if (before <= p.character) byte = at;
    }
    return static_cast<uint32_t>(starts[p.line] + byte);
  }
  // Strict: nothing for a line past the end or a position inside a character.
  std::optional<uint32_t> strict_offset(Position p) const {
    if (p.line >= line_starts().size()) return std::nullopt;
    auto b = boundaries(p.line);
    bool on_boundary =
        std::any_of(b.begin(), b.end(), [&](auto x) { return x.second == p.character; });
    if (p.character < b.back().second && !on_boundary) return std::nullopt;
    return offset(p);
  }
  // The position of a byte (clamped): before the character or terminator it is inside.
  Position position(uint32_t byte) const {
    byte = std::min<uint32_t>(byte, static_cast<uint32_t>(text.size()));
    std::vector<size_t> starts = line_starts();
    size_t row = std::upper_bound(starts.begin(), starts.end(), byte) - starts.begin() - 1;
    uint32_t character = 0;
    for (auto [at, before] : boundaries(row)) {
      if (starts[row] + at <= byte) character = before;
    }
    return {static_cast<uint32_t>(row), character};
  }
  parsers::TextPoint point(size_t byte) const {
    std::vector<size_t> starts = line_starts();
    size_t row = std::upper_bound(starts.begin(), starts.end(), byte) - starts.begin() - 1;
    return {static_cast<uint32_t>(row), static_cast<uint32_t>(byte - starts[row])};
  }
};

// ---- The input --------------------------------------------------------------------------

class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}
  // The next operation's letter and numbers; false at the end.
  bool next(char& op, std::vector<uint32_t>& numbers) {
    size_t newline = rest_.find('\n');
    if (rest_.empty() || newline == std::string_view::npos) return false;
    std::string_view line = rest_.substr(0, newline);
    rest_.remove_prefix(newline + 1);
    op = line.empty() ? '\0' : line[0];
    numbers.clear();
    bool in_number = false;
    for (char c : line.substr(std::min<size_t>(1, line.size()))) {
      if (c >= '0' && c <= '9') {
        if (!in_number) numbers.push_back(0);
        uint64_t value = uint64_t{numbers.back()} * 10 + static_cast<uint32_t>(c - '0');
        numbers.back() = static_cast<uint32_t>(std::min<uint64_t>(value, UINT32_MAX));
        in_number = true;
      } else {
        in_number = false;
      }
    }
    return true;
  }
  std::string text(uint32_t length) {
    std::string out(rest_.substr(0, length));
    rest_.remove_prefix(out.size());
    return out;
  }
  char peek() const { return rest_.empty() ? '\0' : rest_[0]; }

 private:
  std::string_view rest_;
};

std::string show(Position p) {
  return std::to_string(p.line) + ":" + std::to_string(p.character);
}

// ---- The run ----------------------------------------------------------------------------

constexpr std::string_view kUri = "file:///fuzz.txt";

class Run {
 public:
  Run() {
    store_.add_change_listener(
        [this](Document&, const parsers::TextChange& change) { reported_.push_back(change); });
  }

  void execute(std::string_view bytes) {
    Reader reader(bytes);
    char op = 0;
    std::vector<uint32_t> n;
    std::vector<protocol::TextDocumentContentChangeEvent> batch;
    while (reader.next(op, n)) {
      auto number = [&](size_t i) { return i < n.size() ? n[i] : 0u; };
      switch (op) {
        case 'E': {
          auto encoding = static_cast<PositionEncoding>(number(0) % 3);
          store_.set_encoding(encoding);
          reference_.encoding = encoding;
          break;
        }
        case 'O':
          open(reader.text(number(0)));
          break;
        case 'C':
        case 'F': {
          protocol::TextDocumentContentChangeEvent change;
          if (op == 'C') {
            change.range = protocol::Range{{number(0), number(1)}, {number(2), number(3)}};
          }
          change.text = reader.text(number(op == 'C' ? 4 : 0));
          batch.push_back(std::move(change));
          // One didChange holds the changes that follow each other.
          if (reader.peek() != 'C' && reader.peek() != 'F') {
            change_batch(batch);
            batch.clear();
          }
          break;
        }
        case 'S':
          save(reader.text(number(0)));
          break;
        case 'Q':
          query({number(0), number(1)});
          break;
        case 'T':
          buffer_.emplace(reference_.text, TextBufferOptions{std::max<uint32_t>(8, number(0))});
          break;
        default:
          return;
      }
      compare();
    }
  }

 private:
  Document& document() {
    Document* document = store_.find(kUri);
    if (!document) fail("the document is not open");
    return *document;
  }

  void open(std::string text) {
    bool was_open = store_.find(kUri) != nullptr;
    reported_.clear();
    DocumentResult result = store_.open({std::string(kUri), "plaintext", ++version_, text});
    FLINT_FUZZ_CHECK(result.document != nullptr, "didOpen failed", result.message);
    // Reopening reports the new text as one full change.
    if (was_open) expect_change(0, static_cast<uint32_t>(reference_.text.size()), text);
    FLINT_FUZZ_CHECK(reported_.empty(), "a change was reported but not made", "");
    apply(0, static_cast<uint32_t>(reference_.text.size()), text);
  }

  void change_batch(const std::vector<protocol::TextDocumentContentChangeEvent>& changes) {
    if (!store_.find(kUri)) open("");
    reported_.clear();
    int64_t version = ++version_;
    DocumentResult result = store_.change({std::string(kUri), version}, changes);
    FLINT_FUZZ_CHECK(result.document != nullptr && result.document->version == version,
                     "didChange was not applied", result.message);
    for (const auto& change : changes) {
      uint32_t start = 0;
      auto end = static_cast<uint32_t>(reference_.text.size());
      if (change.range) {
        start = reference_.offset(change.range->start);
        end = reference_.offset(change.range->end);
        if (end < start) std::swap(start, end);
      }
      expect_change(start, end, change.text);
      apply(start, end, change.text);
    }
    FLINT_FUZZ_CHECK(reported_.empty(), "more changes were reported than made", "");
  }

  void save(std::string text) {
    if (!store_.find(kUri)) open("");
    reported_.clear();
    protocol::DidSaveTextDocumentParams params;
    params.textDocument.uri = std::string(kUri);
    params.text = text;
    DocumentResult result = store_.save(params);
    FLINT_FUZZ_CHECK(result.document != nullptr, "didSave failed", result.message);
    // A different text replaces ours (one full change); the same text changes nothing.
    bool differs = text != reference_.text;
    FLINT_FUZZ_CHECK(differs == !result.message.empty(), "didSave's message is wrong",
                     result.message);
    if (differs) {
      expect_change(0, static_cast<uint32_t>(reference_.text.size()), text);
      apply(0, static_cast<uint32_t>(reference_.text.size()), text);
    }
    FLINT_FUZZ_CHECK(reported_.empty(), "didSave reported a change it did not make", "");
  }

  void query(Position p) {
    if (!store_.find(kUri)) return;
    const Document& doc = document();
    uint32_t clamped = *doc.offset_of(p, PositionCheck::kClamp);
    FLINT_FUZZ_CHECK(clamped == reference_.offset(p), "offset_of (clamped) differs",
                     show(p) + " -> " + std::to_string(clamped) + ", expected " +
                         std::to_string(reference_.offset(p)));
    std::optional<uint32_t> strict = doc.offset_of(p, PositionCheck::kStrict);
    FLINT_FUZZ_CHECK(strict == reference_.strict_offset(p), "offset_of (strict) differs",
                     show(p) + " -> " + (strict ? std::to_string(*strict) : "none"));
    for (uint32_t byte : {p.character, clamped, p.line}) {
      Position got = doc.position_of(byte);
      FLINT_FUZZ_CHECK(got == reference_.position(byte), "position_of differs",
                       std::to_string(byte) + " -> " + show(got) + ", expected " +
                           show(reference_.position(byte)));
    }
  }

  // The next reported change must be [start, end) of the reference's text becoming `text`.
  void expect_change(uint32_t start, uint32_t end, std::string_view text) {
    FLINT_FUZZ_CHECK(!reported_.empty(), "a change was not reported", "");
    parsers::TextChange got = reported_.front();
    reported_.erase(reported_.begin());
    auto new_end = static_cast<uint32_t>(start + text.size());
    std::string after = reference_.text;
    after.replace(start, end - start, text);
    Reference next{after, reference_.encoding};
    bool same = got.start_byte == start && got.old_end_byte == end && got.new_end_byte == new_end &&
                got.start == reference_.point(start) && got.old_end == reference_.point(end) &&
                got.new_end == next.point(new_end);
    FLINT_FUZZ_CHECK(same, "the reported change differs",
                     "bytes " + std::to_string(got.start_byte) + "," +
                         std::to_string(got.old_end_byte) + "," + std::to_string(got.new_end_byte) +
                         ", expected " + std::to_string(start) + "," + std::to_string(end) + "," +
                         std::to_string(new_end));
  }

  void apply(uint32_t start, uint32_t end, std::string_view text) {
    reference_.text.replace(start, end - start, text);
    if (buffer_) buffer_->replace(start, end, text);
  }

  void compare() {
    if (!store_.find(kUri)) return;
    const TextBuffer& text = document().text;
    FLINT_FUZZ_CHECK(text.text() == reference_.text, "the document's text differs", "");
    auto starts = reference_.line_starts();
    FLINT_FUZZ_CHECK(text.line_count() == starts.size(), "the line count differs", "");
    if (!buffer_) return;
    FLINT_FUZZ_CHECK(buffer_->text() == reference_.text && buffer_->line_count() == starts.size(),
                     "the small-chunk buffer's text differs", "");
    for (size_t n = 0; n < starts.size(); ++n) {
      size_t end = n + 1 < starts.size() ? starts[n + 1] - 1 : reference_.text.size();
      auto row = static_cast<uint32_t>(n);
      FLINT_FUZZ_CHECK(buffer_->line_start(row) == starts[n] &&
                           buffer_->line(row) ==
                               std::string_view(reference_.text).substr(starts[n], end - starts[n]),
                       "a line of the small-chunk buffer differs", std::to_string(n));
    }
    for (size_t byte = 0; byte <= reference_.text.size(); byte += 7) {
      parsers::TextPoint point = reference_.point(byte);
      FLINT_FUZZ_CHECK(buffer_->point_of(static_cast<uint32_t>(byte)) == point &&
                           buffer_->offset_of(point) == byte,
                       "a point of the small-chunk buffer differs", std::to_string(byte));
    }
  }

  DocumentStore store_;
  Reference reference_;
  std::optional<TextBuffer> buffer_;
  std::vector<parsers::TextChange> reported_;
  int64_t version_ = 0;
};

}  // namespace
}  // namespace flint::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  flint::fuzz::Run run;
  run.execute(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
