// flint-lsp run as a command, with a fake child process in place of spawn.
import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import {PassThrough} from 'node:stream';
import {test} from 'node:test';

import {runSetupCheck, serverVersion, type Spawn} from '../src/serverCli';

interface Call {
  file: string;
  args: string[];
  stdin: string;
  killed?: string;
}

// A child that answers once its standard input is closed, as `check --settings -` does.
function fakeSpawn(
    answer: (call: Call) => {stdout?: string, stderr?: string, code?: number, error?: Error, hang?: boolean},
    calls: Call[]): Spawn {
  return ((file: string, args: string[]) => {
    const child = new EventEmitter() as EventEmitter & Record<string, unknown>;
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const call: Call = {file, args, stdin: ''};
    calls.push(call);
    Object.assign(child, {stdin, stdout, stderr});
    child.kill = (signal: string) => {
      call.killed = signal;
      setImmediate(() => child.emit('close', null));
      return true;
    };
    stdin.setEncoding('utf8').on('data', (chunk: string) => (call.stdin += chunk));
    stdin.on('end', () => {
      const reply = answer(call);
      if (reply.hang) return;
      if (reply.error) {
        child.emit('error', reply.error);
        return;
      }
      stdout.end(reply.stdout ?? '');
      stderr.end(reply.stderr ?? '');
      setImmediate(() => child.emit('close', reply.code ?? 0));
    });
    return child;
  }) as unknown as Spawn;
}

test('Check Setup runs `check --json --settings -` with the settings object on stdin', async () => {
  const calls: Call[] = [];
  const report = JSON.stringify({ok: true, roles: []});
  const settings = {models: {fast: {baseUrl: 'http://127.0.0.1:8080/v1', model: 'm'}}};
  const run = await runSetupCheck(
      '/x/flint-lsp', settings, {spawn: fakeSpawn(() => ({stdout: report + '\n', code: 0}), calls)});
  assert.deepEqual(calls.map((c) => [c.file, c.args]), [['/x/flint-lsp', ['check', '--json', '--settings', '-']]]);
  assert.deepEqual(JSON.parse(calls[0].stdin), settings);
  assert.deepEqual(run, {status: 0, stdout: report + '\n', stderr: ''});
});

test('a failing check keeps its exit status, output and errors', async () => {
  const run = await runSetupCheck(
      '/x/flint-lsp', {},
      {spawn: fakeSpawn(() => ({stdout: '{"ok":false}', stderr: 'warn\n', code: 1}), [])});
  assert.deepEqual(run, {status: 1, stdout: '{"ok":false}', stderr: 'warn\n'});
});

test('a binary that cannot start, or does not answer in time, ends the run with the reason', async () => {
  const missing = await runSetupCheck(
      '/x/flint-lsp', {}, {spawn: fakeSpawn(() => ({error: new Error('spawn /x/flint-lsp ENOENT')}), [])});
  assert.equal(missing.status, null);
  assert.equal(missing.error, 'spawn /x/flint-lsp ENOENT');
  const calls: Call[] = [];
  const slow = await runSetupCheck(
      '/x/flint-lsp', {}, {timeoutMs: 20, spawn: fakeSpawn(() => ({hang: true}), calls)});
  assert.equal(calls[0].killed, 'SIGTERM');
  assert.equal(slow.error, 'no answer after 0 s');
});

test('--version is its first line, or undefined when it failed', async () => {
  const calls: Call[] = [];
  assert.equal(
      await serverVersion('/x/flint-lsp', {spawn: fakeSpawn(() => ({stdout: 'flint-lsp 0.1.0\n'}), calls)}),
      'flint-lsp 0.1.0');
  assert.deepEqual(calls[0].args, ['--version']);
  assert.equal(
      await serverVersion('/x/flint-lsp', {spawn: fakeSpawn(() => ({stderr: 'no', code: 2}), [])}),
      undefined);
});
