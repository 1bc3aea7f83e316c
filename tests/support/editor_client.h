#pragma once
// A scripted editor over real pipes to a real flint-lsp: it keeps documents as an editor does,
// applies flint's workspace/applyEdit requests (refusing stale versions like VS Code),
// reports its own edits back as didChange, answers workspace/configuration and progress
// creation, and records every notification. Tests drive it and assert on the text.

#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/lsp_process.h"

namespace flint::test {

// An LSP Range from (line, character) pairs.
inline nlohmann::json lsp_range(int start_line, int start_character, int end_line,
                                int end_character) {
  return {{"start", {{"line", start_line}, {"character", start_character}}},
          {"end", {{"line", end_line}, {"character", end_character}}}};
}

struct EditorOptions {
  // The server to run; empty: $FLINT_TEST_SERVER if set (a long run pins a copy of the binary so
  // that rebuilding meanwhile does not pull it away), else the flint-lsp built with the tests.
  // Benchmarks set it to compare an older binary with the new one in one run.
  std::string program;
  std::vector<std::string> env;           // extra environment for flint-lsp
  std::vector<std::string> args;          // extra command-line arguments
  std::string encoding = "utf-16";        // offered position encoding
  std::string root_uri = "file:///work";  // the workspace folder (rootUri and workspaceFolders)
  bool document_changes = true;
  bool work_done_progress = true;
  // Declares experimental.flint.editSessions, as flint's own plugins do (they show failed
  // sessions themselves); false: a plain LSP client.
  bool flint_plugin = true;
  // Declares experimental.flint.jobReview: job results wait for flint.applyJob (the plugins
  // do); false: a plain LSP client, whose results arrive as an applyEdit to confirm.
  bool job_review = false;
  nlohmann::json settings = nlohmann::json::object();  // answered to workspace/configuration
  nlohmann::json initialization_options = nlohmann::json::object();
  // Called for each applyEdit before it is applied; return false to refuse it.
  std::function<bool(const nlohmann::json& params)> accept_edit;
  // Called after an edit was applied and reported, before the answer is sent.
  std::function<void()> after_edit;
  // False: applyEdit requests are counted and never answered (a hung editor).
  bool answer_edits = true;
  // True: after applying an edit the editor reports the change with ranges of its own, as
  // Neovim does (it diffs the buffer's lines before and after and sends the smallest change
  // that turns one into the other), not with the edit's ranges. Where the new text repeats
  // text next to it the reported range differs from the edit's: an insertion of "ab" before
  // "ab" is reported after it.
  bool reports_own_ranges = false;
};

class EditorClient {
 public:
  explicit EditorClient(EditorOptions options = {});
  ~EditorClient();

  nlohmann::json initialize_result() const { return initialize_result_; }

  void open(const std::string& uri, const std::string& language, const std::string& text);
  // Replaces [start, end) (LSP positions in the negotiated encoding) with `text` and reports it.
  void type(const std::string& uri, int line, int character, int end_line, int end_character,
            const std::string& text);
  const std::string& text(const std::string& uri) { return docs_.at(uri).text; }
  int64_t version(const std::string& uri) { return docs_.at(uri).version; }

  // Sends a request and serves the server's requests until its response arrives.
  nlohmann::json request(const std::string& method, nlohmann::json params,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Sends a request without waiting; returns its id. Use wait_response().
  int64_t send_request(const std::string& method, nlohmann::json params);
  std::optional<nlohmann::json> wait_response(
      int64_t id, std::chrono::milliseconds timeout = std::chrono::seconds(60));
  nlohmann::json execute(const std::string& command, nlohmann::json argument,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));
  int64_t execute_async(const std::string& command, nlohmann::json argument,
                        nlohmann::json work_done_token = nullptr);
  void notify(const std::string& method, nlohmann::json params);

  // Serves messages until `pred` holds for a notification (returned) or the timeout passes.
  std::optional<nlohmann::json> wait_notification(
      const std::function<bool(const nlohmann::json&)>& pred,
      std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Serves messages, one at a time, until `done` holds (true) or the timeout passes (false).
  bool serve_until(const std::function<bool()>& done,
                   std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Serves messages for `duration`.
  void serve_for(std::chrono::milliseconds duration);

  const std::vector<nlohmann::json>& notifications() const { return notifications_; }
  const std::vector<nlohmann::json>& applied_edits() const { return applied_edits_; }
  int refused_edits() const { return refused_edits_; }
  // Applied edits that the editor reported with a range other than the edit's (own ranges).
  int reranged_edits() const { return reranged_edits_; }
  int unanswered_edits() const { return unanswered_edits_; }
  std::string server_stderr() { return process_->stderr_text(); }
  LspProcess& process() { return *process_; }
  pid_t pid() const { return process_->pid(); }

  void shutdown();

 private:
  struct Doc {
    std::string text;
    int64_t version = 0;
  };
  void handle(const nlohmann::json& message);
  void apply_edit_request(const nlohmann::json& message);
  size_t offset(const std::string& text, const nlohmann::json& position) const;
  nlohmann::json position_of(const std::string& text, size_t byte) const;
  // The change that turns `before` into `after`, as an editor that diffs reports it.
  nlohmann::json own_change(const std::string& before, const std::string& after) const;
  // Applies one document's TextEdits and reports them with didChange (the edits' ranges, or
  // the editor's own with reports_own_ranges).
  void apply_and_report(const std::string& uri, Doc& doc, const nlohmann::json& text_edits);
  void replace(Doc& doc, const nlohmann::json& range, const std::string& text);

  EditorOptions options_;
  std::unique_ptr<LspProcess> process_;
  nlohmann::json initialize_result_;
  std::map<std::string, Doc> docs_;
  std::map<int64_t, nlohmann::json> responses_;
  std::vector<nlohmann::json> notifications_;
  std::vector<nlohmann::json> applied_edits_;
  int refused_edits_ = 0;
  int reranged_edits_ = 0;
  int unanswered_edits_ = 0;
  int64_t next_id_ = 1;
  std::string encoding_ = "utf-16";
};

}  // namespace flint::test
