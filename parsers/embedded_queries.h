#pragma once
// The query files under parsers/queries, embedded at build time (see embed_queries.cmake).

#include <span>
#include <string_view>

namespace flint::parsers {

struct EmbeddedQuery {
  std::string_view path;  // "<language>/<name>.scm", relative to parsers/queries
  std::string_view text;
};

std::span<const EmbeddedQuery> embedded_queries();

}  // namespace flint::parsers
