#pragma once
// The one thing jobs need of the editor's documents: an open document's text and version,
// looked up by canonical path (the server answers from its document store; jobs never see it).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace flint::jobs {

// An open document as the editor has it.
struct OpenText {
  std::string uri;
  std::filesystem::path path;  // canonical
  std::string text;
  int64_t version = 0;
};

// Looks an open document up by canonical path (on the server's thread); nullopt when the file
// is not open.
using FindOpenDocument = std::function<std::optional<OpenText>(const std::filesystem::path&)>;

}  // namespace flint::jobs
