// textDocument/didOpen, didChange, didClose, didSave.
#include <spdlog/spdlog.h>

#include "server/documents.h"
#include "server/server.h"

namespace flint {

using protocol::DidChangeTextDocumentParams;
using protocol::DidCloseTextDocumentParams;
using protocol::DidOpenTextDocumentParams;
using protocol::DidSaveTextDocumentParams;

void Server::bind_documents() {
  dispatcher_.notification<DidOpenTextDocumentParams>(
      "textDocument/didOpen", [this](const DidOpenTextDocumentParams& p) {
        documents_->set_encoding(encoding_);
        auto result = documents_->open(p.textDocument);
        if (!result.message.empty())
          spdlog::warn("didOpen {}: {}", p.textDocument.uri, result.message);
        if (result.document) on_document_opened(*result.document);
        spdlog::debug("opened {} ({}, version {}, {} bytes)", p.textDocument.uri,
                      p.textDocument.languageId, p.textDocument.version,
                      p.textDocument.text.size());
      });

  dispatcher_.notification<DidChangeTextDocumentParams>(
      "textDocument/didChange", [this](const DidChangeTextDocumentParams& p) {
        auto result = documents_->change(p.textDocument, p.contentChanges);
        if (!result.message.empty()) {
          spdlog::warn("didChange {}: {}", p.textDocument.uri, result.message);
          if (!result.document)
            log_message(2, "flint: " + p.textDocument.uri + ": " + result.message);
        }
        if (result.document) {
          on_document_changed(*result.document);
        } else {
          changes_in_flight_.clear();
        }
      });

  dispatcher_.notification<DidCloseTextDocumentParams>(
      "textDocument/didClose", [this](const DidCloseTextDocumentParams& p) {
        on_document_closing(p.textDocument.uri);
        if (!documents_->close(p.textDocument.uri)) {
          spdlog::warn("didClose for {}, which is not open", p.textDocument.uri);
        }
      });

  dispatcher_.notification<DidSaveTextDocumentParams>(
      "textDocument/didSave", [this](const DidSaveTextDocumentParams& p) {
        auto result = documents_->save(p);
        if (!result.message.empty())
          spdlog::warn("didSave {}: {}", p.textDocument.uri, result.message);
      });
}

}  // namespace flint
