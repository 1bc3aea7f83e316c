// A private code-server: its own user-data, extensions and home directories under the test's
// output directory, bound to 127.0.0.1, no auth, no telemetry, no update checks, workspace
// trust off, and the extension under test installed from its .vsix.
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

import {freePort, runChecked, startProcess, waitFor} from './processes.mjs';
import {codeServerRuntime} from './runtime.mjs';

// User settings that keep the first run quiet and deterministic; the test adds flint's own.
const QUIET_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'editor.codeLens': true,
  'editor.minimap.enabled': false,
  'editor.inlineSuggest.enabled': true,
  'files.autoSave': 'off',
  'window.title': 'flint e2e',
};

// flint's settings of `machine-overridable` scope that the tests set.
export const MACHINE_KEYS = ['flint.server.path', 'flint.server.logFile'];

export class CodeServer {
  constructor(outDir) {
    this.runtime = codeServerRuntime();
    this.outDir = outDir;
    this.userDataDir = join(outDir, 'user-data');
    this.extensionsDir = join(outDir, 'extensions');
    this.home = join(outDir, 'home');
    for (const dir of [join(this.userDataDir, 'User'), this.extensionsDir, this.home])
      mkdirSync(dir, {recursive: true});
    this.configFile = join(outDir, 'code-server.yaml');
    writeFileSync(this.configFile, 'auth: none\n');
    mkdirSync(join(this.userDataDir, 'Machine'), {recursive: true});
  }

  env() {
    return {
      ...process.env,
      HOME: this.home,
      XDG_CONFIG_HOME: join(this.home, '.config'),
      XDG_DATA_HOME: join(this.home, '.local', 'share')
    };
  }

  commonArgs() {
    return [
      '--config', this.configFile, '--user-data-dir', this.userDataDir, '--extensions-dir',
      this.extensionsDir
    ];
  }

  // In code-server every window is remote: settings of `machine-overridable` scope such as
  // flint.server.path are read from the remote's Machine settings (the Remote tab), not from the
  // User ones. Like a person following the README: those go to Machine, the rest to User (so the
  // User tab of the Settings UI changes them).
  writeSettings(settings, machineKeys = MACHINE_KEYS) {
    const machine = Object.fromEntries(
        Object.entries(settings).filter(([key]) => machineKeys.includes(key)));
    writeFileSync(
        join(this.userDataDir, 'User', 'settings.json'),
        JSON.stringify({...QUIET_SETTINGS, ...settings}, null, 2));
    this.writeMachineSettings(machine);
  }

  // While code-server runs, it notices a change of the Machine settings file on disk, not of the
  // User one (that one it reads at start, and writes from its Settings UI): a test changes
  // settings under a running VS Code through this file.
  writeMachineSettings(settings) {
    writeFileSync(
        join(this.userDataDir, 'Machine', 'settings.json'), JSON.stringify(settings, null, 2));
  }

  installExtension(vsix) {
    return runChecked(
        this.runtime.node,
        [this.runtime.entry, ...this.commonArgs(), '--install-extension', vsix, '--force'], {
          env: this.env(),
          timeout: 120000,
        });
  }

  listExtensions() {
    return runChecked(
        this.runtime.node,
        [this.runtime.entry, ...this.commonArgs(), '--list-extensions', '--show-versions'], {
          env: this.env(),
          timeout: 120000,
        });
  }

  async start(extraEnv = {}) {
    this.port = await freePort();
    this.log = join(this.outDir, 'code-server.log');
    this.process = startProcess(
        this.runtime.node,
        [
          this.runtime.entry,
          ...this.commonArgs(),
          '--bind-addr',
          `127.0.0.1:${this.port}`,
          '--auth',
          'none',
          '--disable-telemetry',
          '--disable-update-check',
          '--disable-workspace-trust',
          '--disable-getting-started-override',
          '--ignore-last-opened',
        ],
        {log: this.log, env: {...this.env(), ...extraEnv}},
    );
    const url = `http://127.0.0.1:${this.port}/healthz`;
    await waitFor('code-server to listen', async () => {
      if (this.process.exitInfo)
        throw new Error(
            `code-server exited: ${JSON.stringify(this.process.exitInfo)}; see ${this.log}`);
      const response = await fetch(url).catch(() => undefined);
      return response?.ok;
    }, {timeoutMs: 60000, intervalMs: 200});
    return this;
  }

  folderUrl(folder) {
    return `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(folder)}`;
  }
}
