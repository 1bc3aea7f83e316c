#pragma once
// Context for the model around a region, within a byte budget: the file's imports/includes,
// the signatures of the definitions enclosing the region, and the signatures of neighbouring
// definitions. Items come out in a stable order (imports, enclosing outermost first, siblings
// in file order) so that the prompt prefix stays the same between requests and provider
// prompt caches hit; when the budget is short, enclosing signatures are kept first, then
// imports, then the nearest siblings.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/scope.h"
#include "parsers/syntax_tree.h"

namespace flint::parsers {

struct ContextOptions {
  uint32_t byte_budget = 4096;  // total bytes of item texts (plus one "\n" each)
  uint32_t max_siblings = 32;
};

enum class ContextKind : uint8_t { kImport, kEnclosing, kSibling };
std::string_view context_kind_name(ContextKind kind);  // "import", "enclosing", "sibling"

struct ContextItem {
  ContextKind kind = ContextKind::kImport;
  uint32_t first_line = 0;  // 0-based, inclusive
  uint32_t last_line = 0;
  std::string text;  // source text (signatures without their bodies)
};

struct Context {
  std::vector<ContextItem> items;
  uint32_t bytes = 0;      // bytes used of the budget
  bool truncated = false;  // something was left out for lack of budget
};

// `tree` may be null (no grammar): the indentation headers in `scope.enclosing` are used.
Context extract_context(const Tree* tree, const TextInput& input, const Scope& scope,
                        const ContextOptions& options = {});

}  // namespace flint::parsers
