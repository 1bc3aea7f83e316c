#include "parsers/context.h"

#include <algorithm>

#include "parsers/units.h"

namespace flint::parsers {
namespace {

constexpr uint32_t kMaxSignatureBytes = 1000;

std::string trim_right(std::string text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                           text.back() == '\r' || text.back() == '{')) {
    text.pop_back();
  }
  return text;
}

struct Candidate {
  ContextItem item;
  int priority = 0;  // lower is kept first
  uint32_t order = 0;
};

class ContextBuilder {
 public:
  ContextBuilder(const Tree& tree, const TextInput& input, const Scope& scope,
                 const ContextOptions& options)
      : tree_(tree),
        input_(input),
        scope_(scope),
        options_(options),
        units_(tree.language(), input) {}

  std::vector<Candidate> candidates() {
    std::vector<Candidate> out;
    auto chain = region_chain();
    auto units = units_.units_in_chain(chain);
    TSNode container_body = tree_.root();
    uint32_t depth = 0;
    TSNode last_name{};
    for (const auto& unit : units) {
      if (!is_definition(unit.kind) || !strictly_encloses(unit)) continue;
      if (!ts_node_is_null(unit.name) && ts_node_eq(unit.name, last_name)) continue;
      last_name = unit.name;
      if (auto item = signature(unit, ContextKind::kEnclosing)) {
        out.push_back(Candidate{std::move(*item), 0, depth++});
      }
      // Siblings are the members of the innermost enclosing class or namespace.
      if (unit.kind == UnitKind::kDefinition || unit.kind == UnitKind::kNamespace) {
        container_body = ts_node_is_null(unit.body) ? unit.node : unit.body;
      }
    }
    // When the budget is short, the innermost enclosing signature is the one to keep.
    for (auto& candidate : out) candidate.order = depth - candidate.order;
    add_imports(out);
    add_siblings(container_body, out);
    return out;
  }

 private:
  static bool is_definition(UnitKind kind) {
    return kind == UnitKind::kFunction || kind == UnitKind::kClosure ||
           kind == UnitKind::kDefinition || kind == UnitKind::kNamespace;
  }

  std::vector<TSNode> region_chain() {
    uint32_t begin = scope_.start_byte;
    uint32_t end = scope_.end_byte;
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (begin < end && space(input_.chunk_at(begin)[0])) ++begin;
    while (end > begin && space(input_.chunk_at(end - 1)[0])) --end;
    if (begin == end) return covering_chain(tree_.root(), scope_.start_byte, scope_.start_byte);
    return covering_chain(tree_.root(), begin, end);
  }

  bool strictly_encloses(const LogicalUnit& unit) {
    uint32_t first = point_of_byte(input_, units_.start_with_attached(unit.outer)).row;
    uint32_t last = last_row(unit.outer);
    bool contains = first <= scope_.first_line && last >= scope_.last_line;
    return contains && (first != scope_.first_line || last != scope_.last_line);
  }

  std::optional<ContextItem> signature(const LogicalUnit& unit, ContextKind kind) {
    uint32_t start = ts_node_start_byte(unit.outer);
    uint32_t end = ts_node_end_byte(unit.outer);
    if (!ts_node_is_null(unit.body) && ts_node_start_byte(unit.body) > start) {
      end = ts_node_start_byte(unit.body);
    } else {
      // No body: the first line.
      uint32_t row = ts_node_start_point(unit.outer).row;
      end = std::min(end, input_.line_start(row) + static_cast<uint32_t>(input_.line(row).size()));
    }
    end = std::min(end, start + kMaxSignatureBytes);
    std::string text = trim_right(text_between(input_, start, end));
    if (text.empty()) return std::nullopt;
    ContextItem item;
    item.kind = kind;
    item.first_line = ts_node_start_point(unit.outer).row;
    item.last_line = point_of_byte(input_, start + static_cast<uint32_t>(text.size()) - 1).row;
    item.text = std::move(text);
    return item;
  }

  void add_imports(std::vector<Candidate>& out) {
    const Query* imports = tree_.language().imports();
    if (!imports) return;
    QueryRunner runner(input_);
    std::vector<ContextItem> items;
    bool matched = false;
    auto on_match = [&](const TSQueryMatch& match) {
      matched = true;
      for (uint16_t i = 0; i < match.capture_count; ++i) {
        TSNode node = match.captures[i].node;
        if (imports->capture_name(match.captures[i].index) != "import") continue;
        uint32_t first = ts_node_start_point(node).row;
        uint32_t last = last_row(node);
        if (first <= scope_.last_line && last >= scope_.first_line) continue;  // in the region
        std::string text = trim_right(units_.node_text(node));
        if (!items.empty() && items.back().last_line + 1 >= first &&
            items.back().last_line < first) {
          items.back().text += "\n" + text;
          items.back().last_line = last;
        } else {
          items.push_back(ContextItem{ContextKind::kImport, first, last, std::move(text)});
        }
      }
    };
    // Imports are top-level statements (patterns are rooted at the root's children, one level
    // down for include guards), and they sit in the file's head: the scan stops once
    // kImportGap top-level statements in a row were no import, so its cost does not grow
    // with the file.
    constexpr uint32_t kImportGap = 32;
    uint32_t gap = 0;
    TreeCursor cursor(tree_.root());
    if (!ts_tree_cursor_goto_first_child(cursor.get())) return;
    do {
      TSNode child = cursor.node();
      if (!ts_node_is_named(child)) continue;
      matched = false;
      runner.run(*imports, child, 0, on_match);
      gap = matched ? 0 : gap + 1;
    } while (gap < kImportGap && ts_tree_cursor_goto_next_sibling(cursor.get()));
    for (auto& item : items) out.push_back(Candidate{std::move(item), 1, 0});
  }

  void add_siblings(TSNode body, std::vector<Candidate>& out) {
    std::vector<TSNode> members;
    uint32_t count = ts_node_named_child_count(body);
    members.reserve(count);
    TreeCursor cursor(body);
    if (ts_tree_cursor_goto_first_child(cursor.get())) {
      do {
        TSNode child = cursor.node();
        if (ts_node_is_named(child)) members.push_back(child);
      } while (ts_tree_cursor_goto_next_sibling(cursor.get()));
    }
    // Members before the region, nearest first, and after it, nearest first, interleaved.
    auto region_start = scope_.start_byte;
    auto region_end = scope_.end_byte;
    size_t split = static_cast<size_t>(
        std::partition_point(members.begin(), members.end(),
                             [&](TSNode n) { return ts_node_end_byte(n) <= region_start; }) -
        members.begin());
    size_t after = split;
    while (after < members.size() && ts_node_start_byte(members[after]) < region_end) ++after;
    size_t before = split;
    uint32_t taken = 0;
    uint32_t scanned = 0;
    int distance = 0;
    while ((before > 0 || after < members.size()) && taken < options_.max_siblings &&
           scanned < options_.max_siblings * 8) {
      ++distance;
      for (int side = 0; side < 2; ++side) {
        TSNode node{};
        if (side == 0 && before > 0) node = members[--before];
        if (side == 1 && after < members.size()) node = members[after++];
        if (ts_node_is_null(node)) continue;
        ++scanned;
        auto unit = units_.unit_at(node);
        if (!unit || (unit->kind != UnitKind::kFunction && unit->kind != UnitKind::kDefinition)) {
          continue;
        }
        if (auto item = signature(*unit, ContextKind::kSibling)) {
          out.push_back(Candidate{std::move(*item), 2, static_cast<uint32_t>(distance)});
          ++taken;
        }
      }
    }
  }

  const Tree& tree_;
  const TextInput& input_;
  const Scope& scope_;
  const ContextOptions& options_;
  UnitClassifier units_;
};

Context select(std::vector<Candidate> candidates, const ContextOptions& options) {
  // Keep by priority (enclosing, imports, siblings by distance) while the budget lasts...
  std::vector<size_t> by_priority(candidates.size());
  for (size_t i = 0; i < by_priority.size(); ++i) by_priority[i] = i;
  std::stable_sort(by_priority.begin(), by_priority.end(), [&](size_t a, size_t b) {
    if (candidates[a].priority != candidates[b].priority) {
      return candidates[a].priority < candidates[b].priority;
    }
    return candidates[a].order < candidates[b].order;
  });
  Context context;
  std::vector<bool> kept(candidates.size(), false);
  for (size_t index : by_priority) {
    uint32_t cost = static_cast<uint32_t>(candidates[index].item.text.size()) + 1;
    if (context.bytes + cost > options.byte_budget) {
      context.truncated = true;
      continue;
    }
    context.bytes += cost;
    kept[index] = true;
  }
  // ...then emit in the stable order: imports, enclosing (outermost first), siblings.
  std::vector<size_t> stable;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (kept[i]) stable.push_back(i);
  }
  auto rank = [](ContextKind kind) {
    return kind == ContextKind::kImport ? 0 : kind == ContextKind::kEnclosing ? 1 : 2;
  };
  std::stable_sort(stable.begin(), stable.end(), [&](size_t a, size_t b) {
    const auto& x = candidates[a].item;
    const auto& y = candidates[b].item;
    if (rank(x.kind) != rank(y.kind)) return rank(x.kind) < rank(y.kind);
    return x.first_line < y.first_line;
  });
  for (size_t i : stable) context.items.push_back(std::move(candidates[i].item));
  return context;
}

std::vector<Candidate> indentation_candidates(const TextInput& input, const Scope& scope) {
  std::vector<Candidate> out;
  for (const auto& header : scope.enclosing) {
    if (header.line == 0 || header.line > input.line_count()) continue;
    uint32_t row = header.line - 1;
    out.push_back(Candidate{
        ContextItem{ContextKind::kEnclosing, row, row, trim_right(std::string(input.line(row)))}, 0,
        0});
  }
  return out;
}

}  // namespace

std::string_view context_kind_name(ContextKind kind) {
  switch (kind) {
    case ContextKind::kImport:
      return "import";
    case ContextKind::kEnclosing:
      return "enclosing";
    case ContextKind::kSibling:
      return "sibling";
  }
  return "unknown";
}

Context extract_context(const Tree* tree, const TextInput& input, const Scope& scope,
                        const ContextOptions& options) {
  if (!tree || !*tree || !tree->language().units()) {
    return select(indentation_candidates(input, scope), options);
  }
  return select(ContextBuilder(*tree, input, scope, options).candidates(), options);
}

}  // namespace flint::parsers
