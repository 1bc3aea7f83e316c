#include "tests/support/editor_client.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>

#include "protocol/position_encoding.h"

namespace flint::test {

using nlohmann::json;

namespace {

// The contents of a file:// URI (percent-decoded path), or nullopt.
std::optional<std::string> read_file_uri(const std::string& uri) {
  constexpr std::string_view kScheme = "file://";
  if (uri.rfind(kScheme, 0) != 0) return std::nullopt;
  std::string path;
  for (size_t i = kScheme.size(); i < uri.size(); ++i) {
    if (uri[i] == '%' && i + 2 < uri.size()) {
      path += static_cast<char>(std::stoi(uri.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      path += uri[i];
    }
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

EditorClient::EditorClient(EditorOptions options) : options_(std::move(options)) {
  std::string program = options_.program;
  if (program.empty()) {
    const char* pinned = std::getenv("FLINT_TEST_SERVER");
    program = pinned && *pinned ? pinned : FLINT_LSP_PATH;
  }
  std::vector<std::string> argv{program, "--log-level", "debug"};
  for (auto& a : options_.args) argv.push_back(a);
  process_ = std::make_unique<LspProcess>(argv, options_.env);
  json caps{
      {"general", {{"positionEncodings", json::array({options_.encoding})}}},
      {"workspace",
       {{"applyEdit", true},
        {"configuration", true},
        {"workspaceEdit", {{"documentChanges", options_.document_changes}}}}},
      {"window", {{"workDoneProgress", options_.work_done_progress}}},
      {"experimental",
       {{"flint", {{"editSessions", options_.flint_plugin}, {"jobReview", options_.job_review}}}}},
  };
  json params{
      {"processId", nullptr},
      {"rootUri", options_.root_uri},
      {"workspaceFolders", json::array({{{"uri", options_.root_uri}, {"name", "workspace"}}})},
      {"capabilities", caps},
      {"initializationOptions", options_.initialization_options}};
  json response = request("initialize", params, std::chrono::seconds(30));
  if (!response.contains("result"))
    throw std::runtime_error("initialize failed: " + response.dump());
  initialize_result_ = response["result"];
  encoding_ = initialize_result_["capabilities"].value("positionEncoding", "utf-16");
  notify("initialized", json::object());
}

EditorClient::~EditorClient() = default;

void EditorClient::shutdown() {
  request("shutdown", nullptr, std::chrono::seconds(20));
  notify("exit", nullptr);
  process_->wait_exit(std::chrono::seconds(20));
}

void EditorClient::open(const std::string& uri, const std::string& language,
                        const std::string& text) {
  docs_[uri] = Doc{text, 1};
  notify("textDocument/didOpen",
         json{{"textDocument",
               {{"uri", uri}, {"languageId", language}, {"version", 1}, {"text", text}}}});
}

size_t EditorClient::offset(const std::string& text, const json& position) const {
  uint32_t line = position["line"];
  uint32_t character = position["character"];
  size_t start = 0;
  for (uint32_t l = 0; l < line; ++l) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) return text.size();
    start = nl + 1;
  }
  size_t end = text.find('\n', start);
  if (end == std::string::npos) end = text.size();
  std::string_view line_text(text.data() + start, end - start);
  auto encoding =
      protocol::parse_position_encoding(encoding_).value_or(protocol::PositionEncoding::kUtf16);
  return start + protocol::byte_of_character(line_text, character, encoding);
}

json EditorClient::position_of(const std::string& text, size_t byte) const {
  size_t line_start = text.rfind('\n', byte == 0 ? std::string::npos : byte - 1);
  line_start = line_start == std::string::npos || byte == 0 ? 0 : line_start + 1;
  size_t line_end = text.find('\n', line_start);
  if (line_end == std::string::npos) line_end = text.size();
  int line = static_cast<int>(std::count(text.begin(), text.begin() + line_start, '\n'));
  auto encoding =
      protocol::parse_position_encoding(encoding_).value_or(protocol::PositionEncoding::kUtf16);
  std::string_view line_text(text.data() + line_start, line_end - line_start);
  return {{"line", line},
          {"character", protocol::character_of_byte(
                            line_text, static_cast<uint32_t>(byte - line_start), encoding)}};
}

json EditorClient::own_change(const std::string& before, const std::string& after) const {
  // The common prefix and suffix, kept off the middle of a UTF-8 sequence.
  size_t prefix = 0;
  size_t shortest = std::min(before.size(), after.size());
  while (prefix < shortest && before[prefix] == after[prefix]) ++prefix;
  while (prefix > 0 && (static_cast<unsigned char>(before[prefix]) & 0xC0) == 0x80) --prefix;
  size_t suffix = 0;
  while (suffix < shortest - prefix &&
         before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix])
    ++suffix;
  while (suffix > 0 && (static_cast<unsigned char>(before[before.size() - suffix]) & 0xC0) == 0x80)
    --suffix;
  return {{"range",
           {{"start", position_of(before, prefix)},
            {"end", position_of(before, before.size() - suffix)}}},
          {"text", after.substr(prefix, after.size() - suffix - prefix)}};
}

void EditorClient::replace(Doc& doc, const json& range, const std::string& text) {
  size_t a = offset(doc.text, range["start"]);
  size_t b = offset(doc.text, range["end"]);
  if (b < a) throw std::runtime_error("inverted range " + range.dump());
  doc.text.replace(a, b - a, text);
}

void EditorClient::type(const std::string& uri, int line, int character, int end_line,
                        int end_character, const std::string& text) {
  Doc& doc = docs_.at(uri);
  json range{{"start", {{"line", line}, {"character", character}}},
             {"end", {{"line", end_line}, {"character", end_character}}}};
  replace(doc, range, text);
  ++doc.version;
  notify("textDocument/didChange",
         json{{"textDocument", {{"uri", uri}, {"version", doc.version}}},
              {"contentChanges", json::array({{{"range", range}, {"text", text}}})}});
}

void EditorClient::apply_and_report(const std::string& uri, Doc& doc, const json& text_edits) {
  // Edits of one document refer to it before any of them: apply from the last to the first.
  std::vector<json> edits(text_edits.begin(), text_edits.end());
  std::string before = doc.text;
  for (auto e = edits.rbegin(); e != edits.rend(); ++e) {
    replace(doc, (*e)["range"], (*e)["newText"]);
  }
  ++doc.version;
  json content_changes = json::array();
  if (options_.reports_own_ranges) {
    content_changes.push_back(own_change(before, doc.text));
    if (edits.size() != 1 || edits[0]["range"] != content_changes[0]["range"]) ++reranged_edits_;
  } else {
    for (auto e = edits.rbegin(); e != edits.rend(); ++e) {
      content_changes.push_back({{"range", (*e)["range"]}, {"text", (*e)["newText"]}});
    }
  }
  notify("textDocument/didChange", json{{"textDocument", {{"uri", uri}, {"version", doc.version}}},
                                        {"contentChanges", content_changes}});
}

void EditorClient::apply_edit_request(const json& message) {
  if (!options_.answer_edits) {
    ++unanswered_edits_;
    return;
  }
  const json& edit = message["params"]["edit"];
  bool accept = !options_.accept_edit || options_.accept_edit(message["params"]);
  bool applied = false;
  std::string reason;
  if (accept && edit.contains("documentChanges")) {
    applied = true;
    for (const json& change : edit["documentChanges"]) {
      std::string uri = change["textDocument"]["uri"];
      auto it = docs_.find(uri);
      if (it == docs_.end()) {
        // Like VS Code: a file the edit touches that is not open is opened first (didOpen).
        std::optional<std::string> text = read_file_uri(uri);
        if (!text) {
          applied = false;
          reason = "unknown document " + uri;
          break;
        }
        open(uri, "plaintext", *text);
        it = docs_.find(uri);
      }
      const json& version = change["textDocument"]["version"];
      if (!version.is_null() && version.get<int64_t>() != it->second.version) {
        applied = false;  // stale, as VS Code refuses it
        reason = "version mismatch";
        break;
      }
    }
    if (applied) {
      for (const json& change : edit["documentChanges"]) {
        std::string uri = change["textDocument"]["uri"];
        Doc& doc = docs_[uri];
        apply_and_report(uri, doc, change["edits"]);
      }
    }
  } else if (accept && edit.contains("changes")) {
    applied = true;
    for (auto& [uri, edits_json] : edit["changes"].items()) {
      Doc& doc = docs_[uri];
      apply_and_report(uri, doc, edits_json);
    }
  } else if (!accept) {
    reason = "refused by the test";
  }
  if (applied) {
    applied_edits_.push_back(message["params"]);
    if (options_.after_edit) options_.after_edit();
  } else {
    ++refused_edits_;
  }
  json result{{"applied", applied}};
  if (!applied) result["failureReason"] = reason;
  process_->send(json{{"jsonrpc", "2.0"}, {"id", message["id"]}, {"result", result}});
}

void EditorClient::handle(const json& message) {
  if (message.contains("method") && message.contains("id")) {
    const std::string method = message["method"];
    if (method == "workspace/applyEdit") {
      apply_edit_request(message);
    } else if (method == "workspace/configuration") {
      json items = json::array();
      for (size_t i = 0; i < message["params"]["items"].size(); ++i)
        items.push_back(options_.settings);
      process_->send(json{{"jsonrpc", "2.0"}, {"id", message["id"]}, {"result", items}});
    } else {
      notifications_.push_back(message);  // recorded like a notification
      process_->send(json{{"jsonrpc", "2.0"}, {"id", message["id"]}, {"result", nullptr}});
    }
    return;
  }
  if (message.contains("method")) {
    notifications_.push_back(message);
    return;
  }
  if (message.contains("id") && message["id"].is_number_integer()) {
    responses_[message["id"].get<int64_t>()] = message;
  }
}

int64_t EditorClient::send_request(const std::string& method, json params) {
  int64_t id = next_id_++;
  json message{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) message["params"] = std::move(params);
  process_->send(message);
  return id;
}

std::optional<json> EditorClient::wait_response(int64_t id, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto it = responses_.find(id); it != responses_.end()) {
      json r = it->second;
      responses_.erase(it);
      return r;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto message = process_->next(left);
    if (!message) return std::nullopt;
    handle(*message);
  }
}

json EditorClient::request(const std::string& method, json params,
                           std::chrono::milliseconds timeout) {
  int64_t id = send_request(method, std::move(params));
  auto r = wait_response(id, timeout);
  if (!r)
    throw std::runtime_error("no response to " + method + "\nserver stderr:\n" +
                             process_->stderr_text());
  return *r;
}

int64_t EditorClient::execute_async(const std::string& command, json argument,
                                    json work_done_token) {
  json params{{"command", command}, {"arguments", json::array({std::move(argument)})}};
  if (!work_done_token.is_null()) params["workDoneToken"] = work_done_token;
  return send_request("workspace/executeCommand", std::move(params));
}

json EditorClient::execute(const std::string& command, json argument,
                           std::chrono::milliseconds timeout) {
  int64_t id = execute_async(command, std::move(argument));
  auto r = wait_response(id, timeout);
  if (!r)
    throw std::runtime_error("no response to " + command + "\nserver stderr:\n" +
                             process_->stderr_text());
  return *r;
}

void EditorClient::notify(const std::string& method, json params) {
  process_->notify(method, std::move(params));
}

std::optional<json> EditorClient::wait_notification(const std::function<bool(const json&)>& pred,
                                                    std::chrono::milliseconds timeout) {
  size_t seen = 0;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    for (; seen < notifications_.size(); ++seen) {
      if (pred(notifications_[seen])) return notifications_[seen];
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto message = process_->next(left);
    if (!message) return std::nullopt;
    handle(*message);
  }
}

bool EditorClient::serve_until(const std::function<bool()>& done,
                               std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    auto message = process_->next(left);
    if (message) handle(*message);
  }
  return true;
}

void EditorClient::serve_for(std::chrono::milliseconds duration) {
  auto deadline = std::chrono::steady_clock::now() + duration;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    auto message = process_->next(left);
    if (!message) continue;
    handle(*message);
  }
}

}  // namespace flint::test
