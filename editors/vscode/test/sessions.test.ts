import assert from 'node:assert/strict';
import {test} from 'node:test';

import type {EditSessionParams, Range, SessionState} from '../src/protocol';
import {isStopped, SessionTracker} from '../src/sessions';

const region: Range = {
  start: {line: 4, character: 0},
  end: {line: 8, character: 0}
};
const A = 'file:///a.py';
const B = 'file:///b.py';

function params(
    sessionId: string, uri: string, state: SessionState, extra: Partial<EditSessionParams> = {}) {
  return {sessionId, uri, state, region, ...extra};
}

test('a session is live while it streams and while it waits for review', () => {
  const sessions = new SessionTracker();
  sessions.update(params('s1', A, 'streaming'));
  assert.equal(sessions.streamingIn(A)?.sessionId, 's1');
  sessions.update(params('s1', A, 'done'));
  assert.equal(sessions.streamingIn(A), undefined);
  assert.deepEqual(sessions.live(A).map((s) => s.state), ['done']);
  sessions.update(params('s1', A, 'accepted'));
  assert.deepEqual(sessions.live(A), []);
  assert.equal(sessions.get('s1')?.state, 'accepted');
});

test('transitions report the previous state', () => {
  const sessions = new SessionTracker();
  const seen: Array<[string | undefined, string]> = [];
  sessions.changed.subscribe((t) => t && seen.push([t.previous, t.session.state]));
  sessions.update(params('s1', A, 'streaming'));
  sessions.update(params('s1', A, 'failed', {reason: 'endpoint down'}));
  assert.deepEqual(seen, [
    [undefined, 'streaming'],
    ['streaming', 'failed'],
  ]);
  assert.equal(sessions.get('s1')?.reason, 'endpoint down');
});

test('commands apply to the most recent live session of the document, else of any document', () => {
  const sessions = new SessionTracker();
  sessions.update(params('s1', A, 'done'));
  sessions.update(params('s2', B, 'streaming'));
  assert.equal(sessions.current(A)?.sessionId, 's1');
  assert.equal(sessions.current(B)?.sessionId, 's2');
  assert.equal(sessions.current('file:///other')?.sessionId, 's2');
  assert.equal(sessions.current()?.sessionId, 's2');
  sessions.update(params('s1', A, 'streaming'));  // steered: most recent again
  assert.equal(sessions.current()?.sessionId, 's1');
});

test('document changes move live regions of that document only', () => {
  const sessions = new SessionTracker();
  sessions.update(params('s1', A, 'streaming'));
  sessions.update(params('s2', B, 'streaming'));
  let fired = 0;
  sessions.changed.subscribe(() => fired++);
  const moved = sessions.applyDocumentChanges(A, [
    {range: {start: {line: 0, character: 0}, end: {line: 0, character: 0}}, text: 'import os\n'},
  ]);
  assert.equal(moved, true);
  assert.equal(fired, 1);
  assert.deepEqual(
      sessions.get('s1')?.region, {start: {line: 5, character: 0}, end: {line: 9, character: 0}});
  assert.deepEqual(sessions.get('s2')?.region, region);
  assert.equal(
      sessions.applyDocumentChanges(
          A,
          [
            {range: {start: {line: 50, character: 0}, end: {line: 50, character: 0}}, text: 'x'},
          ]),
      false);
});

test('finished sessions are forgotten beyond a bound, live ones never', () => {
  const sessions = new SessionTracker();
  sessions.update(params('live', A, 'done'));
  for (let i = 0; i < 100; i++) sessions.update(params(`old${i}`, A, 'accepted'));
  assert.equal(sessions.get('old0'), undefined);
  assert.equal(sessions.get('old99')?.state, 'accepted');
  assert.equal(sessions.get('live')?.state, 'done');
});

test('clear forgets everything (the server process went away)', () => {
  const sessions = new SessionTracker();
  sessions.update(params('s1', A, 'streaming'));
  sessions.clear();
  assert.deepEqual(sessions.live(), []);
});

test('a command without an id acts on the session under the cursor', () => {
  const sessions = new SessionTracker();
  const upper: Range = {start: {line: 2, character: 0}, end: {line: 5, character: 0}};
  const lower: Range = {start: {line: 10, character: 0}, end: {line: 14, character: 0}};
  sessions.update(params('s1', A, 'done', {region: upper}));
  sessions.update(params('s2', A, 'done', {region: lower}));
  assert.equal(sessions.current(A, {line: 3, character: 4})?.sessionId, 's1');
  assert.equal(sessions.current(A, {line: 12, character: 0})?.sessionId, 's2');
  // Outside both: the most recent.
  assert.equal(sessions.current(A, {line: 8, character: 0})?.sessionId, 's2');
  assert.equal(sessions.current(A)?.sessionId, 's2');
});

test('a session stopped with flint’s text in the buffer stays open for Reject and Keep', () => {
  const sessions = new SessionTracker();
  sessions.update(params('s1', A, 'streaming'));
  sessions.noteWritten('s1');
  sessions.update(params('s1', A, 'cancelled', {reason: 'the user edited the region'}));
  const stopped = sessions.live(A);
  assert.deepEqual(stopped.map((s) => s.sessionId), ['s1']);
  assert.ok(isStopped(stopped[0]));
  assert.equal(sessions.current(A, {line: 5, character: 0})?.sessionId, 's1');
  sessions.update(params('s1', A, 'rejected'));
  assert.deepEqual(sessions.live(A), []);
});

test('a session cancelled before anything was written is over', () => {
  const sessions = new SessionTracker();
  sessions.update(params('s1', A, 'streaming'));
  sessions.update(params('s1', A, 'cancelled', {reason: 'cancelled'}));
  assert.deepEqual(sessions.live(A), []);
});

test('closing a document forgets its sessions, as flint-lsp does', () => {
  const sessions = new SessionTracker();
  sessions.update(params('s1', A, 'done'));
  sessions.update(params('s2', B, 'done'));
  sessions.forgetDocument(A);
  assert.deepEqual(sessions.live().map((s) => s.sessionId), ['s2']);
  assert.equal(sessions.get('s1'), undefined);
});
