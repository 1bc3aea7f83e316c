#include "server/jobs/file_edits.h"

#include <algorithm>
#include <unordered_map>

namespace flint::jobs {

namespace {

struct Line {
  uint32_t begin = 0;
  uint32_t end = 0;  // past the "\n", if any
};

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  uint32_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    uint32_t end = nl == std::string_view::npos ? static_cast<uint32_t>(text.size())
                                                : static_cast<uint32_t>(nl + 1);
    lines.push_back({start, end});
    start = end;
  }
  return lines;
}

// One differing run: lines [a_begin, a_end) of before become [b_begin, b_end) of after.
struct Hunk {
  size_t a_begin, a_end, b_begin, b_end;
};

// Myers' greedy O(ND) diff over line ids; nullopt when D * (N + M) would exceed the bound.
std::optional<std::vector<Hunk>> myers(const std::vector<int>& a, const std::vector<int>& b,
                                       size_t a_offset, size_t b_offset) {
  const long n = static_cast<long>(a.size());
  const long m = static_cast<long>(b.size());
  const long max = n + m;
  constexpr long kMaxCells = 8'000'000;
  const long width = 2 * max + 1;
  std::vector<long> v(static_cast<size_t>(width), 0);
  std::vector<std::vector<long>> trace;
  long found_d = -1;
  for (long d = 0; d <= max; ++d) {
    if ((d + 1) * width > kMaxCells) return std::nullopt;
    trace.push_back(v);
    for (long k = -d; k <= d; k += 2) {
      long x;
      if (k == -d ||
          (k != d && v[static_cast<size_t>(k - 1 + max)] < v[static_cast<size_t>(k + 1 + max)])) {
        x = v[static_cast<size_t>(k + 1 + max)];
      } else {
        x = v[static_cast<size_t>(k - 1 + max)] + 1;
      }
      long y = x - k;
      while (x < n && y < m && a[static_cast<size_t>(x)] == b[static_cast<size_t>(y)]) {
        ++x;
        ++y;
      }
      v[static_cast<size_t>(k + max)] = x;
      if (x >= n && y >= m) {
        found_d = d;
        break;
      }
    }
    if (found_d >= 0) break;
  }
  // Walk back through the trace: each step is one deleted or inserted line.
  long x = n, y = m;
  std::vector<bool> deleted(static_cast<size_t>(n), false), inserted(static_cast<size_t>(m), false);
  for (long d = found_d; d > 0; --d) {
    const std::vector<long>& pv = trace[static_cast<size_t>(d)];
    long k = x - y;
    long prev_k;
    if (k == -d ||
        (k != d && pv[static_cast<size_t>(k - 1 + max)] < pv[static_cast<size_t>(k + 1 + max)])) {
      prev_k = k + 1;
    } else {
      prev_k = k - 1;
    }
    long prev_x = pv[static_cast<size_t>(prev_k + max)];
    long prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) {
      --x;
      --y;
    }
    if (x == prev_x) {
      inserted[static_cast<size_t>(prev_y)] = true;
    } else {
      deleted[static_cast<size_t>(prev_x)] = true;
    }
    x = prev_x;
    y = prev_y;
  }
  std::vector<Hunk> hunks;
  long i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && !deleted[static_cast<size_t>(i)] && !inserted[static_cast<size_t>(j)]) {
      ++i;
      ++j;
      continue;
    }
    Hunk h{static_cast<size_t>(i) + a_offset, 0, static_cast<size_t>(j) + b_offset, 0};
    while (i < n && deleted[static_cast<size_t>(i)]) ++i;
    while (j < m && inserted[static_cast<size_t>(j)]) ++j;
    h.a_end = static_cast<size_t>(i) + a_offset;
    h.b_end = static_cast<size_t>(j) + b_offset;
    hunks.push_back(h);
  }
  return hunks;
}

size_t count_occurrences(std::string_view text, std::string_view needle, size_t& first) {
  size_t count = 0;
  first = std::string_view::npos;
  for (size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + 1)) {
    if (count == 0) first = at;
    if (++count > 1) break;
  }
  return count;
}

}  // namespace

std::vector<Replacement> diff_lines(std::string_view before, std::string_view after) {
  if (before == after) return {};
  std::vector<Line> a = split_lines(before);
  std::vector<Line> b = split_lines(after);
  auto a_text = [&](size_t i) { return before.substr(a[i].begin, a[i].end - a[i].begin); };
  auto b_text = [&](size_t i) { return after.substr(b[i].begin, b[i].end - b[i].begin); };
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a_text(prefix) == b_text(prefix)) ++prefix;
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a_text(a.size() - 1 - suffix) == b_text(b.size() - 1 - suffix)) {
    ++suffix;
  }
  std::unordered_map<std::string_view, int> ids;
  auto id_of = [&](std::string_view line) {
    return ids.emplace(line, static_cast<int>(ids.size())).first->second;
  };
  std::vector<int> ma, mb;
  for (size_t i = prefix; i < a.size() - suffix; ++i) ma.push_back(id_of(a_text(i)));
  for (size_t i = prefix; i < b.size() - suffix; ++i) mb.push_back(id_of(b_text(i)));
  std::vector<Hunk> hunks;
  if (auto found = myers(ma, mb, prefix, prefix)) {
    hunks = std::move(*found);
  } else {
    hunks.push_back({prefix, a.size() - suffix, prefix, b.size() - suffix});
  }
  auto a_offset = [&](size_t i) {
    return i < a.size() ? a[i].begin : static_cast<uint32_t>(before.size());
  };
  auto b_offset = [&](size_t i) {
    return i < b.size() ? b[i].begin : static_cast<uint32_t>(after.size());
  };
  std::vector<Replacement> out;
  for (const Hunk& h : hunks) {
    Replacement r{
        a_offset(h.a_begin), a_offset(h.a_end),
        std::string(after.substr(b_offset(h.b_begin), b_offset(h.b_end) - b_offset(h.b_begin)))};
    out.push_back(std::move(r));
  }
  return out;
}

std::string apply_replacements(std::string_view text,
                               const std::vector<Replacement>& replacements) {
  std::string out;
  out.reserve(text.size());
  uint32_t at = 0;
  for (const Replacement& r : replacements) {
    uint32_t begin = std::clamp<uint32_t>(r.begin, at, static_cast<uint32_t>(text.size()));
    uint32_t end = std::clamp<uint32_t>(r.end, begin, static_cast<uint32_t>(text.size()));
    out.append(text.substr(at, begin - at));
    out.append(r.text);
    at = end;
  }
  out.append(text.substr(at));
  return out;
}

std::optional<std::vector<Replacement>> rebase(const FileEdit& edit, std::string_view current) {
  if (current == edit.base_text) return edit.replacements;
  std::string_view base = edit.base_text;
  std::vector<Line> lines = split_lines(base);
  auto line_of = [&](uint32_t byte) {
    auto it = std::upper_bound(lines.begin(), lines.end(), byte,
                               [](uint32_t b, const Line& l) { return b < l.begin; });
    return it == lines.begin() ? size_t{0} : static_cast<size_t>(it - lines.begin() - 1);
  };
  constexpr size_t kMaxContext = 3;
  std::vector<Replacement> placed;
  for (const Replacement& r : edit.replacements) {
    if (lines.empty()) return std::nullopt;  // the base was empty and the file is not
    size_t first = line_of(r.begin);
    size_t last = r.end > r.begin ? line_of(r.end - 1) : first;
    if (r.begin == base.size() && r.end == r.begin) {
      // Appending at the end: anchor on the last line.
      first = last = lines.size() - 1;
    }
    bool found = false;
    for (size_t context = 0; context <= kMaxContext && !found; ++context) {
      size_t lo = first >= context ? first - context : 0;
      size_t hi = std::min(lines.size() - 1, last + context);
      uint32_t anchor_begin = lines[lo].begin;
      std::string_view anchor = base.substr(anchor_begin, lines[hi].end - anchor_begin);
      size_t at = 0;
      size_t count = count_occurrences(current, anchor, at);
      if (count == 1) {
        auto shift = [&](uint32_t byte) {
          return static_cast<uint32_t>(at + (byte - anchor_begin));
        };
        placed.push_back({shift(r.begin), shift(r.end), r.text});
        found = true;
      } else if (count == 0) {
        break;  // wider context will not be found either
      }
      if (lo == 0 && hi == lines.size() - 1) break;
    }
    if (!found) return std::nullopt;
  }
  for (size_t i = 1; i < placed.size(); ++i) {
    if (placed[i].begin < placed[i - 1].end) return std::nullopt;
  }
  return placed;
}

}  // namespace flint::jobs
