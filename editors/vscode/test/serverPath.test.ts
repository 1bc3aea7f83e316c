import assert from 'node:assert/strict';
import {test} from 'node:test';

import {
  bundledServerPath,
  notFoundMessage,
  resolveServerPath,
  serverFoundMessage,
  serverPathCandidates,
  type ServerPathQuery,
} from '../src/serverPath';

const base: ServerPathQuery = {
  configured: '',
  pathEnv: '/opt/tools/bin:/usr/bin',
  workspaceFolders: ['/work/proj'],
  extensionPath: '/src/flint/editors/vscode',
  home: '/home/me',
  platform: 'linux',
  arch: 'x64',
};

test(
    'without a setting: bundled, PATH, install directories, then the build folders of the ' +
        'workspace and of the checkout the extension is in',
    () => {
      assert.deepEqual(serverPathCandidates(base), [
        {path: '/src/flint/editors/vscode/server/linux-x64/flint-lsp', source: 'bundled'},
        {path: '/opt/tools/bin/flint-lsp', source: 'PATH'},
        {path: '/usr/bin/flint-lsp', source: 'PATH'},
        {path: '/home/me/.local/bin/flint-lsp', source: 'install directory'},
        {path: '/usr/local/bin/flint-lsp', source: 'install directory'},
        // /usr/bin was on PATH: not looked at twice.
        {path: '/work/proj/build/bin/flint-lsp', source: 'build folder'},
        {path: '/work/proj/build/release/bin/flint-lsp', source: 'build folder'},
        {path: '/work/proj/build/package/bin/flint-lsp', source: 'build folder'},
        {path: '/src/flint/build/bin/flint-lsp', source: 'build folder'},
        {path: '/src/flint/build/release/bin/flint-lsp', source: 'build folder'},
        {path: '/src/flint/build/package/bin/flint-lsp', source: 'build folder'},
      ]);
    });

test('the bundled binary is named after the platform and architecture (vsce --target)', () => {
  assert.equal(
      bundledServerPath('/ext/flint.flint-0.1.0-linux-arm64', 'linux', 'arm64'),
      '/ext/flint.flint-0.1.0-linux-arm64/server/linux-arm64/flint-lsp');
  assert.equal(
      serverPathCandidates({...base, platform: 'darwin', arch: 'arm64'})[0].path,
      '/src/flint/editors/vscode/server/darwin-arm64/flint-lsp');
});

test('a configured path is the only candidate, with ~ and ${workspaceFolder} expanded', () => {
  const only = (configured: string) =>
      serverPathCandidates({...base, configured}).map((c) => `${c.source}:${c.path}`);
  assert.deepEqual(only('~/bin/flint-lsp'), ['setting:/home/me/bin/flint-lsp']);
  assert.deepEqual(only('${workspaceFolder}/out/flint-lsp'), ['setting:/work/proj/out/flint-lsp']);
  assert.deepEqual(only('tools/flint-lsp'), ['setting:/work/proj/tools/flint-lsp']);
  assert.deepEqual(only(' /opt/flint-lsp '), ['setting:/opt/flint-lsp']);
});

test('the first executable candidate wins, with its source, and the ones looked at are reported', () => {
  const found = resolveServerPath(base, (file) => file === '/usr/bin/flint-lsp');
  assert.equal(found.path, '/usr/bin/flint-lsp');
  assert.equal(found.source, 'PATH');
  assert.deepEqual(found.tried, [
    '/src/flint/editors/vscode/server/linux-x64/flint-lsp', '/opt/tools/bin/flint-lsp',
    '/usr/bin/flint-lsp'
  ]);
});

test('the bundled binary wins over PATH; each source is recorded', () => {
  const everywhere = () => true;
  assert.equal(resolveServerPath(base, everywhere).source, 'bundled');
  const notBundled = (f: string) => !f.includes('/server/');
  assert.equal(resolveServerPath(base, notBundled).source, 'PATH');
  const onlyLocal = (f: string) => f === '/home/me/.local/bin/flint-lsp';
  assert.equal(resolveServerPath({...base, pathEnv: ''}, onlyLocal).source, 'install directory');
  const onlyBuild = (f: string) => f === '/src/flint/build/package/bin/flint-lsp';
  assert.equal(resolveServerPath(base, onlyBuild).source, 'build folder');
  assert.equal(
      resolveServerPath({...base, configured: '/opt/flint-lsp'}, everywhere).source, 'setting');
});

test('the output channel names the path and where it came from', () => {
  assert.equal(
      serverFoundMessage(resolveServerPath(base, () => true)),
      'using flint-lsp /src/flint/editors/vscode/server/linux-x64/flint-lsp (bundled with the extension)');
  assert.equal(
      serverFoundMessage(resolveServerPath(base, (f) => f === '/usr/bin/flint-lsp')),
      'using flint-lsp /usr/bin/flint-lsp (found on PATH)');
});

test('nothing found lists every place', () => {
  const found = resolveServerPath({...base, pathEnv: undefined}, () => false);
  assert.equal(found.path, undefined);
  assert.equal(found.source, undefined);
  assert.equal(found.tried.length, 10);
  assert.equal(found.tried[0], '/src/flint/editors/vscode/server/linux-x64/flint-lsp');
  assert.equal(found.tried[1], '/home/me/.local/bin/flint-lsp');
});

test('a configured path that is missing does not fall back to the bundled binary or PATH', () => {
  const found = resolveServerPath({...base, configured: '/nope/flint-lsp'}, (f) => f !== '/nope/flint-lsp');
  assert.equal(found.path, undefined);
  assert.deepEqual(found.tried, ['/nope/flint-lsp']);
});

test('the not-found message names the path tried', () => {
  const configured = {...base, configured: '~/bin/flint-lsp'};
  const set = notFoundMessage(configured, resolveServerPath(configured, () => false));
  assert.match(set, /"flint\.server\.path" is \/home\/me\/bin\/flint-lsp, which is not an executable/);
  const searched = notFoundMessage(base, resolveServerPath(base, () => false));
  assert.match(searched, /looked at \/src\/flint\/editors\/vscode\/server\/linux-x64\/flint-lsp, \/opt\/tools\/bin\/flint-lsp, \/usr\/bin\/flint-lsp /);
  assert.match(searched, /and 8 more \(see the log\)/);
  assert.match(searched, /\.vsix for your platform/);
});
