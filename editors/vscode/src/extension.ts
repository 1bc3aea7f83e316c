// Entry point: wires the features to one FlintContext and starts flint-lsp. Features live in
// their own files; nothing here does work of its own.
import * as vscode from 'vscode';

import {registerCommands} from './commands';
import {FlintContext} from './context';
import {activateSessionUi} from './sessionUi';
import {RESTART_SETTINGS, SECTION} from './settings';
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
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!event.affectsConfiguration(SECTION)) return;
        // Process-shaping settings need a new flint-lsp; every other one applies at once.
        if (RESTART_SETTINGS.some((key) => event.affectsConfiguration(`${SECTION}.${key}`))) {
          void current.restart();
        } else {
          current.notifyConfigurationChanged();
        }
      }),
  );
  await current.start();
  return current;
}

export async function deactivate(): Promise<void> {
  await flint?.stop();
  flint = undefined;
}
