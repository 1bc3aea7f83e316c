#pragma once
// Backend "command": an external program (jobs.command argv) run in the workspace root in a
// process group of its own, with the task as one JSON line on stdin. Its stdout is read line
// by line: a JSON object {message?, percentage?} is a progress report, a JSON object
// {workspaceEdit} is the result (the last one wins), any other line is a progress message.
// Exit status 0 ends the job with the result; any other status (or a signal) fails it with
// the tail of stderr. Cancelling sends SIGTERM to the whole group, then SIGKILL after a
// grace period; when the program exits, whatever it left running in its group is ended too.
//
// Thread contract: created and called on `io`; pipes and the exit (a pidfd) are watched by
// asio on that executor, so nothing blocks it.

#include <asio/any_io_executor.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "server/jobs/job_manager.h"

namespace flint::jobs {

struct CommandOptions {
  std::vector<std::string> argv;
  std::filesystem::path cwd;
  std::string input;  // written to stdin, then stdin is closed
  std::chrono::milliseconds kill_grace{2000};
  // Turns the program's {workspaceEdit} into file edits, or says why it cannot be used.
  std::function<std::variant<std::vector<FileEdit>, std::string>(const nlohmann::json&)> convert;
};

// Throws std::runtime_error when the program cannot be started (the message says why).
std::unique_ptr<JobRunner> start_command(const asio::any_io_executor& io, JobSink sink,
                                         CommandOptions options);

}  // namespace flint::jobs
