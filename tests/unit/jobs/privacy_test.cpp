// What never reaches a model: the defaults, .flintignore (with its line in the reason),
// privacy.exclude, git's ignores for the agent, negations, nested .gitignore files, folders,
// symlinks, paths outside the workspace, and a .flintignore edited while flint runs.
#include "server/jobs/privacy.h"

#include <git2.h>
#include <gtest/gtest.h>

#include <thread>

#include "tests/unit/jobs/temp_workspace.h"

namespace flint {
namespace {

namespace fs = std::filesystem;
using test::TempWorkspace;

// A git repository at the workspace root (libgit2, as `git init` would make it).
void git_init(const fs::path& root) {
  git_libgit2_init();
  git_repository* repo = nullptr;
  ASSERT_EQ(git_repository_init(&repo, root.c_str(), 0), 0);
  git_repository_free(repo);
}

std::string why(const Privacy& p, const TempWorkspace& w, const std::string& rel,
                PrivacyScope scope = PrivacyScope::kAgent) {
  fs::path path = fs::weakly_canonical(w.path(rel));
  return p.why_private(path, scope, fs::is_directory(path)).value_or("public");
}

TEST(Privacy, DefaultsCoverSecretsAndKeepTheirExamples) {
  TempWorkspace w;
  for (const char* f :
       {".env", ".env.production", ".env.example", "deploy/id_rsa", "deploy/id_rsa.pub",
        "certs/server.pem", "app/main.py", ".npmrc", "home/.aws/credentials", "notes/key.txt"})
    w.write(f, "x\n");
  Privacy p({w.root()}, {});
  EXPECT_EQ(why(p, w, ".env"), "private by default (.env)");
  EXPECT_EQ(why(p, w, ".env.production"), "private by default (.env.*)");
  EXPECT_EQ(why(p, w, ".env.example"), "public");
  EXPECT_EQ(why(p, w, "deploy/id_rsa"), "private by default (id_rsa*)");
  EXPECT_EQ(why(p, w, "deploy/id_rsa.pub"), "private by default (id_rsa*)");
  EXPECT_EQ(why(p, w, "certs/server.pem"), "private by default (*.pem)");
  EXPECT_EQ(why(p, w, ".npmrc"), "private by default (.npmrc)");
  EXPECT_EQ(why(p, w, "home/.aws/credentials"), "private by default (**/.aws/credentials)");
  EXPECT_EQ(why(p, w, "app/main.py"), "public");
  EXPECT_EQ(why(p, w, "notes/key.txt"), "public");
}

TEST(Privacy, FlintignoreNamesItsLineAndHonoursNegations) {
  TempWorkspace w;
  w.write(".flintignore", "# secrets of this project\n\nsecrets/\n*.sql\n!schema.sql\n/top.txt\n");
  for (const char* f :
       {"secrets/a/b.txt", "db/dump.sql", "db/schema.sql", "top.txt", "sub/top.txt", "src/app.py"})
    w.write(f, "x\n");
  Privacy p({w.root()}, {});
  EXPECT_EQ(why(p, w, "secrets/a/b.txt", PrivacyScope::kModel),
            "excluded by .flintignore:3 (secrets/)");
  EXPECT_EQ(why(p, w, "secrets", PrivacyScope::kModel), "excluded by .flintignore:3 (secrets/)");
  EXPECT_EQ(why(p, w, "db/dump.sql", PrivacyScope::kModel), "excluded by .flintignore:4 (*.sql)");
  EXPECT_EQ(why(p, w, "db/schema.sql", PrivacyScope::kModel), "public");
  EXPECT_EQ(why(p, w, "top.txt", PrivacyScope::kModel), "excluded by .flintignore:6 (/top.txt)");
  EXPECT_EQ(why(p, w, "sub/top.txt", PrivacyScope::kModel), "public");
  EXPECT_EQ(why(p, w, "src/app.py", PrivacyScope::kModel), "public");
}

TEST(Privacy, TheSettingsGlobsAndAFlintignoreNegationOfADefault) {
  TempWorkspace w;
  w.write(".flintignore", "!.npmrc\n");
  w.write(".npmrc", "registry=x\n");
  w.write("data/customers.csv", "x\n");
  Privacy p({w.root()}, {"data/*.csv  "});
  EXPECT_EQ(why(p, w, "data/customers.csv", PrivacyScope::kModel),
            "excluded by privacy.exclude (data/*.csv)");
  EXPECT_EQ(why(p, w, ".npmrc", PrivacyScope::kModel), "public");  // the person said so
}

TEST(Privacy, GitIgnoresAreTheAgentsOnly) {
  TempWorkspace w;
  git_init(w.root());
  w.write(".gitignore", "build/\n*.log\n!keep.log\n");
  w.write("src/.gitignore", "generated/\n");
  w.write(".git/info/exclude", "local.txt\n");
  for (const char* f :
       {"build/out.txt", "run.log", "keep.log", "src/generated/g.py", "src/real.py", "local.txt"})
    w.write(f, "x\n");
  Privacy p({w.root()}, {});
  EXPECT_EQ(why(p, w, "build/out.txt"), "ignored by git");
  EXPECT_EQ(why(p, w, "build"), "ignored by git");
  EXPECT_EQ(why(p, w, "run.log"), "ignored by git");
  EXPECT_EQ(why(p, w, "keep.log"), "public");
  EXPECT_EQ(why(p, w, "src/generated/g.py"), "ignored by git");
  EXPECT_EQ(why(p, w, "local.txt"), "ignored by git");
  EXPECT_EQ(why(p, w, "src/real.py"), "public");
  EXPECT_EQ(why(p, w, ".git/config"), "private by default (.git/)");
  // Inline edits and ghost text in a git-ignored file are the person's choice.
  EXPECT_EQ(why(p, w, "build/out.txt", PrivacyScope::kModel), "public");
}

TEST(Privacy, AFolderThatAnOuterRepositoryIgnoresIsNotAllPrivate) {
  TempWorkspace w;
  git_init(w.root());
  w.write(".gitignore", "build/\n");
  w.write("build/project/.gitignore", "*.tmp\n");
  w.write("build/project/src/app.py", "x\n");
  w.write("build/project/scratch.tmp", "x\n");
  Privacy p({fs::canonical(w.path("build/project"))}, {});
  EXPECT_EQ(p.why_private(fs::canonical(w.path("build/project/src/app.py")), PrivacyScope::kAgent),
            std::nullopt);
  // Its own .gitignore files are not git's any more then: flint's rules still hold.
  EXPECT_EQ(p.why_private(fs::canonical(w.path("build/project/scratch.tmp")), PrivacyScope::kAgent),
            std::nullopt);
}

TEST(Privacy, ASymlinkIsJudgedByWhatItPointsAt) {
  TempWorkspace w;
  w.write(".env", "API_KEY=hunter2\n");
  fs::create_symlink(w.path(".env"), w.path("settings.txt"));
  Privacy p({w.root()}, {});
  EXPECT_EQ(why(p, w, "settings.txt"), "private by default (.env)");
}

TEST(Privacy, OutsideTheWorkspaceOnlyTheNameCounts) {
  TempWorkspace w, elsewhere;
  elsewhere.write(".env", "x\n");
  elsewhere.write("notes.md", "x\n");
  Privacy p({w.root()}, {"*.md"});
  EXPECT_EQ(p.why_private(elsewhere.path(".env"), PrivacyScope::kModel),
            "private by default (.env)");
  EXPECT_EQ(p.why_private(elsewhere.path("notes.md"), PrivacyScope::kModel),
            "excluded by privacy.exclude (*.md)");
}

TEST(Privacy, AnEditedFlintignoreTakesEffect) {
  TempWorkspace w;
  w.write("a.txt", "x\n");
  Privacy p({w.root()}, {});
  EXPECT_EQ(why(p, w, "a.txt", PrivacyScope::kModel), "public");
  w.write(".flintignore", "a.txt\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_EQ(why(p, w, "a.txt", PrivacyScope::kModel), "excluded by .flintignore:1 (a.txt)");
  auto rules = p.rules();
  EXPECT_NE(std::find(rules.begin(), rules.end(), "default: .env"), rules.end());
  EXPECT_NE(std::find(rules.begin(), rules.end(), w.path(".flintignore").string() + ":1: a.txt"),
            rules.end());
}

TEST(Privacy, ManyThreadsAskAtOnce) {
  TempWorkspace w;
  w.write(".flintignore", "*.secret\n");
  Privacy p({w.root()}, {});
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        bool secret = (i + t) % 2 == 0;
        auto path = w.root() / ("f" + std::to_string(i) + (secret ? ".secret" : ".txt"));
        if (p.why_private(path, PrivacyScope::kAgent).has_value() != secret) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace flint
