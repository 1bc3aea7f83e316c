// Hundreds of seeded runs of a whole session against the simulated editor on a virtual clock:
// random model answers at random speeds, random keystrokes above, below and inside the region
// at random times, random latencies, debounced or immediate change reports in three styles,
// random refusals, and random endings (reject, cancel, steer). Each run checks the invariants
// of DESIGN.md: no keystroke of the user is lost or overwritten, no edit is applied against a
// version the server did not see, and the region ends up exactly as the run says it must.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "server/edits/answer_shape.h"
#include "server/edits/edit_session.h"
#include "server/edits/output_cleaner.h"
#include "tests/unit/sessions/session_rig.h"
#include "tests/unit/sessions/text_fixtures.h"

namespace flint {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using test::Origin;
using test::ReportStyle;
using test::RigOptions;
using test::SessionRig;
using test::VirtualLoop;

enum class Typing { kNone, kOutside, kInside };
enum class Ending { kNone, kRejectAfter, kRejectDuring, kCancel, kSteer };

// The text around the region the session fits the answer to.
struct Surroundings {
  std::string_view original;
  std::string_view above;
  std::string_view below;
};

// What the region must hold once a stream of `answer` is done: the answer fitted to the region
// (answer_shape.h), or nothing when the answer is refused (the original stays).
std::optional<std::string> expected_region(std::string_view answer, const Surroundings& around,
                                           bool final_newline, std::string_view eol) {
  OutputCleaner cleaner;
  std::string cleaned;
  cleaner.feed(answer, cleaned);
  cleaner.finish(cleaned);
  if (cleaner.only_prose()) return std::nullopt;
  ShapedAnswer shaped = shape_answer({around.original, around.above, around.below, ""}, cleaned,
                                     cleaner.explicit_empty());
  if (!shaped.ok) return std::nullopt;
  std::string code = shaped.text;
  if (code.empty()) return code;
  if (final_newline && code.back() != '\n') code.push_back('\n');
  if (!final_newline && code.back() == '\n') code.pop_back();
  std::string text;
  for (char c : code) {
    if (c == '\n') {
      text += eol;
    } else {
      text += c;
    }
  }
  return text;
}

std::string with_eol(const std::vector<std::string>& lines, std::string_view eol) {
  std::string text;
  for (const std::string& line : lines) {
    text += line;
    text += eol;
  }
  return text;
}

std::string wrap_like_a_chat_model(std::string code, std::mt19937& rng) {
  switch (rng() % 4) {
    case 0:
      return code;
    case 1:
      return "```python\n" + code + "```\n";
    case 2:
      return "Here is the updated code:\n\n```\n" + code + "```\nIt now handles the edge case.";
    default:
      if (!code.empty() && code.back() == '\n' && rng() % 2) code.pop_back();
      return code;
  }
}

std::vector<std::string> random_lines(std::mt19937& rng, size_t max) {
  std::vector<std::string> lines;
  size_t n = rng() % (max + 1);
  for (size_t i = 0; i < n; ++i) {
    lines.push_back(rng() % 4 == 0 ? "" : "line_" + std::to_string(rng() % 1000) + " = 1");
  }
  return lines;
}

struct Run {
  uint32_t seed;
  ReportStyle style;
  Typing typing;
  Ending ending;
  std::string describe() const {
    std::ostringstream out;
    out << "seed " << seed << " style " << static_cast<int>(style) << " typing "
        << static_cast<int>(typing) << " ending " << static_cast<int>(ending);
    return out.str();
  }
};

void run_one(uint32_t seed) {
  std::mt19937 rng(seed);
  Run run{seed, static_cast<ReportStyle>(seed % 3), static_cast<Typing>(rng() % 3),
          static_cast<Ending>(rng() % 5)};
  SCOPED_TRACE(run.describe());

  // The document: lines above, the region, lines below (sometimes none, and sometimes the
  // region is the end of a file without a final newline).
  std::vector<std::string> above = random_lines(rng, 4);
  std::vector<std::string> region = test::random_region(rng);
  std::vector<std::string> below = random_lines(rng, 4);
  // Now and then a Windows file: every line ends with "\r\n", new lines too.
  bool windows = rng() % 5 == 0;
  std::string eol = windows ? "\r\n" : "\n";
  std::string region_text = with_eol(region, eol);
  std::string below_text = with_eol(below, eol);
  if (below.empty() && !region_text.empty() && rng() % 2) {
    region_text.resize(region_text.size() - eol.size());
  }
  std::string doc = with_eol(above, eol) + region_text + below_text;
  if (doc.find('\n') == std::string::npos) eol = "\n";  // no line break: no convention either
  const bool final_newline = region_text.empty() || region_text.back() == '\n';

  RigOptions options;
  options.style = run.style;
  options.debounce = rng() % 2 ? milliseconds(0) : milliseconds(1 + rng() % 150);
  options.min_latency = microseconds(20 + rng() % 200);
  options.max_latency = options.min_latency + microseconds(rng() % 3000);
  options.editor_work = microseconds(rng() % 2000);
  options.refuse_probability = rng() % 3 == 0 ? 0.05 : 0.0;
  SessionRig rig(doc, static_cast<uint32_t>(above.size()), static_cast<uint32_t>(region.size()),
                 options, seed);

  ASSERT_EQ(rig.session->original_text(), region_text);

  std::string answer = wrap_like_a_chat_model(test::mutate(region, rng), rng);
  // FLINT_SESSION_TRACE=<seed> prints that run's messages.
  const char* trace = std::getenv("FLINT_SESSION_TRACE");
  if (trace && std::to_string(seed) == trace) {
    rig.trace = &std::cerr;
    std::cerr << "document:\n"
              << doc << "---\nregion " << above.size() << "+" << region.size() << "\nanswer:\n"
              << answer << "\n---\n";
  }
  double speed = std::vector<double>{500, 1000, 5000, 20000}[rng() % 4];
  VirtualLoop::TimePoint start = VirtualLoop::TimePoint{} + microseconds(rng() % 5000);
  VirtualLoop::TimePoint end = rig.stream(start, answer, speed, 1 + rng() % 10);
  auto stream_length = end - start + milliseconds(1);
  auto random_time = [&] {
    return start + VirtualLoop::Duration(std::uniform_int_distribution<int64_t>(
                       0, (stream_length + milliseconds(40)).count())(rng));
  };

  // The user: keystrokes outside the region, and maybe inside it. The text above and below
  // the region is followed on the side, to check at the end that it is exactly what they typed.
  std::string above_model = with_eol(above, eol);
  std::string below_model = below_text;
  uint32_t typed_bytes = 0;
  int keystrokes = run.typing == Typing::kNone ? 0 : static_cast<int>(1 + rng() % 12);
  for (int k = 0; k < keystrokes; ++k) {
    bool inside = run.typing == Typing::kInside && k == keystrokes / 2;
    uint32_t choice = static_cast<uint32_t>(rng());
    std::string text = std::string(1, "abc xyz\n"[choice % 8]);
    rig.loop.at(random_time(), [&, inside, choice, text] {
      test::SimulatedEditor& editor = rig.editor();
      uint32_t begin = editor.region_begin();
      uint32_t end = editor.region_end();
      uint32_t size = static_cast<uint32_t>(editor.text().size());
      if (inside) {
        if (end - begin < 2) return;
        uint32_t at = begin + 1 + choice % (end - begin - 1);
        rig.user_replace(at, at, "Q");
        ++typed_bytes;
        return;
      }
      bool erase = (choice >> 8) % 4 == 0;
      bool can_above = begin >= (erase ? 2u : 1u);
      // Below an empty region a new line could belong either side: stay clear of its point.
      uint32_t below_from = begin == end ? end + 1 : end;
      bool can_below = editor.region_terminated() && below_from + (erase ? 1 : 0) <= size;
      if (!can_above && !can_below) return;
      bool go_above = can_above && (!can_below || (choice >> 12) % 2 == 0);
      uint32_t span = go_above ? (erase ? begin - 1 : begin) : size - below_from + (erase ? 0 : 1);
      uint32_t at = (go_above ? 0 : below_from) + (choice >> 16) % span;
      if (erase && editor.origins()[at] == Origin::kUser) return;  // only others' text
      std::string& model = go_above ? above_model : below_model;
      uint32_t offset = go_above ? at : at - end;
      if (erase) {
        model.erase(offset, 1);
        rig.user_replace(at, at + 1, "");
      } else {
        model.insert(offset, text);
        rig.user_replace(at, at, text);
        ++typed_bytes;
      }
    });
  }

  // How the session ends.
  std::string steered_answer;
  bool cancelled_while_streaming = false;
  bool steered = false;  // a session whose first answer was refused cannot be steered
  size_t edits_at_cancel = 0;
  switch (run.ending) {
    case Ending::kNone:
    case Ending::kRejectAfter:
      break;
    case Ending::kRejectDuring:
      rig.loop.at(random_time(), [&] {
        rig.stop_stream();
        std::optional<std::string> refused = rig.session->reject();
        // Refused only when the person typed inside, into text flint wrote.
        if (refused) EXPECT_TRUE(rig.session->user_edited_region()) << *refused;
      });
      break;
    case Ending::kCancel:
      rig.loop.at(random_time(), [&] {
        rig.stop_stream();
        cancelled_while_streaming = rig.session->cancel();
        edits_at_cancel = rig.edits.size();
      });
      break;
    case Ending::kSteer:
      steered_answer = wrap_like_a_chat_model(test::mutate(region, rng), rng);
      rig.loop.at(random_time(), [&] {
        rig.stop_stream();
        steered = rig.session->steer();
        if (steered) rig.stream(rig.loop.now() + milliseconds(2), steered_answer, speed);
      });
      break;
  }
  rig.loop.run();
  if (run.ending == Ending::kRejectAfter && !rig.session->user_edited_region()) {
    EXPECT_EQ(rig.session->reject(), std::nullopt);
    rig.loop.run();
  }

  // Invariants of every run.
  ASSERT_TRUE(rig.editor().violations().empty()) << rig.editor().violations().front();
  ASSERT_TRUE(rig.errors.empty()) << rig.errors.front();
  ASSERT_EQ(rig.server_doc().text(), rig.editor().text());
  const std::vector<Origin>& origins = rig.editor().origins();
  ASSERT_EQ(static_cast<uint32_t>(std::count(origins.begin(), origins.end(), Origin::kUser)),
            typed_bytes);
  SessionState final_state = rig.session->state();
  // Nothing is sent after a keystroke inside, unless the person then rejects (the restore).
  if (final_state != SessionState::kRejected) EXPECT_EQ(rig.edits_after_inside_seen, 0u);

  const std::string& text = rig.editor().text();
  uint32_t begin = rig.editor().region_begin();
  uint32_t end_byte = rig.editor().region_end();
  EXPECT_EQ(text.substr(0, begin), above_model);
  bool user_inside = rig.editor().user_typed_inside();
  if (!user_inside) {
    EXPECT_EQ(text.substr(end_byte), below_model);
  }

  SessionState state = rig.session->state();
  if (rig.inside_seen_at && rig.state_when_inside_seen == SessionState::kStreaming) {
    // Stopped by the keystroke; a rejection afterwards may still have restored the original
    // around it (the keystroke itself is checked above, with every other).
    if (run.ending == Ending::kRejectDuring && state == SessionState::kRejected) return;
    EXPECT_EQ(state, SessionState::kCancelled);
    return;
  }
  if (user_inside) return;  // typed inside after the session was over: it stays as it was
  std::string region_now = text.substr(begin, end_byte - begin);
  // A region that was the unterminated end of the file keeps a line break once the user has
  // typed below it.
  auto separated = [&](std::string expected) {
    if (!below_model.empty() && !expected.empty() && expected.back() != '\n') expected += eol;
    return expected;
  };
  const std::string above_text = with_eol(above, eol);
  const Surroundings around{region_text, above_text, below_text};
  // An answer that is refused ends the session as failed with the original region restored.
  auto expect_outcome = [&](std::string_view given) {
    std::optional<std::string> expected = expected_region(given, around, final_newline, eol);
    if (!expected) {
      ASSERT_EQ(state, SessionState::kFailed) << rig.session->reason();
      EXPECT_EQ(region_now, separated(region_text));
      return;
    }
    ASSERT_EQ(state, SessionState::kDone) << rig.session->reason();
    EXPECT_EQ(region_now, separated(*expected));
  };
  switch (run.ending) {
    case Ending::kNone:
      expect_outcome(answer);
      EXPECT_EQ(rig.session->region_text(), region_now);
      break;
    case Ending::kRejectAfter:
    case Ending::kRejectDuring:
      ASSERT_EQ(state, SessionState::kRejected) << rig.session->reason();
      EXPECT_EQ(region_now, separated(region_text));
      break;
    case Ending::kCancel:
      if (cancelled_while_streaming) {
        EXPECT_EQ(state, SessionState::kCancelled);
        EXPECT_EQ(rig.edits.size(), edits_at_cancel);
      } else {
        expect_outcome(answer);
      }
      break;
    case Ending::kSteer:
      expect_outcome(steered ? steered_answer : answer);
      break;
  }
}

TEST(EditSessionProperty, RandomStreamsKeystrokesAndEditors) {
  // FLINT_SESSION_SEEDS=<n> runs more seeds (a soak); 600 by default.
  const char* seeds = std::getenv("FLINT_SESSION_SEEDS");
  uint32_t last = seeds ? static_cast<uint32_t>(std::stoul(seeds)) : 600;
  for (uint32_t seed = 1; seed <= last; ++seed) {
    run_one(seed);
    if (HasFatalFailure() || HasFailure()) break;
  }
}

}  // namespace
}  // namespace flint
