// Line diffs of a job's result and their placement in a file that changed meanwhile.
#include "server/jobs/file_edits.h"

#include <gtest/gtest.h>

#include <random>

namespace flint::jobs {
namespace {

const std::string kBase =
    "import os\n"
    "\n"
    "def load(path):\n"
    "    return open(path).read()\n"
    "\n"
    "def save(path, text):\n"
    "    open(path, 'w').write(text)\n";

TEST(DiffLines, OneReplacementPerChangedRun) {
  std::string after = kBase;
  after.replace(after.find("def load"), 8, "def read");
  after.replace(after.find("'w'"), 3, "\"w\"");
  auto reps = diff_lines(kBase, after);
  ASSERT_EQ(reps.size(), 2u);
  EXPECT_EQ(reps[0].text, "def read(path):\n");
  EXPECT_EQ(kBase.substr(reps[0].begin, reps[0].end - reps[0].begin), "def load(path):\n");
  EXPECT_EQ(reps[1].text, "    open(path, \"w\").write(text)\n");
  EXPECT_EQ(apply_replacements(kBase, reps), after);
  EXPECT_TRUE(diff_lines(kBase, kBase).empty());
}

TEST(DiffLines, InsertionsDeletionsAndMissingFinalNewline) {
  EXPECT_EQ(apply_replacements("a\nb\n", diff_lines("a\nb\n", "a\nx\nb\n")), "a\nx\nb\n");
  EXPECT_EQ(apply_replacements("a\nb\nc", diff_lines("a\nb\nc", "a\nc")), "a\nc");
  EXPECT_EQ(apply_replacements("", diff_lines("", "new\n")), "new\n");
  EXPECT_EQ(apply_replacements("a\nb", diff_lines("a\nb", "a\nb\n")), "a\nb\n");
  auto reps = diff_lines("a\nb\nc\n", "a\nx\nb\nc\n");
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_EQ(reps[0].begin, reps[0].end);  // a pure insertion
  EXPECT_EQ(reps[0].text, "x\n");
}

TEST(DiffLines, RandomEditsRoundTrip) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> lines;
    int n = static_cast<int>(rng() % 30);
    for (int i = 0; i < n; ++i) lines.push_back("line " + std::to_string(rng() % 8) + "\n");
    std::string before;
    for (auto& l : lines) before += l;
    int edits = static_cast<int>(rng() % 5);
    for (int e = 0; e < edits; ++e) {
      size_t at = lines.empty() ? 0 : rng() % (lines.size() + 1);
      switch (rng() % 3) {
        case 0:
          lines.insert(lines.begin() + static_cast<long>(at), "new " + std::to_string(e) + "\n");
          break;
        case 1:
          if (at < lines.size()) lines.erase(lines.begin() + static_cast<long>(at));
          break;
        default:
          if (at < lines.size()) lines[at] = "changed " + std::to_string(e) + "\n";
          break;
      }
    }
    std::string after;
    for (auto& l : lines) after += l;
    auto reps = diff_lines(before, after);
    ASSERT_EQ(apply_replacements(before, reps), after) << "round " << round;
    for (size_t i = 1; i < reps.size(); ++i) ASSERT_LE(reps[i - 1].end, reps[i].begin);
  }
}

FileEdit edit_of(const std::string& after) {
  FileEdit edit;
  edit.base_text = kBase;
  edit.replacements = diff_lines(kBase, after);
  return edit;
}

TEST(Rebase, UnchangedTextKeepsThePlaces) {
  std::string after = kBase;
  after.replace(after.find("def save"), 8, "def store");
  FileEdit edit = edit_of(after);
  auto placed = rebase(edit, kBase);
  ASSERT_TRUE(placed);
  EXPECT_EQ(*placed, edit.replacements);
}

TEST(Rebase, TypingElsewhereMovesTheEdits) {
  std::string after = kBase;
  after.replace(after.find("def save"), 8, "def store");
  FileEdit edit = edit_of(after);
  std::string current = "# a comment typed meanwhile\n" + kBase + "\nprint(1)\n";
  auto placed = rebase(edit, current);
  ASSERT_TRUE(placed);
  EXPECT_EQ(apply_replacements(current, *placed),
            "# a comment typed meanwhile\n" + after + "\nprint(1)\n");
}

TEST(Rebase, ChangedLinesCannotBePlaced) {
  std::string after = kBase;
  after.replace(after.find("def save"), 8, "def store");
  FileEdit edit = edit_of(after);
  std::string current = kBase;
  current.replace(current.find("def save(path, text)"), 20, "def save(path, data)");
  EXPECT_FALSE(rebase(edit, current));
}

TEST(Rebase, RepeatedLinesAreDisambiguatedByContext) {
  std::string base = "a\nx = 1\nb\nx = 1\nc\n";
  FileEdit edit;
  edit.base_text = base;
  edit.replacements = diff_lines(base, "a\nx = 1\nb\nx = 2\nc\n");
  std::string current = "top\n" + base;
  auto placed = rebase(edit, current);
  ASSERT_TRUE(placed);
  EXPECT_EQ(apply_replacements(current, *placed), "top\na\nx = 1\nb\nx = 2\nc\n");
  // When the context itself repeats, nothing is guessed.
  std::string twice = base + base;
  EXPECT_FALSE(rebase(edit, twice));
}

}  // namespace
}  // namespace flint::jobs
