#include "server/edits/stream_diff.h"

#include <algorithm>
#include <cctype>

namespace flint {
namespace {

// How far ahead (in original lines) a streamed line may match to count as a deletion of the
// lines in between, and how far ahead an unfinished line is checked for being a reproduction.
constexpr size_t kWindow = 32;
// Above this many cells the line diff of a hunk's middle gives up on finding equal lines
// inside it (one replacement instead); streamed edits stay far below it.
constexpr size_t kMaxDiffCells = size_t{1} << 20;

std::string_view ltrim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

size_t common_prefix(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

// Lines common enough that an equal line ahead proves nothing by itself: "}", "", "end".
bool significant(std::string_view line) {
  std::string_view t = ltrim(line);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\r')) {
    t.remove_suffix(1);
  }
  if (t.size() < 5) return false;
  size_t alnum = 0;
  for (char c : t) alnum += std::isalnum(static_cast<unsigned char>(c)) != 0;
  return alnum >= 4;
}

// Whether a line sharing `shared` leading characters (after the indentation) with an original
// line of `original_length` such characters is best shown as a rewrite of it.
bool rewrite_of(size_t shared, size_t original_length) {
  if (original_length == 0) return false;
  return (shared >= 3 && 2 * shared >= original_length) || shared == original_length;
}

bool rewrites(std::string_view line, std::string_view original) {
  std::string_view l = ltrim(line);
  std::string_view o = ltrim(original);
  return rewrite_of(common_prefix(l, o), o.size());
}

}  // namespace

StreamDiff::StreamDiff(std::string_view original, std::string_view eol_hint)
    : original_(original), eol_(eol_hint) {
  size_t crlf = 0;
  size_t lf = 0;
  size_t i = 0;
  while (i < original_.size()) {
    size_t newline = original_.find('\n', i);
    OriginalLine line;
    line.begin = static_cast<uint32_t>(i);
    if (newline == std::string::npos) {
      line.length = static_cast<uint32_t>(original_.size() - i);
      line.eol = "";
      i = original_.size();
    } else if (newline > i && original_[newline - 1] == '\r') {
      line.length = static_cast<uint32_t>(newline - 1 - i);
      line.eol = "\r\n";
      ++crlf;
      i = newline + 1;
    } else {
      line.length = static_cast<uint32_t>(newline - i);
      line.eol = "\n";
      ++lf;
      i = newline + 1;
    }
    orig_.push_back(line);
  }
  if (crlf > lf) {
    eol_ = "\r\n";
  } else if (lf > 0) {
    eol_ = "\n";
  }
  final_newline_ = original_.empty() || original_.back() == '\n';
  for (size_t n = 0; n < orig_.size(); ++n) {
    positions_[line_text(n)].push_back(static_cast<uint32_t>(n));
  }
}

void StreamDiff::push(std::string_view code) {
  if (finished_ || code.empty()) return;
  output_bytes_ += code.size();
  size_t i = 0;
  while (i < code.size()) {
    size_t newline = code.find('\n', i);
    if (newline == std::string_view::npos) {
      partial_.append(code.substr(i));
      break;
    }
    partial_.append(code.substr(i, newline - i));
    i = newline + 1;
    std::string line = std::move(partial_);
    partial_.clear();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    take_line(std::move(line));
    ++completed_lines_;
    ++revision_;
  }
  note_partial_change();
}

void StreamDiff::finish() {
  if (finished_) return;
  if (!partial_.empty()) {
    std::string line = std::move(partial_);
    partial_.clear();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    take_line(std::move(line));
    ++completed_lines_;
  }
  // The stream ended while lines matched ahead: nothing contradicts them any more.
  if (!tentative_.empty()) commit_tentative();
  counters_.deleted += static_cast<uint32_t>(orig_.size() - next_);
  next_ = orig_.size();
  placement_ = Placement::kHidden;
  finished_ = true;
  ++revision_;
}

void StreamDiff::take_line(std::string line) {
  if (!tentative_.empty()) {
    size_t expected = tentative_target_ + tentative_.size();
    if (expected < orig_.size() && line_text(expected) == line) {
      tentative_.push_back(std::move(line));
      if (confirms_skip()) commit_tentative();
      return;
    }
    flush_tentative();
  }
  place_line(std::move(line), true);
}

void StreamDiff::place_line(std::string line, bool may_skip) {
  if (next_ < orig_.size() && line_text(next_) == line) {
    reproduce(next_);
    return;
  }
  if (may_skip) {
    size_t ahead = find_ahead(line);
    if (ahead != std::string::npos) {
      size_t distance = ahead - next_;
      bool strong = significant(line);
      if ((strong && distance <= kWindow) || distance <= inserted_run_) {
        skip_to(ahead);
        reproduce(ahead);
        return;
      }
      if (strong || distance <= kWindow) {
        tentative_.push_back(std::move(line));
        tentative_target_ = ahead;
        return;
      }
    }
  }
  if (next_ < orig_.size() && rewrites(line, line_text(next_))) {
    out_.push_back({std::move(line), -1});
    ++next_;
    inserted_run_ = 0;
    ++counters_.rewritten;
    return;
  }
  out_.push_back({std::move(line), -1});
  ++inserted_run_;
  ++counters_.inserted;
}

void StreamDiff::reproduce(size_t original_index) {
  out_.push_back({std::string(), static_cast<int32_t>(original_index)});
  next_ = original_index + 1;
  inserted_run_ = 0;
  ++counters_.reproduced;
}

void StreamDiff::skip_to(size_t original_index) {
  counters_.deleted += static_cast<uint32_t>(original_index - next_);
  next_ = original_index;
}

size_t StreamDiff::find_ahead(std::string_view line) const {
  auto found = positions_.find(line);
  if (found == positions_.end()) return std::string::npos;
  const std::vector<uint32_t>& at = found->second;
  auto it = std::upper_bound(at.begin(), at.end(), static_cast<uint32_t>(next_));
  return it == at.end() ? std::string::npos : *it;
}

bool StreamDiff::confirms_skip() const {
  if (tentative_.size() >= 3) return true;
  return tentative_.size() >= 2 &&
         std::any_of(tentative_.begin(), tentative_.end(),
                     [](const std::string& line) { return significant(line); });
}

void StreamDiff::commit_tentative() {
  skip_to(tentative_target_);
  for (size_t i = 0; i < tentative_.size(); ++i) reproduce(tentative_target_ + i);
  tentative_.clear();
}

void StreamDiff::flush_tentative() {
  std::vector<std::string> lines = std::move(tentative_);
  tentative_.clear();
  for (std::string& line : lines) place_line(std::move(line), false);
}

StreamDiff::Placement StreamDiff::partial_placement() const {
  if (!tentative_.empty()) return Placement::kHidden;
  std::string_view p = partial_;
  if (!p.empty() && p.back() == '\r') p.remove_suffix(1);
  if (p.empty()) return Placement::kHidden;
  for (size_t k = 0; k <= kWindow && next_ + k < orig_.size(); ++k) {
    if (line_text(next_ + k).starts_with(p)) return Placement::kHidden;
  }
  if (next_ >= orig_.size()) return Placement::kInsert;
  std::string_view pt = ltrim(p);
  std::string_view ot = ltrim(line_text(next_));
  size_t shared = common_prefix(pt, ot);
  bool rewrite = rewrite_of(shared, ot.size());
  // Re-indented but still equal so far: wait until it either diverges or is clearly a rewrite.
  if (shared == pt.size()) return rewrite ? Placement::kReplace : Placement::kHidden;
  return rewrite ? Placement::kReplace : Placement::kInsert;
}

void StreamDiff::note_partial_change() {
  Placement now = partial_placement();
  if (now != Placement::kHidden || placement_ != Placement::kHidden) ++revision_;
  placement_ = now;
}

std::string StreamDiff::desired_text() const {
  std::string text;
  text.reserve(original_.size() + output_bytes_ / 2 + 64);
  bool have_line = false;
  std::string_view last_eol;
  auto emit = [&](std::string_view content, std::string_view eol) {
    if (have_line) text.append(last_eol.empty() ? std::string_view(eol_) : last_eol);
    text.append(content);
    last_eol = eol;
    have_line = true;
  };
  for (const OutputLine& line : out_) {
    if (line.original >= 0) {
      emit(line_text(static_cast<size_t>(line.original)),
           orig_[static_cast<size_t>(line.original)].eol);
    } else {
      emit(line.text, eol_);
    }
  }
  size_t rest = next_;
  if (placement_ != Placement::kHidden) {
    std::string_view p = partial_;
    if (!p.empty() && p.back() == '\r') p.remove_suffix(1);
    emit(p, eol_);
    if (placement_ == Placement::kReplace) ++rest;
  }
  for (size_t i = rest; i < orig_.size(); ++i) emit(line_text(i), orig_[i].eol);
  if (have_line && final_newline_)
    text.append(last_eol.empty() ? std::string_view(eol_) : last_eol);
  return text;
}

namespace {

// Lines with their terminators, as views into `text`.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t i = 0;
  while (i < text.size()) {
    size_t newline = text.find('\n', i);
    size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
    lines.push_back(text.substr(i, end - i));
    i = end;
  }
  return lines;
}

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// A cut at `i` splits neither a UTF-8 sequence nor a "\r\n".
bool clean_cut(std::string_view s, size_t i) {
  if (i == 0 || i >= s.size()) return true;
  return !is_continuation(s[i]) && !(s[i - 1] == '\r' && s[i] == '\n');
}

struct LineRange {
  size_t before_begin, before_end, after_begin, after_end;  // line indices
};

// Runs of differing lines between the longest common subsequence of equal lines.
std::vector<LineRange> differing_runs(const std::vector<std::string_view>& a, size_t a0, size_t a1,
                                      const std::vector<std::string_view>& b, size_t b0,
                                      size_t b1) {
  size_t n = a1 - a0;
  size_t m = b1 - b0;
  if (n == 0 || m == 0 || (n + 1) * (m + 1) > kMaxDiffCells) return {{a0, a1, b0, b1}};
  // lcs[i][j]: length of the longest common subsequence of a[a0+i..a1) and b[b0+j..b1).
  std::vector<uint32_t> lcs((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return lcs[i * (m + 1) + j]; };
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      at(i, j) =
          a[a0 + i] == b[b0 + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    }
  }
  std::vector<LineRange> runs;
  size_t i = 0;
  size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[a0 + i] == b[b0 + j]) {
      ++i;
      ++j;
      continue;
    }
    LineRange run{a0 + i, a0 + i, b0 + j, b0 + j};
    while ((i < n || j < m) && !(i < n && j < m && a[a0 + i] == b[b0 + j])) {
      if (j == m || (i < n && at(i + 1, j) >= at(i, j + 1))) {
        ++i;
      } else {
        ++j;
      }
    }
    run.before_end = a0 + i;
    run.after_end = b0 + j;
    runs.push_back(run);
  }
  return runs;
}

}  // namespace

std::vector<TextHunk> minimal_hunks(std::string_view before, std::string_view after) {
  if (before == after) return {};
  std::vector<std::string_view> a = split_lines(before);
  std::vector<std::string_view> b = split_lines(after);
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  // Byte offset of each line start (and of the end).
  auto offsets = [](const std::vector<std::string_view>& lines) {
    std::vector<uint32_t> at(lines.size() + 1, 0);
    for (size_t i = 0; i < lines.size(); ++i) {
      at[i + 1] = at[i] + static_cast<uint32_t>(lines[i].size());
    }
    return at;
  };
  std::vector<uint32_t> a_at = offsets(a);
  std::vector<uint32_t> b_at = offsets(b);

  std::vector<TextHunk> hunks;
  for (const LineRange& run :
       differing_runs(a, prefix, a.size() - suffix, b, prefix, b.size() - suffix)) {
    std::string_view x =
        before.substr(a_at[run.before_begin], a_at[run.before_end] - a_at[run.before_begin]);
    std::string_view y =
        after.substr(b_at[run.after_begin], b_at[run.after_end] - b_at[run.after_begin]);
    size_t head = common_prefix(x, y);
    while (head > 0 && (!clean_cut(x, head) || !clean_cut(y, head))) --head;
    size_t tail = 0;
    size_t tail_limit = std::min(x.size(), y.size()) - head;
    while (tail < tail_limit && x[x.size() - 1 - tail] == y[y.size() - 1 - tail]) ++tail;
    while (tail > 0 && (!clean_cut(x, x.size() - tail) || !clean_cut(y, y.size() - tail))) --tail;
    hunks.push_back({a_at[run.before_begin] + static_cast<uint32_t>(head),
                     a_at[run.before_end] - static_cast<uint32_t>(tail),
                     b_at[run.after_begin] + static_cast<uint32_t>(head),
                     b_at[run.after_end] - static_cast<uint32_t>(tail)});
  }
  return hunks;
}

}  // namespace flint
