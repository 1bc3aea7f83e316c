import assert from 'node:assert/strict';
import {test} from 'node:test';

import {parseCheckReport, reportLines, reportSummary, runFailureMessage} from '../src/setupReport';

const OK_FAST = {
  role: 'fast',
  provider: 'openai-chat',
  baseUrl: 'http://127.0.0.1:8080/v1',
  model: 'm',
  ok: true,
  ms: 12,
  message: 'answered in 12 ms',
};
const FAILED_AGENT = {
  role: 'agent',
  provider: 'openai-chat',
  baseUrl: 'https://api.example.com/v1',
  model: 'big',
  ok: false,
  message: '401 Unauthorized: the endpoint refused the API key',
  fix: 'set models.agent.apiKey or the variable named by apiKeyEnv (OPENAI_API_KEY) to a valid key',
};

test('the JSON report is read, ignoring unknown fields and keeping the roles in order', () => {
  const report = parseCheckReport(JSON.stringify(
      {version: '0.1.0', ok: false, settingsSources: [], settingsErrors: [], roles: [OK_FAST, FAILED_AGENT], extra: 1}));
  assert.ok(report);
  assert.equal(report.version, '0.1.0');
  assert.equal(report.ok, false);
  assert.deepEqual(report.roles.map((r) => [r.role, r.ok]), [['fast', true], ['agent', false]]);
  assert.equal(report.roles[1].fix, FAILED_AGENT.fix);
});

test('a report after other output lines is found; output without one is not a report', () => {
  const stdout = `warming up\n${JSON.stringify({ok: true, roles: [OK_FAST]})}\n`;
  assert.equal(parseCheckReport(stdout)?.roles[0].role, 'fast');
  assert.deepEqual(parseCheckReport(stdout)?.settingsErrors, []);
  assert.equal(parseCheckReport(''), undefined);
  assert.equal(parseCheckReport('fast ok\nagent failed'), undefined);
  assert.equal(parseCheckReport('{"roles": "no"}'), undefined);
  assert.equal(parseCheckReport('[1, 2]'), undefined);
});

test('one line per role, ok or FAILED, with the fix under a failure', () => {
  const lines = reportLines({
    ok: false,
    settingsSources: ['defaults', 'environment', 'editor settings (stdin)'],
    settingsErrors: [],
    roles: [OK_FAST, FAILED_AGENT],
  });
  assert.deepEqual(lines, [
    'settings from: defaults, environment, editor settings (stdin)',
    'fast    ok      openai-chat http://127.0.0.1:8080/v1 m: answered in 12 ms',
    'agent   FAILED  openai-chat https://api.example.com/v1 big: 401 Unauthorized: the endpoint refused the API key',
    `                fix: ${FAILED_AGENT.fix}`,
  ]);
});

test('settings errors come first; an empty report says nothing was checked', () => {
  assert.deepEqual(
      reportLines({ok: false, settingsSources: [], settingsErrors: ['models.fast.baseUrl: not a URL'], roles: []}),
      ['settings  error   models.fast.baseUrl: not a URL']);
  assert.deepEqual(reportLines({ok: true, settingsSources: [], settingsErrors: [], roles: []}), ['no model role was checked']);
});

test('the summary of a working setup names each role\'s answer', () => {
  const summary = reportSummary(
      {ok: true, settingsSources: [], settingsErrors: [], roles: [OK_FAST, {...OK_FAST, role: 'agent', message: 'answered in 30 ms'}]});
  assert.deepEqual(summary, {
    ok: true,
    message: 'flint: setup OK: fast: answered in 12 ms; agent: answered in 30 ms.',
  });
});

test('the summary of a failure is the first failure and its fix', () => {
  const summary = reportSummary({ok: false, settingsSources: [], settingsErrors: [], roles: [OK_FAST, FAILED_AGENT]});
  assert.equal(summary.ok, false);
  assert.equal(
      summary.message,
      'flint: Check Setup: the agent model failed: 401 Unauthorized: the endpoint refused the API key. ' +
          `Fix: ${FAILED_AGENT.fix}.`);
  assert.equal(summary.fix, FAILED_AGENT.fix);
  const two = reportSummary({
    ok: false,
    settingsSources: [], settingsErrors: [],
    roles: [{...FAILED_AGENT, role: 'fast', fix: undefined}, FAILED_AGENT],
  });
  assert.match(two.message, /the fast model failed: 401 .*\. \(1 more problem in the report\)$/);
});

test('a settings error is reported before the roles', () => {
  const summary = reportSummary(
      {ok: false, settingsSources: [], settingsErrors: ['edit.maxRegionLines must be at least 1'], roles: [FAILED_AGENT]});
  assert.equal(
      summary.message,
      'flint: Check Setup: a setting is invalid: edit.maxRegionLines must be at least 1 (1 more problem in the report)');
});

test('no report: the reason the command gave', () => {
  assert.equal(
      runFailureMessage({status: 2, stdout: '', stderr: "flint-lsp: unknown option 'check'\nTry 'flint-lsp --help'.\n"}),
      'flint: this flint-lsp has no "check" command: update flint-lsp to check the setup.');
  assert.equal(
      runFailureMessage({status: null, stdout: '', stderr: '', error: 'spawn /x/flint-lsp EACCES'}),
      'flint: Check Setup could not run flint-lsp: spawn /x/flint-lsp EACCES');
  assert.equal(
      runFailureMessage({status: 134, stdout: '', stderr: '\nAborted\n'}),
      'flint: Check Setup: flint-lsp check exited with status 134: Aborted.');
});

// As flint-lsp check --json prints it (pretty-printed), with nothing listening on the port.
const UNREACHABLE = `{
  "version": "0.1.0",
  "ok": false,
  "settingsSources": [
    "defaults",
    "environment",
    "editor settings (stdin)"
  ],
  "settingsErrors": [],
  "roles": [
    {
      "role": "fast",
      "ok": false,
      "provider": "openai-chat",
      "baseUrl": "http://127.0.0.1:9/v1",
      "model": "m",
      "ms": 16,
      "message": "cannot connect to http://127.0.0.1:9/v1/chat/completions: Couldn't connect to server. Is the model server running, and is the base URL right?",
      "fix": "start the model server, or correct models.fast.baseUrl (http://127.0.0.1:9/v1)"
    }
  ]
}
`;

test('flint-lsp\'s own report: read whole, the question kept as the sentence\'s end', () => {
  const report = parseCheckReport(UNREACHABLE);
  assert.ok(report);
  assert.deepEqual(report.settingsSources, ['defaults', 'environment', 'editor settings (stdin)']);
  const summary = reportSummary(report);
  assert.equal(
      summary.message,
      'flint: Check Setup: the fast model failed: cannot connect to http://127.0.0.1:9/v1/chat/completions: ' +
          'Couldn\'t connect to server. Is the model server running, and is the base URL right? ' +
          'Fix: start the model server, or correct models.fast.baseUrl (http://127.0.0.1:9/v1).');
  assert.equal(summary.fix, 'start the model server, or correct models.fast.baseUrl (http://127.0.0.1:9/v1)');
  assert.equal(reportLines(report)[1].slice(0, 16), 'fast    FAILED  ');
});
