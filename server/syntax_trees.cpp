#include "server/syntax_trees.h"

#include <spdlog/spdlog.h>

namespace flint {

SyntaxTrees::~SyntaxTrees() {
  for (std::thread& warmer : warmers_) warmer.join();
}

void SyntaxTrees::warm_up(const parsers::Language& language) {
  if (language.loaded() || !warming_.insert(&language).second) return;
  warmers_.emplace_back([&language] { language.load(); });
}

const parsers::Language* SyntaxTrees::language_for(const Document& document) const {
  if (const auto* language = registry_.for_language_id(document.language_id)) return language;
  return registry_.for_path(document.uri);
}

void SyntaxTrees::open(const Document& document) {
  trees_.erase(document.uri);
  const parsers::Language* language = language_for(document);
  if (!language) {
    spdlog::debug("no grammar for {} ({}): indentation scoping", document.uri,
                  document.language_id);
    return;
  }
  warm_up(*language);
  trees_.emplace(document.uri, parsers::SyntaxTree::create(*language, document.text));
}

void SyntaxTrees::apply(const Document& document, const parsers::TextChange& change) {
  auto it = trees_.find(document.uri);
  if (it != trees_.end()) it->second.apply(change);
}

void SyntaxTrees::reparse(const Document& document) {
  auto it = trees_.find(document.uri);
  if (it == trees_.end() || !it->second.stale()) return;
  it->second.reparse(document.text);
}

void SyntaxTrees::close(const std::string& uri) {
  trees_.erase(uri);
}

const parsers::SyntaxTree* SyntaxTrees::find(const std::string& uri) const {
  auto it = trees_.find(uri);
  return it == trees_.end() ? nullptr : &it->second;
}

}  // namespace flint
