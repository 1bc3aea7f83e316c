#include "server/answer_shaper.h"

#include <algorithm>

namespace flint {
namespace {

using answer::is_blank;
using answer::is_trivial;
using answer::key;

// Lines held after an elision marker while none anchors: past this, they are passed on as they
// are (the final fit decides).
constexpr size_t kMaxHeldAfterMarker = 64;

// A line that may turn out to be a comment (and so an elision marker) once complete.
bool may_be_comment(std::string_view partial) {
  std::string_view k = key(partial);
  if (k.empty()) return true;
  static constexpr std::string_view kCommentStarts = "/#-<;*{%";
  return kCommentStarts.find(k.front()) != std::string_view::npos;
}

}  // namespace

AnswerShaper::AnswerShaper(std::string original, std::string above, std::string below,
                           std::string language, std::string_view eol_hint)
    : original_(std::move(original)),
      above_(std::move(above)),
      below_(std::move(below)),
      language_(std::move(language)),
      eol_(eol_hint),
      diff_(original_, eol_hint) {
  o_ = answer::split_lines(original_);
  u_ = answer::split_lines(above_);
  if (u_.size() > kAnswerContextLines) u_.erase(u_.begin(), u_.end() - kAnswerContextLines);
  d_ = answer::split_lines(below_);
  if (d_.size() > kAnswerContextLines) d_.resize(kAnswerContextLines);
  int level = -1;
  for (size_t i = 0; i < o_.size(); ++i) {
    if (is_blank(o_[i])) continue;
    if (!first_original_) first_original_ = i;
    int c = answer::indent_columns(o_[i]);
    if (level < 0 || c < level) level = c;
  }
  region_level_ = std::max(level, 0);
}

void AnswerShaper::push(std::string_view code) {
  if (code.empty()) return;
  output_.append(code);
  if (!has_code_) has_code_ = code.find_first_not_of(" \t\r\n") != std::string_view::npos;
  size_t at = 0;
  while (at < code.size()) {
    size_t newline = code.find('\n', at);
    if (newline == std::string_view::npos) {
      partial_.append(code.substr(at));
      break;
    }
    partial_.append(code.substr(at, newline - at));
    std::string line = std::move(partial_);
    partial_.clear();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    ++completed_lines_;
    take_line(line);
    at = newline + 1;
  }
  forward_partial();
}

void AnswerShaper::take_line(std::string_view line) {
  switch (lead_) {
    case Lead::kStart: {
      if (is_blank(line)) return;
      bool region_start = first_original_ && key(line) == key(o_[*first_original_]);
      if (!is_trivial(line) && !region_start) {
        const std::vector<size_t>* at = above_positions(key(line));
        if (at != nullptr) {
          lead_ = Lead::kAbove;
          held_above_.emplace_back(line);
          above_at_ = *at;
          return;
        }
      }
      lead_ = Lead::kMiddle;
      middle_line(line);
      return;
    }
    case Lead::kAbove: {
      // The held lines end right above the region (give or take blank lines there).
      bool reached = std::any_of(above_at_.begin(), above_at_.end(), [&](size_t j) {
        for (size_t k = j + 1; k < u_.size(); ++k) {
          if (!is_blank(u_[k])) return false;
        }
        return true;
      });
      bool region_start = first_original_ && key(line) == key(o_[*first_original_]);
      if (!(reached && region_start)) {
        std::vector<size_t> next;
        for (size_t j : above_at_) {
          if (j + 1 < u_.size() && key(u_[j + 1]) == key(line)) next.push_back(j + 1);
        }
        if (!next.empty()) {
          held_above_.emplace_back(line);
          above_at_ = std::move(next);
          return;
        }
      }
      lead_ = Lead::kMiddle;
      std::vector<std::string> held = std::move(held_above_);
      held_above_.clear();
      if (!reached) {
        // They were code after all. The indentation is taken from a line the original has.
        for (const std::string& h : held) {
          if (find_original(h, 0)) {
            decide_indentation(h);
            break;
          }
        }
        if (!reindent_ && find_original(line, 0)) decide_indentation(line);
        for (const std::string& h : held) middle_line(h);
      }
      if (!is_blank(line) || reindent_) middle_line(line);
      return;
    }
    case Lead::kMiddle:
      middle_line(line);
      return;
  }
}

void AnswerShaper::middle_line(std::string_view line) {
  if (partial_forwarded_ > 0) {
    code_line(line);
    return;
  }
  if (!reindent_) {
    if (is_blank(line)) return;
    decide_indentation(line);
    // One method of a selected class: the original lines above it come along.
    std::optional<size_t> k = find_original(line, 0);
    if (k && first_original_ && *k > *first_original_ &&
        reindent_->converted_columns(line) + reindent_->shift > region_level_) {
      pass_original(*k);
    }
  }
  if (!held_below_.empty()) {
    if (below_next_ < d_.size() && key(d_[below_next_]) == key(line)) {
      held_below_.emplace_back(line);
      ++below_next_;
      return;
    }
    std::vector<std::string> held = std::move(held_below_);
    held_below_.clear();
    below_next_ = 0;
    for (const std::string& h : held) code_line(h);
  }
  if (!is_trivial(line) && !marker_pending_) {
    auto d0 = std::find_if(d_.begin(), d_.end(), [](std::string_view l) { return !is_blank(l); });
    if (d0 != d_.end() && key(*d0) == key(line)) {
      held_below_.emplace_back(line);
      below_next_ = static_cast<size_t>(d0 - d_.begin()) + 1;
      return;
    }
  }
  if (answer::is_elision_marker(line, language_) && !find_original(line, 0) &&
      std::none_of(o_.begin(), o_.end(), [&](std::string_view o) { return key(o) == key(line); })) {
    marker_pending_ = true;
    return;
  }
  if (marker_pending_) {
    if (is_trivial(line) && held_after_marker_.size() < kMaxHeldAfterMarker) {
      held_after_marker_.emplace_back(line);
      return;
    }
    std::optional<size_t> k =
        is_trivial(line) ? std::nullopt : find_original(line, diff_.next_original());
    std::vector<std::string> held = std::move(held_after_marker_);
    held_after_marker_.clear();
    marker_pending_ = false;
    if (k) {
      pass_original(*k);
      // Held "}" lines that repeat the end of the filled run are that run's own lines.
      size_t same = 0;
      while (same < held.size() && same < *k &&
             key(held[held.size() - 1 - same]) == key(o_[*k - 1 - same])) {
        ++same;
      }
      held.resize(held.size() - same);
    }
    for (const std::string& h : held) code_line(h);
  }
  code_line(line);
}

void AnswerShaper::code_line(std::string_view line) {
  std::string text = reindent_ ? reindent_->apply(line) : std::string(line);
  if (partial_forwarded_ > 0) {
    pass(std::string_view(text).substr(std::min(partial_forwarded_, text.size())));
    partial_forwarded_ = 0;
  } else {
    pass(text);
  }
  pass("\n");
}

void AnswerShaper::forward_partial() {
  if (partial_.empty() || lead_ != Lead::kMiddle || !reindent_ || marker_pending_ ||
      !held_below_.empty() || may_be_comment(partial_)) {
    return;
  }
  std::string text = reindent_->apply(partial_);
  if (text.size() > partial_forwarded_) {
    pass(std::string_view(text).substr(partial_forwarded_));
    partial_forwarded_ = text.size();
  }
}

void AnswerShaper::decide_indentation(std::string_view first_line) {
  answer::Reindent r;
  std::vector<std::string_view> around;
  size_t take = std::min<size_t>(u_.size(), 200);
  around.insert(around.end(), u_.end() - static_cast<std::ptrdiff_t>(take), u_.end());
  around.insert(around.end(), o_.begin(), o_.end());
  around.insert(around.end(), d_.begin(),
                d_.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(d_.size(), 200)));
  r.to = answer::detect_indent_style(around);
  r.from = r.to;
  std::string_view indent = answer::indent_of(first_line);
  if (!indent.empty() && (indent.front() == '\t') != r.to.tabs) {
    r.from.tabs = indent.front() == '\t';
    r.from.width = r.from.tabs ? answer::kTabColumns : (r.to.width != 0 ? r.to.width : 4);
  }
  r.shift = answer::indentation_shift({first_line}, o_, r);
  reindent_ = r;
}

void AnswerShaper::pass_original(size_t end) {
  for (size_t k = diff_.next_original(); k < end && k < o_.size(); ++k) {
    pass(o_[k]);
    pass("\n");
  }
}

void AnswerShaper::pass(std::string_view text) {
  if (!text.empty()) diff_.push(text);
}

std::optional<size_t> AnswerShaper::find_original(std::string_view line, size_t from) const {
  if (is_trivial(line)) return std::nullopt;
  std::string_view k = key(line);
  for (size_t i = from; i < o_.size(); ++i) {
    if (key(o_[i]) == k) return i;
  }
  return std::nullopt;
}

const std::vector<size_t>* AnswerShaper::above_positions(std::string_view k) {
  if (!above_indexed_) {
    above_indexed_ = true;
    for (size_t i = 0; i < u_.size(); ++i) {
      if (!is_trivial(u_[i])) above_index_[key(u_[i])].push_back(i);
    }
  }
  auto it = above_index_.find(k);
  return it == above_index_.end() ? nullptr : &it->second;
}

ShapedAnswer AnswerShaper::finish(bool explicit_empty) {
  ShapedAnswer shaped =
      shape_answer({original_, above_, below_, language_}, output_, explicit_empty);
  if (!shaped.ok) return shaped;
  final_.emplace(original_, eol_);
  final_->push(shaped.text);
  final_->finish();
  final_revision_ = diff_.revision() + 1;
  return shaped;
}

std::string AnswerShaper::desired_text() const {
  return final_ ? final_->desired_text() : diff_.desired_text();
}

uint64_t AnswerShaper::revision() const {
  return final_ ? final_revision_ + final_->revision() : diff_.revision();
}

}  // namespace flint
