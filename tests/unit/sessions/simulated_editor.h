#pragma once
// An editor as the edit session meets it: it holds the text and its version, applies a flint
// edit only when the edit names the current version (otherwise it answers applied: false, as
// VS Code does), and reports every change back the way a real client would:
//   kExact       the ranges flint sent (VS Code);
//   kWholeLines  whole changed lines re-sent, larger than what flint sent;
//   kLineDiff    its own diff of the changed lines (Neovim's vim.lsp.sync), which may slide a
//                change into a neighbouring line when text repeats.
// It keeps the provenance of every byte (original, flint, user) and the ground truth of where
// the session's region is, and records a violation whenever a flint edit deletes a byte the
// user typed, writes outside the region, or names positions that do not match its bytes.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/text_input.h"
#include "server/edit_session.h"

namespace flint::testing {

enum class Origin : char { kOriginal = 'o', kFlint = 'f', kUser = 'u' };
enum class ReportStyle { kExact, kWholeLines, kLineDiff };

// One entry of a didChange: a range of the text before it (row, byte column) and new text.
struct ReportedChange {
  parsers::TextPoint start;
  parsers::TextPoint end;
  std::string text;
};

class SimulatedEditor {
 public:
  SimulatedEditor(std::string text, uint32_t region_begin, uint32_t region_end,
                  ReportStyle style);

  // Applies `edit` if it names the current version; returns whether it did.
  bool apply(const LineEdit& edit);

  // The user's keystrokes. Whether they land above, inside or below the region is decided by
  // position: above ends before the line break preceding the region; below starts at or after
  // the region's end (when the region ends with a line break).
  void user_replace(uint32_t begin, uint32_t end, std::string_view text);

  // Changes made since the last call, in order, as the client reports them.
  std::vector<ReportedChange> take_changes();

  int64_t version() const { return version_; }
  const std::string& text() const { return text_; }
  const std::vector<Origin>& origins() const { return origins_; }
  uint32_t region_begin() const { return region_begin_; }
  uint32_t region_end() const { return region_end_; }
  std::string region_text() const { return text_.substr(region_begin_, region_end_ - region_begin_); }
  bool region_terminated() const {
    return region_end_ == region_begin_ || text_[region_end_ - 1] == '\n';
  }
  bool user_typed_inside() const { return user_typed_inside_; }
  uint32_t flint_edits_applied() const { return flint_edits_applied_; }
  const std::vector<std::string>& violations() const { return violations_; }

 private:
  void replace(uint32_t begin, uint32_t end, std::string_view text, Origin origin);
  parsers::TextPoint point_of(uint32_t byte) const;

  std::string text_;
  std::vector<Origin> origins_;
  int64_t version_ = 1;
  uint32_t region_begin_;
  uint32_t region_end_;
  ReportStyle style_;
  bool user_typed_inside_ = false;
  uint32_t flint_edits_applied_ = 0;
  std::vector<ReportedChange> changes_;
  std::vector<std::string> violations_;
};

}  // namespace flint::testing
