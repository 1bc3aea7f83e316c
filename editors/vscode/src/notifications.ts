// flint's window/showMessage as VS Code notifications; the ones caused by configuration offer
// "Open Settings" at the settings they are about, on the tab where they apply.
import * as vscode from 'vscode';
import {MessageType, type ShowMessageParams} from 'vscode-languageclient';

import {settingsQueryFor} from './messages';
import {openSettingsAt} from './settingsUi';

// In every notification, whichever tab it opens (settingsUi.ts picks the one where the setting
// applies).
const OPEN_SETTINGS = 'Open Settings';

export async function showWithSettingsAction(
    type: MessageType,
    message: string,
    ): Promise<void> {
  const query = type === MessageType.Error || type === MessageType.Warning ?
      settingsQueryFor(message) :
      undefined;
  const actions = query ? [OPEN_SETTINGS] : [];
  const show = type === MessageType.Error ? vscode.window.showErrorMessage :
      type === MessageType.Warning        ? vscode.window.showWarningMessage :
                                            vscode.window.showInformationMessage;
  const choice = await show(message, ...actions);
  if (choice === OPEN_SETTINGS && query) {
    await openSettingsAt(query);
  }
}

export function showServerMessage(params: ShowMessageParams): void {
  if (params.type === MessageType.Log || params.type === MessageType.Debug) return;
  void showWithSettingsAction(params.type, params.message);
}
