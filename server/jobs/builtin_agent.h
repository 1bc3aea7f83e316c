#pragma once
// Backend "builtin": a tool loop against the agent model role. Each step is one chat request
// with the conversation so far and the tools of AgentTools; the model's tool calls are run in
// order and their results appended; the loop ends when the model calls `finish` (or answers
// without a tool call), fails after `max_steps` requests, and reports "step N: <tool> <path>"
// as progress. The job's outcome carries the edits against the text each file had when the
// job first read it.
//
// Thread contract: created and called on `io` (the server's context); model callbacks arrive
// there; search_text runs on `workers` and posts its result back.

#include <asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <vector>

#include "server/jobs/agent_tools.h"
#include "server/jobs/job_manager.h"
#include "server/jobs/workspace.h"
#include "server/models/model_config.h"

namespace flint::models {
class ModelClient;
}

namespace flint::jobs {

struct BuiltinAgentOptions {
  models::ModelClient* models = nullptr;
  ModelRoleConfig role;
  int max_steps = 30;
  Workspace workspace;
  FindOpenDocument find_open;
  std::function<std::vector<OpenText>()> all_open;  // for search_text
  asio::any_io_executor io;
  asio::any_io_executor workers;
  // What the person asked, with its context (target file, region) already written in.
  std::string task;
};

std::unique_ptr<JobRunner> start_builtin_agent(JobSink sink, BuiltinAgentOptions options);

// The system prompt (exposed for tests that check what the model is told).
std::string builtin_agent_system_prompt(const Workspace& workspace);

}  // namespace flint::jobs
