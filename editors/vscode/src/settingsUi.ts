// Opens the Settings editor on the tab where a flint setting is shown and applied, and tells the
// person when a value is set somewhere VS Code does not apply it (see settingsTab.ts).
import * as vscode from 'vscode';

import manifest from '../package.json';
import {notApplied, scopeOf, settingsTabForQuery, type SettingsTab} from './settingsTab';

const properties = manifest.contributes.configuration.properties as Record<string, unknown>;

// A remote window (SSH, containers, WSL, code-server): per-machine settings come from the
// Remote tab there.
export function isRemoteWindow(): boolean {
  return vscode.env.remoteName !== undefined;
}

export function settingsTab(query: string): SettingsTab {
  return settingsTabForQuery(properties, query, isRemoteWindow());
}

export async function openSettingsAt(query: string): Promise<void> {
  await vscode.commands.executeCommand(settingsTab(query).command, {query});
}

// The button that opens it, named for the tab ("Open Remote Settings").
export function openSettingsLabel(query: string): string {
  return `Open ${settingsTab(query).tab} Settings`;
}

let reported = new Set<string>();

// Values of flint's settings that are set where they do not apply; each is logged, and the
// first is shown with a button that opens the right tab. Run at start and after each change,
// since a value can be moved by hand at any time.
export function reportSettingsNotApplied(output: vscode.LogOutputChannel): void {
  const remote = isRemoteWindow();
  // Folder settings exist apart from the Workspace's only in a multi-root workspace (in a
  // single folder they are the Workspace settings, and apply).
  const folders = vscode.workspace.workspaceFile === undefined ?
      [] :
      (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri);
  const found: Array<{key: string, text: string}> = [];
  for (const key of Object.keys(properties)) {
    const scope = scopeOf(properties, key);
    // Language-specific values show only when asked for with that language.
    const languages = vscode.workspace.getConfiguration().inspect(key)?.languageIds ?? [];
    const where: Array<vscode.ConfigurationScope|undefined> =
        [undefined, ...folders, ...languages.map((languageId) => ({languageId}))];
    for (const at of where) {
      const inspected = vscode.workspace.getConfiguration(undefined, at).inspect(key);
      const problem = inspected && notApplied(scope, inspected, remote);
      if (!problem) continue;
      found.push({
        key,
        text: `"${key}" is set in ${problem.where}, where VS Code does not apply it: set it in ` +
            `the ${problem.use.tab} settings instead.`,
      });
      break;
    }
  }
  // Said once per finding, not again at every later settings change while it stays.
  const fresh = found.filter((f) => !reported.has(f.text));
  reported = new Set(found.map((f) => f.text));
  for (const f of fresh) output.warn(f.text);
  if (fresh.length === 0) return;
  const first = fresh[0];
  const button = openSettingsLabel(first.key);
  const more = fresh.length > 1 ? ` (and ${fresh.length - 1} more, see the log)` : '';
  void vscode.window.showWarningMessage(`flint: ${first.text}${more}`, button).then((choice) => {
    if (choice === button) void openSettingsAt(first.key);
  });
}
