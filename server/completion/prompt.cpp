#include "server/completion/prompt.h"

#include <array>
#include <utility>

#include "server/completion/query.h"

namespace flint {
namespace {

// LSP language ids, plus the filetype names Neovim sends in their place.
constexpr std::array<std::pair<std::string_view, std::string_view>, 44> kLineComments{{
    {"python", "# "},
    {"shellscript", "# "},
    {"sh", "# "},
    {"bash", "# "},
    {"zsh", "# "},
    {"fish", "# "},
    {"ruby", "# "},
    {"perl", "# "},
    {"r", "# "},
    {"yaml", "# "},
    {"toml", "# "},
    {"makefile", "# "},
    {"make", "# "},
    {"dockerfile", "# "},
    {"powershell", "# "},
    {"elixir", "# "},
    {"nim", "# "},
    {"cmake", "# "},
    {"lua", "-- "},
    {"sql", "-- "},
    {"haskell", "-- "},
    {"c", "// "},
    {"cpp", "// "},
    {"objective-c", "// "},
    {"objective-cpp", "// "},
    {"csharp", "// "},
    {"cs", "// "},
    {"java", "// "},
    {"javascript", "// "},
    {"javascriptreact", "// "},
    {"typescript", "// "},
    {"typescriptreact", "// "},
    {"go", "// "},
    {"rust", "// "},
    {"swift", "// "},
    {"kotlin", "// "},
    {"scala", "// "},
    {"dart", "// "},
    {"php", "// "},
    {"zig", "// "},
    {"jsonc", "// "},
    {"fsharp", "// "},
    {"groovy", "// "},
    {"proto", "// "},
}};

constexpr std::string_view kFillSystem =
    "You are the inline code completion engine of a code editor. The user shows you a file "
    "with a hole marked <CURSOR> and you write the text that goes in the hole.\n"
    "Rules:\n"
    "- Answer with exactly the text to insert at <CURSOR> and nothing else: no explanations, "
    "no markdown fences, no <CURSOR> marker.\n"
    "- Do not repeat any code that is already before or after the hole.\n"
    "- Match the file's style and indentation; the inserted text starts exactly at the "
    "cursor's column.\n"
    "- If nothing useful can be inserted, answer with nothing.\n";

std::string commented(std::string_view prefix, std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out += prefix;
    out.append(text.substr(start, end - start));
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
    start = end + 1;
  }
  return out;
}

std::string fenced(std::string_view language, std::string_view text) {
  std::string out = "```" + std::string(language) + "\n" + std::string(text);
  if (out.back() != '\n') out += '\n';
  return out + "```\n";
}

}  // namespace

std::string_view line_comment_prefix(std::string_view language_id) {
  for (const auto& [id, prefix] : kLineComments) {
    if (id == language_id) return prefix;
  }
  return {};
}

std::string fim_header(const CompletionQuery& query) {
  std::string_view comment = line_comment_prefix(query.language);
  if (comment.empty()) return {};
  std::string header;
  if (!query.path.empty()) header += std::string(comment) + "Path: " + query.path + "\n";
  if (!query.context.empty()) {
    header += std::string(comment) + "Context from elsewhere in this file:\n";
    for (const std::string& item : query.context) header += commented(comment, item);
  }
  return header;
}

models::FimRequest build_fim_request(const CompletionQuery& query, int max_tokens) {
  models::FimRequest request;
  request.prompt = fim_header(query) + query.prefix;
  request.suffix = query.suffix;
  request.max_tokens = max_tokens;
  return request;
}

models::ChatRequest build_fill_request(const CompletionQuery& query, int max_tokens) {
  models::ChatRequest request;
  request.messages.push_back({"system", std::string(kFillSystem), {}, {}, {}});
  std::string user = "File: " + (query.path.empty() ? query.uri : query.path);
  if (!query.language.empty()) user += " (" + query.language + ")";
  user += "\n";
  if (!query.context.empty()) {
    std::string items;
    for (const std::string& item : query.context) items += item + "\n";
    user += "Context from elsewhere in the file:\n" + fenced(query.language, items);
  }
  user += "Code around the cursor:\n" +
          fenced(query.language, query.prefix + std::string(kCursorMarker) + query.suffix);
  if (query.mode == CompletionMode::kLine) {
    user +=
        "Complete the line at <CURSOR>: answer with the rest of that line only, without a "
        "line break.";
  } else {
    user +=
        "Complete the statement or block that starts at <CURSOR>, and stop where it ends. "
        "Indent every line after the first as it must appear in the file.";
  }
  request.messages.push_back({"user", std::move(user), {}, {}, {}});
  request.max_tokens = max_tokens;
  return request;
}

}  // namespace flint
