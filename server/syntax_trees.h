#pragma once
// The live syntax tree of every open document in a language flint has a grammar for, kept up
// to date incrementally: each didChange's changes are applied (ts_tree_edit) as the store
// reports them, and the tree is reparsed once per didChange with the old tree.
//
// The first document of a language also starts compiling that language's queries on a
// background thread: compiling them takes milliseconds (C++, TypeScript: far more), and the
// first inline edit or completion in that file should not wait for it.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "parsers/language_registry.h"
#include "parsers/syntax_tree.h"
#include "server/documents.h"

namespace flint {

class SyntaxTrees {
 public:
  explicit SyntaxTrees(const parsers::LanguageRegistry& registry) : registry_(registry) {}
  ~SyntaxTrees();
  SyntaxTrees(const SyntaxTrees&) = delete;
  SyntaxTrees& operator=(const SyntaxTrees&) = delete;

  // The language of a document: by LSP languageId, else by the URI's file name.
  const parsers::Language* language_for(const Document& document) const;

  void open(const Document& document);
  void apply(const Document& document, const parsers::TextChange& change);
  // After a whole didChange: reparse (incrementally) if anything was applied.
  void reparse(const Document& document);
  void close(const std::string& uri);

  // Null when the document has no grammar. Always up to date after reparse().
  const parsers::SyntaxTree* find(const std::string& uri) const;

 private:
  void warm_up(const parsers::Language& language);

  const parsers::LanguageRegistry& registry_;
  std::map<std::string, parsers::SyntaxTree, std::less<>> trees_;
  std::set<const parsers::Language*> warming_;
  std::vector<std::thread> warmers_;
};

}  // namespace flint
