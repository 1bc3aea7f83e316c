// Which tab of the Settings editor a flint setting is both shown and applied in, and whether a
// value was set somewhere VS Code does not apply it. Plain TypeScript so it is unit-tested.
//
// VS Code's rules (contributes.configuration `scope`): `window` settings apply from User,
// Remote and Workspace settings; `machine-overridable` ones (flint's paths: server.path,
// server.logFile, models.fast.caBundle) are per machine: in a local window from User or
// Workspace settings, in a remote window (SSH, containers, WSL, code-server) only from the
// Remote tab or the Workspace; a User value is then shown greyed out, "This setting cannot be
// applied in this window". The Folder tab of a multi-root workspace applies only `resource`
// settings, and flint has none (flint-lsp reads its settings for the whole window).

export type SettingScope =
    |'application'|'machine'|'machine-overridable'|'window'|'resource'|'language-overridable';

export interface SettingsTab {
  // The tab's name as the Settings editor shows it.
  tab: 'User'|'Remote';
  // The command that opens the Settings editor on that tab; its argument is {query}.
  command: string;
}

export const USER_TAB: SettingsTab = {tab: 'User', command: 'workbench.action.openGlobalSettings'};
export const REMOTE_TAB: SettingsTab = {
  tab: 'Remote',
  command: 'workbench.action.openRemoteSettings'
};

// A setting's declared scope ("window" when the manifest says nothing, as VS Code reads it).
export function scopeOf(properties: Record<string, unknown>, key: string): SettingScope {
  const declared = (properties[key] as {scope?: unknown} | undefined)?.scope;
  return typeof declared === 'string' ? declared as SettingScope : 'window';
}

function perMachine(scope: SettingScope): boolean {
  return scope === 'machine' || scope === 'machine-overridable';
}

export function settingsTabFor(scope: SettingScope, remote: boolean): SettingsTab {
  return remote && perMachine(scope) ? REMOTE_TAB : USER_TAB;
}

// The tab for a Settings editor query: a setting's key, or a group ("flint.models.fast"), whose
// settings all go in one tab unless every one of them is per machine.
export function settingsTabForQuery(
    properties: Record<string, unknown>, query: string, remote: boolean): SettingsTab {
  const keys = Object.keys(properties).filter((k) => k === query || k.startsWith(query + '.'));
  if (keys.length === 0) return USER_TAB;
  return keys.every((k) => settingsTabFor(scopeOf(properties, k), remote) === REMOTE_TAB) ?
      REMOTE_TAB :
      USER_TAB;
}

// What workspace.getConfiguration().inspect() says of one setting (the fields used here).
export interface InspectedSetting {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
  globalLanguageValue?: unknown;
  workspaceLanguageValue?: unknown;
  workspaceFolderLanguageValue?: unknown;
}

// Where a value of the setting is set but not applied, with the tab to use instead; undefined
// when every value set is applied.
export function notApplied(scope: SettingScope, inspected: InspectedSetting, remote: boolean):
    {where: string, use: SettingsTab}|undefined {
  const use = settingsTabFor(scope, remote);
  if (inspected.workspaceFolderValue !== undefined && scope !== 'resource' &&
      scope !== 'language-overridable') {
    return {where: 'the Folder settings', use};
  }
  const languageValue = inspected.globalLanguageValue ?? inspected.workspaceLanguageValue ??
      inspected.workspaceFolderLanguageValue;
  if (languageValue !== undefined && scope !== 'language-overridable') {
    return {where: 'a language-specific block ("[python]": {...})', use};
  }
  return undefined;
}

// The advice for a per-machine setting in a remote window, where a User value does not apply.
export function remoteAdvice(key: string, scope: SettingScope, remote: boolean): string|undefined {
  if (!remote || !perMachine(scope)) return undefined;
  return `In this remote window "${key}" is read from the Remote settings tab (or the ` +
      'Workspace): a value in your User settings does not apply here.';
}
