#pragma once
// Syntax trees. `Tree` is an immutable snapshot (one TSTree, owned); `SyntaxTree` is the live
// tree of one open document: it owns a parser and the current Tree, takes each didChange as a
// TextChange (ts_tree_edit) and reparses incrementally with the old tree, never from scratch.
//
// Threads: neither type is thread-safe. Copying a Tree is cheap (ts_tree_copy shares nodes),
// so give another thread its own copy.
//
// Every parse gives up after 2 s plus 2 ms per KiB of text: tree-sitter's error recovery can
// take minutes and gigabytes on a few bytes of broken TypeScript (syntax_tree.cpp). A parse
// that gave up leaves no tree (a null Tree): callers treat the document as one of a language
// without a grammar (indentation scopes).

#include <atomic>
#include <cstdint>
#include <vector>

#include "parsers/language_registry.h"
#include "parsers/text_input.h"
#include "parsers/ts_handles.h"

namespace flint::parsers {

struct ByteRange {
  uint32_t begin = 0;
  uint32_t end = 0;
  friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

// A span of the new text whose syntactic structure differs from the old one.
struct ChangedRange {
  uint32_t start_byte = 0;
  uint32_t end_byte = 0;
  TextPoint start;
  TextPoint end;
};

class Tree {
 public:
  Tree() = default;
  // Takes ownership of `tree`, which must have been parsed with `language`.
  Tree(const Language& language, TSTree* tree) : language_(&language), tree_(tree) {}
  Tree(const Tree& other);
  Tree& operator=(const Tree& other);
  Tree(Tree&&) noexcept = default;
  Tree& operator=(Tree&&) noexcept = default;

  explicit operator bool() const { return tree_ != nullptr; }
  // Records one change already applied to the text (ts_tree_edit): the tree's positions follow
  // it, and the tree is to be reparsed before its nodes are trusted.
  void edit(const TextChange& change);
  // About how much memory the tree holds (its nodes), for budgets; 0 for no tree.
  size_t approximate_bytes() const;
  TSNode root() const { return ts_tree_root_node(tree_.get()); }
  const Language& language() const { return *language_; }
  // Borrowed; owned by this Tree.
  TSTree* get() const { return tree_.get(); }

 private:
  const Language* language_ = nullptr;
  TreePtr tree_;
};

class SyntaxTree {
 public:
  // Parses `input` from scratch (used once, when a document opens). `language` must outlive
  // the tree (registry languages live as long as their registry).
  static SyntaxTree create(const Language& language, const TextInput& input);

  // Records one change already applied to the text (ts_tree_edit). Several changes may be
  // applied, in order, before one reparse.
  void apply(const TextChange& change);

  // Reparses `input` (the text after every applied change) reusing the edited old tree.
  // Returns false, leaving the tree edited but unparsed (stale), when `cancel` became true
  // during the parse (call again later) or it ran out of time.
  bool reparse(const TextInput& input, const std::atomic<bool>* cancel = nullptr);

  // Parses from scratch, e.g. after a change without a range replaced the whole document.
  // Out of time: tree() is a null Tree.
  void reset(const TextInput& input);

  const Tree& tree() const { return tree_; }
  const Language& language() const { return *language_; }
  // True between apply() and a successful reparse(): the tree's nodes are not to be trusted.
  bool stale() const { return stale_; }
  // What the last reparse changed, in new-text coordinates (empty after create/reset and
  // after the next apply()).
  // Computed on first call after a reparse (it walks both trees: about a third of a reparse's
  // cost on large files, so the keystroke path does not pay it unless someone asks).
  const std::vector<ChangedRange>& changed_ranges() const;

 private:
  SyntaxTree(const Language& language, ParserPtr parser) noexcept
      : language_(&language), parser_(std::move(parser)) {}
  TSTree* parse(const TSTree* old_tree, const TextInput& input, const std::atomic<bool>* cancel);

  const Language* language_;
  ParserPtr parser_;
  Tree tree_;
  Tree previous_;  // the edited tree before the last reparse, until changed_ranges() ran
  bool stale_ = false;
  mutable std::vector<ChangedRange> changed_ranges_;
  mutable bool changed_ranges_known_ = true;
};

// A parser for one language, reused across parses (its buffers stay warm). Not thread-safe:
// one per thread.
class Parser {
 public:
  explicit Parser(const Language& language);
  // Parses `input`, reusing `old` (edited to match `input`) when given; only `included` bytes
  // when not empty (ascending, non-overlapping): the tree's positions stay the document's.
  // A null Tree when `cancel` became true during the parse or it ran out of time.
  Tree parse(const TextInput& input, const Tree* old = nullptr,
             const std::vector<ByteRange>& included = {},
             const std::atomic<bool>* cancel = nullptr);
  const Language& language() const { return *language_; }

 private:
  const Language* language_;
  ParserPtr parser_;
};

// Parses `input` once, without keeping a parser (tests, the CLI, one-off checks); a null Tree
// when it ran out of time.
Tree parse_text(const Language& language, const TextInput& input);

}  // namespace flint::parsers
