#pragma once
// CompletionEngine: inline completion (ghost text) as plain C++, without LSP or JSON.
//
// A request is a CompletionQuery (the text around the cursor, cut by build_completion_query
// in server/completion/query.h) and an Answer callback that is called exactly once, with the
// text to insert (possibly empty). What the engine decides:
//
// - Supersession: one request per document is served at a time. A newer request for the same
//   document answers the older one at once with an empty completion (the client has moved on:
//   Neovim 0.12 only cancels its requests on InsertLeave).
// - Cache: finished completions, keyed by (uri, hash of context + prefix, hash of suffix).
// - Typing through: when a request's prefix is an earlier request's prefix plus exactly the
//   characters that request's model stream has produced so far, it attaches to that stream
//   (still running: no second HTTP request) or is answered from its result (finished).
// - Cancellation: cancel(ticket) forgets the request; its stream, left without a request,
//   is stopped after a short grace period, in which a newer request may still adopt it
//   (VS Code cancels the old request when the user types, then asks again).
// - Debounce: a request that needs a new stream waits `debounce` first; a newer request in
//   the meantime replaces it without any model call.
// - Stopping: the stream is cut where the completion ends (see stop_rule.h), and the answer
//   sent then.
// - Prompts: FIM (prefix + suffix) for providers that have it; otherwise a chat request that
//   shows the code with a <CURSOR> marker and asks for the inserted text only, whose fences
//   and echoes are stripped.
//
// Thread contract: every member and every hook runs on one thread (the server's io_context).
// Hooks must not call back into the engine synchronously.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/models/model_types.h"

namespace flint {

class CompletionCache;

enum class CompletionMode {
  kLine,   // complete the rest of the current line
  kBlock,  // complete the current statement or block (the cursor is on a blank line or
           // after a block opener such as ':' or '{')
};

// The text around the cursor. Windows start and end at line boundaries (unless one line is
// longer than the window) and never split a UTF-8 character.
struct CompletionQuery {
  std::string uri;
  std::string language;  // LSP languageId
  std::string path;      // shown to the model (relative to the workspace when possible)
  uint32_t cursor = 0;   // byte offset of the cursor in the document: aligns typed-through requests
  std::string prefix;    // text before the cursor
  std::string suffix;    // text after the cursor
  // File context that lies outside both windows (imports, enclosing and neighbouring
  // signatures), one item per entry, stable ones first.
  std::vector<std::string> context;
  CompletionMode mode = CompletionMode::kLine;
};

struct CompletionOptions {
  bool use_fim = true;  // the provider has fill-in-the-middle; otherwise a chat prompt
  int max_tokens = 128;
  std::chrono::milliseconds debounce{0};
  // Identifies the model and settings that make completions (provider, URL, model, limits):
  // the cache is dropped when it changes.
  std::string model_key;
};

using CompletionPrompt = std::variant<models::FimRequest, models::ChatRequest>;

struct CompletionOutcome {
  enum class Source {
    kModel,       // a stream started for this request
    kAttached,    // a stream started earlier, the user having typed what it produced
    kCache,       // a cached or finished completion
    kSuperseded,  // a newer request for the document came first
    kFailed,      // the model failed (reported through Hooks::report_error)
    kShutdown,    // the engine was destroyed first
  };
  Source source = Source::kModel;
  std::string text;  // what to insert at the cursor; empty = nothing to show
};
std::string_view to_string(CompletionOutcome::Source source);

class CompletionEngine {
 public:
  using Answer = std::function<void(CompletionOutcome)>;
  // Stops what was started; calling it more than once, or after the end, is harmless.
  using Cancel = std::function<void()>;

  // What a model stream reports. Exactly one of on_done / on_error ends it, unless it was
  // cancelled first; then none does.
  struct StreamSink {
    std::function<void(std::string_view text)> on_text;
    std::function<void()> on_done;
    std::function<void(const std::string& message)> on_error;
  };

  struct Hooks {
    std::function<Cancel(const CompletionPrompt&, StreamSink)> start_stream;
    // Runs `fire` after `delay` unless cancelled first.
    std::function<Cancel(std::chrono::milliseconds delay, std::function<void()> fire)> start_timer;
    // A model error a person should see. Called once per distinct message until a
    // completion succeeds again (a dead endpoint must not raise a message per keystroke).
    std::function<void(const std::string& message)> report_error;
  };

  struct Stats {
    uint64_t requests = 0;
    uint64_t streams_started = 0;
    uint64_t streams_cancelled = 0;
    uint64_t cache_hits = 0;
    uint64_t attached = 0;
    uint64_t superseded = 0;
  };

  // How long a stream whose request was cancelled waits for a newer request to adopt it.
  static constexpr std::chrono::milliseconds kOrphanGrace{250};
  static constexpr size_t kCacheEntries = 128;

  explicit CompletionEngine(Hooks hooks);
  // Stops every stream and timer; requests still waiting are answered (kShutdown, empty).
  ~CompletionEngine();
  CompletionEngine(const CompletionEngine&) = delete;
  CompletionEngine& operator=(const CompletionEngine&) = delete;

  // Returns the request's ticket, for cancel(). `answer` may run before this returns (a
  // cache hit, a finished completion typed through).
  uint64_t request(CompletionQuery query, const CompletionOptions& options, Answer answer);
  // The client cancelled (it has been answered already): the answer is dropped unsent.
  void cancel(uint64_t ticket);
  // The document was closed: a request still waiting is answered empty, its stream stopped,
  // and what the engine kept for it forgotten (cached completions expire on their own).
  void close_document(const std::string& uri);

  const Stats& stats() const { return stats_; }

 private:
  struct Flight;
  struct Ticket;
  struct DocumentState;

  void start_flight(DocumentState& document);
  void on_text(const std::shared_ptr<Flight>& flight, std::string_view text);
  void on_done(const std::shared_ptr<Flight>& flight);
  void on_error(const std::shared_ptr<Flight>& flight, const std::string& message);
  void finish(const std::shared_ptr<Flight>& flight, bool cut_short);
  void settle(DocumentState& document, CompletionOutcome::Source source, std::string text);
  void drop_flight(DocumentState& document);
  void reset_for_model(const std::string& model_key);

  Hooks hooks_;
  std::map<std::string, std::unique_ptr<DocumentState>, std::less<>> documents_;
  std::unique_ptr<CompletionCache> cache_;
  std::string model_key_;
  std::optional<std::string> last_error_;
  uint64_t next_ticket_ = 1;
  uint64_t next_flight_ = 1;
  Stats stats_;
};

}  // namespace flint
