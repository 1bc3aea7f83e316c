// The job manager with scripted runners: queueing, limits, cancel, timeout, progress
// coalescing, and the observer's started/ended exactly once on every path.
#include "server/jobs/job_manager.h"

#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

namespace flint {
namespace {

using namespace std::chrono_literals;

// A runner the test drives by hand through its sink.
struct ManualRunner : JobRunner {
  explicit ManualRunner(JobSink s, int* cancels) : sink(std::move(s)), cancels(cancels) {}
  void cancel() override { ++*cancels; }
  JobSink sink;
  int* cancels;
};

struct Events : JobObserver {
  explicit Events(std::vector<std::string>* log, const std::string& id) : log(log), id(id) {}
  void queued(const JobInfo& i) override {
    log->push_back(id + " queued " + std::string(to_string(i.state)));
  }
  void started(const JobInfo&) override { log->push_back(id + " started"); }
  void progressed(const JobInfo& i) override {
    log->push_back(id + " progress " + i.message + " " +
                   (i.percentage ? std::to_string(*i.percentage) : "-"));
  }
  void ready(const JobInfo& i) override {
    log->push_back(id + " ready " + std::string(to_string(i.state)) + " " + i.summary);
  }
  void ended(const JobInfo& i) override {
    log->push_back(id + " ended " + std::string(to_string(i.state)) + " " + i.summary);
  }
  std::vector<std::string>* log;
  std::string id;
};

struct Rig {
  explicit Rig(JobManagerOptions options = {}) {
    hooks.observe = [this](const JobInfo& info) { return std::make_unique<Events>(&log, info.id); };
    hooks.apply = [this](const JobInfo&, std::vector<jobs::FileEdit> edits,
                         std::function<void(ApplyResult)> done) {
      applied.push_back(edits.size());
      pending_apply = std::move(done);
    };
    manager = std::make_unique<JobManager>(io.get_executor(), hooks, options);
  }
  std::string submit(const std::string& instruction) {
    return manager->submit(JobRequest{instruction, {}, std::nullopt},
                           [this](const JobInfo& info, JobSink sink) {
                             sinks[info.id] = sink;  // outlives the runner, to test late reports
                             return std::make_unique<ManualRunner>(std::move(sink), &cancels);
                           });
  }
  void run() {
    io.restart();
    io.poll();
  }
  void run_for(std::chrono::milliseconds d) {
    io.restart();
    io.run_for(d);
  }
  int count(const std::string& needle) const {
    int n = 0;
    for (const auto& l : log) n += l.rfind(needle, 0) == 0 ? 1 : 0;
    return n;
  }
  asio::io_context io;
  JobHooks hooks;
  std::vector<std::string> log;
  std::map<std::string, JobSink> sinks;
  std::vector<size_t> applied;
  std::function<void(ApplyResult)> pending_apply;
  int cancels = 0;
  std::unique_ptr<JobManager> manager;  // last: its destructor still reports to the above
};

TEST(JobManager, IdsTitlesAndTheConcurrencyLimit) {
  Rig rig(JobManagerOptions{.max_concurrent = 2});
  std::string a = rig.submit("first task\nwith details");
  std::string b = rig.submit(std::string(100, 'x'));
  std::string c = rig.submit("third");
  EXPECT_EQ(a, "job-1");
  EXPECT_EQ(c, "job-3");
  EXPECT_EQ(rig.manager->find(a)->title, "first task");
  EXPECT_LE(rig.manager->find(b)->title.size(), 64u);
  EXPECT_EQ(rig.manager->find(a)->state, JobState::kRunning);
  EXPECT_EQ(rig.manager->find(b)->state, JobState::kRunning);
  EXPECT_EQ(rig.manager->find(c)->state, JobState::kQueued);
  EXPECT_EQ(rig.count("job-3 started"), 0);
  // When one ends, the queued one starts.
  rig.sinks[a].finish(JobOutcome::failure("boom"));
  rig.run();
  EXPECT_EQ(rig.manager->find(a)->state, JobState::kFailed);
  EXPECT_EQ(rig.manager->find(a)->summary, "boom");
  EXPECT_EQ(rig.manager->find(c)->state, JobState::kRunning);
  EXPECT_EQ(rig.count("job-3 started"), 1);
  auto list = rig.manager->list();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].id, "job-1");
}

TEST(JobManager, SuccessWithEditsGoesThroughApply) {
  Rig rig;
  std::string id = rig.submit("edit things");
  jobs::FileEdit edit;
  edit.path = "/x";
  edit.replacements.push_back({0, 0, "y"});
  rig.sinks[id].finish(JobOutcome::success("renamed", {edit, edit}));
  rig.run();
  ASSERT_EQ(rig.applied, std::vector<size_t>{2});
  EXPECT_EQ(rig.manager->find(id)->state, JobState::kRunning);
  // A cancel while the editor holds the edit does not pretend to stop it.
  EXPECT_EQ(rig.manager->cancel(id), JobState::kRunning);
  rig.pending_apply(ApplyResult{true, "2 files changed"});
  EXPECT_EQ(rig.manager->find(id)->state, JobState::kDone);
  EXPECT_EQ(rig.manager->find(id)->summary, "2 files changed: renamed");
  EXPECT_EQ(rig.count("job-1 ended"), 1);
}

TEST(JobManager, RefusedApplyFailsTheJob) {
  Rig rig;
  std::string id = rig.submit("edit");
  jobs::FileEdit edit;
  edit.replacements.push_back({0, 0, "y"});
  rig.sinks[id].finish(JobOutcome::success("", {edit}));
  rig.run();
  rig.pending_apply(ApplyResult{false, "a.py changed since"});
  EXPECT_EQ(rig.manager->find(id)->state, JobState::kFailed);
  EXPECT_EQ(rig.manager->find(id)->summary, "a.py changed since");
}

jobs::FileEdit edit_of(const std::string& uri, size_t replacements) {
  jobs::FileEdit edit;
  edit.uri = uri;
  edit.path = "/" + uri;
  for (size_t i = 0; i < replacements; ++i)
    edit.replacements.push_back({uint32_t(i * 2), uint32_t(i * 2), "y"});
  return edit;
}

TEST(JobManager, AHeldResultWaitsReadyAndLandsWhenAsked) {
  Rig rig(JobManagerOptions{.max_concurrent = 1, .hold_results = true});
  std::string id = rig.submit("edit things");
  std::string next = rig.submit("queued behind it");
  rig.sinks[id].progress(JobProgress{"reading", 40});
  rig.run();
  rig.sinks[id].finish(JobOutcome::success("renamed", {edit_of("a", 2), edit_of("b", 1)}));
  rig.run();
  // Nothing lands by itself; the job waits, and its slot is free for the queued one.
  EXPECT_TRUE(rig.applied.empty());
  const JobInfo* info = rig.manager->find(id);
  EXPECT_EQ(info->state, JobState::kReady);
  EXPECT_EQ(info->summary, "3 changes in 2 files: renamed");
  EXPECT_EQ(info->result_files, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(info->result_changes, 3u);
  EXPECT_FALSE(info->percentage);  // no stale "40%" next to a finished job
  EXPECT_TRUE(info->message.empty());
  EXPECT_EQ(rig.count("job-1 ready ready 3 changes in 2 files"), 1);
  EXPECT_EQ(rig.manager->find(next)->state, JobState::kRunning);
  ASSERT_NE(rig.manager->held_edits(id), nullptr);
  EXPECT_EQ(rig.manager->held_edits(id)->size(), 2u);

  std::optional<JobState> told;
  EXPECT_FALSE(rig.manager->apply(id, [&](const JobInfo& i) { told = i.state; }));
  ASSERT_EQ(rig.applied, std::vector<size_t>{2});
  // Applying twice, or discarding while the editor holds the edit, changes nothing.
  EXPECT_TRUE(rig.manager->apply(id, nullptr));
  EXPECT_EQ(rig.manager->discard(id), JobState::kReady);
  rig.pending_apply(ApplyResult{true, "2 files changed"});
  EXPECT_EQ(told, JobState::kDone);
  EXPECT_EQ(rig.manager->find(id)->summary, "2 files changed: renamed");
  EXPECT_EQ(rig.count("job-1 ended"), 1);
  EXPECT_EQ(rig.manager->running_count(), 1u);  // only the queued one
  EXPECT_EQ(rig.manager->held_edits(id), nullptr);
}

TEST(JobManager, DiscardAndCancelOfAReadyJobEndItDiscarded) {
  Rig rig(JobManagerOptions{.hold_results = true});
  std::string a = rig.submit("one");
  std::string b = rig.submit("two");
  rig.sinks[a].finish(JobOutcome::success("", {edit_of("a", 1)}));
  rig.sinks[b].finish(JobOutcome::success("", {edit_of("b", 1)}));
  rig.run();
  EXPECT_EQ(rig.manager->discard(a), JobState::kDiscarded);
  EXPECT_EQ(rig.manager->find(a)->summary, "discarded: 1 change in 1 file");
  EXPECT_EQ(rig.manager->cancel(b), JobState::kDiscarded);
  EXPECT_TRUE(rig.applied.empty());
  EXPECT_EQ(rig.count("job-1 ended discarded"), 1);
  EXPECT_EQ(rig.count("job-2 ended discarded"), 1);
  EXPECT_TRUE(rig.manager->apply(a, nullptr).has_value());  // nothing waits any more
  EXPECT_FALSE(rig.manager->discard("job-9"));
  EXPECT_EQ(rig.manager->running_count(), 0u);
}

TEST(JobManager, AReadyJobAtShutdownEndsOnceNotApplied) {
  Rig rig(JobManagerOptions{.hold_results = true});
  std::string id = rig.submit("one");
  rig.sinks[id].finish(JobOutcome::success("", {edit_of("a", 1)}));
  rig.run();
  rig.manager->shutdown();
  EXPECT_EQ(rig.manager->find(id)->state, JobState::kCancelled);
  EXPECT_EQ(rig.manager->find(id)->summary, "not applied: flint is exiting (1 change in 1 file)");
  EXPECT_EQ(rig.count("job-1 ended"), 1);
}

TEST(JobManager, AManyLineAnswerIsSummedUpInItsFirstLine) {
  Rig rig;
  std::string id = rig.submit("explain");
  rig.sinks[id].finish(JobOutcome::success(
      "\n  The function sums prices.  \nIt ignores names.\nIt returns a float.\n"));
  rig.run();
  EXPECT_EQ(rig.manager->find(id)->summary, "no changes: The function sums prices.…");
  std::string other = rig.submit("long");
  rig.sinks[other].finish(JobOutcome::success(std::string(300, 'x')));
  rig.run();
  EXPECT_EQ(rig.manager->find(other)->summary, "no changes: " + std::string(160, 'x') + "…");
}

TEST(JobManager, NoEditsIsDoneWithoutApply) {
  Rig rig;
  std::string id = rig.submit("look only");
  rig.sinks[id].finish(JobOutcome::success("nothing to do"));
  rig.run();
  EXPECT_TRUE(rig.applied.empty());
  EXPECT_EQ(rig.manager->find(id)->state, JobState::kDone);
  EXPECT_EQ(rig.manager->find(id)->summary, "no changes: nothing to do");
}

TEST(JobManager, CancelQueuedAndRunningJobsEndsThemOnce) {
  Rig rig(JobManagerOptions{.max_concurrent = 1});
  std::string a = rig.submit("a");
  std::string b = rig.submit("b");
  EXPECT_EQ(rig.manager->cancel(b), JobState::kCancelled);
  EXPECT_EQ(rig.count("job-2 started"), 0);
  EXPECT_EQ(rig.count("job-2 ended cancelled"), 1);
  EXPECT_EQ(rig.manager->cancel(a), JobState::kCancelled);
  EXPECT_EQ(rig.cancels, 1);
  // Late reports of a cancelled runner are ignored.
  rig.sinks[a].progress(JobProgress{"late", 50});
  rig.sinks[a].finish(JobOutcome::success("late"));
  rig.run();
  EXPECT_EQ(rig.manager->find(a)->state, JobState::kCancelled);
  EXPECT_EQ(rig.count("job-1 ended"), 1);
  EXPECT_EQ(rig.count("job-1 progress"), 0);
  EXPECT_EQ(rig.manager->cancel(a), JobState::kCancelled);  // idempotent
  EXPECT_FALSE(rig.manager->cancel("job-99"));
}

TEST(JobManager, TimeoutFailsAndCancelsTheRunner) {
  Rig rig(JobManagerOptions{.timeout = 30ms});
  std::string id = rig.submit("slow");
  for (int i = 0; i < 200 && !is_final(rig.manager->find(id)->state); ++i) rig.run_for(10ms);
  EXPECT_EQ(rig.manager->find(id)->state, JobState::kFailed);
  EXPECT_NE(rig.manager->find(id)->summary.find("timed out"), std::string::npos);
  EXPECT_GE(rig.cancels, 1);
  EXPECT_EQ(rig.count("job-1 ended"), 1);
}

TEST(JobManager, ProgressIsCoalescedToTheLatest) {
  Rig rig(JobManagerOptions{.progress_interval = 200ms});
  std::string id = rig.submit("busy");
  auto& sink = rig.sinks[id];
  sink.progress(JobProgress{"one", 10});  // first: at once
  for (int i = 0; i < 50; ++i) sink.progress(JobProgress{"step " + std::to_string(i), i});
  EXPECT_EQ(rig.count("job-1 progress"), 1);
  for (int i = 0; i < 100 && rig.count("job-1 progress") < 2; ++i) rig.run_for(10ms);
  ASSERT_EQ(rig.count("job-1 progress"), 2);
  EXPECT_EQ(rig.log.back(), "job-1 progress step 49 49");
  // A message-only report keeps the last percentage.
  rig.run_for(250ms);
  sink.progress(JobProgress{"msg", std::nullopt});
  EXPECT_EQ(rig.log.back(), "job-1 progress msg 49");
}

TEST(JobManager, ShutdownEndsEverythingAndKills) {
  Rig rig(JobManagerOptions{.max_concurrent = 1});
  rig.submit("a");
  rig.submit("b");
  rig.manager->shutdown();
  EXPECT_EQ(rig.count("job-1 ended cancelled"), 1);
  EXPECT_EQ(rig.count("job-2 ended cancelled"), 1);
  EXPECT_EQ(rig.count("job-2 started"), 0);
  EXPECT_EQ(rig.cancels, 1);
  rig.manager.reset();
  EXPECT_EQ(rig.count("job-1 ended"), 1);
}

TEST(JobManager, AFactoryThatThrowsFailsTheJob) {
  Rig rig;
  std::string id = rig.manager->submit(
      JobRequest{"x", {}, std::nullopt}, [](const JobInfo&, JobSink) -> std::unique_ptr<JobRunner> {
        throw std::runtime_error("cannot run 'agent': No such file or directory");
      });
  EXPECT_EQ(rig.manager->find(id)->state, JobState::kFailed);
  EXPECT_NE(rig.manager->find(id)->summary.find("No such file"), std::string::npos);
  EXPECT_EQ(rig.manager->running_count(), 0u);
}

TEST(JobManager, OldFinishedJobsAreForgotten) {
  Rig rig(JobManagerOptions{.max_kept_finished = 3});
  for (int i = 0; i < 6; ++i) rig.manager->cancel(rig.submit("t"));
  rig.run();
  auto list = rig.manager->list();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list.front().id, "job-4");
  EXPECT_EQ(rig.manager->find("job-1"), nullptr);
}

}  // namespace
}  // namespace flint
