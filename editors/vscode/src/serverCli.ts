// flint-lsp run as a command rather than as the server: `--version` ("flint: Show Server Info")
// and `check` ("flint: Check Setup"). No `vscode` here: the spawn function is a parameter, so the
// unit tests drive it with a fake child process.
import {spawn as nodeSpawn} from 'node:child_process';

import type {CheckRun} from './setupReport';

export type Spawn = typeof nodeSpawn;

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  spawn?: Spawn;
}

// Runs `file args`, writing `input` to its standard input; resolves (never rejects) once it has
// exited and its output is read, or it could not start, or the timeout stopped it.
export function runServerCommand(
    file: string, args: string[], input: string, options: RunOptions = {}): Promise<CheckRun> {
  const spawn = options.spawn ?? nodeSpawn;
  const timeoutMs = options.timeoutMs ?? 120000;
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let error: string|undefined;
    let settled = false;
    const finish = (status: number|null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({status, stdout, stderr, ...(error !== undefined ? {error} : {})});
    };
    const child =
        spawn(file, args, {env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe']});
    const timer = setTimeout(() => {
      error = `no answer after ${Math.round(timeoutMs / 1000)} s`;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (e) => {
      error = e.message;
      finish(null);
    });
    child.on('close', (code) => finish(code));
    // A binary that exits without reading its input closes the pipe: not an error of ours.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}

// `flint-lsp --version` prints "flint-lsp 0.1.0"; undefined when it printed nothing usable.
export async function serverVersion(file: string, options: RunOptions = {}): Promise<string|undefined> {
  const run = await runServerCommand(file, ['--version'], '', {timeoutMs: 10000, ...options});
  const line = run.stdout.split('\n').map((l) => l.trim()).find((l) => l !== '');
  return run.status === 0 && line ? line : undefined;
}

// `flint-lsp check --json --settings -`, the `flint` settings object (what the extension answers
// workspace/configuration with) on standard input. The environment is the server's, so the API
// keys named by apiKeyEnv and the FLINT_* variables are read as the server reads them.
export function runSetupCheck(
    file: string, settings: Record<string, unknown>, options: RunOptions = {}): Promise<CheckRun> {
  return runServerCommand(
      file, ['check', '--json', '--settings', '-'], JSON.stringify(settings), options);
}
