#pragma once
// One piece of work's progress ($/progress), as a small state machine (clangd's habit), for
// agent jobs and inline edits alike. A server token is created with
// window/workDoneProgress/create and nothing is sent with it before the client answered;
// reports made meanwhile are buffered (the latest wins) and an end that comes first is sent
// after the begin. A client's own token (the workDoneToken of a request) is used at once.
// Exactly one begin and one end go out per channel. Without client support, or when the client
// refuses the token, the start and the end are shown as window/showMessage instead.
//
// Plain C++ with callbacks; thread contract: all calls on one thread (the server's).

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace flint::protocol {

struct ProgressTransport {
  // Sends window/workDoneProgress/create; `answered(ok)` once the client answered.
  std::function<void(const nlohmann::json& token, std::function<void(bool ok)> answered)> create;
  // Sends $/progress {token, value}.
  std::function<void(const nlohmann::json& token, nlohmann::json value)> progress;
  // Sends window/showMessage.
  std::function<void(int type, const std::string& message)> show_message;
};

class ProgressChannel {
 public:
  enum class State { kIdle, kCreating, kLive, kFallback, kEnded };

  // `client_token`: the token came with the client's request (no create, no fallback).
  ProgressChannel(bool supported, nlohmann::json token, ProgressTransport transport,
                  bool client_token = false);
  ProgressChannel(const ProgressChannel&) = delete;
  ProgressChannel& operator=(const ProgressChannel&) = delete;

  void begin(const std::string& title, std::optional<std::string> message,
             std::optional<int> percentage);
  void report(std::optional<std::string> message, std::optional<int> percentage);
  // `failed` shows the fallback message as an error rather than information.
  void end(const std::string& summary, bool failed);

  State state() const { return state_; }
  const nlohmann::json& token() const { return token_; }

 private:
  void on_created(bool ok);
  void send_begin();

  bool supported_;
  bool client_token_;
  nlohmann::json token_;
  ProgressTransport transport_;
  State state_ = State::kIdle;
  std::string title_;
  std::optional<std::string> message_;
  std::optional<int> percentage_;
  bool report_pending_ = false;
  bool end_pending_ = false;
  std::string end_summary_;
  bool end_failed_ = false;
  // The creation callback may outlive the channel.
  std::shared_ptr<ProgressChannel*> self_ = std::make_shared<ProgressChannel*>(this);
};

}  // namespace flint::protocol
