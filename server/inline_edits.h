#pragma once
// Inline edit sessions as the server runs them: the LSP side of EditSession (which is plain
// C++). One ActiveEdit per flint.inlineEdit: the model stream, the session core, its timer,
// the pending reply, progress and the state needed to validate the result afterwards.
//
// Thread contract: everything runs on the server's io_context thread.

#include <asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "parsers/syntax_tree.h"
#include "protocol/dispatcher.h"
#include "protocol/progress_channel.h"
#include "server/edits/edit_prompt.h"
#include "server/edits/edit_session.h"
#include "server/edits/reasoning_filter.h"
#include "server/models/model_client.h"

namespace flint {

struct ActiveEdit {
  explicit ActiveEdit(asio::io_context& io) : timer(io) {}

  std::string id;
  std::string uri;
  std::unique_ptr<EditSession> core;
  std::shared_ptr<models::Stream> stream;
  EscalationDetector escalation;
  ReasoningFilter reasoning;   // <think> blocks in the answer text
  size_t reasoning_bytes = 0;  // of those, already counted
  bool thinking_reported = false;
  std::string answer;  // the model's raw text (capped), shown when it is refused
  asio::steady_timer timer;
  uint64_t timer_generation = 0;  // a fired wait only counts if it is the latest one

  // The flint.inlineEdit request: answered when streaming ends.
  std::optional<protocol::Reply<nlohmann::json>> reply;
  // $/progress with the request's workDoneToken (null when the client gave none).
  std::unique_ptr<protocol::ProgressChannel> progress;
  std::chrono::steady_clock::time_point last_progress{};

  // Prompt pieces kept for steering.
  EditPromptInput prompt;

  // For validation when the stream is done: the tree and the region before the edit.
  std::optional<parsers::Tree> tree_before;
  parsers::ByteRange range_before;
  bool diagnostics_published = false;

  // A flint.reject waiting for its restoring edit to land.
  std::optional<protocol::Reply<nlohmann::json>> reject_reply;

  // A newer edit over this one's region, started once this one is rolled back (true) or
  // could not be (false).
  std::function<void(bool restored)> after_rollback;

  std::string job_id;       // set when escalated to an agent job
  bool escalating = false;  // the core's "cancelled" is not reported: "escalated" is
  bool finished = false;    // streaming phase over and the reply sent
};

}  // namespace flint
