#include "parsers/query_runner.h"

#include <algorithm>

namespace flint::parsers {

bool QueryRunner::predicates_hold(const Query& query, const TSQueryMatch& match) const {
  for (const auto& predicate : query.predicates(match.pattern_index)) {
    for (uint16_t i = 0; i < match.capture_count; ++i) {
      const TSQueryCapture& capture = match.captures[i];
      if (capture.index != predicate.capture) continue;
      auto text =
          text_between(input_, ts_node_start_byte(capture.node), ts_node_end_byte(capture.node));
      bool found = std::find(predicate.values.begin(), predicate.values.end(), text) !=
                   predicate.values.end();
      if (found == predicate.negated) return false;
    }
  }
  return true;
}

}  // namespace flint::parsers
