import assert from 'node:assert/strict';
import {test} from 'node:test';

import {parseServerLogLine} from '../src/serverLog';

test('each spdlog level keeps its own level, without the server\'s timestamp', () => {
  const cases: Array<[string, string]> = [
    ['trace', 'trace'],
    ['debug', 'debug'],
    ['info', 'info'],
    ['warning', 'warn'],
    ['error', 'error'],
    ['critical', 'error'],
  ];
  for (const [spdlog, level] of cases) {
    assert.deepEqual(
        parseServerLogLine(`[2026-12-06 14:03:47.123] [${spdlog}] edit 3: something happened`),
        {level, message: 'edit 3: something happened'}, spdlog);
  }
});

test('a line without a level is information, kept whole', () => {
  for (const line of ['flint-lsp 0.1.0', '', '  at frame 3', '[not a date] [error] x']) {
    assert.deepEqual(parseServerLogLine(line), {level: 'info', message: line});
  }
});

test('an unknown level name is not guessed at', () => {
  const line = '[2026-12-06 14:03:47.123] [loud] message';
  assert.deepEqual(parseServerLogLine(line), {level: 'info', message: line});
});

test('brackets inside the message stay', () => {
  assert.deepEqual(
      parseServerLogLine('[2026-12-06 14:03:47.123] [info] [edit 4] region [3, 9)'),
      {level: 'info', message: '[edit 4] region [3, 9)'});
});

test('a logger name before the level is skipped', () => {
  assert.deepEqual(
      parseServerLogLine('[2026-12-06 14:10:06.269] [flint] [debug] settings now: fast=x'),
      {level: 'debug', message: 'settings now: fast=x'});
  assert.deepEqual(
      parseServerLogLine('[2026-12-06 14:10:06.269] [flint] [warning] [edit 2] slow'),
      {level: 'warn', message: '[edit 2] slow'});
});
