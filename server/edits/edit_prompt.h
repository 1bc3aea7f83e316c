#pragma once
// The prompt of an inline edit. Stable parts come first (system text, then the file context)
// and the region with the instruction last, so that provider prompt caches hit across edits
// in the same file; providers that support it get the original region as a predicted output.

#include <string>
#include <string_view>
#include <vector>

#include "server/models/model_types.h"

namespace flint {

// The fast model's way to say "this is not local": its whole answer starts with this marker.
inline constexpr std::string_view kEscalationMarker = "FLINT_ESCALATE";

struct SteerTurn {
  std::string instruction;     // what the person asked for then
  std::string partial_output;  // what the model had produced when it was stopped
};

struct EditPromptInput {
  std::string path;      // file path or URI, for the model's orientation
  std::string language;  // e.g. "python"
  std::string context;   // enclosing signatures, imports, neighbours (from the scope finder)
  std::string region;    // the original text of the region, whole lines
  int first_line = 0;    // 1-based, for the model's orientation
  std::string instruction;
  std::vector<SteerTurn> earlier;  // steering history, oldest first
  bool predicted_outputs = true;
  bool allow_escalation = true;
};

models::ChatRequest build_edit_request(const EditPromptInput& input);

// Watches the first characters of a stream for the escalation marker, so that it never reaches
// the buffer. feed() returns the text to pass on (empty while undecided).
class EscalationDetector {
 public:
  enum class State { kUndecided, kCode, kEscalated };
  // The text to pass on: a view of `delta` itself once decided (no copy), else of the
  // detector's own buffer (empty while undecided); valid until the next call.
  std::string_view feed(std::string_view delta);
  // At the end of the stream: whatever was held back (if it was not an escalation).
  std::string flush();
  State state() const { return state_; }
  // The model's reason, after the marker.
  std::string reason() const;
  // Escalated and the reason's line is complete (or the stream ended).
  bool reason_complete() const;

 private:
  State state_ = State::kUndecided;
  std::string held_;
  std::string out_;  // what feed() returned when it let held text go
};

}  // namespace flint
