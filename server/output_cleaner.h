#pragma once
// Turns a chat model's streamed answer into the code it contains, as the text arrives.
//
// Models wrap code in markdown fences and chatter ("Here is the code:\n```python\n...\n```\n
// This changes X"). The cleaner keeps only the code: the first fenced block when there is
// one, everything when there is none. It holds back only what it needs to decide: the
// leading lines until it is clear whether they are commentary before a fence, and a line that
// could still turn out to be the closing fence. Everything else streams through at once.
//
// Output uses "\n" line endings ("\r\n" from the model becomes "\n"); the edit session applies
// the document's own line endings.

#include <string>
#include <string_view>

namespace flint {

class OutputCleaner {
 public:
  // Appends to `code` whatever part of the stream is now known to be code.
  void feed(std::string_view delta, std::string& code);
  // End of the stream: releases what was held back (minus a trailing fence).
  void finish(std::string& code);

  // True once the closing fence was seen: the rest of the stream is commentary and is dropped,
  // so the caller may stop the stream early.
  bool closed() const { return state_ == State::kAfterCode; }

 private:
  enum class State {
    kLeading,    // no code yet: lines are held until they turn out to be code or chatter
    kFenced,     // inside a fenced block
    kRaw,        // no fence: everything is code
    kAfterCode,  // the block closed: the rest is dropped
  };

  void feed_normalized(std::string_view text, std::string& code);
  void end_leading_line(std::string_view line, std::string& code);
  void end_code_line(std::string_view line, std::string& code);
  bool could_close(std::string_view partial) const;

  State state_ = State::kLeading;
  char fence_char_ = '`';
  size_t fence_length_ = 0;
  std::string held_lines_;  // complete leading lines that may be chatter, with their "\n"
  size_t held_line_count_ = 0;
  std::string line_;           // the current line, while it is undecided
  bool line_is_code_ = false;  // the current line can no longer be a fence: it streams through
  bool pending_cr_ = false;    // the last delta ended in "\r": its "\n" may follow
};

}  // namespace flint
