#pragma once
// The grammars compiled into flint_tree_sitter (generated from parsers/CMakeLists.txt).

#include <span>
#include <string_view>

struct TSLanguage;

namespace flint::parsers {

struct GrammarEntry {
  std::string_view id;               // flint's language id: "python", "cpp", "tsx", ...
  const TSLanguage* (*entry)(void);  // the grammar's tree_sitter_<name>()
};

std::span<const GrammarEntry> compiled_grammars();

}  // namespace flint::parsers
