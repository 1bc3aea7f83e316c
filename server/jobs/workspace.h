#pragma once
// The workspace an agent job may touch: its folders, and the one rule that every path a job
// reads, lists, searches or edits goes through. A path is resolved against the first folder
// (or taken as given when absolute), made canonical with every symlink that exists resolved,
// and accepted only when the result lies inside a folder's canonical path. So `..` that climbs
// out, absolute paths elsewhere and symlinks pointing out are refused alike; `a/../b` inside
// the workspace is fine. Inside, private files (server/jobs/privacy.h: defaults, .flintignore,
// privacy.exclude, git's ignores) are refused too, with the rule that makes them private.
//
// Thread contract: immutable once set up (set_privacy before use); safe from any thread.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace flint {
class Privacy;
}

namespace flint::jobs {

// file:// URI -> local path (percent-decoded); nullopt for other schemes or remote hosts.
std::optional<std::filesystem::path> path_from_uri(std::string_view uri);
// Absolute path -> file:// URI, percent-encoding what RFC 3986 does not allow in a path.
std::string uri_from_path(const std::filesystem::path& path);

// A path that passed the confinement check.
struct ConfinedPath {
  std::filesystem::path absolute;  // canonical (symlinks resolved)
  std::string relative;            // to its workspace folder, with "/" separators; "." = the folder
};

class Workspace {
 public:
  Workspace() = default;
  // Folders as file:// URIs (others are ignored). A folder that does not exist still confines.
  static Workspace from_uris(const std::vector<std::string>& folder_uris);
  explicit Workspace(const std::vector<std::filesystem::path>& folders);

  bool empty() const { return folders_.empty(); }
  // The first folder: where relative paths start and where commands run.
  const std::filesystem::path& root() const { return folders_.front(); }
  const std::vector<std::filesystem::path>& folders() const { return folders_; }

  // What no model may read in it (null: nothing is private).
  void set_privacy(std::shared_ptr<const Privacy> privacy) { privacy_ = std::move(privacy); }
  const std::shared_ptr<const Privacy>& privacy() const { return privacy_; }

  // What a path is resolved for: the agent reading, listing or searching it (everything
  // private is refused, git-ignored paths too), or landing an external agent's edit in it
  // (nothing is read for a model then: only flint's own rules count, not git's).
  enum class Use { kRead, kEdit };

  // The confined path, or a refusal a model can read ("... is outside the workspace", "... is
  // private (excluded by .flintignore:2 (secrets/))").
  std::variant<ConfinedPath, std::string> resolve(std::string_view path,
                                                  Use use = Use::kRead) const;
  // Why a canonical path inside the workspace is private to the agent, or nullopt.
  std::optional<std::string> why_private(const std::filesystem::path& canonical, bool is_dir) const;
  // Whether a canonical absolute path lies in a folder.
  bool contains(const std::filesystem::path& canonical) const;
  // Path relative to the folder holding `canonical` ("" when none does).
  std::string relative(const std::filesystem::path& canonical) const;

 private:
  std::vector<std::filesystem::path> folders_;  // canonical
  std::shared_ptr<const Privacy> privacy_;
};

}  // namespace flint::jobs
