#include "server/edits/answer_shaper.h"

#include <algorithm>

namespace flint {
namespace {

using answer::is_blank;
using answer::is_trivial;
using answer::key;

// Lines held after an elision marker while none anchors: past this, they are passed on as they
// are (the final fit decides).
constexpr size_t kMaxHeldAfterMarker = 64;
// A copy of the lines above that starts with a line like "}" is looked for this far up.
constexpr size_t kTrivialContextLines = 200;
constexpr size_t kFileStartLines = 8;

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
      if (!region_start) {
        std::vector<size_t> near;
        if (!is_trivial(line)) near = above_positions(key(line));
        const std::vector<size_t>* at = near.empty() ? nullptr : &near;
        // A line like "}" or "end" may start the copy too (the end of the function above):
        // looked for among the lines just above, the following lines tell.
        if (is_trivial(line)) {
          // (and among the file's first lines: a whole-file answer starting with '"""').
          size_t from = u_.size() > kTrivialContextLines ? u_.size() - kTrivialContextLines : 0;
          auto consider = [&](size_t j) {
            if (key(u_[j]) == key(line)) near.push_back(j);
          };
          for (size_t j = 0; j < std::min(kFileStartLines, from); ++j) consider(j);
          for (size_t j = from; j < u_.size(); ++j) consider(j);
          at = near.empty() ? nullptr : &near;
        }
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
  if (is_blank(line) && held_below_.empty() && !marker_pending_) {
    // Blank lines wait for the next line: at the end of the answer they are no code.
    held_blanks_.emplace_back(line);
    return;
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
  // The lines below the region, repeated: held until the answer departs from them. A line
  // like "}" only once the answer has been through all of the original.
  bool past_original = at_original_end();
  if ((!is_trivial(line) || past_original) && !marker_pending_) {
    auto d0 = std::find_if(d_.begin(), d_.end(), [](std::string_view l) { return !is_blank(l); });
    if (d0 != d_.end() && key(*d0) == key(line)) {
      held_below_.emplace_back(line);
      below_next_ = static_cast<size_t>(d0 - d_.begin()) + 1;
      return;
    }
  }
  if (answer::is_elision_marker(line, language_) && !find_original(line, 0) &&
      std::none_of(o_.begin(), o_.end(), [&](std::string_view o) { return key(o) == key(line); })) {
    flush_blanks();  // they come before what the marker stands for
    marker_pending_ = true;
    return;
  }
  if (marker_pending_) {
    after_marker(line);
    return;
  }
  code_line(line);
}

void AnswerShaper::after_marker(std::string_view line) {
  if (candidates_.empty()) {
    if (is_trivial(line) && held_after_marker_.size() < kMaxHeldAfterMarker) {
      held_after_marker_.emplace_back(line);
      return;
    }
    // Where the answer resumes in the original: every place the line could be.
    std::vector<size_t> at;
    if (!is_trivial(line)) {
      for (size_t k = diff_.next_original(); k < o_.size(); ++k) {
        if (key(o_[k]) == key(line)) at.push_back(k);
      }
    }
    if (at.size() > 1) {
      candidates_ = std::move(at);
      resumed_.emplace_back(line);
      return;
    }
    resume_at(at.empty() ? std::nullopt : std::optional<size_t>(at.front()));
    code_line(line);
    return;
  }
  // The answer resumed with a line the original has more than once: the lines after it tell
  // which (or, if none does, the last: the reading that keeps the most, as the final fit).
  size_t n = resumed_.size();
  std::vector<size_t> still;
  for (size_t k : candidates_) {
    if (k + n < o_.size() && key(o_[k + n]) == key(line)) still.push_back(k);
  }
  if (still.size() > 1 && resumed_.size() < kMaxHeldAfterMarker) {
    candidates_ = std::move(still);
    resumed_.emplace_back(line);
    return;
  }
  bool continues = !still.empty();
  resume_at(continues ? still.front() : candidates_.back());
  if (continues) {
    code_line(line);
  } else {
    middle_line(line);
  }
}

void AnswerShaper::resume_at(std::optional<size_t> k) {
  std::vector<std::string> held = std::move(held_after_marker_);
  held_after_marker_.clear();
  std::vector<std::string> resumed = std::move(resumed_);
  resumed_.clear();
  candidates_.clear();
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
  for (const std::string& r : resumed) code_line(r);
}

bool AnswerShaper::at_original_end() const {
  // Blank lines of the original left are matched by blank lines held back.
  for (size_t k = diff_.next_original(); k < o_.size(); ++k) {
    if (!is_blank(o_[k])) return false;
  }
  return true;
}

void AnswerShaper::flush_blanks() {
  std::vector<std::string> blanks = std::move(held_blanks_);
  held_blanks_.clear();
  for (const std::string& blank : blanks) {
    pass(reindent_ ? reindent_->apply(blank) : blank);
    pass("\n");
  }
}

void AnswerShaper::code_line(std::string_view line) {
  flush_blanks();
  if (reindent_ && !answer_style_known_) learn_answer_style(*reindent_, line);
  // An identity re-indent leaves the line as it is: no copy.
  std::string converted;
  std::string_view text = line;
  if (reindent_ && !reindent_->is_identity()) text = converted = reindent_->apply(line);
  if (partial_forwarded_ > 0) {
    pass(text.substr(std::min(partial_forwarded_, text.size())));
    partial_forwarded_ = 0;
  } else {
    pass(text);
  }
  pass("\n");
}

void AnswerShaper::forward_partial() {
  // Past the original's last line, a line may be copied from below the region: it waits.
  if (partial_.empty() || lead_ != Lead::kMiddle || !reindent_ || marker_pending_ ||
      !held_below_.empty() || may_be_comment(partial_) || at_original_end()) {
    return;
  }
  // Which style the answer indents in is decided on a whole line, unless this one's
  // indentation is plainly the region's own (whole levels of its spaces, or its tabs).
  if (!answer_style_known_) {
    std::string_view indent = answer::indent_of(partial_);
    const answer::IndentStyle& to = reindent_->to;
    bool own =
        indent.empty() ||
        (to.tabs ? indent.find(' ') == std::string_view::npos
                 : indent.find('\t') == std::string_view::npos &&
                       (to.width == 0 || indent.size() % static_cast<size_t>(to.width) == 0));
    if (!own) return;
  }
  // Only the bytes not forwarded yet go on; an identity re-indent needs no converted copy of
  // the whole line on every token.
  std::string converted;
  std::string_view text = partial_;
  if (!reindent_->is_identity()) text = converted = reindent_->apply(partial_);
  if (text.size() > partial_forwarded_) {
    flush_blanks();
    pass(text.substr(partial_forwarded_));
    partial_forwarded_ = text.size();
  }
}

void AnswerShaper::decide_indentation(std::string_view first_line) {
  answer::Reindent r;
  r.to = answer::region_indent_style(o_, u_, d_);
  r.from = r.to;
  learn_answer_style(r, first_line);
  // Most answers start with the region's first line.
  if (first_original_ && key(first_line) == key(o_[*first_original_])) {
    r.shift = answer::indent_columns(o_[*first_original_]) - r.converted_columns(first_line);
  } else {
    r.shift = answer::indentation_shift({first_line}, o_, r);
  }
  reindent_ = r;
}

void AnswerShaper::learn_answer_style(answer::Reindent& r, std::string_view line) {
  // The answer indents with tabs where the region has spaces, or the other way round: known
  // from its first indented line (a top-level region's first line has none).
  std::string_view indent = answer::indent_of(line);
  if (indent.empty() || answer_style_known_) return;
  // Only a whole level tells: tabs, or a multiple of the region's width in spaces (not the
  // " * " of a block comment's continuation).
  // Tabs may be followed by a few spaces of alignment ("smart tabs").
  bool tabs = indent.front() == '\t' &&
              indent.find('\t', indent.find_first_not_of('\t')) == std::string_view::npos;
  bool spaces = indent.find('\t') == std::string_view::npos;
  int width = r.to.width != 0 ? r.to.width : 2;
  if (!tabs && !(spaces && static_cast<int>(indent.size()) % width == 0)) return;
  answer_style_known_ = true;
  // A line the original has with the very same indentation says the answer kept its style
  // (GNU-style continuation lines mix tabs into a space-indented file).
  bool verbatim = std::any_of(o_.begin(), o_.end(), [&](std::string_view o) {
    return key(o) == key(line) && answer::indent_of(o) == indent;
  });
  if (!verbatim && (indent.front() == '\t') != r.to.tabs) {
    r.from.tabs = indent.front() == '\t';
    r.from.width = r.from.tabs ? answer::kTabColumns : (r.to.width != 0 ? r.to.width : 4);
  }
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

std::vector<size_t> AnswerShaper::above_positions(std::string_view k) const {
  // Asked once per answer (for its first line): a scan costs less than an index.
  std::vector<size_t> at;
  for (size_t i = 0; i < u_.size(); ++i) {
    if (key(u_[i]) == k) at.push_back(i);
  }
  return at;
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
