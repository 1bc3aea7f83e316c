#include "server/edits/edit_session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "tests/unit/sessions/session_rig.h"
#include "tests/unit/sessions/text_fixtures.h"

namespace flint {
namespace {

using std::chrono::milliseconds;
using test::join_lines;
using test::numbered_region;
using test::Origin;
using test::ReportStyle;
using test::RigOptions;
using test::SessionRig;
using test::VirtualLoop;

const std::string kAbove = "import os\n\n";  // lines 0-1; the region starts at line 2
const std::string kBelow = "\nprint('end')\n";

std::string document(const std::vector<std::string>& region) {
  return kAbove + join_lines(region) + kBelow;
}

VirtualLoop::TimePoint at_ms(int ms) {
  return VirtualLoop::TimePoint{} + milliseconds(ms);
}

void expect_clean(SessionRig& rig) {
  EXPECT_TRUE(rig.editor().violations().empty()) << rig.editor().violations().front();
  EXPECT_TRUE(rig.errors.empty()) << rig.errors.front();
  EXPECT_EQ(rig.server_doc().text(), rig.editor().text());
}

TEST(EditSession, StreamsTheRewriteAndLeavesTheRestAlone) {
  std::vector<std::string> region = numbered_region(40);
  std::vector<std::string> rewritten = region;
  rewritten[5] = "    total_5 = transform(items[5], factor * 5, strict=True)";
  rewritten.erase(rewritten.begin() + 30);
  rewritten.insert(rewritten.begin() + 12, "    check(items)");
  SessionRig rig(document(region), 2, 40, {});
  rig.stream(at_ms(1),
             "Here is the updated function:\n```python\n" + join_lines(rewritten) +
                 "```\nThis adds a check.",
             5000);
  rig.loop.run();

  EXPECT_EQ(rig.session->state(), SessionState::kDone);
  EXPECT_EQ(rig.editor().text(), document(rewritten));
  EXPECT_EQ(rig.session->region_text(), join_lines(rewritten));
  EXPECT_EQ(rig.session->region().first_line, 2u);
  EXPECT_EQ(rig.session->region().line_count, rewritten.size());
  expect_clean(rig);
  const SessionStats& stats = rig.session->stats();
  EXPECT_GT(stats.tokens, 100u);
  EXPECT_EQ(stats.edits_sent, rig.edits.size());
  EXPECT_EQ(stats.edits_applied, stats.edits_sent);
  ASSERT_TRUE(stats.first_token && stats.first_edit && stats.duration);
  EXPECT_LE(*stats.first_token, *stats.first_edit);
  EXPECT_LE(*stats.first_edit, *stats.duration);
  ASSERT_EQ(rig.states.size(), 1u);
  EXPECT_EQ(rig.states[0], SessionState::kDone);
}

// Every byte of every line but `changed` still comes from the original document.
void expect_only_line_touched(SessionRig& rig, const std::vector<std::string>& rewritten,
                              size_t changed) {
  const std::string& text = rig.editor().text();
  ASSERT_EQ(text, document(rewritten));
  size_t at = kAbove.size();
  for (size_t i = 0; i < rewritten.size(); ++i) {
    if (i != changed) {
      for (size_t b = at; b < at + rewritten[i].size() + 1; ++b) {
        ASSERT_EQ(rig.editor().origins()[b], Origin::kOriginal) << "line " << i;
      }
    }
    at += rewritten[i].size() + 1;
  }
}

TEST(EditSession, ChangingOneLineOfFortyTouchesOnlyThatLine) {
  std::vector<std::string> region = numbered_region(40);
  for (std::string changed :
       {region[20] + ", extra=True)", std::string("    flag = compute_flag()")}) {
    std::vector<std::string> rewritten = region;
    rewritten[20] = changed;
    SessionRig rig(document(region), 2, 40, {});
    rig.stream(at_ms(1), join_lines(rewritten), 2000);
    rig.loop.run();
    EXPECT_EQ(rig.session->state(), SessionState::kDone);
    expect_only_line_touched(rig, rewritten, 20);
    for (const LineEdit& edit : rig.edits) {
      for (const TextReplacement& r : edit.replacements) {
        EXPECT_GE(r.start.row, 22u);  // document row of region line 20
        EXPECT_LE(r.end.row, 23u);
      }
    }
    expect_clean(rig);
  }
}

TEST(EditSession, InsertingLinesOnlyInserts) {
  std::vector<std::string> region = numbered_region(40);
  std::vector<std::string> rewritten = region;
  rewritten.insert(rewritten.begin() + 21,
                   {"    log.debug('a')", "    assert ready()", "    # ok"});
  SessionRig rig(document(region), 2, 40, {});
  rig.stream(at_ms(1), join_lines(rewritten), 3000);
  rig.loop.run();
  EXPECT_EQ(rig.editor().text(), document(rewritten));
  size_t original_bytes =
      std::count(rig.editor().origins().begin(), rig.editor().origins().end(), Origin::kOriginal);
  EXPECT_EQ(original_bytes, document(region).size());
  for (const LineEdit& edit : rig.edits) {
    for (const TextReplacement& r : edit.replacements) EXPECT_EQ(r.start_byte, r.end_byte);
  }
  expect_clean(rig);
}

TEST(EditSession, CoalescesTokensIntoFrames) {
  std::vector<std::string> region = numbered_region(40);
  std::string output;
  for (const std::string& line : region) output += line + "  # reviewed\n";
  RigOptions options;
  options.min_latency = options.max_latency = std::chrono::microseconds(100);
  SessionRig rig(document(region), 2, 40, options);
  VirtualLoop::TimePoint last = rig.stream(at_ms(0), output, 20000, 4);
  rig.loop.run();
  EXPECT_EQ(rig.session->state(), SessionState::kDone);
  auto streamed_ms = std::chrono::duration_cast<milliseconds>(last - at_ms(0)).count();
  // About one edit per 8 ms frame, however many tokens arrived meanwhile.
  EXPECT_LE(rig.edits.size(), static_cast<size_t>(streamed_ms / 8 + 4));
  EXPECT_GT(rig.session->stats().tokens, 5 * rig.edits.size());
  expect_clean(rig);
}

TEST(EditSession, UserTypingAboveMovesTheRegion) {
  std::vector<std::string> region = numbered_region(20);
  std::vector<std::string> rewritten = region;
  rewritten[3] += "  # checked";
  SessionRig rig(document(region), 2, 20, {});
  rig.stream(at_ms(1), join_lines(rewritten), 1000);
  // "import os" -> "import os, sys\nimport re" while the model writes.
  rig.loop.at(at_ms(20), [&] { rig.user_replace(9, 9, ", sys"); });
  rig.loop.at(at_ms(60), [&] { rig.user_replace(14, 14, "\nimport re"); });
  rig.loop.run();
  EXPECT_EQ(rig.session->state(), SessionState::kDone);
  EXPECT_EQ(rig.editor().text(), "import os, sys\nimport re\n\n" + join_lines(rewritten) + kBelow);
  EXPECT_EQ(rig.session->region().first_line, 3u);
  expect_clean(rig);
}

TEST(EditSession, UserTypingInsideCancelsAndNothingOfTheirsIsOverwritten) {
  std::vector<std::string> region = numbered_region(30);
  std::vector<std::string> rewritten;
  for (const std::string& line : region) rewritten.push_back(line + "  # new");
  SessionRig rig(document(region), 2, 30, {});
  rig.stream(at_ms(1), join_lines(rewritten), 2000);
  uint32_t typed_at = 0;
  rig.loop.at(at_ms(100), [&] {
    typed_at = rig.editor().region_begin() + 40;
    rig.user_replace(typed_at, typed_at, "XYZ");
  });
  rig.loop.run();
  EXPECT_EQ(rig.session->state(), SessionState::kCancelled);
  EXPECT_EQ(rig.session->reason(), "the user edited the region");
  EXPECT_EQ(rig.edits_after_inside_seen, 0u);
  EXPECT_EQ(rig.editor().text().substr(typed_at, 3), "XYZ");
  EXPECT_TRUE(rig.session->user_edited_region());
  // Reject either refuses (the keystroke is in text flint wrote) or restores around it.
  std::optional<std::string> why = rig.session->reject();
  rig.loop.run();
  EXPECT_NE(rig.editor().text().find("XYZ"), std::string::npos) << why.value_or("");
  expect_clean(rig);
}

// After typing inside, reject restores the original with the person's changes re-applied
// where they are not in text flint wrote; where they are, it refuses and says so.
TEST(EditSession, RejectAfterTypingInsideKeepsTheTypingOutsideFlintsText) {
  std::vector<std::string> region = numbered_region(6);
  std::vector<std::string> rewritten = region;
  rewritten[2] += "  # checked";  // flint changes line 2 only
  SessionRig rig(document(region), 2, 6, {});
  rig.stream(at_ms(1), join_lines(rewritten), 2000);
  rig.loop.run();
  ASSERT_EQ(rig.session->state(), SessionState::kDone);
  ASSERT_EQ(rig.editor().text(), document(rewritten));
  // The person types at the end of line 4 (a line flint reproduced) ...
  std::string text = rig.editor().text();
  uint32_t at = static_cast<uint32_t>(text.find(region[4]) + region[4].size());
  rig.user_replace(at, at, " + 1");
  rig.loop.run();
  EXPECT_TRUE(rig.session->user_edited_region());
  // ... and rejects: the original comes back, with " + 1" where it was typed.
  EXPECT_EQ(rig.session->reject(), std::nullopt);
  rig.loop.run();
  EXPECT_EQ(rig.session->state(), SessionState::kRejected);
  std::vector<std::string> expected = region;
  expected[4] += " + 1";
  EXPECT_EQ(rig.editor().text(), document(expected));
  expect_clean(rig);
}

// Undo in the editor during review (the edit reverted by the person): the session stays
// consistent, and reject then has nothing left to restore.
TEST(EditSession, UndoDuringReviewThenRejectIsConsistent) {
  std::vector<std::string> region = numbered_region(6);
  std::vector<std::string> rewritten = region;
  rewritten[2] += "  # checked";
  rewritten[4] += "  # checked";
  SessionRig rig(document(region), 2, 6, {});
  rig.stream(at_ms(1), join_lines(rewritten), 2000);
  rig.loop.run();
  ASSERT_EQ(rig.session->state(), SessionState::kDone);
  // The editor's undo: the whole edit reverted in one change.
  uint32_t begin = rig.editor().region_begin();
  uint32_t end = rig.editor().region_end();
  rig.user_replace(begin, end, join_lines(region));
  rig.loop.run();
  EXPECT_EQ(rig.editor().text(), document(region));
  EXPECT_EQ(rig.session->reject(), std::nullopt);
  rig.loop.run();
  EXPECT_EQ(rig.session->state(), SessionState::kRejected);
  EXPECT_EQ(rig.editor().text(), document(region));
  expect_clean(rig);
}

TEST(EditSession, RejectRefusesWhenTheTypingIsInFlintsText) {
  std::vector<std::string> region = numbered_region(6);
  std::vector<std::string> rewritten = region;
  rewritten[2] += "  # checked";
  SessionRig rig(document(region), 2, 6, {});
  rig.stream(at_ms(1), join_lines(rewritten), 2000);
  rig.loop.run();
  std::string text = rig.editor().text();
  uint32_t at = static_cast<uint32_t>(text.find("# checked") + 2);  // inside flint's comment
  rig.user_replace(at, at, "really ");
  rig.loop.run();
  std::optional<std::string> why = rig.session->reject();
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("line 5"), std::string::npos) << *why;  // the region starts at line 3
  EXPECT_NE(why->find("flint.accept"), std::string::npos) << *why;
  rig.loop.run();
  EXPECT_NE(rig.editor().text().find("# really checked"), std::string::npos);
  expect_clean(rig);
}

TEST(EditSession, RejectRestoresTheOriginalByteForByte) {
  std::vector<std::string> region = numbered_region(25);
  std::vector<std::string> rewritten = {"def process_batch(items, factor):",
                                        "    return [transform(x, factor) for x in items]"};
  for (bool while_streaming : {false, true}) {
    SessionRig rig(document(region), 2, 25, {});
    rig.stream(at_ms(1), join_lines(rewritten), 1000);
    if (while_streaming) {
      rig.loop.run_until(at_ms(20));
      EXPECT_EQ(rig.session->reject(), std::nullopt);
    } else {
      rig.loop.run();
      ASSERT_EQ(rig.editor().text(), document(rewritten));
      EXPECT_EQ(rig.session->reject(), std::nullopt);
    }
    rig.loop.run();
    EXPECT_EQ(rig.session->state(), SessionState::kRejected);
    EXPECT_EQ(rig.editor().text(), document(region));
    expect_clean(rig);
  }
}

TEST(EditSession, RejectInACrLfFileAtTheEndWithoutFinalNewline) {
  std::string doc = "a\r\nb\r\nlast line\r\nreally last";
  SessionRig rig(doc, 2, 5, {});
  EXPECT_EQ(rig.session->original_text(), "last line\r\nreally last");
  rig.stream(at_ms(1), "```\nlast line\nnew one\n```", 1000);
  rig.loop.run();
  EXPECT_EQ(rig.session->state(), SessionState::kDone);
  EXPECT_EQ(rig.editor().text(), "a\r\nb\r\nlast line\r\nnew one");
  EXPECT_EQ(rig.session->reject(), std::nullopt);
  rig.loop.run();
  EXPECT_EQ(rig.session->state(), SessionState::kRejected);
  EXPECT_EQ(rig.editor().text(), doc);
  expect_clean(rig);
}

TEST(EditSession, EmptyOutputDeletesTheRegion) {
  std::vector<std::string> region = numbered_region(5);
  SessionRig rig(document(region), 2, 5, {});
  rig.stream(at_ms(1), "```python\n```\n", 1000);
  rig.loop.run();
  EXPECT_EQ(rig.session->state(), SessionState::kDone);
  EXPECT_EQ(rig.editor().text(), kAbove + kBelow);
  EXPECT_EQ(rig.session->region().line_count, 0u);
  expect_clean(rig);
}

TEST(EditSession, RefusedEditsAreRecomputedAndRetried) {
  std::vector<std::string> region = numbered_region(10);
  std::vector<std::string> rewritten = region;
  rewritten[4] = "    pass";
  RigOptions options;
  options.refuse_first = 3;
  SessionRig rig(document(region), 2, 10, options);
  rig.stream(at_ms(1), join_lines(rewritten), 1000);
  rig.loop.run();
  EXPECT_EQ(rig.session->state(), SessionState::kDone);
  EXPECT_EQ(rig.editor().text(), document(rewritten));
  EXPECT_EQ(rig.session->stats().edits_refused, 3u);
  expect_clean(rig);
}

TEST(EditSession, AnEditOvertakenByAKeystrokeIsRefusedThenRebased) {
  std::vector<std::string> region = numbered_region(10);
  std::vector<std::string> rewritten = region;
  rewritten[1] = "    total_1 = 1";
  RigOptions options;
  options.editor_work = milliseconds(5);  // the user types while the editor holds the edit
  SessionRig rig(document(region), 2, 10, options);
  rig.stream(at_ms(1), join_lines(rewritten), 1000);
  // As soon as the first edit is on its way, the user types above the region.
  bool typed = false;
  std::function<void()> type_when_in_flight = [&] {
    if (!typed && !rig.edits.empty()) {
      typed = true;
      rig.user_replace(0, 0, "#!/usr/bin/env python\n");
      return;
    }
    if (!typed) rig.loop.after(std::chrono::microseconds(200), type_when_in_flight);
  };
  rig.loop.at(at_ms(1), type_when_in_flight);
  rig.loop.run();
  EXPECT_TRUE(typed);
  EXPECT_EQ(rig.session->state(), SessionState::kDone);
  EXPECT_GE(rig.session->stats().edits_refused, 1u);
  EXPECT_EQ(rig.editor().text(), "#!/usr/bin/env python\n" + document(rewritten));
  EXPECT_EQ(rig.session->region().first_line, 3u);
  expect_clean(rig);  // every edit named the latest version the server had seen
}

TEST(EditSession, TooManyRefusalsInARowFail) {
  std::vector<std::string> region = numbered_region(10);
  RigOptions options;
  options.refuse_probability = 1.0;
  SessionRig rig(document(region), 2, 10, options);
  rig.stream(at_ms(1), "something else\n", 1000);
  rig.loop.run();
  EXPECT_EQ(rig.session->state(), SessionState::kFailed);
  EXPECT_EQ(rig.session->reason(), "the editor refused 5 edits in a row");
  EXPECT_EQ(rig.editor().text(), document(region));
  expect_clean(rig);
}

TEST(EditSession, EchoLaterThanTheTimeoutIsStillRecognised) {
  std::vector<std::string> region = numbered_region(15);
  std::vector<std::string> rewritten = region;
  rewritten[2] = "    skipped = True";
  rewritten.push_back("    return total_14");
  RigOptions options;
  options.debounce = milliseconds(450);  // > the 300 ms echo timeout
  SessionRig rig(document(region), 2, 15, options);
  rig.stream(at_ms(1), join_lines(rewritten), 1000);
  rig.loop.run();
  EXPECT_EQ(rig.session->state(), SessionState::kDone);
  EXPECT_EQ(rig.editor().text(), document(rewritten));
  expect_clean(rig);
}

TEST(EditSession, NeovimStyleReportsAreRecognisedAsFlintsOwn) {
  for (ReportStyle style : {ReportStyle::kWholeLines, ReportStyle::kLineDiff}) {
    std::vector<std::string> region = {"} // a", "int a = 1;", "", "int b = 2;", "} // b"};
    // Appends lines equal to the ones around the region, where a diff of the changed lines
    // slides into the neighbours. (The region's first and last lines differ from the answer's,
    // so its "}" lines are its own, not copies of the lines around: see answer_shape.h.)
    std::string doc = "}\n" + join_lines(region) + "}\nint c;\n";
    std::string output = "}\n}\nint a = 10;\n\nint b = 2;\n}\n}\n";
    RigOptions options;
    options.style = style;
    options.debounce = milliseconds(150);
    SessionRig rig(doc, 1, 5, options);
    rig.stream(at_ms(1), output, 500);
    rig.loop.run();
    EXPECT_EQ(rig.session->state(), SessionState::kDone) << rig.session->reason();
    EXPECT_EQ(rig.editor().text(), "}\n" + output + "}\nint c;\n");
    expect_clean(rig);
  }
}

TEST(EditSession, SteerRestartsFromTheOriginal) {
  std::vector<std::string> region = numbered_region(20);
  std::vector<std::string> first;
  for (const std::string& line : region) first.push_back(line + "  # first");
  std::vector<std::string> second = region;
  second[10] = "    total_10 = 0";
  SessionRig rig(document(region), 2, 20, {});
  for (size_t i = 0; i < 8; ++i) {
    rig.model_text_at(at_ms(1 + static_cast<int>(i) * 5), first[i] + "\n");
  }
  rig.loop.run_until(at_ms(60));
  ASSERT_NE(rig.editor().text(), document(region));  // the partial output is in the buffer
  EXPECT_TRUE(rig.session->steer());
  EXPECT_EQ(rig.session->model_output(), "");
  rig.stream(at_ms(100), join_lines(second), 1000);
  rig.loop.run();
  EXPECT_EQ(rig.session->state(), SessionState::kDone);
  EXPECT_EQ(rig.editor().text(), document(second));
  // The steered stream reproduces most lines: their original text is back, retyped.
  expect_clean(rig);
}

TEST(EditSession, SteerAfterDoneStreamsAgain) {
  std::vector<std::string> region = numbered_region(6);
  SessionRig rig(document(region), 2, 6, {});
  rig.stream(at_ms(1), "x = 1\n", 1000);
  rig.loop.run();
  ASSERT_EQ(rig.session->state(), SessionState::kDone);
  EXPECT_TRUE(rig.session->steer());
  EXPECT_EQ(rig.session->state(), SessionState::kStreaming);
  rig.stream(at_ms(500), "x = 2\n", 1000);
  rig.loop.run();
  EXPECT_EQ(rig.session->state(), SessionState::kDone);
  EXPECT_EQ(rig.editor().text(), kAbove + "x = 2\n" + kBelow);
  EXPECT_EQ(rig.states, (std::vector<SessionState>{SessionState::kDone, SessionState::kStreaming,
                                                   SessionState::kDone}));
}

TEST(EditSession, CancelStopsEditing) {
  std::vector<std::string> region = numbered_region(30);
  std::vector<std::string> rewritten;
  for (const std::string& line : region) rewritten.push_back(line + "  # new");
  SessionRig rig(document(region), 2, 30, {});
  rig.stream(at_ms(1), join_lines(rewritten), 1000);
  rig.loop.run_until(at_ms(50));
  size_t sent = rig.edits.size();
  ASSERT_GT(sent, 0u);
  EXPECT_TRUE(rig.session->cancel());
  EXPECT_FALSE(rig.session->cancel());
  rig.loop.run();
  EXPECT_EQ(rig.session->state(), SessionState::kCancelled);
  EXPECT_EQ(rig.edits.size(), sent);
  EXPECT_NE(rig.editor().text(), document(rewritten));
  // What was streamed stays; reject still restores the original.
  EXPECT_EQ(rig.session->reject(), std::nullopt);
  rig.loop.run();
  EXPECT_EQ(rig.session->state(), SessionState::kRejected);
  EXPECT_EQ(rig.editor().text(), document(region));
  expect_clean(rig);
}

TEST(EditSession, AcceptKeepsTheText) {
  std::vector<std::string> region = numbered_region(4);
  SessionRig rig(document(region), 2, 4, {});
  rig.stream(at_ms(1), "y = 3\n", 1000);
  rig.loop.run();
  EXPECT_TRUE(rig.session->accept());
  EXPECT_EQ(rig.session->state(), SessionState::kAccepted);
  EXPECT_FALSE(rig.session->accept());
  EXPECT_TRUE(rig.session->reject().has_value());
  EXPECT_EQ(rig.editor().text(), kAbove + "y = 3\n" + kBelow);
}

TEST(EditSession, ModelErrorFails) {
  std::vector<std::string> region = numbered_region(4);
  SessionRig rig(document(region), 2, 4, {});
  rig.model_text_at(at_ms(1), "x");
  rig.loop.at(at_ms(5), [&] { rig.session->on_model_error("endpoint closed the stream"); });
  rig.loop.run();
  EXPECT_EQ(rig.session->state(), SessionState::kFailed);
  EXPECT_EQ(rig.session->reason(), "endpoint closed the stream");
}

TEST(EditSession, RegionAtTheEndOfAFileWithoutFinalNewline) {
  SessionRig rig("a\nb\nlast", 2, 1, {});
  rig.stream(at_ms(1), "first\nsecond\n", 1000);
  rig.loop.run();
  EXPECT_EQ(rig.session->state(), SessionState::kDone);
  EXPECT_EQ(rig.editor().text(), "a\nb\nfirst\nsecond");
  EXPECT_EQ(rig.session->region().line_count, 2u);
  expect_clean(rig);
}

TEST(EditSession, EmptyRegionIsAnInsertionPoint) {
  SessionRig rig("a\nb\n", 1, 0, {});
  rig.stream(at_ms(1), "inserted\n", 1000);
  rig.loop.run();
  EXPECT_EQ(rig.session->state(), SessionState::kDone);
  EXPECT_EQ(rig.editor().text(), "a\ninserted\nb\n");
  expect_clean(rig);
}

TEST(EditSession, ClampsARegionPastTheEnd) {
  SessionRig rig("a\nb\n", 7, 3, {});
  EXPECT_EQ(rig.session->region().start_byte, 4u);
  EXPECT_EQ(rig.session->original_text(), "");
}

}  // namespace
}  // namespace flint
