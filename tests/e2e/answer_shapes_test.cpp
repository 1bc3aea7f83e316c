// End to end over pipes with each provider's stream format, reasoning included (issue 12): the
// real flint-lsp, a scripted editor (EditorClient) and the loopback endpoint speaking
// openai-chat, openai-responses, anthropic and ollama, on a real Python file (the standard
// library's sched.py, copied into the test's workspace; the region is the method the real
// scope finder picks around the cursor). Real models answer in many shapes: reasoning on the
// provider's channel or as <think> in the text, refusals, prose without code, a method
// dedented to column 0, elision markers, wire quirks. Whatever the shape, the buffer ends with
// exactly the intended text, or byte-identical when the answer holds no code.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "server/jobs/workspace.h"
#include "tests/e2e/harness.h"
#include "tests/fake_endpoint/fake_endpoint.h"
#include "tests/support/editor_client.h"
#include "tests/unit/jobs/temp_workspace.h"

namespace flint {
namespace {

using nlohmann::json;
using test::EditorClient;
using test::EditorOptions;
using test::TempWorkspace;

constexpr const char* kSourcePath = "/usr/lib/python3.11/sched.py";
const json kProgressToken = "answer-shapes-progress";
// Written by the model on its reasoning channel (or in <think>): never in the buffer or an edit.
const std::string kReasoning =
    "REASONING-SECRET: the user wants the heapify call explained; heapq keeps the smallest "
    "event first, so a comment there helps. I will change only that line.";

// ---------------------------------------------------------------------------------------------
// The real file and the answers a model gives for it.

std::string read_source() {
  std::ifstream in(kSourcePath, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot read ") + kSourcePath);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

const std::string& source() {
  static const std::string text = read_source();
  return text;
}

// `text` with the single occurrence of `from` replaced by `to` (throws unless exactly one).
std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  if (at == std::string::npos || text.find(from, at + 1) != std::string::npos)
    throw std::runtime_error("not exactly one occurrence of: " + from);
  return text.replace(at, from.size(), to);
}

// Lines [first, last] (0-based, inclusive) of `text`, each with its "\n".
std::string lines_of(const std::string& text, int first, int last) {
  size_t begin = 0;
  for (int i = 0; i < first; ++i) begin = text.find('\n', begin) + 1;
  size_t end = begin;
  for (int i = first; i <= last; ++i) end = text.find('\n', end) + 1;
  return text.substr(begin, end - begin);
}

int line_of(const std::string& text, const std::string& needle) {
  size_t at = text.find(needle);
  if (at == std::string::npos) throw std::runtime_error("not in the file: " + needle);
  return static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

// Every line of `text` with `columns` fewer leading spaces (blank lines stay empty).
std::string dedent(const std::string& text, size_t columns) {
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    size_t spaces = line.find_first_not_of(' ');
    if (spaces == std::string::npos) spaces = line.size();
    out += line.substr(std::min(spaces, columns)) + "\n";
  }
  return out;
}

// sched.scheduler.cancel: the region for a cursor in its body.
struct Method {
  int first_line;      // 0-based, the "def" line
  int last_line;       // inclusive
  int cursor_line;     // a line of its body
  std::string before;  // its text now
  std::string after;   // with the one changed line
};

const std::string kHeapifyLine = "            heapq.heapify(self._queue)\n";
const std::string kHeapifyChanged =
    "            heapq.heapify(self._queue)  # restore the heap invariant\n";

Method cancel_method() {
  Method m;
  m.first_line = line_of(source(), "    def cancel(self, event):");
  m.last_line = line_of(source(), kHeapifyLine);
  m.cursor_line = m.last_line;
  m.before = lines_of(source(), m.first_line, m.last_line);
  m.after = replace_once(m.before, kHeapifyLine, kHeapifyChanged);
  return m;
}

std::string fenced(const std::string& code) {
  return "Here is the method with the comment added:\n\n```python\n" + code +
         "```\n\nOnly the heapify line changed.\n";
}

// ---------------------------------------------------------------------------------------------
// Providers the endpoint speaks for chat.

struct Provider {
  std::string name;          // FLINT_PROVIDER
  std::string base_path;     // after the endpoint's address in baseUrl
  std::string refusal_ends;  // the reason a scripted refusal ends the session with
  std::string api;           // what the endpoint calls the API the requests went to
};

const Provider kOpenAiChat{"openai-chat", "/v1", "the model refused: ", "openai-chat"};
const Provider kOpenAiResponses{"openai-responses", "/v1",
                                "the model refused: ", "openai-responses"};
const Provider kAnthropic{"anthropic", "", "the model refused: ", "anthropic"};
// Ollama has no refusal channel: the endpoint sends the refusal as plain text, which is prose.
const Provider kOllama{"ollama", "", "the model answered no code: ", "ollama-chat"};

void PrintTo(const Provider& provider, std::ostream* os) {
  *os << provider.name;
}

std::string param_name(const ::testing::TestParamInfo<Provider>& info) {
  std::string name = info.param.name;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

// ---------------------------------------------------------------------------------------------
// One editor and one endpoint; the file copied into a temporary workspace.

class Session {
 public:
  explicit Session(json script, const Provider& provider = kOpenAiChat)
      : endpoint(std::move(script)) {
    endpoint.start();
    EditorOptions options;
    options.env = e2e::model_env(
        endpoint, {provider.name, "fake-fast", "sk-test-shapes-secret", provider.base_path});
    options.root_uri = jobs::uri_from_path(tmp.root());
    options.accept_edit = [this](const json& params) {
      offered.push_back(params);
      if (first_edit_at < 0 && editor)
        first_edit_at = static_cast<int>(editor->notifications().size());
      return true;
    };
    editor = std::make_unique<EditorClient>(std::move(options));
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Writes the file as `name` into the workspace and opens it; returns its URI.
  std::string open_copy(const std::string& name = "sched.py") {
    tmp.write(name, source());
    std::string uri = jobs::uri_from_path(tmp.path(name));
    editor->open(uri, "python", source());
    return uri;
  }

  // Runs flint.inlineEdit with the cursor at (line, character) and a workDoneToken; returns the
  // result (throws on an error answer).
  json edit(const std::string& uri, int line, int character,
            const std::string& instruction = "explain the heapify call in a comment") {
    json args{{"textDocument", {{"uri", uri}}},
              {"range", test::lsp_range(line, character, line, character)},
              {"instruction", instruction}};
    int64_t id = editor->execute_async("flint.inlineEdit", args, kProgressToken);
    auto response = editor->wait_response(id, std::chrono::seconds(30));
    if (!response) throw std::runtime_error("no answer to flint.inlineEdit\n" + stderr_tail());
    if (!response->contains("result"))
      throw std::runtime_error("flint.inlineEdit failed: " + response->dump());
    return (*response)["result"];
  }

  std::string stderr_tail() {
    std::string s = editor->server_stderr();
    return s.size() > 4000 ? s.substr(s.size() - 4000) : s;
  }

  // flint/editSession params for `uri`, in order.
  std::vector<json> session_notes(const std::string& uri) const {
    std::vector<json> out;
    for (const auto& n : editor->notifications()) {
      if (n["method"] == "flint/editSession" && n["params"]["uri"] == uri)
        out.push_back(n["params"]);
    }
    return out;
  }
  // Index in notifications() of the first "thinking…" progress report, or -1.
  int first_thinking_report() const {
    const auto& all = editor->notifications();
    for (size_t i = 0; i < all.size(); ++i) {
      const json& n = all[i];
      if (n["method"] == "$/progress" && n["params"]["token"] == kProgressToken &&
          n["params"]["value"]["kind"] == "report" &&
          n["params"]["value"].value("message", "").rfind("thinking", 0) == 0) {
        return static_cast<int>(i);
      }
    }
    return -1;
  }
  std::vector<std::string> progress_messages() const {
    std::vector<std::string> out;
    for (const auto& n : editor->notifications()) {
      if (n["method"] == "$/progress" && n["params"]["token"] == kProgressToken)
        out.push_back(n["params"]["value"].value("message", ""));
    }
    return out;
  }
  std::vector<json> shown_messages() const {
    std::vector<json> out;
    for (const auto& n : editor->notifications()) {
      if (n["method"] == "window/showMessage") out.push_back(n["params"]);
    }
    return out;
  }
  // Every applyEdit offered for `uri` (applied or not).
  std::vector<json> offered_for(const std::string& uri) const {
    std::vector<json> out;
    for (const auto& p : offered) {
      for (const auto& change : p["edit"]["documentChanges"]) {
        if (change["textDocument"]["uri"] == uri) {
          out.push_back(p);
          break;
        }
      }
    }
    return out;
  }
  // The same, as JSON text.
  std::string offered_text(const std::string& uri) const {
    std::string out;
    for (const auto& p : offered_for(uri)) out += p.dump() + "\n";
    return out;
  }

  TempWorkspace tmp;
  fake::FakeEndpoint endpoint;
  std::unique_ptr<EditorClient> editor;
  std::vector<json> offered;  // every workspace/applyEdit's params, in order
  int first_edit_at = -1;     // notifications() size when the first applyEdit arrived
};

json rule(json reply) {
  return json{{"rules", json::array({json{{"reply", std::move(reply)}}})}};
}

// Every line an edit touches is inside [first, last] (0-based lines of the region).
void expect_edits_within(const std::vector<json>& offered, int first, int last) {
  for (const auto& params : offered) {
    for (const auto& change : params["edit"]["documentChanges"]) {
      for (const auto& e : change["edits"]) {
        EXPECT_GE(e["range"]["start"]["line"].get<int>(), first) << e.dump();
        EXPECT_LE(e["range"]["end"]["line"].get<int>(), last + 1) << e.dump();
      }
    }
  }
}

// The ending of a session whose answer held no code: failed, nothing sent, buffer untouched.
void expect_failed_untouched(Session& s, const std::string& uri, const json& result,
                             const std::string& reason_prefix) {
  EXPECT_EQ(result["state"], "failed") << result.dump();
  std::string reason = result.value("reason", "");
  EXPECT_EQ(reason.rfind(reason_prefix, 0), 0u) << reason;
  EXPECT_EQ(s.offered_for(uri).size(), 0u) << s.offered_text(uri);
  EXPECT_EQ(s.editor->text(uri), source());
  EXPECT_EQ(s.editor->version(uri), 1);  // not one change, not even a restoring one
  auto notes = s.session_notes(uri);
  ASSERT_FALSE(notes.empty());
  EXPECT_EQ(notes.back()["state"], "failed");
  EXPECT_EQ(notes.back().value("reason", ""), reason);
}

// ---------------------------------------------------------------------------------------------
// Per provider.

class ProviderFormat : public ::testing::TestWithParam<Provider> {};

// 1. Reasoning on the provider's own channel, then the method with one line changed.
TEST_P(ProviderFormat, ReasoningOnTheProvidersChannelNeverReachesTheBuffer) {
  const Method m = cancel_method();
  Session s(rule({{"reasoning", kReasoning}, {"text", fenced(m.after)}, {"chunkSize", 6}}),
            GetParam());
  std::string uri = s.open_copy();
  json r = s.edit(uri, m.cursor_line, 12);
  ASSERT_EQ(r["state"], "done") << r.dump() << s.stderr_tail();
  EXPECT_EQ(r["region"]["start"]["line"], m.first_line) << r.dump();

  EXPECT_EQ(s.editor->text(uri), replace_once(source(), kHeapifyLine, kHeapifyChanged));
  EXPECT_EQ(s.editor->text(uri).find("REASONING-SECRET"), std::string::npos);
  ASSERT_FALSE(s.offered_for(uri).empty());
  EXPECT_EQ(s.offered_text(uri).find("REASONING-SECRET"), std::string::npos);
  expect_edits_within(s.offered_for(uri), m.first_line, m.last_line);

  // "thinking…" progress came before the first edit.
  int thinking = s.first_thinking_report();
  ASSERT_GE(thinking, 0) << ::testing::PrintToString(s.progress_messages());
  ASSERT_GE(s.first_edit_at, 0);
  EXPECT_LT(thinking, s.first_edit_at);
  for (const std::string& message : s.progress_messages())
    EXPECT_EQ(message.find("REASONING-SECRET"), std::string::npos) << message;

  // The session said once that the model is thinking, while streaming.
  int thinking_notes = 0;
  for (const json& n : s.session_notes(uri))
    thinking_notes += n["state"] == "streaming" && n.value("reason", "") == "thinking";
  EXPECT_EQ(thinking_notes, 1) << ::testing::PrintToString(s.session_notes(uri));

  const json& stats = r["stats"];
  EXPECT_GT(stats["reasoningTokens"].get<int>(), 0) << stats.dump();
  ASSERT_TRUE(stats["firstCodeMs"].is_number()) << stats.dump();
  ASSERT_TRUE(stats["firstTokenMs"].is_number()) << stats.dump();
  EXPECT_GE(stats["firstCodeMs"].get<double>(), stats["firstTokenMs"].get<double>())
      << stats.dump();

  // The endpoint really answered in this provider's format.
  auto requests = s.endpoint.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].api, GetParam().api);
}

// 3. A refusal on the provider's refusal channel.
TEST_P(ProviderFormat, ARefusalFailsWithoutAnyEdit) {
  const Method m = cancel_method();
  Session s(rule({{"refusal", "I can't help with that request."}, {"chunkSize", 5}}), GetParam());
  std::string uri = s.open_copy();
  json r = s.edit(uri, m.cursor_line, 12);
  expect_failed_untouched(s, uri, r, GetParam().refusal_ends);
  EXPECT_NE(r.value("reason", "").find("I can't help with that request."), std::string::npos)
      << r.dump();
  // flint shows no window/showMessage for a refusal: the reason is in the session's state, the
  // reply and the progress end (which a client without flint's plugin shows), like every other
  // answer without code.
  EXPECT_TRUE(s.shown_messages().empty()) << ::testing::PrintToString(s.shown_messages());
  auto progress = s.progress_messages();
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), "failed: " + r.value("reason", std::string("?")));
}

// 4. Reasoning and then nothing.
// 4b. Reasoning, then a tool call instead of an answer (the edit offers no tools).
TEST_P(ProviderFormat, AToolCallInsteadOfAnAnswerFailsWithoutAnyEdit) {
  const Method m = cancel_method();
  Session s(rule({{"reasoning", kReasoning},
                  {"toolCalls",
                   json::array({{{"name", "read_file"}, {"arguments", {{"path", "sched.py"}}}}})},
                  {"chunkSize", 8}}),
            GetParam());
  std::string uri = s.open_copy();
  json r = s.edit(uri, m.cursor_line, 12);
  expect_failed_untouched(s, uri, r, "");
  std::string reason = r.value("reason", "");
  EXPECT_NE(reason.find("no code"), std::string::npos) << reason;
  EXPECT_NE(reason.find("called a tool"), std::string::npos) << reason;
}

TEST_P(ProviderFormat, ReasoningWithoutAnswerFailsWithoutAnyEdit) {
  const Method m = cancel_method();
  Session s(rule({{"reasoning", kReasoning}, {"chunkSize", 8}}), GetParam());
  std::string uri = s.open_copy();
  json r = s.edit(uri, m.cursor_line, 12);
  expect_failed_untouched(s, uri, r, "");
  std::string reason = r.value("reason", "");
  EXPECT_NE(reason.find("no code"), std::string::npos) << reason;
  EXPECT_NE(reason.find("reasoned"), std::string::npos) << reason;
  EXPECT_EQ(reason.find("REASONING-SECRET"), std::string::npos) << reason;
  EXPECT_GT(r["stats"]["reasoningTokens"].get<int>(), 0) << r.dump();
}

// 5. Prose only.
TEST_P(ProviderFormat, AProseAnswerFailsWithoutAnyEditAndCarriesTheAnswer) {
  const std::string prose = "I'm sorry, but I can't do that.";
  const Method m = cancel_method();
  Session s(rule({{"text", prose}, {"chunkSize", 4}}), GetParam());
  std::string uri = s.open_copy();
  json r = s.edit(uri, m.cursor_line, 12);
  expect_failed_untouched(s, uri, r, "the model answered no code");
  EXPECT_EQ(r.value("reason", ""), "the model answered no code: \"" + prose + "\"");
  auto notes = s.session_notes(uri);
  ASSERT_FALSE(notes.empty());
  EXPECT_EQ(notes.back().value("answer", ""), prose) << notes.back().dump();
  EXPECT_EQ(r.value("answer", ""), prose) << r.dump();
}

INSTANTIATE_TEST_SUITE_P(AnswerShapesE2E, ProviderFormat,
                         ::testing::Values(kOpenAiChat, kOpenAiResponses, kAnthropic, kOllama),
                         param_name);

// ---------------------------------------------------------------------------------------------
// openai-chat only.

// The three delta fields real openai-chat servers put reasoning in.
TEST(AnswerShapesE2E, EveryOpenAiChatReasoningFieldStaysOutOfTheBuffer) {
  const Method m = cancel_method();
  Session s(json::object());
  for (const char* field : {"reasoning_content", "reasoning", "reasoning_details"}) {
    SCOPED_TRACE(field);
    s.endpoint.set_script(rule({{"reasoning", kReasoning},
                                {"reasoningField", field},
                                {"text", fenced(m.after)},
                                {"chunkSize", 7}}));
    std::string uri = s.open_copy(std::string("sched_") + field + ".py");
    json r = s.edit(uri, m.cursor_line, 12);
    ASSERT_EQ(r["state"], "done") << r.dump();
    EXPECT_EQ(s.editor->text(uri), replace_once(source(), kHeapifyLine, kHeapifyChanged));
    EXPECT_EQ(s.offered_text(uri).find("REASONING-SECRET"), std::string::npos);
    EXPECT_GT(r["stats"]["reasoningTokens"].get<int>(), 0) << r.dump();
  }
}

// 2. Reasoning written into the content as <think>…</think>, split at every kind of place.
TEST(AnswerShapesE2E, ThinkBlockInTheContentNeverReachesTheBuffer) {
  const Method m = cancel_method();
  const std::string answer = "<think>\n" + kReasoning + "\n</think>\n\n" + fenced(m.after);
  Session s(json::object());
  // Pieces of 1, 2, 3, 5 and 8 characters split "<think>" and "</think>" at every offset.
  for (int chunk : {1, 2, 3, 5, 8}) {
    SCOPED_TRACE("chunkSize " + std::to_string(chunk));
    s.endpoint.set_script(rule({{"text", answer}, {"chunkSize", chunk}}));
    s.first_edit_at = -1;
    size_t notes_before = s.editor->notifications().size();
    std::string uri = s.open_copy("sched_think_" + std::to_string(chunk) + ".py");
    json r = s.edit(uri, m.cursor_line, 12);
    ASSERT_EQ(r["state"], "done") << r.dump() << s.stderr_tail();
    EXPECT_EQ(s.editor->text(uri), replace_once(source(), kHeapifyLine, kHeapifyChanged));
    std::string edits = s.offered_text(uri);
    ASSERT_FALSE(s.offered_for(uri).empty());
    EXPECT_EQ(edits.find("<think"), std::string::npos) << edits;
    EXPECT_EQ(edits.find("think>"), std::string::npos) << edits;
    EXPECT_EQ(edits.find("REASONING-SECRET"), std::string::npos) << edits;
    expect_edits_within(s.offered_for(uri), m.first_line, m.last_line);
    // Shown as thinking, before the first edit of this session.
    int thinking = -1;
    const auto& all = s.editor->notifications();
    for (size_t i = notes_before; i < all.size() && thinking < 0; ++i) {
      if (all[i]["method"] == "$/progress" &&
          all[i]["params"]["value"].value("message", "").rfind("thinking", 0) == 0) {
        thinking = static_cast<int>(i);
      }
    }
    ASSERT_GE(thinking, 0);
    EXPECT_LT(thinking, s.first_edit_at);
    int thinking_notes = 0;
    for (const json& n : s.session_notes(uri))
      thinking_notes += n["state"] == "streaming" && n.value("reason", "") == "thinking";
    EXPECT_EQ(thinking_notes, 1);
    const json& stats = r["stats"];
    EXPECT_GT(stats["reasoningTokens"].get<int>(), 0) << stats.dump();
    ASSERT_TRUE(stats["firstCodeMs"].is_number() && stats["firstTokenMs"].is_number())
        << stats.dump();
    EXPECT_GE(stats["firstCodeMs"].get<double>(), stats["firstTokenMs"].get<double>());
  }
}

// 6a. The method alone at column 0 (the model dropped the class's indentation).
TEST(AnswerShapesE2E, ADedentedMethodIsReindentedIntoTheClass) {
  const Method m = cancel_method();
  const std::string answer = dedent(m.after, 4);
  ASSERT_EQ(answer.rfind("def cancel(self, event):\n", 0), 0u) << answer;
  Session s(rule({{"text", "```python\n" + answer + "```\n"}, {"chunkSize", 4}}));
  std::string uri = s.open_copy();
  json r = s.edit(uri, m.cursor_line, 12);
  ASSERT_EQ(r["state"], "done") << r.dump() << s.stderr_tail();
  EXPECT_EQ(s.editor->text(uri), replace_once(source(), kHeapifyLine, kHeapifyChanged));
  ASSERT_FALSE(s.offered.empty());
  expect_edits_within(s.offered_for(uri), m.first_line, m.last_line);
}

// 6b. An elision marker (four spaces, as models write it) for the docstring and the kwargs
// default of enterabs; one line changed after it.
TEST(AnswerShapesE2E, AnElisionMarkerIsFilledFromTheOriginal) {
  const int first = line_of(source(), "    def enterabs(");
  const std::string kReturn = "        return event # The ID\n";
  const int last = line_of(source(), kReturn);
  const std::string answer =
      "    def enterabs(self, time, priority, action, argument=(), kwargs=_sentinel):\n"
      "    # ... existing code ...\n"
      "        with self._lock:\n"
      "            event = Event(time, priority, next(self._sequence_generator),\n"
      "                          action, argument, kwargs)\n"
      "            heapq.heappush(self._queue, event)\n"
      "        return event  # the ID, for cancel()\n";
  Session s(rule({{"text", "```python\n" + answer + "```\n"}, {"chunkSize", 5}}));
  std::string uri = s.open_copy();
  json r = s.edit(uri, line_of(source(), "            heapq.heappush(self._queue, event)"), 14,
                  "say what the ID is for");
  ASSERT_EQ(r["state"], "done") << r.dump() << s.stderr_tail();
  EXPECT_EQ(r["region"]["start"]["line"], first);
  EXPECT_EQ(s.editor->text(uri),
            replace_once(source(), kReturn, "        return event  # the ID, for cancel()\n"));
  EXPECT_EQ(s.offered_text(uri).find("existing code"), std::string::npos);
  expect_edits_within(s.offered_for(uri), first, last);
}

// 6c. A changed line right next to an elision marker replaces the original line there, as the
// model means (its old form is what the marker's neighbour rewrites): markers on both sides of
// the changed line (run), and a marker right before it (enter).
//
// SERVER BUG (fails today): shape_answer() aligns the changed line with nothing and fills the
// marker with the original lines from the last anchor on, so the session ends "done" with the
// OLD line kept next to the new one (a silent duplicate, e.g. "pop = heapq.heappop" twice).
// DESIGN: "What cannot be matched with confidence ends the session as failed with the original
// restored"; ending "done" with both lines is neither. Minimal reproduction (shape_answer alone):
//   original "def f():\n    a = 1\n    b = 2\n    c = 3\n    d = 4\n"
//   answer   "def f():\n    a = 1\n    b = 2\n    c = 30\n    # ... existing code ...\n"
//   => ok, text "def f():\n    a = 1\n    b = 2\n    c = 30\n    c = 3\n    d = 4\n"
TEST(AnswerShapesE2E, ServerBugElisionMarkerNextToAChangedLineKeepsTheOldLineToo) {
  struct Case {
    std::string name, def_line, old_line, new_line, answer;
  };
  const std::vector<Case> cases = {
      {"markers around the changed line", "    def run(self, blocking=True):",
       "        pop = heapq.heappop\n", "        pop = heapq.heappop  # the earliest event first\n",
       "    def run(self, blocking=True):\n"
       "        # ... existing code ...\n"
       "        timefunc = self.timefunc\n"
       "        pop = heapq.heappop  # the earliest event first\n"
       "        # ... existing code ...\n"},
      {"marker before the changed line", "    def enter(self, delay,",
       "        time = self.timefunc() + delay\n",
       "        time = self.timefunc() + delay  # relative to now\n",
       "    def enter(self, delay, priority, action, argument=(), kwargs=_sentinel):\n"
       "        # ... existing code ...\n"
       "        time = self.timefunc() + delay  # relative to now\n"
       "        return self.enterabs(time, priority, action, argument, kwargs)\n"},
  };
  Session s(json::object());
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    s.endpoint.set_script(rule({{"text", "```python\n" + c.answer + "```\n"}, {"chunkSize", 3}}));
    std::string uri = s.open_copy("sched_elision_" + std::to_string(n++) + ".py");
    json r = s.edit(uri, line_of(source(), c.old_line), 8, "comment that line");
    ASSERT_EQ(r["state"], "done") << r.dump() << s.stderr_tail();
    EXPECT_EQ(r["region"]["start"]["line"], line_of(source(), c.def_line));
    EXPECT_EQ(s.editor->text(uri), replace_once(source(), c.old_line, c.new_line));
    EXPECT_EQ(s.offered_text(uri).find("existing code"), std::string::npos);
  }
}

// 7. Wire quirks of real openai-chat servers, one at a time and all together.
TEST(AnswerShapesE2E, OpenAiChatWireQuirksStillLandTheEditExactly) {
  const Method m = cancel_method();
  Session s(json::object());
  const std::vector<json> cases = {
      json::array({"emptyChoices"}),
      json::array({"nullContent"}),
      json::array({"usageOnlyFinal"}),
      json::array({"comments"}),
      json::array({"noDone"}),
      json::array({"emptyChoices", "nullContent", "usageOnlyFinal", "comments", "noDone"})};
  int n = 0;
  for (const json& quirks : cases) {
    SCOPED_TRACE(quirks.dump());
    s.endpoint.set_script(rule({{"text", fenced(m.after)}, {"quirks", quirks}, {"chunkSize", 4}}));
    std::string uri = s.open_copy("sched_quirks_" + std::to_string(n++) + ".py");
    json r = s.edit(uri, m.cursor_line, 12);
    ASSERT_EQ(r["state"], "done") << r.dump() << s.stderr_tail();
    EXPECT_EQ(s.editor->text(uri), replace_once(source(), kHeapifyLine, kHeapifyChanged));
  }
  // And with reasoning in front, all quirks at once.
  s.endpoint.set_script(rule({{"reasoning", kReasoning},
                              {"text", fenced(m.after)},
                              {"quirks", cases.back()},
                              {"chunkSize", 4}}));
  std::string uri = s.open_copy("sched_quirks_reasoning.py");
  json r = s.edit(uri, m.cursor_line, 12);
  ASSERT_EQ(r["state"], "done") << r.dump();
  EXPECT_EQ(s.editor->text(uri), replace_once(source(), kHeapifyLine, kHeapifyChanged));
  EXPECT_EQ(s.offered_text(uri).find("REASONING-SECRET"), std::string::npos);
  EXPECT_TRUE(s.shown_messages().empty()) << ::testing::PrintToString(s.shown_messages());
}

}  // namespace
}  // namespace flint
