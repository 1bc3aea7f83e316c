#include "server/command_types.h"

#include <stdexcept>

namespace flint {

using nlohmann::json;

namespace {

std::optional<std::string> optional_string(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

void from_json(const json& j, ExecuteCommandParams& p) {
  // "(/path) message": the dispatcher's -32602 names the field, as for nlohmann's errors.
  auto command = j.is_object() ? j.find("command") : j.end();
  if (!j.is_object() || command == j.end() || !command->is_string()) {
    throw std::invalid_argument("(/command) expected a string");
  }
  p.command = command->get<std::string>();
  p.argument = nullptr;
  if (auto args = j.find("arguments"); args != j.end() && !args->is_null()) {
    if (!args->is_array()) throw std::invalid_argument("(/arguments) expected an array");
    if (!args->empty()) p.argument = (*args)[0];
  }
  p.workDoneToken = nullptr;
  if (auto token = j.find("workDoneToken");
      token != j.end() && (token->is_string() || token->is_number_integer())) {
    p.workDoneToken = *token;
  }
}

void from_json(const json& j, InlineEditArgs& a) {
  j.at("textDocument").get_to(a.textDocument);
  j.at("range").get_to(a.range);
  // The instruction may be empty for presets that carry it elsewhere; null is an error.
  j.at("instruction").get_to(a.instruction);
}

namespace {

void read_target(const json& j, SessionTarget& a) {
  a.sessionId = optional_string(j, "sessionId");
  if (auto it = j.find("textDocument"); it != j.end() && !it->is_null()) {
    a.textDocument = it->get<protocol::TextDocumentIdentifier>();
  }
  if (auto it = j.find("position"); it != j.end() && !it->is_null()) {
    a.position = it->get<protocol::Position>();
  }
}

}  // namespace

void from_json(const json& j, SteerArgs& a) {
  read_target(j, a);
  j.at("instruction").get_to(a.instruction);
}

void from_json(const json& j, SessionArgs& a) {
  if (j.is_null()) return;
  read_target(j, a);
}

void from_json(const json& j, AgentTaskArgs& a) {
  j.at("instruction").get_to(a.instruction);
  if (auto it = j.find("textDocument"); it != j.end() && !it->is_null()) {
    a.textDocument = it->get<protocol::TextDocumentIdentifier>();
  }
  if (auto it = j.find("range"); it != j.end() && !it->is_null()) {
    a.range = it->get<protocol::Range>();
  }
}

void from_json(const json& j, CancelJobArgs& a) {
  j.at("jobId").get_to(a.jobId);
}

void from_json(const json& j, JobPreviewParams& p) {
  if (j.is_object()) p.jobId = j.value("jobId", std::string());
}

void to_json(json& j, const EditSessionStatus& s) {
  j = json{{"sessionId", s.sessionId}};
  if (s.uri) j["uri"] = *s.uri;
  j["state"] = s.state;
  j["region"] = s.region ? json(*s.region) : json(nullptr);
  if (s.reason) j["reason"] = *s.reason;
  if (s.jobId) j["jobId"] = *s.jobId;
  if (s.answer) j["answer"] = *s.answer;
  if (s.stats) j["stats"] = *s.stats;
}

void to_json(json& j, const JobStatus& s) {
  j = json{{"jobId", s.jobId}, {"title", s.title}, {"state", s.state}};
  if (s.message) j["message"] = *s.message;
  if (s.percentage) j["percentage"] = *s.percentage;
  if (s.summary) j["summary"] = *s.summary;
  if (s.files) j["files"] = *s.files;
  if (s.changes) j["changes"] = *s.changes;
}

}  // namespace flint
