import assert from 'node:assert/strict';
import {test} from 'node:test';

import {settingsQueryFor} from '../src/messages';

test('invalid settings open the setting they name', () => {
  assert.equal(
      settingsQueryFor('flint: invalid settings:\n- models.fast.baseUrl: not a URL: "htp:/x"'),
      'flint.models.fast.baseUrl',
  );
  assert.equal(
      settingsQueryFor('flint: invalid settings:\n- jobs.maxConcurrent: must be at least 1'),
      'flint.jobs.maxConcurrent');
});

test('authentication and model errors open the model settings of their role', () => {
  assert.equal(
      settingsQueryFor('fast model: 401 Unauthorized (check the API key in OPENAI_API_KEY)'),
      'flint.models.fast');
  assert.equal(settingsQueryFor('agent model: 404 model "gpt-x" not found'), 'flint.models.agent');
  assert.equal(settingsQueryFor('No model configured for inline edits'), 'flint.models.fast');
});

test('an unreachable endpoint offers the settings (its base URL may be wrong)', () => {
  assert.equal(
      settingsQueryFor('could not connect to http://127.0.0.1:11434/v1: Connection refused'),
      'flint.models.fast');
});

test('errors that are not about configuration get no settings action', () => {
  assert.equal(
      settingsQueryFor('flint: the edit was cancelled because you typed inside the region'),
      undefined);
  assert.equal(settingsQueryFor('internal error while parsing'), undefined);
});
