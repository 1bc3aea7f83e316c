#pragma once
// What flint reads from the client's `initialize` request (only what it uses).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "protocol/lsp_types.h"
#include "protocol/position_encoding.h"

namespace flint {

struct ClientCapabilities {
  std::vector<protocol::PositionEncoding> position_encodings;  // in the client's order
  bool apply_edit = false;
  bool document_changes = false;
  bool work_done_progress = false;
  bool configuration = false;
  bool did_change_configuration_dynamic = false;
  bool show_message = true;
  bool flint_edit_sessions = false;  // experimental.flint.editSessions
  // experimental.flint.jobReview: a job's result waits (state "ready") for flint.applyJob.
  bool flint_job_review = false;
  bool inline_completion = false;
  std::string client_name;
  std::string client_version;
};

// Never throws: anything malformed reads as "not supported".
ClientCapabilities read_client_capabilities(const protocol::InitializeParams& params);

// utf-8 when offered, else utf-16 (the LSP default); utf-32 when it is the only other offer.
protocol::PositionEncoding negotiate_position_encoding(const ClientCapabilities& caps);

}  // namespace flint
