// Streamed edits of one session become one undo step.
//
// vscode-languageclient applies every workspace/applyEdit with workspace.applyEdit, which VS Code
// records as its own undo step: a streamed rewrite would take a hundred Ctrl+Z to undo. While a
// session streams in a document that is open in an editor, its edits are applied through that
// editor instead, with an undo stop before the first one only, so VS Code merges them.
//
// The group goes on as long as the document is where flint's last edit left it: Steer's new
// stream joins the first one (steer + accept is one undo step), while anything the person did in
// between (typing, an undo) makes flint's next edit start a group of its own, so that undoing
// flint never undoes the person's typing with it. Reject's restore of a finished edit joins the
// group too, when nothing happened since flint's last edit: the edit and its rejection are then
// one undo step that changes nothing, and undo after Reject never brings flint's text back
// outside review (the session is over: the server would not offer it again). A restore after
// the person typed inside stays a step of its own: undoing it brings back their typing.
//
// flint-lsp waits for each answer before sending the next edit (docs/PROTOCOL.md), so the
// edits of a session arrive here one at a time and in order.
import {isStopped, type SessionRecord, type SessionTracker} from './sessions';

export interface TextEditLike {
  range: {start: {line: number; character: number}; end: {line: number; character: number}};
  newText: string;
}

export interface ApplyEditParamsLike {
  label?: string;
  edit: {changes?: unknown; documentChanges?: readonly unknown[];};
}

export interface ApplyEditResultLike {
  applied: boolean;
  failureReason?: string;
}

export interface EditorSurface {
  // The version of the open document, undefined when it is not open.
  documentVersion(uri: string): number|undefined;
  // Applies all edits as one editor operation. undefined: no visible editor shows the document;
  // false: VS Code refused (the document changed meanwhile).
  applyInEditor(uri: string, edits: readonly TextEditLike[], undoStopBefore: boolean):
      Promise<boolean|undefined>;
}

interface SingleDocumentEdit {
  uri: string;
  version: number|null|undefined;
  edits: TextEditLike[];
}

function asSingleDocumentEdit(params: ApplyEditParamsLike): SingleDocumentEdit|undefined {
  const changes = params.edit.documentChanges;
  if (params.edit.changes !== undefined || !changes || changes.length !== 1) return undefined;
  const change = changes[0] as {
    kind?: string;
    textDocument?: {uri?: unknown; version?: unknown};
    edits?: unknown;
  };
  if (change.kind !== undefined || !change.textDocument || !Array.isArray(change.edits)) {
    return undefined;  // a file operation (create/rename/delete)
  }
  if (typeof change.textDocument.uri !== 'string') return undefined;
  const version = change.textDocument.version;
  if (version !== null && version !== undefined && typeof version !== 'number') return undefined;
  // Snippet edits and other exotic shapes go to the default handler.
  if (!change.edits.every((e) => typeof e?.newText === 'string' && e?.range)) return undefined;
  return {uri: change.textDocument.uri, version, edits: change.edits as TextEditLike[]};
}

// What flint's last applied edit in a document left behind.
interface LastEdit {
  sessionId: string;
  version: number;
}

export class UndoGrouper {
  private last = new Map<string, LastEdit>();  // by document uri

  constructor(
      private readonly sessions: SessionTracker,
      private readonly surface: EditorSurface,
  ) {}
  async handle(
      params: ApplyEditParamsLike,
      next: (params: ApplyEditParamsLike) => Promise<ApplyEditResultLike>,
      ): Promise<ApplyEditResultLike> {
    // Streamed edits carry no label; labelled ones (Reject's restore, jobs) stand alone.
    if (params.label !== undefined) return next(params);
    const edit = asSingleDocumentEdit(params);
    if (!edit) return next(params);
    const current = this.surface.documentVersion(edit.uri);
    const session = this.streamingSessionOf(edit) ?? this.restoring(edit.uri, current);
    if (!session) return next(params);
    if (current === undefined) return this.forward(session.sessionId, params, next);
    if (edit.version !== null && edit.version !== undefined && edit.version !== current) {
      return {
        applied: false,
        failureReason: `document is at version ${current}, the edit was made for ${edit.version}`
      };
    }
    const applied = await this.surface.applyInEditor(
        edit.uri, edit.edits, !this.joins(edit.uri, session.sessionId, current));
    if (applied === undefined) return this.forward(session.sessionId, params, next);
    if (!applied) {
      return {applied, failureReason: 'the document changed while the edit was applied'};
    }
    this.sessions.noteWritten(session.sessionId);
    const after = this.surface.documentVersion(edit.uri);
    if (after !== undefined) this.last.set(edit.uri, {sessionId: session.sessionId, version: after});
    return {applied};
  }

  // Whether an edit of `sessionId` continues the undo group of flint's last edit in the
  // document: nothing else changed it since, and that edit was this session's (a Steer, a
  // Reject's restore) or one of another session still streaming beside it (edits of sessions
  // that stream at the same time in one file interleave: they share one undo step).
  private joins(uri: string, sessionId: string, version: number): boolean {
    const last = this.last.get(uri);
    if (!last || last.version !== version) return false;
    return last.sessionId === sessionId || this.sessions.get(last.sessionId)?.state === 'streaming';
  }

  // The streaming session an edit belongs to: the one whose region holds it (sessions in other
  // regions of the document may stream at the same time), else the document's latest.
  private streamingSessionOf(edit: SingleDocumentEdit): SessionRecord|undefined {
    const streaming = this.sessions.live(edit.uri).filter((s) => s.state === 'streaming');
    const start = edit.edits[0]?.range.start;
    const holds = (s: SessionRecord) => start !== undefined &&
        (s.region.start.line < start.line ||
         (s.region.start.line === start.line && s.region.start.character <= start.character)) &&
        (start.line < s.region.end.line ||
         (start.line === s.region.end.line && start.character <= s.region.end.character));
    return streaming.find(holds) ?? streaming[0];
  }

  // A session in review, or stopped early, whose edit was the last in the document, nothing
  // changed since: an unlabelled edit now is its restore (Reject, or the roll-back of an edit
  // that a newer one over the same lines replaces); flint sends nothing else for it.
  private restoring(uri: string, version: number|undefined): SessionRecord|undefined {
    const last = this.last.get(uri);
    if (version === undefined || !last || last.version !== version) return undefined;
    const session = this.sessions.get(last.sessionId);
    return session && (session.state === 'done' || isStopped(session)) ? session : undefined;
  }

  // The default handler (workspace.applyEdit: no undo grouping), still noting what landed.
  private async forward(
      sessionId: string,
      params: ApplyEditParamsLike,
      next: (params: ApplyEditParamsLike) => Promise<ApplyEditResultLike>,
      ): Promise<ApplyEditResultLike> {
    const result = await next(params);
    if (result.applied) this.sessions.noteWritten(sessionId);
    return result;
  }
}
