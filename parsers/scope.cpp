#include "parsers/scope.h"

#include <algorithm>
#include <optional>

#include "parsers/units.h"

namespace flint::parsers {
namespace {

constexpr size_t kMaxNameBytes = 200;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

bool is_definition_like(UnitKind kind) {
  return kind == UnitKind::kFunction || kind == UnitKind::kClosure ||
         kind == UnitKind::kDefinition || kind == UnitKind::kNamespace;
}

class ScopeFinder {
 public:
  ScopeFinder(const Tree& tree, const TextInput& input, const ScopeOptions& options)
      : tree_(tree), input_(input), options_(options), units_(tree.language(), input) {}

  Scope find(ByteRange range) {
    range.end = std::min(range.end, input_.size());
    range.begin = std::min(range.begin, range.end);
    if (range.begin == range.end) return for_cursor(range.begin);
    // Whitespace at either end of a selection does not count: a selection of whole lines
    // ends at column 0 of the next line, which must not drag that line in.
    auto trimmed = trim(range);
    if (trimmed.begin >= trimmed.end) return for_cursor(range.begin);
    return for_selection(trimmed);
  }

 private:
  struct Lines {
    uint32_t first = 0;
    uint32_t last = 0;
    uint32_t count() const { return last - first + 1; }
    friend bool operator==(const Lines&, const Lines&) = default;
  };

  ByteRange trim(ByteRange range) const {
    // Trimming looks at single bytes: read them through chunk_at.
    auto byte_at = [&](uint32_t at) { return input_.chunk_at(at)[0]; };
    while (range.begin < range.end && is_space(byte_at(range.begin))) ++range.begin;
    while (range.end > range.begin && is_space(byte_at(range.end - 1))) --range.end;
    return range;
  }

  bool fits(const Lines& lines) const { return lines.count() <= options_.max_region_lines; }

  Lines lines_of(const LogicalUnit& unit) {
    uint32_t start = units_.start_with_attached(unit.outer);
    return {point_of_byte(input_, start).row, last_row(unit.outer)};
  }

  Scope make_scope(Lines lines, std::string node_kind, std::string unit) const {
    Scope scope;
    scope.first_line = lines.first;
    scope.last_line = lines.last;
    scope.start_byte = input_.line_start(lines.first);
    scope.end_byte = line_end_with_newline(input_, lines.last);
    scope.node_kind = std::move(node_kind);
    scope.unit = std::move(unit);
    return scope;
  }

  std::string name_of(TSNode name) const {
    std::string text = units_text(name);
    if (text.size() > kMaxNameBytes) text.resize(kMaxNameBytes);
    return text;
  }
  std::string units_text(TSNode node) const {
    if (ts_node_is_null(node)) return {};
    return text_between(input_, ts_node_start_byte(node), ts_node_end_byte(node));
  }

  // Definitions among `units[0, count)`, as the enclosing chain.
  void add_enclosing(Scope& scope, const std::vector<LogicalUnit>& units, size_t count) const {
    TSNode last_name{};
    for (size_t i = 0; i < count && i < units.size(); ++i) {
      if (!is_definition_like(units[i].kind)) continue;
      // One definition seen through two nodes (a statement around a namespace) counts once.
      if (!ts_node_is_null(units[i].name) && ts_node_eq(units[i].name, last_name)) continue;
      last_name = units[i].name;
      scope.enclosing.push_back(EnclosingDefinition{
          ts_node_type(units[i].node), name_of(units[i].name), first_row(units[i].node) + 1});
    }
  }

  Scope unit_scope(const std::vector<LogicalUnit>& units, size_t index) {
    // A unit that spans the same lines as the definition around it is reported as that one
    // (`const f = () => {...}` is the declaration of f, not an anonymous arrow function).
    // (Compared without wrappers and attached comments: those widen the region afterwards.)
    auto own_lines = [](const LogicalUnit& unit) {
      return Lines{first_row(unit.node), last_row(unit.node)};
    };
    while (index > 0 && is_definition_like(units[index - 1].kind) &&
           units[index - 1].kind != UnitKind::kNamespace &&
           own_lines(units[index - 1]) == own_lines(units[index])) {
      --index;
    }
    const LogicalUnit& unit = units[index];
    Scope scope =
        make_scope(lines_of(unit), ts_node_type(unit.node), std::string(unit_kind_name(unit.kind)));
    scope.name = name_of(unit.name);
    add_enclosing(scope, units, index);
    return scope;
  }

  // A comment (or attribute) that starts a run of attached siblings followed, with no blank
  // line, by a unit: that unit.
  std::optional<TSNode> attached_target(TSNode node) {
    if (ts_node_is_null(node) || !units_.classify(node).attached) return std::nullopt;
    // A trailing comment belongs to its own line's code, as start_with_attached decides: the
    // unit below would not widen over it, and its scope would miss the cursor.
    if (!starts_line(input_, ts_node_start_byte(node))) return std::nullopt;
    TSNode current = node;
    for (;;) {
      TSNode next = ts_node_next_named_sibling(current);
      if (ts_node_is_null(next)) return std::nullopt;
      if (ts_node_start_point(next).row > ts_node_end_point(current).row + 1) return std::nullopt;
      if (!starts_line(input_, ts_node_start_byte(next))) return std::nullopt;
      if (units_.classify(next).attached) {
        current = next;
        continue;
      }
      if (units_.unit_at(next)) return next;
      return std::nullopt;
    }
  }

  static TSNode deepest_named(const std::vector<TSNode>& chain) {
    for (size_t i = chain.size(); i-- > 0;) {
      if (ts_node_is_named(chain[i])) return chain[i];
    }
    return chain.front();
  }

  // The target for a cursor among `units` (outermost first): the innermost function-like unit,
  // else the outermost unit that is not a namespace; then, if too big, the largest inner unit
  // that fits. nullopt when nothing fits.
  std::optional<size_t> cursor_target(const std::vector<LogicalUnit>& units) {
    std::optional<size_t> target;
    for (size_t i = units.size(); i-- > 0;) {
      if (units[i].kind == UnitKind::kFunction || units[i].kind == UnitKind::kClosure) {
        target = i;
        break;
      }
    }
    if (!target) {
      for (size_t i = 0; i < units.size(); ++i) {
        if (units[i].kind != UnitKind::kNamespace) {
          target = i;
          break;
        }
      }
    }
    if (!target) return std::nullopt;
    for (size_t i = *target; i < units.size(); ++i) {
      if (units[i].kind != UnitKind::kNamespace && fits(lines_of(units[i]))) return i;
    }
    return std::nullopt;
  }

  Scope for_cursor(uint32_t byte) {
    uint32_t row = point_of_byte(input_, byte).row;
    if (is_blank_line(input_, row)) return for_blank_line(row);
    auto line = input_.line(row);
    uint32_t first = 0;
    while (first < line.size() && is_space(line[first])) ++first;
    uint32_t last = static_cast<uint32_t>(line.size());
    // A trailing separator belongs to the list around the element, not to the element.
    while (last > first && (is_space(line[last - 1]) || line[last - 1] == ',')) --last;
    uint32_t line_start = input_.line_start(row);
    ByteRange probe{line_start + first, line_start + last};

    auto chain = covering_chain(tree_.root(), probe.begin, probe.end);
    TSNode deepest = deepest_named(chain);
    if (auto target = attached_target(deepest)) {
      chain = covering_chain(tree_.root(), ts_node_start_byte(*target), ts_node_end_byte(*target));
    }
    auto units = units_.units_in_chain(chain);
    if (auto index = cursor_target(units)) return unit_scope(units, *index);

    // Nothing fits or nothing surrounds the line: a free comment block, else the line.
    Lines lines{row, row};
    std::string unit = "line";
    if (units_.classify(deepest).attached && ts_node_start_byte(deepest) <= probe.begin) {
      lines = comment_run(deepest);
      unit = "comment";
    }
    Scope scope = make_scope(lines, ts_node_type(deepest), unit);
    add_enclosing(scope, units, units.size());
    return scope;
  }

  // The adjacent attached siblings (a block of line comments) around `node`.
  Lines comment_run(TSNode node) {
    TSNode first = node;
    TSNode last = node;
    for (TSNode prev = ts_node_prev_named_sibling(first); !ts_node_is_null(prev);
         prev = ts_node_prev_named_sibling(prev)) {
      if (!units_.classify(prev).attached ||
          ts_node_end_point(prev).row + 1 < ts_node_start_point(first).row ||
          !starts_line(input_, ts_node_start_byte(prev))) {
        break;
      }
      first = prev;
    }
    for (TSNode next = ts_node_next_named_sibling(last); !ts_node_is_null(next);
         next = ts_node_next_named_sibling(next)) {
      if (!units_.classify(next).attached ||
          ts_node_start_point(next).row > ts_node_end_point(last).row + 1) {
        break;
      }
      last = next;
    }
    return {first_row(first), last_row(last)};
  }

  Scope for_blank_line(uint32_t row) {
    uint32_t at = input_.line_start(row);
    auto chain = covering_chain(tree_.root(), at, at);
    auto units = units_.units_in_chain(chain);
    if (auto index = cursor_target(units)) return unit_scope(units, *index);
    // An insertion point: the run of blank lines.
    Lines lines{row, row};
    while (lines.first > 0 && is_blank_line(input_, lines.first - 1)) --lines.first;
    while (lines.last + 1 < input_.line_count() && is_blank_line(input_, lines.last + 1)) {
      ++lines.last;
    }
    Scope scope = make_scope(lines, ts_node_type(deepest_named(chain)), "blank");
    add_enclosing(scope, units, units.size());
    return scope;
  }

  Scope for_selection(ByteRange range) {
    auto chain = covering_chain(tree_.root(), range.begin, range.end);
    TSNode container = deepest_named(chain);
    auto units = units_.units_in_chain(chain);
    if (auto members = members_scope(container, range, units)) return *members;

    Scope scope;
    if (units.empty()) {
      scope = make_scope(
          {point_of_byte(input_, range.begin).row, point_of_byte(input_, range.end - 1).row},
          ts_node_type(container), "line");
    } else {
      scope = unit_scope(units, units.size() - 1);
    }
    check_size(scope);
    return scope;
  }

  // A selection over several members of one block (statements, methods, top-level
  // definitions): just those members, not the whole block.
  std::optional<Scope> members_scope(TSNode container, ByteRange range,
                                     const std::vector<LogicalUnit>& units) {
    std::vector<TSNode> members;
    uint32_t definitions = 0;
    std::string names;
    // A cursor walk (ts_node_named_child(i) restarts from the first child each time), starting
    // at the first child that reaches the selection.
    TreeCursor cursor(container);
    if (ts_tree_cursor_goto_first_child_for_byte(cursor.get(), range.begin) < 0) {
      return std::nullopt;
    }
    for (bool more = true; more; more = ts_tree_cursor_goto_next_sibling(cursor.get())) {
      TSNode child = cursor.node();
      if (!ts_node_is_named(child)) continue;
      if (ts_node_end_byte(child) <= range.begin) continue;
      if (ts_node_start_byte(child) >= range.end) break;
      if (ts_node_start_byte(child) == ts_node_end_byte(child)) continue;
      auto unit = units_.unit_at(child);
      if (!unit) {
        if (units_.classify(child).attached) {
          members.push_back(child);
          continue;
        }
        return std::nullopt;  // not a block of members: a name, parameters, an expression...
      }
      members.push_back(child);
      if (unit->kind == UnitKind::kFunction || unit->kind == UnitKind::kDefinition) {
        ++definitions;
        std::string name = name_of(unit->name);
        if (!names.empty()) names += ", ";
        names += name.empty() ? std::string(ts_node_type(unit->node)) : name;
      }
    }
    if (members.size() < 2) return std::nullopt;

    uint32_t first = first_row(members.front());
    if (auto unit = units_.unit_at(members.front())) {
      first = point_of_byte(input_, units_.start_with_attached(unit->outer)).row;
    }
    Scope scope = make_scope({first, last_row(members.back())}, ts_node_type(container), "members");
    add_enclosing(scope, units, units.size());
    // Top level: nothing but namespaces around the members (the block holding them, e.g. a
    // namespace's body, does not count).
    bool top_level = std::all_of(units.begin(), units.end(), [&](const LogicalUnit& unit) {
      return unit.kind == UnitKind::kNamespace ||
             (unit.kind == UnitKind::kBlock && ts_node_eq(unit.node, container));
    });
    if (top_level && definitions >= 2) {
      scope.is_local = false;
      scope.reason = "the selection spans " + std::to_string(definitions) +
                     " top-level definitions (" + names + ")";
      return scope;
    }
    check_size(scope);
    return scope;
  }

  void check_size(Scope& scope) const {
    if (!scope.is_local || scope.line_count() <= options_.max_region_lines) return;
    scope.is_local = false;
    scope.reason = "the region has " + std::to_string(scope.line_count()) +
                   " lines, more than edit.maxRegionLines (" +
                   std::to_string(options_.max_region_lines) + ")";
  }

  const Tree& tree_;
  const TextInput& input_;
  const ScopeOptions& options_;
  UnitClassifier units_;
};

}  // namespace

Scope find_scope(const Tree* tree, const TextInput& input, ByteRange range,
                 const ScopeOptions& options) {
  if (!tree || !*tree || !tree->language().units()) {
    return find_indentation_scope(input, range, options);
  }
  return ScopeFinder(*tree, input, options).find(range);
}

Scope find_scope(const Tree* tree, const TextInput& input, TextPoint begin, TextPoint end,
                 const ScopeOptions& options) {
  return find_scope(tree, input, ByteRange{byte_of_point(input, begin), byte_of_point(input, end)},
                    options);
}

}  // namespace flint::parsers
