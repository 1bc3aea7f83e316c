#pragma once
// Removes reasoning that a model writes into its answer text: a <think>…</think> block (also
// <thinking>, <reasoning>) before the answer, as Qwen3, DeepSeek-R1 distills and other
// reasoning models do through Ollama, llama.cpp or vLLM when the server does not split the
// reasoning out. Works as the text streams, however the tags are split across deltas: it holds
// back only what may still be the start of a tag.
//
// Only blocks at the start of the answer (after blanks, or right after another such block)
// count: a "<think>" later in the answer is text (it may be code: XML, JSX).
//
// Provider reasoning channels (reasoning_content, Anthropic thinking, ...) never reach here:
// the model client delivers them apart (StreamCallbacks::on_reasoning).

#include <cstddef>
#include <string>
#include <string_view>

namespace flint {

class ReasoningFilter {
 public:
  // The part of `delta` that is answer text, now known.
  // The text to pass on: a view of `delta` itself once past any reasoning (no copy), else of
  // the filter's own buffer; valid until the next call.
  std::string_view feed(std::string_view delta);
  // End of the stream: what was held back (an unterminated block stays dropped).
  std::string finish();

  // Bytes of reasoning dropped so far, and whether a block is open now.
  size_t reasoning_bytes() const { return reasoning_bytes_; }
  bool reasoning() const { return state_ == State::kInBlock; }

 private:
  enum class State {
    kStart,    // only blanks so far: a block may open
    kInBlock,  // inside a block: dropped until its closing tag
    kText,     // the answer proper: everything passes
  };
  void step(std::string& out, bool at_end);

  State state_ = State::kStart;
  std::string held_;         // undecided text
  std::string out_;          // what feed() returned, when not the delta itself
  std::string closing_tag_;  // of the open block
  size_t reasoning_bytes_ = 0;
};

}  // namespace flint
