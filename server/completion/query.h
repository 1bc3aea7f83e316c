#pragma once
// Cuts a CompletionQuery out of a document: bounded windows before and after the cursor, the
// completion mode the cursor's line calls for, and the file context (tree-sitter) that the
// windows do not already show.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parsers/syntax_tree.h"
#include "parsers/text_input.h"
#include "server/completion/engine.h"

namespace flint {

struct CompletionWindowLimits {
  uint32_t prefix_bytes = 4096;
  uint32_t suffix_bytes = 1024;
  uint32_t context_bytes = 1024;  // budget of the tree-sitter context items
};

// A completion item the client has selected in its completion menu (LSP
// selectedCompletionInfo): the inline completion must extend it, so the prompt is built as if
// it had been accepted.
struct SelectedCompletion {
  uint32_t begin = 0;  // the bytes it would replace
  uint32_t end = 0;
  std::string text;
};

struct CompletionQueryInput {
  const parsers::TextInput* text = nullptr;
  const parsers::Tree* tree = nullptr;  // null: no grammar, or not up to date
  uint32_t cursor = 0;                  // byte offset
  std::string uri;
  std::string language;
  std::string path;
  std::optional<SelectedCompletion> selected;
};

CompletionQuery build_completion_query(const CompletionQueryInput& input,
                                       const CompletionWindowLimits& limits = {});

// The mode a cursor calls for, from the text before and after it on its line: text after the
// cursor, or a line that is already under way, is completed to its end (kLine); a blank line
// or a line ending in a block opener gets a statement or block (kBlock).
CompletionMode completion_mode(std::string_view line_before, std::string_view line_after);

// The text of the cursor's line before / after the cursor, as the query holds it.
std::string_view line_before_cursor(const CompletionQuery& query);
std::string_view line_after_cursor(const CompletionQuery& query);

}  // namespace flint
