import assert from 'node:assert/strict';
import {test} from 'node:test';

import {SPINNER, statusView, type StatusInput} from '../src/statusModel';

const idle: StatusInput = {
  server: 'running',
  streamingSessions: 0,
  reviewSessions: 0,
  jobs: [],
  progress: []
};

test('idle: no spinner, just the name', () => {
  const view = statusView(idle);
  assert.equal(view.busy, false);
  assert.ok(!view.text.includes(SPINNER));
  assert.match(view.text, /flint$/);
  assert.match(view.tooltip, /Idle/);
});

test('a streaming session spins and says editing', () => {
  const view = statusView({...idle, streamingSessions: 1});
  assert.equal(view.busy, true);
  assert.equal(view.text, `${SPINNER} flint: editing`);
  assert.match(view.accessibleLabel, /editing \(working\)/);
});

test('a finished session waits for review without a spinner', () => {
  const view = statusView({...idle, reviewSessions: 1});
  assert.equal(view.busy, false);
  assert.equal(view.text, '$(check) flint: review edit');
});

test('running jobs are counted and listed with their progress', () => {
  const view = statusView({
    ...idle,
    jobs: [
      {jobId: '1', title: 'Port', state: 'running', percentage: 50, message: 'step 5'},
      {jobId: '2', title: 'Docs', state: 'queued'},
      {jobId: '3', title: 'Old', state: 'done', summary: 'ok'},
    ],
  });
  assert.equal(view.text, `${SPINNER} flint: 2 jobs`);
  assert.match(view.tooltip, /Port — running 50%: step 5/);
  assert.match(view.tooltip, /Old — done: ok/);
});

test('editing and one job together', () => {
  const view = statusView(
      {...idle, streamingSessions: 1, jobs: [{jobId: '1', title: 'J', state: 'running'}]});
  assert.equal(view.text, `${SPINNER} flint: editing · 1 job`);
});

test('progress that is not a job still spins and shows in the tooltip once', () => {
  const view = statusView({
    ...idle,
    jobs: [{jobId: '1', title: 'Port', state: 'running'}],
    progress: [
      {token: 'a', title: 'Port', message: 'dup'},
      {token: 'b', title: 'Validating', percentage: 10},
    ],
  });
  assert.equal(view.busy, true);
  assert.match(view.tooltip, /Validating 10%/);
  assert.ok(!view.tooltip.includes('dup'));
});

test('a stopped server is an error with its cause', () => {
  const view = statusView({...idle, server: 'stopped', serverProblem: 'flint-lsp not found'});
  assert.equal(view.text, '$(error) flint');
  assert.match(view.tooltip, /flint-lsp not found/);
  assert.equal(view.busy, false);
});

test('an edit stopped early with flint’s text says so and how to take it back', () => {
  const view = statusView({...idle, stoppedSessions: 1, stoppedText: 'stopped: you typed inside it'});
  assert.equal(view.busy, false);
  assert.match(view.text, /flint: edit stopped$/);
  assert.match(view.tooltip, /1 edit stopped: you typed inside it: Reject takes it back/);
  // Named as the CodeLens and the message name it.
  assert.match(
      statusView({...idle, stoppedSessions: 1, stoppedText: 'cancelled'}).text,
      /flint: edit cancelled$/);
  assert.match(
      statusView({...idle, stoppedSessions: 2}).tooltip, /2 edits stopped early: Reject takes them/);
});

test('one streaming edit shows how far it is', () => {
  const progress = [{token: 't', title: 'flint: editing', message: '12 tokens', percentage: 42}];
  assert.equal(
      statusView({...idle, streamingSessions: 1, progress}).text, `${SPINNER} flint: editing 42%`);
  // Two at once: no single figure.
  assert.equal(
      statusView({...idle, streamingSessions: 2, progress: [...progress, {...progress[0], token: 'u'}]})
          .text,
      `${SPINNER} flint: editing`);
});
