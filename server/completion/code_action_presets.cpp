#include "server/completion/code_action_presets.h"

#include <array>

namespace flint {
namespace {

constexpr std::string_view kFixWithoutDiagnostics =
    "Find and fix the bugs in this code: logic errors, wrong conditions, off-by-one mistakes, "
    "unhandled edge cases and misused APIs. Change as little as possible and keep the code's "
    "intent; if it is correct, return it unchanged.";

constexpr std::string_view kSimplify =
    "Simplify this code without changing its behaviour: remove duplication and dead code, "
    "flatten needless nesting, and prefer the clearest idiomatic constructs of the language. "
    "Keep names, comments and the public interface unless they are part of the problem.";

struct LanguageText {
  std::string_view language;
  std::string_view text;
};

constexpr std::array<LanguageText, 14> kDocStyles{{
    {"python", "a docstring (PEP 257)"},
    {"javascript", "a JSDoc comment (/** ... */)"},
    {"javascriptreact", "a JSDoc comment (/** ... */)"},
    {"typescript", "a TSDoc comment (/** ... */)"},
    {"typescriptreact", "a TSDoc comment (/** ... */)"},
    {"java", "a Javadoc comment"},
    {"kotlin", "a KDoc comment"},
    {"rust", "a /// doc comment"},
    {"go", "a Go doc comment that starts with the name it documents"},
    {"lua", "LuaCATS annotations (---@param, ---@return) with a summary line"},
    {"c", "a comment above the declaration"},
    {"cpp", "a comment above the declaration"},
    {"csharp", "an XML doc comment (///)"},
    {"php", "a PHPDoc comment"},
}};

constexpr std::array<LanguageText, 7> kTypeStyles{{
    {"python",
     "Add type hints to the parameters and return values of the functions here, and to "
     "variables whose type is not obvious, using modern syntax (built-in generics such as "
     "list[int], X | None)."},
    {"typescript",
     "Add explicit TypeScript types to parameters, return values and variables whose type is "
     "not obvious, and replace `any` with precise types."},
    {"typescriptreact",
     "Add explicit TypeScript types to parameters, props, return values and variables whose "
     "type is not obvious, and replace `any` with precise types."},
    {"javascript",
     "Add JSDoc type annotations (@param, @returns, @type) to the functions here and to "
     "variables whose type is not obvious."},
    {"javascriptreact",
     "Add JSDoc type annotations (@param, @returns, @type) to the components and functions "
     "here, props included, and to variables whose type is not obvious."},
    {"lua",
     "Add LuaCATS type annotations (---@param, ---@return, ---@type, ---@class) to the "
     "functions and tables here."},
    {"php",
     "Add parameter, return and property type declarations to the functions and classes "
     "here."},
}};

std::string_view lookup(const auto& table, std::string_view language) {
  for (const auto& entry : table) {
    if (entry.language == language) return entry.text;
  }
  return {};
}

std::string fix_instruction(const std::vector<DiagnosticNote>& diagnostics) {
  if (diagnostics.empty()) return std::string(kFixWithoutDiagnostics);
  std::string text =
      "Fix the following problem" + std::string(diagnostics.size() > 1 ? "s" : "") +
      " reported in this code, changing as little as possible and keeping its behaviour "
      "otherwise:";
  for (const DiagnosticNote& d : diagnostics) {
    text += "\n- line " + std::to_string(d.line) + ": " + d.message;
    if (!d.source.empty()) text += " (" + d.source + ")";
  }
  return text;
}

std::string document_instruction(std::string_view language) {
  std::string_view style = lookup(kDocStyles, language);
  std::string text = "Document this code: add ";
  text += style.empty() ? "a concise documentation comment in the language's usual style"
                        : std::string(style);
  text +=
      " to each function, class and other definition here that lacks one, saying what it "
      "does, its parameters, what it returns and the errors it raises where that is not "
      "obvious. Add comments inside bodies only where the logic is not self-evident. Do not "
      "change the code itself.";
  return text;
}

}  // namespace

bool has_optional_types(std::string_view language) {
  return !lookup(kTypeStyles, language).empty();
}

std::vector<CodeActionPreset> code_action_presets(const CodeActionRequest& request) {
  std::vector<CodeActionPreset> presets;
  bool quickfix = !request.diagnostics.empty();
  presets.push_back({"flint: Fix", std::string(quickfix ? kQuickFixKind : kRewriteKind),
                     std::string(kInlineEditCommand), fix_instruction(request.diagnostics),
                     quickfix});
  presets.push_back({"flint: Simplify", std::string(kRewriteKind), std::string(kInlineEditCommand),
                     std::string(kSimplify), false});
  presets.push_back({"flint: Document", std::string(kRewriteKind), std::string(kInlineEditCommand),
                     document_instruction(request.language), false});
  if (std::string_view types = lookup(kTypeStyles, request.language); !types.empty()) {
    presets.push_back(
        {"flint: Add types", std::string(kRewriteKind), std::string(kInlineEditCommand),
         std::string(types) + " Use only names that are built in or already imported in the "
                              "file, and do not change behaviour.",
         false});
  }
  if (request.client_can_prompt) {
    presets.push_back({"flint: Edit with instruction\u2026", std::string(kRewriteKind),
                       std::string(kPromptEditCommand), "", false});
  }
  return presets;
}

bool code_action_kind_matches(std::string_view kind, const std::vector<std::string>& only) {
  if (only.empty()) return true;
  for (const std::string& wanted : only) {
    if (wanted.empty()) continue;
    if (kind == wanted) return true;
    if (kind.size() > wanted.size() && kind.substr(0, wanted.size()) == wanted &&
        kind[wanted.size()] == '.') {
      return true;
    }
  }
  return false;
}

}  // namespace flint
