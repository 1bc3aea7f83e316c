#include "server/documents.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace flint {
namespace {

using protocol::Position;
using protocol::PositionEncoding;
using protocol::Range;
using protocol::TextDocumentContentChangeEvent;

constexpr PositionEncoding kEncodings[] = {PositionEncoding::kUtf8, PositionEncoding::kUtf16,
                                           PositionEncoding::kUtf32};

protocol::TextDocumentItem item(std::string uri, std::string text, int64_t version = 1) {
  return {std::move(uri), "python", version, std::move(text)};
}

TextDocumentContentChangeEvent edit(Position start, Position end, std::string text) {
  return {Range{start, end}, std::move(text)};
}

TextDocumentContentChangeEvent full(std::string text) {
  return {std::nullopt, std::move(text)};
}

// Positions of "a😀b" in each encoding: after "a", after the emoji, after "b".
struct EmojiCase {
  PositionEncoding encoding;
  uint32_t after_a, after_emoji, after_b;
};
constexpr EmojiCase kEmojiCases[] = {{PositionEncoding::kUtf8, 1, 5, 6},
                                     {PositionEncoding::kUtf16, 1, 3, 4},
                                     {PositionEncoding::kUtf32, 1, 2, 3}};

TEST(DocumentStore, OpenFindClose) {
  DocumentStore store;
  EXPECT_EQ(store.find("file:///a.py"), nullptr);
  DocumentResult opened = store.open(item("file:///a.py", "x = 1\n", 3));
  ASSERT_NE(opened.document, nullptr);
  EXPECT_TRUE(opened.message.empty());
  EXPECT_EQ(store.find("file:///a.py"), opened.document);
  EXPECT_EQ(opened.document->version, 3);
  EXPECT_EQ(opened.document->language_id, "python");
  EXPECT_EQ(opened.document->text.text(), "x = 1\n");
  EXPECT_EQ(opened.document->encoding, PositionEncoding::kUtf16);
  EXPECT_EQ(store.size(), 1u);
  EXPECT_TRUE(store.close("file:///a.py"));
  EXPECT_FALSE(store.close("file:///a.py"));
  EXPECT_EQ(store.find("file:///a.py"), nullptr);
}

TEST(DocumentStore, PointersStayValidUntilClose) {
  DocumentStore store;
  Document* first = store.open(item("file:///0", "zero")).document;
  std::vector<Document*> others;
  for (int i = 1; i < 200; ++i) {
    others.push_back(store.open(item("file:///" + std::to_string(i), "text")).document);
  }
  for (int i = 1; i < 200; i += 2) store.close("file:///" + std::to_string(i));
  EXPECT_EQ(store.find("file:///0"), first);
  EXPECT_EQ(first->text.text(), "zero");
  EXPECT_EQ(store.find("file:///2"), others[1]);
  EXPECT_EQ(store.size(), 100u);
}

TEST(DocumentStore, AstralCharactersInEachEncoding) {
  for (const EmojiCase& c : kEmojiCases) {
    SCOPED_TRACE(protocol::to_string(c.encoding));
    DocumentStore store(c.encoding);
    Document* doc = store
                        .open(item("file:///e",
                                   "a\xF0\x9F\x98\x80"
                                   "b\n"))
                        .document;
    EXPECT_EQ(doc->position_of(5), (Position{0, c.after_emoji}));
    EXPECT_EQ(doc->offset_of({0, c.after_b}), 6u);
    // Replace the emoji with "x".
    DocumentResult result =
        store.change({"file:///e", 2}, {edit({0, c.after_a}, {0, c.after_emoji}, "x")});
    EXPECT_TRUE(result.message.empty()) << result.message;
    EXPECT_EQ(doc->text.text(), "axb\n");
    EXPECT_EQ(doc->version, 2);
  }
}

TEST(DocumentStore, PositionInsideASurrogatePairRoundsDown) {
  DocumentStore store(PositionEncoding::kUtf16);
  Document* doc = store.open(item("file:///s", "\xF0\x9F\x98\x80\xF0\x9F\x98\x80")).document;
  EXPECT_EQ(doc->offset_of({0, 1}), 0u);
  EXPECT_EQ(doc->offset_of({0, 3}), 4u);
  EXPECT_EQ(doc->position_of(2), (Position{0, 0}));
  EXPECT_EQ(doc->position_of(6), (Position{0, 2}));
  // An insertion "inside" the first emoji lands before it, leaving both whole.
  store.change({"file:///s", 2}, {edit({0, 1}, {0, 1}, "|")});
  EXPECT_EQ(doc->text.text(), "|\xF0\x9F\x98\x80\xF0\x9F\x98\x80");
}

TEST(DocumentStore, CrlfLinesClampBeforeTheCarriageReturn) {
  DocumentStore store(PositionEncoding::kUtf16);
  Document* doc = store.open(item("file:///c", "ab\r\ncd\r\n")).document;
  EXPECT_EQ(doc->text.line_count(), 3u);
  EXPECT_EQ(doc->offset_of({0, 2}), 2u);
  EXPECT_EQ(doc->offset_of({0, 3}), 2u);
  EXPECT_EQ(doc->offset_of({0, 99}), 2u);
  EXPECT_EQ(doc->position_of(3), (Position{0, 2}));  // on the "\n"
  EXPECT_EQ(doc->position_of(4), (Position{1, 0}));
  EXPECT_EQ(doc->range_of(0, 8), (Range{{0, 0}, {2, 0}}));
  store.change({"file:///c", 2}, {edit({0, 99}, {1, 0}, "X\r\n")});
  EXPECT_EQ(doc->text.text(), "abX\r\ncd\r\n");
}

TEST(DocumentStore, PositionsPastTheEndClamp) {
  DocumentStore store(PositionEncoding::kUtf16);
  Document* doc = store.open(item("file:///p", "one\ntwo")).document;
  EXPECT_EQ(doc->offset_of({0, 50}), 3u);
  EXPECT_EQ(doc->offset_of({1, 50}), 7u);
  EXPECT_EQ(doc->offset_of({2, 0}), 7u);
  EXPECT_EQ(doc->offset_of({1000, 1000}), 7u);
  EXPECT_EQ(doc->position_of(1000), (Position{1, 3}));
  store.change({"file:///p", 2}, {edit({9, 0}, {9, 9}, "!")});
  EXPECT_EQ(doc->text.text(), "one\ntwo!");
}

TEST(DocumentStore, StrictOffsetsRejectImpossiblePositionsAndClampLongLines) {
  DocumentStore store(PositionEncoding::kUtf16);
  Document* doc = store.open(item("file:///s", "a\xF0\x9F\x98\x80\r\nb")).document;
  EXPECT_EQ(doc->offset_of({0, 3}, PositionCheck::kStrict), 5u);
  EXPECT_EQ(doc->offset_of({1, 1}, PositionCheck::kStrict), 8u);
  EXPECT_EQ(doc->offset_of({0, 2}, PositionCheck::kStrict), std::nullopt);  // mid-pair
  // A character past the end of its line is the end of the line, before its "\r\n".
  EXPECT_EQ(doc->offset_of({0, 4}, PositionCheck::kStrict), 5u);
  EXPECT_EQ(doc->offset_of({0, 2147483647}, PositionCheck::kStrict), 5u);
  EXPECT_EQ(doc->offset_of({1, 99}, PositionCheck::kStrict), 8u);
  EXPECT_EQ(doc->offset_of({2, 0}, PositionCheck::kStrict), std::nullopt);  // past the end
  EXPECT_EQ(doc->offset_of({2, 0}), 8u);
  EXPECT_EQ(doc->offset_of({0, 9}), 5u);
}

TEST(DocumentStore, EmptyDocumentsAndChangesAtTheVeryEnd) {
  DocumentStore store(PositionEncoding::kUtf32);
  Document* doc = store.open(item("file:///e", "")).document;
  EXPECT_EQ(doc->text.line_count(), 1u);
  EXPECT_EQ(doc->position_of(0), (Position{0, 0}));
  EXPECT_EQ(doc->offset_of({0, 0}), 0u);
  store.change({"file:///e", 2}, {edit({0, 0}, {0, 0}, "abc")});
  store.change({"file:///e", 3}, {edit({0, 3}, {0, 3}, "\n")});
  store.change({"file:///e", 4}, {edit({1, 0}, {1, 0}, "d")});
  EXPECT_EQ(doc->text.text(), "abc\nd");
  store.change({"file:///e", 5}, {edit({0, 0}, {1, 1}, "")});
  EXPECT_EQ(doc->text.text(), "");
  EXPECT_EQ(doc->version, 5);
}

TEST(DocumentStore, ChangesApplyInOrder) {
  DocumentStore store(PositionEncoding::kUtf16);
  Document* doc = store.open(item("file:///o", "hello world")).document;
  // The second range refers to the text after the first change.
  store.change({"file:///o", 2}, {edit({0, 0}, {0, 5}, "goodbye"), edit({0, 8}, {0, 13}, "moon"),
                                  full("replaced\n"), edit({1, 0}, {1, 0}, "tail")});
  EXPECT_EQ(doc->text.text(), "replaced\ntail");
}

TEST(DocumentStore, ListenersSeeEachChangeInTreeSitterTerms) {
  DocumentStore store(PositionEncoding::kUtf16);
  std::vector<parsers::TextChange> seen;
  std::vector<std::string> order;
  std::vector<int64_t> versions;
  store.add_change_listener([&](Document& doc, const parsers::TextChange& change) {
    seen.push_back(change);
    versions.push_back(doc.version);
    order.push_back("first");
  });
  store.add_change_listener(
      [&](Document&, const parsers::TextChange&) { order.push_back("second"); });
  Document* doc = store.open(item("file:///l", "ab\ncd")).document;
  EXPECT_TRUE(seen.empty());  // opening is not a change
  store.change({"file:///l", 7}, {edit({1, 1}, {1, 2}, "XY\nZ"), full("new")});
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(order, (std::vector<std::string>{"first", "second", "first", "second"}));
  EXPECT_EQ(versions, (std::vector<int64_t>{1, 1}));  // the new version is set after the batch
  EXPECT_EQ(doc->version, 7);

  EXPECT_EQ(seen[0].start_byte, 4u);
  EXPECT_EQ(seen[0].old_end_byte, 5u);
  EXPECT_EQ(seen[0].new_end_byte, 8u);
  EXPECT_EQ(seen[0].start, (parsers::TextPoint{1, 1}));
  EXPECT_EQ(seen[0].old_end, (parsers::TextPoint{1, 2}));
  EXPECT_EQ(seen[0].new_end, (parsers::TextPoint{2, 1}));
  // The full replacement covers the whole old text "ab\ncXY\nZ".
  EXPECT_EQ(seen[1].start_byte, 0u);
  EXPECT_EQ(seen[1].old_end_byte, 8u);
  EXPECT_EQ(seen[1].new_end_byte, 3u);
  EXPECT_EQ(seen[1].old_end, (parsers::TextPoint{2, 1}));
  EXPECT_EQ(seen[1].new_end, (parsers::TextPoint{0, 3}));
}

TEST(DocumentStore, UnknownDocumentsAndStaleVersionsAreReported) {
  DocumentStore store;
  DocumentResult unknown = store.change({"file:///nope", 2}, {full("x")});
  EXPECT_EQ(unknown.document, nullptr);
  EXPECT_NE(unknown.message.find("not open"), std::string::npos);

  Document* doc = store.open(item("file:///v", "abc", 5)).document;
  DocumentResult stale = store.change({"file:///v", 5}, {full("def")});
  EXPECT_EQ(stale.document, doc);
  EXPECT_NE(stale.message.find("not newer"), std::string::npos) << stale.message;
  EXPECT_EQ(doc->text.text(), "def");  // tolerated: the client's text is the truth
  DocumentResult fine = store.change({"file:///v", 6}, {full("ghi")});
  EXPECT_TRUE(fine.message.empty()) << fine.message;
}

TEST(DocumentStore, InvertedRangesAreSwappedAndReported) {
  DocumentStore store;
  Document* doc = store.open(item("file:///i", "abcdef")).document;
  DocumentResult result = store.change({"file:///i", 2}, {edit({0, 4}, {0, 1}, "-")});
  EXPECT_EQ(doc->text.text(), "a-ef");
  EXPECT_NE(result.message.find("swapped"), std::string::npos);
}

TEST(DocumentStore, ReopeningReplacesTheText) {
  DocumentStore store;
  int changes = 0;
  store.add_change_listener([&](Document&, const parsers::TextChange&) { ++changes; });
  Document* doc = store.open(item("file:///r", "old", 1)).document;
  DocumentResult again = store.open(item("file:///r", "new text", 4));
  EXPECT_EQ(again.document, doc);
  EXPECT_FALSE(again.message.empty());
  EXPECT_EQ(doc->text.text(), "new text");
  EXPECT_EQ(doc->version, 4);
  EXPECT_EQ(changes, 1);
}

TEST(DocumentStore, SaveRecordsTheVersionAndRepairsDrift) {
  DocumentStore store;
  int changes = 0;
  store.add_change_listener([&](Document&, const parsers::TextChange&) { ++changes; });
  Document* doc = store.open(item("file:///d", "same", 3)).document;
  EXPECT_FALSE(doc->saved_version);
  DocumentResult saved = store.save({{"file:///d"}, std::string("same")});
  EXPECT_TRUE(saved.message.empty());
  EXPECT_EQ(doc->saved_version, 3);
  EXPECT_EQ(changes, 0);
  DocumentResult drift = store.save({{"file:///d"}, std::string("different")});
  EXPECT_NE(drift.message.find("differs"), std::string::npos);
  EXPECT_EQ(doc->text.text(), "different");
  EXPECT_EQ(changes, 1);
  EXPECT_TRUE(store.save({{"file:///d"}, std::nullopt}).message.empty());
  EXPECT_EQ(store.save({{"file:///unknown"}, std::nullopt}).document, nullptr);
}

TEST(DocumentStore, EncodingAppliesToOpenDocuments) {
  DocumentStore store(PositionEncoding::kUtf16);
  Document* doc = store.open(item("file:///x", "\xC3\xA9z")).document;
  EXPECT_EQ(doc->position_of(2), (Position{0, 1}));
  store.set_encoding(PositionEncoding::kUtf8);
  EXPECT_EQ(doc->position_of(2), (Position{0, 2}));
  EXPECT_EQ(store.open(item("file:///y", "")).document->encoding, PositionEncoding::kUtf8);
}

// ---- The property: random edits through the store equal the same edits on a string ----

// One code point (or "\n") with its width in each encoding, so the test computes positions
// by adding widths rather than by decoding.
struct Piece {
  std::string bytes;
  uint32_t utf16 = 1;
  uint32_t width(PositionEncoding encoding) const {
    if (encoding == PositionEncoding::kUtf8) return static_cast<uint32_t>(bytes.size());
    if (encoding == PositionEncoding::kUtf16) return utf16;
    return 1;
  }
};

const std::vector<Piece>& piece_pool() {
  static const std::vector<Piece> pool = {
      {"a"},
      {"b"},
      {" "},
      {"("},
      {"\n"},
      {"\n"},
      {"\r"},  // "\r" + "\n" makes CRLF lines
      {"\xC3\xA9"},
      {"\xE4\xB8\xAD"},
      {"\xF0\x9F\x98\x80", 2},
      {"\xF0\x9F\x8E\x89", 2},
      {"\xFF"},  // invalid bytes that can never join a neighbour into one character
      {"\x80"},
  };
  return pool;
}

std::vector<Piece> random_pieces(std::mt19937& rng, size_t count) {
  std::uniform_int_distribution<size_t> pick(0, piece_pool().size() - 1);
  std::vector<Piece> pieces;
  for (size_t i = 0; i < count; ++i) pieces.push_back(piece_pool()[pick(rng)]);
  return pieces;
}

class Reference {
 public:
  explicit Reference(std::vector<Piece> pieces) : pieces_(std::move(pieces)) {}

  std::string text() const {
    std::string out;
    for (const Piece& piece : pieces_) out += piece.bytes;
    return out;
  }
  size_t boundaries() const { return pieces_.size() + 1; }

  // A client cannot name the place between a line's final "\r" and its "\n" (or the end).
  bool addressable(size_t k) const {
    return !(k > 0 && pieces_[k - 1].bytes == "\r" &&
             (k == pieces_.size() || pieces_[k].bytes == "\n"));
  }

  uint32_t byte_of(size_t k) const {
    uint32_t byte = 0;
    for (size_t i = 0; i < k; ++i) byte += static_cast<uint32_t>(pieces_[i].bytes.size());
    return byte;
  }

  Position position_of(size_t k, PositionEncoding encoding) const {
    Position position;
    for (size_t i = 0; i < k; ++i) {
      if (pieces_[i].bytes == "\n") {
        ++position.line;
        position.character = 0;
      } else {
        position.character += pieces_[i].width(encoding);
      }
    }
    return position;
  }

  void replace(size_t begin, size_t end, const std::vector<Piece>& with) {
    pieces_.erase(pieces_.begin() + static_cast<ptrdiff_t>(begin),
                  pieces_.begin() + static_cast<ptrdiff_t>(end));
    pieces_.insert(pieces_.begin() + static_cast<ptrdiff_t>(begin), with.begin(), with.end());
  }

 private:
  std::vector<Piece> pieces_;
};

parsers::TextPoint naive_point(std::string_view text, uint32_t byte) {
  parsers::TextPoint point;
  for (uint32_t i = 0; i < byte; ++i) {
    if (text[i] == '\n') {
      ++point.row;
      point.column = 0;
    } else {
      ++point.column;
    }
  }
  return point;
}

void expect_lookups_agree(const Document& doc, const Reference& reference,
                          PositionEncoding encoding, size_t stride) {
  for (size_t k = 0; k < reference.boundaries(); k += stride) {
    if (!reference.addressable(k)) continue;
    Position position = reference.position_of(k, encoding);
    uint32_t byte = reference.byte_of(k);
    ASSERT_EQ(doc.offset_of(position), byte) << "boundary " << k;
    ASSERT_EQ(doc.offset_of(position, PositionCheck::kStrict), byte) << "boundary " << k;
    ASSERT_EQ(doc.position_of(byte), position) << "boundary " << k;
  }
}

TEST(DocumentStoreProperty, RandomEditsMatchAPlainString) {
  std::mt19937 rng(424242);
  for (int round = 0; round < 12; ++round) {
    PositionEncoding encoding = kEncodings[round % 3];
    SCOPED_TRACE(::testing::Message() << "round " << round << " " << protocol::to_string(encoding));
    DocumentStore store(encoding);
    Reference reference(random_pieces(rng, round % 4 == 0 ? 0 : 3000 + 500 * round));
    std::string uri = "file:///prop" + std::to_string(round);
    Document* doc = store.open(item(uri, reference.text())).document;

    std::string before;  // the text before each change, for the listener's expectations
    parsers::TextChange expected;
    int heard = 0;
    store.add_change_listener([&](Document&, const parsers::TextChange& change) {
      ++heard;
      EXPECT_EQ(change.start_byte, expected.start_byte);
      EXPECT_EQ(change.old_end_byte, expected.old_end_byte);
      EXPECT_EQ(change.new_end_byte, expected.new_end_byte);
      EXPECT_EQ(change.start, expected.start);
      EXPECT_EQ(change.old_end, expected.old_end);
      EXPECT_EQ(change.new_end, expected.new_end);
    });

    for (int step = 1; step <= 400; ++step) {
      std::uniform_int_distribution<size_t> boundary(0, reference.boundaries() - 1);
      size_t a = boundary(rng), b = boundary(rng);
      if (a > b) std::swap(a, b);
      if (step % 4 != 0) b = std::min(b, a + 2);  // mostly keystrokes
      while (!reference.addressable(a)) --a;      // boundary 0 is always addressable
      while (!reference.addressable(b)) --b;
      if (b < a) b = a;
      std::vector<Piece> inserted = random_pieces(rng, step % 9 == 0 ? 60 : step % 4);

      TextDocumentContentChangeEvent change;
      before = reference.text();
      if (step % 97 == 0) {  // now and then the client sends the whole text
        a = 0;
        b = reference.boundaries() - 1;
        change.text = before;
        Reference whole = reference;
        whole.replace(a, b, inserted);
        change.text = whole.text();
      } else {
        change.range =
            Range{reference.position_of(a, encoding), reference.position_of(b, encoding)};
        for (const Piece& piece : inserted) change.text += piece.bytes;
      }
      expected.start_byte = reference.byte_of(a);
      expected.old_end_byte = reference.byte_of(b);
      expected.start = naive_point(before, expected.start_byte);
      expected.old_end = naive_point(before, expected.old_end_byte);
      reference.replace(a, b, inserted);
      std::string after = reference.text();
      expected.new_end_byte = change.range
                                  ? expected.start_byte + static_cast<uint32_t>(change.text.size())
                                  : static_cast<uint32_t>(after.size());
      expected.new_end = naive_point(after, expected.new_end_byte);

      DocumentResult result = store.change({uri, step + 1}, {change});
      ASSERT_EQ(result.document, doc);
      ASSERT_TRUE(result.message.empty()) << result.message;
      ASSERT_EQ(doc->text.size(), after.size()) << "step " << step;
      if (step % 40 == 0) {
        ASSERT_EQ(doc->text.text(), after) << "step " << step;
        expect_lookups_agree(*doc, reference, encoding, step % 80 == 0 ? 1 : 7);
      }
      if (testing::Test::HasFailure()) return;
    }
    EXPECT_EQ(heard, 400);
    EXPECT_EQ(doc->text.text(), reference.text());
    expect_lookups_agree(*doc, reference, encoding, 1);
  }
}

}  // namespace
}  // namespace flint
