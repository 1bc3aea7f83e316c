// "flint: Show Server Info": the flint-lsp in use, where it was found and its version, in the
// output channel and a notification whose "Copy" puts the lines on the clipboard.
import * as vscode from 'vscode';

import type {FlintContext} from './context';
import {serverVersion} from './serverCli';
import {type ServerInfoFacts, serverInfoLines, serverInfoSummary} from './serverInfoText';

export async function showServerInfo(flint: FlintContext): Promise<void> {
  const location = flint.serverLocation ?? flint.locateServer();
  const serverInfo = flint.serverState === 'running' ?
      flint.languageClient?.initializeResult?.serverInfo :
      undefined;
  const facts: ServerInfoFacts = {
    location,
    version: location.path ? await serverVersion(location.path) : undefined,
    running: serverInfo,
    state: flint.serverState,
    problem: flint.serverProblem,
  };
  const lines = serverInfoLines(facts);
  for (const line of lines) flint.output.info(`server info: ${line}`);
  const choice = await vscode.window.showInformationMessage(
      serverInfoSummary(facts), 'Copy', 'Show Output');
  if (choice === 'Copy') {
    await vscode.env.clipboard.writeText(lines.join('\n') + '\n');
  } else if (choice === 'Show Output') {
    flint.output.show();
  }
}
