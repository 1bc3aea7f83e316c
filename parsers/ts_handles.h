#pragma once
// RAII owners for tree-sitter's C handles. Every raw handle that parsers/ creates is put into
// one of these at once; the comments of tree_sitter/api.h say which calls transfer ownership.

#include <tree_sitter/api.h>

#include <cstdlib>
#include <memory>

namespace flint::parsers {

struct TsParserDeleter {
  void operator()(TSParser* parser) const { ts_parser_delete(parser); }
};
struct TsTreeDeleter {
  void operator()(TSTree* tree) const { ts_tree_delete(tree); }
};
struct TsQueryDeleter {
  void operator()(TSQuery* query) const { ts_query_delete(query); }
};
struct TsQueryCursorDeleter {
  void operator()(TSQueryCursor* cursor) const { ts_query_cursor_delete(cursor); }
};
// Languages from static grammars are not reference-counted (the call is a no-op for them), but
// the API asks for it, and a future wasm grammar would need it.
struct TsLanguageDeleter {
  void operator()(const TSLanguage* language) const { ts_language_delete(language); }
};
// ts_tree_get_changed_ranges returns an array the caller frees with free().
struct TsFreeDeleter {
  void operator()(void* memory) const { free(memory); }  // NOLINT(cppcoreguidelines-no-malloc)
};

using ParserPtr = std::unique_ptr<TSParser, TsParserDeleter>;
using TreePtr = std::unique_ptr<TSTree, TsTreeDeleter>;
using QueryPtr = std::unique_ptr<TSQuery, TsQueryDeleter>;
using QueryCursorPtr = std::unique_ptr<TSQueryCursor, TsQueryCursorDeleter>;
using LanguagePtr = std::unique_ptr<const TSLanguage, TsLanguageDeleter>;

// A TSTreeCursor is a value with heap state inside: this owns it for one scope.
class TreeCursor {
 public:
  explicit TreeCursor(TSNode node) : cursor_(ts_tree_cursor_new(node)) {}
  ~TreeCursor() { ts_tree_cursor_delete(&cursor_); }
  TreeCursor(const TreeCursor&) = delete;
  TreeCursor& operator=(const TreeCursor&) = delete;

  TSTreeCursor* get() { return &cursor_; }
  TSNode node() const { return ts_tree_cursor_current_node(&cursor_); }

 private:
  TSTreeCursor cursor_;
};

}  // namespace flint::parsers
