#include "server/syntax_trees.h"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/post.hpp>

namespace flint {

// A background parse: the edited tree and a snapshot of the text go to the worker; the result
// comes back through `result` (a waiting request reads it at once) and a post to the event loop.
struct SyntaxTrees::ParseJob {
  uint64_t id = 0;
  const parsers::Language* language = nullptr;
  parsers::Tree old;  // edited to match `text`; empty for a parse from scratch
  std::string text;

  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  parsers::Tree result;
};

struct SyntaxTrees::Entry {
  std::string uri;
  const parsers::Language* language = nullptr;  // null: no grammar
  bool windowed = false;                        // past whole_file_limit

  std::optional<parsers::Tree> tree;           // whole-file; none until needed, or after a drop
  bool stale = false;                          // edited since it was parsed
  std::shared_ptr<ParseJob> job;               // in flight on the worker
  std::vector<parsers::TextChange> since_job;  // applied after the job's snapshot
  uint64_t last_used = 0;
  size_t bytes = 0;

  std::optional<parsers::Tree> window;  // big files: the last window's tree
  parsers::ByteRange window_range;
  int64_t window_version = -1;
};

namespace {

// Where a window may start or end: a line that begins at column 0 with neither whitespace nor a
// closing bracket (a definition, a statement, a decorator); the line before it ends the unit
// above. Blank lines are not boundaries.
bool is_top_level(std::string_view line) {
  if (line.empty()) return false;
  char c = line.front();
  return c != ' ' && c != '\t' && c != '\r' && c != '}' && c != ')' && c != ']';
}

// A text snapshot the worker owns.
struct Snapshot final : parsers::TextInput {
  explicit Snapshot(const std::string& text) : input(text) {}
  uint32_t size() const override { return input.size(); }
  std::string_view chunk_at(uint32_t byte) const override { return input.chunk_at(byte); }
  uint32_t line_count() const override { return input.line_count(); }
  std::string_view line(uint32_t n) const override { return input.line(n); }
  uint32_t line_start(uint32_t n) const override { return input.line_start(n); }
  parsers::StringTextInput input;
};

}  // namespace

SyntaxTrees::SyntaxTrees(const parsers::LanguageRegistry& registry, asio::io_context& io,
                         FindDocument find_document, SyntaxTreeOptions options)
    : registry_(registry),
      io_(io),
      find_document_(std::move(find_document)),
      options_(options),
      worker_guard_(asio::make_work_guard(worker_io_)),
      worker_([this] { worker_io_.run(); }) {}

SyntaxTrees::~SyntaxTrees() {
  *alive_ = false;
  worker_guard_.reset();
  worker_io_.stop();
  worker_.join();
  for (std::thread& warmer : warmers_) warmer.join();
}

void SyntaxTrees::set_options(const SyntaxTreeOptions& options) {
  options_ = options;
  keep_within_budget(nullptr);
}

void SyntaxTrees::warm_up(const parsers::Language& language) {
  if (language.loaded() || !warming_.insert(&language).second) return;
  warmers_.emplace_back([&language] { language.load(); });
}

const parsers::Language* SyntaxTrees::language_for(const Document& document) const {
  if (const auto* language = registry_.for_language_id(document.language_id)) return language;
  return registry_.for_path(document.uri);
}

SyntaxTrees::Entry* SyntaxTrees::find(const std::string& uri) {
  auto it = entries_.find(uri);
  return it == entries_.end() ? nullptr : it->second.get();
}

void SyntaxTrees::open(const Document& document) {
  auto entry = std::make_unique<Entry>();
  entry->uri = document.uri;
  entry->language = language_for(document);
  entry->windowed = document.text.size() > options_.whole_file_limit;
  if (!entry->language) {
    spdlog::debug("no grammar for {} ({}): indentation scoping", document.uri,
                  document.language_id);
  } else {
    warm_up(*entry->language);
  }
  entries_[document.uri] = std::move(entry);
}

void SyntaxTrees::apply(const Document& document, const parsers::TextChange& change) {
  Entry* entry = find(document.uri);
  if (!entry) return;
  entry->window.reset();
  if (!entry->tree) return;
  entry->tree->edit(change);
  entry->stale = true;
  if (entry->job) entry->since_job.push_back(change);
}

void SyntaxTrees::changed(const Document& document) {
  Entry* entry = find(document.uri);
  if (!entry || !entry->language) return;
  bool big = document.text.size() > options_.whole_file_limit;
  if (big != entry->windowed) {
    entry->windowed = big;
    entry->tree.reset();
    entry->stale = false;
    entry->bytes = 0;
  }
  if (entry->windowed) return;
  // The person is typing here: this tree is worth keeping, and worth having ready.
  entry->last_used = ++clock_;
  if (entry->job) return;  // on_parsed starts the next one
  if (!entry->tree || entry->stale) start_background_parse(*entry, document);
}

void SyntaxTrees::close(const std::string& uri) {
  entries_.erase(uri);
}

void SyntaxTrees::start_background_parse(Entry& entry, const Document& document) {
  auto job = std::make_shared<ParseJob>();
  job->id = next_job_++;
  job->language = entry.language;
  if (entry.tree) job->old = *entry.tree;  // cheap: ts_tree_copy shares the nodes
  job->text = document.text.text();
  entry.job = job;
  entry.since_job.clear();
  asio::post(worker_io_, [this, job, uri = entry.uri, alive = alive_] {
    auto& parser = worker_parsers_[job->language];
    if (!parser) parser = std::make_unique<parsers::Parser>(*job->language);
    Snapshot snapshot(job->text);
    parsers::Tree result = parser->parse(snapshot, job->old ? &job->old : nullptr);
    {
      std::lock_guard lock(job->mutex);
      job->result = std::move(result);
      job->done = true;
    }
    job->finished.notify_all();
    asio::post(io_, [this, uri, id = job->id, alive] {
      if (*alive) on_parsed(uri, id);
    });
  });
}

void SyntaxTrees::on_parsed(const std::string& uri, uint64_t job_id) {
  Entry* entry = find(uri);
  // Closed, reopened, or already taken by a request that waited for it.
  if (!entry || !entry->job || entry->job->id != job_id) return;
  wait_for(*entry);
  if (entry->stale && !entry->windowed) {
    if (const Document* document = find_document_(uri)) start_background_parse(*entry, *document);
  }
  keep_within_budget(entry);
}

void SyntaxTrees::wait_for(Entry& entry) {
  if (!entry.job) return;
  std::shared_ptr<ParseJob> job = std::move(entry.job);
  {
    std::unique_lock lock(job->mutex);
    job->finished.wait(lock, [&] { return job->done; });
  }
  bool full = !job->old;
  if (!job->result) {
    // Out of time (parsers/syntax_tree.h): this text has no tree, and is not parsed again
    // (on_parsed, tree_for) until it changes.
    entry.tree = parsers::Tree();
    entry.stale = !entry.since_job.empty();
    entry.since_job.clear();
    entry.bytes = 0;
    return;
  }
  entry.tree = std::move(job->result);
  // What the person typed while it parsed.
  for (const parsers::TextChange& change : entry.since_job) entry.tree->edit(change);
  entry.stale = !entry.since_job.empty();
  entry.since_job.clear();
  entry.bytes = entry.tree->approximate_bytes();
  ++(full ? stats_.full_parses : stats_.reparses);
}

parsers::Parser& SyntaxTrees::parser_here(const parsers::Language& language) {
  auto& parser = parsers_[&language];
  if (!parser) parser = std::make_unique<parsers::Parser>(language);
  return *parser;
}

const parsers::Tree* SyntaxTrees::tree_for(const Document& document, parsers::ByteRange around) {
  Entry* entry = find(document.uri);
  if (!entry) {
    open(document);
    entry = find(document.uri);
  }
  if (!entry->language) return nullptr;
  entry->last_used = ++clock_;
  if (entry->windowed) return window_tree(*entry, document, around);
  wait_for(*entry);
  parsers::Parser& parser = parser_here(*entry->language);
  if (!entry->tree) {
    entry->tree = parser.parse(document.text);
    ++stats_.full_parses;
  } else if (entry->stale) {
    entry->tree = parser.parse(document.text, &*entry->tree);
    ++stats_.reparses;
  }
  entry->stale = false;
  entry->bytes = entry->tree->approximate_bytes();
  keep_within_budget(entry);
  return &*entry->tree;
}

const parsers::Tree* SyntaxTrees::window_tree(Entry& entry, const Document& document,
                                              parsers::ByteRange around) {
  if (entry.window && entry.window_version == document.version &&
      entry.window_range.begin <= around.begin && around.end <= entry.window_range.end) {
    return &*entry.window;
  }
  const TextBuffer& text = document.text;
  uint32_t lines = text.line_count();
  uint32_t first = text.point_of(around.begin).row;
  uint32_t last = text.point_of(around.end).row;
  uint32_t reach = std::max<uint32_t>(options_.window_lines, 1);
  // Start at a top-level line at most `reach` lines above the request (else `reach` above).
  uint32_t lo = first > reach ? first - reach : 0;
  for (uint32_t n = first; n > lo; --n) {
    if (is_top_level(text.line(n)) && first - n >= reach / 2) {
      lo = n;
      break;
    }
  }
  // End before a top-level line at least reach/2 below, at most `reach` below.
  uint32_t hi = std::min(lines, last + reach + 1);
  for (uint32_t n = last + 1 + reach / 2; n < hi; ++n) {
    if (is_top_level(text.line(n))) {
      hi = n;
      break;
    }
  }
  uint32_t window_begin = text.line_start(lo);
  uint32_t window_end = hi >= lines ? text.size() : text.line_start(hi);
  std::vector<parsers::ByteRange> included;
  // The file's head (imports, the module's declarations), up to a top-level line.
  constexpr uint32_t kHeadLines = 200;
  if (lo > 0) {
    uint32_t head = std::min(lo, kHeadLines);
    while (head > 0 && !is_top_level(text.line(head))) --head;
    if (head > 0) included.push_back({0, text.line_start(head)});
  }
  included.push_back({window_begin, window_end});
  entry.window = parser_here(*entry.language).parse(text, nullptr, included);
  entry.window_range = parsers::ByteRange{window_begin, window_end};
  entry.window_version = document.version;
  ++stats_.window_parses;
  return &*entry.window;
}

void SyntaxTrees::keep_within_budget(const Entry* keep) {
  bool dropped = false;
  size_t total = 0;
  for (const auto& [uri, entry] : entries_) total += entry->tree ? entry->bytes : 0;
  while (total > options_.memory_budget) {
    Entry* oldest = nullptr;
    for (auto& [uri, entry] : entries_) {
      if (!entry->tree || entry.get() == keep || entry->job) continue;
      if (!oldest || entry->last_used < oldest->last_used) oldest = entry.get();
    }
    if (!oldest) break;
    total -= oldest->bytes;
    oldest->tree.reset();
    oldest->stale = false;
    oldest->bytes = 0;
    ++stats_.dropped;
    dropped = true;
  }
  // Dropped trees are many small blocks: give the pages back, or the budget bounds nothing
  // the system can see (glibc keeps freed memory in its arenas).
  if (dropped) malloc_trim(0);
}

SyntaxTreeStats SyntaxTrees::stats() const {
  SyntaxTreeStats s = stats_;
  s.trees = 0;
  s.bytes = 0;
  for (const auto& [uri, entry] : entries_) {
    if (!entry->tree) continue;
    ++s.trees;
    s.bytes += entry->bytes;
  }
  return s;
}

}  // namespace flint
