// CompletionEngine with a scripted model: streams, supersession, cache, typing through,
// cancellation, debounce, errors.
#include <gtest/gtest.h>

#include "completion_support.h"

namespace flint {
namespace {

using completion_testing::query_at;
using completion_testing::ScriptedModel;
using Source = CompletionOutcome::Source;

constexpr std::string_view kTemplate = "def f(value):\n    x = TYPED‸\n    return x\n";

CompletionQuery typed(std::string_view text, std::string uri = "file:///work/sample") {
  std::string annotated(kTemplate);
  annotated.replace(annotated.find("TYPED"), 5, text);
  return query_at(annotated, "python", {}, std::move(uri));
}

CompletionOptions fim() {
  CompletionOptions options;
  options.model_key = "fake";
  return options;
}

struct Asked {
  std::shared_ptr<std::optional<CompletionOutcome>> outcome;
  uint64_t ticket = 0;
  bool answered() const { return outcome->has_value(); }
  const CompletionOutcome& get() const { return **outcome; }
};

struct Rig {
  ScriptedModel model;
  std::unique_ptr<CompletionEngine> engine = std::make_unique<CompletionEngine>(model.hooks());

  Asked ask(CompletionQuery query, const CompletionOptions& options = fim()) {
    Asked asked;
    asked.outcome = std::make_shared<std::optional<CompletionOutcome>>();
    auto slot = asked.outcome;
    asked.ticket = engine->request(std::move(query), options, [slot](CompletionOutcome outcome) {
      EXPECT_FALSE(slot->has_value()) << "answered twice";
      *slot = std::move(outcome);
    });
    return asked;
  }
  ScriptedModel::Stream& stream(size_t i) { return *model.streams.at(i); }
};

TEST(CompletionEngine, AFimStreamIsAnsweredWhereTheLineEnds) {
  Rig rig;
  CompletionQuery q = typed("");
  Asked a = rig.ask(q);
  ASSERT_EQ(rig.model.streams.size(), 1u);
  auto* fim_request = std::get_if<models::FimRequest>(&rig.stream(0).prompt);
  ASSERT_TRUE(fim_request);
  EXPECT_TRUE(fim_request->prompt.ends_with(q.prefix));
  EXPECT_EQ(fim_request->suffix, q.suffix);
  EXPECT_EQ(fim_request->max_tokens, 128);
  rig.stream(0).text("compute(");
  EXPECT_FALSE(a.answered());
  rig.stream(0).text("value)\n    y = 2\n");
  ASSERT_TRUE(a.answered());
  EXPECT_EQ(a.get().text, "compute(value)");
  EXPECT_EQ(a.get().source, Source::kModel);
  EXPECT_TRUE(rig.stream(0).cancelled);  // the rest of the stream is not needed
  EXPECT_EQ(rig.engine->stats().streams_started, 1u);
}

TEST(CompletionEngine, AChatProviderFillsTheHoleAndLosesItsFences) {
  Rig rig;
  CompletionOptions chat = fim();
  chat.use_fim = false;
  Asked a = rig.ask(typed(""), chat);
  ASSERT_EQ(rig.model.streams.size(), 1u);
  auto* request = std::get_if<models::ChatRequest>(&rig.stream(0).prompt);
  ASSERT_TRUE(request);
  EXPECT_NE(request->messages.back().content.find("    x = <CURSOR>\n    return x"),
            std::string::npos);
  rig.stream(0).text("```python\nx = compu");
  rig.stream(0).text("te(value)\n```\nThis computes the value.");
  rig.stream(0).done();
  ASSERT_TRUE(a.answered());
  EXPECT_EQ(a.get().text, "compute(value)");
}

// Issue 12, item 7: inside the parentheses the editor paired, an answer that closes its own
// call keeps its ')', and one that repeats the paired ')' loses it, FIM or chat.
TEST(CompletionEngine, AnAnswerInsidePairedParenthesesClosesThemOnce) {
  CompletionOptions plain = fim();
  CompletionOptions chat = fim();
  chat.use_fim = false;
  struct Case {
    const CompletionOptions* options;
    std::string_view output;
  };
  const Case cases[] = {
      {&plain, "total(items)\n"},
      {&plain, "total(items))\n"},
      {&plain, "total(items)"},
      {&chat, "total(items)"},
      {&chat, "total(items))"},
      {&chat, "```python\nprint(total(items))\n```"},  // the whole line echoed
  };
  for (const Case& c : cases) {
    Rig rig;
    Asked a = rig.ask(query_at("def f(items):\n    print(‸)\n"), *c.options);
    ASSERT_EQ(rig.model.streams.size(), 1u);
    rig.stream(0).text(c.output);
    rig.stream(0).done();
    ASSERT_TRUE(a.answered());
    EXPECT_EQ(a.get().text, "total(items)") << c.output;
  }
}

TEST(CompletionEngine, TheSameRequestAgainIsACacheHit) {
  Rig rig;
  Asked first = rig.ask(typed(""));
  rig.stream(0).text("compute(value)");
  rig.stream(0).done();
  ASSERT_EQ(first.get().text, "compute(value)");
  Asked again = rig.ask(typed(""));
  ASSERT_TRUE(again.answered());
  EXPECT_EQ(again.get().text, "compute(value)");
  EXPECT_EQ(again.get().source, Source::kCache);
  EXPECT_EQ(rig.model.streams.size(), 1u);
  EXPECT_EQ(rig.engine->stats().cache_hits, 1u);
  // Another document with the same text is another key.
  rig.ask(typed("", "file:///work/other.py"));
  EXPECT_EQ(rig.model.streams.size(), 2u);
}

TEST(CompletionEngine, ANewerRequestSupersedesTheOlder) {
  Rig rig;
  Asked old = rig.ask(typed(""));
  rig.stream(0).text("comp");
  Asked newer = rig.ask(typed("zz"));
  ASSERT_TRUE(old.answered());
  EXPECT_EQ(old.get().source, Source::kSuperseded);
  EXPECT_EQ(old.get().text, "");
  EXPECT_TRUE(rig.stream(0).cancelled);
  ASSERT_EQ(rig.model.streams.size(), 2u);
  EXPECT_FALSE(newer.answered());
  rig.stream(1).text("z + 1\n");
  ASSERT_TRUE(newer.answered());
  EXPECT_EQ(newer.get().text, "z + 1");
  EXPECT_EQ(rig.engine->stats().superseded, 1u);
}

TEST(CompletionEngine, ClosingTheDocumentAnswersItsRequestAndStopsItsStream) {
  Rig rig;
  Asked a = rig.ask(typed(""));
  Asked other = rig.ask(typed("", "file:///work/other"));
  ASSERT_EQ(rig.model.streams.size(), 2u);
  rig.engine->close_document("file:///work/sample");
  ASSERT_TRUE(a.answered());
  EXPECT_EQ(a.get().text, "");
  EXPECT_TRUE(rig.stream(0).cancelled);
  EXPECT_FALSE(other.answered());  // another document's request goes on
  EXPECT_FALSE(rig.stream(1).cancelled);
  rig.engine->close_document("file:///work/sample");  // twice, or never opened: nothing
  rig.engine->close_document("file:///work/unknown");
  rig.stream(0).text("late\n");  // a stream's late text after the close is ignored
  EXPECT_EQ(a.get().text, "");
}

TEST(CompletionEngine, RequestsForOtherDocumentsDoNotSupersede) {
  Rig rig;
  Asked a = rig.ask(typed("", "file:///work/a.py"));
  Asked b = rig.ask(typed("", "file:///work/b.py"));
  EXPECT_FALSE(a.answered());
  EXPECT_FALSE(b.answered());
  ASSERT_EQ(rig.model.streams.size(), 2u);
  EXPECT_FALSE(rig.stream(0).cancelled);
}

TEST(CompletionEngine, TypingWhatTheStreamProducedKeepsTheStream) {
  Rig rig;
  Asked first = rig.ask(typed(""));
  rig.stream(0).text("compute(va");
  Asked second = rig.ask(typed("com"));
  Asked third = rig.ask(typed("compute(v"));
  EXPECT_EQ(rig.model.streams.size(), 1u);
  EXPECT_FALSE(rig.stream(0).cancelled);
  EXPECT_EQ(first.get().source, Source::kSuperseded);
  EXPECT_EQ(second.get().source, Source::kSuperseded);
  EXPECT_FALSE(third.answered());
  rig.stream(0).text("lue)\n");
  ASSERT_TRUE(third.answered());
  EXPECT_EQ(third.get().text, "alue)");
  EXPECT_EQ(third.get().source, Source::kAttached);
  EXPECT_EQ(rig.engine->stats().attached, 2u);
}

TEST(CompletionEngine, TypingSomethingElseStartsANewStream) {
  Rig rig;
  rig.ask(typed(""));
  rig.stream(0).text("compute(va");
  rig.ask(typed("cat"));
  ASSERT_EQ(rig.model.streams.size(), 2u);
  EXPECT_TRUE(rig.stream(0).cancelled);
  // Typing beyond what the stream produced so far is not typing through either.
  Rig other;
  other.ask(typed(""));
  other.stream(0).text("comp");
  other.ask(typed("compu"));
  EXPECT_EQ(other.model.streams.size(), 2u);
}

TEST(CompletionEngine, TypingThroughAFinishedCompletionIsAnsweredAtOnce) {
  Rig rig;
  rig.ask(typed(""));
  rig.stream(0).text("compute(value)\n");
  Asked through = rig.ask(typed("comp"));
  ASSERT_TRUE(through.answered());
  EXPECT_EQ(through.get().text, "ute(value)");
  EXPECT_EQ(through.get().source, Source::kCache);
  Asked further = rig.ask(typed("compute(v"));
  ASSERT_TRUE(further.answered());
  EXPECT_EQ(further.get().text, "alue)");
  // All of it typed: nothing left to offer from it, so the model is asked again.
  rig.ask(typed("compute(value)"));
  EXPECT_EQ(rig.model.streams.size(), 2u);
}

TEST(CompletionEngine, ACancelledRequestsStreamStopsAfterTheGracePeriod) {
  Rig rig;
  Asked a = rig.ask(typed(""));
  rig.stream(0).text("comp");
  rig.engine->cancel(a.ticket);
  EXPECT_FALSE(a.answered());  // the client has its answer (-32800) already
  EXPECT_FALSE(rig.stream(0).cancelled);
  ASSERT_EQ(rig.model.live_timers(), 1);
  EXPECT_EQ(rig.model.timers.back()->delay, CompletionEngine::kOrphanGrace);
  rig.model.fire_timers();
  EXPECT_TRUE(rig.stream(0).cancelled);
  EXPECT_EQ(rig.engine->stats().streams_cancelled, 1u);
  // Its partial text was not cached.
  rig.ask(typed(""));
  EXPECT_EQ(rig.model.streams.size(), 2u);
}

TEST(CompletionEngine, ANewerRequestAdoptsACancelledRequestsStream) {
  // VS Code cancels the old request when the user types, then asks again.
  Rig rig;
  Asked a = rig.ask(typed(""));
  rig.stream(0).text("compute(");
  rig.engine->cancel(a.ticket);
  Asked b = rig.ask(typed("c"));
  rig.model.fire_timers();
  EXPECT_FALSE(rig.stream(0).cancelled);
  rig.stream(0).text("value)\n");
  ASSERT_TRUE(b.answered());
  EXPECT_EQ(b.get().text, "ompute(value)");
  EXPECT_FALSE(a.answered());
}

TEST(CompletionEngine, DebounceWaitsAndANewerRequestReplacesTheWaitingOne) {
  Rig rig;
  CompletionOptions slow = fim();
  slow.debounce = std::chrono::milliseconds(150);
  Asked a = rig.ask(typed(""), slow);
  EXPECT_TRUE(rig.model.streams.empty());
  ASSERT_EQ(rig.model.live_timers(), 1);
  EXPECT_EQ(rig.model.timers.back()->delay, std::chrono::milliseconds(150));
  Asked b = rig.ask(typed("v"), slow);
  EXPECT_EQ(a.get().source, Source::kSuperseded);
  EXPECT_EQ(rig.model.live_timers(), 1);  // a's timer was cancelled
  rig.model.fire_timers();
  ASSERT_EQ(rig.model.streams.size(), 1u);
  EXPECT_TRUE(std::get<models::FimRequest>(rig.stream(0).prompt).prompt.ends_with("x = v"));
  rig.stream(0).text("alue\n");
  EXPECT_EQ(b.get().text, "alue");
}

TEST(CompletionEngine, CancellingDuringTheDebounceStartsNothing) {
  Rig rig;
  CompletionOptions slow = fim();
  slow.debounce = std::chrono::milliseconds(150);
  Asked a = rig.ask(typed(""), slow);
  rig.engine->cancel(a.ticket);
  EXPECT_EQ(rig.model.live_timers(), 0);
  rig.model.fire_timers();
  EXPECT_TRUE(rig.model.streams.empty());
}

TEST(CompletionEngine, ErrorsAreReportedOncePerMessageUntilASuccess) {
  Rig rig;
  Asked a = rig.ask(typed("a"));
  rig.stream(0).fail("cannot reach http://127.0.0.1:9/v1");
  ASSERT_TRUE(a.answered());
  EXPECT_EQ(a.get().source, Source::kFailed);
  EXPECT_EQ(a.get().text, "");
  Asked b = rig.ask(typed("b"));
  rig.stream(1).fail("cannot reach http://127.0.0.1:9/v1");
  EXPECT_EQ(rig.model.errors.size(), 1u);
  rig.ask(typed("c"));
  rig.stream(2).text("ount\n");
  rig.ask(typed("d"));
  rig.stream(3).fail("cannot reach http://127.0.0.1:9/v1");
  EXPECT_EQ(rig.model.errors.size(), 2u);
  // A failed completion is not cached.
  rig.ask(typed("a"));
  EXPECT_EQ(rig.model.streams.size(), 5u);
}

TEST(CompletionEngine, AnotherModelDropsTheCache) {
  Rig rig;
  rig.ask(typed(""));
  rig.stream(0).text("one\n");
  CompletionOptions other = fim();
  other.model_key = "another model";
  Asked again = rig.ask(typed(""), other);
  EXPECT_FALSE(again.answered());
  EXPECT_EQ(rig.model.streams.size(), 2u);
}

TEST(CompletionEngine, DestroyingTheEngineAnswersAndStopsEverything) {
  Rig rig;
  Asked a = rig.ask(typed("", "file:///work/a.py"));
  Asked b = rig.ask(typed("", "file:///work/b.py"));
  rig.engine.reset();
  ASSERT_TRUE(a.answered());
  EXPECT_EQ(a.get().source, Source::kShutdown);
  ASSERT_TRUE(b.answered());
  EXPECT_TRUE(rig.stream(0).cancelled);
  EXPECT_TRUE(rig.stream(1).cancelled);
}

TEST(CompletionEngine, BlockCompletionsEndAtTheBlock) {
  Rig rig;
  Asked a = rig.ask(query_at("def f(xs):‸\n\n\nprint(f([1]))\n"));
  rig.stream(0).text("\n    total = 0\n    for x in xs:\n        total += x\n    return total\n\n");
  EXPECT_FALSE(a.answered());
  rig.stream(0).text("\ndef g():\n");
  ASSERT_TRUE(a.answered());
  EXPECT_EQ(a.get().text,
            "\n    total = 0\n    for x in xs:\n        total += x\n    return total");
  EXPECT_TRUE(rig.stream(0).cancelled);
}

}  // namespace
}  // namespace flint
