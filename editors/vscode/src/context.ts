// Owns the flint-lsp process and its LanguageClient, and the models every feature reads
// (sessions, jobs, progress). Features subscribe here rather than to a client, because the
// client is replaced when a setting that shapes the process (path, languages) changes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as readline from 'node:readline';
import type {Readable} from 'node:stream';
import * as vscode from 'vscode';
import {CancellationToken, DidChangeConfigurationNotification, ExecuteCommandRequest, type ExecuteCommandParams, LanguageClient, type LanguageClientOptions, type Middleware, ResponseError, type ServerOptions, ShowMessageNotification, State, WorkDoneProgress} from 'vscode-languageclient/node';

import {FlintCapabilitiesFeature} from './capabilities';
import {JobTracker, ProgressTracker} from './jobs';
import {showServerMessage} from './notifications';
import {type EditSessionParams, type JobInfo, type JobsResult, Methods} from './protocol';
import {parseServerLogLine} from './serverLog';
import {remoteAdvice} from './settingsTab';
import {isRemoteWindow, openSettingsAt, openSettingsLabel} from './settingsUi';
import {notFoundMessage, resolveServerPath, serverFoundMessage, type ServerPathQuery, type ServerPathResult} from './serverPath';
import {collapseSelection} from './selection';
import {SessionTracker} from './sessions';
import {buildServerSettings, SECTION, serverSettingKeys} from './settings';
import type {ServerState} from './statusModel';
import {UndoGrouper} from './undoGrouping';
import {vscodeEditorSurface} from './editorSurface';

export class FlintContext implements vscode.Disposable {
  readonly sessions = new SessionTracker();
  readonly jobs = new JobTracker();
  readonly progress = new ProgressTracker();
  readonly output: vscode.LogOutputChannel;
  private readonly serverStateEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeServerState = this.serverStateEmitter.event;

  private client?: LanguageClient;
  private state: ServerState = 'stopped';
  private problem?: string;
  private readonly undoGrouper: UndoGrouper;
  private readonly serverKeys: string[];
  private workDoneTokens = 0;
  private location?: ServerPathResult;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('flint', {log: true});
    this.undoGrouper = new UndoGrouper(this.sessions, vscodeEditorSurface());
    const properties = (extension.extension.packageJSON as {
                         contributes?: {configuration?: {properties?: Record<string, unknown>}}
                       }).contributes?.configuration?.properties ??
        {};
    this.serverKeys = serverSettingKeys(properties);
  }

  get serverState(): ServerState { return this.state; }

  get serverProblem(): string|undefined { return this.problem; }

  get languageClient(): LanguageClient|undefined { return this.client; }

  // Where the running (or last started) flint-lsp was found, and from which source.
  get serverLocation(): ServerPathResult|undefined { return this.location; }

  serverQuery(): ServerPathQuery {
    return {
      configured: vscode.workspace.getConfiguration(SECTION).get<string>('server.path', ''),
      pathEnv: process.env.PATH,
      workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      extensionPath: this.extension.extensionPath,
      home: os.homedir(),
      platform: process.platform,
      arch: process.arch,
    };
  }

  // Looks flint-lsp up now (serverPath.ts), as a start would.
  locateServer(): ServerPathResult { return resolveServerPath(this.serverQuery(), isExecutable); }

  // The `flint` settings object flint-lsp reads, for one resource's scope.
  serverSettings(scope?: vscode.Uri): Record<string, unknown> {
    const config = vscode.workspace.getConfiguration(SECTION, scope);
    return buildServerSettings(this.serverKeys, (key) => {
      const inspected = config.inspect(key);
      const isSet = inspected !== undefined && [
        inspected.globalValue,
        inspected.workspaceValue,
        inspected.workspaceFolderValue,
        inspected.globalLanguageValue,
        inspected.workspaceLanguageValue,
        inspected.workspaceFolderLanguageValue,
      ].some((v) => v !== undefined);
      return {isSet, value: config.get(key)};
    });
  }

  async start(): Promise<void> {
    if (this.client) return;
    const config = vscode.workspace.getConfiguration(SECTION);
    const query = this.serverQuery();
    const found = resolveServerPath(query, isExecutable);
    this.location = found;
    if (!found.path) {
      this.setState('stopped', 'flint-lsp not found');
      this.output.error(`flint-lsp not found; looked at:\n  ${found.tried.join('\n  ')}`);
      const key = `${SECTION}.server.path`;
      // Unset here but maybe set in User settings, which a remote window does not apply.
      const advice = query.configured.trim() === '' ?
          remoteAdvice(key, 'machine-overridable', isRemoteWindow()) :
          undefined;
      const open = openSettingsLabel(key);
      if (advice) this.output.info(advice);
      void vscode.window
          .showErrorMessage(
              advice ? `${notFoundMessage(query, found)} ${advice}` : notFoundMessage(query, found),
              open,
              'Show Log',
              )
          .then((choice) => {
            if (choice === open) {
              void openSettingsAt(key);
            } else if (choice === 'Show Log') {
              this.output.show();
            }
          });
      return;
    }

    const logLevel = config.get<string>('server.logLevel', 'info');
    const args = ['--stdio', '--log-level', logLevel];
    const logFile = config.get<string>('server.logFile', '').trim();
    if (logFile !== '') args.push('--log-file', logFile);
    if (logFile === '' &&
        ((logLevel === 'debug' && this.output.logLevel > vscode.LogLevel.Debug) ||
         (logLevel === 'trace' && this.output.logLevel > vscode.LogLevel.Trace))) {
      // The channel filters by its own level: without this, flint.server.logLevel seems ignored.
      this.output.info(`flint-lsp logs at ${
          logLevel}; this channel shows fewer: set its level with "Developer: Set Log Level…" → flint (or the Output view's gear)`);
    }
    const serverOptions: ServerOptions = {command: found.path, args, options: {env: process.env}};
    this.output.info(serverFoundMessage(found));
    this.output.info(`starting ${found.path} ${args.join(' ')}`);

    const client = new LanguageClient('flint', 'flint', serverOptions, this.clientOptions(config));
    client.registerFeature(new FlintCapabilitiesFeature());
    client.onNotification(Methods.editSession, (params: EditSessionParams) => {
      this.sessions.update(params);
    });
    client.onNotification(Methods.jobChanged, (params: JobInfo) => {
      this.jobs.update(params);
    });
    // Replaces the client's default so configuration errors offer "Open Settings".
    client.onNotification(ShowMessageNotification.type, (params) => showServerMessage(params));
    client.onDidChangeState(({newState}) => {
      if (newState === State.Running) {
        this.setState('running');
        void this.refreshJobs();
      } else if (newState === State.Starting) {
        this.setState('starting');
      } else {
        // A new process knows none of the old one's sessions and jobs.
        this.sessions.clear();
        this.progress.clear();
        this.jobs.clear();
        this.setState('stopped', 'the server stopped');
      }
    });
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.output.error(`flint-lsp failed to start: ${String(error)}`);
      this.setState(
          'stopped', `failed to start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.dispose(5000);
      } catch (error) {
        this.output.warn(`stopping flint-lsp: ${String(error)}`);
      }
    }
    this.setState('stopped');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  // Pushes the settings after a change, so that they apply without a restart.
  notifyConfigurationChanged(): void {
    if (!this.client || this.state !== 'running') return;
    void this.client.sendNotification(DidChangeConfigurationNotification.type, {
      settings: {[SECTION]: this.serverSettings()},
    });
  }

  // workspace/executeCommand with one argument. With `reportProgress`, a work-done token lets
  // flint report the command's progress to the status bar.
  async execute<R>(command: string, argument: unknown, reportProgress = false): Promise<R> {
    const client = this.runningClient();
    const params: ExecuteCommandParams = {command, arguments: [argument]};
    let subscription: vscode.Disposable|undefined;
    let token: string|undefined;
    if (reportProgress) {
      token = `flint-vscode-${++this.workDoneTokens}`;
      params.workDoneToken = token;
      const t = token;
      subscription =
          client.onProgress(WorkDoneProgress.type, t, (value) => this.progress.apply(t, value));
    }
    try {
      return (await client.sendRequest(ExecuteCommandRequest.type, params)) as R;
    } finally {
      subscription?.dispose();
      if (token !== undefined) this.progress.apply(token, {kind: 'end'});
    }
  }

  // One of flint's own requests (flint/jobPreview...).
  async request<R>(method: string, params: unknown): Promise<R> {
    return (await this.runningClient().sendRequest(method, params)) as R;
  }

  async refreshJobs(): Promise<JobInfo[]> {
    const client = this.client;
    if (!client || this.state !== 'running') return this.jobs.all();
    try {
      const result = await client.sendRequest<JobsResult>(Methods.jobs, {});
      if (result && Array.isArray(result.jobs)) this.jobs.replaceAll(result.jobs);
    } catch (error) {
      this.output.warn(`flint/jobs failed: ${String(error)}`);
    }
    return this.jobs.all();
  }

  dispose(): void {
    void this.stop();
    this.serverStateEmitter.dispose();
    this.output.dispose();
  }

  private runningClient(): LanguageClient {
    if (!this.client || this.state !== 'running') {
      throw new Error(
          this.problem ? `flint-lsp is not running (${this.problem})` :
                         'flint-lsp is not running yet',
      );
    }
    return this.client;
  }

  private setState(state: ServerState, problem?: string): void {
    this.state = state;
    this.problem = state === 'stopped' ? problem : undefined;
    this.serverStateEmitter.fire();
  }

  private clientOptions(config: vscode.WorkspaceConfiguration): LanguageClientOptions {
    const languages = config.get<string[]>('languages', []);
    const documentSelector = languages.flatMap(
        (language) =>
            [{language, scheme: 'file'},
             {language, scheme: 'untitled'},
    ]);
    const middleware: Middleware = {
      workspace: {
        configuration: (params, token, next) => {
          const answers = params.items.map(
              (item) => item.section === SECTION ?
                  this.serverSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined) :
                  undefined,
          );
          if (params.items.every((item) => item.section === SECTION)) return answers;
          return Promise.resolve(next(params, token))
              .then(
                  (defaults) => Array.isArray(defaults) ?
                      defaults.map((value, i) => answers[i] ?? value) :
                      defaults,
              );
        },
        handleApplyEdit: (params, next) => this.undoGrouper.handle(
            params,
            async (p) => {
              const result = await next(p as typeof params, CancellationToken.None);
              if (result instanceof ResponseError) throw result;
              return result;
            }),
      },
      handleWorkDoneProgress: (token, params, next) => {
        this.progress.apply(token, params);
        next(token, params);
      },
      // Ghost text only when the user asked for it; read at each request so a change applies at
      // once.
      provideInlineCompletionItems: (document, position, context, token, next) => {
        if (!vscode.workspace.getConfiguration(SECTION, document)
                 .get<boolean>('completion.enabled', false)) {
          return undefined;
        }
        return next(document, position, context, token);
      },
      // flint's code actions run flint.inlineEdit; a preset without an instruction asks for one.
      executeCommand: async (command, args, next) => {
        const argument = args[0] as {instruction?: unknown} | undefined;
        if (command === 'flint.inlineEdit' && argument && typeof argument === 'object' &&
            !argument.instruction) {
          const instruction = await vscode.window.showInputBox({
            title: 'flint: Edit',
            prompt: 'What should change in this region?',
            ignoreFocusOut: true,
          });
          if (!instruction) return undefined;
          return startedFromSelection(
              argument, next(command, [{...argument, instruction}, ...args.slice(1)]));
        }
        const result = next(command, args);
        return command === 'flint.inlineEdit' ? startedFromSelection(argument, result) : result;
      },
    };
    return {
      documentSelector,
      outputChannel: this.output,
      // flint-lsp logs to stderr with a level on each line: kept, instead of all as errors.
      stdioOptions: {
        stdout: (input, channel) => eachLine(input, (line) => channel.info(line)),
        stderr: (input, channel) => eachLine(input, (line) => {
          const {level, message} = parseServerLogLine(line);
          channel[level](message);
        }),
      },
      initializationOptions: () => this.serverSettings(),
      middleware,
    };
  }
}

function eachLine(input: Readable, handle: (line: string) => void): void {
  readline.createInterface({input, crlfDelay: Infinity, terminal: false, historySize: 0})
      .on('line', handle);
}

// A code action's edit runs on the selection it was offered for: collapse it once the request is
// on its way (see selection.ts).
function startedFromSelection<T>(argument: unknown, started: T): T {
  const uri = (argument as {textDocument?: {uri?: unknown}} | undefined)?.textDocument?.uri;
  if (typeof uri === 'string') collapseSelection(vscode.window.activeTextEditor, uri);
  return started;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
