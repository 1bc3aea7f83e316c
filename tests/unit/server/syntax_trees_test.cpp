// SyntaxTrees: parsed on demand, reparsed off the event loop with the typing done meanwhile
// applied, dropped under the memory budget, and windows of big files. Real tree-sitter, real
// documents, the event loop run by hand.
#include "server/syntax_trees.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "parsers/language_registry.h"

namespace flint {
namespace {

using protocol::Position;
using protocol::Range;

// `count` small functions, one per 3 lines.
std::string functions(int count, const std::string& prefix = "f") {
  std::string text = "import os\n\n";
  for (int i = 0; i < count; ++i) {
    text +=
        "def " + prefix + std::to_string(i) + "(x):\n    return x + " + std::to_string(i) + "\n\n";
  }
  return text;
}

class TreesRig {
 public:
  explicit TreesRig(SyntaxTreeOptions options = {})
      : trees(
            parsers::LanguageRegistry::shared(), io,
            [this](const std::string& uri) -> const Document* { return store.find(uri); },
            options) {
    store.add_change_listener([this](Document& document, const parsers::TextChange& change) {
      trees.apply(document, change);
    });
  }

  Document& open(const std::string& uri, const std::string& text) {
    Document& doc = *store.open({uri, "python", 1, text}).document;
    trees.open(doc);
    return doc;
  }
  // One keystroke: `text` inserted at `line`:`character`, then the didChange's end.
  void type(Document& doc, uint32_t line, uint32_t character, const std::string& text) {
    store.change({doc.uri, doc.version + 1},
                 {{Range{Position{line, character}, Position{line, character}}, text}});
    trees.changed(doc);
  }
  // Runs the event loop until the background parses have come back.
  void settle() {
    for (int i = 0; i < 400 && trees.stats().reparses + trees.stats().full_parses < want; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      io.poll();
      io.restart();
    }
  }
  const parsers::Tree& tree(Document& doc, uint32_t at = 0) {
    const parsers::Tree* tree = trees.tree_for(doc, parsers::ByteRange{at, at});
    EXPECT_NE(tree, nullptr);
    return *tree;
  }

  asio::io_context io;
  DocumentStore store;
  SyntaxTrees trees;
  uint64_t want = 0;
};

std::string node_text(const Document& doc, TSNode node) {
  return doc.text.substr(ts_node_start_byte(node), ts_node_end_byte(node));
}

TEST(SyntaxTrees, OpeningParsesNothingAndTheFirstRequestParsesOnce) {
  TreesRig rig;
  Document* docs[5];
  for (int i = 0; i < 5; ++i)
    docs[i] = &rig.open("file:///t/" + std::to_string(i) + ".py", functions(20));
  EXPECT_EQ(rig.trees.stats().full_parses, 0u);
  EXPECT_EQ(rig.trees.stats().trees, 0u);
  const parsers::Tree& tree = rig.tree(*docs[2]);
  EXPECT_FALSE(ts_node_has_error(tree.root()));
  EXPECT_EQ(ts_node_end_byte(tree.root()), docs[2]->text.size());
  rig.tree(*docs[2]);
  EXPECT_EQ(rig.trees.stats().full_parses, 1u);
  EXPECT_EQ(rig.trees.stats().trees, 1u);
}

TEST(SyntaxTrees, TypingReparsesInTheBackgroundAndTheRequestSeesTheNewText) {
  TreesRig rig;
  Document& doc = rig.open("file:///t/a.py", functions(50));
  rig.tree(doc);
  rig.type(doc, 3, 15, "y + ");  // "    return x + 0" -> "    return x + y + 0"
  rig.want = 2;
  rig.settle();
  EXPECT_EQ(rig.trees.stats().reparses, 1u) << "the reparse did not come back";
  const parsers::Tree& tree = rig.tree(doc, doc.text.line_start(3));
  EXPECT_EQ(rig.trees.stats().reparses, 1u) << "a current tree was parsed again";
  EXPECT_FALSE(ts_node_has_error(tree.root()));
  TSNode at = ts_node_named_descendant_for_byte_range(tree.root(), doc.text.line_start(3) + 15,
                                                      doc.text.line_start(3) + 16);
  EXPECT_EQ(node_text(doc, at), "y");
}

TEST(SyntaxTrees, KeystrokesDuringABackgroundParseAreInTheTreeARequestGets) {
  TreesRig rig;
  Document& doc = rig.open("file:///t/a.py", functions(300));
  rig.tree(doc);
  rig.type(doc, 3, 15, "alpha + ");  // a parse starts on the worker
  rig.type(doc, 6, 15, "beta + ");   // while it runs: edited into its result later
  rig.type(doc, 9, 15, "gamma + ");
  // No event loop run: the request waits for the parse in flight, then reparses the rest.
  const parsers::Tree& tree = rig.tree(doc, doc.text.line_start(9));
  EXPECT_FALSE(ts_node_has_error(tree.root()));
  EXPECT_EQ(ts_node_end_byte(tree.root()), doc.text.size());
  for (auto [line, word] : {std::pair{3u, "alpha"}, {6u, "beta"}, {9u, "gamma"}}) {
    uint32_t at = doc.text.line_start(line) + 15;
    TSNode node = ts_node_named_descendant_for_byte_range(tree.root(), at, at + 1);
    EXPECT_EQ(node_text(doc, node), word);
  }
  rig.io.run_for(std::chrono::milliseconds(50));  // the late post finds nothing to do
  EXPECT_EQ(ts_node_end_byte(rig.tree(doc).root()), doc.text.size());
}

TEST(SyntaxTrees, TextThatCannotBeParsedInTimeHasNoTreeUntilItChanges) {
  // These 8 bytes run tree-sitter's TypeScript error recovery for minutes (fuzz_scope); the
  // background parse gives up after 2 s, once: neither it nor a request parses them again.
  TreesRig rig;
  Document& doc = *rig.store.open({"file:///a.ts", "typescript", 1, "let x = 1;\n"}).document;
  rig.trees.open(doc);
  EXPECT_TRUE(rig.tree(doc));
  rig.store.change({doc.uri, 2}, {{std::nullopt, std::string("[V\0`}\n}\0", 8)}});
  rig.trees.changed(doc);
  for (int i = 0; i < 300; ++i) {  // the background parse gives up and comes back
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    rig.io.poll();
    rig.io.restart();
  }
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(rig.tree(doc));  // nothing in flight to wait for, nothing parsed here
  EXPECT_FALSE(rig.tree(doc));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  // Once the text changes, it is parsed again.
  rig.store.change({doc.uri, 3}, {{std::nullopt, "let y = 2;\n"}});
  rig.trees.changed(doc);
  EXPECT_TRUE(rig.tree(doc));
}

TEST(SyntaxTrees, TheLeastRecentlyUsedTreesGoWhenTheBudgetIsExceeded) {
  SyntaxTreeOptions options;
  options.memory_budget = 1;  // measured below: room for about three trees
  TreesRig probe;
  Document& one = probe.open("file:///t/probe.py", functions(100));
  probe.tree(one);
  options.memory_budget = probe.trees.stats().bytes * 3 + 1;
  ASSERT_GT(probe.trees.stats().bytes, 0u);

  TreesRig rig(options);
  std::vector<Document*> docs;
  for (int i = 0; i < 8; ++i) {
    docs.push_back(&rig.open("file:///t/" + std::to_string(i) + ".py", functions(100)));
    rig.tree(*docs.back());
  }
  SyntaxTreeStats stats = rig.trees.stats();
  EXPECT_EQ(stats.trees, 3u);
  EXPECT_EQ(stats.dropped, 5u);
  EXPECT_LE(stats.bytes, options.memory_budget);
  EXPECT_EQ(stats.full_parses, 8u);
  // The latest three are kept; the first one was dropped and parses again (its text stayed).
  rig.tree(*docs[7]);
  EXPECT_EQ(rig.trees.stats().full_parses, 8u);
  EXPECT_FALSE(ts_node_has_error(rig.tree(*docs[0]).root()));
  EXPECT_EQ(rig.trees.stats().full_parses, 9u);
}

TEST(SyntaxTrees, ABigFileIsScopedFromAWindowWithItsHead) {
  SyntaxTreeOptions options;
  options.whole_file_limit = 4096;
  options.window_lines = 30;
  TreesRig rig(options);
  Document& doc = rig.open("file:///t/big.py", functions(2000));
  uint32_t cursor = doc.text.line_start(2999) + 6;  // inside f999's name ("def f999(x):")
  const parsers::Tree& tree = rig.tree(doc, cursor);
  EXPECT_EQ(rig.trees.stats().window_parses, 1u);
  EXPECT_EQ(rig.trees.stats().full_parses, 0u);
  // Positions are the document's; the tree holds the head and the window, not the file.
  TSNode name = ts_node_named_descendant_for_byte_range(tree.root(), cursor, cursor + 1);
  EXPECT_EQ(node_text(doc, name), "f999");
  TSNode import = ts_node_named_descendant_for_byte_range(tree.root(), 0, 1);
  EXPECT_EQ(node_text(doc, import), "import os");
  // The head (up to 200 lines) and the window: a few thousand nodes, not the file's 30,000.
  EXPECT_LT(ts_node_descendant_count(tree.root()), 3000u);
  TSNode far = ts_node_descendant_for_byte_range(tree.root(), doc.text.line_start(5000),
                                                 doc.text.line_start(5000) + 1);
  EXPECT_NE(node_text(doc, far).rfind("def f1666", 0), 0u) << "the whole file was parsed";
  // The same window serves a request inside it; a change makes a new one.
  rig.tree(doc, cursor + 20);
  EXPECT_EQ(rig.trees.stats().window_parses, 1u);
  rig.type(doc, 3000, 15, "z + ");
  rig.tree(doc, cursor);
  EXPECT_EQ(rig.trees.stats().window_parses, 2u);
}

}  // namespace
}  // namespace flint
