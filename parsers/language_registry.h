#pragma once
// The languages flint can parse: LSP languageId and file name -> Language. A Language owns its
// TSLanguage and the queries compiled from parsers/queries/<id>/*.scm; all of it is immutable
// after the registry is built, so a registry may be shared by every thread (queries are
// thread-safe; each use makes its own query cursor).
//
// Queries are embedded into the binary at build time; the directory named by the environment
// variable FLINT_QUERIES_DIR (laid out like parsers/queries) replaces them at run time, for
// working on queries without a rebuild.

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/ts_handles.h"

namespace flint::parsers {

// What a capture of a units query says about the captured node (see parsers/queries/README.md).
enum class UnitCapture : uint8_t {
  kFunction,    // named function, method, constructor (or a declaration binding a closure)
  kClosure,     // lambda, arrow function, anonymous function
  kDefinition,  // class, struct, enum, interface, trait, impl, module-like container
  kNamespace,   // transparent container whose members count as top-level (C++ namespace, ...)
  kBlock,       // block of statements
  kStatement,   // statement or member declaration
  kWrapper,     // attaches decorators/templates/export to the unit it wraps
  kAttached,    // leading sibling that travels with the next unit (doc comment, attribute)
  kName,        // the unit's name (same pattern)
  kBody,        // the unit's body: what follows the signature (same pattern)
  kIgnored,     // captures starting with "_" (used by predicates only)
};

// A compiled query plus the meaning of each of its captures and the text predicates that
// tree-sitter leaves to its caller (#eq? and #any-of? are supported).
class Query {
 public:
  struct Predicate {
    uint32_t capture = 0;
    bool negated = false;
    std::vector<std::string> values;  // #eq?: one value; #any-of?: several
  };

  Query(QueryPtr query, std::vector<std::string> capture_names,
        std::vector<std::vector<Predicate>> predicates);

  const TSQuery* get() const { return query_.get(); }
  std::string_view capture_name(uint32_t index) const { return capture_names_[index]; }
  const std::vector<Predicate>& predicates(uint32_t pattern) const { return predicates_[pattern]; }

 private:
  QueryPtr query_;
  std::vector<std::string> capture_names_;
  std::vector<std::vector<Predicate>> predicates_;
};

// A language's queries are compiled on first use (compiling the C++ and TypeScript queries
// takes a noticeable part of a second), once, thread-safely.
class Language {
 public:
  Language(std::string id, LanguagePtr language, std::string queries_dir);

  std::string_view id() const { return id_; }
  const TSLanguage* ts_language() const { return language_.get(); }
  // Editable units (units.scm); null when the language has none or it failed to compile,
  // in which case scoping falls back to indentation blocks.
  const Query* units() const;
  std::optional<UnitCapture> unit_capture(uint32_t capture_index) const;
  // Imports/includes for context (imports.scm); may be null.
  const Query* imports() const;
  // Problems met compiling this language's queries, one line each
  // ("python: python/units.scm:3:5: invalid node type").
  const std::vector<std::string>& errors() const;

  // Compiles the queries now rather than on first use (thread-safe; once).
  void load() const;
  bool loaded() const { return loaded_flag_.load(std::memory_order_acquire); }

 private:
  std::string id_;
  LanguagePtr language_;
  std::string queries_dir_;  // empty: embedded queries
  mutable std::once_flag loaded_;
  mutable std::atomic<bool> loaded_flag_{false};
  mutable std::unique_ptr<Query> units_;
  mutable std::vector<std::optional<UnitCapture>> unit_captures_;
  mutable std::unique_ptr<Query> imports_;
  mutable std::vector<std::string> errors_;
};

class LanguageRegistry {
 public:
  struct Options {
    // Where to read <id>/<name>.scm from; empty: FLINT_QUERIES_DIR if set, else the embedded
    // copies.
    std::string queries_dir;
  };

  // Loads every compiled grammar (queries are compiled on first use). Errors (a grammar whose
  // ABI the runtime cannot load, a query that does not compile) are collected, not thrown.
  explicit LanguageRegistry(const Options& options);
  LanguageRegistry() : LanguageRegistry(Options{}) {}

  // One registry for the process, built on first use (thread-safe initialisation).
  static const LanguageRegistry& shared();

  // By flint's own id ("python", "cpp", "tsx", ...).
  const Language* find(std::string_view id) const;
  // By LSP languageId ("python", "typescriptreact", "shellscript", ...).
  const Language* for_language_id(std::string_view language_id) const;
  // By file name or path: extension (".py"), or a whole name for files without one
  // (".bashrc").
  const Language* for_path(std::string_view path) const;

  std::span<const std::unique_ptr<Language>> languages() const { return languages_; }
  // One line per problem, e.g. "python: python/units.scm:3:5: invalid node type". Compiles
  // every language's queries first.
  std::vector<std::string> errors() const;

 private:
  std::vector<std::unique_ptr<Language>> languages_;
  std::vector<std::string> errors_;
};

}  // namespace flint::parsers
