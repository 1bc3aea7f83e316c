// Scoping and context on arbitrary source bytes, for each of the twelve languages: the scope
// of a cursor and of a selection, with the language's tree and with the indentation fallback,
// and the context extracted around the cursor's scope.
//
// Input: a first line "LANGUAGE BEGIN END BUDGET" (a flint language id, or any word: the
// language is then picked by a hash of it; byte offsets of the cursor and the selection's end;
// the context's byte budget, 4096 when 0), then the source.
//
// Properties (a violation traps): no crash or sanitizer report; every scope is whole lines
// inside the document (its bytes are exactly those lines'); a cursor's scope contains the
// cursor's line and is local; a selection's scope meets the selection's lines; the context's
// items lie inside the document and add up to its byte count, within the budget.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "parsers/context.h"
#include "parsers/language_registry.h"
#include "parsers/scope.h"
#include "parsers/syntax_tree.h"
#include "parsers/text_input.h"
#include "tests/fuzz/fuzz_check.h"

namespace flint::fuzz {
namespace {

using namespace flint::parsers;

struct Input {
  std::string_view language;
  uint32_t numbers[3] = {0, 0, 0};  // begin, end, budget
  std::string_view source;
};

Input read_input(std::string_view bytes) {
  Input in;
  size_t newline = bytes.find('\n');
  std::string_view header = bytes.substr(0, newline);
  in.source = newline == std::string_view::npos ? std::string_view() : bytes.substr(newline + 1);
  size_t space = header.find(' ');
  in.language = header.substr(0, space);
  std::string_view rest = space == std::string_view::npos ? "" : header.substr(space + 1);
  size_t field = 0;
  bool in_number = false;
  for (char c : rest) {
    if (c >= '0' && c <= '9') {
      if (field < 3) in.numbers[field] = in.numbers[field] * 10 + static_cast<uint32_t>(c - '0');
      in_number = true;
    } else if (in_number) {
      ++field;
      in_number = false;
    }
  }
  return in;
}

std::string describe(const Scope& s) {
  return "lines " + std::to_string(s.first_line) + "-" + std::to_string(s.last_line) + " bytes " +
         std::to_string(s.start_byte) + "-" + std::to_string(s.end_byte) + " " + s.unit + " " +
         s.node_kind;
}

void check_lines(const Scope& scope, const TextInput& input, std::string_view what) {
  bool inside = scope.first_line <= scope.last_line && scope.last_line < input.line_count() &&
                scope.start_byte == input.line_start(scope.first_line) &&
                scope.end_byte == line_end_with_newline(input, scope.last_line);
  FLINT_FUZZ_CHECK(inside, what, describe(scope));
  for (const EnclosingDefinition& definition : scope.enclosing) {
    FLINT_FUZZ_CHECK(definition.line >= 1 && definition.line <= input.line_count(),
                     "an enclosing definition lies outside the document",
                     std::to_string(definition.line));
  }
}

void check(const Tree* tree, const TextInput& input, uint32_t begin, uint32_t end,
           uint32_t budget) {
  uint32_t size = input.size();
  begin = std::min(begin, size);
  end = std::min(end, size);

  Scope cursor = find_scope(tree, input, ByteRange{begin, begin});
  check_lines(cursor, input, "a cursor's scope is not whole lines inside the document");
  uint32_t row = point_of_byte(input, begin).row;
  FLINT_FUZZ_CHECK(cursor.first_line <= row && row <= cursor.last_line,
                   "a cursor's scope does not contain the cursor",
                   "row " + std::to_string(row) + ", " + describe(cursor));
  FLINT_FUZZ_CHECK(cursor.is_local, "a cursor's scope is not local", cursor.reason);

  uint32_t low = std::min(begin, end);
  uint32_t high = std::max(begin, end);
  Scope selection = find_scope(tree, input, ByteRange{low, high});
  check_lines(selection, input, "a selection's scope is not whole lines inside the document");
  uint32_t first_row = point_of_byte(input, low).row;
  uint32_t last_row = point_of_byte(input, high).row;
  FLINT_FUZZ_CHECK(selection.first_line <= last_row && first_row <= selection.last_line,
                   "a selection's scope misses the selection",
                   "rows " + std::to_string(first_row) + "-" + std::to_string(last_row) + ", " +
                       describe(selection));

  ContextOptions options;
  if (budget != 0) options.byte_budget = budget;
  Context context = extract_context(tree, input, cursor, options);
  uint32_t bytes = 0;
  for (const ContextItem& item : context.items) {
    FLINT_FUZZ_CHECK(item.first_line <= item.last_line && item.last_line < input.line_count(),
                     "a context item lies outside the document", item.text);
    bytes += static_cast<uint32_t>(item.text.size()) + 1;
  }
  FLINT_FUZZ_CHECK(bytes == context.bytes && bytes <= options.byte_budget,
                   "the context's bytes do not add up within the budget",
                   std::to_string(bytes) + " counted, " + std::to_string(context.bytes) +
                       " said, budget " + std::to_string(options.byte_budget));
}

}  // namespace
}  // namespace flint::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flint::parsers;
  auto in = flint::fuzz::read_input(std::string_view(reinterpret_cast<const char*>(data), size));
  const LanguageRegistry& registry = LanguageRegistry::shared();
  const Language* language = registry.find(in.language);
  if (!language) {
    auto languages = registry.languages();
    if (languages.empty()) flint::fuzz::fail("no languages");
    language = languages[std::hash<std::string_view>()(in.language) % languages.size()].get();
  }
  StringTextInput input(in.source);
  Tree tree = parse_text(*language, input);
  flint::fuzz::check(&tree, input, in.numbers[0], in.numbers[1], in.numbers[2]);
  flint::fuzz::check(nullptr, input, in.numbers[0], in.numbers[1], in.numbers[2]);
  return 0;
}
