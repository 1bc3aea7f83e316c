// "flint: Check Setup": runs `flint-lsp check` with the settings this window gives the server,
// writes its report to the output channel (one line per model role, the fix under a failure),
// and sums it up in a notification.
import * as vscode from 'vscode';

import type {FlintContext} from './context';
import {settingsQueryFor} from './messages';
import {notFoundMessage} from './serverPath';
import {runSetupCheck} from './serverCli';
import {openSettingsAt} from './settingsUi';
import {parseCheckReport, reportLines, reportSummary, runFailureMessage} from './setupReport';

const SHOW_REPORT = 'Show Report';
const OPEN_SETTINGS = 'Open Settings';

export async function checkSetup(flint: FlintContext): Promise<void> {
  const location = flint.locateServer();
  const server = location.path;
  if (!server) {
    void vscode.window.showErrorMessage(notFoundMessage(flint.serverQuery(), location));
    return;
  }
  const run = await vscode.window.withProgress(
      {location: vscode.ProgressLocation.Window, title: 'flint: checking the setup'},
      () => runSetupCheck(server, flint.serverSettings()));
  const report = parseCheckReport(run.stdout);
  flint.output.info(`Check Setup: ${server} check --json --settings - (exit status ${
      run.status ?? run.error})`);
  if (!report) {
    const message = runFailureMessage(run);
    flint.output.error(message);
    for (const line of run.stderr.split('\n').filter((l) => l.trim() !== '')) {
      flint.output.error(`  ${line}`);
    }
    void showWithReport(vscode.window.showErrorMessage, message, flint);
    return;
  }
  for (const line of reportLines(report)) {
    if (/^\S+\s+(FAILED|error)\b/.test(line)) {
      flint.output.error(`Check Setup: ${line}`);
    } else {
      flint.output.info(`Check Setup: ${line}`);
    }
  }
  const summary = reportSummary(report);
  flint.output.info(summary.message);
  if (summary.ok) {
    void showWithReport(vscode.window.showInformationMessage, summary.message, flint);
    return;
  }
  const query = summary.fix ? settingsQueryFor(summary.fix) : undefined;
  void showWithReport(vscode.window.showErrorMessage, summary.message, flint, query);
}

async function showWithReport(
    show: typeof vscode.window.showInformationMessage, message: string, flint: FlintContext,
    settingsQuery?: string): Promise<void> {
  const actions = settingsQuery ? [SHOW_REPORT, OPEN_SETTINGS] : [SHOW_REPORT];
  const choice = await show(message, ...actions);
  if (choice === SHOW_REPORT) {
    flint.output.show();
  } else if (choice === OPEN_SETTINGS && settingsQuery) {
    await openSettingsAt(settingsQuery);
  }
}
