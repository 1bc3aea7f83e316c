#include "server/documents.h"

#include <fmt/core.h>

#include <utility>

#include "server/text/text_positions.h"

namespace flint {

namespace {

// Whether `buffer` holds exactly `text`, without copying the buffer.
bool holds(const TextBuffer& buffer, std::string_view text) {
  if (buffer.size() != text.size()) return false;
  for (uint32_t at = 0; at < buffer.size();) {
    std::string_view run = buffer.chunk_at(at);
    if (text.substr(at, run.size()) != run) return false;
    at += static_cast<uint32_t>(run.size());
  }
  return true;
}

void append_line(std::string& message, const std::string& line) {
  if (!message.empty()) message += "; ";
  message += line;
}

}  // namespace

// ---- Document ---------------------------------------------------------------------------

Document::Document(std::string uri, std::string language_id, int64_t version, std::string_view text,
                   protocol::PositionEncoding encoding)
    : uri(std::move(uri)),
      language_id(std::move(language_id)),
      version(version),
      text(text),
      encoding(encoding) {}

std::optional<uint32_t> Document::offset_of(protocol::Position position,
                                            PositionCheck check) const {
  if (position.line >= text.line_count()) {
    if (check == PositionCheck::kStrict) return std::nullopt;
    return text.size();
  }
  std::string_view line = text.line(position.line);
  uint32_t column = protocol::byte_of_character(line, position.character, encoding);
  // A character past the end of the line means its end (the LSP specification: it "defaults
  // back to the line length"; byte_of_character stops before a "\r\n"); a round trip that
  // does not come back short of that is a position inside a character.
  uint32_t length = protocol::character_of_byte(line, static_cast<uint32_t>(line.size()), encoding);
  if (check == PositionCheck::kStrict && position.character < length &&
      protocol::character_of_byte(line, column, encoding) != position.character) {
    return std::nullopt;
  }
  return text.line_start(position.line) + column;
}

protocol::Position Document::position_of(uint32_t byte) const {
  return position_in(text, byte, encoding);
}

protocol::Range Document::range_of(uint32_t begin_byte, uint32_t end_byte) const {
  return range_in(text, begin_byte, end_byte, encoding);
}

// ---- DocumentStore ----------------------------------------------------------------------

DocumentStore::DocumentStore(protocol::PositionEncoding encoding) : encoding_(encoding) {}

void DocumentStore::set_encoding(protocol::PositionEncoding encoding) {
  encoding_ = encoding;
  for (auto& [uri, document] : documents_) document->encoding = encoding;
}

void DocumentStore::add_change_listener(ChangeListener listener) {
  listeners_.push_back(std::move(listener));
}

void DocumentStore::notify(Document& document, const parsers::TextChange& change) {
  for (const ChangeListener& listener : listeners_) listener(document, change);
}

void DocumentStore::replace_all(Document& document, std::string_view text) {
  parsers::TextChange change = document.text.replace(0, document.text.size(), text);
  notify(document, change);
}

DocumentResult DocumentStore::open(const protocol::TextDocumentItem& item) {
  if (item.text.size() > TextBuffer::kMaxSize) {
    return {nullptr, fmt::format("the text is too large ({} bytes); not opened", item.text.size())};
  }
  if (Document* existing = find(item.uri)) {
    existing->language_id = item.languageId;
    existing->version = item.version;
    replace_all(*existing, item.text);
    return {existing, "already open; its text was replaced"};
  }
  auto document =
      std::make_unique<Document>(item.uri, item.languageId, item.version, item.text, encoding_);
  Document* opened = document.get();
  documents_.emplace(item.uri, std::move(document));
  return {opened, {}};
}

DocumentResult DocumentStore::change(
    const protocol::VersionedTextDocumentIdentifier& id,
    const std::vector<protocol::TextDocumentContentChangeEvent>& changes) {
  Document* document = find(id.uri);
  if (!document) return {nullptr, "not open; ignored"};

  std::string message;
  if (id.version <= document->version) {
    append_line(message, fmt::format("version {} is not newer than {}; applied anyway", id.version,
                                     document->version));
  }
  for (const protocol::TextDocumentContentChangeEvent& change : changes) {
    uint32_t start = 0, end = document->text.size();
    if (change.range) {
      start = *document->offset_of(change.range->start);
      end = *document->offset_of(change.range->end);
      if (end < start) {
        std::swap(start, end);
        append_line(message, fmt::format("range end {}:{} is before its start {}:{}; swapped",
                                         change.range->end.line, change.range->end.character,
                                         change.range->start.line, change.range->start.character));
      }
    }
    if (uint64_t{document->text.size()} - (end - start) + change.text.size() >
        TextBuffer::kMaxSize) {
      append_line(message,
                  "a change would make the document larger than 4 GiB; it and the changes after "
                  "it were dropped, the document is out of sync");
      break;
    }
    notify(*document, document->text.replace(start, end, change.text));
  }
  document->version = id.version;
  return {document, message};
}

DocumentResult DocumentStore::save(const protocol::DidSaveTextDocumentParams& params) {
  Document* document = find(params.textDocument.uri);
  if (!document) return {nullptr, "not open; ignored"};
  document->saved_version = document->version;
  if (!params.text || holds(document->text, *params.text)) return {document, {}};
  if (params.text->size() > TextBuffer::kMaxSize) {
    return {document,
            fmt::format("the saved text is too large ({} bytes); ignored", params.text->size())};
  }
  std::string message =
      fmt::format("the saved text ({} bytes) differs from flint's ({} bytes); took the client's",
                  params.text->size(), document->text.size());
  replace_all(*document, *params.text);
  return {document, std::move(message)};
}

bool DocumentStore::close(std::string_view uri) {
  auto it = documents_.find(uri);
  if (it == documents_.end()) return false;
  documents_.erase(it);
  return true;
}

Document* DocumentStore::find(std::string_view uri) {
  auto it = documents_.find(uri);
  return it == documents_.end() ? nullptr : it->second.get();
}

const Document* DocumentStore::find(std::string_view uri) const {
  auto it = documents_.find(uri);
  return it == documents_.end() ? nullptr : it->second.get();
}

void DocumentStore::for_each(const std::function<void(Document&)>& visit) {
  for (auto& [uri, document] : documents_) visit(*document);
}

}  // namespace flint
