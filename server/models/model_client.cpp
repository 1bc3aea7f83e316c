#include "server/models/model_client.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/post.hpp>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include "server/models/quick_acks.h"
#include "server/models/transfer.h"

namespace flint::models {
namespace detail {
namespace {

struct StartCommand {
  std::unique_ptr<Transfer> transfer;
};
struct CancelCommand {
  uint64_t id;
};
struct PrewarmCommand {
  std::string url;
  int connect_timeout_ms;
  bool verify_tls;
  std::string ca_bundle;
};
using Command = std::variant<StartCommand, CancelCommand, PrewarmCommand>;

// Runs on the executor: hands a batch to the callbacks unless the stream was cancelled or has
// ended.
void deliver(const std::shared_ptr<StreamState>& state, std::vector<Delivery>& batch) {
  StreamState& s = *state;
  for (Delivery& item : batch) {
    if (s.cancelled.load(std::memory_order_acquire) || s.finished.load(std::memory_order_relaxed)) {
      return;
    }
    if (auto* text = std::get_if<TextDelta>(&item)) {
      if (s.callbacks.on_text) s.callbacks.on_text(text->text);
    } else if (auto* reasoning = std::get_if<ReasoningDelta>(&item)) {
      if (s.callbacks.on_reasoning) s.callbacks.on_reasoning(reasoning->text);
    } else if (auto* call = std::get_if<ToolCall>(&item)) {
      if (s.callbacks.on_tool_call) s.callbacks.on_tool_call(*call);
    } else {
      s.finished.store(true, std::memory_order_release);
      // The callbacks are released before the last one runs, so that nothing they capture
      // outlives the stream; the local keeps the running one alive.
      StreamCallbacks callbacks = std::move(s.callbacks);
      s.callbacks = {};
      if (auto* summary = std::get_if<StreamSummary>(&item)) {
        if (callbacks.on_done) callbacks.on_done(*summary);
      } else if (callbacks.on_error) {
        callbacks.on_error(std::get<ModelError>(item));
      }
      return;
    }
  }
}

void post_batch(const std::shared_ptr<StreamState>& state, std::vector<Delivery> batch) {
  asio::post(state->executor,
             [state, batch = std::move(batch)]() mutable { deliver(state, batch); });
}

}  // namespace

class ClientCore {
 public:
  ClientCore(asio::any_io_executor executor, ClientOptions options)
      : executor_(std::move(executor)), options_(options), rng_(std::random_device{}()) {
    static std::once_flag curl_ready;
    std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    multi_ = curl_multi_init();
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, 64L);
    curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    thread_ = std::thread([this] { run(); });
  }

  ~ClientCore() { shutdown(); }

  // Silences every stream (also those whose last callbacks are already posted) and stops
  // the I/O thread.
  void shutdown() {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
      for (const auto& weak : states_) {
        if (auto state = weak.lock()) state->cancelled.store(true, std::memory_order_release);
      }
      states_.clear();
      curl_multi_wakeup(multi_);
    }
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(mutex_);
    commands_.clear();
    curl_multi_cleanup(multi_);
    multi_ = nullptr;
  }

  void track(const std::shared_ptr<StreamState>& state) {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      state->cancelled.store(true, std::memory_order_release);
      return;
    }
    if (states_.size() >= prune_at_) {
      std::erase_if(states_, [](const auto& weak) { return weak.expired(); });
      prune_at_ = std::max<size_t>(64, states_.size() * 2);
    }
    states_.push_back(state);
  }

  const asio::any_io_executor& executor() const { return executor_; }
  uint64_t next_id() { return next_id_.fetch_add(1, std::memory_order_relaxed); }

  // Callable from any thread. The wakeup happens under the lock so that it can never race
  // with shutdown() freeing the multi handle.
  void submit(Command command) {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    commands_.push_back(std::move(command));
    curl_multi_wakeup(multi_);
  }

  std::chrono::nanoseconds cpu_time() const {
    clockid_t clock;
    timespec ts{};
    if (pthread_getcpuclockid(const_cast<std::thread&>(thread_).native_handle(), &clock) != 0 ||
        clock_gettime(clock, &ts) != 0) {
      return std::chrono::nanoseconds(0);
    }
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
  }

 private:
  void run() {
    std::vector<Command> commands;
    for (;;) {
      {
        std::lock_guard lock(mutex_);
        if (stopping_) break;
        commands.swap(commands_);
      }
      for (Command& command : commands) execute(command);
      commands.clear();

      int running = 0;
      curl_multi_perform(multi_, &running);
      // Before anything is posted: the ACK an endpoint with Nagle on waits for goes out now.
      if (!active_.empty() || !prewarms_.empty()) quick_acks_.rearm();
      int queued = 0;
      while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
        if (message->msg == CURLMSG_DONE) finished(message->easy_handle, message->data.result);
      }
      Clock::time_point now = Clock::now();
      check_deadlines(now);
      start_due_retries(now);
      flush();
      curl_multi_poll(multi_, nullptr, 0, poll_timeout_ms(Clock::now()), nullptr);
    }
    // Shutting down: every stream goes silent.
    for (auto& [id, transfer] : transfers_) {
      transfer->state()->cancelled.store(true, std::memory_order_release);
      if (transfer->easy()) curl_multi_remove_handle(multi_, transfer->easy());
    }
    transfers_.clear();
    for (CURL* easy : prewarms_) {
      curl_multi_remove_handle(multi_, easy);
      curl_easy_cleanup(easy);
    }
    prewarms_.clear();
  }

  void execute(Command& command) {
    if (auto* start = std::get_if<StartCommand>(&command)) {
      Transfer* transfer = start->transfer.get();
      transfers_.emplace(transfer->id(), std::move(start->transfer));
      spdlog::debug("model stream #{}: POST {}", transfer->id(), transfer->display_url());
      launch(*transfer, Clock::now());
    } else if (auto* cancel = std::get_if<CancelCommand>(&command)) {
      auto it = transfers_.find(cancel->id);
      // A completed stream is left to read the end of its body: its connection stays pooled.
      if (it == transfers_.end() || it->second->completed()) return;
      spdlog::debug("model stream #{}: cancelled", cancel->id);
      detach(*it->second);
      transfers_.erase(it);
    } else {
      prewarm(std::get<PrewarmCommand>(command));
    }
  }

  void launch(Transfer& transfer, Clock::time_point now) {
    CURL* easy = transfer.start_attempt(now, spdlog::should_log(spdlog::level::trace));
    if (easy) quick_acks_.attach(easy);
    if (!easy || curl_multi_add_handle(multi_, easy) != CURLM_OK) {
      fail(transfer, ModelError{ModelError::Kind::kOther, 0, "libcurl could not start a transfer"});
      return;
    }
    active_.emplace(easy, &transfer);
  }

  void detach(Transfer& transfer) {
    if (CURL* easy = transfer.easy()) {
      curl_multi_remove_handle(multi_, easy);
      active_.erase(easy);
    }
    transfer.end_attempt();
  }

  void finished(CURL* easy, CURLcode result) {
    if (prewarms_.erase(easy) > 0) {
      char* url = nullptr;
      curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &url);
      spdlog::debug("model prewarm of {}: {}", url ? url : "?", curl_easy_strerror(result));
      curl_multi_remove_handle(multi_, easy);
      curl_easy_cleanup(easy);
      return;
    }
    auto it = active_.find(easy);
    if (it == active_.end()) return;
    Transfer& transfer = *it->second;
    Clock::time_point now = Clock::now();
    if (result == CURLE_OK && transfer.success_status()) transfer.finish_body(now);
    detach(transfer);

    if (transfer.cancelled() || transfer.completed()) {
      erase(transfer);
      return;
    }
    if (const auto& error = transfer.stream_error()) {
      conclude(transfer, *error, retryable_error(*error), std::nullopt);
      return;
    }
    ErrorContext context = transfer.error_context();
    if (transfer.headers_done() && !transfer.success_status()) {
      ClassifiedError classified =
          http_status_error(transfer.status(), transfer.error_body(), context);
      conclude(transfer, classified.error, classified.retryable, transfer.retry_after());
      return;
    }
    ClassifiedError classified =
        transport_error(result, transfer.curl_error(), transfer.delivered(), context);
    conclude(transfer, classified.error, classified.retryable, std::nullopt);
  }

  // Retries if allowed, otherwise ends the stream with `error`.
  void conclude(Transfer& transfer, ModelError error, bool retryable,
                std::optional<std::chrono::milliseconds> retry_after) {
    if (retryable && !transfer.delivered() && transfer.attempts() <= transfer.max_retries()) {
      if (retry_after && *retry_after > options_.retry.max_retry_after) {
        fail(transfer,
             retry_after_too_long_error(transfer.error_context(), error.http_status, *retry_after));
        return;
      }
      auto delay =
          retry_after ? *retry_after : backoff_delay(transfer.attempts(), options_.retry, rng_);
      spdlog::warn("model stream #{}: {} from {}{}; retrying in {} ms (attempt {} of {})",
                   transfer.id(), to_string(error.kind), transfer.display_url(),
                   error.http_status ? fmt::format(" (HTTP {})", error.http_status) : "",
                   delay.count(), transfer.attempts() + 1, transfer.max_retries() + 1);
      spdlog::debug("model stream #{}: {}", transfer.id(), transfer.redactor()(error.message));
      transfer.retry_at = Clock::now() + delay;
      return;
    }
    fail(transfer, std::move(error));
  }

  void fail(Transfer& transfer, ModelError error) {
    error.message = transfer.redactor()(error.message);
    spdlog::debug("model stream #{} failed ({}): {}", transfer.id(), to_string(error.kind),
                  error.message);
    transfer.batch.emplace_back(std::move(error));
    erase(transfer);
  }

  // Posts what is left for the executor and forgets the transfer.
  void erase(Transfer& transfer) {
    detach(transfer);
    if (!transfer.batch.empty()) post_batch(transfer.state(), std::move(transfer.batch));
    transfers_.erase(transfer.id());
  }

  void check_deadlines(Clock::time_point now) {
    std::vector<Transfer*> expired;
    for (auto& [easy, transfer] : active_) {
      if (transfer->expiry(now) != Transfer::Expiry::kNone) expired.push_back(transfer);
    }
    for (Transfer* transfer : expired) {
      Transfer::Expiry why = transfer->expiry(now);
      detach(*transfer);
      if (transfer->completed() || transfer->cancelled()) {
        erase(*transfer);
      } else if (why == Transfer::Expiry::kFirstByte) {
        fail(*transfer, first_byte_timeout_error(transfer->error_context()));
      } else {
        fail(*transfer, idle_timeout_error(transfer->error_context(), transfer->tokens()));
      }
    }
  }

  void start_due_retries(Clock::time_point now) {
    std::vector<Transfer*> due;
    for (auto& [id, transfer] : transfers_) {
      if (transfer->retry_at && *transfer->retry_at <= now) due.push_back(transfer.get());
    }
    for (Transfer* transfer : due) launch(*transfer, now);
  }

  void flush() {
    for (auto& [easy, transfer] : active_) {
      if (!transfer->batch.empty()) post_batch(transfer->state(), std::move(transfer->batch));
      transfer->batch.clear();
    }
  }

  int poll_timeout_ms(Clock::time_point now) {
    long timeout = -1;
    curl_multi_timeout(multi_, &timeout);
    if (timeout < 0 || timeout > 1000) timeout = 1000;
    auto consider = [&](Clock::time_point when) {
      auto ms = std::chrono::ceil<std::chrono::milliseconds>(when - now).count();
      timeout = std::clamp<long>(ms, 0, timeout);
    };
    for (auto& [id, transfer] : transfers_) {
      if (transfer->retry_at) consider(*transfer->retry_at);
      if (auto deadline = transfer->deadline()) consider(*deadline);
    }
    return static_cast<int>(timeout);
  }

  void prewarm(const PrewarmCommand& command) {
    CURL* easy = curl_easy_init();
    if (!easy) return;
    curl_easy_setopt(easy, CURLOPT_URL, command.url.c_str());
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    if (command.connect_timeout_ms > 0) {
      curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                       static_cast<long>(command.connect_timeout_ms));
    }
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, command.verify_tls ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, command.verify_tls ? 2L : 0L);
    if (!command.ca_bundle.empty())
      curl_easy_setopt(easy, CURLOPT_CAINFO, command.ca_bundle.c_str());
    quick_acks_.attach(easy);  // the connection it opens is the one streams reuse
    if (curl_multi_add_handle(multi_, easy) != CURLM_OK) {
      curl_easy_cleanup(easy);
      return;
    }
    prewarms_.insert(easy);
  }

  asio::any_io_executor executor_;
  ClientOptions options_;
  std::mt19937 rng_;  // I/O thread only
  // I/O thread only, and curl_multi_cleanup's; outlives every connection of multi_.
  QuickAcks quick_acks_;
  CURLM* multi_ = nullptr;
  std::thread thread_;
  std::atomic<uint64_t> next_id_{1};

  std::mutex mutex_;  // guards commands_, stopping_, states_ (and multi_'s lifetime)
  std::vector<Command> commands_;
  bool stopping_ = false;
  std::vector<std::weak_ptr<StreamState>> states_;
  size_t prune_at_ = 64;

  // I/O thread only.
  std::unordered_map<uint64_t, std::unique_ptr<Transfer>> transfers_;
  std::unordered_map<CURL*, Transfer*> active_;
  std::unordered_set<CURL*> prewarms_;
};

}  // namespace detail

namespace {

std::optional<ModelError> config_error(const ModelRoleConfig& config, const Provider* provider,
                                       RequestKind kind) {
  auto bad = [](std::string message) {
    return ModelError{ModelError::Kind::kBadConfig, 0, std::move(message)};
  };
  if (!provider) {
    std::string known;
    for (std::string_view name : provider_names()) {
      known += known.empty() ? "" : ", ";
      known += name;
    }
    return bad("unknown model provider '" + config.provider + "' (known: " + known + ")");
  }
  if (!config.configured()) {
    return bad("the model role is not configured: set baseUrl and model (provider " +
               config.provider + ", base URL like " + std::string(provider->base_url_example()) +
               ")");
  }
  if (config.base_url.rfind("http://", 0) != 0 && config.base_url.rfind("https://", 0) != 0) {
    return bad("the base URL must start with http:// or https:// (like " +
               std::string(provider->base_url_example()) + ")");
  }
  if (kind == RequestKind::kChat && !provider->supports_chat()) {
    return bad("provider " + config.provider +
               " only does fill-in-the-middle completion; use openai-chat for chat requests");
  }
  if (kind == RequestKind::kFim && !provider->supports_fim()) {
    return bad("provider " + config.provider +
               " has no fill-in-the-middle endpoint; use openai-completions or ollama for "
               "completion");
  }
  return std::nullopt;
}

}  // namespace

Stream::Stream(std::shared_ptr<detail::StreamState> state, std::weak_ptr<detail::ClientCore> core)
    : state_(std::move(state)), core_(std::move(core)) {}

Stream::~Stream() {
  cancel();
}

uint64_t Stream::id() const {
  return state_->id;
}

void Stream::cancel() {
  if (state_->finished.load(std::memory_order_acquire)) return;
  if (state_->cancelled.exchange(true, std::memory_order_acq_rel)) return;
  if (auto core = core_.lock()) core->submit(detail::CancelCommand{state_->id});
}

ModelClient::ModelClient(asio::any_io_executor executor, ClientOptions options)
    : executor_(std::move(executor)), options_(options) {}

ModelClient::~ModelClient() {
  if (core_) core_->shutdown();
}

detail::ClientCore& ModelClient::core() {
  std::call_once(core_started_,
                 [this] { core_ = std::make_shared<detail::ClientCore>(executor_, options_); });
  return *core_;
}

std::shared_ptr<Stream> ModelClient::start(
    const ModelRoleConfig& config, RequestKind kind, StreamCallbacks callbacks,
    const std::function<HttpRequest(const Provider&)>& build) {
  auto created = detail::Clock::now();
  auto state = std::make_shared<detail::StreamState>();
  detail::ClientCore& core = this->core();
  state->id = core.next_id();
  state->executor = core.executor();
  state->callbacks = std::move(callbacks);
  core.track(state);
  std::shared_ptr<Stream> stream(new Stream(state, core_));

  const Provider* provider = find_provider(config.provider);
  if (auto error = config_error(config, provider, kind)) {
    error->message = Redactor(config.api_key)(error->message);
    detail::post_batch(state, {std::move(*error)});
    return stream;
  }
  auto transfer =
      std::make_unique<detail::Transfer>(state, *provider, kind, build(*provider), config, created);
  core.submit(detail::StartCommand{std::move(transfer)});
  return stream;
}

std::shared_ptr<Stream> ModelClient::chat(const ModelRoleConfig& config, ChatRequest request,
                                          StreamCallbacks callbacks) {
  return start(config, RequestKind::kChat, std::move(callbacks),
               [&](const Provider& provider) { return provider.chat_request(config, request); });
}

std::shared_ptr<Stream> ModelClient::fim(const ModelRoleConfig& config, FimRequest request,
                                         StreamCallbacks callbacks) {
  return start(config, RequestKind::kFim, std::move(callbacks),
               [&](const Provider& provider) { return provider.fim_request(config, request); });
}

void ModelClient::prewarm(const ModelRoleConfig& config) {
  const Provider* provider = find_provider(config.provider);
  if (config_error(config, provider, RequestKind::kChat) &&
      config_error(config, provider, RequestKind::kFim)) {
    return;
  }
  core().submit(detail::PrewarmCommand{provider->chat_url(config), config.connect_timeout_ms,
                                       config.verify_tls, config.ca_bundle});
}

std::chrono::nanoseconds ModelClient::io_thread_cpu_time() const {
  return core_ ? core_->cpu_time() : std::chrono::nanoseconds(0);
}

}  // namespace flint::models
