#include "server/logging.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <mutex>

#include "server/text/redact.h"

namespace flint {
namespace {

std::mutex g_secrets_mutex;
std::vector<std::string> g_secrets;

// Formats each record, masks secrets and Authorization-like headers, then forwards the line.
// When the target fails (the log file's disk is full), lines go to stderr instead: the
// editor's own log of the server keeps them.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit RedactingSink(spdlog::sink_ptr target) : target_(std::move(target)) {}
  void fall_back_to_stderr() {
    std::lock_guard lock(mutex_);
    target_ = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string text(msg.payload.data(), msg.payload.size());
    std::string clean = redact_secrets(text, registered_secrets());
    spdlog::details::log_msg copy = msg;
    copy.payload = clean;
    target_->log(copy);
  }
  void flush_() override { target_->flush(); }

 private:
  spdlog::sink_ptr target_;
};

}  // namespace

bool valid_log_level(std::string_view level) {
  return level == "trace" || level == "debug" || level == "info" || level == "warn" ||
         level == "error" || level == "off";
}

std::string init_logging(const LogOptions& options) {
  if (!valid_log_level(options.level)) {
    return "unknown log level '" + options.level + "' (use trace, debug, info, warn, error or off)";
  }
  spdlog::sink_ptr target;
  if (options.file.empty()) {
    target = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    try {
      target = std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file);
    } catch (const spdlog::spdlog_ex& e) {
      return "cannot open log file '" + options.file + "': " + e.what();
    }
  }
  auto sink = std::make_shared<RedactingSink>(target);
  auto logger = std::make_shared<spdlog::logger>("flint", sink);
  if (!options.file.empty()) {
    // Said once; the server keeps serving and logs to stderr from then on.
    logger->set_error_handler([sink, file = options.file](const std::string& error) {
      static std::once_flag told;
      std::call_once(told, [&] {
        std::fprintf(stderr, "flint: cannot write the log file '%s' (%s): logging to stderr\n",
                     file.c_str(), error.c_str());
        sink->fall_back_to_stderr();
      });
    });
  }
  logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%l] %v");
  logger->set_level(spdlog::level::from_str(options.level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  return {};
}

void register_secret(std::string_view secret) {
  if (secret.size() < 4) return;  // masking tiny strings would garble every log line
  std::lock_guard lock(g_secrets_mutex);
  for (const auto& s : g_secrets) {
    if (s == secret) return;
  }
  g_secrets.emplace_back(secret);
}

std::vector<std::string> registered_secrets() {
  std::lock_guard lock(g_secrets_mutex);
  return g_secrets;
}

}  // namespace flint
