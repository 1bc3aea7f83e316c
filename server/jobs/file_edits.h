#pragma once
// What a job changes in one file, kept against the exact text the job read, and the two
// operations the result needs: turning "text before / text after" into a few replacements
// (one per changed run of lines), and placing those replacements in the file as it is now,
// which may have changed since (the person kept typing). Placing never guesses: each
// replacement is found again by the whole lines it touches in the text the job read, and
// must be found exactly once.
//
// Plain C++; no threads, no I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flint::jobs {

// Bytes [begin, end) of a text become `text`.
struct Replacement {
  uint32_t begin = 0;
  uint32_t end = 0;
  std::string text;
  friend bool operator==(const Replacement&, const Replacement&) = default;
};

struct FileEdit {
  std::string uri;        // as the editor names the file (its open document's URI when open)
  std::string path;       // absolute path on disk
  std::string base_text;  // the text the job read
  // The document version the text was read at; nullopt when it was read from disk.
  std::optional<int64_t> base_version;
  std::vector<Replacement> replacements;  // against base_text: ascending, not overlapping
};

// Replacements that turn `before` into `after`: whole changed lines, one per changed run
// (a line diff, Myers' algorithm; past a size bound, one replacement for the changed middle).
std::vector<Replacement> diff_lines(std::string_view before, std::string_view after);

// `replacements` (ascending, not overlapping) applied to `text`.
std::string apply_replacements(std::string_view text, const std::vector<Replacement>& replacements);

// The edit's replacements placed in `current`: as they are when `current` is the base text;
// otherwise each is moved to where the lines it touches (widened by up to three lines of
// context on each side until unique) occur exactly once in `current`. nullopt when one cannot
// be placed, or placed ones would overlap.
std::optional<std::vector<Replacement>> rebase(const FileEdit& edit, std::string_view current);

}  // namespace flint::jobs
