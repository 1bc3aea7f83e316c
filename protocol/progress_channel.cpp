#include "protocol/progress_channel.h"

namespace flint::protocol {

using nlohmann::json;

namespace {
constexpr int kError = 1;
constexpr int kInfo = 3;
}  // namespace

ProgressChannel::ProgressChannel(bool supported, json token, ProgressTransport transport,
                                 bool client_token)
    : supported_(supported || client_token),
      client_token_(client_token),
      token_(std::move(token)),
      transport_(std::move(transport)) {}

void ProgressChannel::begin(const std::string& title, std::optional<std::string> message,
                            std::optional<int> percentage) {
  if (state_ != State::kIdle) return;
  title_ = title;
  message_ = std::move(message);
  percentage_ = percentage;
  if (!supported_) {
    state_ = State::kFallback;
    transport_.show_message(kInfo, "flint: started " + title_);
    return;
  }
  if (client_token_) {
    state_ = State::kLive;
    send_begin();
    return;
  }
  state_ = State::kCreating;
  std::weak_ptr<ProgressChannel*> weak = self_;
  transport_.create(token_, [weak](bool ok) {
    if (auto self = weak.lock()) (*self)->on_created(ok);
  });
}

void ProgressChannel::on_created(bool ok) {
  if (state_ != State::kCreating) return;
  if (!ok) {
    // The client refused the token: nothing may be sent with it.
    state_ = State::kFallback;
    transport_.show_message(kInfo, "flint: started " + title_);
    if (end_pending_) {
      state_ = State::kEnded;
      transport_.show_message(end_failed_ ? kError : kInfo,
                              "flint: " + title_ + ": " + end_summary_);
    }
    return;
  }
  state_ = State::kLive;
  send_begin();
  if (end_pending_) {
    state_ = State::kEnded;
    transport_.progress(token_, json{{"kind", "end"}, {"message", end_summary_}});
    return;
  }
  if (report_pending_) {
    report_pending_ = false;
    report(message_, percentage_);
  }
}

void ProgressChannel::send_begin() {
  json value{{"kind", "begin"}, {"title", title_}, {"cancellable", true}};
  if (message_) value["message"] = *message_;
  if (percentage_) value["percentage"] = *percentage_;
  transport_.progress(token_, std::move(value));
}

void ProgressChannel::report(std::optional<std::string> message, std::optional<int> percentage) {
  if (message) message_ = std::move(message);
  if (percentage) percentage_ = percentage;
  switch (state_) {
    case State::kCreating:
      report_pending_ = true;
      return;
    case State::kLive: {
      json value{{"kind", "report"}, {"cancellable", true}};
      if (message_) value["message"] = *message_;
      if (percentage_) value["percentage"] = *percentage_;
      transport_.progress(token_, std::move(value));
      return;
    }
    default:
      return;
  }
}

void ProgressChannel::end(const std::string& summary, bool failed) {
  switch (state_) {
    case State::kIdle:
      // Ended before it started (a queued job cancelled): nothing was shown, nothing to end.
      state_ = State::kEnded;
      return;
    case State::kCreating:
      end_pending_ = true;
      end_summary_ = summary;
      end_failed_ = failed;
      return;
    case State::kLive:
      state_ = State::kEnded;
      transport_.progress(token_, json{{"kind", "end"}, {"message", summary}});
      return;
    case State::kFallback:
      state_ = State::kEnded;
      transport_.show_message(failed ? kError : kInfo, "flint: " + title_ + ": " + summary);
      return;
    case State::kEnded:
      return;
  }
}

}  // namespace flint::protocol
