#include "server/jobs/privacy.h"

#include <git2.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <system_error>

namespace flint {

namespace fs = std::filesystem;

namespace {

constexpr auto kRecheckFlintignore = std::chrono::milliseconds(500);

std::string git_error_text() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown libgit2 error";
}

// libgit2 is initialised once for the process and never shut down (other threads may still
// hold a Privacy at exit).
void init_libgit2() {
  static const int once = git_libgit2_init();
  (void)once;
}

// A file's identity for "did it change": size and modification time; nullopt when absent.
std::optional<std::pair<uintmax_t, fs::file_time_type>> stamp_of(const fs::path& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return std::nullopt;
  auto time = fs::last_write_time(path, ec);
  if (ec) return std::nullopt;
  return std::pair{size, time};
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string trimmed(std::string line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
    line.pop_back();
  return line;
}

// `canonical` relative to `folder` with "/" separators, or nullopt when outside it.
std::optional<std::string> relative_to(const fs::path& canonical, const fs::path& folder) {
  auto rel = canonical.lexically_relative(folder);
  if (rel.empty() || *rel.begin() == "..") return std::nullopt;
  std::string s = rel.generic_string();
  if (s == ".") return std::nullopt;
  return s;
}

}  // namespace

// One rule of flint's own: where it comes from, and its text.
struct RuleLine {
  std::string source;  // "default", "privacy.exclude", ".flintignore"
  int line = 0;        // in .flintignore (1-based); 0 otherwise
  std::string pattern;
};

// flint's rules loaded into a scratch repository in a temporary folder: libgit2 matches them
// with git's semantics, and no file of the person's repositories takes part.
struct Privacy::Rules {
  Rules() {
    init_libgit2();
    std::string pattern = (fs::temp_directory_path() / "flint-privacy-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
      spdlog::error("privacy: cannot create a scratch folder: {}", std::strerror(errno));
      return;
    }
    dir = pattern;
    if (git_repository_init(&repo, dir.c_str(), 0) != 0) {
      spdlog::error("privacy: libgit2 cannot create its scratch repository: {}", git_error_text());
      repo = nullptr;
      return;
    }
    // The person's global excludes file must not count as flint's rules.
    fs::path empty = dir / ".git" / "flint-no-excludes";
    std::ofstream(empty).flush();
    git_config* config = nullptr;
    if (git_repository_config(&config, repo) == 0) {
      git_config_set_string(config, "core.excludesfile", empty.c_str());
      git_config_free(config);
    }
    // The repository object has what it needs (its configuration is read): the folder goes at
    // once, so that nothing is left in the temporary folder however the process ends (flint
    // ends with _exit). Missing ignore files read as empty.
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  ~Rules() {
    if (repo) git_repository_free(repo);
  }
  Rules(const Rules&) = delete;
  Rules& operator=(const Rules&) = delete;

  void load(std::vector<RuleLine> new_lines) {
    lines = std::move(new_lines);
    if (!repo) return;
    git_ignore_clear_internal_rules(repo);
    std::string text;
    for (const auto& l : lines) text += l.pattern + "\n";
    if (!text.empty() && git_ignore_add_rule(repo, text.c_str()) != 0)
      spdlog::warn("privacy: libgit2 refused the rules: {}", git_error_text());
  }

  // Whether `relative` (with a trailing "/" for a folder) is matched; false without libgit2.
  bool matches(const std::string& relative) const {
    if (!repo) return false;
    int ignored = 0;
    if (git_ignore_path_is_ignored(&ignored, repo, relative.c_str()) != 0) return false;
    return ignored == 1;
  }

  fs::path dir;
  git_repository* repo = nullptr;
  std::vector<RuleLine> lines;
};

struct Privacy::Folder {
  fs::path root;
  Rules rules;
  std::optional<std::pair<uintmax_t, fs::file_time_type>> flintignore_stamp;
  std::chrono::steady_clock::time_point checked{};
  bool loaded = false;
  git_repository* git = nullptr;  // the repository the folder is in, if any
  fs::path git_workdir;           // its canonical working directory
  ~Folder() {
    if (git) git_repository_free(git);
  }
};

const std::vector<std::string>& Privacy::defaults() {
  static const std::vector<std::string> kDefaults = {
      ".env",
      ".env.*",
      "!.env.example",
      "!.env.sample",
      "!.env.template",
      "*.pem",
      "*.key",
      "*.p12",
      "*.pfx",
      "*.jks",
      "*.keystore",
      "*.kdbx",
      "id_rsa*",
      "id_dsa*",
      "id_ecdsa*",
      "id_ed25519*",
      ".ssh/",
      ".gnupg/",
      ".git/",
      ".netrc",
      "_netrc",
      ".npmrc",
      ".pypirc",
      ".pgpass",
      ".htpasswd",
      ".git-credentials",
      "**/.aws/credentials",
      "**/.docker/config.json",
      "credentials.json",
      "*.tfstate",
      "*.tfstate.backup",
  };
  return kDefaults;
}

Privacy::Privacy(std::vector<fs::path> folders, std::vector<std::string> exclude)
    : exclude_(std::move(exclude)) {
  init_libgit2();
  for (auto& root : folders) {
    auto folder = std::make_unique<Folder>();
    folder->root = std::move(root);
    git_repository* repo = nullptr;
    if (git_repository_open_ext(&repo, folder->root.c_str(), 0, nullptr) == 0) {
      const char* workdir = git_repository_workdir(repo);
      std::error_code ec;
      fs::path canonical_workdir = workdir ? fs::weakly_canonical(workdir, ec) : fs::path();
      auto root_in_repo = workdir ? relative_to(folder->root, canonical_workdir) : std::nullopt;
      int root_ignored = 0;
      if (root_in_repo)
        git_ignore_path_is_ignored(&root_ignored, repo, (*root_in_repo + "/").c_str());
      if (!workdir || root_ignored == 1) {
        // A bare repository ignores nothing; one that ignores the very folder the person
        // opened (a project inside another's build folder) is not this workspace's.
        git_repository_free(repo);
      } else {
        folder->git_workdir = canonical_workdir;
        folder->git = repo;
      }
    }
    folders_.push_back(std::move(folder));
  }
}

Privacy::~Privacy() = default;

Privacy::Folder* Privacy::folder_of(const fs::path& canonical) const {
  Folder* best = nullptr;
  for (auto& f : folders_) {
    if (!relative_to(canonical, f->root) && canonical != f->root) continue;
    if (!best || f->root.native().size() > best->root.native().size()) best = f.get();
  }
  return best;
}

std::optional<std::string> Privacy::decided_by(Rules& rules, const std::string& relative) const {
  if (!rules.matches(relative)) return std::nullopt;
  if (!probe_) probe_ = std::make_unique<Rules>();
  // libgit2 ignores a repository's own .git folder whatever the rules say.
  probe_->load({});
  if (probe_->matches(relative)) return std::string("private by default (.git/)");
  // The last rule that matches on its own decides (git's "last match wins"; a negation that
  // matched last would have left the path public).
  for (auto it = rules.lines.rbegin(); it != rules.lines.rend(); ++it) {
    if (it->pattern.empty() || it->pattern[0] == '!' || it->pattern[0] == '#') continue;
    probe_->load({*it});
    if (!probe_->matches(relative)) continue;
    if (it->source == "default") return "private by default (" + it->pattern + ")";
    if (it->source == "privacy.exclude") return "excluded by privacy.exclude (" + it->pattern + ")";
    return "excluded by " + it->source + ":" + std::to_string(it->line) + " (" + it->pattern + ")";
  }
  return "excluded by flint's privacy rules";
}

std::optional<std::string> Privacy::why_private(const fs::path& canonical, PrivacyScope scope,
                                                bool is_dir) const {
  std::lock_guard lock(mutex_);
  auto base_rules = [&] {
    std::vector<RuleLine> lines;
    for (const auto& d : defaults()) lines.push_back({"default", 0, d});
    for (const auto& e : exclude_) lines.push_back({"privacy.exclude", 0, trimmed(e)});
    return lines;
  };
  Folder* folder = folder_of(canonical);
  if (!folder) {
    // Outside the workspace: only the defaults and the setting, against the file's name.
    if (!outside_) {
      outside_ = std::make_unique<Rules>();
      outside_->load(base_rules());
    }
    std::string name = canonical.filename().string();
    if (name.empty()) return std::nullopt;
    return decided_by(*outside_, is_dir ? name + "/" : name);
  }
  auto now = std::chrono::steady_clock::now();
  if (!folder->loaded || now - folder->checked >= kRecheckFlintignore) {
    folder->checked = now;
    fs::path file = folder->root / ".flintignore";
    auto stamp = stamp_of(file);
    if (!folder->loaded || stamp != folder->flintignore_stamp) {
      std::vector<RuleLine> lines = base_rules();
      if (stamp) {
        std::istringstream in(read_text(file));
        std::string line;
        for (int n = 1; std::getline(in, line); ++n) {
          line = trimmed(line);
          if (line.empty() || line[0] == '#') continue;
          lines.push_back({".flintignore", n, line});
        }
      }
      folder->rules.load(std::move(lines));
      folder->flintignore_stamp = stamp;
      folder->loaded = true;
    }
  }
  auto relative = relative_to(canonical, folder->root);
  if (!relative) return std::nullopt;  // the folder itself
  std::string path = is_dir ? *relative + "/" : *relative;
  if (auto why = decided_by(folder->rules, path)) return why;
  if (scope == PrivacyScope::kAgent && folder->git) {
    auto in_repo = relative_to(canonical, folder->git_workdir);
    if (in_repo) {
      int ignored = 0;
      std::string p = is_dir ? *in_repo + "/" : *in_repo;
      if (git_ignore_path_is_ignored(&ignored, folder->git, p.c_str()) == 0 && ignored == 1)
        return std::string("ignored by git");
    }
  }
  return std::nullopt;
}

std::vector<std::string> Privacy::rules() const {
  std::vector<std::string> out;
  for (const auto& d : defaults()) out.push_back("default: " + d);
  for (const auto& e : exclude_) out.push_back("privacy.exclude: " + trimmed(e));
  for (const auto& f : folders_) {
    fs::path file = f->root / ".flintignore";
    if (!stamp_of(file)) continue;
    std::istringstream in(read_text(file));
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      line = trimmed(line);
      if (line.empty() || line[0] == '#') continue;
      out.push_back(file.string() + ":" + std::to_string(n) + ": " + line);
    }
  }
  return out;
}

}  // namespace flint
