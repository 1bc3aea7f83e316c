import assert from 'node:assert/strict';
import {test} from 'node:test';

import {jobItemText, orderJobsForPicker} from '../src/jobItems';
import {JobTracker, ProgressTracker} from '../src/jobs';
import {jobResultOffer, newlyReady} from '../src/jobResultText';

test('jobChanged merges into what is known and keeps the last message', () => {
  const jobs = new JobTracker();
  jobs.update({jobId: 'j1', title: 'Rename', state: 'queued'});
  jobs.update(
      {jobId: 'j1', title: 'Rename', state: 'running', message: 'reading files', percentage: 10});
  const merged = jobs.update({jobId: 'j1', title: 'Rename', state: 'running', percentage: 40});
  assert.equal(merged.message, 'reading files');
  assert.equal(merged.percentage, 40);
  assert.deepEqual(jobs.active().map((j) => j.jobId), ['j1']);
  const done =
      jobs.update({jobId: 'j1', title: 'Rename', state: 'done', summary: '3 files changed'});
  assert.equal(done.percentage, undefined);
  assert.equal(done.summary, '3 files changed');
  assert.deepEqual(jobs.active(), []);
});

test('the server list replaces what was known', () => {
  const jobs = new JobTracker();
  jobs.update({jobId: 'gone', title: 'x', state: 'running'});
  jobs.replaceAll([{jobId: 'j2', title: 'Docs', state: 'running'}]);
  assert.deepEqual(jobs.all().map((j) => j.jobId), ['j2']);
});

test('old finished jobs are dropped, running ones kept', () => {
  const jobs = new JobTracker();
  jobs.update({jobId: 'run', title: 'r', state: 'running'});
  for (let i = 0; i < 80; i++) jobs.update({jobId: `f${i}`, title: 'f', state: 'done'});
  assert.equal(jobs.get('f0'), undefined);
  assert.equal(jobs.get('f79')?.state, 'done');
  assert.equal(jobs.get('run')?.state, 'running');
});

test('progress lives from begin to end; a report without begin is ignored', () => {
  const progress = new ProgressTracker();
  let fired = 0;
  progress.changed.subscribe(() => fired++);
  progress.apply('t', {kind: 'report', message: 'orphan'});
  assert.equal(fired, 0);
  progress.apply(7, {kind: 'begin', title: 'Agent job', percentage: 0});
  progress.apply(7, {kind: 'report', message: 'step 2', percentage: 20});
  assert.deepEqual(
      progress.active(), [{token: '7', title: 'Agent job', message: 'step 2', percentage: 20}]);
  progress.apply(7, {kind: 'end'});
  assert.deepEqual(progress.active(), []);
  assert.equal(fired, 3);
});

test('a job reads as icon + title, state and percentage, then its message', () => {
  assert.deepEqual(
      jobItemText(
          {jobId: '1', title: 'Port to asio', state: 'running', percentage: 30, message: 'step 3'}),
      {
        label: '$(sync~spin) Port to asio',
        description: 'running · 30%',
        detail: 'step 3',
      });
  assert.deepEqual(jobItemText({jobId: '2', title: 'Docs', state: 'done', summary: '2 files'}), {
    label: '$(check) Docs',
    description: 'done',
    detail: '2 files',
  });
  assert.equal(jobItemText({jobId: '3', title: 'x', state: 'failed'}).detail, undefined);
});

test('the picker lists running work first, newest first', () => {
  const order = orderJobsForPicker([
                  {jobId: 'a', title: 'a', state: 'done'},
                  {jobId: 'b', title: 'b', state: 'running'},
                  {jobId: 'c', title: 'c', state: 'cancelled'},
                  {jobId: 'd', title: 'd', state: 'queued'},
                ]).map((j) => j.jobId);
  assert.deepEqual(order, ['d', 'b', 'c', 'a']);
});

test('a finished or waiting job loses its progress message and percentage', () => {
  const jobs = new JobTracker();
  jobs.update({jobId: 'j', title: 'Rename', state: 'running', message: 'reading a.py', percentage: 13});
  const ready = jobs.update({jobId: 'j', title: 'Rename', state: 'ready', summary: '2 changes in 1 file'});
  assert.equal(ready.percentage, undefined);
  assert.equal(ready.message, undefined);
  assert.equal(jobItemText(ready).description, 'ready');
  assert.equal(jobItemText(ready).detail, '2 changes in 1 file');
});

test('waiting results come first in Show Jobs, and each is offered once', () => {
  const list = [
    {jobId: 'a', title: 'a', state: 'done' as const},
    {jobId: 'b', title: 'b', state: 'ready' as const},
    {jobId: 'c', title: 'c', state: 'running' as const},
    {jobId: 'd', title: 'd', state: 'discarded' as const},
  ];
  assert.deepEqual(orderJobsForPicker(list).map((j) => j.jobId), ['b', 'c', 'd', 'a']);
  assert.deepEqual(newlyReady(list, new Set()).map((j) => j.jobId), ['b']);
  assert.deepEqual(newlyReady(list, new Set(['b'])), []);
  assert.equal(jobResultOffer({...list[1], summary: '3 changes in 2 files: renamed'}),
               'flint: "b" is ready — 3 changes in 2 files: renamed');
});
