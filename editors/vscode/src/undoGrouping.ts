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
// flint never undoes the person's typing with it. Reject's restore is labelled and applied by
// VS Code as a step of its own: undo after Reject brings flint's text back as plain text (the
// session is over; flint does not show it for review again).
//
// flint-lsp waits for each answer before sending the next edit (docs/PROTOCOL.md), so the
// edits of a session arrive here one at a time and in order.
import type {SessionTracker} from './sessions';

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

export class UndoGrouper {
  // The document version each session's last applied edit left behind.
  private leftAt = new Map<string, number>();

  constructor(
      private readonly sessions: SessionTracker,
      private readonly surface: EditorSurface,
  ) {
    sessions.changed.subscribe((transition) => {
      const session = transition?.session;
      if (session && session.state !== 'streaming' && session.state !== 'done') {
        this.leftAt.delete(session.sessionId);  // over: it streams no more
      }
    });
  }

  async handle(
      params: ApplyEditParamsLike,
      next: (params: ApplyEditParamsLike) => Promise<ApplyEditResultLike>,
      ): Promise<ApplyEditResultLike> {
    // Streamed edits carry no label; labelled ones (Reject's restore, jobs) stand alone.
    if (params.label !== undefined) return next(params);
    const edit = asSingleDocumentEdit(params);
    if (!edit) return next(params);
    const session = this.sessions.streamingIn(edit.uri);
    if (!session) return next(params);

    const current = this.surface.documentVersion(edit.uri);
    if (current === undefined) return this.forward(session.sessionId, params, next);
    if (edit.version !== null && edit.version !== undefined && edit.version !== current) {
      return {
        applied: false,
        failureReason: `document is at version ${current}, the edit was made for ${edit.version}`
      };
    }
    const joins = this.leftAt.get(session.sessionId) === current;
    const applied = await this.surface.applyInEditor(edit.uri, edit.edits, !joins);
    if (applied === undefined) return this.forward(session.sessionId, params, next);
    if (!applied) {
      return {applied, failureReason: 'the document changed while the edit was applied'};
    }
    this.sessions.noteWritten(session.sessionId);
    const after = this.surface.documentVersion(edit.uri);
    if (after !== undefined) this.leftAt.set(session.sessionId, after);
    return {applied};
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
