// CompletionEngine (server/completion/engine.h): requests, streams, supersession, cache.
#include "server/completion/engine.h"

#include <algorithm>

#include "server/completion/cache.h"
#include "server/completion/fill_answer.h"
#include "server/completion/prompt.h"
#include "server/completion/stop_rule.h"

namespace flint {

std::string_view to_string(CompletionOutcome::Source source) {
  switch (source) {
    case CompletionOutcome::Source::kModel:
      return "model";
    case CompletionOutcome::Source::kAttached:
      return "attached";
    case CompletionOutcome::Source::kCache:
      return "cache";
    case CompletionOutcome::Source::kSuperseded:
      return "superseded";
    case CompletionOutcome::Source::kFailed:
      return "failed";
    case CompletionOutcome::Source::kShutdown:
      return "shutdown";
  }
  return "unknown";
}

// One model stream (or, once finished, its result), made for one query.
struct CompletionEngine::Flight {
  Flight(uint64_t id, const CompletionQuery& query, bool chat)
      : id(id), query(query), key(completion_cache_key(query)), stop(query) {
    if (chat) fill.emplace(query);
  }

  uint64_t id;
  CompletionQuery query;
  CompletionCacheKey key;
  std::optional<FillAnswer> fill;  // chat prompts: the answer needs cleaning
  CompletionStop stop;
  std::string seen;  // the completion's text so far, before the stop rule trims its end
  bool running = true;
  std::string result;  // once finished
  Cancel cancel_stream;
  Cancel cancel_grace;  // while no request waits for it
};

// A request waiting for its answer.
struct CompletionEngine::Ticket {
  uint64_t id = 0;
  Answer answer;
  CompletionQuery query;  // until its stream starts (debounce)
  CompletionOptions options;
  std::shared_ptr<Flight> flight;  // the stream it waits for; null while debouncing
  std::string typed;               // what the user typed of that stream's text
  Cancel cancel_debounce;
  CompletionOutcome::Source source = CompletionOutcome::Source::kModel;
};

struct CompletionEngine::DocumentState {
  std::optional<Ticket> pending;
  std::shared_ptr<Flight> flight;  // the latest: running, or finished (typing through it)
};

namespace {

void call(CompletionEngine::Cancel& cancel) {
  if (!cancel) return;
  auto once = std::move(cancel);
  cancel = nullptr;
  once();
}

bool ends_match(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  return a.substr(a.size() - n) == b.substr(b.size() - n);
}

bool starts_match(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  return a.substr(0, n) == b.substr(0, n);
}

}  // namespace

CompletionEngine::CompletionEngine(Hooks hooks)
    : hooks_(std::move(hooks)), cache_(std::make_unique<CompletionCache>(kCacheEntries)) {}

CompletionEngine::~CompletionEngine() {
  for (auto& [uri, document] : documents_) {
    if (document->flight) {
      call(document->flight->cancel_grace);
      call(document->flight->cancel_stream);
    }
    if (document->pending) {
      if (document->pending->flight) {
        call(document->pending->flight->cancel_grace);
        call(document->pending->flight->cancel_stream);
      }
      settle(*document, CompletionOutcome::Source::kShutdown, {});
    }
  }
}

uint64_t CompletionEngine::request(CompletionQuery query, const CompletionOptions& options,
                                   Answer answer) {
  ++stats_.requests;
  if (options.model_key != model_key_) reset_for_model(options.model_key);
  uint64_t id = next_ticket_++;
  auto& slot = documents_[query.uri];
  if (!slot) slot = std::make_unique<DocumentState>();
  DocumentState& document = *slot;

  // The client has moved on from the older request of this document.
  if (document.pending) settle(document, CompletionOutcome::Source::kSuperseded, {});

  // Typing what the latest stream produced: keep that stream, or answer from its result.
  if (const std::shared_ptr<Flight>& flight = document.flight) {
    const CompletionQuery& old = flight->query;
    const std::string& produced = flight->running ? flight->seen : flight->result;
    size_t typed = query.cursor >= old.cursor ? query.cursor - old.cursor : produced.size() + 1;
    bool extends = typed <= produced.size() && typed <= query.prefix.size() &&
                   (flight->running || typed < produced.size()) &&
                   std::string_view(query.prefix).substr(query.prefix.size() - typed) ==
                       std::string_view(produced).substr(0, typed) &&
                   ends_match(std::string_view(query.prefix).substr(0, query.prefix.size() - typed),
                              old.prefix) &&
                   starts_match(query.suffix, old.suffix);
    if (extends) {
      if (flight->running) {
        call(flight->cancel_grace);
        Ticket ticket;
        ticket.id = id;
        ticket.answer = std::move(answer);
        ticket.options = options;
        ticket.flight = flight;
        ticket.typed = produced.substr(0, typed);
        ticket.source = CompletionOutcome::Source::kAttached;
        document.pending = std::move(ticket);
        ++stats_.attached;
        return id;
      }
      ++stats_.cache_hits;
      answer(CompletionOutcome{CompletionOutcome::Source::kCache, produced.substr(typed)});
      return id;
    }
  }

  drop_flight(document);
  if (auto hit = cache_->find(completion_cache_key(query))) {
    ++stats_.cache_hits;
    // Kept as a finished stream, so that typing its text is answered at once too.
    auto flight = std::make_shared<Flight>(next_flight_++, query, false);
    flight->running = false;
    flight->result = *hit;
    document.flight = std::move(flight);
    answer(CompletionOutcome{CompletionOutcome::Source::kCache, std::move(*hit)});
    return id;
  }

  Ticket ticket;
  ticket.id = id;
  ticket.answer = std::move(answer);
  ticket.query = std::move(query);
  ticket.options = options;
  document.pending = std::move(ticket);
  if (options.debounce.count() > 0 && hooks_.start_timer) {
    std::string uri = document.pending->query.uri;
    document.pending->cancel_debounce = hooks_.start_timer(options.debounce, [this, uri, id] {
      auto it = documents_.find(uri);
      if (it == documents_.end()) return;
      DocumentState& later = *it->second;
      if (!later.pending || later.pending->id != id || later.pending->flight) return;
      later.pending->cancel_debounce = nullptr;
      start_flight(later);
    });
  } else {
    start_flight(document);
  }
  return id;
}

void CompletionEngine::cancel(uint64_t ticket) {
  for (auto& [uri, document] : documents_) {
    if (!document->pending || document->pending->id != ticket) continue;
    Ticket gone = std::move(*document->pending);
    document->pending.reset();
    call(gone.cancel_debounce);
    std::shared_ptr<Flight> flight = gone.flight;
    if (!flight || !flight->running) return;
    if (!hooks_.start_timer) {
      call(flight->cancel_stream);
      ++stats_.streams_cancelled;
      document->flight.reset();
      return;
    }
    // A newer request may still adopt the stream (the user typed what it produced); if none
    // does in time, nobody needs it.
    std::weak_ptr<Flight> weak = flight;
    flight->cancel_grace = hooks_.start_timer(kOrphanGrace, [this, weak] {
      std::shared_ptr<Flight> orphan = weak.lock();
      if (!orphan || !orphan->running) return;
      orphan->cancel_grace = nullptr;
      auto it = documents_.find(orphan->query.uri);
      if (it != documents_.end()) {
        DocumentState& state = *it->second;
        if (state.pending && state.pending->flight == orphan) return;
        if (state.flight == orphan) state.flight.reset();
      }
      orphan->running = false;
      call(orphan->cancel_stream);
      ++stats_.streams_cancelled;
    });
    return;
  }
}

void CompletionEngine::start_flight(DocumentState& document) {
  Ticket& ticket = *document.pending;
  const CompletionQuery& query = ticket.query;
  bool chat = !ticket.options.use_fim;
  auto flight = std::make_shared<Flight>(next_flight_++, query, chat);
  document.flight = flight;
  ticket.flight = flight;
  CompletionPrompt prompt;
  if (chat) {
    prompt = build_fill_request(query, ticket.options.max_tokens);
  } else {
    prompt = build_fim_request(query, ticket.options.max_tokens);
  }
  ticket.query = {};

  std::weak_ptr<Flight> weak = flight;
  StreamSink sink;
  sink.on_text = [this, weak](std::string_view text) {
    if (auto f = weak.lock()) on_text(f, text);
  };
  sink.on_done = [this, weak] {
    if (auto f = weak.lock()) on_done(f);
  };
  sink.on_error = [this, weak](const std::string& message) {
    if (auto f = weak.lock()) on_error(f, message);
  };
  ++stats_.streams_started;
  flight->cancel_stream = hooks_.start_stream(prompt, std::move(sink));
}

void CompletionEngine::on_text(const std::shared_ptr<Flight>& flight, std::string_view text) {
  if (!flight->running) return;
  std::string code = flight->fill ? flight->fill->feed(text) : std::string(text);
  if (code.empty()) return;
  flight->seen += code;
  if (flight->stop.feed(code)) finish(flight, true);
}

void CompletionEngine::on_done(const std::shared_ptr<Flight>& flight) {
  if (!flight->running) return;
  if (flight->fill) {
    std::string rest = flight->fill->finish();
    flight->seen += rest;
    flight->stop.feed(rest);
  }
  flight->stop.finish();
  finish(flight, false);
}

void CompletionEngine::on_error(const std::shared_ptr<Flight>& flight, const std::string& message) {
  if (!flight->running) return;
  flight->running = false;
  flight->cancel_stream = nullptr;
  call(flight->cancel_grace);
  auto it = documents_.find(flight->query.uri);
  if (it != documents_.end()) {
    DocumentState& document = *it->second;
    if (document.flight == flight) document.flight.reset();
    if (document.pending && document.pending->flight == flight) {
      settle(document, CompletionOutcome::Source::kFailed, {});
    }
  }
  if (!last_error_ || *last_error_ != message) {
    last_error_ = message;
    if (hooks_.report_error) hooks_.report_error(message);
  }
}

void CompletionEngine::finish(const std::shared_ptr<Flight>& flight, bool cut_short) {
  flight->running = false;
  call(flight->cancel_grace);
  if (cut_short) {
    call(flight->cancel_stream);  // the rest of the stream cannot be used
  } else {
    flight->cancel_stream = nullptr;
  }
  flight->result = flight->stop.result();
  cache_->put(flight->key, flight->result);
  last_error_.reset();
  auto it = documents_.find(flight->query.uri);
  if (it == documents_.end()) return;
  DocumentState& document = *it->second;
  if (!document.pending || document.pending->flight != flight) return;
  const std::string& typed = document.pending->typed;
  std::string rest;
  if (flight->result.size() > typed.size() && flight->result.compare(0, typed.size(), typed) == 0) {
    rest = flight->result.substr(typed.size());
  }
  settle(document, document.pending->source, std::move(rest));
}

void CompletionEngine::close_document(const std::string& uri) {
  auto it = documents_.find(uri);
  if (it == documents_.end()) return;
  std::unique_ptr<DocumentState> document = std::move(it->second);
  documents_.erase(it);
  if (document->pending) settle(*document, CompletionOutcome::Source::kSuperseded, {});
  drop_flight(*document);
}

void CompletionEngine::settle(DocumentState& document, CompletionOutcome::Source source,
                              std::string text) {
  Ticket ticket = std::move(*document.pending);
  document.pending.reset();
  call(ticket.cancel_debounce);
  if (source == CompletionOutcome::Source::kSuperseded) ++stats_.superseded;
  if (ticket.answer) ticket.answer(CompletionOutcome{source, std::move(text)});
}

void CompletionEngine::drop_flight(DocumentState& document) {
  std::shared_ptr<Flight> flight = std::move(document.flight);
  document.flight.reset();
  if (!flight || !flight->running) return;
  flight->running = false;
  call(flight->cancel_grace);
  call(flight->cancel_stream);
  ++stats_.streams_cancelled;
}

void CompletionEngine::reset_for_model(const std::string& model_key) {
  model_key_ = model_key;
  cache_->clear();
  for (auto& [uri, document] : documents_) {
    if (document->pending) settle(*document, CompletionOutcome::Source::kSuperseded, {});
    drop_flight(*document);
  }
}

}  // namespace flint
