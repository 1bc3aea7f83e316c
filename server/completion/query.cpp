#include "server/completion/query.h"

#include <algorithm>
#include <cctype>

#include "parsers/context.h"
#include "parsers/scope.h"

namespace flint {
namespace {

using parsers::TextInput;

bool is_continuation_byte(const TextInput& text, uint32_t byte) {
  std::string_view chunk = text.chunk_at(byte);
  return !chunk.empty() && (static_cast<unsigned char>(chunk[0]) & 0xC0) == 0x80;
}

uint32_t line_end_without_newline(const TextInput& text, uint32_t line) {
  return text.line_start(line) + static_cast<uint32_t>(text.line(line).size());
}

// The first line start at or after cursor - limit; inside the cursor's own line when that line
// alone is longer than the limit.
uint32_t prefix_window_start(const TextInput& text, uint32_t cursor, uint32_t limit) {
  uint32_t cursor_line_start = text.line_start(parsers::line_of_byte(text, cursor));
  uint32_t lo = cursor > limit ? cursor - limit : 0;
  if (lo <= cursor_line_start) {
    uint32_t line = parsers::line_of_byte(text, lo);
    uint32_t start = text.line_start(line);
    return start == lo ? lo : text.line_start(line + 1);
  }
  while (lo < cursor && is_continuation_byte(text, lo)) ++lo;
  return lo;
}

// The last line end (its "\n" included) at or before from + limit; inside the cursor's own
// line when the rest of that line alone is longer than the limit.
uint32_t suffix_window_end(const TextInput& text, uint32_t from, uint32_t limit) {
  uint32_t line = parsers::line_of_byte(text, from);
  uint32_t line_end = line_end_without_newline(text, line);
  uint32_t size = text.size();
  uint32_t hi = size - from > limit ? from + limit : size;
  if (hi >= line_end) {
    if (hi == size) return size;
    uint32_t hi_line = parsers::line_of_byte(text, hi);
    return hi_line == line ? line_end : text.line_start(hi_line);
  }
  while (hi > from && is_continuation_byte(text, hi)) --hi;
  return hi;
}

std::string_view trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

bool ends_with_word(std::string_view text, std::string_view word) {
  if (text.size() < word.size() || text.substr(text.size() - word.size()) != word) return false;
  if (text.size() == word.size()) return true;
  char before = text[text.size() - word.size() - 1];
  return !(std::isalnum(static_cast<unsigned char>(before)) || before == '_');
}

}  // namespace

CompletionMode completion_mode(std::string_view line_before, std::string_view line_after) {
  std::string_view after = trim(line_after);
  std::string_view before = trim(line_before);
  if (!after.empty()) {
    // Between braces the editor paired ("{|}"), a block; anywhere else, the rest of the line.
    bool only_closers = after.find_first_not_of(")]}>\"'`;, ") == std::string_view::npos;
    bool in_braces = only_closers && !before.empty() && before.back() == '{';
    return in_braces ? CompletionMode::kBlock : CompletionMode::kLine;
  }
  if (before.empty()) return CompletionMode::kBlock;
  static constexpr std::string_view kOpeners = ":{([";
  if (kOpeners.find(before.back()) != std::string_view::npos) return CompletionMode::kBlock;
  for (std::string_view word : {"do", "then", "else", "=>"}) {
    if (ends_with_word(before, word)) return CompletionMode::kBlock;
  }
  return CompletionMode::kLine;
}

std::string_view line_before_cursor(const CompletionQuery& query) {
  std::string_view prefix(query.prefix);
  size_t newline = prefix.rfind('\n');
  return newline == std::string_view::npos ? prefix : prefix.substr(newline + 1);
}

std::string_view line_after_cursor(const CompletionQuery& query) {
  std::string_view suffix(query.suffix);
  return suffix.substr(0, std::min(suffix.size(), suffix.find('\n')));
}

CompletionQuery build_completion_query(const CompletionQueryInput& in,
                                       const CompletionWindowLimits& limits) {
  const TextInput& text = *in.text;
  uint32_t size = text.size();
  uint32_t before = std::min(in.cursor, size);  // where the prefix ends in the document
  uint32_t after = before;                      // where the suffix starts
  std::string inserted;
  if (in.selected) {
    before = std::min(in.selected->begin, size);
    after = std::clamp(in.selected->end, before, size);
    inserted = in.selected->text;
  }

  CompletionQuery query;
  query.uri = in.uri;
  query.language = in.language;
  query.path = in.path;
  uint32_t window_start = prefix_window_start(text, before, limits.prefix_bytes);
  uint32_t window_end = suffix_window_end(text, after, limits.suffix_bytes);
  query.prefix = parsers::text_between(text, window_start, before) + inserted;
  query.suffix = parsers::text_between(text, after, window_end);
  query.cursor = before + static_cast<uint32_t>(inserted.size());
  query.mode = completion_mode(line_before_cursor(query), line_after_cursor(query));

  parsers::Scope scope = parsers::find_scope(in.tree, text, parsers::ByteRange{before, after});
  parsers::ContextOptions context_options;
  context_options.byte_budget = limits.context_bytes;
  context_options.max_siblings = 16;
  parsers::Context context = parsers::extract_context(in.tree, text, scope, context_options);
  uint32_t first_line = parsers::line_of_byte(text, window_start);
  uint32_t last_line =
      parsers::line_of_byte(text, window_end > window_start ? window_end - 1 : window_end);
  for (const parsers::ContextItem& item : context.items) {
    // What the windows show already would only repeat itself.
    if (item.last_line < first_line || item.first_line > last_line) {
      query.context.push_back(item.text);
    }
  }
  return query;
}

}  // namespace flint
