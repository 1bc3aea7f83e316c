#include "server/jobs/workspace.h"

#include <cctype>
#include <system_error>

#include "server/jobs/privacy.h"

namespace flint::jobs {

namespace fs = std::filesystem;

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

fs::path canonical_or_normal(const fs::path& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(path, ec);
  return ec ? path.lexically_normal() : canonical;
}

// Whether `path` is `folder` or below it, component by component (so /work2 is not in /work).
bool is_within(const fs::path& path, const fs::path& folder) {
  auto p = path.begin();
  for (auto f = folder.begin(); f != folder.end(); ++f, ++p) {
    if (f->empty() && std::next(f) == folder.end()) break;  // trailing separator
    if (p == path.end() || *p != *f) return false;
  }
  return true;
}

}  // namespace

std::optional<fs::path> path_from_uri(std::string_view uri) {
  constexpr std::string_view kScheme = "file://";
  if (uri.size() < kScheme.size()) return std::nullopt;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(uri[i])) != kScheme[i]) return std::nullopt;
  }
  std::string_view rest = uri.substr(kScheme.size());
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view host = rest.substr(0, slash);
  if (!host.empty() && host != "localhost") return std::nullopt;
  rest = rest.substr(slash);
  if (size_t end = rest.find_first_of("?#"); end != std::string_view::npos)
    rest = rest.substr(0, end);
  std::string decoded;
  decoded.reserve(rest.size());
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size()) {
      int hi = hex_value(rest[i + 1]);
      int lo = hex_value(rest[i + 2]);
      if (hi >= 0 && lo >= 0) {
        decoded.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    decoded.push_back(rest[i]);
  }
  if (decoded.find('\0') != std::string::npos) return std::nullopt;
  return fs::path(decoded);
}

std::string uri_from_path(const fs::path& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "file://";
  for (unsigned char c : path.generic_string()) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

Workspace Workspace::from_uris(const std::vector<std::string>& folder_uris) {
  std::vector<fs::path> folders;
  for (const auto& uri : folder_uris) {
    if (auto path = path_from_uri(uri); path && path->is_absolute()) folders.push_back(*path);
  }
  return Workspace(folders);
}

Workspace::Workspace(const std::vector<fs::path>& folders) {
  for (const auto& folder : folders) {
    fs::path canonical = canonical_or_normal(folder);
    // "/a/b/" and "/a/b" are the same folder; keep the form without the trailing separator.
    if (canonical.has_relative_path() && canonical.filename().empty()) {
      canonical = canonical.parent_path();
    }
    folders_.push_back(canonical);
  }
}

bool Workspace::contains(const fs::path& canonical) const {
  for (const auto& folder : folders_) {
    if (is_within(canonical, folder)) return true;
  }
  return false;
}

std::string Workspace::relative(const fs::path& canonical) const {
  for (const auto& folder : folders_) {
    if (!is_within(canonical, folder)) continue;
    std::string rel = canonical.lexically_relative(folder).generic_string();
    return rel.empty() ? "." : rel;
  }
  return {};
}

std::variant<ConfinedPath, std::string> Workspace::resolve(std::string_view path, Use use) const {
  if (folders_.empty()) return std::string("there is no workspace folder to work in");
  if (path.find('\0') != std::string_view::npos) return std::string("the path contains a NUL byte");
  std::string text(path);
  if (text.empty()) text = ".";
  fs::path given(text);
  fs::path candidate = given.is_absolute() ? given : root() / given;
  fs::path canonical = canonical_or_normal(candidate);
  if (!contains(canonical)) {
    return "'" + text + "' is outside the workspace (" + root().string() +
           "): only paths inside the workspace folders can be used";
  }
  std::error_code ec;
  bool is_dir = fs::is_directory(canonical, ec);
  auto why = use == Use::kRead || !privacy_
                 ? why_private(canonical, is_dir)
                 : privacy_->why_private(canonical, PrivacyScope::kModel, is_dir);
  if (why) {
    std::string rel = relative(canonical);
    return "'" + text + "'" + (rel != text ? " (" + rel + ")" : "") + " is private (" + *why +
           "): flint does not show it to a model";
  }
  return ConfinedPath{canonical, relative(canonical)};
}

std::optional<std::string> Workspace::why_private(const fs::path& canonical, bool is_dir) const {
  if (!privacy_) return std::nullopt;
  return privacy_->why_private(canonical, PrivacyScope::kAgent, is_dir);
}

}  // namespace flint::jobs
