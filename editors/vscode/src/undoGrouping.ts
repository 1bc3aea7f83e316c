// Streamed edits of one session become one undo step.
//
// vscode-languageclient applies every workspace/applyEdit with workspace.applyEdit, which VS Code
// records as its own undo step: a streamed rewrite would take a hundred Ctrl+Z to undo. While a
// session streams in a document that is open in an editor, its edits are applied through that
// editor instead, with an undo stop before the first one only, so VS Code merges them. The
// group ends by itself: the user's next edit, or flint's own restore on Reject, opens a new one.
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
  // Sessions whose current streaming run already has its first edit in the document.
  private opened = new Set<string>();

  constructor(
      private readonly sessions: SessionTracker,
      private readonly surface: EditorSurface,
  ) {
    sessions.changed.subscribe((transition) => {
      // Every state change closes the group; a session that streams again (Steer) opens a new one.
      if (transition && transition.previous !== transition.session.state) {
        this.opened.delete(transition.session.sessionId);
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
    if (current === undefined) return next(params);
    if (edit.version !== null && edit.version !== undefined && edit.version !== current) {
      return {
        applied: false,
        failureReason: `document is at version ${current}, the edit was made for ${edit.version}`
      };
    }
    const first = !this.opened.has(session.sessionId);
    const applied = await this.surface.applyInEditor(edit.uri, edit.edits, first);
    if (applied === undefined) return next(params);
    if (applied) this.opened.add(session.sessionId);
    return applied ? {applied} :
                     {applied, failureReason: 'the document changed while the edit was applied'};
  }
}
