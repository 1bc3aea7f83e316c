#pragma once
// One bind table for JSON-RPC methods (clangd's LSPBinder habit): a method name is bound to a
// handler taking a typed params struct; params are converted once, here, and conversion errors
// become -32602 naming the field. Also owns the server->client request id space and matches
// the client's responses back to their callbacks.
//
// Thread contract: everything runs on the event-loop thread, except `Sender`, which must be
// safe to call from it (the transport queues to its writer thread).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include "protocol/cancellation.h"
#include "protocol/json_rpc.h"

namespace flint::protocol {

// Shared state of one client request being served.
struct ReplyState {
  RequestId id;
  std::string method;
  CancellationToken token;
  bool replied = false;
  std::function<void(const json&)> send;
  std::function<void(const RequestId&)> on_done;  // removes the id from the pending table

  void send_result(json result);
  void send_error(const ResponseError& error);
  ~ReplyState();
};

// The single way to answer a request. Copies share state; the first reply wins and later ones
// are dropped (e.g. after $/cancelRequest answered -32800). If every copy is destroyed without
// a reply, the request is answered with InternalError: a client never waits forever.
template <class Result>
class Reply {
 public:
  explicit Reply(std::shared_ptr<ReplyState> state) : state_(std::move(state)) {}
  template <class Other>
  explicit Reply(const Reply<Other>& other) : state_(other.state()) {}

  void operator()(Result result) const { state_->send_result(json(std::move(result))); }
  void error(const ResponseError& error) const { state_->send_error(error); }
  void error(ErrorCode code, std::string message) const {
    state_->send_error(ResponseError{code, std::move(message), nullptr});
  }
  const CancellationToken& token() const { return state_->token; }
  const RequestId& id() const { return state_->id; }
  bool replied() const { return state_->replied; }
  const std::shared_ptr<ReplyState>& state() const { return state_; }

 private:
  std::shared_ptr<ReplyState> state_;
};

class Dispatcher {
 public:
  using Sender = std::function<void(const json&)>;
  // Decides whether a message may be handled now (lifecycle): returns an error to answer a
  // request with, or for a notification, an error means "drop it".
  using Gate =
      std::function<std::optional<ResponseError>(std::string_view method, bool is_request)>;
  using RawRequestHandler = std::function<void(const json& params, Reply<json> reply)>;
  using RawNotificationHandler = std::function<void(const json& params)>;
  using ResultCallback = std::function<void(Expected<json>)>;

  explicit Dispatcher(Sender sender);

  void set_gate(Gate gate) { gate_ = std::move(gate); }

  template <class Params, class Result>
  void request(std::string method, std::function<void(const Params&, Reply<Result>)> handler) {
    requests_[method] = [method, handler = std::move(handler)](const json& params,
                                                               Reply<json> reply) {
      Params typed{};
      if (!read_params(method, params, typed, reply)) return;
      handler(typed, Reply<Result>(reply));
    };
  }

  template <class Params>
  void notification(std::string method, std::function<void(const Params&)> handler) {
    auto handle = [this, m = method, handler = std::move(handler)](const json& params) {
      Params typed{};
      try {
        if (!params.is_null()) params.get_to(typed);
      } catch (const std::exception& e) {
        report_bad_notification(m, describe_params_error(e));
        return;
      }
      handler(typed);
    };
    notifications_[std::move(method)] = std::move(handle);
  }

  void raw_request(std::string method, RawRequestHandler handler) {
    requests_[std::move(method)] = std::move(handler);
  }
  void raw_notification(std::string method, RawNotificationHandler handler) {
    notifications_[std::move(method)] = std::move(handler);
  }

  // Called for notifications whose params did not convert (logged by the server).
  void set_bad_notification_handler(std::function<void(std::string_view, std::string)> h) {
    on_bad_notification_ = std::move(h);
  }

  // Handles one message body (a JSON text): parses, validates and dispatches.
  void handle_message(std::string_view body);
  void handle(const json& message);

  // Server -> client, typed (clangd's LSPBinder::outgoingNotification/outgoingMethod): params
  // go through to_json, by value, so that what a caller moves in (an edit's texts) is moved into
  // the JSON. The functions returned call this dispatcher: they must not outlive it.
  template <class Params>
  using OutgoingNotification = std::function<void(Params)>;
  template <class Result>
  using OutgoingCallback = std::function<void(Expected<Result>)>;
  template <class Params, class Result>
  using OutgoingMethod = std::function<void(Params, OutgoingCallback<Result>)>;

  template <class Params>
  OutgoingNotification<Params> outgoing_notification(std::string method) {
    return [this, method = std::move(method)](Params params) {
      notify(method, json(std::move(params)));
    };
  }

  // With Result = json the callback gets the answer as sent, for callers that read it
  // leniently (read_apply_result). Otherwise the answer is converted with from_json, and one
  // that does not convert is an error (-32602 naming the field) rather than a throw.
  template <class Params, class Result = json>
  OutgoingMethod<Params, Result> outgoing_method(std::string method) {
    return [this, method = std::move(method)](Params params, OutgoingCallback<Result> callback) {
      call(method, json(std::move(params)),
           [method, callback = std::move(callback)](Expected<json> answer) {
             if constexpr (std::is_same_v<Result, json>) {
               callback(std::move(answer));
             } else {
               if (!answer) {
                 callback(answer.error());
                 return;
               }
               callback(read_result<Result>(method, answer.value()));
             }
           });
    };
  }

  // Server -> client, untyped.
  void notify(std::string_view method, json params);
  // Returns the id used. `callback` runs when the client answers (or with an error when the
  // dispatcher is shut down or too many calls are pending).
  int64_t call(std::string_view method, json params, ResultCallback callback);
  size_t pending_calls() const { return calls_.size(); }
  size_t pending_requests() const { return pending_.size(); }

  // Cancels the client's request `id` as $/cancelRequest does.
  void cancel_request(const RequestId& id);

  // Answers every pending server->client call with an error (at shutdown).
  void fail_pending_calls(const std::string& why);

  static constexpr size_t kMaxPendingCalls = 1024;

 private:
  // A params type with `static constexpr bool kRequiresObject = true` (its fields are all
  // optional, yet LSP requires the object: initialize) refuses anything else, absent included.
  template <class Params>
  static constexpr bool requires_object() {
    if constexpr (requires { Params::kRequiresObject; }) {
      return Params::kRequiresObject;
    } else {
      return false;
    }
  }

  template <class Params>
  static bool read_params(const std::string& method, const json& params, Params& typed,
                          Reply<json>& reply) {
    if constexpr (requires_object<Params>()) {
      if (!params.is_object()) {
        reply.error(ErrorCode::kInvalidParams, "invalid params: " + method + " needs an object");
        return false;
      }
    }
    try {
      if (params.is_null()) {
        // Absent params read as an empty object so that required fields are named.
        json::object().get_to(typed);
      } else {
        params.get_to(typed);
      }
      return true;
    } catch (const std::exception& e) {
      reply.error(ErrorCode::kInvalidParams, "invalid params: " + describe_params_error(e));
      return false;
    }
  }

  template <class Result>
  static Expected<Result> read_result(const std::string& method, const json& answer) {
    Result typed{};
    try {
      answer.get_to(typed);
    } catch (const std::exception& e) {
      return ResponseError{ErrorCode::kInvalidParams,
                           "invalid " + method + " reply: " + describe_params_error(e), nullptr};
    }
    return typed;
  }

  void report_bad_notification(std::string_view method, std::string message) {
    if (on_bad_notification_) on_bad_notification_(method, std::move(message));
  }
  void handle_request(const json& id, const std::string& method, const json& params);
  void handle_response(const json& message);

  Sender send_;
  Gate gate_;
  std::unordered_map<std::string, RawRequestHandler> requests_;
  std::unordered_map<std::string, RawNotificationHandler> notifications_;
  std::function<void(std::string_view, std::string)> on_bad_notification_;
  // Client requests being served, by id dump (ids may be ints or strings).
  std::unordered_map<std::string, std::weak_ptr<ReplyState>> pending_;
  std::unordered_map<int64_t, ResultCallback> calls_;
  int64_t next_call_id_ = 1;
};

}  // namespace flint::protocol
