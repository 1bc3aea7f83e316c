#pragma once
// Runs a Query over part of a tree, checking the text predicates (#eq?, #any-of?) that the
// tree-sitter runtime leaves to its caller. One runner reuses one query cursor, so make one
// per operation (a scope lookup, a context extraction) and do not share it between threads.

#include <cstdint>

#include "parsers/language_registry.h"
#include "parsers/text_input.h"
#include "parsers/ts_handles.h"

namespace flint::parsers {

class QueryRunner {
 public:
  explicit QueryRunner(const TextInput& input) : input_(input), cursor_(ts_query_cursor_new()) {}

  // Calls on_match(const TSQueryMatch&) for every match under `node` whose pattern starts at
  // most `max_start_depth` levels below `node` (0: patterns rooted at `node` itself).
  template <class OnMatch>
  void run(const Query& query, TSNode node, uint32_t max_start_depth, OnMatch&& on_match) {
    ts_query_cursor_set_max_start_depth(cursor_.get(), max_start_depth);
    ts_query_cursor_exec(cursor_.get(), query.get(), node);
    TSQueryMatch match;
    while (ts_query_cursor_next_match(cursor_.get(), &match)) {
      if (predicates_hold(query, match)) on_match(match);
    }
  }

 private:
  bool predicates_hold(const Query& query, const TSQueryMatch& match) const;

  const TextInput& input_;
  QueryCursorPtr cursor_;
};

}  // namespace flint::parsers
