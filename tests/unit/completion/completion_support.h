#pragma once
// Helpers for the completion tests: queries cut from source text with a "‸" cursor marker,
// parsed with the real grammars, and a scripted model for the engine (streams and timers the
// test drives by hand).

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/language_registry.h"
#include "parsers/syntax_tree.h"
#include "parsers/text_input.h"
#include "server/completion/engine.h"
#include "server/completion/query.h"

namespace flint::completion_testing {

inline constexpr std::string_view kCursor = "‸";

struct Source {
  std::string text;
  uint32_t cursor = 0;
};

inline Source annotate(std::string_view annotated) {
  size_t at = annotated.find(kCursor);
  if (at == std::string_view::npos) throw std::invalid_argument("no cursor marker");
  Source source;
  source.text =
      std::string(annotated.substr(0, at)) + std::string(annotated.substr(at + kCursor.size()));
  source.cursor = static_cast<uint32_t>(at);
  return source;
}

// Builds the query as the server does: with the language's tree when flint has a grammar.
inline CompletionQuery query_at(std::string_view annotated, std::string_view language = "python",
                                const CompletionWindowLimits& limits = {},
                                std::string uri = "file:///work/sample") {
  Source source = annotate(annotated);
  parsers::StringTextInput input(source.text);
  const parsers::Language* grammar = parsers::LanguageRegistry::shared().for_language_id(language);
  parsers::Tree tree;
  if (grammar) tree = parsers::parse_text(*grammar, input);
  CompletionQueryInput in;
  in.text = &input;
  in.tree = grammar ? &tree : nullptr;
  in.cursor = source.cursor;
  in.uri = std::move(uri);
  in.language = std::string(language);
  in.path = "sample";
  return build_completion_query(in, limits);
}

// A model whose streams and timers the test drives.
class ScriptedModel {
 public:
  struct Stream {
    CompletionPrompt prompt;
    CompletionEngine::StreamSink sink;
    bool cancelled = false;
    bool ended = false;
    void text(std::string_view t) {
      if (!cancelled && !ended) sink.on_text(t);
    }
    void done() {
      if (cancelled || ended) return;
      ended = true;
      sink.on_done();
    }
    void fail(const std::string& message) {
      if (cancelled || ended) return;
      ended = true;
      sink.on_error(message);
    }
  };
  struct Timer {
    std::chrono::milliseconds delay{0};
    std::function<void()> fire;
    bool cancelled = false;
    bool fired = false;
  };

  CompletionEngine::Hooks hooks() {
    CompletionEngine::Hooks hooks;
    hooks.start_stream = [this](const CompletionPrompt& prompt, CompletionEngine::StreamSink sink) {
      auto stream = std::make_shared<Stream>();
      stream->prompt = prompt;
      stream->sink = std::move(sink);
      streams.push_back(stream);
      return CompletionEngine::Cancel([stream] { stream->cancelled = true; });
    };
    hooks.start_timer = [this](std::chrono::milliseconds delay, std::function<void()> fire) {
      auto timer = std::make_shared<Timer>();
      timer->delay = delay;
      timer->fire = std::move(fire);
      timers.push_back(timer);
      return CompletionEngine::Cancel([timer] { timer->cancelled = true; });
    };
    hooks.report_error = [this](const std::string& message) { errors.push_back(message); };
    return hooks;
  }

  // Fires every timer that is due (not cancelled, not fired yet); returns how many fired.
  int fire_timers() {
    int fired = 0;
    auto due = timers;  // firing may add timers
    for (auto& timer : due) {
      if (timer->cancelled || timer->fired) continue;
      timer->fired = true;
      timer->fire();
      ++fired;
    }
    return fired;
  }
  int live_timers() const {
    int n = 0;
    for (const auto& timer : timers) n += !timer->cancelled && !timer->fired;
    return n;
  }

  std::vector<std::shared_ptr<Stream>> streams;
  std::vector<std::shared_ptr<Timer>> timers;
  std::vector<std::string> errors;
};

}  // namespace flint::completion_testing
