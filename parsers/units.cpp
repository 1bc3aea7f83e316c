#include "parsers/units.h"

namespace flint::parsers {
namespace {

// When one node has several unit captures, the strongest wins.
int strength(UnitKind kind) {
  switch (kind) {
    case UnitKind::kFunction:
      return 6;
    case UnitKind::kClosure:
      return 5;
    case UnitKind::kDefinition:
      return 4;
    case UnitKind::kNamespace:
      return 3;
    case UnitKind::kBlock:
      return 2;
    case UnitKind::kStatement:
      return 1;
  }
  return 0;
}

std::optional<UnitKind> as_unit_kind(UnitCapture capture) {
  switch (capture) {
    case UnitCapture::kFunction:
      return UnitKind::kFunction;
    case UnitCapture::kClosure:
      return UnitKind::kClosure;
    case UnitCapture::kDefinition:
      return UnitKind::kDefinition;
    case UnitCapture::kNamespace:
      return UnitKind::kNamespace;
    case UnitCapture::kBlock:
      return UnitKind::kBlock;
    case UnitCapture::kStatement:
      return UnitKind::kStatement;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string_view unit_kind_name(UnitKind kind) {
  switch (kind) {
    case UnitKind::kFunction:
      return "function";
    case UnitKind::kClosure:
      return "closure";
    case UnitKind::kDefinition:
      return "definition";
    case UnitKind::kNamespace:
      return "namespace";
    case UnitKind::kBlock:
      return "block";
    case UnitKind::kStatement:
      return "statement";
  }
  return "unknown";
}

UnitClassifier::UnitClassifier(const Language& language, const TextInput& input)
    : language_(language), input_(input), runner_(input) {}

NodeClass UnitClassifier::classify(TSNode node) {
  NodeClass result;
  if (ts_node_is_null(node) || !ts_node_is_named(node)) return result;
  runner_.run(*language_.units(), node, 0, [&](const TSQueryMatch& match) {
    TSNode name{};
    TSNode body{};
    std::optional<UnitKind> kind;
    bool captures_node = false;
    for (uint16_t i = 0; i < match.capture_count; ++i) {
      const TSQueryCapture& capture = match.captures[i];
      auto meaning = language_.unit_capture(capture.index);
      if (!meaning) continue;
      if (*meaning == UnitCapture::kName) {
        if (ts_node_is_null(name)) name = capture.node;
        continue;
      }
      if (*meaning == UnitCapture::kBody) {
        if (ts_node_is_null(body)) body = capture.node;
        continue;
      }
      if (!ts_node_eq(capture.node, node)) continue;
      captures_node = true;
      if (*meaning == UnitCapture::kWrapper) result.wrapper = true;
      if (*meaning == UnitCapture::kAttached) result.attached = true;
      if (auto unit = as_unit_kind(*meaning)) kind = unit;
    }
    if (!captures_node || !kind) return;
    if (!result.kind || strength(*kind) > strength(*result.kind)) {
      result.kind = kind;
      result.name = name;
      result.body = body;
    } else if (*kind == *result.kind) {
      if (ts_node_is_null(result.name)) result.name = name;
      if (ts_node_is_null(result.body)) result.body = body;
    }
  });
  // Definitions whose pattern captures no @name: the grammar's `name` field, if any.
  if (result.kind && ts_node_is_null(result.name) &&
      (*result.kind == UnitKind::kFunction || *result.kind == UnitKind::kDefinition ||
       *result.kind == UnitKind::kNamespace)) {
    constexpr std::string_view kName = "name";
    result.name = ts_node_child_by_field_name(node, kName.data(), kName.size());
  }
  return result;
}

std::optional<LogicalUnit> UnitClassifier::wrapped_unit(TSNode wrapper) {
  uint32_t count = ts_node_named_child_count(wrapper);
  for (uint32_t i = count; i-- > 0;) {
    TSNode child = ts_node_named_child(wrapper, i);
    NodeClass child_class = classify(child);
    if (child_class.wrapper) {
      if (auto inner = wrapped_unit(child)) {
        inner->outer = wrapper;
        return inner;
      }
    }
    if (child_class.kind && *child_class.kind != UnitKind::kBlock) {
      return LogicalUnit{child, wrapper, *child_class.kind, child_class.name, child_class.body};
    }
  }
  return std::nullopt;
}

std::optional<LogicalUnit> UnitClassifier::unit_at(TSNode node) {
  NodeClass node_class = classify(node);
  if (node_class.wrapper) {
    if (auto wrapped = wrapped_unit(node)) return wrapped;
  }
  if (!node_class.kind) return std::nullopt;
  return LogicalUnit{node, node, *node_class.kind, node_class.name, node_class.body};
}

std::vector<LogicalUnit> UnitClassifier::units_in_chain(const std::vector<TSNode>& chain) {
  std::vector<LogicalUnit> units;
  TSNode pending_outer{};   // outermost wrapper waiting for its unit further down the chain
  TSNode pending_target{};  // the unit that wrapper wraps
  for (size_t i = 0; i < chain.size(); ++i) {
    TSNode node = chain[i];
    if (!ts_node_is_named(node)) continue;
    NodeClass node_class = classify(node);
    bool is_pending_target = !ts_node_is_null(pending_target) && ts_node_eq(node, pending_target);
    if (node_class.wrapper && !is_pending_target) {
      if (auto wrapped = wrapped_unit(node)) {
        TSNode outer = ts_node_is_null(pending_outer) ? node : pending_outer;
        if (i + 1 < chain.size() &&
            ts_node_start_byte(wrapped->node) <= ts_node_start_byte(chain[i + 1]) &&
            ts_node_end_byte(wrapped->node) >= ts_node_end_byte(chain[i + 1])) {
          // The chain goes on into the wrapped unit (possibly through nested wrappers).
          pending_outer = outer;
          pending_target = wrapped->node;
          continue;
        }
        // The chain leaves through a decorator or the like: the wrapped unit is the unit here.
        wrapped->outer = outer;
        units.push_back(*wrapped);
        pending_outer = pending_target = TSNode{};
        continue;
      }
    }
    if (!node_class.kind) continue;
    TSNode outer = node;
    if (is_pending_target) outer = pending_outer;
    pending_outer = pending_target = TSNode{};
    units.push_back(LogicalUnit{node, outer, *node_class.kind, node_class.name, node_class.body});
  }
  return units;
}

uint32_t UnitClassifier::start_with_attached(TSNode outer) {
  uint32_t start = ts_node_start_byte(outer);
  uint32_t start_row = ts_node_start_point(outer).row;
  for (TSNode sibling = ts_node_prev_named_sibling(outer); !ts_node_is_null(sibling);
       sibling = ts_node_prev_named_sibling(sibling)) {
    if (!classify(sibling).attached) break;
    // Adjacent (no blank line in between) and on lines of its own (not a trailing comment of
    // the previous statement).
    if (ts_node_end_point(sibling).row + 1 < start_row) break;
    if (!starts_line(input_, ts_node_start_byte(sibling))) break;
    start = ts_node_start_byte(sibling);
    start_row = ts_node_start_point(sibling).row;
  }
  return start;
}

std::string UnitClassifier::node_text(TSNode node) const {
  if (ts_node_is_null(node)) return {};
  return text_between(input_, ts_node_start_byte(node), ts_node_end_byte(node));
}

std::vector<TSNode> covering_chain(TSNode root, uint32_t begin, uint32_t end) {
  std::vector<TSNode> chain{root};
  bool empty = begin == end;
  TreeCursor cursor(root);
  for (;;) {
    if (ts_tree_cursor_goto_first_child_for_byte(cursor.get(), begin) < 0) break;
    // Several children can touch `begin` (zero-width nodes, a node ending where the next
    // starts): take the first that covers the range.
    bool found = false;
    do {
      TSNode child = cursor.node();
      uint32_t child_start = ts_node_start_byte(child);
      uint32_t child_end = ts_node_end_byte(child);
      if (child_start > begin) break;
      bool covers = empty ? (child_start < begin && child_end > begin)
                          : (child_start <= begin && child_end >= end && child_end > child_start);
      if (covers) {
        chain.push_back(child);
        found = true;
        break;
      }
    } while (ts_tree_cursor_goto_next_sibling(cursor.get()));
    if (!found) break;
  }
  return chain;
}

uint32_t first_row(TSNode node) {
  return ts_node_start_point(node).row;
}

uint32_t last_row(TSNode node) {
  TSPoint start = ts_node_start_point(node);
  TSPoint end = ts_node_end_point(node);
  if (end.column == 0 && end.row > start.row) return end.row - 1;
  return end.row;
}

bool starts_line(const TextInput& input, uint32_t byte) {
  TextPoint point = point_of_byte(input, byte);
  auto line = input.line(point.row);
  // Indentation is any blank: a form feed (page breaks in Python and C sources) or a stray
  // carriage return before a comment must not detach it from the definition below.
  for (uint32_t i = 0; i < point.column && i < line.size(); ++i) {
    char c = line[i];
    if (c != ' ' && c != '\t' && c != '\f' && c != '\v' && c != '\r') return false;
  }
  return true;
}

}  // namespace flint::parsers
