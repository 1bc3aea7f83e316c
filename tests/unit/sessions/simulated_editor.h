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

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/text_input.h"
#include "server/edits/edit_session.h"

namespace flint::test {

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
  SimulatedEditor(std::string text, uint32_t region_begin, uint32_t region_end, ReportStyle style);

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
  std::string region_text() const {
    return text_.substr(region_begin_, region_end_ - region_begin_);
  }
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

// ---- implementation (header-only, so benchmarks can use it too) ----
inline SimulatedEditor::SimulatedEditor(std::string text, uint32_t region_begin,
                                        uint32_t region_end, ReportStyle style)
    : text_(std::move(text)),
      origins_(text_.size(), Origin::kOriginal),
      region_begin_(region_begin),
      region_end_(region_end),
      style_(style) {}

inline parsers::TextPoint SimulatedEditor::point_of(uint32_t byte) const {
  uint32_t row = 0;
  uint32_t line_start = 0;
  for (uint32_t i = 0; i < byte && i < text_.size(); ++i) {
    if (text_[i] == '\n') {
      ++row;
      line_start = i + 1;
    }
  }
  return {row, byte - line_start};
}

inline bool SimulatedEditor::apply(const LineEdit& edit) {
  if (edit.version != version_) return false;
  uint32_t previous_end = 0;
  for (const TextReplacement& r : edit.replacements) {
    if (r.start_byte > r.end_byte || r.end_byte > text_.size() || r.start_byte < previous_end) {
      violations_.push_back("malformed or overlapping replacement");
      return false;
    }
    if (point_of(r.start_byte) != r.start || point_of(r.end_byte) != r.end) {
      violations_.push_back("replacement points do not match its bytes at " +
                            std::to_string(r.start_byte));
    }
    previous_end = r.end_byte;
  }
  // All replacements are relative to the text before the edit: apply the last one first.
  for (auto r = edit.replacements.rbegin(); r != edit.replacements.rend(); ++r) {
    replace(r->start_byte, r->end_byte, r->text, Origin::kFlint);
  }
  ++version_;
  ++flint_edits_applied_;
  return true;
}

inline void SimulatedEditor::user_replace(uint32_t begin, uint32_t end, std::string_view text) {
  replace(begin, end, text, Origin::kUser);
  ++version_;
}

inline void SimulatedEditor::replace(uint32_t begin, uint32_t end, std::string_view text,
                                     Origin origin) {
  const int64_t delta = int64_t(text.size()) - int64_t(end - begin);
  if (origin == Origin::kFlint) {
    if (begin < region_begin_ || end > region_end_) {
      violations_.push_back("flint wrote outside the region: [" + std::to_string(begin) + ", " +
                            std::to_string(end) + ") vs region [" + std::to_string(region_begin_) +
                            ", " + std::to_string(region_end_) + ")");
    }
    if (std::any_of(origins_.begin() + begin, origins_.begin() + end,
                    [](Origin o) { return o == Origin::kUser; })) {
      violations_.push_back("flint overwrote text the user typed at " + std::to_string(begin));
    }
    region_end_ = static_cast<uint32_t>(region_end_ + delta);
  } else if (end < region_begin_) {
    region_begin_ = static_cast<uint32_t>(region_begin_ + delta);
    region_end_ = static_cast<uint32_t>(region_end_ + delta);
  } else if (!(begin >= region_end_ && region_terminated())) {
    user_typed_inside_ = true;
    region_end_ = static_cast<uint32_t>(region_end_ + delta);
  }

  // What the client reports, computed on the text before the change.
  ReportedChange report;
  uint32_t span_begin = begin;
  uint32_t span_end = end;
  if (style_ != ReportStyle::kExact) {
    while (span_begin > 0 && text_[span_begin - 1] != '\n') --span_begin;
    while (span_end < text_.size() && text_[span_end] != '\n') ++span_end;
  }
  std::string old_span = text_.substr(span_begin, span_end - span_begin);
  report.start = point_of(span_begin);
  report.end = point_of(span_end);

  text_.replace(begin, end - begin, text);
  origins_.erase(origins_.begin() + begin, origins_.begin() + end);
  origins_.insert(origins_.begin() + begin, text.size(), origin);

  std::string new_span =
      text_.substr(span_begin, static_cast<size_t>(int64_t(span_end - span_begin) + delta));
  if (style_ == ReportStyle::kLineDiff) {
    // Neovim's compute_diff: first differing byte from the front, then from the back.
    size_t head = 0;
    while (head < old_span.size() && head < new_span.size() && old_span[head] == new_span[head]) {
      ++head;
    }
    size_t tail = 0;
    while (tail < old_span.size() - head && tail < new_span.size() - head &&
           old_span[old_span.size() - 1 - tail] == new_span[new_span.size() - 1 - tail]) {
      ++tail;
    }
    // Points of the trimmed range in the old text: count within the old span.
    auto advance = [](parsers::TextPoint p, std::string_view s) {
      for (char c : s) {
        if (c == '\n') {
          ++p.row;
          p.column = 0;
        } else {
          ++p.column;
        }
      }
      return p;
    };
    parsers::TextPoint start = advance(report.start, std::string_view(old_span).substr(0, head));
    parsers::TextPoint old_end =
        advance(start, std::string_view(old_span).substr(head, old_span.size() - head - tail));
    report.start = start;
    report.end = old_end;
    report.text = new_span.substr(head, new_span.size() - head - tail);
  } else {
    report.text = std::move(new_span);
  }
  changes_.push_back(std::move(report));
}

inline std::vector<ReportedChange> SimulatedEditor::take_changes() {
  std::vector<ReportedChange> out = std::move(changes_);
  changes_.clear();
  return out;
}

}  // namespace flint::test
