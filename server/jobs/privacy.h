#pragma once
// What never reaches a model: files that are private by default (.env, keys, credential
// files), everything a `.flintignore` at a workspace folder's root matches, the globs of the
// setting `privacy.exclude`, and, for the agent's reading, listing and searching, everything
// git ignores (.gitignore files at every level, .git/info/exclude, the global excludes file).
//
// All matching is libgit2's gitignore semantics (negation, anchoring, directory-only
// patterns, `**`): flint's own rules (defaults, then the setting, then `.flintignore`, later
// lines winning as in one gitignore file) are loaded into a scratch repository of their own
// in a temporary folder, so that no file of the workspace's repository takes part; git's own
// ignores are asked of the workspace's repository. A refusal names the rule that decided it:
// "excluded by .flintignore:2 (secrets/)".
//
// Thread contract: every call may come from any thread (the agent searches on a worker); one
// mutex serialises libgit2, which does not share a repository between threads.

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace flint {

enum class PrivacyScope {
  kModel,  // inline edits, ghost text, code actions: defaults, privacy.exclude, .flintignore
  kAgent,  // the agent's tools: the above and what git ignores
};

class Privacy {
 public:
  // `folders`: the workspace folders (canonical); `exclude`: privacy.exclude's globs.
  Privacy(std::vector<std::filesystem::path> folders, std::vector<std::string> exclude);
  ~Privacy();
  Privacy(const Privacy&) = delete;
  Privacy& operator=(const Privacy&) = delete;

  // Why `canonical` (absolute, symlinks resolved) is private, as a phrase ("excluded by
  // .flintignore:2 (secrets/)", "private by default (*.pem)", "ignored by git"), or nullopt.
  // `is_dir`: the path names a folder (directory-only patterns then apply to it). A path
  // outside every folder is judged by the defaults and the setting alone.
  std::optional<std::string> why_private(const std::filesystem::path& canonical, PrivacyScope scope,
                                         bool is_dir = false) const;

  // The rules in force, each as "source: pattern" (for an external agent to honour).
  std::vector<std::string> rules() const;

  // The built-in defaults (gitignore syntax).
  static const std::vector<std::string>& defaults();

 private:
  struct Rules;
  struct Folder;
  Folder* folder_of(const std::filesystem::path& canonical) const;
  std::optional<std::string> decided_by(Rules& rules, const std::string& relative) const;

  std::vector<std::string> exclude_;
  mutable std::mutex mutex_;
  mutable std::vector<std::unique_ptr<Folder>> folders_;
  mutable std::unique_ptr<Rules> outside_;  // for paths outside every folder
  mutable std::unique_ptr<Rules> probe_;    // one rule at a time, to name the deciding line
};

}  // namespace flint
