#pragma once
// Agent jobs, without LSP: a queue of jobs, at most `max_concurrent` running, each bounded in
// time, each run by a backend (a JobRunner: the built-in tool loop or an external command)
// that reports progress and ends with an outcome; a successful outcome's edits are handed to
// `apply` (the server turns them into one workspace/applyEdit) before the job is done — at
// once, or, with `hold_results`, only when the person asks (apply()), the job waiting `ready`
// meanwhile so that a result never lands while they type. Every change is told to the job's
// observer (the server's $/progress and flint/jobChanged).
//
// Lifecycle: queued -> running -> [ready ->] done | failed | cancelled | discarded; a queued
// job can be cancelled before it runs, a ready one discarded. Observers hear started() when a
// job starts running, ready() when its result waits, and ended() exactly once when it reaches
// a final state, whatever the path (done, failure, timeout, cancel, discard, shutdown).
// Progress is coalesced: at most one progressed() per `progress_interval` (the latest values).
//
// Thread contract: everything, runner callbacks included, runs on the executor given to the
// constructor (single-threaded). Runners do blocking work elsewhere and post back.

#include <asio/any_io_executor.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/jobs/file_edits.h"

namespace asio {
class thread_pool;
}

namespace flint {

enum class JobState { kQueued, kRunning, kReady, kDone, kFailed, kCancelled, kDiscarded };
std::string_view to_string(JobState state);
bool is_final(JobState state);

// Where a job was asked from: a file and, optionally, lines of it (0-based, inclusive).
struct JobTarget {
  std::string uri;
  std::optional<uint32_t> first_line;
  std::optional<uint32_t> last_line;
};

struct JobRequest {
  std::string instruction;
  std::string title;  // empty: the instruction's first line, shortened to ~60 characters
  std::optional<JobTarget> target;
};

struct JobInfo {
  std::string id;  // "job-1", "job-2", ...
  std::string title;
  JobState state = JobState::kQueued;
  std::string message;            // latest progress message
  std::optional<int> percentage;  // latest percentage, 0-100
  std::string summary;  // once ready or final: "2 files changed", the failure, "cancelled"
  JobRequest request;
  // While ready: the files the result changes (their URIs) and the number of changed runs.
  std::vector<std::string> result_files;
  size_t result_changes = 0;
};

struct JobProgress {
  std::optional<std::string> message;
  std::optional<int> percentage;
};

// How a backend's run ended.
struct JobOutcome {
  bool ok = false;
  std::string error;    // when !ok: one line for a person
  std::string summary;  // when ok: what the agent says it did
  std::vector<jobs::FileEdit> edits;

  static JobOutcome success(std::string summary, std::vector<jobs::FileEdit> edits = {}) {
    return JobOutcome{true, {}, std::move(summary), std::move(edits)};
  }
  static JobOutcome failure(std::string error) {
    return JobOutcome{false, std::move(error), {}, {}};
  }
};

// What a runner reports with; calls after the runner was cancelled are ignored.
struct JobSink {
  std::function<void(JobProgress)> progress;
  std::function<void(JobOutcome)> finish;  // once
};

// One running job's backend.
class JobRunner {
 public:
  virtual ~JobRunner() = default;
  // Stops the work (closes the model stream, terminates the process group). No sink call
  // follows; cleanup that takes time (a grace period before SIGKILL) goes on by itself.
  virtual void cancel() = 0;
  // The process is about to end: stop everything now, synchronously (SIGKILL, reap).
  virtual void kill_now() { cancel(); }
};

using RunnerFactory = std::function<std::unique_ptr<JobRunner>(const JobInfo&, JobSink)>;

// Per-job listener (the server's progress channel and notifications).
class JobObserver {
 public:
  virtual ~JobObserver() = default;
  virtual void queued(const JobInfo&) {}
  virtual void started(const JobInfo&) {}
  virtual void progressed(const JobInfo&) {}
  virtual void ready(const JobInfo&) {}
  virtual void ended(const JobInfo&) {}
};

// The answer of `apply`: ok with the summary ("2 files changed"), or the failure.
struct ApplyResult {
  bool ok = false;
  std::string message;
};

struct JobHooks {
  // Called at submit; may return null.
  std::function<std::unique_ptr<JobObserver>(const JobInfo&)> observe;
  // Lands a successful outcome's edits (never called without edits); `done` once, later.
  std::function<void(const JobInfo&, std::vector<jobs::FileEdit>,
                     std::function<void(ApplyResult)> done)>
      apply;
};

struct JobManagerOptions {
  int max_concurrent = 2;
  std::chrono::milliseconds timeout = std::chrono::seconds(900);
  std::chrono::milliseconds progress_interval{50};
  size_t max_kept_finished = 100;  // older finished jobs are forgotten (flint/jobs stays short)
  // A result with edits waits (state ready) for apply() or discard() instead of landing.
  bool hold_results = false;
};

class JobManager {
 public:
  JobManager(asio::any_io_executor executor, JobHooks hooks, JobManagerOptions options = {});
  // Kills what still runs (see shutdown()).
  ~JobManager();
  JobManager(const JobManager&) = delete;
  JobManager& operator=(const JobManager&) = delete;

  // Takes effect for scheduling at once, and for the timeouts of jobs that start afterwards.
  void set_options(const JobManagerOptions& options);
  const JobManagerOptions& options() const { return options_; }

  // Queues a job (it starts at once when a slot is free) and returns its id.
  std::string submit(JobRequest request, RunnerFactory runner);
  // Cancels a queued or running job (a ready one is discarded); nullopt for an unknown id. A
  // job whose edits are with the editor already is not cancelled (the editor's answer
  // decides): its state is returned.
  std::optional<JobState> cancel(const std::string& id);
  // Lands a ready job's result through the `apply` hook; `done` hears the job once it is final
  // (done, or failed when the edits could not land). The error says why nothing started: an
  // unknown id, or a job that is not ready.
  std::optional<std::string> apply(const std::string& id, std::function<void(const JobInfo&)> done);
  // Drops a ready job's result: it ends `discarded`. nullopt for an unknown id; otherwise the
  // state the job is in afterwards (unchanged when it was not ready).
  std::optional<JobState> discard(const std::string& id);
  // A ready job's edits, or null.
  const std::vector<jobs::FileEdit>* held_edits(const std::string& id) const;
  // Every running and queued job ends as cancelled, processes are killed synchronously.
  void shutdown();

  const JobInfo* find(const std::string& id) const;
  std::vector<JobInfo> list() const;  // in submission order
  size_t running_count() const { return running_; }

  // A small pool for runners' blocking work (tree walks); results are posted back.
  asio::any_io_executor workers();

  static std::string title_of(std::string_view instruction);

 private:
  struct Job;
  void start_ready();
  void start(Job& job);
  void on_progress(const std::string& id, uint64_t run, JobProgress progress);
  void on_finish(const std::string& id, uint64_t run, JobOutcome outcome);
  void flush_progress(Job& job);
  void end(Job& job, JobState state, std::string summary);
  void hold(Job& job, std::vector<jobs::FileEdit> edits, std::string agent_summary);
  void land(Job& job, std::vector<jobs::FileEdit> edits, std::string agent_summary,
            std::function<void(const JobInfo&)> done);
  void prune();
  Job* find_job(const std::string& id);

  asio::any_io_executor executor_;
  JobHooks hooks_;
  JobManagerOptions options_;
  std::map<uint64_t, std::unique_ptr<Job>> jobs_;  // by sequence number
  std::map<std::string, uint64_t> by_id_;
  uint64_t next_ = 1;
  uint64_t next_run_ = 1;  // each start of a job gets its own, so stale reports are told apart
  size_t running_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::unique_ptr<asio::thread_pool> workers_;  // created on first use; joined last
};

}  // namespace flint
