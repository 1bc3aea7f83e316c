// Child processes of the test: started with their output in a log file, stopped at the end
// whatever happens, and waited for by what they write (a port file, a log line).
import {spawn, spawnSync} from 'node:child_process';
import {closeSync, existsSync, openSync, readFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {setTimeout as sleep} from 'node:timers/promises';

const started = [];

export function startProcess(command, args, {log, env, cwd} = {}) {
  const fd = openSync(log, 'a');
  const child = spawn(
      command, args, {stdio: ['ignore', fd, fd], env: env ?? process.env, cwd, detached: true});
  closeSync(fd);
  child.exitInfo = null;
  child.on('exit', (code, signal) => {
    child.exitInfo = {code, signal};
  });
  // A missing binary is an 'error' event: it ends the wait for the process, not the test run.
  child.on('error', (error) => {
    child.exitInfo = {error: error.message};
  });
  started.push(child);
  return child;
}

// Stops every started process and its children (code-server runs an extension host, which runs
// flint-lsp): each was started as a process-group leader.
export async function stopAll() {
  for (const child of started.reverse()) {
    if (child.exitInfo) continue;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 5000;
  while (started.some((c) => !c.exitInfo) && Date.now() < deadline) await sleep(100);
  for (const child of started) {
    if (child.exitInfo) continue;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export async function waitFor(what, predicate, {timeoutMs = 30000, intervalMs = 100} = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await predicate();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${
          last instanceof Error ? `: ${last.message}` : ''}`);
    }
    await sleep(intervalMs);
  }
}

export async function waitForPortFile(path, child, timeoutMs = 20000) {
  return waitFor(`${path}`, () => {
    if (child.exitInfo) throw new Error(`process exited early (${JSON.stringify(child.exitInfo)})`);
    if (!existsSync(path)) return undefined;
    const port = Number(readFileSync(path, 'utf8').trim());
    return port > 0 ? port : undefined;
  }, {timeoutMs});
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function runChecked(command, args, options = {}) {
  const run = spawnSync(command, args, {encoding: 'utf8', ...options});
  if (run.status !== 0) {
    throw new Error(
        `${command} ${args.join(' ')} failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  return run.stdout;
}
