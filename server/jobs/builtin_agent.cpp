#include "server/jobs/builtin_agent.h"

#include <spdlog/spdlog.h>

#include <asio/post.hpp>
#include <atomic>

#include "server/models/model_client.h"

namespace flint::jobs {

using nlohmann::json;

namespace {

std::string trim(std::string_view text) {
  size_t a = text.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return {};
  size_t b = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(a, b - a + 1));
}

// "read_file src/a.py" for progress messages.
std::string describe_call(const models::ToolCall& call) {
  auto parsed = parse_tool_arguments(call.arguments_json);
  std::string what = call.name;
  if (auto* args = std::get_if<json>(&parsed)) {
    for (const char* key : {"path", "query"}) {
      if (auto it = args->find(key); it != args->end() && it->is_string()) {
        std::string value = it->get<std::string>();
        if (value.size() > 60) value = value.substr(0, 60) + "…";
        what += " " + value;
        break;
      }
    }
  }
  return what;
}

class BuiltinAgent final : public JobRunner, public std::enable_shared_from_this<BuiltinAgent> {
 public:
  BuiltinAgent(JobSink sink, BuiltinAgentOptions options)
      : sink_(std::move(sink)),
        options_(std::move(options)),
        tools_(options_.workspace, options_.find_open) {}

  void begin() {
    messages_.push_back({"system", builtin_agent_system_prompt(options_.workspace), {}, {}, {}});
    messages_.push_back({"user", options_.task, {}, {}, {}});
    step();
  }

  void cancel() override {
    if (cancelled_->exchange(true)) return;
    if (stream_) stream_->cancel();
    stream_.reset();
  }

 private:
  bool stopped() const { return cancelled_->load() || finished_; }

  void step() {
    if (stopped()) return;
    if (steps_ >= options_.max_steps) {
      finish(JobOutcome::failure("the agent did not finish within " +
                                 std::to_string(options_.max_steps) +
                                 " steps (jobs.maxSteps); nothing was changed"));
      return;
    }
    ++steps_;
    std::string message = "step " + std::to_string(steps_);
    if (!last_action_.empty()) message += ": " + last_action_;
    int percentage = std::min(95, steps_ * 100 / std::max(1, options_.max_steps));
    sink_.progress(JobProgress{message, percentage});

    models::ChatRequest request;
    request.messages = messages_;
    request.tools = AgentTools::specs();
    text_.clear();
    calls_.clear();
    std::weak_ptr<BuiltinAgent> weak = weak_from_this();
    models::StreamCallbacks callbacks;
    callbacks.on_text = [weak](std::string_view text) {
      if (auto self = weak.lock()) self->text_.append(text);
    };
    callbacks.on_tool_call = [weak](const models::ToolCall& call) {
      if (auto self = weak.lock()) self->calls_.push_back(call);
    };
    callbacks.on_done = [weak](const models::StreamSummary&) {
      if (auto self = weak.lock()) self->on_turn_done();
    };
    callbacks.on_error = [weak](const models::ModelError& error) {
      if (auto self = weak.lock()) {
        self->stream_.reset();
        self->finish(JobOutcome::failure("agent model: " + error.message));
      }
    };
    stream_ = options_.models->chat(options_.role, std::move(request), std::move(callbacks));
  }

  void on_turn_done() {
    stream_.reset();
    if (stopped()) return;
    if (calls_.empty()) {
      // An answer without a tool call is the agent's last word.
      complete(trim(text_));
      return;
    }
    models::Message assistant{"assistant", text_, calls_, {}, {}};
    messages_.push_back(std::move(assistant));
    next_call_ = 0;
    run_calls();
  }

  void run_calls() {
    while (!stopped() && next_call_ < calls_.size()) {
      const models::ToolCall& call = calls_[next_call_];
      last_action_ = describe_call(call);
      auto parsed = parse_tool_arguments(call.arguments_json);
      if (auto* why = std::get_if<std::string>(&parsed)) {
        answer(call, ToolResult{false, "error: " + *why});
        continue;
      }
      const json& args = std::get<json>(parsed);
      if (call.name == AgentTools::kFinish) {
        answer(call, ToolResult{true, "ok"});
        finish_summary_ = args.value("summary", std::string());
        finish_requested_ = true;
        continue;
      }
      if (call.name == AgentTools::kSearchText) {
        auto prepared = tools_.prepare_search(
            args, options_.all_open ? options_.all_open() : std::vector<OpenText>{});
        if (auto* refused = std::get_if<ToolResult>(&prepared)) {
          answer(call, *refused);
          continue;
        }
        search(call, std::move(std::get<SearchRequest>(prepared)));
        return;  // resumes when the search posts back
      }
      ToolResult result;
      if (call.name == AgentTools::kReadFile) {
        result = tools_.read_file(args);
      } else if (call.name == AgentTools::kListDir) {
        result = tools_.list_dir(args);
      } else if (call.name == AgentTools::kProposeEdit) {
        result = tools_.propose_edit(args);
      } else {
        result = ToolResult{
            false, "error: there is no tool named '" + call.name +
                       "' (tools: read_file, list_dir, search_text, propose_edit, finish)"};
      }
      answer(call, std::move(result));
    }
    if (stopped()) return;
    if (finish_requested_) {
      complete(finish_summary_);
      return;
    }
    step();
  }

  void answer(const models::ToolCall& call, ToolResult result) {
    if (!result.ok) spdlog::debug("agent tool {} refused: {}", call.name, result.content);
    messages_.push_back({"tool", std::move(result.content), {}, call.id, call.name});
    ++next_call_;
  }

  void search(const models::ToolCall& call, SearchRequest request) {
    std::weak_ptr<BuiltinAgent> weak = weak_from_this();
    auto cancelled = cancelled_;
    Workspace workspace = tools_.workspace();
    asio::post(options_.workers, [weak, cancelled, workspace = std::move(workspace),
                                  request = std::move(request), call, io = options_.io]() mutable {
      ToolResult result = search_text(workspace, request, *cancelled);
      asio::post(io, [weak, call, result = std::move(result)]() mutable {
        auto self = weak.lock();
        if (!self || self->stopped()) return;
        self->answer(call, std::move(result));
        self->run_calls();
      });
    });
  }

  void complete(const std::string& summary) {
    finish(JobOutcome::success(summary, tools_.edits()));
  }

  void finish(JobOutcome outcome) {
    if (stopped()) return;
    finished_ = true;
    sink_.finish(std::move(outcome));
  }

  JobSink sink_;
  BuiltinAgentOptions options_;
  AgentTools tools_;
  std::vector<models::Message> messages_;
  std::shared_ptr<models::Stream> stream_;
  std::string text_;
  std::vector<models::ToolCall> calls_;
  size_t next_call_ = 0;
  int steps_ = 0;
  std::string last_action_;
  bool finish_requested_ = false;
  std::string finish_summary_;
  bool finished_ = false;
  std::shared_ptr<std::atomic<bool>> cancelled_ = std::make_shared<std::atomic<bool>>(false);
};

// The manager owns the runner; the agent itself is shared so that callbacks can outlive it
// safely (they hold weak references).
class BuiltinAgentHandle final : public JobRunner {
 public:
  explicit BuiltinAgentHandle(std::shared_ptr<BuiltinAgent> agent) : agent_(std::move(agent)) {}
  ~BuiltinAgentHandle() override { agent_->cancel(); }
  void cancel() override { agent_->cancel(); }

 private:
  std::shared_ptr<BuiltinAgent> agent_;
};

}  // namespace

std::string builtin_agent_system_prompt(const Workspace& workspace) {
  std::string folders;
  for (const auto& f : workspace.folders()) folders += "\n- " + f.string();
  return "You are flint's background coding agent. You work on a task in the person's workspace "
         "while they keep editing. Use the tools to look around (list_dir, search_text, "
         "read_file) and to change files (propose_edit, one exact replacement at a time). Paths "
         "are relative to the workspace root; nothing outside the workspace folders can be read "
         "or changed. Your edits are collected and shown to the person for review as one change "
         "when you are done: do not ask questions, and do not explain edits you have not made. "
         "When the task is complete, call finish with a one-line summary.\n"
         "Workspace folders:" +
         folders + "\n";
}

std::unique_ptr<JobRunner> start_builtin_agent(JobSink sink, BuiltinAgentOptions options) {
  auto agent = std::make_shared<BuiltinAgent>(std::move(sink), std::move(options));
  auto handle = std::make_unique<BuiltinAgentHandle>(agent);
  agent->begin();
  return handle;
}

}  // namespace flint::jobs
