#include "parsers/language_registry.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>

#include "parsers/embedded_queries.h"
#include "parsers/grammar_table.h"

namespace flint::parsers {
namespace {

struct NameMapping {
  std::string_view name;
  std::string_view language;
};

// LSP languageIds (as VS Code and Neovim send them) -> flint language id.
constexpr std::array kLanguageIds = {
    NameMapping{"python", "python"},
    NameMapping{"javascript", "javascript"},
    NameMapping{"javascriptreact", "javascript"},
    NameMapping{"typescript", "typescript"},
    NameMapping{"typescriptreact", "tsx"},
    NameMapping{"c", "c"},
    NameMapping{"cpp", "cpp"},
    NameMapping{"cuda-cpp", "cpp"},
    NameMapping{"go", "go"},
    NameMapping{"rust", "rust"},
    NameMapping{"java", "java"},
    NameMapping{"lua", "lua"},
    NameMapping{"shellscript", "bash"},
    NameMapping{"sh", "bash"},
    NameMapping{"bash", "bash"},
    NameMapping{"json", "json"},
    NameMapping{"jsonc", "json"},
};

// Extensions (lower case) and whole file names -> flint language id. ".h" goes to C++: its
// grammar reads C headers too, while the C grammar fails on C++ ones.
constexpr std::array kFileNames = {
    NameMapping{".py", "python"},
    NameMapping{".pyi", "python"},
    NameMapping{".pyw", "python"},
    NameMapping{".js", "javascript"},
    NameMapping{".mjs", "javascript"},
    NameMapping{".cjs", "javascript"},
    NameMapping{".jsx", "javascript"},
    NameMapping{".ts", "typescript"},
    NameMapping{".mts", "typescript"},
    NameMapping{".cts", "typescript"},
    NameMapping{".tsx", "tsx"},
    NameMapping{".c", "c"},
    NameMapping{".h", "cpp"},
    NameMapping{".cc", "cpp"},
    NameMapping{".cpp", "cpp"},
    NameMapping{".cxx", "cpp"},
    NameMapping{".c++", "cpp"},
    NameMapping{".hh", "cpp"},
    NameMapping{".hpp", "cpp"},
    NameMapping{".hxx", "cpp"},
    NameMapping{".h++", "cpp"},
    NameMapping{".ipp", "cpp"},
    NameMapping{".inl", "cpp"},
    NameMapping{".tpp", "cpp"},
    NameMapping{".cu", "cpp"},
    NameMapping{".go", "go"},
    NameMapping{".rs", "rust"},
    NameMapping{".java", "java"},
    NameMapping{".lua", "lua"},
    NameMapping{".sh", "bash"},
    NameMapping{".bash", "bash"},
    NameMapping{".bashrc", "bash"},
    NameMapping{".bash_profile", "bash"},
    NameMapping{".profile", "bash"},
    NameMapping{".json", "json"},
    NameMapping{".jsonc", "json"},
};

constexpr std::array kUnitCaptureNames = {
    std::pair{std::string_view("function"), UnitCapture::kFunction},
    std::pair{std::string_view("closure"), UnitCapture::kClosure},
    std::pair{std::string_view("definition"), UnitCapture::kDefinition},
    std::pair{std::string_view("namespace"), UnitCapture::kNamespace},
    std::pair{std::string_view("block"), UnitCapture::kBlock},
    std::pair{std::string_view("statement"), UnitCapture::kStatement},
    std::pair{std::string_view("wrapper"), UnitCapture::kWrapper},
    std::pair{std::string_view("attached"), UnitCapture::kAttached},
    std::pair{std::string_view("name"), UnitCapture::kName},
    std::pair{std::string_view("body"), UnitCapture::kBody},
};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Reads "<language>/<name>.scm" from `dir`, or from the embedded copies when `dir` is empty.
std::optional<std::string> read_query_file(const std::string& dir, std::string_view path) {
  if (dir.empty()) {
    for (const auto& query : embedded_queries()) {
      if (query.path == path) return std::string(query.text);
    }
    return std::nullopt;
  }
  std::ifstream file(dir + "/" + std::string(path), std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// A query's source: the files it was put together from, in order.
struct QuerySource {
  std::string text;
  std::vector<std::pair<uint32_t, std::string>> files;  // offset in `text`, "<lang>/<name>.scm"
};

// A query file may start with "; inherits: a,b": the named languages' files of the same name
// come first (the nvim-treesitter convention), so TypeScript reuses the ECMAScript patterns.
bool load_query_source(const std::string& dir, std::string_view language, std::string_view name,
                       QuerySource& source, int depth = 0) {
  std::string path = std::string(language) + "/" + std::string(name) + ".scm";
  auto text = read_query_file(dir, path);
  if (!text || depth > 4) return false;
  constexpr std::string_view kInherits = "; inherits:";
  if (std::string_view(*text).starts_with(kInherits)) {
    auto line_end = text->find('\n');
    std::stringstream list(text->substr(kInherits.size(), line_end - kInherits.size()));
    for (std::string parent; std::getline(list, parent, ',');) {
      parent.erase(std::remove_if(parent.begin(), parent.end(),
                                  [](unsigned char c) { return std::isspace(c); }),
                   parent.end());
      if (load_query_source(dir, parent, name, source, depth + 1)) source.text += '\n';
    }
  }
  source.files.emplace_back(static_cast<uint32_t>(source.text.size()), path);
  source.text += *text;
  return true;
}

// "<file>:<line>:<column>" of an offset in a query's source.
std::string describe_offset(const QuerySource& source, uint32_t offset) {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(source.text.size()));
  uint32_t file_start = 0;
  std::string file = source.files.empty() ? "?" : source.files.front().second;
  for (const auto& [start, path] : source.files) {
    if (start <= offset) {
      file_start = start;
      file = path;
    }
  }
  auto before = std::string_view(source.text).substr(file_start, offset - file_start);
  auto line = std::count(before.begin(), before.end(), '\n') + 1;
  auto line_start = before.rfind('\n');
  auto column = before.size() - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string_view query_error_name(TSQueryError error) {
  switch (error) {
    case TSQueryErrorSyntax:
      return "syntax error";
    case TSQueryErrorNodeType:
      return "invalid node type";
    case TSQueryErrorField:
      return "invalid field";
    case TSQueryErrorCapture:
      return "invalid capture";
    case TSQueryErrorStructure:
      return "impossible pattern structure";
    case TSQueryErrorLanguage:
      return "incompatible language";
    default:
      return "error";
  }
}

// Compiles `source`; on failure appends one line to `errors` and returns null.
std::unique_ptr<Query> compile_query(const TSLanguage* language, const std::string& label,
                                     const QuerySource& source, std::vector<std::string>& errors) {
  uint32_t error_offset = 0;
  TSQueryError error_type = TSQueryErrorNone;
  QueryPtr query(ts_query_new(language, source.text.data(),
                              static_cast<uint32_t>(source.text.size()), &error_offset,
                              &error_type));
  if (!query) {
    errors.push_back(label + ": " + describe_offset(source, error_offset) + ": " +
                     std::string(query_error_name(error_type)));
    return nullptr;
  }
  std::vector<std::string> capture_names;
  for (uint32_t i = 0; i < ts_query_capture_count(query.get()); ++i) {
    uint32_t length = 0;
    const char* name = ts_query_capture_name_for_id(query.get(), i, &length);
    capture_names.emplace_back(name, length);
  }
  std::vector<std::vector<Query::Predicate>> predicates(ts_query_pattern_count(query.get()));
  for (uint32_t pattern = 0; pattern < predicates.size(); ++pattern) {
    uint32_t step_count = 0;
    const TSQueryPredicateStep* steps =
        ts_query_predicates_for_pattern(query.get(), pattern, &step_count);
    // Each predicate: a string (its name), arguments, then a Done step.
    for (uint32_t i = 0; i < step_count;) {
      uint32_t end = i;
      while (end < step_count && steps[end].type != TSQueryPredicateStepTypeDone) ++end;
      std::vector<TSQueryPredicateStep> args(steps + i, steps + end);
      i = end + 1;
      if (args.empty()) continue;
      uint32_t length = 0;
      std::string op =
          args[0].type == TSQueryPredicateStepTypeString
              ? std::string(ts_query_string_value_for_id(query.get(), args[0].value_id, &length))
              : "";
      Query::Predicate predicate;
      bool supported = (op == "eq?" || op == "not-eq?" || op == "any-of?" || op == "not-any-of?") &&
                       args.size() >= 3 && args[1].type == TSQueryPredicateStepTypeCapture;
      for (size_t a = 2; supported && a < args.size(); ++a) {
        if (args[a].type != TSQueryPredicateStepTypeString) {
          supported = false;
          break;
        }
        predicate.values.emplace_back(
            ts_query_string_value_for_id(query.get(), args[a].value_id, &length));
      }
      if (!supported || (op.find("eq?") != std::string::npos && predicate.values.size() != 1)) {
        std::string error = label;
        error += ": pattern " + std::to_string(pattern) + ": unsupported predicate #";
        error += op;
        error += " (flint supports #eq? and #any-of? of a capture against strings)";
        errors.push_back(std::move(error));
        return nullptr;
      }
      predicate.capture = args[1].value_id;
      predicate.negated = op.starts_with("not-");
      predicates[pattern].push_back(std::move(predicate));
    }
  }
  return std::make_unique<Query>(std::move(query), std::move(capture_names), std::move(predicates));
}

std::string default_queries_dir(const LanguageRegistry::Options& options) {
  if (!options.queries_dir.empty()) return options.queries_dir;
  if (const char* env = std::getenv("FLINT_QUERIES_DIR"); env && *env) return env;
  return {};
}

}  // namespace

Query::Query(QueryPtr query, std::vector<std::string> capture_names,
             std::vector<std::vector<Predicate>> predicates)
    : query_(std::move(query)),
      capture_names_(std::move(capture_names)),
      predicates_(std::move(predicates)) {}

Language::Language(std::string id, LanguagePtr language, std::string queries_dir)
    : id_(std::move(id)), language_(std::move(language)), queries_dir_(std::move(queries_dir)) {}

const Query* Language::units() const {
  load();
  return units_.get();
}

const Query* Language::imports() const {
  load();
  return imports_.get();
}

const std::vector<std::string>& Language::errors() const {
  load();
  return errors_;
}

std::optional<UnitCapture> Language::unit_capture(uint32_t capture_index) const {
  load();
  if (capture_index >= unit_captures_.size()) return std::nullopt;
  return unit_captures_[capture_index];
}

void Language::load() const {
  std::call_once(loaded_, [this] {
    if (QuerySource source; load_query_source(queries_dir_, id_, "units", source)) {
      units_ = compile_query(ts_language(), id_, source, errors_);
    }
    if (units_) {
      auto count = ts_query_capture_count(units_->get());
      for (uint32_t i = 0; i < count; ++i) {
        auto name = units_->capture_name(i);
        std::optional<UnitCapture> meaning;
        if (name.starts_with("_")) meaning = UnitCapture::kIgnored;
        for (const auto& [known, capture] : kUnitCaptureNames) {
          if (name == known) meaning = capture;
        }
        if (!meaning) errors_.push_back(id_ + ": units.scm: unknown capture @" + std::string(name));
        unit_captures_.push_back(meaning);
      }
    }
    if (QuerySource source; load_query_source(queries_dir_, id_, "imports", source)) {
      imports_ = compile_query(ts_language(), id_, source, errors_);
    }
    loaded_flag_.store(true, std::memory_order_release);
  });
}

LanguageRegistry::LanguageRegistry(const Options& options) {
  std::string dir = default_queries_dir(options);
  for (const auto& grammar : compiled_grammars()) {
    LanguagePtr ts_language(grammar.entry());
    std::string id(grammar.id);
    uint32_t abi = ts_language_abi_version(ts_language.get());
    if (abi < TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION || abi > TREE_SITTER_LANGUAGE_VERSION) {
      errors_.push_back(id + ": grammar ABI " + std::to_string(abi) +
                        " is not loadable by this tree-sitter runtime");
      continue;
    }
    languages_.push_back(std::make_unique<Language>(id, std::move(ts_language), dir));
  }
}

std::vector<std::string> LanguageRegistry::errors() const {
  std::vector<std::string> all = errors_;
  for (const auto& language : languages_) {
    const auto& errors = language->errors();
    all.insert(all.end(), errors.begin(), errors.end());
  }
  return all;
}

const LanguageRegistry& LanguageRegistry::shared() {
  static const LanguageRegistry registry;
  return registry;
}

const Language* LanguageRegistry::find(std::string_view id) const {
  for (const auto& language : languages_) {
    if (language->id() == id) return language.get();
  }
  return nullptr;
}

const Language* LanguageRegistry::for_language_id(std::string_view language_id) const {
  for (const auto& [name, language] : kLanguageIds) {
    if (name == language_id) return find(language);
  }
  return nullptr;
}

const Language* LanguageRegistry::for_path(std::string_view path) const {
  auto slash = path.find_last_of("/\\");
  std::string name = lower(slash == std::string_view::npos ? path : path.substr(slash + 1));
  auto dot = name.rfind('.');
  if (dot == std::string::npos) return nullptr;
  std::string_view extension = std::string_view(name).substr(dot);
  for (const auto& [known, language] : kFileNames) {
    if (known == extension || known == name) return find(language);
  }
  return nullptr;
}

}  // namespace flint::parsers
