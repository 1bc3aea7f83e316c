// What an edit session looks like in the editor: its region decorated while it streams and
// while it waits for review, Accept / Reject / Steer as CodeLens on it, the
// `flint.sessionState` context key for keybindings and editor-title buttons, and a message
// when a session fails or is handed to an agent job.
import * as vscode from 'vscode';
import {MessageType} from 'vscode-languageclient';

import type {FlintContext} from './context';
import {showWithSettingsAction} from './notifications';
import type {Range} from './protocol';
import type {SessionRecord, SessionTransition} from './sessions';

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
      if (session.state === 'streaming') {
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
  const lenses = new SessionCodeLenses(flint);

  const redraw = () => {
    for (const editor of vscode.window.visibleTextEditors) {
      const live = flint.sessions.live(editor.document.uri.toString());
      const byState = (state: string) =>
          live.filter((s) => s.state === state).map((s) => decoratedLines(s.region));
      editor.setDecorations(streaming, byState('streaming'));
      editor.setDecorations(review, byState('done'));
    }
    const active = vscode.window.activeTextEditor;
    const current = active ? flint.sessions.live(active.document.uri.toString())[0] : undefined;
    void vscode.commands.executeCommand('setContext', SESSION_STATE_KEY, current?.state ?? '');
    lenses.refresh();
  };

  const announce = (transition: SessionTransition|undefined) => {
    if (!transition || transition.previous === transition.session.state) return;
    const session: SessionRecord = transition.session;
    if (session.state === 'failed') {
      void showWithSettingsAction(
          MessageType.Error,
          `flint: the edit failed${session.reason ? `: ${session.reason}` : ''}`);
    } else if (session.state === 'escalated') {
      void vscode.window.showInformationMessage(
          `flint: this change reaches beyond the local region; it continues as an agent job${
              session.jobId ? ` (${session.jobId})` : ''}.`,
      );
    } else if (session.state === 'cancelled' && session.reason) {
      // "cancelled (cancelled)" said nothing: only a reason that adds something is shown.
      const why = session.reason === 'cancelled' ? '' : ` (${session.reason})`;
      vscode.window.setStatusBarMessage(`flint: edit cancelled${why}`, 5000);
    }
  };

  const subscriptions: vscode.Disposable[] = [
    streaming,
    review,
    lenses,
    vscode.languages.registerCodeLensProvider({pattern: '**'}, lenses),
    vscode.window.onDidChangeVisibleTextEditors(redraw),
    vscode.window.onDidChangeActiveTextEditor(redraw),
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
