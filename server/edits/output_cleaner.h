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
#include <unordered_set>

namespace flint {

class OutputCleaner {
 public:
  // Lines of `text` (the region being rewritten) are code wherever they appear: a first line
  // such as "def compute(values):" reads like a sentence, but repeated from the region it is
  // no preamble, and need not wait for the next line.
  void know_code(std::string_view text);
  // Appends to `code` whatever part of the stream is now known to be code.
  void feed(std::string_view delta, std::string& code);
  // End of the stream: releases what was held back (minus a trailing fence).
  void finish(std::string& code);

  // True once the closing fence was seen: the rest of the stream is commentary and is dropped,
  // so the caller may stop the stream early.
  bool closed() const { return state_ == State::kAfterCode; }
  // After finish(): the answer was a fenced block with nothing in it (a model that means "the
  // region becomes empty" says so this way).
  bool explicit_empty() const { return fenced_ && !code_seen_; }
  // After finish(): no fence and every line read as prose ("I can't help with that."): the
  // text finish() released is not code.
  bool only_prose() const { return only_prose_; }

 private:
  enum class State {
    kLeading,    // no code yet: lines are held until they turn out to be code or chatter
    kFenced,     // inside a fenced block
    kRaw,        // no fence: everything is code
    kAfterCode,  // the block closed: the rest is dropped
  };

  void feed_crlf(std::string_view delta, std::string& code);
  void feed_normalized(std::string_view text, std::string& code);
  void finish_stream(std::string& code);
  void note_code(const std::string& code, size_t from);
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
  bool fenced_ = false;        // a fence opened a block
  bool code_seen_ = false;     // code other than blanks was released
  bool only_prose_ = false;
  std::unordered_set<std::string> known_code_;  // trimmed lines
};

}  // namespace flint
