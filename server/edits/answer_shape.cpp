#include "server/edits/answer_shape.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "server/edits/answer_lines.h"

namespace flint {
namespace {

using answer::is_blank;
using answer::is_trivial;
using answer::key;
using Lines = std::vector<std::string_view>;

// Past this many cells the alignment is not attempted (an answer with markers that long is
// refused rather than risk a slow event loop).
constexpr size_t kMaxAlignmentCells = 4'000'000;

ShapedAnswer refuse(std::string reason) {
  ShapedAnswer r;
  r.reason = std::move(reason);
  return r;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    out += line;
    out += '\n';
  }
  return out;
}

std::string join_views(const Lines& lines, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end; ++i) {
    out.append(lines[i]);
    out += '\n';
  }
  return out;
}

bool keys_equal(std::string_view a, std::string_view b) {
  return key(a) == key(b);
}

std::optional<size_t> first_non_blank(const Lines& lines) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!is_blank(lines[i])) return i;
  }
  return std::nullopt;
}

// --- 1. copied context ---

// A context line distinctive enough to be recognised alone: not "}" or "end", but a long rule
// like "/* ========== */" is.
bool distinctive(std::string_view line) {
  return !is_trivial(line) || key(line).size() >= 8;
}

// `line` is `original`, or a rewrite of it; `original` must say something ("}" proves nothing).
bool continues_as(std::string_view line, std::string_view original) {
  if (is_trivial(original)) return false;
  return keys_equal(line, original) || answer::is_rewrite_of(line, original);
}

// The answer's lines from `at` on begin the way the region does: its leading lines like "{" or
// "}" equal, then its first line that says something, equal or rewritten (blank lines aside).
bool starts_like(const Lines& a, size_t at, const Lines& original) {
  size_t o = 0;
  while (true) {
    while (at < a.size() && is_blank(a[at])) ++at;
    while (o < original.size() && is_blank(original[o])) ++o;
    if (at >= a.size() || o >= original.size()) return false;
    if (!is_trivial(original[o])) return continues_as(a[at], original[o]);
    if (!keys_equal(a[at], original[o])) return false;
    ++at;
    ++o;
  }
}

// The answer's lines [from, end) end the way the region does (see starts_like).
bool ends_like(const Lines& a, size_t from, size_t end, const Lines& original) {
  size_t o = original.size();
  while (true) {
    while (end > from && is_blank(a[end - 1])) --end;
    while (o > 0 && is_blank(original[o - 1])) --o;
    if (end == from || o == 0) return false;
    if (!is_trivial(original[o - 1])) return continues_as(a[end - 1], original[o - 1]);
    if (!keys_equal(a[end - 1], original[o - 1])) return false;
    --end;
    --o;
  }
}

// The number of leading answer lines that repeat the lines right above the region, in order.
// Lines that say little ("}", "end", "") count only when the answer then starts the region with
// its first line, or when dropping them is what balances the answer's brackets (not known when
// the answer is `elided`).
size_t copied_above(const Lines& a, const Lines& above, const Lines& original, bool elided) {
  std::optional<size_t> first = first_non_blank(original);
  const int original_balance = answer::bracket_balance(join_views(original, 0, original.size()));
  size_t best = 0;
  size_t limit = std::min(a.size() - 1, above.size());
  for (size_t p = 1; p <= limit; ++p) {
    bool same = true;
    bool says_enough = false;
    for (size_t k = 0; k < p && same; ++k) {
      same = keys_equal(a[k], above[above.size() - p + k]);
      says_enough = says_enough || distinctive(a[k]);
    }
    if (!same) continue;
    if (!says_enough) {
      bool region_follows = first && starts_like(a, p, original);
      int with = answer::bracket_balance(join_views(a, 0, a.size()));
      int without = answer::bracket_balance(join_views(a, p, a.size()));
      bool balances = !elided && with != original_balance && without == original_balance;
      if (!region_follows && !balances) continue;
    }
    best = p;
  }
  return best;
}

size_t copied_below(const Lines& a, size_t from, const Lines& below, const Lines& original,
                    bool elided) {
  std::optional<size_t> last;
  for (size_t i = original.size(); i-- > 0;) {
    if (!is_blank(original[i])) {
      last = i;
      break;
    }
  }
  const int original_balance = answer::bracket_balance(join_views(original, 0, original.size()));
  size_t best = 0;
  size_t available = a.size() - from;
  size_t limit = std::min(available > 0 ? available - 1 : 0, below.size());
  for (size_t s = 1; s <= limit; ++s) {
    bool same = true;
    bool says_enough = false;
    for (size_t k = 0; k < s && same; ++k) {
      same = keys_equal(a[a.size() - s + k], below[k]);
      says_enough = says_enough || distinctive(below[k]);
    }
    if (!same) continue;
    if (!says_enough) {
      // "}" after the answer is the region's own closing line unless the answer closed the
      // region right before it, or dropping it is what balances the answer.
      bool region_ended = last && ends_like(a, from, a.size() - s, original);
      int with = answer::bracket_balance(join_views(a, from, a.size()));
      int without = answer::bracket_balance(join_views(a, from, a.size() - s));
      bool balances = !elided && with != original_balance && without == original_balance;
      if (!region_ended && !balances) continue;
    }
    best = s;
  }
  return best;
}

std::unordered_set<std::string_view> keys_of(const Lines& lines) {
  std::unordered_set<std::string_view> keys;
  for (std::string_view line : lines) {
    if (!is_trivial(line)) keys.insert(key(line));
  }
  return keys;
}

// Lines before the answer's first line from the region (or after its last) that repeat code
// from outside it: the answer changes code outside the region too.
size_t outside_lines(const Lines& m, bool leading,
                     const std::unordered_set<std::string_view>& outside,
                     const std::unordered_set<std::string_view>& inside) {
  size_t count = 0;
  for (size_t n = 0; n < m.size(); ++n) {
    std::string_view line = leading ? m[n] : m[m.size() - 1 - n];
    if (is_trivial(line)) continue;
    if (inside.count(key(line)) != 0) break;
    if (outside.count(key(line)) != 0) ++count;
  }
  return count;
}

// --- 3. elision markers ---

// Alignment of answer lines with original lines on lines that say enough to anchor.
struct Anchor {
  size_t answer = 0;
  size_t original = 0;
};

std::vector<Anchor> align(const std::vector<std::string>& m, const std::vector<bool>& marker,
                          const Lines& o, bool late) {
  const size_t n = m.size();
  const size_t w = o.size() + 1;
  // Lines as numbers: equal keys, equal ids; 0 for a line that cannot anchor.
  std::unordered_map<std::string_view, uint32_t> ids;
  std::vector<uint32_t> original_id(o.size(), 0);
  for (size_t j = 0; j < o.size(); ++j) {
    if (is_trivial(o[j])) continue;
    original_id[j] = ids.emplace(key(o[j]), static_cast<uint32_t>(ids.size() + 1)).first->second;
  }
  std::vector<uint32_t> answer_id(n, 0);
  for (size_t i = 0; i < n; ++i) {
    if (marker[i] || is_trivial(m[i])) continue;
    auto it = ids.find(key(m[i]));
    if (it != ids.end()) answer_id[i] = it->second;
  }
  auto anchors = [&](size_t i, size_t j) {
    return answer_id[i] != 0 && answer_id[i] == original_id[j];
  };
  std::vector<uint32_t> dp((n + 1) * w, 0);  // dp[i][j]: best for m[i..], o[j..]
  for (size_t i = n; i-- > 0;) {
    for (size_t j = o.size(); j-- > 0;) {
      uint32_t best = std::max(dp[(i + 1) * w + j], dp[i * w + j + 1]);
      if (anchors(i, j)) best = std::max(best, dp[(i + 1) * w + j + 1] + 1);
      dp[i * w + j] = best;
    }
  }
  std::vector<Anchor> out;
  size_t i = 0;
  size_t j = 0;
  while (i < n && j < o.size()) {
    uint32_t here = dp[i * w + j];
    bool match = anchors(i, j) && here == dp[(i + 1) * w + j + 1] + 1;
    // "late" prefers skipping original lines (anchors as far down as they can be), the other
    // taking an anchor as soon as it can: two readings that agree unless the answer is ambiguous.
    bool skip_original =
        (late && dp[i * w + j + 1] == here) || (!match && dp[(i + 1) * w + j] != here);
    if (skip_original) {
      ++j;
    } else if (match) {
      out.push_back({i, j});
      ++i;
      ++j;
    } else {
      ++i;
    }
  }
  return out;
}

struct Filled {
  std::vector<std::string> lines;
  uint32_t markers = 0;
  std::string problem;  // why the markers cannot be filled
};

// One stretch between anchors (or the region's edges) that holds a marker: the marker stands
// for the original lines there that the answer does not reproduce or rewrite around it. The
// answer's lines before the marker may be the stretch's first lines (trivial ones like "}"
// equal, others equal or rewritten: "c = 30" for "c = 3"), its lines after the marker the
// stretch's last lines. Rewritten lines always count; of the trivial ones, as many count as
// leave the run the marker stands for balanced (a "}" right after the marker may close the
// last skipped method, or the region itself).
void fill_gap(const std::vector<std::string>& m, const std::vector<bool>& is_marker, size_t mb,
              size_t me, size_t marker, const Lines& o, size_t ob, size_t oe, Filled& out) {
  auto stands_for = [](std::string_view answer_line, std::string_view original_line) {
    if (keys_equal(answer_line, original_line)) return true;
    return !is_trivial(answer_line) && !is_trivial(original_line) &&
           answer::is_rewrite_of(answer_line, original_line);
  };
  size_t pre_match = 0;  // answer lines after the gap's start that stand for o[ob..]
  while (mb + pre_match < marker && ob + pre_match < oe &&
         stands_for(m[mb + pre_match], o[ob + pre_match])) {
    ++pre_match;
  }
  size_t post_match = 0;
  while (marker + 1 + post_match < me && oe - post_match > ob + pre_match &&
         stands_for(m[me - 1 - post_match], o[oe - 1 - post_match])) {
    ++post_match;
  }
  // Lines that only resemble the original's count when they are all the answer has between
  // the gap's edge and the marker: elsewhere, a resemblance is as likely new code ("return
  // this.items[n]" of a new method, after the marker, is no rewrite of the last method's
  // "return this.items.pop()").
  auto all_equal = [&](size_t from, size_t count) {
    for (size_t k = 0; k < count; ++k) {
      if (!keys_equal(m[from + k], o[ob + k])) return false;
    }
    return true;
  };
  // Right up against the marker, they are the stretch's own lines, trivial or not ("}" after
  // a marker closes the block the marker cut); with new lines between, trivial ones count as
  // far as bracket balance says.
  size_t pre_firm = 0;
  if (mb + pre_match == marker) {
    pre_firm = pre_match;
  } else {
    while (pre_match > 0 && !all_equal(mb, pre_match)) --pre_match;
  }
  size_t post_firm = 0;
  if (marker + 1 + post_match == me) {
    post_firm = post_match;
  } else {
    auto post_equal = [&](size_t count) {
      for (size_t k = 0; k < count; ++k) {
        if (!keys_equal(m[me - 1 - k], o[oe - 1 - k])) return false;
      }
      return true;
    };
    while (post_match > 0 && !post_equal(post_match)) --post_match;
  }
  size_t best_pre = pre_match;
  size_t best_post = post_match;
  bool balanced = false;
  for (size_t post = post_match + 1; post-- > post_firm && !balanced;) {
    for (size_t pre = pre_match + 1; pre-- > pre_firm;) {
      if (ob + pre > oe - post) continue;
      if (answer::bracket_balance(join_views(o, ob + pre, oe - post)) == 0) {
        best_pre = pre;
        best_post = post;
        balanced = true;
        break;
      }
    }
  }
  // The answer's own lines of the gap, with the skipped original run at the marker.
  for (size_t i = mb; i < me; ++i) {
    if (i == marker) {
      for (size_t k = ob + best_pre; k < oe - best_post; ++k) out.lines.emplace_back(o[k]);
    } else if (!is_marker[i]) {
      out.lines.push_back(m[i]);
    }
  }
  ++out.markers;
}

Filled fill_markers(const std::vector<std::string>& m, const std::vector<bool>& marker,
                    const Lines& o, bool late) {
  Filled out;
  std::vector<Anchor> anchors = align(m, marker, o, late);
  anchors.push_back({m.size(), o.size()});  // sentinel: the region's end
  size_t mb = 0;
  size_t ob = 0;
  for (size_t n = 0; n < anchors.size(); ++n) {
    const Anchor a = anchors[n];
    std::vector<size_t> markers_here;
    for (size_t i = mb; i < a.answer; ++i) {
      if (marker[i]) markers_here.push_back(i);
    }
    if (markers_here.size() >= 2 && ob < a.original) {
      // A line between two markers that rewrites exactly one original line of the stretch
      // ("# ...", "b = 20", "# ...") separates what each marker leaves out.
      std::optional<Anchor> split;
      for (size_t i = markers_here[0] + 1; i < markers_here[1] && !split; ++i) {
        if (is_trivial(m[i])) continue;
        std::optional<size_t> partner;
        bool unique = true;
        for (size_t j = ob; j < a.original; ++j) {
          if (is_trivial(o[j]) || !answer::is_rewrite_of(m[i], o[j])) continue;
          unique = !partner;
          partner = j;
        }
        if (partner && unique) split = Anchor{i, *partner};
      }
      if (split) {
        anchors.insert(anchors.begin() + static_cast<std::ptrdiff_t>(n), *split);
        --n;
        continue;
      }
    }
    if (markers_here.empty()) {
      for (size_t i = mb; i < a.answer; ++i) out.lines.push_back(m[i]);
    } else if (markers_here.size() == 1 || ob == a.original) {
      // Several markers with nothing original between them: the first stands for it all.
      fill_gap(m, marker, mb, a.answer, markers_here.front(), o, ob, a.original, out);
    } else {
      out.problem = "two elision markers (\"" + std::string(key(m[markers_here[0]])) +
                    "\") with no line between them that matches the original: which lines "
                    "each leaves out cannot be told";
      return out;
    }
    if (a.answer < m.size()) out.lines.push_back(m[a.answer]);
    mb = a.answer + 1;
    ob = a.original + 1;
  }
  return out;
}

// --- 4. partial answers ---

int min_columns(const std::vector<std::string>& lines) {
  int level = -1;
  for (const std::string& line : lines) {
    if (is_blank(line)) continue;
    int c = answer::indent_columns(line);
    if (level < 0 || c < level) level = c;
  }
  return std::max(level, 0);
}

std::optional<std::vector<std::string>> splice_units(const std::vector<std::string>& o,
                                                     const std::vector<std::string>& m, int level,
                                                     std::string& problem) {
  std::vector<answer::Unit> ou = answer::split_units(o, level);
  std::vector<answer::Unit> mu = answer::split_units(m, level);
  if (mu.empty() || ou.empty()) {
    problem = "the answer's code has no units to match with the region's";
    return std::nullopt;
  }
  for (const answer::Unit& u : mu) {
    if (!u.definition || u.name.empty()) {
      problem = "the answer holds part of the region (\"" + std::string(key(m[u.header])) +
                "\" is not a definition that can be matched by name)";
      return std::nullopt;
    }
  }
  // Each answer unit -> the original unit of the same name (the same header first).
  std::vector<std::optional<size_t>> match(mu.size());
  std::vector<bool> taken(ou.size(), false);
  bool any = false;
  for (size_t i = 0; i < mu.size(); ++i) {
    std::optional<size_t> by_name;
    for (size_t k = 0; k < ou.size(); ++k) {
      if (taken[k] || ou[k].name != mu[i].name) continue;
      if (keys_equal(o[ou[k].header], m[mu[i].header])) {
        by_name = k;
        break;
      }
      if (!by_name) by_name = k;
    }
    if (by_name) {
      match[i] = by_name;
      taken[*by_name] = true;
      any = true;
    }
  }
  if (!any) {
    problem = "none of the answer's definitions (" + mu.front().name +
              (mu.size() > 1 ? ", ..." : "") +
              ") is in the region, so where they go cannot be told";
    return std::nullopt;
  }
  // New units go after the unit matched before them, or before the one matched after them.
  std::vector<std::vector<size_t>> after(ou.size());
  std::vector<std::vector<size_t>> before(ou.size());
  std::optional<size_t> last_matched;
  std::vector<size_t> waiting;  // new units seen before any matched one
  for (size_t i = 0; i < mu.size(); ++i) {
    if (match[i]) {
      for (size_t w : waiting) before[*match[i]].push_back(w);
      waiting.clear();
      last_matched = match[i];
    } else if (last_matched) {
      after[*last_matched].push_back(i);
    } else {
      waiting.push_back(i);
    }
  }
  std::vector<std::optional<size_t>> replaced_by(ou.size());
  for (size_t i = 0; i < mu.size(); ++i) {
    if (match[i]) replaced_by[*match[i]] = i;
  }
  auto emit_unit = [&](std::vector<std::string>& out, size_t i) {
    for (size_t k = mu[i].begin; k < mu[i].end; ++k) out.push_back(m[k]);
  };
  std::vector<std::string> out;
  size_t line = 0;
  for (size_t k = 0; k < ou.size(); ++k) {
    for (; line < ou[k].begin; ++line) out.push_back(o[line]);
    bool spaced = ou[k].begin > 0 && is_blank(o[ou[k].begin - 1]);
    for (size_t i : before[k]) {
      emit_unit(out, i);
      if (spaced) out.emplace_back();
    }
    if (replaced_by[k]) {
      emit_unit(out, *replaced_by[k]);
    } else {
      for (size_t x = ou[k].begin; x < ou[k].end; ++x) out.push_back(o[x]);
    }
    line = ou[k].end;
    bool spaced_after = line < o.size() && is_blank(o[line]);
    for (size_t i : after[k]) {
      if (spaced_after) out.emplace_back();
      emit_unit(out, i);
    }
  }
  for (; line < o.size(); ++line) out.push_back(o[line]);
  return out;
}

// The region is one block (lines less indented than `level` only before and after the lines
// at or beyond it): the answer replaces its body.
std::optional<std::vector<std::string>> replace_body(const std::vector<std::string>& o,
                                                     const std::vector<std::string>& m, int level) {
  std::optional<size_t> first;
  size_t last = 0;
  for (size_t i = 0; i < o.size(); ++i) {
    if (is_blank(o[i]) || answer::indent_columns(o[i]) < level) continue;
    if (!first) first = i;
    last = i;
  }
  if (!first) return std::nullopt;
  for (size_t i = *first; i <= last; ++i) {
    if (!is_blank(o[i]) && answer::indent_columns(o[i]) < level) return std::nullopt;
  }
  for (const answer::Unit& u : answer::split_units(o, level)) {
    if (u.definition) return std::nullopt;  // children that a body answer would silently drop
  }
  std::vector<std::string> out(o.begin(), o.begin() + static_cast<std::ptrdiff_t>(*first));
  out.insert(out.end(), m.begin(), m.end());
  out.insert(out.end(), o.begin() + static_cast<std::ptrdiff_t>(last) + 1, o.end());
  return out;
}

}  // namespace

ShapedAnswer shape_answer(const AnswerFrame& frame, std::string_view code, bool explicit_empty) {
  Lines a = answer::split_lines(code);
  while (!a.empty() && is_blank(a.back())) a.pop_back();
  size_t lead = 0;
  while (lead < a.size() && is_blank(a[lead])) ++lead;
  a.erase(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(lead));
  if (a.empty()) {
    if (explicit_empty) {
      ShapedAnswer r;
      r.ok = true;
      return r;
    }
    return refuse("the model answered no code");
  }

  Lines o = answer::split_lines(frame.original);
  Lines above = answer::split_lines(frame.above);
  Lines below = answer::split_lines(frame.below);
  if (above.size() > kAnswerContextLines) {
    above.erase(above.begin(), above.end() - kAnswerContextLines);
  }
  if (below.size() > kAnswerContextLines) below.resize(kAnswerContextLines);

  ShapedAnswer result;
  // 1. Copied context.
  // An answer with elision markers leaves brackets open: its balance proves nothing.
  bool elided = std::any_of(a.begin(), a.end(), [&](std::string_view line) {
    return answer::is_elision_marker(line, frame.language);
  });
  size_t p = copied_above(a, above, o, elided);
  size_t s = copied_below(a, p, below, o, elided);
  Lines m(a.begin() + static_cast<std::ptrdiff_t>(p), a.end() - static_cast<std::ptrdiff_t>(s));
  while (!m.empty() && is_blank(m.back())) m.pop_back();
  while (!m.empty() && is_blank(m.front())) m.erase(m.begin());
  if (m.empty()) return refuse("the answer only repeats the code around the region");
  result.context_above = static_cast<uint32_t>(p);
  result.context_below = static_cast<uint32_t>(s);
  {
    auto inside = keys_of(o);
    if (outside_lines(m, true, keys_of(above), inside) >= 2) {
      return refuse(
          "the answer also rewrites code above the region: it cannot be applied to the region "
          "alone");
    }
    if (outside_lines(m, false, keys_of(below), inside) >= 2) {
      return refuse(
          "the answer also rewrites code below the region: it cannot be applied to the region "
          "alone");
    }
  }

  // 2. Indentation, in the region's style.
  answer::IndentStyle region_style = answer::region_indent_style(o, above, below);
  answer::IndentStyle answer_style = answer::detect_indent_style(m);
  // An answer whose own style cannot be seen (one level) is taken to be in the region's.
  if (answer_style.width == 0 && !answer_style.tabs) answer_style = region_style;
  if (answer_style.tabs != region_style.tabs && answer_style.width == 0) {
    answer_style.width = region_style.width;
  }
  answer::Reindent reindent = answer::choose_reindent(m, o, answer_style, region_style);
  reindent.shift = answer::indentation_shift(m, o, reindent);
  result.indent_shift = reindent.shift;
  result.indent_converted = reindent.converts();
  std::vector<std::string> lines;
  lines.reserve(m.size());
  for (std::string_view line : m) lines.push_back(reindent.apply(line));

  // 3. Elision markers (a comment the original itself holds is code, not a marker).
  std::unordered_set<std::string_view> original_keys;
  for (std::string_view line : o) original_keys.insert(key(line));
  std::vector<bool> marker(lines.size(), false);
  bool any_marker = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    marker[i] = answer::is_elision_marker(lines[i], frame.language) &&
                original_keys.count(key(lines[i])) == 0;
    any_marker = any_marker || marker[i];
  }
  if (any_marker) {
    if (lines.size() * (o.size() + 1) > kMaxAlignmentCells) {
      return refuse("the answer leaves code out and is too long to align with the region");
    }
    Filled early = fill_markers(lines, marker, o, false);
    if (!early.problem.empty())
      return refuse("the answer could not be matched to the region: " + early.problem);
    Filled late = fill_markers(lines, marker, o, true);
    if (!late.problem.empty())
      return refuse("the answer could not be matched to the region: " + late.problem);
    Filled* chosen = &early;
    if (late.lines != early.lines) {
      // Two readings: the one that keeps more of the original (drops less of what the model
      // left out) wins; if they keep as much, it cannot be told.
      if (late.lines.size() == early.lines.size()) {
        return refuse(
            "the answer could not be matched to the region: the code its elision marker leaves "
            "out could be either of two stretches of the original");
      }
      if (late.lines.size() > early.lines.size()) chosen = &late;
    }
    std::string text = join(chosen->lines);
    if (answer::bracket_balance(frame.original) == 0 && answer::bracket_balance(text) != 0 &&
        answer::bracket_balance(join(lines)) == 0) {
      return refuse(
          "the answer could not be matched to the region: with the left-out code filled in, its "
          "brackets no longer balance");
    }
    result.ok = true;
    result.elisions = chosen->markers;
    result.text = std::move(text);
    return result;
  }

  // 4. Partial answers.
  std::vector<std::string> original_lines(o.begin(), o.end());
  auto fm =
      std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return !is_blank(l); });
  auto fo = first_non_blank(o);
  if (fo && fm != lines.end() && !keys_equal(*fm, o[*fo])) {
    int answer_level = min_columns(lines);
    int region_level = min_columns(original_lines);
    std::string problem;
    if (answer_level > region_level) {
      bool all_definitions = true;
      for (const answer::Unit& u : answer::split_units(lines, answer_level)) {
        all_definitions = all_definitions && u.definition && !u.name.empty();
      }
      std::optional<std::vector<std::string>> fitted =
          all_definitions ? splice_units(original_lines, lines, answer_level, problem)
                          : replace_body(original_lines, lines, answer_level);
      if (!fitted) {
        if (problem.empty()) {
          problem = "it holds statements from inside the region, which is not one block";
        }
        return refuse("the answer could not be matched to the region: " + problem);
      }
      result.ok = true;
      result.spliced = true;
      result.text = join(*fitted);
      return result;
    }
    if (answer_level == region_level) {
      // Some of the region's sibling definitions, each matched by name: only those change.
      std::vector<answer::Unit> ou = answer::split_units(original_lines, region_level);
      std::vector<answer::Unit> mu = answer::split_units(lines, answer_level);
      bool subset = ou.size() >= 2 && !mu.empty() && mu.size() < ou.size();
      for (const answer::Unit& u : mu) {
        bool found = std::any_of(ou.begin(), ou.end(), [&](const answer::Unit& x) {
          return x.definition && !u.name.empty() && x.name == u.name;
        });
        subset = subset && u.definition && found;
      }
      if (subset) {
        if (auto fitted = splice_units(original_lines, lines, answer_level, problem)) {
          result.ok = true;
          result.spliced = true;
          result.text = join(*fitted);
          return result;
        }
      }
    }
  }
  result.ok = true;
  result.text = join(lines);
  return result;
}

}  // namespace flint
