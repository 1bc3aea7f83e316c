// What an edit session looks like in the editor: its region decorated while it streams and
// while it waits for review, Accept / Reject / Steer as CodeLens on it, the
// `flint.sessionState` context key for keybindings and editor-title buttons ("streaming", "done",
// or "stopped" for a session that stopped early with flint's partial text in the buffer), and a
// message when a session fails, stops or is handed to an agent job.
import * as vscode from 'vscode';
import {MessageType} from 'vscode-languageclient';

import type {FlintContext} from './context';
import {showWithSettingsAction} from './notifications';
import type {Range} from './protocol';
import {isStopped, type SessionRecord, type SessionTransition} from './sessions';
import {sessionStateText, STOPPED_HINT} from './sessionWords';

export const SESSION_STATE_KEY = 'flint.sessionState';

// Whole lines, so that the background reads as a block even when the region ends at column 0
// of the line after it.
function decoratedLines(range: Range): vscode.Range {
  const endLine = range.end.character === 0 && range.end.line > range.start.line ?
      range.end.line - 1 :
      range.end.line;
  return new vscode.Range(range.start.line, 0, endLine, Number.MAX_SAFE_INTEGER);
}

class SessionCodeLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly flint: FlintContext) {}

  refresh(): void { this.changed.fire(); }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const lenses: vscode.CodeLens[] = [];
    for (const session of this.flint.sessions.live(document.uri.toString())) {
      const at = new vscode.Range(session.region.start.line, 0, session.region.start.line, 0);
      const args = [session.sessionId];
      if (isStopped(session)) {
        // Stopped early (typed inside, cancelled, a newer edit): the partial text can be taken
        // back, with the person's own changes re-applied (the server's three-way reject).
        lenses.push(
            new vscode.CodeLens(at, {
              title: `$(debug-pause) flint ${sessionStateText(session)}`,
              tooltip: STOPPED_HINT,
              command: '',
            }),
            new vscode.CodeLens(
                at, {title: '$(discard) Reject', command: 'flint.rejectEdit', arguments: args}),
            new vscode.CodeLens(
                at, {title: '$(check) Keep', command: 'flint.acceptEdit', arguments: args}),
        );
      } else if (session.state === 'streaming') {
        lenses.push(
            new vscode.CodeLens(
                at, {title: '$(sync~spin) flint is editing…', command: 'flint.showJobs'}),
            new vscode.CodeLens(
                at, {title: 'Cancel', command: 'flint.cancelEdit', arguments: args}),
        );
      } else {
        lenses.push(
            new vscode.CodeLens(
                at, {title: '$(check) Accept', command: 'flint.acceptEdit', arguments: args}),
            new vscode.CodeLens(
                at, {title: '$(discard) Reject', command: 'flint.rejectEdit', arguments: args}),
            new vscode.CodeLens(
                at, {title: '$(compass) Steer', command: 'flint.steerEdit', arguments: args}),
        );
      }
    }
    return lenses;
  }

  dispose(): void { this.changed.dispose(); }
}

export function activateSessionUi(flint: FlintContext): vscode.Disposable {
  const streaming = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('flint.streamingRegionBackground'),
    // A bar down the left edge: borders on whole-line decorations are drawn line by line.
    borderWidth: '0 0 0 2px',
    borderStyle: 'solid',
    borderColor: new vscode.ThemeColor('flint.regionBorder'),
    overviewRulerColor: new vscode.ThemeColor('flint.regionBorder'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  const review = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('flint.doneRegionBackground'),
    borderWidth: '0 0 0 2px',
    borderStyle: 'solid',
    borderColor: new vscode.ThemeColor('flint.doneRegionBorder'),
    overviewRulerColor: new vscode.ThemeColor('flint.doneRegionBackground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  // Stopped early: flint's partial text, no longer flint's to finish; marked like a warning.
  const stopped = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('flint.streamingRegionBackground'),
    borderWidth: '0 0 0 2px',
    borderStyle: 'dashed',
    borderColor: new vscode.ThemeColor('flint.stoppedRegionBorder'),
    overviewRulerColor: new vscode.ThemeColor('flint.stoppedRegionBorder'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  const lenses = new SessionCodeLenses(flint);

  const redraw = () => {
    for (const editor of vscode.window.visibleTextEditors) {
      const live = flint.sessions.live(editor.document.uri.toString());
      const byState = (state: string) =>
          live.filter((s) => s.state === state).map((s) => decoratedLines(s.region));
      editor.setDecorations(streaming, byState('streaming'));
      editor.setDecorations(review, byState('done'));
      editor.setDecorations(stopped, live.filter(isStopped).map((s) => decoratedLines(s.region)));
    }
    updateContextKey();
    lenses.refresh();
  };

  // The keys act on the session under the cursor (commands.ts), so the key's state is that one's.
  let contextValue: string|undefined;
  const updateContextKey = () => {
    const active = vscode.window.activeTextEditor;
    const cursor = active?.selection.active;
    const current = active ?
        flint.sessions.current(
            active.document.uri.toString(),
            cursor ? {line: cursor.line, character: cursor.character} : undefined) :
        undefined;
    const inDocument = current && current.uri === active?.document.uri.toString();
    const value = !inDocument ? '' : isStopped(current) ? 'stopped' : current.state;
    if (value === contextValue) return;
    contextValue = value;
    void vscode.commands.executeCommand('setContext', SESSION_STATE_KEY, value);
  };

  const announce = (transition: SessionTransition|undefined) => {
    if (!transition || transition.previous === transition.session.state) return;
    const session: SessionRecord = transition.session;
    const said = `flint: edit ${sessionStateText(session)}`;
    if (session.state === 'failed') {
      void showWithSettingsAction(MessageType.Error, said);
    } else if (session.state === 'escalated') {
      void vscode.window.showInformationMessage(
          `flint: this change reaches beyond the local region; it continues as an agent job${
              session.jobId ? ` (${session.jobId})` : ''}.`,
      );
    } else if (session.state === 'cancelled') {
      // The CodeLens on the region says it too, with Reject and Keep when text was left behind.
      say(session.sessionId, isStopped(session) ? `${said} · Reject takes it back` : said);
    } else if (
        session.state === 'rejected' && transition.previous === 'cancelled' &&
        /newer edit/.test(transition.previousReason ?? '')) {
      // Rolled back by the server right after it stopped ("replaced by a newer edit over the
      // same lines"), not by the person: "Reject takes it back" no longer holds.
      say(session.sessionId, `flint: edit rolled back: ${transition.previousReason}`);
    } else {
      statusMessages.get(session.sessionId)?.dispose();
      statusMessages.delete(session.sessionId);
    }
  };

  // One status-bar message per session at a time: a later state replaces the earlier one.
  const statusMessages = new Map<string, vscode.Disposable>();
  const say = (sessionId: string, text: string) => {
    statusMessages.get(sessionId)?.dispose();
    statusMessages.set(sessionId, vscode.window.setStatusBarMessage(text, 8000));
  };

  const subscriptions: vscode.Disposable[] = [
    streaming,
    review,
    stopped,
    lenses,
    vscode.languages.registerCodeLensProvider({pattern: '**'}, lenses),
    vscode.window.onDidChangeVisibleTextEditors(redraw),
    vscode.window.onDidChangeActiveTextEditor(redraw),
    vscode.window.onDidChangeTextEditorSelection(updateContextKey),
    vscode.workspace.onDidCloseTextDocument(
        (document) => flint.sessions.forgetDocument(document.uri.toString())),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.contentChanges.length === 0) return;
      const uri = event.document.uri.toString();
      if (flint.sessions.live(uri).length === 0) return;
      flint.sessions.applyDocumentChanges(
          uri,
          event.contentChanges.map(
              (c) => ({
                range: {
                  start: {line: c.range.start.line, character: c.range.start.character},
                  end: {line: c.range.end.line, character: c.range.end.character},
                },
                text: c.text,
              })),
      );
    }),
  ];
  const unsubscribe = flint.sessions.changed.subscribe((transition) => {
    announce(transition);
    redraw();
  });
  redraw();
  return new vscode.Disposable(() => {
    unsubscribe();
    for (const s of subscriptions) s.dispose();
  });
}
