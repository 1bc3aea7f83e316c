// Entry point: wires the features to one FlintContext and starts flint-lsp. Features live in
// their own files; nothing here does work of its own.
import * as vscode from 'vscode';

import {registerCommands} from './commands';
import {FlintContext} from './context';
import {activateJobResults} from './jobResult';
import {activateSessionUi} from './sessionUi';
import {RESTART_SETTINGS, SECTION} from './settings';
import {reportSettingsNotApplied} from './settingsUi';
import {activateStatusBar} from './statusBar';

let flint: FlintContext|undefined;

export async function activate(context: vscode.ExtensionContext): Promise<FlintContext> {
  flint = new FlintContext(context);
  const current = flint;
  context.subscriptions.push(
      current,
      registerCommands(current),
      activateStatusBar(current),
      activateSessionUi(current),
      activateJobResults(current),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!event.affectsConfiguration(SECTION)) return;
        reportSettingsNotApplied(current.output);
        // Process-shaping settings need a new flint-lsp; every other one applies at once.
        if (RESTART_SETTINGS.some((key) => event.affectsConfiguration(`${SECTION}.${key}`))) {
          void current.restart();
        } else {
          current.notifyConfigurationChanged();
        }
      }),
  );
  reportSettingsNotApplied(current.output);
  await current.start();
  return current;
}

export async function deactivate(): Promise<void> {
  await flint?.stop();
  flint = undefined;
}
