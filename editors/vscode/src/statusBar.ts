// The status-bar item: the active session and running jobs, a spinner while work runs; a click
// opens "flint: Show Jobs".
import * as vscode from 'vscode';

import type {FlintContext} from './context';
import {isStopped} from './sessions';
import {sessionStateText} from './sessionWords';
import {statusView} from './statusModel';

export function activateStatusBar(flint: FlintContext): vscode.Disposable {
  const item =
      vscode.window.createStatusBarItem('flint.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'flint';
  item.command = 'flint.showJobs';

  const update = () => {
    const live = flint.sessions.live();
    const stopped = live.filter(isStopped);  // most recent first
    const view = statusView({
      server: flint.serverState,
      serverProblem: flint.serverProblem,
      streamingSessions: live.filter((s) => s.state === 'streaming').length,
      reviewSessions: live.filter((s) => s.state === 'done').length,
      stoppedSessions: stopped.length,
      stoppedText: stopped.length > 0 ? sessionStateText(stopped[0]) : undefined,
      jobs: flint.jobs.all(),
      progress: flint.progress.active(),
    });
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.accessibilityInformation = {label: view.accessibleLabel, role: 'button'};
    item.backgroundColor = flint.serverState === 'stopped' ?
        new vscode.ThemeColor('statusBarItem.errorBackground') :
        undefined;
    item.show();
  };

  const unsubscribers = [
    flint.sessions.changed.subscribe(update),
    flint.jobs.changed.subscribe(update),
    flint.progress.changed.subscribe(update),
  ];
  const serverState = flint.onDidChangeServerState(update);
  update();
  return new vscode.Disposable(() => {
    for (const unsubscribe of unsubscribers) unsubscribe();
    serverState.dispose();
    item.dispose();
  });
}
