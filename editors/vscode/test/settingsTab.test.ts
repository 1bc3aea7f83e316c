import assert from 'node:assert/strict';
import {test} from 'node:test';

import manifest from '../package.json';
import {notApplied, REMOTE_TAB, remoteAdvice, scopeOf, settingsTabFor, settingsTabForQuery, USER_TAB} from '../src/settingsTab';

const properties = manifest.contributes.configuration.properties as Record<string, unknown>;

test('every flint setting declares its scope; the paths of this machine are per machine', () => {
  const perMachine = ['flint.server.path', 'flint.server.logFile', 'flint.models.fast.caBundle'];
  for (const [key, schema] of Object.entries(properties)) {
    const declared = (schema as {scope?: string}).scope;
    assert.ok(declared, `${key} has no scope`);
    // machine-overridable, not machine: a workspace may point at its own build of flint-lsp.
    assert.equal(declared, perMachine.includes(key) ? 'machine-overridable' : 'window', key);
  }
});

test('locally every setting is in the User tab', () => {
  for (const key of Object.keys(properties)) {
    assert.equal(settingsTabFor(scopeOf(properties, key), false), USER_TAB, key);
  }
});

test('in a remote window the per-machine paths are in the Remote tab, the rest in User', () => {
  assert.equal(settingsTabFor(scopeOf(properties, 'flint.server.path'), true), REMOTE_TAB);
  assert.equal(settingsTabFor(scopeOf(properties, 'flint.server.logFile'), true), REMOTE_TAB);
  assert.equal(settingsTabFor(scopeOf(properties, 'flint.models.fast.model'), true), USER_TAB);
  assert.equal(REMOTE_TAB.command, 'workbench.action.openRemoteSettings');
  assert.equal(USER_TAB.command, 'workbench.action.openGlobalSettings');
});

test('a query for a group goes where most of its settings are', () => {
  assert.equal(settingsTabForQuery(properties, 'flint.server.path', true), REMOTE_TAB);
  assert.equal(settingsTabForQuery(properties, 'flint.models.fast', true), USER_TAB);
  assert.equal(settingsTabForQuery(properties, 'flint.edit.maxRegionLines', true), USER_TAB);
  assert.equal(settingsTabForQuery(properties, 'flint', true), USER_TAB);
  assert.equal(settingsTabForQuery(properties, 'flint.server.path', false), USER_TAB);
});

test('a value in the Folder settings or a language block is named as not applied', () => {
  assert.deepEqual(
      notApplied('window', {workspaceFolderValue: 3}, false),
      {where: 'the Folder settings', use: USER_TAB});
  assert.deepEqual(
      notApplied('machine-overridable', {workspaceFolderValue: '/x'}, true),
      {where: 'the Folder settings', use: REMOTE_TAB});
  assert.match(notApplied('window', {globalLanguageValue: 1}, false)?.where ?? '', /language/);
  assert.equal(notApplied('window', {globalValue: 1, workspaceValue: 2}, true), undefined);
  assert.equal(notApplied('resource', {workspaceFolderValue: 1}, false), undefined);
});

test('remote advice only for per-machine settings in remote windows', () => {
  assert.match(
      remoteAdvice('flint.server.path', 'machine-overridable', true) ?? '', /Remote settings tab/);
  assert.equal(remoteAdvice('flint.server.path', 'machine-overridable', false), undefined);
  assert.equal(remoteAdvice('flint.models.fast.model', 'window', true), undefined);
});
