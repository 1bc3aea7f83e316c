#include "parsers/syntax_tree.h"

#include <chrono>
#include <stdexcept>

namespace flint::parsers {
namespace {

// TSInput reads the document through TextInput::chunk_at, so the server's chunked buffer is
// parsed in place, without a contiguous copy.
const char* read_chunk(void* payload, uint32_t byte_index, TSPoint /*position*/,
                       uint32_t* bytes_read) {
  const auto* input = static_cast<const TextInput*>(payload);
  auto chunk = input->chunk_at(byte_index);
  *bytes_read = static_cast<uint32_t>(chunk.size());
  return chunk.data();
}

// tree-sitter's error recovery can explode on a few bytes of broken code: with the TypeScript
// and TSX grammars, the 8 bytes "[V\0`}\n}\0" run for minutes and take gigabytes, and so do
// 600 bytes of Go read as TypeScript (105 s, 2.9 GB in a release build). fuzz_scope found
// them; tree-sitter-typescript has open reports of the kind. So no parse runs longer than
// this: real files parse in a small fraction of it (0.3 s for a megabyte of minified
// JavaScript full of errors), and a parse that gives up is a document without a tree.
std::chrono::steady_clock::duration parse_time_limit(uint32_t bytes) {
  return std::chrono::seconds(2) + std::chrono::milliseconds(2) * (bytes / 1024);
}

struct ParseLimit {
  const std::atomic<bool>* cancel;  // may be null
  std::chrono::steady_clock::time_point deadline;
};

bool stop_requested(TSParseState* state) {
  const auto* limit = static_cast<const ParseLimit*>(state->payload);
  if (limit->cancel && limit->cancel->load(std::memory_order_relaxed)) return true;
  return std::chrono::steady_clock::now() > limit->deadline;
}

ParserPtr new_parser(const Language& language) {
  ParserPtr parser(ts_parser_new());
  if (!ts_parser_set_language(parser.get(), language.ts_language())) {
    throw std::runtime_error("tree-sitter cannot load the grammar for " +
                             std::string(language.id()));
  }
  return parser;
}

TSPoint to_ts(TextPoint point) {
  return {point.row, point.column};
}
TextPoint from_ts(TSPoint point) {
  return {point.row, point.column};
}

// The one way flint parses: the text read in place through TextInput, within the time limit
// (and `cancel`). Null when it stopped; the parser is reset then, as a stopped parse keeps
// partial state.
TSTree* run_parse(TSParser* parser, const TSTree* old_tree, const TextInput& input,
                  const std::atomic<bool>* cancel) {
  TSInput ts_input{};
  ts_input.payload = const_cast<TextInput*>(&input);
  ts_input.read = &read_chunk;
  ts_input.encoding = TSInputEncodingUTF8;
  ParseLimit limit{cancel, std::chrono::steady_clock::now() + parse_time_limit(input.size())};
  TSParseOptions options{&limit, &stop_requested};
  TSTree* result = ts_parser_parse_with_options(parser, old_tree, ts_input, options);
  if (!result) ts_parser_reset(parser);
  return result;
}

}  // namespace

Tree::Tree(const Tree& other)
    : language_(other.language_), tree_(other.tree_ ? ts_tree_copy(other.tree_.get()) : nullptr) {}

Tree& Tree::operator=(const Tree& other) {
  if (this != &other) {
    language_ = other.language_;
    tree_.reset(other.tree_ ? ts_tree_copy(other.tree_.get()) : nullptr);
  }
  return *this;
}

void Tree::edit(const TextChange& change) {
  if (!tree_) return;
  TSInputEdit edit{change.start_byte,   change.old_end_byte,   change.new_end_byte,
                   to_ts(change.start), to_ts(change.old_end), to_ts(change.new_end)};
  ts_tree_edit(tree_.get(), &edit);
}

size_t Tree::approximate_bytes() const {
  if (!tree_) return 0;
  // tree-sitter does not report its memory. Per descendant node, about this much resident
  // memory goes with a tree, allocator overhead included (tests/bench/syntax_trees_bench: the
  // process's RSS against the estimate, 200 Python files of 26 KB).
  constexpr size_t kBytesPerNode = 100;
  return static_cast<size_t>(ts_node_descendant_count(root())) * kBytesPerNode;
}

Parser::Parser(const Language& language) : language_(&language), parser_(new_parser(language)) {}

Tree Parser::parse(const TextInput& input, const Tree* old, const std::vector<ByteRange>& included,
                   const std::atomic<bool>* cancel) {
  std::vector<TSRange> ranges;
  for (const ByteRange& r : included) {
    TextPoint start = point_of_byte(input, r.begin);
    TextPoint end = point_of_byte(input, r.end);
    ranges.push_back(TSRange{to_ts(start), to_ts(end), r.begin, r.end});
  }
  // No ranges: the whole text (tree-sitter's default).
  ts_parser_set_included_ranges(parser_.get(), ranges.empty() ? nullptr : ranges.data(),
                                static_cast<uint32_t>(ranges.size()));
  TSTree* parsed = run_parse(parser_.get(), old && *old ? old->get() : nullptr, input, cancel);
  return parsed ? Tree(*language_, parsed) : Tree();
}

SyntaxTree SyntaxTree::create(const Language& language, const TextInput& input) {
  SyntaxTree tree(language, new_parser(language));
  tree.reset(input);
  return tree;
}

void SyntaxTree::apply(const TextChange& change) {
  tree_.edit(change);
  stale_ = true;
  // The last reparse's changes are in coordinates this edit just moved: forget them.
  previous_ = Tree();
  changed_ranges_.clear();
  changed_ranges_known_ = true;
}

TSTree* SyntaxTree::parse(const TSTree* old_tree, const TextInput& input,
                          const std::atomic<bool>* cancel) {
  return run_parse(parser_.get(), old_tree, input, cancel);
}

bool SyntaxTree::reparse(const TextInput& input, const std::atomic<bool>* cancel) {
  TSTree* parsed = parse(tree_.get(), input, cancel);
  if (!parsed) return false;
  previous_ = std::move(tree_);
  tree_ = Tree(*language_, parsed);
  changed_ranges_.clear();
  changed_ranges_known_ = false;
  stale_ = false;
  return true;
}

const std::vector<ChangedRange>& SyntaxTree::changed_ranges() const {
  if (changed_ranges_known_) return changed_ranges_;
  changed_ranges_known_ = true;
  if (!previous_ || !tree_) return changed_ranges_;
  uint32_t count = 0;
  std::unique_ptr<TSRange, TsFreeDeleter> ranges(
      ts_tree_get_changed_ranges(previous_.get(), tree_.get(), &count));
  for (uint32_t i = 0; i < count; ++i) {
    const TSRange& range = ranges.get()[i];
    changed_ranges_.push_back(ChangedRange{range.start_byte, range.end_byte,
                                           from_ts(range.start_point), from_ts(range.end_point)});
  }
  return changed_ranges_;
}

void SyntaxTree::reset(const TextInput& input) {
  TSTree* parsed = parse(nullptr, input, nullptr);
  // Out of time (see parse_time_limit): no tree, as for a language without a grammar.
  tree_ = parsed ? Tree(*language_, parsed) : Tree();
  previous_ = Tree();
  changed_ranges_.clear();
  changed_ranges_known_ = true;
  stale_ = false;
}

Tree parse_text(const Language& language, const TextInput& input) {
  return SyntaxTree::create(language, input).tree();
}

}  // namespace flint::parsers
