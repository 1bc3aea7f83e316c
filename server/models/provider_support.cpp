#include "server/models/provider_support.h"

namespace flint::models::detail {

std::string join_url(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  std::string url(base);
  if (!path.empty() && path.front() != '/') url.push_back('/');
  url.append(path);
  return url;
}

int effective_max_tokens(const ModelRoleConfig& config, std::optional<int> requested) {
  return requested.value_or(config.max_tokens);
}

std::string dump_body(const json& body) {
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

HttpRequest openai_sse_request(const ModelRoleConfig& config, std::string url, const json& body) {
  HttpRequest http{std::move(url),
                   {"Content-Type: application/json", "Accept: text/event-stream"},
                   dump_body(body)};
  if (!config.api_key.empty()) http.headers.push_back("Authorization: Bearer " + config.api_key);
  return http;
}

std::string normalize_finish_reason(std::string_view reason) {
  if (reason == "stop" || reason == "end_turn" || reason == "stop_sequence" ||
      reason == "completed") {
    return "stop";
  }
  if (reason == "length" || reason == "max_tokens" || reason == "max_output_tokens") {
    return "length";
  }
  if (reason == "tool_calls" || reason == "tool_use" || reason == "function_call") {
    return "tool_calls";
  }
  if (reason == "content_filter") return "content_filter";
  return std::string(reason);
}

std::optional<json> parse_json(std::string_view text) {
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

std::string string_field(const json& object, std::string_view key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::string take_string_field(json& object, std::string_view key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return std::move(it->get_ref<std::string&>());
}

int64_t int_field(const json& object, std::string_view key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return 0;
  if (it->is_number_float()) {
    // Converting a double outside int64_t's range is undefined behaviour: such a count or
    // index (1e300) is as good as absent.
    double value = it->get<double>();
    constexpr double kLimit = 9.2e18;  // just inside int64_t's range
    return value > -kLimit && value < kLimit ? static_cast<int64_t>(value) : 0;
  }
  return it->get<int64_t>();
}

const json& member(const json& object, std::string_view key) {
  static const json null_value;
  if (!object.is_object()) return null_value;
  auto it = object.find(key);
  return it == object.end() ? null_value : *it;
}

ModelError malformed_event(std::string_view why, std::string_view data) {
  constexpr size_t kShown = 120;
  std::string shown = dump_body(json(std::string(data.substr(0, kShown))));
  if (data.size() > kShown) shown += "...";
  return ModelError{ModelError::Kind::kMalformedStream, 0,
                    std::string(why) + "; the event starts with " + shown};
}

ModelError provider_error(std::string_view type, std::string_view message) {
  auto has = [&](std::string_view word) { return type.find(word) != std::string_view::npos; };
  ModelError::Kind kind = ModelError::Kind::kServer;
  if (has("rate_limit")) {
    kind = ModelError::Kind::kRateLimited;
  } else if (has("auth") || has("permission") || has("api_key")) {
    kind = ModelError::Kind::kUnauthorized;
  } else if (has("not_found")) {
    kind = ModelError::Kind::kNotFound;
  } else if (has("invalid_request") || has("invalid_prompt")) {
    kind = ModelError::Kind::kOther;
  }
  std::string text = "the provider reported an error in the stream";
  if (!type.empty()) text += " (" + std::string(type) + ")";
  if (!message.empty()) text += ": " + std::string(message);
  return ModelError{kind, 0, text};
}

ModelError openai_stream_error(const json& error) {
  if (error.is_string()) return provider_error("", error.get<std::string>());
  std::string type = string_field(error, "type");
  if (type.empty()) type = string_field(error, "code");
  // OpenRouter and vLLM send numeric codes (502, 400).
  if (const json& code = member(error, "code"); type.empty() && code.is_number_integer()) {
    type = std::to_string(code.get<int64_t>());
  }
  return provider_error(type, string_field(error, "message"));
}

void SseStreamDecoder::feed(std::string_view bytes, std::vector<StreamEvent>& out) {
  if (done_) return;
  out_ = &out;
  if (!parser_.feed(bytes, *this) && !done_) {
    emit(ModelError{ModelError::Kind::kMalformedStream, 0,
                    "a server-sent event exceeded 16 MiB: the endpoint is not streaming events"});
  }
  out_ = nullptr;
}

void SseStreamDecoder::finish(std::vector<StreamEvent>& out) {
  if (done_) return;
  out_ = &out;
  parser_.finish(*this);
  if (!done_) at_eof();
  out_ = nullptr;
}

void SseStreamDecoder::on_event(const SseEvent& event) {
  if (done_) return;
  if (handle(event)) ++events_;
}

void SseStreamDecoder::emit(StreamEvent event) {
  if (done_ || out_ == nullptr) return;
  done_ = std::holds_alternative<StreamEnd>(event) || std::holds_alternative<ModelError>(event);
  out_->push_back(std::move(event));
}

void NdjsonStreamDecoder::feed(std::string_view bytes, std::vector<StreamEvent>& out) {
  if (done_) return;
  out_ = &out;
  if (!parser_.feed(bytes, *this) && !done_) {
    emit(ModelError{ModelError::Kind::kMalformedStream, 0,
                    "a line of the NDJSON stream exceeded 16 MiB"});
  }
  out_ = nullptr;
}

void NdjsonStreamDecoder::finish(std::vector<StreamEvent>& out) {
  if (done_) return;
  out_ = &out;
  parser_.finish(*this);
  if (!done_) at_eof();
  out_ = nullptr;
}

void NdjsonStreamDecoder::on_line(std::string_view line) {
  if (done_) return;
  auto value = parse_json(line);
  if (!value || !value->is_object()) {
    emit(malformed_event("a line of the NDJSON stream is not a JSON object", line));
    return;
  }
  ++events_;
  handle(*value);
}

void NdjsonStreamDecoder::emit(StreamEvent event) {
  if (done_ || out_ == nullptr) return;
  done_ = std::holds_alternative<StreamEnd>(event) || std::holds_alternative<ModelError>(event);
  out_->push_back(std::move(event));
}

}  // namespace flint::models::detail
