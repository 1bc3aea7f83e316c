// The manifest and the code agree: every contributed command is registered, every keybinding
// and menu entry names a contributed command, every default language activates the extension.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';

import manifest from '../package.json';

const commandIds = manifest.contributes.commands.map((c) => c.command);
const sources =
    ['commands.ts', 'jobResult.ts'].map((f) => readFileSync(join(EXTENSION_ROOT, 'src', f), 'utf8')).join('\n');

test('every contributed command is registered, under an id of its own', () => {
  for (const id of commandIds)
    assert.match(sources, new RegExp(`registerCommand\\(\\s*'${id.replace('.', '\\.')}'`), id);
  // flint-lsp's own command names are registered by vscode-languageclient; reusing one would clash.
  for (const serverCommand
           of ['flint.inlineEdit', 'flint.steer', 'flint.accept', 'flint.reject', 'flint.cancel',
               'flint.agentTask', 'flint.cancelJob', 'flint.applyJob', 'flint.discardJob']) {
    assert.ok(!commandIds.includes(serverCommand), serverCommand);
  }
});

test('every command the issue asks for has a default keybinding', () => {
  const bound = new Set(manifest.contributes.keybindings.map((k) => k.command));
  for (const id
           of ['flint.editAtCursor', 'flint.steerEdit', 'flint.acceptEdit', 'flint.rejectEdit',
               'flint.cancelEdit', 'flint.runAgentTask', 'flint.showJobs']) {
    assert.ok(bound.has(id), id);
  }
});

test('keybindings and menus name contributed commands', () => {
  const referenced = [
    ...manifest.contributes.keybindings.map((k) => k.command),
    ...Object.values(manifest.contributes.menus).flat().map((m) => m.command),
  ];
  for (const id of referenced) assert.ok(commandIds.includes(id), id);
});

test('the default languages are the activation events', () => {
  const languages =
      manifest.contributes.configuration.properties['flint.languages'].default as string[];
  assert.deepEqual(manifest.activationEvents, languages.map((l) => `onLanguage:${l}`));
});

test('the engine matches the vscode-languageclient and @types/vscode it is built with', () => {
  assert.equal(manifest.engines.vscode, '^1.91.0');
  assert.equal(manifest.devDependencies['@types/vscode'], '1.91.0');
});

test('Escape cancels a streaming edit only when no text is selected (clearing it comes first)', () => {
  const escape = manifest.contributes.keybindings.find((k) => k.command === 'flint.cancelEdit');
  assert.equal(escape?.key, 'escape');
  assert.match(escape?.when ?? '', /flint\.sessionState == streaming/);
  assert.match(escape?.when ?? '', /!editorHasSelection\b/);
  assert.match(escape?.when ?? '', /!editorHasMultipleSelections\b/);
});

test('an edit stopped early offers Reject and Keep (Accept), not Steer', () => {
  const when = (command: string) =>
      manifest.contributes.keybindings.find((k) => k.command === command)?.when ?? '';
  assert.match(when('flint.acceptEdit'), /stopped/);
  assert.doesNotMatch(when('flint.steerEdit'), /stopped/);
  assert.match(when('flint.rejectEdit'), /flint\.sessionState$/);
});
