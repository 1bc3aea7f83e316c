#pragma once
// The open documents: what didOpen/didChange/didClose/didSave say, applied to TextBuffers,
// with LSP positions converted in the negotiated encoding.
//
// Thread contract: like all server state, the store lives on the io_context thread; nothing
// here locks. Documents are owned by the store and a Document* stays valid until close().

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/text_input.h"
#include "protocol/lsp_types.h"
#include "protocol/position_encoding.h"
#include "server/text/text_buffer.h"

namespace flint {

// How offset_of treats a position outside the document.
enum class PositionCheck {
  kClamp,   // as the LSP spec says: a line past the last line means the end of the document,
            // a character past the end of the line means the end of the line
  kStrict,  // nullopt for a line past the last line or a position inside a character (for
            // ranges from a person: they answer -32602); a character past the end of its line
            // still means the end of the line, as the specification says (Neovim 0.7 sends
            // line-wise selections that way)
};

struct Document {
  Document(std::string uri, std::string language_id, int64_t version, std::string_view text,
           protocol::PositionEncoding encoding);
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  std::string uri;
  std::string language_id;
  int64_t version = 0;
  std::optional<int64_t> saved_version;  // version at the last didSave
  TextBuffer text;
  protocol::PositionEncoding encoding;

  // Byte offset of an LSP position. With PositionCheck::kClamp it always has a value.
  std::optional<uint32_t> offset_of(protocol::Position position,
                                    PositionCheck check = PositionCheck::kClamp) const;
  // LSP position of a byte offset (clamped to the document; a byte inside a character or a
  // line terminator gives the position before it).
  protocol::Position position_of(uint32_t byte) const;
  protocol::Range range_of(uint32_t begin_byte, uint32_t end_byte) const;
};

// Result of a store operation. `document` is null when nothing was applied (unknown
// document); `message` is empty when all was well, otherwise one line for the log saying why
// nothing was applied or what irregularity was tolerated. It names neither the method nor the
// uri: the caller puts those first ("didChange file:///a.py: not open; ignored").
struct DocumentResult {
  Document* document = nullptr;
  std::string message;
};

class DocumentStore {
 public:
  // Called after each content change is applied, with the change in tree-sitter's terms
  // (a full replacement is one change covering the whole old text). During the call the
  // document's version is still the one before the didChange: the store sets the new version
  // once every change of the notification is applied. Listeners must not call the store.
  using ChangeListener = std::function<void(Document&, const parsers::TextChange&)>;

  explicit DocumentStore(protocol::PositionEncoding encoding = protocol::PositionEncoding::kUtf16);

  // The negotiated encoding, for documents open now and later.
  void set_encoding(protocol::PositionEncoding encoding);
  protocol::PositionEncoding encoding() const { return encoding_; }

  // Listeners run in the order they were added.
  void add_change_listener(ChangeListener listener);

  // didOpen. Opening a document that is already open replaces its text (reported to the
  // listeners as a full change) and says so in `message`; its Document* stays the same.
  DocumentResult open(const protocol::TextDocumentItem& item);

  // didChange: applies the changes in order. Unknown documents are an error. A version that
  // is not newer than the current one is reported but applied: the client's text is the truth,
  // and refusing it would leave every later position wrong. An inverted range is applied with
  // its ends swapped, and reported. A change that would make the document too large (4 GiB)
  // stops the batch: the document is then out of sync, which `message` says.
  DocumentResult change(const protocol::VersionedTextDocumentIdentifier& id,
                        const std::vector<protocol::TextDocumentContentChangeEvent>& changes);

  // didSave: records the saved version. When the client sent the text and it differs from
  // ours, the client's text replaces ours (a full change) and `message` reports the drift.
  DocumentResult save(const protocol::DidSaveTextDocumentParams& params);

  // didClose: false if the document was not open.
  bool close(std::string_view uri);

  Document* find(std::string_view uri);
  const Document* find(std::string_view uri) const;
  size_t size() const { return documents_.size(); }
  void for_each(const std::function<void(Document&)>& visit);

 private:
  void notify(Document& document, const parsers::TextChange& change);
  void replace_all(Document& document, std::string_view text);

  protocol::PositionEncoding encoding_;
  std::map<std::string, std::unique_ptr<Document>, std::less<>> documents_;
  std::vector<ChangeListener> listeners_;
};

}  // namespace flint
