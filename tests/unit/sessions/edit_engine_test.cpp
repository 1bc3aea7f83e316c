// EditEngine in-process, on a virtual clock: the model stream, the editor and the timers are
// the test's, so streams, the applyEdit watchdog, supersession, steering, escalation and the
// commands are checked deterministically, without LSP or pipes (those are in tests/e2e/).
#include "server/edits/edit_engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "tests/unit/sessions/test_document.h"
#include "tests/unit/sessions/virtual_loop.h"

namespace flint {
namespace {

using std::chrono::milliseconds;
using test::TestDocument;
using test::VirtualLoop;

const std::string kUri = "file:///work/shapes.py";
const std::string kText =
    "import math\n"
    "\n"
    "def area(r):\n"
    "    return 3.14 * r * r\n"
    "\n"
    "def perimeter(r):\n"
    "    return 2 * 3.14 * r\n"
    "\n"
    "print(area(2))\n";
const std::string kArea = "def area(r):\n    return 3.14 * r * r\n";
const std::string kNewArea = "def area(r):\n    return math.pi * r * r\n";

// One model stream as the engine started it.
struct FakeStream {
  models::ChatRequest request;
  models::StreamCallbacks callbacks;
  bool cancelled = false;

  void text(std::string_view t) const { callbacks.on_text(t); }
  void done(const std::string& finish_reason = "stop") const {
    models::StreamSummary summary;
    summary.finish_reason = finish_reason;
    callbacks.on_done(summary);
  }
};

// The engine with everything around it: an editor that applies each edit `latency` after it
// was sent (reporting the change before answering, as VS Code does) or never answers, a model
// whose streams the test drives, and a record of everything the engine said.
class EngineRig {
 public:
  explicit EngineRig(EditEngineOptions options = {}) : doc_(kText) {
    options.frame = milliseconds(0);
    EditEngine::Hooks hooks;
    hooks.now = [this] { return loop.now(); };
    hooks.start_timer = [this](milliseconds delay, std::function<void()> fire) {
      auto cancelled = std::make_shared<bool>(false);
      loop.after(delay, [cancelled, fire = std::move(fire)] {
        if (!*cancelled) fire();
      });
      return EditEngine::Cancel([cancelled] { *cancelled = true; });
    };
    hooks.post = [this](std::function<void()> fn) { loop.after(milliseconds(0), std::move(fn)); };
    hooks.document = [this](const std::string& uri) -> std::optional<EditDocument> {
      if (uri != kUri || closed) return std::nullopt;
      return EditDocument{&doc_, version_, "python"};
    };
    hooks.tree = [](const std::string&, parsers::ByteRange) -> const parsers::Tree* {
      return nullptr;  // indentation scoping: the tests are about the engine, not the scope
    };
    hooks.start_stream = [this](const models::ChatRequest& request,
                                models::StreamCallbacks callbacks) {
      auto stream = std::make_shared<FakeStream>();
      stream->request = request;
      stream->callbacks = std::move(callbacks);
      streams.push_back(stream);
      return EditEngine::Cancel([stream] { stream->cancelled = true; });
    };
    hooks.send_edit = [this](const std::string&, const LineEdit& edit,
                             std::function<void(bool, const std::string&)> done) {
      ++edits_sent;
      if (!editor_answers) {
        unanswered.push_back(std::move(done));
        return;
      }
      loop.after(latency, [this, edit, done = std::move(done)] { apply(edit, done); });
    };
    hooks.report = [this](const EditReport& report) { reports.push_back(report); };
    hooks.publish_diagnostics = [](const std::string&, std::optional<int64_t>,
                                   const std::vector<EditDiagnostic>&) {};
    hooks.escalate = [this](const EditEscalation& escalation) -> std::optional<std::string> {
      escalations.push_back(escalation);
      if (!jobs_available) return std::nullopt;
      return "job-" + std::to_string(escalations.size());
    };
    hooks.model_failed = [this](const std::string& message) { model_failures.push_back(message); };
    hooks.tell = [this](bool error, const std::string& message) {
      told.push_back((error ? "error: " : "info: ") + message);
    };
    engine = std::make_unique<EditEngine>(std::move(hooks), options);
  }

  // Starts an edit of lines [first, last] (cursor-like: columns 0); returns its answer slot.
  std::shared_ptr<std::optional<EditAnswer>> start(uint32_t first, uint32_t last,
                                                   const std::string& instruction = "use math.pi") {
    auto answer = std::make_shared<std::optional<EditAnswer>>();
    EditSink sink;
    sink.started = [this](const std::string& id) { started.push_back(id); };
    sink.progress = [this](const std::string& message, std::optional<int>) {
      progress.push_back(message);
    };
    sink.answer = [answer](EditAnswer a) { *answer = std::move(a); };
    engine->start(EditRequest{kUri, {first, 0}, {last, 0}, instruction}, std::move(sink));
    return answer;
  }

  // The user types: the document changes and the engine is told.
  void type(uint32_t at, const std::string& text) {
    parsers::TextChange change = doc_.replace(at, at, text);
    engine->document_changed(kUri, doc_, ++version_, {change});
  }

  std::vector<std::string> states() const {
    std::vector<std::string> out;
    for (const auto& r : reports) out.push_back(r.state);
    return out;
  }
  const std::string& text() const { return doc_.text(); }
  const FakeStream& stream(size_t i = 0) const { return *streams.at(i); }

  VirtualLoop loop;
  milliseconds latency{2};
  bool editor_answers = true;
  bool jobs_available = true;
  bool closed = false;
  std::unique_ptr<EditEngine> engine;
  std::vector<std::shared_ptr<FakeStream>> streams;
  std::vector<std::function<void(bool, const std::string&)>> unanswered;
  std::vector<EditReport> reports;
  std::vector<EditEscalation> escalations;
  std::vector<std::string> model_failures;
  std::vector<std::string> told;
  std::vector<std::string> started;
  std::vector<std::string> progress;
  int edits_sent = 0;

 private:
  void apply(const LineEdit& edit, const std::function<void(bool, const std::string&)>& done) {
    if (edit.version != version_) {
      done(false, "stale version");
      return;
    }
    std::vector<parsers::TextChange> changes;
    // Replacements are ascending and relative to one version: apply from the last.
    for (auto it = edit.replacements.rbegin(); it != edit.replacements.rend(); ++it) {
      changes.push_back(doc_.replace(it->start_byte, it->end_byte, it->text));
    }
    engine->document_changed(kUri, doc_, ++version_, changes);
    done(true, "");
  }

  TestDocument doc_;
  int64_t version_ = 1;
};

// Streams `text` in pieces of `piece` bytes, one piece per virtual millisecond.
void stream_in_pieces(EngineRig& rig, const FakeStream& stream, const std::string& text,
                      size_t piece = 5) {
  for (size_t i = 0; i < text.size(); i += piece) {
    stream.text(text.substr(i, piece));
    rig.loop.run_until(rig.loop.now() + milliseconds(1));
  }
}

TEST(EditEngine, StreamsAnAnswerIntoTheScopedRegionAndAnswersWithItsStats) {
  EngineRig rig;
  auto answer = rig.start(3, 3);
  ASSERT_EQ(rig.streams.size(), 1u);
  ASSERT_EQ(rig.started.size(), 1u);
  // The region is the whole function around the cursor, and the model is shown it.
  bool region_shown = false;
  for (const auto& m : rig.stream().request.messages)
    region_shown |= m.content.find(kArea) != std::string::npos;
  EXPECT_TRUE(region_shown);

  stream_in_pieces(rig, rig.stream(), kNewArea);
  rig.stream().done();
  rig.loop.run();

  ASSERT_TRUE(*answer);
  EXPECT_FALSE((*answer)->error);
  EXPECT_EQ((*answer)->report.state, "done");
  ASSERT_TRUE((*answer)->stats);
  EXPECT_GE((*answer)->stats->edits_applied, 1u);
  EXPECT_EQ(rig.text(), "import math\n\n" + kNewArea + kText.substr(13 + kArea.size()));
  EXPECT_EQ(rig.states().front(), "streaming");
  EXPECT_EQ(rig.states().back(), "done");
  ASSERT_TRUE(rig.reports.back().region);
  EXPECT_EQ(rig.reports.back().region->first_line, 2u);
  EXPECT_EQ(rig.reports.back().region->line_count, 2u);
}

TEST(EditEngine, ProgressIsReportedAtMostEveryHundredMilliseconds) {
  EngineRig rig;
  rig.start(3, 3);
  for (int i = 0; i < 50; ++i) {
    rig.stream().text("#");
    rig.loop.run_until(rig.loop.now() + milliseconds(10));
  }
  // 500 ms of tokens: about five reports, never one per token.
  EXPECT_GE(rig.progress.size(), 3u);
  EXPECT_LE(rig.progress.size(), 6u);
}

TEST(EditEngine, AnEditorThatNeverAnswersEndsTheSessionAfterTheTimeoutAndALateAnswerIsIgnored) {
  EditEngineOptions options;
  options.apply_timeout = milliseconds(250);
  EngineRig rig(options);
  rig.editor_answers = false;
  auto answer = rig.start(3, 3);
  rig.stream().text(kNewArea);
  rig.loop.run_until(rig.loop.now() + milliseconds(249));
  EXPECT_FALSE(*answer) << "the session ended before the timeout";
  rig.loop.run_until(rig.loop.now() + milliseconds(2));
  ASSERT_TRUE(*answer);
  EXPECT_EQ((*answer)->report.state, "failed");
  EXPECT_NE((*answer)->report.reason.find("did not answer workspace/applyEdit within 250 ms"),
            std::string::npos);
  EXPECT_TRUE(rig.stream().cancelled);
  ASSERT_EQ(rig.told.size(), 1u);
  EXPECT_EQ(rig.told[0].rfind("error: ", 0), 0u);
  ASSERT_EQ(rig.unanswered.size(), 1u);
  int sent = rig.edits_sent;
  rig.unanswered[0](true, "");  // late
  rig.stream().text("more");    // and a stream that was stopped says more
  rig.loop.run();
  EXPECT_EQ(rig.edits_sent, sent);
  EXPECT_EQ(rig.text(), kText);
  EXPECT_EQ(rig.engine->state_of(rig.started[0]), SessionState::kFailed);
}

TEST(EditEngine, AnAnswerThatEscalatesBecomesAnAgentJobAndWritesNothing) {
  EngineRig rig;
  auto answer = rig.start(3, 3);
  rig.stream().text("FLINT_ESCALATE: the callers in other files must change too\n");
  rig.loop.run();
  ASSERT_TRUE(*answer);
  EXPECT_EQ((*answer)->report.state, "escalated");
  EXPECT_EQ((*answer)->report.job_id, "job-1");
  ASSERT_EQ(rig.escalations.size(), 1u);
  EXPECT_EQ(rig.escalations[0].first_line, 2u);
  EXPECT_EQ(rig.escalations[0].last_line, 3u);
  EXPECT_EQ(rig.escalations[0].instruction, "use math.pi");
  EXPECT_NE(rig.escalations[0].reason.find("callers in other files"), std::string::npos);
  EXPECT_TRUE(rig.stream().cancelled);
  EXPECT_EQ(rig.edits_sent, 0);
  EXPECT_EQ(rig.text(), kText);
  // "cancelled" (the core's way of stopping) is never reported: "escalated" is.
  auto states = rig.states();
  EXPECT_EQ(std::count(states.begin(), states.end(), "cancelled"), 0);
  EXPECT_EQ(states.back(), "escalated");
}

TEST(EditEngine, WithoutAgentJobsAnEscalationTellsThePersonThatNothingChanged) {
  EngineRig rig;
  rig.jobs_available = false;
  auto answer = rig.start(3, 3);
  rig.stream().text("FLINT_ESCALATE: too big\n");
  rig.loop.run();
  ASSERT_TRUE(*answer);
  EXPECT_EQ((*answer)->report.state, "escalated");
  EXPECT_TRUE((*answer)->report.job_id.empty());
  ASSERT_EQ(rig.told.size(), 1u);
  EXPECT_NE(rig.told[0].find("agent jobs are not available"), std::string::npos);
}

TEST(EditEngine, WithoutAModelTheSessionFailsWithTheWayToTheSettings) {
  EditEngineOptions options;
  options.model_missing = "no fast model is configured: set flint.models.fast.baseUrl";
  EngineRig rig(options);
  auto answer = rig.start(3, 3);
  rig.loop.run();
  EXPECT_TRUE(rig.streams.empty());
  ASSERT_TRUE(*answer);
  EXPECT_EQ((*answer)->report.state, "failed");
  EXPECT_EQ((*answer)->report.reason, options.model_missing);
  EXPECT_EQ(rig.model_failures, std::vector<std::string>{options.model_missing});
}

TEST(EditEngine, UnknownDocumentsAndImpossibleRangesAreRefused) {
  EngineRig rig;
  std::optional<EditAnswer> answer;
  EditSink sink;
  sink.answer = [&](EditAnswer a) { answer = std::move(a); };
  rig.engine->start(EditRequest{"file:///nowhere.py", {0, 0}, {0, 0}, "x"}, sink);
  ASSERT_TRUE(answer && answer->error);
  EXPECT_EQ(answer->error->kind, EditError::Kind::kInvalid);
  EXPECT_NE(answer->error->message.find("unknown document"), std::string::npos);
  answer.reset();
  rig.engine->start(EditRequest{kUri, {3, 0}, {90, 0}, "x"}, sink);
  ASSERT_TRUE(answer && answer->error);
  EXPECT_NE(answer->error->message.find("impossible range"), std::string::npos);
  EXPECT_TRUE(rig.streams.empty());
  EXPECT_EQ(rig.engine->session_count(), 0u);
}

TEST(EditEngine, SteeringContinuesFromTheOriginalWithTheEarlierAnswerInTheConversation) {
  EngineRig rig;
  auto answer = rig.start(3, 3);
  stream_in_pieces(rig, rig.stream(), kNewArea);
  rig.stream().done();
  rig.loop.run();
  ASSERT_TRUE(*answer);
  EditCommandResult steered = rig.engine->steer(EditTarget{}, "and name it circle_area");
  ASSERT_FALSE(steered.error) << steered.error->message;
  EXPECT_EQ(steered.id, rig.started[0]);
  ASSERT_EQ(rig.streams.size(), 2u);
  // The second request holds the first instruction, its answer and the new instruction.
  std::string conversation;
  for (const auto& m : rig.stream(1).request.messages) conversation += m.content;
  EXPECT_NE(conversation.find("use math.pi"), std::string::npos);
  EXPECT_NE(conversation.find("math.pi * r * r"), std::string::npos);
  EXPECT_NE(conversation.find("and name it circle_area"), std::string::npos);
  const std::string renamed = "def circle_area(r):\n    return math.pi * r * r\n";
  stream_in_pieces(rig, rig.stream(1), renamed);
  rig.stream(1).done();
  rig.loop.run();
  EXPECT_NE(rig.text().find(renamed), std::string::npos);
  EXPECT_EQ(rig.text().find("def area"), std::string::npos);
  EXPECT_EQ(rig.engine->state_of(rig.started[0]), SessionState::kDone);
}

TEST(EditEngine, RejectRestoresTheOriginalAndAnswersOnceItLanded) {
  EngineRig rig;
  rig.start(3, 3);
  stream_in_pieces(rig, rig.stream(), kNewArea);
  rig.stream().done();
  rig.loop.run();
  ASSERT_NE(rig.text(), kText);
  std::optional<EditCommandResult> result;
  rig.engine->reject(EditTarget{std::nullopt, kUri, 30},
                     [&](EditCommandResult r) { result = std::move(r); });
  EXPECT_FALSE(result) << "answered before the restoring edit landed";
  rig.loop.run();
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->error);
  EXPECT_EQ(result->state, "rejected");
  EXPECT_EQ(rig.text(), kText);
  // A second reject, and an accept after it, are refused with the state named.
  EditCommandResult accepted = rig.engine->accept(EditTarget{});
  ASSERT_TRUE(accepted.error);
  EXPECT_NE(accepted.error->message.find("already rejected"), std::string::npos);
}

TEST(EditEngine, ANewerEditOverTheSameLinesRollsTheOlderBackFirst) {
  EngineRig rig;
  auto older = rig.start(3, 3);
  rig.stream().text("def area(r):\n    return math");  // half an answer, partly written
  rig.loop.run_until(rig.loop.now() + milliseconds(20));
  ASSERT_NE(rig.text(), kText);
  auto newer = rig.start(2, 3, "add a docstring");
  // The older is stopped and rolled back; the newer starts only once the original is back.
  EXPECT_TRUE(rig.stream(0).cancelled);
  EXPECT_EQ(rig.streams.size(), 1u);
  rig.loop.run();
  ASSERT_TRUE(*older);
  EXPECT_EQ((*older)->report.state, "cancelled");
  EXPECT_EQ((*older)->report.reason, "replaced by a newer edit over the same lines");
  EXPECT_EQ(rig.engine->state_of(rig.started[0]), SessionState::kRejected);
  EXPECT_EQ(rig.text(), kText);
  ASSERT_EQ(rig.streams.size(), 2u);
  ASSERT_EQ(rig.started.size(), 2u);
  // The model reads the original region, never half an answer.
  std::string prompt;
  for (const auto& m : rig.stream(1).request.messages) prompt += m.content;
  EXPECT_NE(prompt.find(kArea), std::string::npos);
  EXPECT_EQ(prompt.find("return math\n"), std::string::npos);
  EXPECT_FALSE(*newer);
}

TEST(EditEngine, EditsInDifferentRegionsStreamSideBySide) {
  EngineRig rig;
  auto first = rig.start(3, 3);
  auto second = rig.start(6, 6, "use math.tau");
  ASSERT_EQ(rig.streams.size(), 2u);
  EXPECT_FALSE(rig.stream(0).cancelled);
  const std::string new_perimeter = "def perimeter(r):\n    return math.tau * r\n";
  for (size_t i = 0; i < std::max(kNewArea.size(), new_perimeter.size()); i += 4) {
    if (i < kNewArea.size()) rig.stream(0).text(kNewArea.substr(i, 4));
    if (i < new_perimeter.size()) rig.stream(1).text(new_perimeter.substr(i, 4));
    rig.loop.run_until(rig.loop.now() + milliseconds(1));
  }
  rig.stream(0).done();
  rig.stream(1).done();
  rig.loop.run();
  ASSERT_TRUE(*first && *second);
  EXPECT_EQ((*first)->report.state, "done");
  EXPECT_EQ((*second)->report.state, "done");
  EXPECT_EQ(rig.text(), "import math\n\n" + kNewArea + "\n" + new_perimeter + "\nprint(area(2))\n");
}

TEST(EditEngine, CommandsFindTheSessionUnderTheCursorBeforeTheLatest) {
  EngineRig rig;
  rig.start(3, 3);
  rig.start(6, 6, "use math.tau");
  // Byte 30 is inside area (the first session), which is not the latest.
  EditCommandResult cancelled = rig.engine->cancel(EditTarget{std::nullopt, kUri, 30});
  ASSERT_FALSE(cancelled.error);
  EXPECT_EQ(cancelled.id, rig.started[0]);
  EXPECT_EQ(cancelled.state, "cancelled");
  EXPECT_TRUE(rig.stream(0).cancelled);
  EXPECT_FALSE(rig.stream(1).cancelled);
  // Without a cursor: the latest.
  EditCommandResult latest = rig.engine->cancel(EditTarget{});
  EXPECT_EQ(latest.id, rig.started[1]);
  EditCommandResult none = rig.engine->accept(EditTarget{std::string("99"), {}, {}});
  ASSERT_TRUE(none.error);
  EXPECT_EQ(none.error->message, "no edit session 99");
}

TEST(EditEngine, TypingInsideTheRegionEndsTheSessionAndSendsNothingMore) {
  EngineRig rig;
  auto answer = rig.start(3, 3);
  rig.stream().text("def area(r):\n");
  rig.loop.run_until(rig.loop.now() + milliseconds(20));
  rig.type(static_cast<uint32_t>(kText.find("3.14")), "x");
  int sent = rig.edits_sent;
  rig.stream().text("    return math.pi * r * r\n");
  rig.loop.run();
  ASSERT_TRUE(*answer);
  EXPECT_EQ((*answer)->report.state, "cancelled");
  EXPECT_EQ(rig.edits_sent, sent);
  EXPECT_NE(rig.text().find("x3.14"), std::string::npos);
}

TEST(EditEngine, ClosingTheDocumentStopsItsStreamsAndForgetsItsSessions) {
  EngineRig rig;
  auto answer = rig.start(3, 3);
  rig.stream().text("def area(r):\n");
  rig.loop.run_until(rig.loop.now() + milliseconds(20));
  rig.engine->document_closing(kUri);
  rig.closed = true;
  EXPECT_TRUE(rig.stream().cancelled);
  rig.loop.run();
  ASSERT_TRUE(*answer);
  EXPECT_EQ((*answer)->report.state, "cancelled");
  rig.engine->document_closing(kUri);  // the finished session goes
  rig.loop.run();
  EXPECT_EQ(rig.engine->session_count(), 0u);
}

TEST(EditEngine, TheRequestsCancellationStopsAStreamingSession) {
  EngineRig rig;
  auto answer = rig.start(3, 3);
  rig.engine->cancel_request(rig.started[0]);
  rig.loop.run();
  EXPECT_TRUE(rig.stream().cancelled);
  ASSERT_TRUE(*answer);
  EXPECT_EQ((*answer)->report.state, "cancelled");
}

TEST(EditEngine, TimersAndAnswersThatOutliveTheEngineAreNotHeard) {
  EditEngineOptions options;
  options.apply_timeout = milliseconds(100);
  EngineRig rig(options);
  rig.editor_answers = false;
  rig.start(3, 3);
  rig.stream().text(kNewArea);
  rig.loop.run_until(rig.loop.now() + milliseconds(5));
  ASSERT_EQ(rig.unanswered.size(), 1u);
  rig.engine.reset();
  rig.unanswered[0](true, "");
  rig.loop.run();  // the watchdog fires into nothing (AddressSanitizer watches)
  EXPECT_TRUE(rig.told.empty());
}

}  // namespace
}  // namespace flint
