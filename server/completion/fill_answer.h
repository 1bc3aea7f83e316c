#pragma once
// Turns a chat model's answer to a "fill the hole" prompt into the text to insert, as it
// streams: a <think> block before it goes (ReasoningFilter), markdown fences and chatter go
// (OutputCleaner), so do <CURSOR> markers the model
// copied, and an echo of the cursor's line before the cursor ("x = " answered "x = 5").
// Text is released as soon as it is known to belong to the insertion.

#include <string>
#include <string_view>

#include "server/completion/engine.h"
#include "server/edits/output_cleaner.h"
#include "server/edits/reasoning_filter.h"

namespace flint {

class FillAnswer {
 public:
  explicit FillAnswer(const CompletionQuery& query);
  // The part of the answer that is now known to be inserted text.
  std::string feed(std::string_view delta);
  // End of the answer: whatever was held back.
  std::string finish();

 private:
  std::string pass(const std::string& code, bool at_end);
  std::string strip_markers(const std::string& code, bool at_end);
  std::string strip_echo(std::string code, bool at_end);

  ReasoningFilter reasoning_;
  OutputCleaner cleaner_;
  std::string marker_tail_;  // the end of the text so far, while it may begin a marker
  std::string echo_;         // the cursor's line before the cursor, without surrounding blanks
  bool echo_ended_blank_ = false;  // that line ends in blanks (already in the buffer)
  std::string held_;               // the start of the answer, while it may still be that echo
  bool echo_decided_ = false;
};

}  // namespace flint
