#pragma once
// flint's code actions, as data: which presets a range gets, with their kinds, titles and the
// instructions their flint.inlineEdit commands carry. The LSP side (code_action_handlers.cpp)
// adds the document, the range and the diagnostics.

#include <string>
#include <string_view>
#include <vector>

namespace flint {

inline constexpr std::string_view kQuickFixKind = "quickfix";
inline constexpr std::string_view kRewriteKind = "refactor.rewrite";
inline constexpr std::string_view kInlineEditCommand = "flint.inlineEdit";
// Implemented by the flint editor plugins, not by the server: they ask the person for an
// instruction, then run flint.inlineEdit with it.
inline constexpr std::string_view kPromptEditCommand = "flint.promptEdit";

// A diagnostic the client sent in the code action's context, on the lines of the range.
struct DiagnosticNote {
  std::string message;
  std::string source;  // may be empty
  int line = 0;        // 1-based, for the instruction
};

struct CodeActionPreset {
  std::string title;
  std::string kind;                // kQuickFixKind or kRewriteKind
  std::string command;             // kInlineEditCommand or kPromptEditCommand
  std::string instruction;         // empty for kPromptEditCommand
  bool fixes_diagnostics = false;  // the action lists the diagnostics it fixes
};

struct CodeActionRequest {
  std::string language;                     // LSP languageId
  std::vector<DiagnosticNote> diagnostics;  // those on the lines of the range
  bool client_can_prompt = false;           // the client runs flint.promptEdit
};

// In display order: Fix, Simplify, Document, Add types (where types are optional in the
// language), Edit with instruction… (for clients that can ask for one).
std::vector<CodeActionPreset> code_action_presets(const CodeActionRequest& request);

// LSP `only` filtering: a kind matches a requested kind equal to it or a parent of it
// ("refactor" matches "refactor.rewrite"). An empty list matches everything.
bool code_action_kind_matches(std::string_view kind, const std::vector<std::string>& only);

// Languages where type annotations are optional and worth adding.
bool has_optional_types(std::string_view language);

}  // namespace flint
