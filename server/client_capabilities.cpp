#include "server/client_capabilities.h"

#include <algorithm>

namespace flint {
namespace {

using nlohmann::json;

// Reads a boolean at a JSON pointer path, false when absent or of another type.
bool flag(const json& root, const char* pointer) {
  const json::json_pointer ptr(pointer);
  if (!root.contains(ptr)) return false;
  const json& v = root.at(ptr);
  return v.is_boolean() && v.get<bool>();
}

}  // namespace

ClientCapabilities read_client_capabilities(const protocol::InitializeParams& params) {
  ClientCapabilities caps;
  const json& capabilities = params.capabilities;
  if (!capabilities.is_object()) return caps;
  if (capabilities.contains(json::json_pointer("/general/positionEncodings"))) {
    const json& encodings = capabilities.at(json::json_pointer("/general/positionEncodings"));
    if (encodings.is_array()) {
      for (const json& e : encodings) {
        if (!e.is_string()) continue;
        if (auto enc = protocol::parse_position_encoding(e.get<std::string>())) {
          caps.position_encodings.push_back(*enc);
        }
      }
    }
  }
  caps.apply_edit = flag(capabilities, "/workspace/applyEdit");
  caps.document_changes = flag(capabilities, "/workspace/workspaceEdit/documentChanges");
  caps.work_done_progress = flag(capabilities, "/window/workDoneProgress");
  caps.configuration = flag(capabilities, "/workspace/configuration");
  caps.did_change_configuration_dynamic =
      flag(capabilities, "/workspace/didChangeConfiguration/dynamicRegistration");
  caps.flint_edit_sessions = flag(capabilities, "/experimental/flint/editSessions");
  caps.flint_job_review = flag(capabilities, "/experimental/flint/jobReview");
  caps.inline_completion =
      capabilities.contains(json::json_pointer("/textDocument/inlineCompletion"));
  if (params.clientInfo) {
    caps.client_name = params.clientInfo->name;
    caps.client_version = params.clientInfo->version.value_or("");
  }
  return caps;
}

protocol::PositionEncoding negotiate_position_encoding(const ClientCapabilities& caps) {
  using protocol::PositionEncoding;
  const auto& offered = caps.position_encodings;
  auto has = [&](PositionEncoding e) {
    return std::find(offered.begin(), offered.end(), e) != offered.end();
  };
  if (has(PositionEncoding::kUtf8)) return PositionEncoding::kUtf8;
  if (offered.empty() || has(PositionEncoding::kUtf16)) return PositionEncoding::kUtf16;
  if (has(PositionEncoding::kUtf32)) return PositionEncoding::kUtf32;
  return PositionEncoding::kUtf16;
}

}  // namespace flint
