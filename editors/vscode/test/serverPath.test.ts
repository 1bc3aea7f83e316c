import assert from 'node:assert/strict';
import {test} from 'node:test';

import {
  notFoundMessage,
  resolveServerPath,
  serverPathCandidates,
  type ServerPathQuery,
} from '../src/serverPath';

const base: ServerPathQuery = {
  configured: '',
  pathEnv: '/usr/local/bin:/usr/bin',
  workspaceFolders: ['/work/proj'],
  extensionPath: '/src/flint/editors/vscode',
  home: '/home/me',
};

test(
    'without a setting: PATH, then the workspace build, then the checkout the extension is in',
    () => {
      assert.deepEqual(serverPathCandidates(base), [
        '/usr/local/bin/flint-lsp',
        '/usr/bin/flint-lsp',
        '/work/proj/build/bin/flint-lsp',
        '/src/flint/build/bin/flint-lsp',
      ]);
    });

test('a configured path is the only candidate, with ~ and ${workspaceFolder} expanded', () => {
  assert.deepEqual(
      serverPathCandidates({...base, configured: '~/bin/flint-lsp'}), ['/home/me/bin/flint-lsp']);
  assert.deepEqual(
      serverPathCandidates({...base, configured: '${workspaceFolder}/out/flint-lsp'}), [
        '/work/proj/out/flint-lsp',
      ]);
  assert.deepEqual(
      serverPathCandidates({...base, configured: 'tools/flint-lsp'}),
      ['/work/proj/tools/flint-lsp']);
  assert.deepEqual(
      serverPathCandidates({...base, configured: ' /opt/flint-lsp '}), ['/opt/flint-lsp']);
});

test('the first executable candidate wins and the ones looked at are reported', () => {
  const found = resolveServerPath(base, (file) => file === '/work/proj/build/bin/flint-lsp');
  assert.equal(found.path, '/work/proj/build/bin/flint-lsp');
  assert.deepEqual(
      found.tried,
      ['/usr/local/bin/flint-lsp', '/usr/bin/flint-lsp', '/work/proj/build/bin/flint-lsp']);
});

test('nothing found lists every place', () => {
  const found = resolveServerPath({...base, pathEnv: undefined}, () => false);
  assert.equal(found.path, undefined);
  assert.deepEqual(
      found.tried, ['/work/proj/build/bin/flint-lsp', '/src/flint/build/bin/flint-lsp']);
});

test('a configured path that is missing does not fall back to PATH', () => {
  const found = resolveServerPath(
      {...base, configured: '/nope/flint-lsp'}, (f) => f === '/usr/bin/flint-lsp');
  assert.equal(found.path, undefined);
  assert.deepEqual(found.tried, ['/nope/flint-lsp']);
});

test('the not-found message names the path tried', () => {
  const configured = {...base, configured: '~/bin/flint-lsp'};
  const set = notFoundMessage(configured, resolveServerPath(configured, () => false));
  assert.match(set, /"flint\.server\.path" is \/home\/me\/bin\/flint-lsp, which is not an executable/);
  const searched = notFoundMessage(base, resolveServerPath(base, () => false));
  assert.match(searched, /looked at \/usr\/local\/bin\/flint-lsp, \/usr\/bin\/flint-lsp, /);
  assert.match(searched, /and 1 more \(see the log\)/);
});
