import assert from 'node:assert/strict';
import {test} from 'node:test';

import type {Range} from '../src/protocol';
import {SessionTracker} from '../src/sessions';
import {type ApplyEditParamsLike, type EditorSurface, type TextEditLike, UndoGrouper} from '../src/undoGrouping';

const URI = 'file:///w/a.py';
const region: Range = {
  start: {line: 0, character: 0},
  end: {line: 2, character: 0}
};

class FakeSurface implements EditorSurface {
  version = 5;
  editorOpen = true;
  refuse = false;
  calls: Array<{edits: readonly TextEditLike[]; undoStopBefore: boolean}> = [];
  documentVersion(uri: string) { return uri === URI ? this.version : undefined; }
  async applyInEditor(_uri: string, edits: readonly TextEditLike[], undoStopBefore: boolean) {
    if (!this.editorOpen) return undefined;
    if (this.refuse) return false;
    this.calls.push({edits, undoStopBefore});
    this.version++;
    return true;
  }
}

function streamed(version: number|null, text = 'x'): ApplyEditParamsLike {
  return {
    edit: {
      documentChanges: [
        {
          textDocument: {uri: URI, version},
          edits: [
            {range: {start: {line: 0, character: 0}, end: {line: 0, character: 1}}, newText: text}
          ],
        },
      ],
    },
  };
}

function setup() {
  const sessions = new SessionTracker();
  const surface = new FakeSurface();
  const grouper = new UndoGrouper(sessions, surface);
  const forwarded: ApplyEditParamsLike[] = [];
  const next = async (p: ApplyEditParamsLike) => {
    forwarded.push(p);
    return {applied: true};
  };
  return {sessions, surface, grouper, forwarded, next};
}

test('a session’s streamed edits share one undo step: a stop before the first only', async () => {
  const {sessions, surface, grouper, forwarded, next} = setup();
  sessions.update({sessionId: 's', uri: URI, state: 'streaming', region});
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(await grouper.handle(streamed(surface.version), next), {applied: true});
  }
  assert.deepEqual(surface.calls.map((c) => c.undoStopBefore), [true, false, false]);
  assert.equal(forwarded.length, 0);
});

test('steering joins the first run’s undo group: steer + accept is one undo step', async () => {
  const {sessions, surface, grouper, next} = setup();
  sessions.update({sessionId: 's', uri: URI, state: 'streaming', region});
  await grouper.handle(streamed(surface.version), next);
  sessions.update({sessionId: 's', uri: URI, state: 'done', region});
  sessions.update({sessionId: 's', uri: URI, state: 'streaming', region});
  await grouper.handle(streamed(surface.version), next);
  assert.deepEqual(surface.calls.map((c) => c.undoStopBefore), [true, false]);
});

test('anything the person did between two of flint’s edits starts a new undo group', async () => {
  const {sessions, surface, grouper, next} = setup();
  sessions.update({sessionId: 's', uri: URI, state: 'streaming', region});
  await grouper.handle(streamed(surface.version), next);
  surface.version++;  // typed outside the region, or undid something
  await grouper.handle(streamed(surface.version), next);
  await grouper.handle(streamed(surface.version), next);
  sessions.update({sessionId: 's', uri: URI, state: 'done', region});
  surface.version++;  // typed, then steered
  sessions.update({sessionId: 's', uri: URI, state: 'streaming', region});
  await grouper.handle(streamed(surface.version), next);
  assert.deepEqual(surface.calls.map((c) => c.undoStopBefore), [true, true, false, true]);
});

test('a session that ended never joins again', async () => {
  const {sessions, surface, grouper, next} = setup();
  sessions.update({sessionId: 's', uri: URI, state: 'streaming', region});
  await grouper.handle(streamed(surface.version), next);
  sessions.update({sessionId: 's', uri: URI, state: 'rejected', region});
  sessions.update({sessionId: 't', uri: URI, state: 'streaming', region});
  await grouper.handle(streamed(surface.version), next);
  assert.deepEqual(surface.calls.map((c) => c.undoStopBefore), [true, true]);
});

test('a session is marked as having written once an edit of it lands', async () => {
  const {sessions, surface, grouper, next} = setup();
  sessions.update({sessionId: 's', uri: URI, state: 'streaming', region});
  surface.refuse = true;
  await grouper.handle(streamed(surface.version), next);
  assert.equal(sessions.get('s')?.wrote, false);
  surface.refuse = false;
  surface.editorOpen = false;  // through the default handler
  await grouper.handle(streamed(surface.version), next);
  assert.equal(sessions.get('s')?.wrote, true);
});

test('an edit made for another version is refused, never applied', async () => {
  const {sessions, surface, grouper, next} = setup();
  sessions.update({sessionId: 's', uri: URI, state: 'streaming', region});
  const result = await grouper.handle(streamed(surface.version - 1), next);
  assert.equal(result.applied, false);
  assert.match(result.failureReason ?? '', /version/);
  assert.equal(surface.calls.length, 0);
});

test(
    'when the editor refuses (the user typed meanwhile) the answer is applied: false', async () => {
      const {sessions, surface, grouper, next} = setup();
      sessions.update({sessionId: 's', uri: URI, state: 'streaming', region});
      surface.refuse = true;
      assert.equal((await grouper.handle(streamed(surface.version), next)).applied, false);
      surface.refuse = false;
      await grouper.handle(streamed(surface.version), next);
      // The refused edit did not open the group: the first applied one still gets the stop.
      assert.deepEqual(surface.calls.map((c) => c.undoStopBefore), [true]);
    });

test('Reject’s restore right after the stream joins its undo group', async () => {
  const {sessions, surface, grouper, forwarded, next} = setup();
  sessions.update({sessionId: 's', uri: URI, state: 'streaming', region});
  await grouper.handle(streamed(surface.version), next);
  sessions.update({sessionId: 's', uri: URI, state: 'done', region});
  await grouper.handle(streamed(surface.version), next);  // the restore
  assert.deepEqual(surface.calls.map((c) => c.undoStopBefore), [true, false]);
  assert.equal(forwarded.length, 0);
});

test('two sessions streaming side by side in one file share one undo step', async () => {
  const {sessions, surface, grouper, next} = setup();
  const below: Range = {start: {line: 10, character: 0}, end: {line: 12, character: 0}};
  sessions.update({sessionId: 'a', uri: URI, state: 'streaming', region});
  sessions.update({sessionId: 'b', uri: URI, state: 'streaming', region: below});
  const at = (line: number): ApplyEditParamsLike => {
    const p = streamed(surface.version);
    const change = (p.edit.documentChanges as Array<{edits: TextEditLike[]}>)[0];
    change.edits[0].range = {start: {line, character: 0}, end: {line, character: 1}};
    return p;
  };
  await grouper.handle(at(0), next);
  await grouper.handle(at(11), next);
  await grouper.handle(at(1), next);
  assert.deepEqual(surface.calls.map((c) => c.undoStopBefore), [true, false, false]);
  assert.equal(sessions.get('a')?.wrote, true);
  assert.equal(sessions.get('b')?.wrote, true);
});

test('a new edit after an accepted one starts its own undo step', async () => {
  const {sessions, surface, grouper, next} = setup();
  sessions.update({sessionId: 'a', uri: URI, state: 'streaming', region});
  await grouper.handle(streamed(surface.version), next);
  sessions.update({sessionId: 'a', uri: URI, state: 'accepted', region});
  sessions.update({sessionId: 'b', uri: URI, state: 'streaming', region});
  await grouper.handle(streamed(surface.version), next);
  assert.deepEqual(surface.calls.map((c) => c.undoStopBefore), [true, true]);
});

test('the restore of an edit stopped early (Escape, then Reject) joins its undo group', async () => {
  const {sessions, surface, grouper, next} = setup();
  sessions.update({sessionId: 'a', uri: URI, state: 'streaming', region});
  await grouper.handle(streamed(surface.version), next);
  sessions.update({sessionId: 'a', uri: URI, state: 'cancelled', reason: 'cancelled', region});
  await grouper.handle(streamed(surface.version), next);
  assert.deepEqual(surface.calls.map((c) => c.undoStopBefore), [true, false]);
});

test('Reject’s restore after the person typed is a step of its own', async () => {
  const {sessions, surface, grouper, forwarded, next} = setup();
  sessions.update({sessionId: 's', uri: URI, state: 'streaming', region});
  await grouper.handle(streamed(surface.version), next);
  sessions.update({sessionId: 's', uri: URI, state: 'done', region});
  surface.version++;  // typed
  await grouper.handle(streamed(surface.version), next);
  assert.equal(forwarded.length, 1);
  assert.equal(surface.calls.length, 1);
});

test('edits outside a streaming session go to the default handler', async () => {
  const {sessions, surface, grouper, forwarded, next} = setup();
  await grouper.handle(streamed(surface.version), next);  // no session
  sessions.update({sessionId: 's', uri: URI, state: 'done', region});
  await grouper.handle(
      streamed(surface.version), next);  // a session in review that wrote nothing here
  sessions.update({sessionId: 's', uri: URI, state: 'streaming', region});
  await grouper.handle({...streamed(surface.version), label: 'flint: job'}, next);  // labelled
  await grouper.handle({edit: {changes: {}}}, next);  // not documentChanges
  await grouper.handle({edit: {documentChanges: [{kind: 'create', uri: 'file:///n'}]}}, next);
  surface.editorOpen = false;
  await grouper.handle(streamed(surface.version), next);  // no visible editor
  assert.equal(forwarded.length, 6);
  assert.equal(surface.calls.length, 0);
});
