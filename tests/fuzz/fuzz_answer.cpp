// The answer path, differentially: an edit session over an arbitrary region of an arbitrary
// document receives an arbitrary model answer, streamed in arbitrary pieces, and sends its
// edits to the simulated editor of the session tests (tests/unit/sessions/) on a virtual
// clock, with latencies, debounced change reports in the three reporting styles of real
// editors, and a refused first edit now and then. Nobody types.
//
// Input: a first line of up to four numbers "FIRST COUNT FLAGS SEED" (the region's first line
// and line count; FLAGS: bits 0-1 the editor's reporting style, bit 2 debounced reports,
// bit 3 the editor refuses the first edit, bits 4-5 the language; SEED: token sizes and
// latencies), then the document up to the first NUL byte, then the answer.
//
// Properties (a violation traps):
//   - no edit touches a byte outside the region, and every edit's points match its bytes
//     (the simulated editor records any that does not), no edit names a version the server
//     has not seen, the server's copy of the document equals the editor's;
//   - the text around the region is exactly what it was;
//   - the session settles, and the region ends with what the cleaner and shape_answer() say
//     of the whole answer at once: that text (state done), or the original (state failed)
//     when the answer is refused;
//   - without "\r" anywhere, that text is the shaped answer itself, with the original's
//     final-newline state.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parsers/text_input.h"
#include "server/edits/answer_shape.h"
#include "server/edits/output_cleaner.h"
#include "server/edits/stream_diff.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/unit/sessions/session_rig.h"

namespace flint::fuzz {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

struct Input {
  uint32_t first_line = 0;
  uint32_t line_count = 0;
  uint32_t flags = 0;
  uint32_t seed = 0;
  std::string_view document;
  std::string_view answer;
};

Input read_input(std::string_view bytes) {
  Input in;
  size_t newline = bytes.find('\n');
  std::string_view header = bytes.substr(0, newline);
  bytes.remove_prefix(newline == std::string_view::npos ? bytes.size() : newline + 1);
  uint32_t* fields[] = {&in.first_line, &in.line_count, &in.flags, &in.seed};
  size_t field = 0;
  bool in_number = false;
  for (char c : header) {
    if (c >= '0' && c <= '9') {
      if (field < 4) *fields[field] = *fields[field] * 10 + static_cast<uint32_t>(c - '0');
      in_number = true;
    } else if (in_number) {
      ++field;
      in_number = false;
    }
  }
  size_t nul = bytes.find('\0');
  in.document = bytes.substr(0, nul);
  in.answer = nul == std::string_view::npos ? std::string_view() : bytes.substr(nul + 1);
  return in;
}

// What the region must end with, from the whole answer at once: the cleaner's code fitted by
// shape_answer() and laid over the original by a StreamDiff (which keeps the line endings of
// the lines it reproduces), as EditSession documents it; nullopt when the answer is refused.
struct Reference {
  std::optional<std::string> region;
  std::string shaped;  // shape_answer()'s text when it accepted the answer
};

Reference reference(const parsers::TextInput& doc, const SessionRegion& region,
                    std::string_view original, std::string_view language, std::string_view answer) {
  // The session's frame: up to kAnswerContextLines whole lines on each side, and its line
  // ending for new lines ("\r\n" when the first line of a multi-line document has one).
  uint32_t lines = doc.line_count();
  uint32_t first = region.first_line;
  uint32_t above_from = first > kAnswerContextLines ? first - kAnswerContextLines : 0;
  std::string above = parsers::text_between(doc, doc.line_start(above_from), region.start_byte);
  uint64_t below_to = uint64_t{first} + region.line_count + kAnswerContextLines;
  std::string below = parsers::text_between(
      doc, region.end_byte,
      below_to < lines ? doc.line_start(static_cast<uint32_t>(below_to)) : doc.size());
  std::string_view first_text = doc.line(0);
  std::string eol = lines > 1 && !first_text.empty() && first_text.back() == '\r' ? "\r\n" : "\n";

  OutputCleaner cleaner;
  cleaner.know_code(original);
  std::string code;
  cleaner.feed(answer, code);
  cleaner.finish(code);
  Reference out;
  if (cleaner.only_prose()) return out;
  ShapedAnswer shaped =
      shape_answer({original, above, below, language}, code, cleaner.explicit_empty());
  if (!shaped.ok) return out;
  out.shaped = shaped.text;
  StreamDiff diff(original, eol);
  diff.push(shaped.text);
  diff.finish();
  std::string text = diff.desired_text();
  if (!text.empty() && text.back() != '\n' && region.end_byte < doc.size()) text += eol;
  out.region = std::move(text);
  return out;
}

void run(const Input& in) {
  static constexpr std::string_view kLanguages[] = {"", "python", "cpp", "javascript"};
  std::string_view language = kLanguages[(in.flags >> 4) % 4];
  test::RigOptions options;
  options.style = static_cast<test::ReportStyle>((in.flags & 3) % 3);
  options.debounce = (in.flags & 4) != 0 ? milliseconds(1 + in.seed % 150) : milliseconds(0);
  options.min_latency = microseconds(20 + in.seed % 200);
  options.max_latency = options.min_latency + microseconds((in.seed >> 8) % 3000);
  options.refuse_first = (in.flags & 8) != 0 ? 1 : 0;
  options.session.language = std::string(language);

  std::string document(in.document);
  test::SessionRig rig(document, in.first_line, in.line_count, options, in.seed);
  const SessionRegion region = rig.session->region();
  const std::string original = rig.session->original_text();
  FLINT_FUZZ_CHECK(
      region.start_byte <= region.end_byte && region.end_byte <= document.size() &&
          document.substr(region.start_byte, region.end_byte - region.start_byte) == original,
      "the region is not the original text", "");
  Reference expected = reference(rig.server_doc(), region, original, language, in.answer);

  double tokens_per_second = std::vector<double>{500, 1000, 5000, 20000}[(in.seed >> 4) % 4];
  rig.stream(test::VirtualLoop::TimePoint{} + microseconds(in.seed % 5000), std::string(in.answer),
             tokens_per_second, 1 + (in.seed >> 12) % 12);
  rig.loop.run(200'000);
  FLINT_FUZZ_CHECK(rig.loop.idle(), "the session never settles", "");

  const test::SimulatedEditor& editor = rig.editor();
  FLINT_FUZZ_CHECK(editor.violations().empty(), "an edit broke the editor's rules",
                   editor.violations().front());
  FLINT_FUZZ_CHECK(rig.errors.empty(), "an edit broke the session's rules", rig.errors.front());
  FLINT_FUZZ_CHECK(rig.server_doc().text() == editor.text(),
                   "the server's document differs from the editor's", "");
  const std::string& text = editor.text();
  uint32_t begin = editor.region_begin();
  uint32_t end = editor.region_end();
  FLINT_FUZZ_CHECK(text.compare(0, begin, document, 0, region.start_byte) == 0 &&
                       text.compare(end, std::string::npos, document, region.end_byte) == 0,
                   "text outside the region changed", "");

  std::string region_now = text.substr(begin, end - begin);
  SessionState state = rig.session->state();
  std::string got = "state " + std::string(to_string(state)) + " (" + rig.session->reason() +
                    ")\nregion " + shown(region_now);
  if (!expected.region) {
    FLINT_FUZZ_CHECK(state == SessionState::kFailed && region_now == original,
                     "a refused answer did not leave the original", got);
    return;
  }
  FLINT_FUZZ_CHECK(state == SessionState::kDone && region_now == *expected.region,
                   "the region differs from the whole answer's shape",
                   got + "\nexpected " + shown(*expected.region));

  if (document.find('\r') != std::string::npos || in.answer.find('\r') != std::string_view::npos) {
    return;
  }
  std::string shaped = expected.shaped;
  bool unterminated = !original.empty() && original.back() != '\n';
  if (unterminated && !shaped.empty() && shaped.back() == '\n') shaped.pop_back();
  FLINT_FUZZ_CHECK(region_now == shaped, "the region is not the shaped answer",
                   got + "\nshaped " + shown(shaped));
}

}  // namespace
}  // namespace flint::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  flint::fuzz::run(
      flint::fuzz::read_input(std::string_view(reinterpret_cast<const char*>(data), size)));
  return 0;
}
