import assert from 'node:assert/strict';
import {test} from 'node:test';

import {sessionStateText} from '../src/sessionWords';

test('a failed session is "failed: <reason>" wherever it is shown', () => {
  assert.equal(
      sessionStateText({state: 'failed', reason: 'no fast model is configured'}),
      'failed: no fast model is configured');
  assert.equal(sessionStateText({state: 'failed'}), 'failed');
});

test('cancelled says why only when the reason adds something', () => {
  assert.equal(sessionStateText({state: 'cancelled', reason: 'cancelled'}), 'cancelled');
  assert.equal(sessionStateText({state: 'cancelled'}), 'cancelled');
  assert.equal(
      sessionStateText({state: 'cancelled', reason: 'the user edited the region'}),
      'stopped: you typed inside it');
  assert.equal(
      sessionStateText({state: 'cancelled', reason: 'replaced by a newer edit over the same lines'}),
      'stopped: replaced by a newer edit over the same lines');
});

test('the other states have one name each', () => {
  assert.equal(sessionStateText({state: 'streaming'}), 'editing');
  assert.equal(sessionStateText({state: 'streaming', reason: 'thinking'}), 'thinking');
  assert.equal(sessionStateText({state: 'done'}), 'in review');
  assert.equal(sessionStateText({state: 'accepted'}), 'accepted');
  assert.equal(sessionStateText({state: 'rejected'}), 'rejected');
  assert.equal(sessionStateText({state: 'escalated'}), 'handed to an agent job');
});
