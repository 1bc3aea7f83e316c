// flint.agentTask, flint.cancelJob, flint.applyJob, flint.discardJob, flint/jobs,
// flint/jobPreview, window/workDoneProgress/cancel and escalated inline edits: the LSP side of
// agent jobs. JobManager (job_manager.h) queues and runs them; this file picks the backend,
// turns job changes into $/progress (or window/showMessage) and flint/jobChanged, and lands
// results as one workspace/applyEdit: at once (with a change annotation asking the editor to
// confirm) for plain LSP clients, or when the person asks for flint's plugins, which declare
// experimental.flint.jobReview and offer Review / Apply / Discard without taking the keys.
#include <spdlog/spdlog.h>

#include "protocol/lsp_types.h"
#include "protocol/progress_channel.h"
#include "server/command_types.h"
#include "server/documents.h"
#include "server/edits/edit_engine.h"
#include "server/jobs/builtin_agent.h"
#include "server/jobs/command_runner.h"
#include "server/jobs/job_manager.h"
#include "server/jobs/workspace.h"
#include "server/jobs/workspace_edit.h"
#include "server/models/model_client.h"
#include "server/server.h"

namespace flint {

using nlohmann::json;
using protocol::ErrorCode;
using protocol::Reply;

namespace {

constexpr std::string_view kTokenPrefix = "flint/";
constexpr int kMaxApplyAttempts = 3;
constexpr size_t kMaxRegionContext = size_t{16} * 1024;

JobStatus job_status(const JobInfo& info) {
  JobStatus status;
  status.jobId = info.id;
  status.title = info.title;
  status.state = std::string(to_string(info.state));
  if (!info.message.empty()) status.message = info.message;
  status.percentage = info.percentage;
  if (!info.summary.empty()) status.summary = info.summary;
  if (info.state == JobState::kReady) {
    status.files = info.result_files;
    status.changes = info.result_changes;
  }
  return status;
}

json token_of(const std::string& job_id) {
  return std::string(kTokenPrefix) + job_id;
}

std::optional<std::string> job_of_token(const json& token) {
  if (!token.is_string()) return std::nullopt;
  std::string t = token.get<std::string>();
  if (t.rfind(kTokenPrefix, 0) != 0) return std::nullopt;
  return t.substr(kTokenPrefix.size());
}

std::optional<jobs::OpenText> open_text(DocumentStore& store,
                                        const std::filesystem::path& canonical);

// Jobs look open documents up through this, never through the store itself.
jobs::FindOpenDocument finder(DocumentStore& store) {
  return [&store](const std::filesystem::path& canonical) { return open_text(store, canonical); };
}

// flint/jobChanged on every change, and the job's progress channel.
class LspJobObserver final : public JobObserver {
 public:
  LspJobObserver(protocol::Dispatcher::OutgoingNotification<JobStatus> job_changed, bool supported,
                 const JobInfo& info, protocol::ProgressTransport transport)
      : job_changed_(std::move(job_changed)),
        channel_(supported, token_of(info.id), std::move(transport)) {}

  void queued(const JobInfo& info) override { changed(info); }
  void started(const JobInfo& info) override {
    changed(info);
    channel_.begin("flint: " + info.title,
                   info.message.empty() ? std::nullopt : std::optional(info.message),
                   info.percentage);
  }
  void progressed(const JobInfo& info) override {
    changed(info);
    channel_.report(info.message.empty() ? std::nullopt : std::optional(info.message),
                    info.percentage);
  }
  // The work is over when the result waits: the progress ends, the result is told.
  void ready(const JobInfo& info) override {
    channel_.end("ready: " + info.summary, false);
    changed(info);
  }
  // The progress ends before the final state is told, so a client that sees the state has
  // its progress closed already.
  void ended(const JobInfo& info) override {
    channel_.end(info.summary, info.state == JobState::kFailed);
    changed(info);
  }

 private:
  void changed(const JobInfo& info) { job_changed_(job_status(info)); }

  protocol::Dispatcher::OutgoingNotification<JobStatus> job_changed_;
  protocol::ProgressChannel channel_;
};

// Lands a job's edits: one workspace/applyEdit; when the editor refuses it because a document
// moved on meanwhile, the edits are placed again and re-sent (a few times at most).
class EditDelivery : public std::enable_shared_from_this<EditDelivery> {
 public:
  // `confirm`: the editor is asked to confirm (a change annotation), for clients where the
  // person has not chosen to apply already.
  EditDelivery(DocumentStore& store, protocol::Dispatcher& dispatcher, bool document_changes,
               bool confirm, const JobInfo& info, std::vector<jobs::FileEdit> edits,
               std::function<void(ApplyResult)> done)
      : store_(store), dispatcher_(dispatcher), edits_(std::move(edits)), done_(std::move(done)) {
    options_.label = "flint: " + info.title;
    if (confirm) {
      options_.annotation_id = "flint." + info.id;
      options_.annotation_description = info.request.instruction.substr(0, 500);
    }
    options_.document_changes = document_changes;
  }

  void send() {
    ++attempts_;
    auto built = jobs::build_workspace_edit(finder(store_), store_.encoding(), edits_, options_);
    if (auto* error = std::get_if<std::string>(&built)) {
      done_(ApplyResult{false, *error});
      return;
    }
    auto edit = std::get<jobs::BuiltWorkspaceEdit>(std::move(built));
    if (edit.files == 0) {
      done_(ApplyResult{true, "no changes"});
      return;
    }
    size_t files = edit.files;
    auto versions = edit.versions;
    auto apply =
        dispatcher_.outgoing_method<protocol::ApplyWorkspaceEditParams>("workspace/applyEdit");
    apply({options_.label, std::move(edit.edit)},
          [self = shared_from_this(), files, versions](const protocol::Expected<json>& result) {
            self->on_answer(result, files, versions);
          });
  }

 private:
  void on_answer(const protocol::Expected<json>& result, size_t files,
                 const std::map<std::string, int64_t>& versions) {
    auto answer = result.ok() ? protocol::read_apply_result(result.value())
                              : protocol::ApplyWorkspaceEditResult{};
    if (answer.applied) {
      done_(ApplyResult{true, jobs::files_changed(files)});
      return;
    }
    std::string reason = !result.ok() ? result.error().message : answer.failureReason;
    bool moved = false;
    for (const auto& [uri, version] : versions) {
      const Document* doc = store_.find(uri);
      if (doc && doc->version != version) moved = true;
    }
    if (result.ok() && moved && attempts_ < kMaxApplyAttempts) {
      spdlog::debug("job edit refused while a document moved on ({}): placing it again", reason);
      send();
      return;
    }
    done_(ApplyResult{
        false, "the editor did not apply the edits" + (reason.empty() ? "" : ": " + reason)});
  }

  DocumentStore& store_;
  protocol::Dispatcher& dispatcher_;
  std::vector<jobs::FileEdit> edits_;
  std::function<void(ApplyResult)> done_;
  jobs::WorkspaceEditOptions options_;
  int attempts_ = 0;
};

// What a backend needs from the server, gathered where the server's members are visible.
struct JobContext {
  const Config& config;
  models::ModelClient& models;
  DocumentStore& documents;
  const std::vector<std::string>& roots;
  asio::io_context& io;
  JobManager& jobs;
  bool hold_results = false;  // the client offers the result to the person (jobReview)
  std::shared_ptr<const Privacy> privacy;
};

// The open document for a file (compared by canonical path, so any spelling of its URI
// matches), or null.
Document* find_open_document(DocumentStore& store, const std::filesystem::path& canonical) {
  Document* found = nullptr;
  store.for_each([&](Document& doc) {
    if (found) return;
    auto path = jobs::path_from_uri(doc.uri);
    if (!path) return;
    std::error_code ec;
    auto doc_path = std::filesystem::weakly_canonical(*path, ec);
    if ((ec ? path->lexically_normal() : doc_path) == canonical) found = &doc;
  });
  return found;
}

std::optional<jobs::OpenText> open_text(DocumentStore& store,
                                        const std::filesystem::path& canonical) {
  Document* doc = find_open_document(store, canonical);
  if (!doc) return std::nullopt;
  return jobs::OpenText{doc->uri, canonical, doc->text.text(), doc->version};
}

std::vector<jobs::OpenText> all_open(DocumentStore& store) {
  std::vector<jobs::OpenText> out;
  store.for_each([&](Document& doc) {
    auto path = jobs::path_from_uri(doc.uri);
    if (!path) return;
    std::error_code ec;
    std::filesystem::path canonical = std::filesystem::weakly_canonical(*path, ec);
    if (ec) return;
    out.push_back({doc.uri, canonical, doc.text.text(), doc.version});
  });
  return out;
}

// The task as the builtin agent reads it: the instruction, then where the person is.
std::string describe_task(const JobRequest& request, const jobs::Workspace& workspace,
                          DocumentStore& store) {
  std::string task = request.instruction;
  if (request.target) {
    auto path = jobs::path_from_uri(request.target->uri);
    std::string name = request.target->uri;
    if (path) {
      std::error_code ec;
      std::string rel = workspace.relative(std::filesystem::weakly_canonical(*path, ec));
      if (!rel.empty()) name = rel;
    }
    task += "\n\nThe person asked this from " + name;
    const Document* doc = store.find(request.target->uri);
    std::optional<std::string> private_target;
    if (path) {
      std::error_code ec;
      private_target = workspace.why_private(std::filesystem::weakly_canonical(*path, ec), false);
    }
    if (private_target) {
      // Its name only: the agent's tools refuse its text too.
      task += " (a private file: " + *private_target + ")";
    } else if (request.target->first_line && request.target->last_line) {
      uint32_t first = *request.target->first_line;
      uint32_t last = *request.target->last_line;
      task += ", lines " + std::to_string(first + 1) + "-" + std::to_string(last + 1);
      if (doc) {
        std::string region =
            doc->text.substr(doc->text.line_start(first), doc->text.line_start(last + 1));
        if (region.size() <= kMaxRegionContext)
          task +=
              ":\n```\n" + region + (region.empty() || region.back() == '\n' ? "" : "\n") + "```";
      }
    }
    task += "\n";
  }
  std::vector<std::string> open;
  store.for_each([&](Document& doc) {
    auto path = jobs::path_from_uri(doc.uri);
    std::error_code ec;
    if (path) {
      std::string rel = workspace.relative(std::filesystem::weakly_canonical(*path, ec));
      if (!rel.empty()) open.push_back(rel);
    }
  });
  if (!open.empty()) {
    task += "\nFiles open in the editor:";
    for (const auto& f : open) task += " " + f;
    task += "\n";
  }
  return task;
}

// The command backend's stdin: {instruction, files, region?} with workspace-relative paths
// and 1-based lines.
std::string command_input(const JobRequest& request, const jobs::Workspace& workspace,
                          DocumentStore& store) {
  json files = json::array();
  auto add = [&](const std::string& uri) {
    auto path = jobs::path_from_uri(uri);
    if (!path) return;
    std::error_code ec;
    std::string rel = workspace.relative(std::filesystem::weakly_canonical(*path, ec));
    if (rel.empty()) return;
    for (const auto& f : files) {
      if (f == rel) return;
    }
    files.push_back(rel);
  };
  if (request.target) add(request.target->uri);
  store.for_each([&](Document& doc) { add(doc.uri); });
  json input{{"instruction", request.instruction}, {"files", files}};
  // flint cannot police what an external program reads: it says what the person keeps private.
  json excluded_files = json::array();
  for (const auto& f : files) {
    std::error_code ec;
    auto canonical = std::filesystem::weakly_canonical(workspace.root() / f.get<std::string>(), ec);
    if (auto why = workspace.why_private(canonical, false))
      excluded_files.push_back(json{{"path", f}, {"why", *why}});
  }
  json rules = json::array();
  if (workspace.privacy())
    for (const auto& rule : workspace.privacy()->rules()) rules.push_back(rule);
  input["excluded"] =
      json{{"rules", std::move(rules)}, {"files", std::move(excluded_files)}, {"gitIgnored", true}};
  if (request.target && request.target->first_line && request.target->last_line) {
    auto path = jobs::path_from_uri(request.target->uri);
    std::error_code ec;
    std::string rel = path ? workspace.relative(std::filesystem::weakly_canonical(*path, ec)) : "";
    input["region"] = json{{"path", rel.empty() ? request.target->uri : rel},
                           {"firstLine", *request.target->first_line + 1},
                           {"lastLine", *request.target->last_line + 1}};
  }
  return input.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

// The runner factory for the configured backend, or why jobs cannot run now.
std::variant<RunnerFactory, std::string> backend_for(const JobContext& ctx) {
  jobs::Workspace workspace = jobs::Workspace::from_uris(ctx.roots);
  workspace.set_privacy(ctx.privacy);
  if (workspace.empty()) {
    return std::string(
        "agent jobs need a workspace folder (the editor opened no folder, or not a file:// one)");
  }
  DocumentStore* store = &ctx.documents;
  if (ctx.config.jobs.backend == "command") {
    if (ctx.config.jobs.command.empty()) {
      return std::string(
          "jobs.backend is \"command\" but jobs.command is empty: set it to the agent "
          "program's argv, e.g. [\"my-agent\", \"--json\"]");
    }
    std::vector<std::string> argv = ctx.config.jobs.command;
    asio::any_io_executor io = ctx.io.get_executor();
    return RunnerFactory([argv, workspace, store, io](const JobInfo& info, JobSink sink) {
      jobs::CommandOptions options;
      options.argv = argv;
      options.cwd = workspace.root();
      options.input = command_input(info.request, workspace, *store);
      options.convert = [workspace](const json& edit) {
        return jobs::file_edits_from_workspace_edit(edit, workspace);
      };
      return jobs::start_command(io, std::move(sink), std::move(options));
    });
  }
  if (!ctx.config.agent.configured()) {
    return std::string(
        "no agent model is configured: set flint.models.agent (or the fast model, "
        "which the agent falls back to) in your editor's settings");
  }
  jobs::BuiltinAgentOptions base;
  base.models = &ctx.models;
  base.role = ctx.config.agent;
  base.max_steps = ctx.config.jobs.max_steps;
  base.workspace = workspace;
  base.io = ctx.io.get_executor();
  base.workers = ctx.jobs.workers();
  return RunnerFactory([base, store](const JobInfo& info, JobSink sink) {
    jobs::BuiltinAgentOptions options = base;
    options.find_open = [store](const std::filesystem::path& p) { return open_text(*store, p); };
    options.all_open = [store] { return all_open(*store); };
    options.task = describe_task(info.request, options.workspace, *store);
    return jobs::start_builtin_agent(std::move(sink), std::move(options));
  });
}

struct Submitted {
  std::string job_id;
  std::string error;
};

Submitted submit_job(const JobContext& ctx, JobRequest request) {
  auto backend = backend_for(ctx);
  if (auto* why = std::get_if<std::string>(&backend)) return Submitted{{}, *why};
  JobManagerOptions options = ctx.jobs.options();
  options.max_concurrent = ctx.config.jobs.max_concurrent;
  options.timeout = std::chrono::seconds(ctx.config.jobs.timeout_s);
  options.hold_results = ctx.hold_results;
  ctx.jobs.set_options(options);
  return Submitted{ctx.jobs.submit(std::move(request), std::get<RunnerFactory>(std::move(backend))),
                   {}};
}

}  // namespace

void Server::bind_jobs() {
  JobHooks hooks;
  // The typed senders live as long as the hooks, which the JobManager (a member, destroyed
  // before the dispatcher) holds.
  auto create_progress = dispatcher_.outgoing_method<protocol::WorkDoneProgressCreateParams>(
      "window/workDoneProgress/create");
  auto progress = dispatcher_.outgoing_notification<protocol::ProgressParams>("$/progress");
  auto job_changed = dispatcher_.outgoing_notification<JobStatus>("flint/jobChanged");
  hooks.observe = [this, create_progress, progress,
                   job_changed](const JobInfo& info) -> std::unique_ptr<JobObserver> {
    protocol::ProgressTransport transport;
    transport.create = [create_progress](const json& token,
                                         const std::function<void(bool)>& answered) {
      create_progress(
          {token}, [answered](const protocol::Expected<json>& result) { answered(result.ok()); });
    };
    transport.progress = [progress](const json& token, json value) {
      progress({token, std::move(value)});
    };
    transport.show_message = [this](int type, const std::string& message) {
      show_message(type, message);
    };
    return std::make_unique<LspJobObserver>(job_changed, client_.work_done_progress, info,
                                            std::move(transport));
  };
  hooks.apply = [this](const JobInfo& info, std::vector<jobs::FileEdit> edits,
                       std::function<void(ApplyResult)> done) {
    if (!client_.apply_edit) {
      done(ApplyResult{false, "this editor cannot apply workspace edits (workspace/applyEdit)"});
      return;
    }
    auto delivery = std::make_shared<EditDelivery>(
        *documents_, dispatcher_, client_.document_changes, !client_.flint_job_review, info,
        std::move(edits), std::move(done));
    delivery->send();
  };
  jobs_ = std::make_unique<JobManager>(io_.get_executor(), std::move(hooks));

  add_typed_command<AgentTaskArgs>("flint.agentTask", [this](const AgentTaskArgs& args,
                                                             const CommandContext&,
                                                             const Reply<json>& reply) {
    if (args.instruction.find_first_not_of(" \t\r\n") == std::string::npos) {
      reply.error(ErrorCode::kInvalidParams,
                  "invalid arguments for flint.agentTask: /instruction: empty");
      return;
    }
    JobRequest request;
    request.instruction = args.instruction;
    if (args.textDocument) {
      JobTarget target{args.textDocument->uri, std::nullopt, std::nullopt};
      const Document* doc = documents_->find(target.uri);
      if (!doc) {
        auto path = jobs::path_from_uri(target.uri);
        std::error_code ec;
        if (!path || !std::filesystem::is_regular_file(*path, ec)) {
          reply.error(
              ErrorCode::kInvalidParams,
              "unknown document " + target.uri + ": neither open in the editor nor a file on disk");
          return;
        }
      }
      if (args.range) {
        uint32_t first = args.range->start.line;
        uint32_t last = std::max(first, args.range->end.line);
        // A selection ending at the start of a line does not include that line.
        if (args.range->end.character == 0 && last > first) --last;
        if (doc) {
          uint32_t lines = doc->text.line_count();
          if (first >= lines) {
            reply.error(ErrorCode::kInvalidParams, "impossible range " + json(*args.range).dump() +
                                                       " in " + doc->uri + " (" +
                                                       std::to_string(lines) + " lines)");
            return;
          }
          last = std::min(last, lines - 1);
        }
        target.first_line = first;
        target.last_line = last;
      }
      request.target = std::move(target);
    }
    Submitted submitted = submit_job(JobContext{config_, *models_, *documents_, workspace_roots_,
                                                io_, *jobs_, client_.flint_job_review, privacy()},
                                     std::move(request));
    if (!submitted.error.empty()) {
      reply.error(ErrorCode::kRequestFailed, "flint.agentTask: " + submitted.error);
      return;
    }
    reply(json{{"jobId", submitted.job_id}});
  });

  add_typed_command<CancelJobArgs>(
      "flint.cancelJob",
      [this](const CancelJobArgs& args, const CommandContext&, const Reply<json>& reply) {
        auto state = jobs_->cancel(args.jobId);
        if (!state) {
          reply.error(ErrorCode::kInvalidParams, "no such job: " + args.jobId);
          return;
        }
        reply(json{{"jobId", args.jobId}, {"state", std::string(to_string(*state))}});
      });

  add_typed_command<JobIdArgs>(
      "flint.applyJob",
      [this](const JobIdArgs& args, const CommandContext&, const Reply<json>& reply) {
        auto error = jobs_->apply(args.jobId, [reply](const JobInfo& info) {
          reply(json{{"jobId", info.id},
                     {"state", std::string(to_string(info.state))},
                     {"summary", info.summary}});
        });
        if (error) reply.error(ErrorCode::kInvalidParams, "flint.applyJob: " + *error);
      });

  add_typed_command<JobIdArgs>(
      "flint.discardJob",
      [this](const JobIdArgs& args, const CommandContext&, const Reply<json>& reply) {
        auto state = jobs_->discard(args.jobId);
        if (!state) {
          reply.error(ErrorCode::kInvalidParams, "no such job: " + args.jobId);
          return;
        }
        reply(json{{"jobId", args.jobId}, {"state", std::string(to_string(*state))}});
      });

  // A ready job's result as the person would review it: per file, the text now and after.
  dispatcher_.request<JobPreviewParams, json>(
      "flint/jobPreview", [this](const JobPreviewParams& params, const Reply<json>& reply) {
        const std::string& id = params.jobId;
        const auto* edits = jobs_->held_edits(id);
        if (!edits) {
          const JobInfo* info = jobs_->find(id);
          std::string why = info ? id + " has no result waiting (it is " +
                                       std::string(to_string(info->state)) + ")"
                                 : "no such job: " + id;
          reply.error(ErrorCode::kInvalidParams, why);
          return;
        }
        auto preview = jobs::preview_edits(finder(*documents_), *edits);
        if (auto* why = std::get_if<std::string>(&preview)) {
          reply.error(ErrorCode::kRequestFailed, *why);
          return;
        }
        json files = json::array();
        for (auto& file : std::get<std::vector<jobs::PreviewFile>>(preview)) {
          files.push_back(json{{"uri", file.uri},
                               {"current", std::move(file.current)},
                               {"proposed", std::move(file.proposed)},
                               {"changes", file.changes}});
        }
        reply(json{{"jobId", id}, {"files", std::move(files)}});
      });

  dispatcher_.request<protocol::NoParams, json>(
      "flint/jobs", [this](const protocol::NoParams&, const Reply<json>& reply) {
        std::vector<JobStatus> list;
        for (const JobInfo& info : jobs_->list()) list.push_back(job_status(info));
        reply(json{{"jobs", std::move(list)}});
      });

  dispatcher_.notification<protocol::WorkDoneProgressCancelParams>(
      "window/workDoneProgress/cancel",
      [this](const protocol::WorkDoneProgressCancelParams& params) {
        auto id = job_of_token(params.token);
        if (!id) return;  // not a job's token (inline edits' tokens are the client's own)
        auto state = jobs_->cancel(*id);
        spdlog::info("{}: cancel from the progress UI: {}", *id,
                     state ? std::string(to_string(*state)) : "unknown job");
      });
}

std::optional<std::string> Server::start_escalated_job(const EditEscalation& escalation) {
  JobRequest request;
  request.title = JobManager::title_of(escalation.instruction);
  JobTarget target{escalation.uri, escalation.first_line, escalation.last_line};
  std::string where = escalation.uri + " lines " + std::to_string(escalation.first_line + 1) + "-" +
                      std::to_string(escalation.last_line + 1);
  request.target = std::move(target);
  request.instruction = escalation.instruction + "\n\n(Handed over from an inline edit of " +
                        where + ", which could not stay local: " + escalation.reason + ".)";
  Submitted submitted = submit_job(JobContext{config_, *models_, *documents_, workspace_roots_, io_,
                                              *jobs_, client_.flint_job_review, privacy()},
                                   std::move(request));
  if (!submitted.error.empty()) {
    spdlog::info("edit {}: no agent job: {}", escalation.id, submitted.error);
    return std::nullopt;
  }
  return submitted.job_id;
}

}  // namespace flint
