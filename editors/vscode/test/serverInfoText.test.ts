import assert from 'node:assert/strict';
import {test} from 'node:test';

import {serverInfoLines, serverInfoSummary} from '../src/serverInfoText';

const bundled = {
  path: '/ext/flint.flint-0.1.0-linux-x64/server/linux-x64/flint-lsp',
  source: 'bundled' as const,
  tried: ['/ext/flint.flint-0.1.0-linux-x64/server/linux-x64/flint-lsp'],
};

test('Show Server Info names the path, the source, the version and the running server', () => {
  const facts = {
    location: bundled,
    version: 'flint-lsp 0.1.0',
    running: {name: 'flint', version: '0.1.0'},
    state: 'running' as const,
  };
  assert.deepEqual(serverInfoLines(facts), [
    `path: ${bundled.path}`,
    'source: bundled (bundled with the extension)',
    'version: flint-lsp 0.1.0',
    'running: flint 0.1.0',
  ]);
  assert.equal(
      serverInfoSummary(facts),
      `flint: flint-lsp 0.1.0, bundled with the extension: ${bundled.path} — running.`);
});

test('a stopped server and an unknown version are said as such', () => {
  const facts = {
    location: {path: '/usr/bin/flint-lsp', source: 'install directory' as const, tried: []},
    state: 'stopped' as const,
    problem: 'failed to start: spawn EACCES',
  };
  const lines = serverInfoLines(facts);
  assert.equal(lines[1], 'source: install directory (found in an install directory)');
  assert.equal(lines[2], 'version: unknown (flint-lsp --version printed none)');
  assert.equal(lines[3], 'running: no (stopped: failed to start: spawn EACCES)');
  assert.match(serverInfoSummary(facts), /version unknown.*not running \(stopped\)/);
});

test('not found: the places looked at', () => {
  const facts = {location: {tried: ['/a/flint-lsp', '/b/flint-lsp']}, state: 'stopped' as const};
  assert.deepEqual(
      serverInfoLines(facts), ['path: flint-lsp not found', 'looked at: /a/flint-lsp, /b/flint-lsp']);
  assert.match(serverInfoSummary(facts), /not found \(looked at 2 places/);
});
