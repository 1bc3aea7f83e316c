#include "server/jobs/job_manager.h"

#include <spdlog/spdlog.h>

#include <asio/post.hpp>
#include <asio/thread_pool.hpp>

namespace flint {

std::string_view to_string(JobState state) {
  switch (state) {
    case JobState::kQueued:
      return "queued";
    case JobState::kRunning:
      return "running";
    case JobState::kReady:
      return "ready";
    case JobState::kDone:
      return "done";
    case JobState::kFailed:
      return "failed";
    case JobState::kCancelled:
      return "cancelled";
    case JobState::kDiscarded:
      return "discarded";
  }
  return "failed";
}

bool is_final(JobState state) {
  return state == JobState::kDone || state == JobState::kFailed || state == JobState::kCancelled ||
         state == JobState::kDiscarded;
}

namespace {

// What the agent said it did, as one line for a status bar or a notification: its first line
// that says something, shortened (the whole text goes to the log).
std::string one_line(const std::string& said) {
  constexpr size_t kMax = 160;
  size_t start = said.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return {};
  size_t end = said.find('\n', start);
  std::string line = said.substr(start, end == std::string::npos ? std::string::npos : end - start);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t'))
    line.pop_back();
  bool more =
      end != std::string::npos && said.find_first_not_of(" \t\r\n", end) != std::string::npos;
  if (line.size() > kMax) {
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    line.resize(cut);
    more = true;
  }
  return more ? line + "…" : line;
}

// "3 changes in 2 files", "1 change in 1 file".
std::string describe_result(size_t changes, size_t files) {
  return std::to_string(changes) + (changes == 1 ? " change in " : " changes in ") +
         std::to_string(files) + (files == 1 ? " file" : " files");
}

}  // namespace

struct JobManager::Job {
  explicit Job(const asio::any_io_executor& executor)
      : timeout(executor), progress_timer(executor) {}
  uint64_t seq = 0;
  JobInfo info;
  RunnerFactory factory;
  std::unique_ptr<JobRunner> runner;
  std::unique_ptr<JobObserver> observer;
  asio::steady_timer timeout;
  asio::steady_timer progress_timer;
  uint64_t run = 0;  // sink calls carry it: a stale runner's calls are ignored
  bool applying = false;
  bool progress_pending = false;
  std::vector<jobs::FileEdit> held;  // while ready: the result waiting for the person
  std::string agent_summary;         // while ready: what the agent said it did
  std::chrono::steady_clock::time_point last_progress{};
};

JobManager::JobManager(asio::any_io_executor executor, JobHooks hooks, JobManagerOptions options)
    : executor_(std::move(executor)), hooks_(std::move(hooks)), options_(options) {}

JobManager::~JobManager() {
  shutdown();
  alive_.reset();
  if (workers_) workers_->join();
}

asio::any_io_executor JobManager::workers() {
  if (!workers_) workers_ = std::make_unique<asio::thread_pool>(2);
  return workers_->get_executor();
}

void JobManager::set_options(const JobManagerOptions& options) {
  options_ = options;
  start_ready();
}

std::string JobManager::title_of(std::string_view instruction) {
  constexpr size_t kMax = 60;
  size_t start = instruction.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return "agent job";
  std::string_view line = instruction.substr(start);
  line = line.substr(0, line.find('\n'));
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t')) {
    line.remove_suffix(1);
  }
  if (line.size() <= kMax) return std::string(line);
  size_t cut = kMax;
  // Do not split a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
  size_t space = line.rfind(' ', cut);
  if (space != std::string_view::npos && space > kMax / 2) cut = space;
  return std::string(line.substr(0, cut)) + "…";
}

std::string JobManager::submit(JobRequest request, RunnerFactory runner) {
  auto job = std::make_unique<Job>(executor_);
  job->seq = next_++;
  job->info.id = "job-" + std::to_string(job->seq);
  job->info.title = request.title.empty() ? title_of(request.instruction) : request.title;
  job->info.request = std::move(request);
  job->factory = std::move(runner);
  if (hooks_.observe) job->observer = hooks_.observe(job->info);
  std::string id = job->info.id;
  Job& ref = *job;
  by_id_[id] = job->seq;
  jobs_[job->seq] = std::move(job);
  spdlog::info("{}: queued: {}", id, ref.info.title);
  if (ref.observer) ref.observer->queued(ref.info);
  start_ready();
  return id;
}

JobManager::Job* JobManager::find_job(const std::string& id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return nullptr;
  auto job = jobs_.find(it->second);
  return job == jobs_.end() ? nullptr : job->second.get();
}

const JobInfo* JobManager::find(const std::string& id) const {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return nullptr;
  auto job = jobs_.find(it->second);
  return job == jobs_.end() ? nullptr : &job->second->info;
}

std::vector<JobInfo> JobManager::list() const {
  std::vector<JobInfo> out;
  for (const auto& [seq, job] : jobs_) out.push_back(job->info);
  return out;
}

void JobManager::start_ready() {
  for (auto& [seq, job] : jobs_) {
    if (running_ >= static_cast<size_t>(std::max(1, options_.max_concurrent))) return;
    if (job->info.state == JobState::kQueued) start(*job);
  }
}

void JobManager::start(Job& job) {
  ++running_;
  job.info.state = JobState::kRunning;
  job.run = next_run_++;
  spdlog::info("{}: running", job.info.id);
  if (job.observer) job.observer->started(job.info);

  std::string id = job.info.id;
  uint64_t run = job.run;
  std::weak_ptr<bool> alive = alive_;
  JobSink sink;
  sink.progress = [this, alive, id, run](JobProgress progress) {
    if (alive.expired()) return;
    on_progress(id, run, std::move(progress));
  };
  // Finishing is posted: the runner is never destroyed from inside its own call.
  sink.finish = [this, alive, id, run, executor = executor_](JobOutcome outcome) {
    asio::post(executor, [this, alive, id, run, outcome = std::move(outcome)]() mutable {
      if (alive.expired()) return;
      on_finish(id, run, std::move(outcome));
    });
  };
  job.timeout.expires_after(options_.timeout);
  auto timeout = options_.timeout;
  job.timeout.async_wait([this, alive, id, run, timeout](const std::error_code& ec) {
    if (ec || alive.expired()) return;
    Job* j = find_job(id);
    if (!j || j->run != run || is_final(j->info.state) || j->applying) return;
    if (j->runner) j->runner->cancel();
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
    end(*j, JobState::kFailed, "timed out after " + std::to_string(seconds) + " s (jobs.timeoutS)");
  });
  try {
    job.runner = job.factory(job.info, std::move(sink));
  } catch (const std::exception& e) {
    end(job, JobState::kFailed, std::string("could not start: ") + e.what());
    return;
  }
  if (!job.runner && !is_final(job.info.state)) {
    end(job, JobState::kFailed, "no backend could run this job");
  }
}

void JobManager::on_progress(const std::string& id, uint64_t run, JobProgress progress) {
  Job* job = find_job(id);
  if (!job || job->run != run || job->info.state != JobState::kRunning || job->applying) return;
  if (progress.message) job->info.message = *progress.message;
  if (progress.percentage) job->info.percentage = std::clamp(*progress.percentage, 0, 100);
  auto now = std::chrono::steady_clock::now();
  if (now - job->last_progress >= options_.progress_interval) {
    flush_progress(*job);
    return;
  }
  if (job->progress_pending) return;
  job->progress_pending = true;
  job->progress_timer.expires_at(job->last_progress + options_.progress_interval);
  std::weak_ptr<bool> alive = alive_;
  job->progress_timer.async_wait([this, alive, id, run](const std::error_code& ec) {
    if (ec || alive.expired()) return;
    Job* j = find_job(id);
    if (!j || j->run != run || !j->progress_pending || is_final(j->info.state)) return;
    flush_progress(*j);
  });
}

void JobManager::flush_progress(Job& job) {
  job.progress_pending = false;
  job.progress_timer.cancel();
  job.last_progress = std::chrono::steady_clock::now();
  if (job.observer) job.observer->progressed(job.info);
}

void JobManager::on_finish(const std::string& id, uint64_t run, JobOutcome outcome) {
  Job* job = find_job(id);
  if (!job || job->run != run || job->info.state != JobState::kRunning || job->applying) return;
  job->timeout.cancel();
  job->runner.reset();
  if (outcome.ok && outcome.summary.find('\n') != std::string::npos)
    spdlog::info("{}: the agent said:\n{}", id, outcome.summary);
  if (!outcome.ok) {
    end(*job, JobState::kFailed, outcome.error.empty() ? "the job failed" : outcome.error);
    return;
  }
  if (outcome.edits.empty() || !hooks_.apply) {
    std::string summary = "no changes";
    if (!outcome.summary.empty()) summary += ": " + one_line(outcome.summary);
    end(*job, JobState::kDone, summary);
    return;
  }
  if (options_.hold_results) {
    hold(*job, std::move(outcome.edits), one_line(outcome.summary));
    return;
  }
  land(*job, std::move(outcome.edits), one_line(outcome.summary), nullptr);
}

void JobManager::hold(Job& job, std::vector<jobs::FileEdit> edits, std::string agent_summary) {
  job.info.result_files.clear();
  job.info.result_changes = 0;
  for (const auto& edit : edits) {
    if (edit.replacements.empty()) continue;
    job.info.result_files.push_back(edit.uri);
    job.info.result_changes += edit.replacements.size();
  }
  job.held = std::move(edits);
  job.agent_summary = std::move(agent_summary);
  job.info.state = JobState::kReady;
  job.info.message.clear();
  job.info.percentage.reset();
  job.info.summary = describe_result(job.info.result_changes, job.info.result_files.size());
  if (!job.agent_summary.empty()) job.info.summary += ": " + job.agent_summary;
  job.progress_pending = false;
  job.progress_timer.cancel();
  --running_;  // the slot is free: the result waits without holding back other jobs
  spdlog::info("{}: ready: {}", job.info.id, job.info.summary);
  if (job.observer) job.observer->ready(job.info);
  start_ready();
}

void JobManager::land(Job& job, std::vector<jobs::FileEdit> edits, std::string agent_summary,
                      std::function<void(const JobInfo&)> done) {
  job.applying = true;
  job.info.message = "applying edits to " + std::to_string(edits.size()) +
                     (edits.size() == 1 ? " file" : " files");
  if (job.info.state == JobState::kRunning) flush_progress(job);
  std::weak_ptr<bool> alive = alive_;
  std::string id = job.info.id;
  uint64_t run = job.run;
  hooks_.apply(job.info, std::move(edits),
               [this, alive, id, run, agent_summary = std::move(agent_summary),
                done = std::move(done)](const ApplyResult& result) {
                 if (alive.expired()) return;
                 Job* j = find_job(id);
                 if (!j || j->run != run || is_final(j->info.state)) return;
                 j->applying = false;
                 std::string summary = result.message;
                 if (result.ok && !agent_summary.empty()) summary += ": " + agent_summary;
                 end(*j, result.ok ? JobState::kDone : JobState::kFailed, summary);
                 if (done) done(j->info);
               });
}

std::optional<std::string> JobManager::apply(const std::string& id,
                                             std::function<void(const JobInfo&)> done) {
  Job* job = find_job(id);
  if (!job) return "no such job: " + id;
  if (job->info.state != JobState::kReady || job->applying) {
    return id + " has no result waiting (it is " +
           std::string(job->applying ? "applying its edits" : to_string(job->info.state)) + ")";
  }
  if (!hooks_.apply) return std::string("this server cannot apply edits");
  std::vector<jobs::FileEdit> edits = std::move(job->held);
  job->held.clear();
  land(*job, std::move(edits), std::move(job->agent_summary), std::move(done));
  return std::nullopt;
}

std::optional<JobState> JobManager::discard(const std::string& id) {
  Job* job = find_job(id);
  if (!job) return std::nullopt;
  if (job->info.state == JobState::kReady && !job->applying) {
    end(*job, JobState::kDiscarded, "discarded: " + job->info.summary);
  }
  return job->info.state;
}

const std::vector<jobs::FileEdit>* JobManager::held_edits(const std::string& id) const {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return nullptr;
  auto job = jobs_.find(it->second);
  if (job == jobs_.end() || job->second->info.state != JobState::kReady) return nullptr;
  return &job->second->held;
}

std::optional<JobState> JobManager::cancel(const std::string& id) {
  Job* job = find_job(id);
  if (!job) return std::nullopt;
  if (is_final(job->info.state) || job->applying) return job->info.state;
  if (job->info.state == JobState::kReady) return discard(id);
  if (job->runner) {
    job->runner->cancel();
    job->runner.reset();
  }
  end(*job, JobState::kCancelled, "cancelled");
  return job->info.state;
}

void JobManager::shutdown() {
  for (auto& [seq, job] : jobs_) {
    if (is_final(job->info.state)) continue;
    if (job->runner) {
      job->runner->kill_now();
      job->runner.reset();
    }
    job->applying = false;
    job->held.clear();
    // end() would start queued jobs: mark them all first.
    job->info.summary = job->info.state == JobState::kReady
                            ? "not applied: flint is exiting (" + job->info.summary + ")"
                            : "cancelled: flint is exiting";
    job->info.state = JobState::kCancelled;
    job->timeout.cancel();
    job->progress_timer.cancel();
    if (job->observer) job->observer->ended(job->info);
  }
  running_ = 0;
}

void JobManager::end(Job& job, JobState state, std::string summary) {
  if (is_final(job.info.state)) return;
  // A ready job gave its slot back when it became ready; applying it holds none.
  bool was_running = job.info.state == JobState::kRunning;
  job.info.state = state;
  job.info.summary = std::move(summary);
  job.info.message.clear();
  job.info.percentage.reset();
  job.held.clear();
  job.applying = false;
  job.progress_pending = false;
  job.timeout.cancel();
  job.progress_timer.cancel();
  if (job.runner) {
    job.runner->cancel();
    // Destroyed later: end() may be reached from inside the runner's own stack.
    asio::post(executor_, [runner = std::shared_ptr<JobRunner>(std::move(job.runner))] {});
  }
  if (was_running) --running_;
  spdlog::info("{}: {}: {}", job.info.id, to_string(state), job.info.summary);
  if (job.observer) job.observer->ended(job.info);
  prune();
  start_ready();
}

void JobManager::prune() {
  size_t finished = 0;
  for (const auto& [seq, job] : jobs_) finished += is_final(job->info.state) ? 1 : 0;
  for (auto it = jobs_.begin(); it != jobs_.end() && finished > options_.max_kept_finished;) {
    if (is_final(it->second->info.state)) {
      by_id_.erase(it->second->info.id);
      // The job may be on the stack (end() of its own timer); free it later.
      asio::post(executor_, [dead = std::shared_ptr<Job>(std::move(it->second))] {});
      it = jobs_.erase(it);
      --finished;
    } else {
      ++it;
    }
  }
}

}  // namespace flint
