// What the extension knows of flint's edit sessions, fed by flint/editSession notifications and
// by the document changes that move their regions. Plain TypeScript, no VS Code API.
import {
  isLiveSession,
  type EditSessionParams,
  type Position,
  type Range,
  type SessionState,
} from './protocol';
import {rebaseRangeThrough, type ContentChange} from './regions';
import {Signal} from './signal';

export interface SessionRecord {
  sessionId: string;
  uri: string;
  state: SessionState;
  region: Range;
  reason?: string;
  jobId?: string;
  // True once one of flint's streamed edits landed in the buffer: a session that stops early
  // (cancelled, typed into) then leaves text behind that Reject can take back.
  wrote: boolean;
  // Increases with every update: "most recent" means the highest.
  touched: number;
}

// A session that still owns its region: streaming, done and waiting for review, or stopped
// early with flint's partial text in the buffer (the server still accepts Reject and Accept for
// it: Reject restores the original with the person's own changes re-applied).
export function isOpenSession(session: SessionRecord): boolean {
  return isLiveSession(session.state) || isStopped(session);
}

// Stopped early with flint's partial text left in the buffer.
export function isStopped(session: SessionRecord): boolean {
  return session.state === 'cancelled' && session.wrote;
}

export interface SessionTransition {
  session: SessionRecord;
  previous?: SessionState;
  previousReason?: string;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}

// Whether `range` holds `position` (its ends included: a cursor right after the region's last
// character is still in it).
function holds(range: Range|undefined, position: Position): boolean {
  return range !== undefined && before(range.start, position) && before(position, range.end);
}

// Finished sessions are kept a little while (for "most recent" and reasons), not forever.
const MAX_FINISHED = 32;

export class SessionTracker {
  readonly changed = new Signal<SessionTransition|undefined>();
  private sessions = new Map<string, SessionRecord>();
  private clock = 0;

  update(params: EditSessionParams): SessionTransition {
    const previous = this.sessions.get(params.sessionId);
    const session: SessionRecord = {
      sessionId: params.sessionId,
      uri: params.uri,
      state: params.state,
      region: params.region ?? previous?.region,
      reason: params.reason,
      jobId: params.jobId,
      wrote: previous?.wrote ?? false,
      touched: ++this.clock,
    };
    this.sessions.set(session.sessionId, session);
    this.forgetOldFinished();
    const transition = {session, previous: previous?.state, previousReason: previous?.reason};
    this.changed.fire(transition);
    return transition;
  }

  get(sessionId: string): SessionRecord|undefined { return this.sessions.get(sessionId); }

  // Records that one of the session's streamed edits is in the buffer.
  noteWritten(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (session) session.wrote = true;
  }

  // Open sessions (streaming, done and waiting for review, or stopped with partial text), most
  // recent first.
  live(uri?: string): SessionRecord[] {
    return [...this.sessions.values()]
        .filter((s) => isOpenSession(s) && (uri === undefined || s.uri === uri))
        .sort((a, b) => b.touched - a.touched);
  }

  // The session a command without an explicit id applies to: the live one in the given
  // document whose region holds `cursor` (with two edits in a file, the one you are in), else the
  // most recent live one there, else the most recent live one anywhere.
  current(uri?: string, cursor?: Position): SessionRecord|undefined {
    const here = uri !== undefined ? this.live(uri) : [];
    const under = cursor !== undefined ? here.find((s) => holds(s.region, cursor)) : undefined;
    return under ?? here[0] ?? this.live()[0];
  }

  streamingIn(uri: string): SessionRecord|undefined {
    return this.live(uri).find((s) => s.state === 'streaming');
  }

  // Moves the live regions of `uri` through one document change event.
  applyDocumentChanges(uri: string, changes: readonly ContentChange[]): boolean {
    let moved = false;
    for (const session of this.live(uri)) {
      const region = rebaseRangeThrough(session.region, changes);
      if (JSON.stringify(region) !== JSON.stringify(session.region)) {
        session.region = region;
        moved = true;
      }
    }
    if (moved) this.changed.fire(undefined);
    return moved;
  }

  // The document was closed: flint-lsp stops its sessions and forgets them (they cannot be
  // accepted or rejected any more).
  forgetDocument(uri: string): void {
    let forgot = false;
    for (const [id, session] of this.sessions) {
      if (session.uri !== uri) continue;
      this.sessions.delete(id);
      forgot = true;
    }
    if (forgot) this.changed.fire(undefined);
  }

  // The server process went away: its sessions cannot be accepted or rejected any more.
  clear(): void {
    this.sessions.clear();
    this.changed.fire(undefined);
  }

  private forgetOldFinished(): void {
    const finished = [...this.sessions.values()]
                         .filter((s) => !isOpenSession(s))
                         .sort((a, b) => a.touched - b.touched);
    for (const old of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED))) {
      this.sessions.delete(old.sessionId);
    }
  }
}
