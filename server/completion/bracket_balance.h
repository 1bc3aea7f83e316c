#pragma once
// Whether a completion that ends in the same characters as the text after the cursor repeats
// that text (drop the repeat) or closes something of its own (keep it): decided by the bracket
// and quote balance of the line it completes, never by the character match alone.
//
// "print(|)" answered "total(items)" keeps its last ')', answered "total(items))" loses one.

#include <string_view>

namespace flint {

// The brackets ((), [], {}) and quotes of some code, read roughly as `language` (an LSP
// languageId) would: brackets inside string literals and comments do not count.
struct BracketBalance {
  int unclosed = 0;      // openers still open at the end
  int unmatched = 0;     // closers without their opener
  int open_strings = 0;  // string literals that do not end (on their line, or at all)

  bool balanced() const { return unclosed == 0 && unmatched == 0 && open_strings == 0; }
  int defects() const { return unclosed + unmatched + open_strings; }
  bool operator==(const BracketBalance&) const = default;
};

BracketBalance bracket_balance(std::string_view code, std::string_view language);

// How well `completed` (code after a completion) holds together, compared with `before` (the
// balance of the same code without the completion): 0 when its brackets and quotes balance
// or come out as they were ("if () {" keeps its one '{' open); 1 when they do not, but with no
// more defects than before; 2 when worse than before.
int balance_rank(std::string_view completed, const BracketBalance& before,
                 std::string_view language);

// What to insert of `answer` (trailing blanks already removed) between `line_before` and
// `line_after`, the cursor's line around the cursor: `answer` itself, or `answer` without a
// tail that repeats the start of `line_after` ("a, b)" before ")", "x);" before ");").
// Each candidate is judged by the balance_rank of the completed line, line_before + candidate
// + line_after. A tail goes only when the line ranks strictly better without it (the longest
// such tail); on a tie the answer is kept whole. The result is a prefix of `answer`.
std::string_view without_repeated_tail(std::string_view line_before, std::string_view answer,
                                       std::string_view line_after, std::string_view language);

}  // namespace flint
