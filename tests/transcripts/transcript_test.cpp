// Transcript tests (clangd's lit-test idea, with GoogleTest as the runner): each file under
// tests/transcripts/cases/ is a conversation with the real flint-lsp over pipes.
//
// File format, one directive per line (a JSON value may continue over following lines):
//   # comment
//   --> JSON          send a message (framed); "$id" anywhere is replaced by the id of the
//                     last request the server sent us (to answer workspace/configuration...)
//   ==> TEXT          send raw bytes; \r \n \\ escapes are decoded; no framing added
//   <-- JSON          expect the next server message to contain this JSON (objects match as
//                     subsets; arrays element by element; scalars exactly)
//   <-- exit N        expect the process to exit with code N
//   close             close the server's stdin (EOF)
//   ignore METHOD     skip server notifications of METHOD while matching (window/logMessage
//                     is always skipped)
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/lsp_process.h"

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct Directive {
  std::string kind;  // send, raw, expect, exit, close, ignore
  std::string text;
  int line = 0;
};

std::vector<Directive> parse_transcript(const fs::path& path) {
  std::ifstream in(path);
  std::vector<Directive> out;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    auto starts = [&](const char* prefix) { return line.rfind(prefix, 0) == 0; };
    if (starts("--> ")) {
      out.push_back({"send", line.substr(4), number});
    } else if (starts("==> ")) {
      out.push_back({"raw", line.substr(4), number});
    } else if (starts("<-- exit ")) {
      out.push_back({"exit", line.substr(9), number});
    } else if (starts("<-- ")) {
      out.push_back({"expect", line.substr(4), number});
    } else if (line == "close") {
      out.push_back({"close", "", number});
    } else if (starts("ignore ")) {
      out.push_back({"ignore", line.substr(7), number});
    } else if (!out.empty() && (out.back().kind == "send" || out.back().kind == "expect")) {
      out.back().text += "\n" + line;  // continuation of a multi-line JSON value
    } else {
      ADD_FAILURE() << path << ":" << number << ": cannot read line '" << line << "'";
    }
  }
  return out;
}

std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char c = s[++i];
      if (c == 'x' && i + 2 < s.size()) {
        out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
        i += 2;
        continue;
      }
      out += c == 'r' ? '\r' : c == 'n' ? '\n' : c == 't' ? '\t' : c;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Does `actual` contain `expected`? Explains the first difference in `why`.
bool contains(const json& actual, const json& expected, const std::string& path, std::string& why) {
  if (expected.is_object()) {
    if (!actual.is_object()) {
      why = path + ": expected an object, got " + actual.dump();
      return false;
    }
    for (auto& [key, value] : expected.items()) {
      if (!actual.contains(key)) {
        why = path + "/" + key + ": missing";
        return false;
      }
      if (!contains(actual[key], value, path + "/" + key, why)) return false;
    }
    return true;
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.size() != expected.size()) {
      why = path + ": expected " + expected.dump() + ", got " + actual.dump();
      return false;
    }
    for (size_t i = 0; i < expected.size(); ++i) {
      if (!contains(actual[i], expected[i], path + "/" + std::to_string(i), why)) return false;
    }
    return true;
  }
  if (actual != expected) {
    why = path + ": expected " + expected.dump() + ", got " + actual.dump();
    return false;
  }
  return true;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

class Transcript : public ::testing::TestWithParam<std::string> {};

TEST_P(Transcript, Replays) {
  fs::path path = fs::path(FLINT_SOURCE_DIR) / "tests/transcripts/cases" / GetParam();
  auto directives = parse_transcript(path);
  ASSERT_FALSE(directives.empty()) << path;

  flint::test::LspProcess server({FLINT_LSP, "--log-level", "debug"},
                                 {"FLINT_BASE_URL=", "FLINT_MODEL=", "FLINT_API_KEY="});
  std::vector<std::string> ignored{"window/logMessage"};
  json last_server_request_id = nullptr;

  for (const auto& d : directives) {
    SCOPED_TRACE(path.filename().string() + ":" + std::to_string(d.line));
    if (d.kind == "ignore") {
      ignored.push_back(d.text);
    } else if (d.kind == "send") {
      std::string text = replace_all(d.text, "\"$id\"", last_server_request_id.dump());
      json message = json::parse(text);
      server.send(message);
    } else if (d.kind == "raw") {
      server.send_raw(unescape(d.text));
    } else if (d.kind == "close") {
      server.close_stdin();
    } else if (d.kind == "expect") {
      json expected = json::parse(d.text);
      for (;;) {
        auto message = server.next(std::chrono::seconds(20));
        ASSERT_TRUE(message) << "no message from the server; expected " << expected.dump()
                             << "\nstderr:\n"
                             << server.stderr_text();
        bool skip =
            message->contains("method") && !message->contains("id") &&
            std::find(ignored.begin(), ignored.end(), (*message)["method"]) != ignored.end();
        if (skip) continue;
        if (message->contains("method") && message->contains("id")) {
          last_server_request_id = (*message)["id"];
        }
        std::string why;
        ASSERT_TRUE(contains(*message, expected, "", why))
            << why << "\nexpected: " << expected.dump() << "\nactual:   " << message->dump();
        break;
      }
    } else if (d.kind == "exit") {
      int code = server.wait_exit(std::chrono::seconds(20));
      EXPECT_EQ(code, std::stoi(d.text)) << server.stderr_text();
    }
  }
}

std::vector<std::string> transcript_files() {
  std::vector<std::string> names;
  for (const auto& entry :
       fs::directory_iterator(fs::path(FLINT_SOURCE_DIR) / "tests/transcripts/cases")) {
    if (entry.path().extension() == ".txt") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Cases, Transcript, ::testing::ValuesIn(transcript_files()),
                         [](const auto& info) {
                           std::string name = info.param.substr(0, info.param.size() - 4);
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
