#pragma once
// The syntax trees of open documents, kept only where they are needed and never in a
// keystroke's way:
//
// - On demand: opening a document parses nothing (Neovim opens every loaded buffer). The first
//   request that needs a tree parses it; typing in a document parses it in the background.
// - Off the event loop: after a didChange the tree is edited (ts_tree_edit, cheap) and reparsed
//   on a worker thread from a snapshot of the text, with the edited tree; the result comes back
//   to the event loop, where the edits made meanwhile are applied to it. A request that needs
//   the tree of the text as it is now waits for the parse in flight (and reparses what came
//   after it), so it never reads a stale tree; didChange itself never waits.
// - Under a memory budget: trees of the least recently used documents are dropped when the
//   trees together exceed `memory_budget` (their text stays; a later request parses again).
// - Big files: past `whole_file_limit` bytes no whole-file tree is made. A request gets a tree
//   of a window of lines around it, cut at top-level lines (tree-sitter's included ranges, so
//   positions stay the document's), plus the file's head (imports); the last window is reused
//   while the text and the request stay inside it.
//
// The first document of a language also starts compiling that language's queries on a
// background thread, so the first request in that file does not wait for them.
//
// Thread contract: every member runs on the event loop given to the constructor.

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "parsers/language_registry.h"
#include "parsers/syntax_tree.h"
#include "server/documents.h"

namespace flint {

struct SyntaxTreeOptions {
  size_t memory_budget = size_t{12} << 20;          // bytes of trees kept across documents
  uint32_t whole_file_limit = uint32_t{512} << 10;  // bytes; larger documents get windows
  uint32_t window_lines = 1500;  // lines on each side of a request, before the cut
};

struct SyntaxTreeStats {
  size_t trees = 0;          // whole-file trees held now
  size_t bytes = 0;          // their estimated size
  uint64_t full_parses = 0;  // parses from scratch (first use, or after a drop)
  uint64_t reparses = 0;     // incremental, in the background
  uint64_t window_parses = 0;
  uint64_t dropped = 0;  // trees dropped for the budget
};

class SyntaxTrees {
 public:
  using FindDocument = std::function<const Document*(const std::string& uri)>;

  SyntaxTrees(const parsers::LanguageRegistry& registry, asio::io_context& io,
              FindDocument find_document, SyntaxTreeOptions options = {});
  ~SyntaxTrees();
  SyntaxTrees(const SyntaxTrees&) = delete;
  SyntaxTrees& operator=(const SyntaxTrees&) = delete;

  void set_options(const SyntaxTreeOptions& options);

  // The language of a document: by LSP languageId, else by the URI's file name.
  const parsers::Language* language_for(const Document& document) const;

  void open(const Document& document);
  // One change already applied to the document's text.
  void apply(const Document& document, const parsers::TextChange& change);
  // After a whole didChange: a reparse in the background.
  void changed(const Document& document);
  void close(const std::string& uri);

  // A tree of `document` as its text is now, covering at least `around` (whole-file, or a window
  // for big files); null when the language has no grammar. Valid until the next call into this
  // class or the next change of the document.
  const parsers::Tree* tree_for(const Document& document, parsers::ByteRange around);

  SyntaxTreeStats stats() const;

 private:
  struct Entry;
  struct ParseJob;

  Entry* find(const std::string& uri);
  void start_background_parse(Entry& entry, const Document& document);
  void on_parsed(const std::string& uri, uint64_t job);
  void wait_for(Entry& entry);
  const parsers::Tree* window_tree(Entry& entry, const Document& document,
                                   parsers::ByteRange around);
  parsers::Parser& parser_here(const parsers::Language& language);
  void keep_within_budget(const Entry* keep);
  void warm_up(const parsers::Language& language);

  const parsers::LanguageRegistry& registry_;
  asio::io_context& io_;
  FindDocument find_document_;
  SyntaxTreeOptions options_;
  std::map<std::string, std::unique_ptr<Entry>, std::less<>> entries_;
  std::map<const parsers::Language*, std::unique_ptr<parsers::Parser>> parsers_;  // event loop
  uint64_t clock_ = 0;
  uint64_t next_job_ = 1;
  SyntaxTreeStats stats_;

  // The worker: one thread running its own io_context, with its own parsers.
  asio::io_context worker_io_;
  asio::executor_work_guard<asio::io_context::executor_type> worker_guard_;
  std::map<const parsers::Language*, std::unique_ptr<parsers::Parser>> worker_parsers_;
  std::thread worker_;

  // False once this is destroyed: a parse's post that outlives it is not heard.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

  std::set<const parsers::Language*> warming_;
  std::vector<std::thread> warmers_;
};

}  // namespace flint
