#include "tests/unit/sessions/simulated_editor.h"

#include <algorithm>

namespace flint::testing {

SimulatedEditor::SimulatedEditor(std::string text, uint32_t region_begin, uint32_t region_end,
                                 ReportStyle style)
    : text_(std::move(text)),
      origins_(text_.size(), Origin::kOriginal),
      region_begin_(region_begin),
      region_end_(region_end),
      style_(style) {}

parsers::TextPoint SimulatedEditor::point_of(uint32_t byte) const {
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

bool SimulatedEditor::apply(const LineEdit& edit) {
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

void SimulatedEditor::user_replace(uint32_t begin, uint32_t end, std::string_view text) {
  replace(begin, end, text, Origin::kUser);
  ++version_;
}

void SimulatedEditor::replace(uint32_t begin, uint32_t end, std::string_view text,
                              Origin origin) {
  const int64_t delta = int64_t(text.size()) - int64_t(end - begin);
  if (origin == Origin::kFlint) {
    if (begin < region_begin_ || end > region_end_) {
      violations_.push_back("flint wrote outside the region: [" + std::to_string(begin) + ", " +
                            std::to_string(end) + ") vs region [" +
                            std::to_string(region_begin_) + ", " + std::to_string(region_end_) +
                            ")");
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

std::vector<ReportedChange> SimulatedEditor::take_changes() {
  std::vector<ReportedChange> out = std::move(changes_);
  changes_.clear();
  return out;
}

}  // namespace flint::testing
