#include "server/edits/edit_prompt.h"

namespace flint {

namespace {

constexpr std::string_view kSystem =
    "You are flint, a precise code-editing engine inside a code editor. You rewrite one region "
    "of a file according to an instruction.\n"
    "Rules:\n"
    "- Answer with the complete new text of the region and nothing else: no explanations, no "
    "markdown fences, no line numbers.\n"
    "- Reproduce every line that does not need to change exactly as it is, including "
    "indentation and comments.\n"
    "- Keep the region's indentation style. Do not add code outside the region.\n";

constexpr std::string_view kEscalationRule =
    "- If the instruction cannot be carried out by changing only this region (it needs edits "
    "in other functions, other parts of the file or other files), answer with one line only: "
    "FLINT_ESCALATE: followed by a short reason.\n";

std::string fenced(std::string_view language, std::string_view text) {
  std::string out = "```" + std::string(language) + "\n" + std::string(text);
  if (out.empty() || out.back() != '\n') out += '\n';
  out += "```";
  return out;
}

}  // namespace

models::ChatRequest build_edit_request(const EditPromptInput& in) {
  models::ChatRequest request;
  std::string system(kSystem);
  if (in.allow_escalation) system += kEscalationRule;
  request.messages.push_back({"system", system, {}, {}, {}});

  // Stable per file: path, language and context come before anything that changes per edit.
  std::string user = "File: " + in.path + " (" + in.language + ")\n";
  if (!in.context.empty())
    user += "Context from the file:\n" + fenced(in.language, in.context) + "\n";
  std::string region_block = "Region to rewrite (starting at line " +
                             std::to_string(in.first_line) + "):\n" +
                             fenced(in.language, in.region) + "\n";
  if (in.earlier.empty()) {
    request.messages.push_back(
        {"user", user + region_block + "Instruction: " + in.instruction, {}, {}, {}});
  } else {
    // Steering: replay the earlier turns, each stopped partway, then the new instruction.
    request.messages.push_back(
        {"user",
         user + region_block + "Instruction: " + in.earlier.front().instruction,
         {},
         {},
         {}});
    for (size_t i = 0; i < in.earlier.size(); ++i) {
      request.messages.push_back({"assistant", in.earlier[i].partial_output, {}, {}, {}});
      const std::string& next =
          i + 1 < in.earlier.size() ? in.earlier[i + 1].instruction : in.instruction;
      request.messages.push_back(
          {"user",
           "Stop. The person redirected the edit. Start again from the original region shown "
           "above and answer with its complete new text. New instruction: " +
               next,
           {},
           {},
           {}});
    }
  }
  if (in.predicted_outputs) request.prediction = in.region;
  return request;
}

std::string_view EscalationDetector::feed(std::string_view delta) {
  if (state_ == State::kCode) return delta;
  if (state_ == State::kEscalated) {
    held_.append(delta);
    return {};
  }
  held_.append(delta);
  // Look past leading whitespace and an opening fence line.
  std::string_view view(held_);
  size_t pos = view.find_first_not_of(" \t\r\n");
  if (pos == std::string_view::npos) return {};
  view.remove_prefix(pos);
  if (view.substr(0, 3) == "```") {
    size_t nl = view.find('\n');
    if (nl == std::string_view::npos) return {};
    view.remove_prefix(nl + 1);
    size_t p2 = view.find_first_not_of(" \t\r\n");
    if (p2 == std::string_view::npos) return {};
    view.remove_prefix(p2);
  }
  size_t n = std::min(view.size(), kEscalationMarker.size());
  if (view.substr(0, n) != kEscalationMarker.substr(0, n)) {
    state_ = State::kCode;
    out_ = std::exchange(held_, {});
    return out_;
  }
  if (n == kEscalationMarker.size()) state_ = State::kEscalated;
  return {};
}

std::string EscalationDetector::flush() {
  if (state_ == State::kEscalated) return {};
  state_ = State::kCode;
  return std::exchange(held_, {});
}

bool EscalationDetector::reason_complete() const {
  if (state_ != State::kEscalated) return false;
  size_t at = held_.find(kEscalationMarker);
  return at != std::string::npos && held_.find('\n', at) != std::string::npos;
}

std::string EscalationDetector::reason() const {
  size_t at = held_.find(kEscalationMarker);
  if (at == std::string::npos) return {};
  std::string rest = held_.substr(at + kEscalationMarker.size());
  size_t start = rest.find_first_not_of(": \t");
  if (start == std::string::npos) return {};
  rest = rest.substr(start);
  if (size_t nl = rest.find('\n'); nl != std::string::npos) rest.resize(nl);
  while (!rest.empty() && (rest.back() == '`' || rest.back() == ' ' || rest.back() == '\r')) {
    rest.pop_back();
  }
  return rest;
}

}  // namespace flint
