import assert from 'node:assert/strict';
import {test} from 'node:test';

import manifest from '../package.json';
import {buildServerSettings, RESTART_SETTINGS, serverSettingKeys, type SettingValue} from '../src/settings';

const properties =
    manifest.contributes.configuration.properties as Record<string, Record<string, unknown>>;

function reader(values: Record<string, unknown>): (key: string) => SettingValue {
  return (key) => ({isSet: key in values, value: values[key]});
}

test('server keys are the models/edit/completion/jobs/privacy/documents settings, without client-only ones', () => {
  const keys = serverSettingKeys(properties);
  assert.ok(keys.includes('models.fast.baseUrl'));
  assert.ok(keys.includes('models.agent.apiKeyEnv'));
  assert.ok(keys.includes('edit.maxRegionLines'));
  assert.ok(keys.includes('completion.enabled'));
  assert.ok(keys.includes('jobs.command'));
  assert.ok(keys.includes('documents.treeMemoryMb'));
  for (const key of keys)
    assert.match(key, /^(models\.(fast|agent)|edit|completion|jobs|privacy|documents)\.[a-zA-Z]+$/);
  for (const clientOnly of ['server.path', 'server.logLevel', 'languages', 'trace.server']) {
    assert.ok(!keys.includes(clientOnly), clientOnly);
  }
});

test('only values the user set are sent, nested the way flint-lsp reads them', () => {
  const keys = serverSettingKeys(properties);
  const settings = buildServerSettings(
      keys,
      reader({
        'models.fast.baseUrl': 'http://127.0.0.1:8080/v1',
        'models.fast.model': 'qwen',
        'models.agent.temperature': 0,
        'jobs.command': ['my-agent', '--json'],
        'completion.enabled': false,
      }),
  );
  assert.deepEqual(settings, {
    models: {fast: {baseUrl: 'http://127.0.0.1:8080/v1', model: 'qwen'}, agent: {temperature: 0}},
    jobs: {command: ['my-agent', '--json']},
    completion: {enabled: false},
  });
});

test('an empty string falls through to the lower layers instead of being sent', () => {
  const settings = buildServerSettings(['models.fast.baseUrl', 'models.fast.model'], reader({
                                         'models.fast.baseUrl': '',
                                         'models.fast.model': 'm',
                                       }));
  assert.deepEqual(settings, {models: {fast: {model: 'm'}}});
});

test('nothing set sends an empty object, so environment and --config stay in force', () => {
  assert.deepEqual(buildServerSettings(serverSettingKeys(properties), reader({})), {});
});

test('every server setting is documented with a type and the server default', () => {
  for (const key of serverSettingKeys(properties)) {
    const schema = properties[`flint.${key}`];
    assert.ok(typeof schema.type === 'string', `${key} type`);
    assert.ok(
        typeof (schema.description ?? schema.markdownDescription) === 'string',
        `${key} description`);
    assert.ok('default' in schema, `${key} default`);
  }
});

test('settings that restart the server exist in the manifest', () => {
  for (const key of RESTART_SETTINGS) assert.ok(`flint.${key}` in properties, key);
});
