#pragma once
// Arguments of flint's workspace/executeCommand commands (docs/PROTOCOL.md), read with
// nlohmann from_json: a missing or mistyped field throws, and the command table turns that
// into -32602 naming the field.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "protocol/lsp_types.h"

namespace flint {

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

// flint.applyJob, flint.discardJob and flint/jobPreview name a job the same way.
using JobIdArgs = CancelJobArgs;

}  // namespace flint
