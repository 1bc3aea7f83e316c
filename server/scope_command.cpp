#include "server/scope_command.h"

#include <charconv>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "parsers/context.h"
#include "parsers/language_registry.h"
#include "parsers/scope.h"
#include "parsers/syntax_tree.h"
#include "protocol/position_encoding.h"

namespace flint {
namespace {

// Keys in a fixed, readable order (nlohmann::json would sort them).
using json = nlohmann::ordered_json;
using protocol::PositionEncoding;

constexpr std::string_view kUsage =
    "usage: flint-lsp scope FILE LINE:COL[-LINE:COL] [--max-region-lines N] "
    "[--context-bytes N] [--language ID]";

struct Arguments {
  std::string file;
  uint32_t begin_line = 0, begin_column = 0, end_line = 0, end_column = 0;  // 1-based
  uint32_t max_region_lines = 200;
  uint32_t context_bytes = 4096;
  std::string language;
};

std::optional<uint32_t> parse_number(std::string_view text) {
  uint32_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool parse_position(std::string_view text, uint32_t& line, uint32_t& column) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  auto l = parse_number(text.substr(0, colon));
  auto c = parse_number(text.substr(colon + 1));
  if (!l || !c || *l == 0 || *c == 0) return false;
  line = *l;
  column = *c;
  return true;
}

std::optional<std::string> parse_arguments(int argc, char** argv, Arguments& args) {
  std::vector<std::string_view> positional;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> std::optional<std::string_view> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string_view(argv[++i]);
    };
    if (arg == "--max-region-lines" || arg == "--context-bytes") {
      auto text = value();
      auto number = text ? parse_number(*text) : std::nullopt;
      if (!number || *number == 0) return std::string(arg) + " needs a positive number";
      (arg == "--max-region-lines" ? args.max_region_lines : args.context_bytes) = *number;
    } else if (arg == "--language") {
      auto text = value();
      if (!text) return "--language needs a language id";
      args.language = *text;
    } else if (arg.starts_with("--")) {
      return "unknown option " + std::string(arg);
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 2) return "expected FILE and LINE:COL[-LINE:COL]";
  args.file = positional[0];
  std::string_view where = positional[1];
  auto dash = where.find('-');
  if (!parse_position(where.substr(0, dash), args.begin_line, args.begin_column)) {
    return "bad position '" + std::string(where) + "' (expected LINE:COL, 1-based)";
  }
  args.end_line = args.begin_line;
  args.end_column = args.begin_column;
  if (dash != std::string_view::npos &&
      !parse_position(where.substr(dash + 1), args.end_line, args.end_column)) {
    return "bad position '" + std::string(where) + "' (expected LINE:COL-LINE:COL, 1-based)";
  }
  if (std::pair(args.end_line, args.end_column) < std::pair(args.begin_line, args.begin_column)) {
    return "the selection ends before it starts";
  }
  return std::nullopt;
}

json utf16_position(const parsers::TextInput& input, uint32_t line, uint32_t byte_in_line) {
  return {{"line", line},
          {"character",
           protocol::character_of_byte(input.line(line), byte_in_line, PositionEncoding::kUtf16)}};
}

json report(const Arguments& args, const parsers::TextInput& input,
            const parsers::Language* language) {
  auto to_byte = [&](uint32_t line, uint32_t column) {
    uint32_t row = line - 1;
    return input.line_start(row) +
           protocol::byte_of_character(input.line(row), column - 1, PositionEncoding::kUtf32);
  };
  parsers::ByteRange range{to_byte(args.begin_line, args.begin_column),
                           to_byte(args.end_line, args.end_column)};

  std::optional<parsers::Tree> tree;
  if (language) tree = parsers::parse_text(*language, input);
  const parsers::Tree* tree_ptr = tree ? &*tree : nullptr;
  auto scope =
      parsers::find_scope(tree_ptr, input, range, parsers::ScopeOptions{args.max_region_lines});
  auto context =
      parsers::extract_context(tree_ptr, input, scope, parsers::ContextOptions{args.context_bytes});

  // The region is whole lines: it ends at the start of the next line, or at the end of the
  // last line of the file.
  json end = scope.last_line + 1 < input.line_count()
                 ? json{{"line", scope.last_line + 1}, {"character", 0}}
                 : utf16_position(input, scope.last_line,
                                  static_cast<uint32_t>(input.line(scope.last_line).size()));
  json enclosing = json::array();
  for (const auto& definition : scope.enclosing) {
    enclosing.push_back(
        {{"kind", definition.kind}, {"name", definition.name}, {"line", definition.line}});
  }
  json items = json::array();
  for (const auto& item : context.items) {
    items.push_back({{"kind", parsers::context_kind_name(item.kind)},
                     {"lines", {{"first", item.first_line + 1}, {"last", item.last_line + 1}}},
                     {"text", item.text}});
  }
  return {
      {"file", args.file},
      {"language", language ? json(language->id()) : json(nullptr)},
      {"range", {{"start", {{"line", scope.first_line}, {"character", 0}}}, {"end", end}}},
      {"positionEncoding", "utf-16"},
      {"lines", {{"first", scope.first_line + 1}, {"last", scope.last_line + 1}}},
      {"nodeKind", scope.node_kind},
      {"unit", scope.unit},
      {"name", scope.name},
      {"isLocal", scope.is_local},
      {"reason", scope.reason},
      {"enclosing", enclosing},
      {"context", {{"bytes", context.bytes}, {"truncated", context.truncated}, {"items", items}}},
  };
}

}  // namespace

int run_scope_command(int argc, char** argv) {
  Arguments args;
  if (auto error = parse_arguments(argc, argv, args)) {
    std::cerr << "flint-lsp scope: " << *error << "\n" << kUsage << "\n";
    return 2;
  }
  std::ifstream file(args.file, std::ios::binary);
  if (!file) {
    std::cerr << "flint-lsp scope: cannot read " << args.file << "\n";
    return 1;
  }
  std::ostringstream buffer;
  buffer << file.rdbuf();
  std::string text = buffer.str();
  parsers::StringTextInput input(text);
  if (args.begin_line > input.line_count() || args.end_line > input.line_count()) {
    std::cerr << "flint-lsp scope: " << args.file << " has " << input.line_count() << " lines\n";
    return 2;
  }

  const auto& registry = parsers::LanguageRegistry::shared();
  const parsers::Language* language = nullptr;
  if (!args.language.empty()) {
    language = registry.for_language_id(args.language);
    if (!language) language = registry.find(args.language);
    if (!language) {
      std::cerr << "flint-lsp scope: no grammar for language '" << args.language
                << "'; using indentation blocks\n";
    }
  } else {
    language = registry.for_path(args.file);
  }
  if (language) {
    for (const auto& error : language->errors()) std::cerr << "flint-lsp scope: " << error << "\n";
  }

  std::cout << report(args, input, language).dump(2, ' ', false, json::error_handler_t::replace)
            << "\n";
  return std::cout.good() ? 0 : 1;
}

}  // namespace flint
