#pragma once
// ModelClient: every model call in flint streams through it.
//
// Threads. The client runs libcurl's multi interface on one I/O thread of its own; it reads,
// parses and decodes the streams there and posts what the caller must hear (text, tool
// calls, the end) to the executor given at construction, in batches (several deltas that
// arrive together cost one post). Callbacks therefore run on that executor and need no locks
// when it is single-threaded (the server's io_context, or a strand).
//
// Connections are pooled by the client (HTTP/1.1 keep-alive, HTTP/2 multiplexing over TLS
// where the server offers it); prewarm() opens one ahead of the first request.
//
// Timeouts (from ModelRoleConfig): connect; first byte (from the request until the response
// headers); idle (between events once the headers arrived; SSE comments and Anthropic's ping
// do not count as events, so a stalled model behind a heartbeat is still detected).
// Retries (max_retries, jittered exponential backoff, Retry-After / retry-after-ms honoured):
// HTTP 408/429/5xx, connection failures and provider error events, only while nothing has been
// delivered to the caller; timeouts are not retried.
//
// Secrets: the API key never appears in a log line, a trace or an error message.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

// asio picks its allocator from standard-library macros: a standard header must come first in
// every file, or two files disagree (operator new in one, free in the other).
#include <asio/any_io_executor.hpp>

#include "server/models/model_config.h"
#include "server/models/model_types.h"
#include "server/models/retry_policy.h"

namespace flint::models {

namespace detail {
class ClientCore;
struct StreamState;
}  // namespace detail
class Provider;
struct HttpRequest;
enum class RequestKind;

struct ClientOptions {
  RetryOptions retry;
};

// A running stream. Cancellation guarantee: once cancel() returns on the executor's thread
// (the executor being single-threaded), no callback of this stream runs any more, and the
// HTTP transfer is aborted at once on the I/O thread (its connection is closed, so the
// endpoint stops generating). cancel() from another thread also aborts the transfer, but a
// callback already running on the executor may finish. Destroying the last handle cancels.
class Stream {
 public:
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  void cancel();
  uint64_t id() const;

 private:
  friend class ModelClient;
  Stream(std::shared_ptr<detail::StreamState> state, std::weak_ptr<detail::ClientCore> core);

  std::shared_ptr<detail::StreamState> state_;
  std::weak_ptr<detail::ClientCore> core_;
};

class ModelClient {
 public:
  explicit ModelClient(asio::any_io_executor executor, ClientOptions options = {});
  // Cancels every stream (no callback runs afterwards) and joins the I/O thread.
  ~ModelClient();
  ModelClient(const ModelClient&) = delete;
  ModelClient& operator=(const ModelClient&) = delete;

  // Starts a stream; callable from any thread. A configuration that cannot make the request
  // (unknown provider, missing base URL or model, chat on a FIM-only provider) ends the
  // stream with a BadConfig error, delivered like any other error.
  [[nodiscard]] std::shared_ptr<Stream> chat(const ModelRoleConfig& config, ChatRequest request,
                                             StreamCallbacks callbacks);
  // Fill-in-the-middle; providers without it (openai-chat, openai-responses, anthropic) end
  // the stream with BadConfig.
  [[nodiscard]] std::shared_ptr<Stream> fim(const ModelRoleConfig& config, FimRequest request,
                                            StreamCallbacks callbacks);
  // Opens a connection to the role's endpoint (a HEAD on its URL, without the key) so that
  // the first real request finds it ready. Failures are only logged.
  void prewarm(const ModelRoleConfig& config);

  // CPU time the I/O thread has consumed so far (for benchmarks).
  std::chrono::nanoseconds io_thread_cpu_time() const;

 private:
  std::shared_ptr<Stream> start(const ModelRoleConfig& config, RequestKind kind,
                                StreamCallbacks callbacks,
                                const std::function<HttpRequest(const Provider&)>& build);

  // The I/O thread and libcurl (with its TLS library) start with the first request, not with
  // the server: an idle server, or one that never calls a model, does not pay their memory.
  detail::ClientCore& core();

  asio::any_io_executor executor_;
  ClientOptions options_;
  std::once_flag core_started_;
  std::shared_ptr<detail::ClientCore> core_;
};

}  // namespace flint::models
