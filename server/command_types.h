#pragma once
// Arguments of flint's workspace/executeCommand commands (docs/PROTOCOL.md), read with
// nlohmann from_json: a missing or mistyped field throws, and the command table turns that
// into -32602 naming the field.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "protocol/lsp_types.h"

namespace flint {

// workspace/executeCommand as flint reads it: the command, its first argument (flint's commands
// take one object) and the work-done token when it is a string or an integer.
struct ExecuteCommandParams {
  std::string command;
  nlohmann::json argument;       // null when there are no arguments
  nlohmann::json workDoneToken;  // null when absent or unusable
};
void from_json(const nlohmann::json& j, ExecuteCommandParams& p);

struct InlineEditArgs {
  protocol::TextDocumentIdentifier textDocument;
  protocol::Range range;
  std::string instruction;
};
void from_json(const nlohmann::json& j, InlineEditArgs& a);

// Which session a command is for: `sessionId`; or, without it, the session in `textDocument`
// whose region holds `position` (the cursor), else that document's latest; else the latest.
struct SessionTarget {
  std::optional<std::string> sessionId;
  std::optional<protocol::TextDocumentIdentifier> textDocument;
  std::optional<protocol::Position> position;
};

struct SteerArgs : SessionTarget {
  std::string instruction;
};
void from_json(const nlohmann::json& j, SteerArgs& a);

// accept / reject / cancel.
struct SessionArgs : SessionTarget {};
void from_json(const nlohmann::json& j, SessionArgs& a);

struct AgentTaskArgs {
  std::string instruction;
  std::optional<protocol::TextDocumentIdentifier> textDocument;
  std::optional<protocol::Range> range;
};
void from_json(const nlohmann::json& j, AgentTaskArgs& a);

struct CancelJobArgs {
  std::string jobId;
};
void from_json(const nlohmann::json& j, CancelJobArgs& a);

// flint.applyJob and flint.discardJob name a job the same way.
using JobIdArgs = CancelJobArgs;

// flint/jobPreview's params. Read leniently, as the request was before it was typed: a missing
// jobId (or params that are not an object) names no job, which the handler answers as an
// unknown job; a jobId that is not a string is -32602.
struct JobPreviewParams {
  std::string jobId;
};
void from_json(const nlohmann::json& j, JobPreviewParams& p);

// A job as flint/jobChanged and flint/jobs describe it (docs/PROTOCOL.md). Empty message and
// summary are left out; files and changes are there while the result waits (state "ready").
struct JobStatus {
  std::string jobId;
  std::string title;
  std::string state;
  std::optional<std::string> message;
  std::optional<int> percentage;
  std::optional<std::string> summary;
  std::optional<std::vector<std::string>> files;
  std::optional<size_t> changes;
};
void to_json(nlohmann::json& j, const JobStatus& s);

// An inline edit session as flint/editSession describes it, and (without `uri`, with `stats`)
// the answer to flint.inlineEdit (docs/PROTOCOL.md). `region` is null when the document is gone.
struct EditSessionStatus {
  std::string sessionId;
  std::optional<std::string> uri;
  std::string state;
  std::optional<protocol::Range> region;
  std::optional<std::string> reason;
  std::optional<std::string> jobId;
  std::optional<std::string> answer;  // failed: what the model said
  std::optional<nlohmann::json> stats;
};
void to_json(nlohmann::json& j, const EditSessionStatus& s);

}  // namespace flint
