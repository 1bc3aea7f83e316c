#include "server/edits/edit_session.h"

#include <algorithm>

#include "parsers/text_input.h"
#include "server/edits/three_way_merge.h"

namespace flint {
namespace {

// Edits that were applied but whose echo never came are remembered this long (in edits), so
// that a very late echo is still recognised as flint's own change.
constexpr size_t kMaxLateEdits = 4;

uint32_t rows_in(std::string_view text) {
  auto rows = static_cast<uint32_t>(std::count(text.begin(), text.end(), '\n'));
  return rows + (!text.empty() && text.back() != '\n' ? 1 : 0);
}

}  // namespace

std::string_view to_string(SessionState state) {
  switch (state) {
    case SessionState::kStreaming:
      return "streaming";
    case SessionState::kDone:
      return "done";
    case SessionState::kCancelled:
      return "cancelled";
    case SessionState::kFailed:
      return "failed";
    case SessionState::kAccepted:
      return "accepted";
    case SessionState::kRejected:
      return "rejected";
  }
  return "unknown";
}

EditSession::EditSession(const parsers::TextInput& doc, int64_t version, uint32_t first_line,
                         uint32_t line_count, SessionOptions options, SessionHooks hooks)
    : options_(std::move(options)), hooks_(std::move(hooks)), doc_(&doc), version_(version) {
  started_ = hooks_.now();
  uint32_t lines = doc.line_count();
  uint32_t first = std::min(first_line, lines - 1);
  uint32_t end_line =
      static_cast<uint32_t>(std::min<uint64_t>(uint64_t{first} + line_count, lines));
  // The empty "line" after a final newline holds no text: a region never ends with it.
  if (end_line == lines && end_line > first && doc.line(lines - 1).empty()) --end_line;
  region_.first_row = first;
  region_.start_byte = doc.line_start(first);
  region_.end_byte = end_line < lines ? doc.line_start(end_line) : doc.size();
  line_count_ = end_line - first;
  original_ = read(region_.start_byte, region_.end_byte);
  known_ = original_;
  std::string_view first_text = doc.line(0);
  eol_ = lines > 1 && !first_text.empty() && first_text.back() == '\r' ? "\r\n" : "\n";
  language_ = options_.language;
  cleaner_.know_code(original_);
  uint32_t above_from = first > kAnswerContextLines ? first - kAnswerContextLines : 0;
  above_ = read(doc.line_start(above_from), region_.start_byte);
  uint64_t below_to = uint64_t{end_line} + kAnswerContextLines;
  below_ = read(region_.end_byte,
                below_to < lines ? doc.line_start(static_cast<uint32_t>(below_to)) : doc.size());
  new_shaper();
}

void EditSession::new_shaper() {
  shaper_.emplace(original_, above_, below_, language_, eol_);
}

void EditSession::on_model_text(std::string_view delta) {
  if (phase_ != Phase::kStreaming || model_done_ || delta.empty()) return;
  ++stats_.tokens;
  if (!stats_.first_token) stats_.first_token = hooks_.now() - started_;
  cleaned_.clear();
  cleaner_.feed(delta, cleaned_);
  if (!cleaned_.empty()) shaper_->push(cleaned_);
  if (!stats_.first_code && shaper_->has_code()) stats_.first_code = hooks_.now() - started_;
  if (hold_for_new_stream_ && shaper_->completed_lines() > 0) hold_for_new_stream_ = false;
  pump();
}

void EditSession::on_model_reasoning() {
  if (phase_ != Phase::kStreaming || model_done_) return;
  ++stats_.reasoning;
}

void EditSession::on_model_done(const AnswerEnd& answer_end) {
  if (phase_ != Phase::kStreaming || model_done_) return;
  cleaned_.clear();
  cleaner_.finish(cleaned_);
  model_done_ = true;
  hold_for_new_stream_ = false;
  if (!answer_end.refusal.empty()) {
    fail_restoring("the model refused: " + answer_end.refusal);
    return;
  }
  if (cleaner_.only_prose()) {
    std::string said;
    for (std::string_view line : answer::split_lines(cleaned_)) {
      if (!said.empty()) said += ' ';
      said.append(answer::key(line));
      if (said.size() > 160) break;
    }
    if (said.size() > 160) said = said.substr(0, 157) + "...";
    std::string reason = "the model answered no code";
    if (!said.empty()) reason += ": \"" + said + "\"";
    fail_restoring(std::move(reason));
    return;
  }
  shaper_->push(cleaned_);
  if (!stats_.first_code && shaper_->has_code()) stats_.first_code = hooks_.now() - started_;
  ShapedAnswer shaped = shaper_->finish(cleaner_.explicit_empty());
  if (!shaped.ok) {
    std::string reason = shaped.reason;
    if (!shaper_->has_code() && !answer_end.no_code_why.empty()) {
      reason += " (" + answer_end.no_code_why + ")";
    }
    fail_restoring(std::move(reason));
    return;
  }
  dirty_ = true;
  pump();
}

void EditSession::fail_restoring(std::string reason) {
  // Nothing of the answer was written, or the editor has it all: restore only if needed.
  if (pending_.empty() && region_text() == original_) {
    end(SessionState::kFailed, std::move(reason));
    return;
  }
  if (!stats_.duration) stats_.duration = hooks_.now() - started_;
  failing_ = std::move(reason);
  restore_target_ = original_;
  phase_ = Phase::kRestoring;
  dirty_ = true;
  pump();
}

void EditSession::on_model_error(std::string_view message) {
  if (phase_ != Phase::kStreaming || model_done_) return;
  end(SessionState::kFailed, std::string(message));
}

void EditSession::abandon(std::string reason) {
  pending_.clear();
  if (phase_ == Phase::kIdle) return;
  end(SessionState::kFailed, std::move(reason));
}

void EditSession::on_document_changed(const parsers::TextInput& doc, int64_t new_version,
                                      const std::vector<parsers::TextChange>& changes) {
  doc_ = &doc;
  version_ = new_version;
  if (changes.empty() || take_own_edit(changes)) return;
  UserReading reading = read_as_users(changes);
  if (!reading.inside && region_holds(reading.region, known_)) {
    // A boundary change that may have been flint's own insertion, changed by the user in the
    // same report, is settled by the editor's answer to that edit (on_apply_result); once the
    // answer is in, it is the user's edit of flint's text.
    bool unanswered = std::any_of(pending_.begin(), pending_.end(),
                                  [](const PendingEdit& p) { return !p.answered; });
    if (!reading.doubt || unanswered) {
      boundary_in_doubt_ = boundary_in_doubt_ || reading.doubt;
      region_ = reading.region;
      dirty_ = true;
      pump();
      return;
    }
  }
  // Inside, or the ranges and the text disagree: either way the user wins.
  follow_user_edit(reading.widened_begin, reading.widened_end);
  if (phase_ != Phase::kIdle) end(SessionState::kCancelled, "the user edited the region");
}

bool EditSession::take_own_edit(const std::vector<parsers::TextChange>& changes) {
  // flint's edits, newest first, recognised by the text the region then holds. Editors report
  // them with ranges of their own choosing and may slide them into the neighbouring lines
  // (their own diff of the changed lines): the changes at or across the region's boundaries,
  // or at worst within the line above and the line below, are taken together.
  for (auto it = pending_.end(); it != pending_.begin();) {
    --it;
    const uint32_t above = static_cast<uint32_t>(it->line_above.size());
    const uint32_t below = static_cast<uint32_t>(it->line_below.size());
    const bool below_ends_line = !it->line_below.empty() && it->line_below.back() == '\n';
    // A change right at the region's end is the user's on the next line, or flint appending.
    const EchoWindow windows[] = {{0, 0, true}, {0, 0, false}, {above, below, below_ends_line}};
    for (const EchoWindow& window : windows) {
      std::optional<EchoFit> fit = echo_position(changes, window, *it);
      if (!fit || !region_holds(fit->at, it->after)) continue;
      const Tracked& at = fit->at;
      // A change next to the region, not in it, that still reads as before may be the user's
      // (deleting a last line "}" reads the same as deleting the "}" below it): only take it
      // for flint's if the lines around are as they were.
      if (!fit->inside && it->after.size() < it->before.size() && region_holds(at, it->before)) {
        uint32_t end = at.start_byte + static_cast<uint32_t>(it->after.size());
        if (at.start_byte < above || read(at.start_byte - above, at.start_byte) != it->line_above ||
            read(end, end + below) != it->line_below) {
          continue;
        }
      }
      take_echo(at, it);
      return true;
    }
  }
  return false;
}

EditSession::UserReading EditSession::read_as_users(
    const std::vector<parsers::TextChange>& changes) const {
  // A change that ends before the region (or at its start, leaving it at a line start) moves
  // it; one after it leaves it alone; anything else is inside.
  UserReading r;
  r.region = region_;
  r.widened_begin = region_.start_byte;
  r.widened_end = region_.end_byte;
  const bool terminated = known_.empty() || known_.back() == '\n';
  bool at_start = false;  // a change at a boundary (or slid onto the line below) ...
  bool at_end = false;
  uint32_t slide_below = 0;
  for (const PendingEdit& p : pending_) {
    slide_below = std::max(slide_below, static_cast<uint32_t>(p.line_below.size()));
  }
  for (const parsers::TextChange& c : changes) {
    const int64_t delta = int64_t{c.new_end_byte} - int64_t{c.old_end_byte};
    if (r.inside) {  // from here on only the extent of what the user touched matters
      if (c.old_end_byte < r.widened_begin) {
        r.widened_begin += delta;
        r.widened_end += delta;
      } else if (c.start_byte <= r.widened_end) {
        r.widened_begin = std::min<int64_t>(r.widened_begin, c.start_byte);
        r.widened_end = std::max<int64_t>(r.widened_end, c.old_end_byte) + delta;
      }
      continue;
    }
    const Tracked& at = r.region;
    bool before = c.old_end_byte < at.start_byte ||
                  (c.old_end_byte == at.start_byte && c.new_end.column == 0);
    bool after = c.start_byte > at.end_byte || (c.start_byte == at.end_byte && terminated);
    // Editors may slide an insertion at a boundary onto the neighbouring line.
    if (before && (c.old_end_byte == at.start_byte ||
                   (c.start_byte == c.old_end_byte && c.old_end_byte + 1 == at.start_byte))) {
      at_start = true;
    }
    if (after && c.start_byte <= at.end_byte + slide_below) at_end = true;
    // ... may be flint's insertion there: as long as one on its way,
    if ((before || after) && same_as_flints_insertion(c, at)) r.doubt = true;
    if (before) {
      shift(r.region, c);
      r.widened_begin = r.region.start_byte;
      r.widened_end = r.region.end_byte;
    } else if (!after) {
      r.inside = true;
      r.widened_begin = std::min<int64_t>(at.start_byte, c.start_byte);
      r.widened_end = std::max<int64_t>(at.end_byte, c.old_end_byte) + delta;
    }
  }
  // ... or its text found right there, give or take what the user typed into it.
  if (!r.inside && (at_start || at_end) && holds_flints_insertion(r.region, at_start, at_end)) {
    r.doubt = true;
  }
  return r;
}

bool EditSession::unclaim_insertion(const PendingEdit& edit) {
  // Only an edit that inserts at one boundary and nothing else reads exactly like the user
  // typing next to the region; then the region is what it was, beside the user's text.
  if (!edit.boundary_insertion_only) return false;
  Tracked at = region_;
  if (!edit.tail_text.empty()) {
    at.end_byte -= static_cast<uint32_t>(edit.tail_text.size());
  } else {
    at.start_byte += static_cast<uint32_t>(edit.head_text.size());
    at.first_row +=
        static_cast<uint32_t>(std::count(edit.head_text.begin(), edit.head_text.end(), '\n'));
  }
  if (!region_holds(at, edit.before)) return false;
  region_ = at;
  known_ = edit.before;
  line_count_ = rows_in(known_);
  return true;
}

bool EditSession::same_as_flints_insertion(const parsers::TextChange& c, const Tracked& at) const {
  if (c.start_byte != c.old_end_byte) return false;
  size_t length = c.new_end_byte - c.start_byte;
  // One byte is a keystroke as often as not (holds_flints_insertion looks at it instead).
  auto same = [&](const std::string& inserted) { return length > 1 && inserted.size() == length; };
  return std::any_of(pending_.begin(), pending_.end(), [&](const PendingEdit& p) {
    return (c.start_byte == at.start_byte && same(p.head_text)) ||
           (c.start_byte == at.end_byte && same(p.tail_text));
  });
}

bool EditSession::holds_flints_insertion(const Tracked& at, bool at_start, bool at_end) const {
  // How many bytes the user may have typed into a text of `length` bytes for it to still be
  // recognisably flint's: none in a short one.
  auto slack_for = [](size_t length) -> size_t {
    return length < 4 ? 0 : std::min<size_t>(3, length / 8 + 1);
  };
  // flint's text with at most a few bytes typed or deleted in it: what the user's keystrokes in
  // the same report can have made of it.
  auto resembles = [&](std::string_view seen, std::string_view inserted) {
    size_t n = std::min(seen.size(), inserted.size());
    size_t head = 0;
    while (head < n && seen[head] == inserted[head]) ++head;
    size_t tail = 0;
    while (tail < n - head &&
           seen[seen.size() - 1 - tail] == inserted[inserted.size() - 1 - tail]) {
      ++tail;
    }
    return head + tail + slack_for(inserted.size()) >= inserted.size();
  };
  for (const PendingEdit& p : pending_) {
    for (const std::string* inserted : {&p.head_text, &p.tail_text}) {
      bool head = inserted == &p.head_text;
      if (inserted->empty() || (head ? !at_start : !at_end)) continue;
      size_t slack = slack_for(inserted->size());
      for (size_t length = inserted->size() - slack; length <= inserted->size() + slack; ++length) {
        if (length == 0) continue;
        std::string seen =
            head ? read(at.start_byte - std::min<uint32_t>(at.start_byte, length), at.start_byte)
                 : read(at.end_byte, at.end_byte + static_cast<uint32_t>(length));
        if (seen.size() == length && resembles(seen, *inserted)) return true;
      }
    }
  }
  return false;
}

void EditSession::shift(Tracked& t, const parsers::TextChange& c) {
  t.start_byte = static_cast<uint32_t>(int64_t{t.start_byte} + c.new_end_byte - c.old_end_byte);
  t.end_byte = static_cast<uint32_t>(int64_t{t.end_byte} + c.new_end_byte - c.old_end_byte);
  t.first_row = static_cast<uint32_t>(int64_t{t.first_row} + c.new_end.row - c.old_end.row);
}

std::optional<EditSession::EchoFit> EditSession::echo_position(
    const std::vector<parsers::TextChange>& changes, const EchoWindow& window,
    const PendingEdit& edit) const {
  const int64_t growth = int64_t(edit.after.size()) - int64_t(edit.before.size());
  const bool terminated = edit.after.empty() || edit.after.back() == '\n';
  Tracked at = region_;
  bool inside = false;  // a change of it overlaps the region's own text
  int64_t inner_begin = region_.start_byte;
  int64_t inner_end = region_.end_byte;
  int64_t window_begin = int64_t{region_.start_byte} - window.above;
  int64_t window_end = int64_t{region_.end_byte} + window.below;
  int64_t near = 0;
  bool echoed = false;  // the changes so far add up to the echo
  for (const parsers::TextChange& c : changes) {
    const int64_t delta = int64_t{c.new_end_byte} - int64_t{c.old_end_byte};
    if (echoed) {
      // Whatever comes after the echo is judged against the region the echo left, as the
      // user's changes are (an editor may have reported the echo over more lines).
      window_begin = at.start_byte;
      window_end = int64_t{at.start_byte} + int64_t(edit.after.size());
    }
    // Widened to whole neighbouring lines, the window's own boundaries are line starts.
    const bool widened = !echoed && (window.above > 0 || window.below > 0);
    bool before = c.old_end_byte < window_begin ||
                  (c.old_end_byte == window_begin &&
                   ((echoed && c.new_end.column == 0) || (widened && window.above > 0)));
    bool after =
        c.start_byte > window_end ||
        (c.start_byte == window_end &&
         (widened ? window.end_is_outside : terminated && (echoed || window.end_is_outside)));
    if (before) {
      shift(at, c);
      window_begin += delta;
      window_end += delta;
      inner_begin += delta;
      inner_end += delta;
    } else if (!after) {
      if (!echoed && c.start_byte < inner_end && c.old_end_byte > inner_begin) inside = true;
      if (c.start_byte < inner_end) inner_end = std::max(inner_begin, inner_end + delta);
      near += delta;
      window_begin = std::min<int64_t>(window_begin, c.start_byte);
      window_end = std::max<int64_t>(window_end, c.old_end_byte) + delta;
      echoed = near == growth;
    }
  }
  if (near != growth) return std::nullopt;
  return EchoFit{at, inside};
}

void EditSession::take_echo(const Tracked& at, const std::deque<PendingEdit>::iterator& edit) {
  region_.start_byte = at.start_byte;
  region_.first_row = at.first_row;
  region_.end_byte = at.start_byte + static_cast<uint32_t>(edit->after.size());
  line_count_ = rows_in(edit->after);
  known_ = edit->after;
  edit->echoed = true;
  // Older edits can no longer be echoed: the document moved past them.
  auto keep = edit->answered ? std::next(edit) : edit;
  pending_.erase(pending_.begin(), keep);
  dirty_ = true;
  pump();
}

void EditSession::note_user_edit() {
  // What flint had written when the person first typed inside: the base of reject's merge.
  if (!user_edited_) flint_text_ = known_;
  user_edited_ = true;
}

void EditSession::follow_user_edit(int64_t begin, int64_t end) {
  note_user_edit();
  uint32_t size = doc_->size();
  auto clamp = [&](int64_t b) { return static_cast<uint32_t>(std::clamp<int64_t>(b, 0, size)); };
  uint32_t first_row = row_of(clamp(begin));
  uint32_t last_row = row_of(clamp(end));
  region_.first_row = first_row;
  region_.start_byte = doc_->line_start(first_row);
  uint32_t end_byte = clamp(end);
  if (end_byte > doc_->line_start(last_row)) {
    end_byte = last_row + 1 < doc_->line_count() ? doc_->line_start(last_row + 1) : size;
  }
  region_.end_byte = std::max(end_byte, region_.start_byte);
  known_ = read(region_.start_byte, region_.end_byte);
  line_count_ = rows_in(known_);
  // Whatever was in flight is now unrecognisable: the editor refuses it (stale version).
  pending_.clear();
}

void EditSession::on_apply_result(bool applied) {
  auto it = std::find_if(pending_.begin(), pending_.end(),
                         [](const PendingEdit& p) { return !p.answered; });
  if (it == pending_.end()) return;
  TimePoint now = hooks_.now();
  if (boundary_in_doubt_) {
    boundary_in_doubt_ = false;
    if (applied && !it->echoed) {
      // The change taken for the user's next to the region was this edit, changed since.
      follow_user_edit(int64_t{region_.start_byte} - int64_t(it->head_text.size()),
                       int64_t{region_.end_byte} + int64_t(it->tail_text.size()));
      if (phase_ != Phase::kIdle) end(SessionState::kCancelled, "the user edited the region");
      return;
    }
  }
  if (applied) {
    ++stats_.edits_applied;
    refusals_ = 0;
    refused_version_.reset();
    if (it->echoed) {
      pending_.erase(pending_.begin(), std::next(it));
    } else {
      it->answered = true;
      it->echo_deadline = now + options_.echo_timeout;
      while (pending_.size() > kMaxLateEdits) pending_.pop_front();
    }
  } else {
    ++stats_.edits_refused;
    if (it->echoed && !unclaim_insertion(*it)) {
      // The text taken for this edit's echo was not flint's: someone else wrote it.
      pending_.clear();
      note_user_edit();
      if (phase_ != Phase::kIdle) end(SessionState::kCancelled, "the user edited the region");
      return;
    }
    // Refused against a version already superseded: the user typed meanwhile, as expected.
    // Otherwise wait for the change that explains it, or retry after a while.
    if (version_ <= it->version) {
      refused_version_ = it->version;
      retry_deadline_ = now + options_.echo_timeout;
    }
    pending_.erase(it);
  }
  dirty_ = true;
  pump();
}

void EditSession::on_timer() {
  timer_deadline_.reset();
  dirty_ = true;
  pump();
}

bool EditSession::steer() {
  bool running = phase_ == Phase::kStreaming && state_ == SessionState::kStreaming;
  bool finished = phase_ == Phase::kIdle && state_ == SessionState::kDone;
  if ((!running && !finished) || user_edited_) return false;
  cleaner_ = OutputCleaner();
  cleaner_.know_code(original_);
  new_shaper();
  diffed_revision_ = ~uint64_t{0};
  model_done_ = false;
  hold_for_new_stream_ = true;
  phase_ = Phase::kStreaming;
  stats_.duration.reset();
  if (finished) set_state(SessionState::kStreaming, "");
  dirty_ = true;
  return true;
}

bool EditSession::cancel(const std::string& reason) {
  if (phase_ != Phase::kStreaming) return false;
  end(SessionState::kCancelled, reason);
  return true;
}

bool EditSession::accept() {
  if (state_ == SessionState::kAccepted || state_ == SessionState::kRejected ||
      phase_ == Phase::kRestoring) {
    return false;
  }
  if (phase_ == Phase::kStreaming) stats_.duration = hooks_.now() - started_;
  phase_ = Phase::kIdle;
  set_state(SessionState::kAccepted, "");
  return true;
}

std::optional<std::string> EditSession::reject() {
  if (state_ == SessionState::kAccepted || state_ == SessionState::kRejected) {
    return "the session was already " + std::string(to_string(state_));
  }
  if (phase_ == Phase::kRestoring) {
    failing_.reset();  // the restore under way is now the person's rejection
    return std::nullopt;
  }
  restore_target_ = original_;
  if (user_edited_) {
    // The person typed inside: their changes are kept where they do not touch flint's text.
    std::string now = region_text();
    MergeResult merged = merge_three_way(flint_text_, original_, now);
    if (!merged.text) {
      uint32_t line =
          region_.first_row + 1 +
          static_cast<uint32_t>(std::count(now.begin(), now.begin() + merged.conflict_byte, '\n'));
      return "your changes at line " + std::to_string(line) +
             " are in text flint wrote, so restoring the original would undo them; keep the "
             "text as it is now (flint.accept), or undo your changes first";
    }
    restore_target_ = std::move(*merged.text);
  }
  if (phase_ == Phase::kStreaming) stats_.duration = hooks_.now() - started_;
  phase_ = Phase::kRestoring;
  dirty_ = true;
  pump();
  return std::nullopt;
}

SessionRegion EditSession::region() const {
  return {region_.first_row, line_count_, region_.start_byte, region_.end_byte};
}

std::string EditSession::region_text() const {
  return read(region_.start_byte, region_.end_byte);
}

void EditSession::pump() {
  if (phase_ == Phase::kIdle) return;
  TimePoint now = hooks_.now();
  if (refused_version_) {
    if (version_ > *refused_version_) {
      refused_version_.reset();  // explained by a change the session had not seen
    } else if (now >= retry_deadline_) {
      refused_version_.reset();
      if (++refusals_ >= options_.max_refusals) {
        end(SessionState::kFailed,
            "the editor refused " + std::to_string(refusals_) + " edits in a row");
        return;
      }
    }
  }
  if (blocked(now)) return;
  if (phase_ == Phase::kStreaming && hold_for_new_stream_) return;
  bool stale = dirty_ || (phase_ == Phase::kStreaming && shaper_->revision() != diffed_revision_);
  if (!stale) return;
  // Frames pace the edits while the model streams; once it is done, the final edit (like a
  // restoring one) goes out at once instead of waiting for the next frame.
  if (now < next_frame_ && phase_ == Phase::kStreaming && !model_done_) {
    arm(next_frame_, now);
    return;
  }
  dirty_ = false;
  diffed_revision_ = shaper_->revision();
  std::string target = phase_ == Phase::kRestoring ? restore_target_ : shaper_->desired_text();
  // A region without a final newline was the end of the file; if text follows it now (the user
  // typed below it), it keeps its last line break rather than swallow their line.
  if (!target.empty() && target.back() != '\n' && region_.end_byte < doc_->size()) {
    target += eol_;
  }
  std::string actual = region_text();
  if (actual == target) {
    settle();
    return;
  }
  send(std::move(actual), std::move(target), now);
}

bool EditSession::blocked(TimePoint now) {
  for (const PendingEdit& p : pending_) {
    if (!p.answered) return true;  // at most one applyEdit in flight
  }
  for (const PendingEdit& p : pending_) {
    if (!p.echoed && now < p.echo_deadline) {
      arm(p.echo_deadline, now);
      return true;
    }
  }
  if (refused_version_) {
    arm(retry_deadline_, now);
    return true;
  }
  return false;
}

void EditSession::send(std::string actual, std::string target, TimePoint now) {
  LineEdit edit;
  edit.version = version_;
  parsers::TextPoint at{region_.first_row, 0};
  size_t scanned = 0;
  auto point_of = [&](size_t offset) {
    for (; scanned < offset; ++scanned) {
      if (actual[scanned] == '\n') {
        ++at.row;
        at.column = 0;
      } else {
        ++at.column;
      }
    }
    return at;
  };
  PendingEdit pending;
  std::vector<TextHunk> hunks = minimal_hunks(actual, target);
  for (const TextHunk& hunk : hunks) {
    // Insertions right at the region's boundaries look like the user's typing next to it.
    if (hunk.before_begin == hunk.before_end) {
      pending.boundary_insertion_only =
          hunks.size() == 1 && (hunk.before_begin == 0 || hunk.before_begin == actual.size());
      std::string_view inserted =
          std::string_view(target).substr(hunk.after_begin, hunk.after_end - hunk.after_begin);
      if (hunk.before_begin == 0) pending.head_text = inserted;
      if (hunk.before_begin == actual.size()) pending.tail_text = inserted;
    }
    TextReplacement r;
    r.start_byte = region_.start_byte + hunk.before_begin;
    r.end_byte = region_.start_byte + hunk.before_end;
    r.start = point_of(hunk.before_begin);
    r.end = point_of(hunk.before_end);
    r.text = target.substr(hunk.after_begin, hunk.after_end - hunk.after_begin);
    edit.replacements.push_back(std::move(r));
  }

  pending.before = std::move(actual);
  pending.after = std::move(target);
  pending.version = version_;
  uint32_t lines = doc_->line_count();
  if (region_.first_row > 0) {
    pending.line_above = read(doc_->line_start(region_.first_row - 1), region_.start_byte);
  }
  uint32_t below = region_.first_row + line_count_;
  uint32_t below_end = below + 1 < lines ? doc_->line_start(below + 1) : doc_->size();
  pending.line_below = read(region_.end_byte, below_end);
  pending_.push_back(std::move(pending));

  next_frame_ = now + options_.frame;
  ++stats_.edits_sent;
  if (!stats_.first_edit) stats_.first_edit = now - started_;
  hooks_.send_edit(std::move(edit));
}

void EditSession::settle() {
  if (phase_ == Phase::kStreaming && model_done_) {
    end(SessionState::kDone, "");
  } else if (phase_ == Phase::kRestoring) {
    phase_ = Phase::kIdle;
    if (failing_) {
      std::string reason = std::move(*failing_);
      failing_.reset();
      set_state(SessionState::kFailed, std::move(reason));
    } else {
      set_state(SessionState::kRejected, "");
    }
  }
}

void EditSession::arm(TimePoint deadline, TimePoint now) {
  if (timer_deadline_ && *timer_deadline_ <= deadline) return;
  timer_deadline_ = deadline;
  auto delay = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
  hooks_.arm_timer(std::max(delay, std::chrono::milliseconds(0)));
}

void EditSession::end(SessionState state, std::string reason) {
  if (phase_ == Phase::kStreaming && !stats_.duration) stats_.duration = hooks_.now() - started_;
  phase_ = Phase::kIdle;
  set_state(state, std::move(reason));
}

void EditSession::set_state(SessionState state, std::string reason) {
  state_ = state;
  reason_ = std::move(reason);
  if (hooks_.on_state) hooks_.on_state(state_, reason_);
}

bool EditSession::region_holds(const Tracked& at, std::string_view text) const {
  uint32_t size = doc_->size();
  if (at.first_row >= doc_->line_count() || doc_->line_start(at.first_row) != at.start_byte) {
    return false;
  }
  if (uint64_t{at.start_byte} + text.size() > size) return false;
  // An unterminated region text is the end of the document.
  if (!text.empty() && text.back() != '\n' && at.start_byte + text.size() != size) return false;
  uint32_t byte = at.start_byte;
  while (!text.empty()) {
    std::string_view chunk = doc_->chunk_at(byte);
    if (chunk.empty()) return false;
    size_t n = std::min(chunk.size(), text.size());
    if (chunk.substr(0, n) != text.substr(0, n)) return false;
    text.remove_prefix(n);
    byte += static_cast<uint32_t>(n);
  }
  return true;
}

uint32_t EditSession::row_of(uint32_t byte) const {
  uint32_t lo = 0;
  uint32_t hi = doc_->line_count() - 1;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo + 1) / 2;
    if (doc_->line_start(mid) <= byte) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

std::string EditSession::read(uint32_t begin, uint32_t end) const {
  return parsers::text_between(*doc_, begin, end);
}

}  // namespace flint
