// Workspace confinement: every way out is refused, every way within is accepted.
#include "server/jobs/workspace.h"

#include <gtest/gtest.h>

#include "tests/unit/jobs/temp_workspace.h"

namespace flint::jobs {
namespace {

namespace fs = std::filesystem;
using test::TempWorkspace;

bool refused(const Workspace& ws, const std::string& path) {
  return std::holds_alternative<std::string>(ws.resolve(path));
}

TEST(Uri, PathRoundTripsThroughPercentEncoding) {
  fs::path path = "/tmp/a dir/caf\xC3\xA9#1%.py";
  std::string uri = uri_from_path(path);
  EXPECT_EQ(uri, "file:///tmp/a%20dir/caf%C3%A9%231%25.py");
  ASSERT_TRUE(path_from_uri(uri));
  EXPECT_EQ(*path_from_uri(uri), path);
  EXPECT_EQ(*path_from_uri("file://localhost/x/y"), fs::path("/x/y"));
  EXPECT_EQ(*path_from_uri("FILE:///x"), fs::path("/x"));
}

TEST(Uri, OtherSchemesAndHostsAreNotPaths) {
  EXPECT_FALSE(path_from_uri("untitled:Untitled-1"));
  EXPECT_FALSE(path_from_uri("https://example.com/a"));
  EXPECT_FALSE(path_from_uri("file://server/share/a"));
  EXPECT_FALSE(path_from_uri("file:///a%00b"));
}

TEST(Workspace, ResolvesRelativePathsInsideTheRoot) {
  TempWorkspace tmp;
  tmp.write("src/a.py", "x\n");
  Workspace ws({tmp.root()});
  auto got = ws.resolve("src/a.py");
  ASSERT_TRUE(std::holds_alternative<ConfinedPath>(got));
  EXPECT_EQ(std::get<ConfinedPath>(got).absolute, tmp.path("src/a.py"));
  EXPECT_EQ(std::get<ConfinedPath>(got).relative, "src/a.py");
  // `..` that stays inside is fine, and so is a file that does not exist yet.
  EXPECT_EQ(std::get<ConfinedPath>(ws.resolve("src/../src/a.py")).relative, "src/a.py");
  EXPECT_EQ(std::get<ConfinedPath>(ws.resolve("new/b.py")).relative, "new/b.py");
  EXPECT_EQ(std::get<ConfinedPath>(ws.resolve("")).relative, ".");
  EXPECT_EQ(std::get<ConfinedPath>(ws.resolve((tmp.root() / "src").string())).relative, "src");
}

TEST(Workspace, RefusesDotDotAbsoluteAndSiblingEscapes) {
  TempWorkspace tmp;
  Workspace ws({tmp.root() / "proj"});
  fs::create_directories(tmp.path("proj"));
  fs::create_directories(tmp.path("proj2"));
  EXPECT_TRUE(refused(ws, "../../etc/passwd"));
  EXPECT_TRUE(refused(ws, ".."));
  EXPECT_TRUE(refused(ws, "a/../../x"));
  EXPECT_TRUE(refused(ws, "/etc/passwd"));
  EXPECT_TRUE(refused(ws, (tmp.root() / "proj2" / "x").string()));  // a prefix, not a parent
  EXPECT_TRUE(refused(ws, std::string("a\0b", 3)));
  auto why = std::get<std::string>(ws.resolve("../../etc/passwd"));
  EXPECT_NE(why.find("outside the workspace"), std::string::npos) << why;
}

TEST(Workspace, RefusesSymlinksThatLeadOut) {
  TempWorkspace tmp;
  fs::create_directories(tmp.path("proj/inner"));
  tmp.write("secret.txt", "s\n");
  fs::create_symlink(tmp.path("secret.txt"), tmp.path("proj/link.txt"));
  fs::create_directory_symlink(tmp.root(), tmp.path("proj/up"));
  fs::create_symlink(tmp.path("proj/inner"), tmp.path("proj/inside"));
  Workspace ws({tmp.path("proj")});
  EXPECT_TRUE(refused(ws, "link.txt"));
  EXPECT_TRUE(refused(ws, "up/secret.txt"));
  EXPECT_TRUE(refused(ws, "up/proj/../secret.txt"));
  // A symlink that stays inside resolves to its target.
  auto inside = ws.resolve("inside");
  ASSERT_TRUE(std::holds_alternative<ConfinedPath>(inside));
  EXPECT_EQ(std::get<ConfinedPath>(inside).relative, "inner");
}

TEST(Workspace, SeveralFoldersConfineToAny) {
  TempWorkspace tmp;
  fs::create_directories(tmp.path("a"));
  fs::create_directories(tmp.path("b"));
  Workspace ws = Workspace::from_uris(
      {uri_from_path(tmp.path("a")), uri_from_path(tmp.path("b")) + "/", "untitled:x"});
  ASSERT_EQ(ws.folders().size(), 2u);
  EXPECT_EQ(ws.root(), tmp.path("a"));
  EXPECT_FALSE(refused(ws, (tmp.path("b") / "f.txt").string()));
  EXPECT_TRUE(refused(ws, (tmp.root() / "c").string()));
  EXPECT_TRUE(refused(Workspace(), "x"));
}

}  // namespace
}  // namespace flint::jobs
