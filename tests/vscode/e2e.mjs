// flint's VS Code extension in a real VS Code: code-server (VS Code in the browser) driven by
// Debian's Chromium through playwright-core, flint-lsp talking to the loopback model endpoint.
//
//   node tests/vscode/e2e.mjs --flint-lsp BIN --fake-endpoint BIN --vsix FILE --out DIR
//   node tests/vscode/e2e.mjs --bundled --fake-endpoint BIN --vsix FILE-linux-x64.vsix --out DIR
//
// --bundled installs the platform-specific .vsix that carries flint-lsp (scripts/package.mjs
// --server) with flint.server.path unset and no flint-lsp on code-server's PATH, as a person
// installing it from the package would: the shared steps, then the bundled ones (an inline edit
// lands; the output channel, "flint: Show Server Info" and "flint: Check Setup" agree).
//
// It installs the .vsix with `code-server --install-extension`, opens a sample workspace, runs
// "flint: Edit at Cursor / Selection" and asserts on the editor's text and on the status-bar
// item (while the edit streams, while a job runs, after each ends), exactly as a person would
// see them: typing inside a stream, two edits in one file, Escape with and without a selection,
// undo around Steer, Accept and Reject, settings changed in the Settings UI and on disk, the
// Settings tab a message opens, the levels of the server's log lines. Screenshots and every log
// land in DIR for a person to look at.
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {spawnSync} from 'node:child_process';
import {delimiter, dirname, join, relative, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {chromium} from 'playwright-core';

import {CodeServer, MACHINE_KEYS} from './lib/codeServer.mjs';
import {startProcess, stopAll, waitFor, waitForPortFile} from './lib/processes.mjs';
import {answerInput, codeLensTitles, cursorStatus, editorText, flintStatus, focusEditor, goToLine, notifications, openFile, quickPickRows, runCommand, waitForEditorText, waitForStatus, waitForWorkbench} from './lib/workbench.mjs';

const {values: args} = parseArgs({
  options: {
    'flint-lsp': {type: 'string'},
    'fake-endpoint': {type: 'string'},
    vsix: {type: 'string'},
    out: {type: 'string'},
    bundled: {type: 'boolean'},
  },
});
const BUNDLED = args.bundled === true;
for (const required of [...(BUNDLED ? [] : ['flint-lsp']), 'fake-endpoint', 'vsix', 'out']) {
  if (!args[required]) {
    console.error(
        `usage: e2e.mjs [--bundled | --flint-lsp BIN] --fake-endpoint BIN --vsix FILE --out DIR (missing --${
            required})`);
    process.exit(2);
  }
}
const OUT = resolve(args.out);
const CHROMIUM = process.env.FLINT_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// The sample: the edit rewrites `total` (lines 1-5), which the selection covers exactly.
const ORIGINAL = [
  'def total(items):',
  '    result = 0',
  '    for item in items:',
  '        result += item',
  '    return result',
  '',
  '',
  'def mean(items):',
  '    return total(items) / len(items)',
  '',
].join('\n');
const REWRITTEN_TOTAL = [
  'def total(items):', '    """Sum of the items, flint e2e."""', '    return sum(items)'
].join('\n');
const EXPECTED = ORIGINAL.replace(ORIGINAL.split('\n').slice(0, 5).join('\n'), REWRITTEN_TOTAL);
const EDIT_MARKER = 'E2E-REWRITE-TOTAL';
const STEERED_TOTAL = [
  'def total(items):', '    """Sum of the items, steered."""', '    return sum(items, 0)'
].join('\n');
const STEERED = ORIGINAL.replace(ORIGINAL.split('\n').slice(0, 5).join('\n'), STEERED_TOTAL);
const STEER_MARKER = 'E2E-STEER';
// The same rewrite, streamed over about eight seconds: time to type inside it, or to start a
// second edit in the same file, while it streams.
const SLOW_MARKER = 'E2E-SLOW-REWRITE';
// The second edit of one file rewrites `mean` (lines 8-9).
const MEAN_MARKER = 'E2E-REWRITE-MEAN';
const REWRITTEN_MEAN = [
  'def mean(items):', '    """Average of the items, flint e2e."""',
  '    return total(items) / len(items)'
].join('\n');
const ORIGINAL_MEAN = ORIGINAL.split('\n').slice(7, 9).join('\n');
// Answered only when flint-lsp asks for the model set in the Settings UI.
const UI_MODEL = 'fake-fast-from-settings-ui';
const UI_TOTAL = [
  'def total(items):', '    """Sum of the items, model set in the Settings UI."""',
  '    return sum(items)'
].join('\n');

// What the model endpoint answers: the rewritten region, streamed slowly enough (about two
// seconds) for the streaming state to be seen, like a person would on a slow model.
const SCRIPT = {
  rules: [
    {
      matchRegex: `"model":\\s*"${UI_MODEL}"`,
      reply: {text: UI_TOTAL + '\n', chunkSize: 3, tokensPerSecond: 25, firstTokenMs: 300},
    },
    {
      match: SLOW_MARKER,
      reply: {text: REWRITTEN_TOTAL + '\n', chunkSize: 2, tokensPerSecond: 5, firstTokenMs: 300},
    },
    {
      match: MEAN_MARKER,
      reply: {text: REWRITTEN_MEAN + '\n', chunkSize: 3, tokensPerSecond: 25, firstTokenMs: 300},
    },
    // A steered request also carries the first instruction, as history.
    {
      match: STEER_MARKER,
      reply: {text: STEERED_TOTAL + '\n', chunkSize: 3, tokensPerSecond: 25, firstTokenMs: 300},
    },
    {
      match: EDIT_MARKER,
      reply: {text: REWRITTEN_TOTAL + '\n', chunkSize: 3, tokensPerSecond: 25, firstTokenMs: 300},
    },
  ],
  default: {text: 'unexpected request', tokensPerSecond: 0},
};

// The agent job runs an external command: its output lines become progress. A task naming
// JOB_RESULT_MARKER ends after two seconds with an edit of job.py (`mean` renamed `average`);
// any other runs until cancelled, so the test sees it running and cancels it from "Show Jobs".
const JOB_RESULT_MARKER = 'E2E-JOB-RESULT';
function jobCommand() {
  const uri = `file://${join(workspace, 'job.py')}`;
  const edit = JSON.stringify({
    workspaceEdit: {
      changes: {
        [uri]: [{
          range: {start: {line: 7, character: 0}, end: {line: 7, character: 16}},
          newText: 'def average(items):',
        }],
      },
    },
  });
  return [
    'sh', '-c',
    `read task; case "$task" in *${JOB_RESULT_MARKER}*) echo "step 1: renaming"; sleep 2; ` +
        `printf '%s\\n' '${edit}';; *) echo "step 1: reading the workspace"; sleep 1; ` +
        `echo "step 2: planning"; sleep 120;; esac`,
  ];
}

let page;
let shot = 0;
async function screenshot(name) {
  if (!page) return;
  const file = join(OUT, `${String(++shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({path: file})
      .catch((error) => console.error(`screenshot ${file}: ${error.message}`));
  console.log(`  screenshot ${file}`);
}

function assertEqual(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}:\n--- expected ---\n${expected}\n--- actual ---\n${actual}\n---`);
  }
}

function assertOk(value, what) {
  if (!value) throw new Error(what);
}

// Select lines 1-5 (the whole `total` function).
async function selectTotal() {
  await focusEditor(page);
  await goToLine(page, 1, 1);
  for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+End');
}

async function requestEdit() {
  await selectTotal();
  await runCommand(page, 'flint: Edit at Cursor / Selection');
  await answerInput(
      page, 'flint: Edit at Cursor / Selection', `${EDIT_MARKER}: use sum() and add a docstring`);
}

async function requestSlowEdit() {
  await selectTotal();
  await runCommand(page, 'flint: Edit at Cursor / Selection');
  await answerInput(page, 'flint: Edit at Cursor / Selection', `${SLOW_MARKER}: use sum()`);
}

// Selects `mean` (the last function: its two lines above the file's last, empty line), wherever
// an edit above has moved it.
async function selectMean() {
  await focusEditor(page);
  await page.keyboard.press('Control+End');
  for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Home');
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+End');
}

// Waits until flint has written part of its rewrite and is still streaming.
async function waitForPartialRewrite(original = ORIGINAL) {
  await waitForStatus(page, 'editing', (s) => /editing/.test(s.label), 20000);
  return waitForEditorText(page, 'part of flint\'s rewrite in the buffer', (t) => t !== original, 20000);
}

// The whole CodeLens lines (a title without a command is not a link: codeLensTitles skips it).
async function lensTitlesContaining(what, words, timeoutMs = 15000) {
  return waitFor(what, async () => {
    const titles = await page.locator('.editor-group-container.active .contentWidgets .codelens-decoration')
                       .allInnerTexts();
    return words.every((w) => titles.some((t) => t.includes(w))) ? titles : undefined;
  }, {timeoutMs});
}

// Watches the status bar while the edit streams: it must say "editing" with a spinner at some
// point, then "review edit" once the region holds the rewrite.
async function watchStreamingEdit(label) {
  const streaming = await waitForStatus(
      page, 'editing with a spinner', (s) => /editing/.test(s.label) && s.spinning, 20000);
  await screenshot(`${label}-streaming`);
  const text =
      await waitForEditorText(page, 'the rewritten function', (t) => t === EXPECTED, 30000);
  const review = await waitForStatus(
      page, 'review edit, no spinner', (s) => /review edit/.test(s.label) && !s.spinning, 20000);
  return {streaming, text, review};
}

// `shared` steps run in both modes, `step` ones in the full run, `bundledStep` ones with --bundled.
const steps = [];
const step = (name, run) => BUNDLED || steps.push({name, run});
const shared = (name, run) => steps.push({name, run});
const bundledStep = (name, run) => BUNDLED && steps.push({name, run});

let endpoint;
let codeServer;
let browser;
let workspace;

shared('start the loopback model endpoint', async () => {
  const scriptFile = join(OUT, 'endpoint-script.json');
  writeFileSync(scriptFile, JSON.stringify(SCRIPT, null, 2));
  const portFile = join(OUT, 'endpoint.port');
  endpoint = startProcess(
      args['fake-endpoint'],
      [
        '--port', '0', '--port-file', portFile, '--script', scriptFile, '--log',
        join(OUT, 'endpoint-requests.log')
      ],
      {
        log: join(OUT, 'endpoint.log'),
      });
  endpoint.port = await waitForPortFile(portFile, endpoint);
});

shared('install the .vsix into code-server', async () => {
  workspace = join(OUT, 'workspace');
  mkdirSync(workspace, {recursive: true});
  writeFileSync(join(workspace, 'sample.py'), ORIGINAL);
  // One file per test below, so that each starts from the original text.
  for (const name of
           ['selection.py', 'typing.py', 'two_edits.py', 'undo.py', 'settings_ui.py', 'failure.py',
            'job.py']) {
    writeFileSync(join(workspace, name), ORIGINAL);
  }
  codeServer = new CodeServer(OUT);
  codeServer.writeSettings(flintSettings());
  codeServer.installExtension(resolve(args.vsix));
  const installed = codeServer.listExtensions();
  assertOk(
      /^flint\.flint@0\.1\.0$/m.test(installed),
      `flint.flint@0.1.0 is not listed as installed:\n${installed}`);
});

function flintSettings(extra = {}) {
  return {
    // The bundled mode leaves it unset: the extension finds its own server.
    ...(BUNDLED ? {} : {'flint.server.path': resolve(args['flint-lsp'])}),
    'flint.server.logLevel': 'debug',
    'flint.server.logFile': join(OUT, 'flint-lsp.log'),
    'flint.trace.server': 'messages',
    'flint.models.fast.baseUrl': `http://127.0.0.1:${endpoint.port}/v1`,
    'flint.models.fast.model': 'fake-fast',
    'flint.models.agent.model': 'fake-agent',
    // The bundled mode runs no job: Check Setup tries the agent model at the endpoint instead.
    ...(BUNDLED ? {} : {'flint.jobs.backend': 'command', 'flint.jobs.command': jobCommand()}),
    ...extra,
  };
}

// The Machine settings of a running VS Code: flint's per-machine paths, plus `extra`.
function machineSettings(extra = {}) {
  const all = flintSettings();
  return {...Object.fromEntries(MACHINE_KEYS.map((key) => [key, all[key]])), ...extra};
}

shared('open the workspace in VS Code (code-server + Chromium)', async () => {
  await codeServer.start(BUNDLED ? {PATH: pathWithoutFlint()} : {});
  console.log(`  code-server ${codeServer.runtime.version} on port ${codeServer.port}`);
  browser = await chromium.launch({executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true});
  const context = await browser.newContext({viewport: {width: 1280, height: 800}});
  page = await context.newPage();
  page.on('pageerror', (error) => console.log(`  page error: ${error.message}`));
  await page.goto(codeServer.folderUrl(workspace));
  await waitForWorkbench(page);
  await screenshot('workbench');
});

shared('opening a Python file starts flint-lsp; the status bar shows flint idle', async () => {
  await openFile(page, 'sample.py');
  assertEqual(await editorText(page), ORIGINAL.replace(/\n$/, '\n'), 'sample.py as opened');
  const status = await waitForStatus(
      page, 'flint running and idle', (s) => s.label === 'flint' && !s.spinning, 60000);
  console.log(`  status: ${JSON.stringify(status)}`);
  await screenshot('opened');
});

step('Edit at Cursor streams the rewrite into the buffer; Reject restores the text', async () => {
  await requestEdit();
  const seen = await watchStreamingEdit('reject');
  console.log(`  streaming: ${seen.streaming.label}; then: ${seen.review.label}`);
  const lenses = await waitFor('CodeLens Accept and Reject on the region', async () => {
    const titles = await codeLensTitles(page);
    return titles.some((t) => t.includes('Accept')) && titles.some((t) => t.includes('Reject')) ?
        titles :
        undefined;
  }, {timeoutMs: 10000});
  console.log(`  CodeLens: ${JSON.stringify(lenses)}`);
  await screenshot('review');
  await runCommand(page, 'flint: Reject');
  await waitForEditorText(page, 'the original text back', (t) => t === ORIGINAL, 15000);
  await waitForStatus(page, 'idle after reject', (s) => s.label === 'flint' && !s.spinning, 15000);
  await screenshot('rejected');
});

step('Steer redirects a finished edit; Reject then restores the original', async () => {
  await requestEdit();
  await watchStreamingEdit('steer');
  await runCommand(page, 'flint: Steer');
  await answerInput(page, 'flint: Steer', `${STEER_MARKER}: start the sum at 0`);
  await waitForEditorText(page, 'the steered rewrite', (t) => t === STEERED, 30000);
  await waitForStatus(
      page, 'review edit after steering', (s) => /review edit/.test(s.label) && !s.spinning, 20000);
  await screenshot('steered');
  await runCommand(page, 'flint: Reject');
  await waitForEditorText(page, 'the original text back', (t) => t === ORIGINAL, 15000);
});

step(
    'the lightbulb menu offers flint\'s code actions; "Edit with instruction…" asks, then streams',
    async () => {
      await selectTotal();
      await page.keyboard.press('Control+.');
      const rows = await waitFor('flint actions in the code action menu', async () => {
        const titles = await page.locator('.action-widget .monaco-list-row').allInnerTexts();
        return titles.some((t) => t.includes('flint: Edit with instruction')) ? titles : undefined;
      }, {timeoutMs: 15000});
      console.log(`  code actions: ${JSON.stringify(rows)}`);
      for (const title of ['flint: Simplify', 'flint: Document']) {
        assertOk(
            rows.some((t) => t.includes(title)), `${title} missing from ${JSON.stringify(rows)}`);
      }
      await screenshot('code-actions');
      await page
          .locator('.action-widget .monaco-list-row', {hasText: 'flint: Edit with instruction'})
          .click();
      await answerInput(page, 'flint: Edit with instruction', `${EDIT_MARKER}: from the lightbulb`);
      await watchStreamingEdit('code-action');
      await runCommand(page, 'flint: Reject');
      await waitForEditorText(page, 'the original text back', (t) => t === ORIGINAL, 15000);
    });

step('a second edit, accepted from its CodeLens, is one undo step', async () => {
  await requestEdit();
  await watchStreamingEdit('accept');
  await page.locator('.editor-group-container.active .codelens-decoration a', {hasText: 'Accept'})
      .first()
      .click();
  await waitForStatus(page, 'idle after accept', (s) => s.label === 'flint' && !s.spinning, 15000);
  assertEqual(await editorText(page), EXPECTED, 'text after Accept');
  await waitFor(
      'the CodeLens to go once the edit is accepted',
      async () => (await codeLensTitles(page)).length === 0, {timeoutMs: 10000});
  await screenshot('accepted');
  await focusEditor(page);
  await page.keyboard.press('Control+Z');
  await waitForEditorText(
      page, 'one Ctrl+Z to bring back the original', (t) => t === ORIGINAL, 10000);
  await page.keyboard.press('Control+Shift+Z');
  await waitForEditorText(page, 'redo to bring back the rewrite', (t) => t === EXPECTED, 10000);
});

step(
    'an edit from a selection collapses it; Escape clears a new selection, not the edit; ' +
        'without one it cancels, and Reject takes the partial text back',
    async () => {
      await openFile(page, 'selection.py');
      await requestEdit();
      await waitForStatus(page, 'editing', (s) => /editing/.test(s.label), 20000);
      const cursor = await cursorStatus(page);
      console.log(`  cursor while streaming: ${cursor}`);
      assertOk(!/selected/.test(cursor), `the selection is still there: "${cursor}"`);
      await screenshot('selection-collapsed');
      // A selection made while flint streams: the first Escape is VS Code's (clear it).
      await page.keyboard.press('Shift+ArrowUp');
      await waitFor('a new selection', async () => /selected/.test(await cursorStatus(page)),
                    {timeoutMs: 5000});
      await page.keyboard.press('Escape');
      await waitFor('Escape to clear the selection', async () => !/selected/.test(await cursorStatus(page)),
                    {timeoutMs: 5000});
      const after = await flintStatus(page);
      assertOk(
          /editing|review edit/.test(after?.label ?? ''),
          `Escape with a selection cancelled the edit: ${JSON.stringify(after)}`);
      await waitForEditorText(page, 'the rewrite, whole', (t) => t === EXPECTED, 30000);
      await waitForStatus(page, 'review edit', (s) => /review edit/.test(s.label), 20000);
      await runCommand(page, 'flint: Reject');
      await waitForEditorText(page, 'the original text back', (t) => t === ORIGINAL, 15000);

      // Without a selection, Escape cancels: the partial text stays, with Reject to take it back.
      await requestSlowEdit();
      await waitForPartialRewrite();
      await page.keyboard.press('Escape');
      await waitForStatus(page, 'edit cancelled', (s) => /edit cancelled/.test(s.label), 10000);
      await lensTitlesContaining('CodeLens: cancelled, Reject, Keep', ['cancelled', 'Reject', 'Keep']);
      await screenshot('escape-cancelled');
      await runCommand(page, 'flint: Reject');
      await waitForEditorText(page, 'the original text back', (t) => t === ORIGINAL, 15000);
      await waitForStatus(page, 'idle', (s) => s.label === 'flint' && !s.spinning, 10000);
    });

step(
    'typing inside a streaming edit: the keys land, flint stops, Reject restores the original ' +
        'with the typed text kept',
    async () => {
      await openFile(page, 'typing.py');
      await requestSlowEdit();
      await waitForPartialRewrite();
      const how = await waitForStatus(
          page, 'editing with how far it is', (s) => /editing \d+%/.test(s.label), 10000);
      console.log(`  status while streaming: ${how.label}`);
      const typed = '  # typed while flint streamed';
      await goToLine(page, 1, 18);  // the end of `def total(items):`, a line flint keeps
      await page.keyboard.type(typed, {delay: 20});
      const stopped = await waitForStatus(
          page, 'edit stopped', (s) => /edit stopped/.test(s.label) && !s.spinning, 20000);
      console.log(`  status: ${stopped.label}`);
      const lenses = await lensTitlesContaining(
          'CodeLens: stopped, Reject, Keep', ['stopped: you typed inside it', 'Reject', 'Keep']);
      console.log(`  CodeLens: ${JSON.stringify(lenses)}`);
      const half = await editorText(page);
      assertOk(
          half.split('\n')[0] === `def total(items):${typed}`,
          `the typed text is not on line 1:\n${half}`);
      await screenshot('typed-inside-stopped');
      await runCommand(page, 'flint: Reject');
      const restored = ORIGINAL.replace('def total(items):', `def total(items):${typed}`);
      await waitForEditorText(
          page, 'the original with the typed text', (t) => t === restored, 15000);
      await waitFor(
          'the CodeLens to go', async () => (await codeLensTitles(page)).length === 0,
          {timeoutMs: 10000});
      await screenshot('typed-inside-rejected');
    });

step(
    'two edits in one file stream side by side; Reject and Accept act on the edit under the ' +
        'cursor; a newer edit over the same lines rolls the older back first',
    async () => {
      await openFile(page, 'two_edits.py');
      await requestSlowEdit();
      await waitForPartialRewrite();
      await selectMean();
      await runCommand(page, 'flint: Edit at Cursor / Selection');
      await answerInput(
          page, 'flint: Edit at Cursor / Selection', `${MEAN_MARKER}: add a docstring`);
      const both = EXPECTED.replace(ORIGINAL_MEAN, REWRITTEN_MEAN);
      await waitForEditorText(page, 'both rewrites, whole', (t) => t === both, 30000);
      await waitForStatus(page, 'review edit', (s) => /review edit/.test(s.label) && !s.spinning,
                          20000);
      const lenses = await waitFor('two review CodeLens lines', async () => {
        const titles = await codeLensTitles(page);
        return titles.filter((t) => t.includes('Accept')).length === 2 ? titles : undefined;
      }, {timeoutMs: 15000});
      console.log(`  CodeLens: ${JSON.stringify(lenses)}`);
      await screenshot('two-edits');
      // The cursor in `total`: Reject takes back that edit only.
      await goToLine(page, 2, 1);
      await runCommand(page, 'flint: Reject');
      const withMean = ORIGINAL.replace(ORIGINAL_MEAN, REWRITTEN_MEAN);
      await waitForEditorText(
          page, 'total back to its original, mean still rewritten', (t) => t === withMean, 15000);
      // The cursor in `mean`: Accept keeps its rewrite.
      await selectMean();
      await page.keyboard.press('ArrowLeft');
      await runCommand(page, 'flint: Accept');
      await waitForStatus(page, 'idle', (s) => s.label === 'flint' && !s.spinning, 15000);
      assertEqual(await editorText(page), withMean, 'text after accepting mean');
      await screenshot('two-edits-done');

      // A newer edit over lines an older one is still writing: the older is rolled back (never
      // left half-written), then the newer streams over the original.
      await requestSlowEdit();
      await waitForPartialRewrite(withMean);
      await requestEdit();
      const rewritten = withMean.replace(ORIGINAL.split('\n').slice(0, 5).join('\n'), REWRITTEN_TOTAL);
      await waitForEditorText(page, 'the newer rewrite, whole', (t) => t === rewritten, 30000);
      await waitForStatus(page, 'review edit', (s) => /review edit/.test(s.label) && !s.spinning,
                          20000);
      // VS Code asks for CodeLens again a moment after they change.
      await waitFor('one edit in review, the older gone', async () => {
        const titles = await codeLensTitles(page);
        return titles.filter((t) => t.includes('Accept')).length === 1 &&
            !titles.some((t) => /editing|stopped/.test(t));
      }, {timeoutMs: 10000});
      await screenshot('newer-over-older');
      await runCommand(page, 'flint: Reject');
      await waitForEditorText(page, 'total back to its original', (t) => t === withMean, 15000);
    });

// Ctrl+Z, then a pause long enough for anything that would come back to show.
async function undoOnce() {
  await focusEditor(page);
  await page.keyboard.press('Control+Z');
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

step(
    'undo: steer + accept is one step; undo in review keeps the review; undo after Reject does ' +
        'not bring flint\'s text back',
    async () => {
      await openFile(page, 'undo.py');
      // Steer + Accept: one Ctrl+Z for all of it.
      await requestEdit();
      await waitForEditorText(page, 'the rewrite', (t) => t === EXPECTED, 30000);
      await waitForStatus(page, 'review edit', (s) => /review edit/.test(s.label), 20000);
      await runCommand(page, 'flint: Steer');
      await answerInput(page, 'flint: Steer', `${STEER_MARKER}: start the sum at 0`);
      await waitForEditorText(page, 'the steered rewrite', (t) => t === STEERED, 30000);
      await waitForStatus(page, 'review edit', (s) => /review edit/.test(s.label), 20000);
      await runCommand(page, 'flint: Accept');
      await waitForStatus(page, 'idle', (s) => s.label === 'flint' && !s.spinning, 15000);
      await undoOnce();
      assertEqual(await editorText(page), ORIGINAL, 'one Ctrl+Z after steer + accept');

      // Undo during review: the original is back, the review stays; Reject then ends it.
      await requestEdit();
      await waitForEditorText(page, 'the rewrite', (t) => t === EXPECTED, 30000);
      await waitForStatus(page, 'review edit', (s) => /review edit/.test(s.label), 20000);
      await undoOnce();
      assertEqual(await editorText(page), ORIGINAL, 'Ctrl+Z in review');
      await lensTitlesContaining('the review CodeLens after undo', ['Accept', 'Reject']);
      await screenshot('undo-in-review');
      await runCommand(page, 'flint: Reject');
      await waitForStatus(page, 'idle after reject', (s) => s.label === 'flint' && !s.spinning,
                          15000);
      assertEqual(await editorText(page), ORIGINAL, 'text after Reject');

      // Undo after Reject: flint's text does not come back outside review.
      await requestEdit();
      await waitForEditorText(page, 'the rewrite', (t) => t === EXPECTED, 30000);
      await waitForStatus(page, 'review edit', (s) => /review edit/.test(s.label), 20000);
      await runCommand(page, 'flint: Reject');
      await waitForEditorText(page, 'the original text back', (t) => t === ORIGINAL, 15000);
      await undoOnce();
      assertEqual(await editorText(page), ORIGINAL, 'Ctrl+Z after Reject');
      assertEqual((await codeLensTitles(page)).length, 0, 'CodeLens after Reject and undo');
      await screenshot('undo-after-reject');
    });

step('Run Agent Task: the status bar shows the running job; Show Jobs cancels it', async () => {
  await runCommand(page, 'flint: Run Agent Task');
  await answerInput(page, 'flint: Run Agent Task', 'E2E-JOB: add type hints everywhere');
  const running = await waitForStatus(
      page, '1 job with a spinner', (s) => /1 job/.test(s.label) && s.spinning, 30000);
  console.log(`  status while the job runs: ${running.label}`);
  await screenshot('job-running');
  await runCommand(page, 'flint: Show Jobs');
  const rows = await waitFor('the job in Show Jobs', async () => {
    const list = await quickPickRows(page);
    return list.some((r) => /running|queued/.test(r)) ? list : undefined;
  }, {timeoutMs: 15000});
  console.log(`  jobs: ${JSON.stringify(rows)}`);
  await screenshot('show-jobs');
  await page.keyboard.press('Enter');  // the running job is listed first
  await quickPickRows(page);
  await page.locator('.quick-input-widget .monaco-list-row', {hasText: 'Cancel'}).first().click();
  await waitForStatus(page, 'no job running', (s) => !/job/.test(s.label) && !s.spinning, 30000);
  await screenshot('job-cancelled');
});

step(
    'a job that finishes while you type waits in a notification: no key lost, no focus taken; ' +
        'Review shows a diff, Apply lands it',
    async () => {
      await openFile(page, 'job.py');
      await runCommand(page, 'flint: Run Agent Task');
      await answerInput(page, 'flint: Run Agent Task', `${JOB_RESULT_MARKER}: rename mean`);
      await focusEditor(page);
      await goToLine(page, 10);
      // About six seconds of typing; the job's result arrives after two.
      const typed = [];
      for (let i = 1; i <= 6; i++) {
        const line = `value_${i} = ${i}  # typed while the job runs`;
        await page.keyboard.type(line, {delay: 25});
        await page.keyboard.press('Enter');
        typed.push(line);
      }
      const toast =
          page.locator('.notification-toast', {hasText: `${JOB_RESULT_MARKER}: rename mean`})
              .first();
      await toast.waitFor({state: 'visible', timeout: 30000});
      console.log(`  notification: ${JSON.stringify(await notifications(page))}`);
      await screenshot('job-ready-while-typing');
      const withTyping = ORIGINAL + typed.join('\n') + '\n';
      assertEqual(await editorText(page), withTyping, 'every typed key landed, the result did not');
      const focusInEditor = await page.evaluate(
          () => document.activeElement?.closest('.monaco-editor') !== null &&
              document.activeElement?.closest('.monaco-diff-editor') === null);
      assertOk(focusInEditor, 'the keyboard focus stayed in the editor');
      assertOk(
          (await page.locator('.monaco-diff-editor').count()) === 0,
          'no preview opened by itself');

      await toast.locator('.monaco-button', {hasText: 'Review'}).click();
      await page.locator('.monaco-diff-editor').first().waitFor({state: 'visible', timeout: 15000});
      const diffTab = await page.locator('.tabs-container .tab.active').innerText();
      assertOk(/job\.py/.test(diffTab) && /flint/.test(diffTab), `the diff tab: ${diffTab}`);
      await screenshot('job-review-diff');
      const again =
          page.locator('.notification-toast', {hasText: `${JOB_RESULT_MARKER}: rename mean`})
              .first();
      await again.locator('.monaco-button', {hasText: 'Apply'}).waitFor({timeout: 15000});
      await again.locator('.monaco-button', {hasText: 'Apply'}).click();
      await waitFor('the diff editor to close', async () =>
          (await page.locator('.monaco-diff-editor').count()) === 0 ? true : undefined,
          {timeoutMs: 15000});
      await openFile(page, 'job.py');
      const applied = withTyping.replace('def mean(items):', 'def average(items):');
      await waitForEditorText(page, 'the job applied over the typing', (t) => t === applied, 15000);
      await waitForStatus(page, 'no job', (s) => !/job/.test(s.label) && !s.spinning, 15000);
      await screenshot('job-applied');
    });

step(
    'a bad setting, changed while VS Code runs, reaches flint and offers Open Settings',
    async () => {
      // The Remote tab's file: code-server notices its change on disk (see writeMachineSettings).
      codeServer.writeMachineSettings(machineSettings({'flint.edit.maxRegionLines': 0}));
      const toast = page.locator('.notification-toast', {hasText: 'maxRegionLines'}).first();
      await toast.waitFor({state: 'visible', timeout: 30000});
      console.log(`  notification: ${JSON.stringify(await notifications(page))}`);
      await screenshot('settings-error');
      await toast.locator('.monaco-button', {hasText: 'Open Settings'}).click();
      await page.locator('.settings-editor').waitFor({state: 'visible', timeout: 15000});
      const query =
          await page.locator('.settings-editor .suggest-input-container .view-lines').innerText();
      assertOk(
          /flint\.edit\.maxRegionLines/.test(query.replace(/\u00a0/g, ' ')),
          `settings search is "${query}"`);
      await screenshot('open-settings');
    });

step('a setting changed in the Settings UI is read by flint-lsp at once', async () => {
  // The Settings editor is open from the step above, its search box focused (the User tab: the
  // model's name applies there in a remote window too).
  await page.locator('.settings-editor .suggest-input-container .monaco-editor.focused')
      .waitFor({state: 'visible', timeout: 10000});
  await page.keyboard.press('Control+A');
  await page.keyboard.type('flint.models.fast.model');
  const item = page.locator('.settings-editor .setting-item-contents', {hasText: 'Fast: Model'});
  await item.waitFor({state: 'visible', timeout: 15000});
  const input = item.locator('input').first();
  await input.click();
  await input.fill(UI_MODEL);
  await page.keyboard.press('Enter');
  await waitFor('the Settings UI to write the User settings', async () => {
    const user = readFileSync(join(codeServer.userDataDir, 'User', 'settings.json'), 'utf8');
    return user.includes(UI_MODEL);
  }, {timeoutMs: 15000});
  await screenshot('settings-ui-model');
  await page.keyboard.press('Escape');  // the search box, then the Settings editor itself
  await openFile(page, 'settings_ui.py');
  await requestEdit();
  const expected = ORIGINAL.replace(ORIGINAL.split('\n').slice(0, 5).join('\n'), UI_TOTAL);
  await waitForEditorText(
      page, 'the answer for the model set in the UI', (t) => t === expected, 30000);
  await screenshot('settings-ui-edit');
  await runCommand(page, 'flint: Reject');
  await waitForEditorText(page, 'the original text back', (t) => t === ORIGINAL, 15000);
});

step(
    'flint-lsp not found: the message names the path and its button opens the Remote tab, ' +
        'where flint.server.path applies in a remote window',
    async () => {
      const missing = join(OUT, 'no-such-dir', 'flint-lsp');
      codeServer.writeMachineSettings(machineSettings({'flint.server.path': missing}));
      const toast = page.locator('.notification-toast', {hasText: 'no-such-dir'}).first();
      await toast.waitFor({state: 'visible', timeout: 30000});
      console.log(`  notification: ${JSON.stringify(await notifications(page))}`);
      await screenshot('server-not-found');
      await toast.locator('.monaco-button', {hasText: 'Open Remote Settings'}).click();
      const tab = await waitFor('the Remote tab of the Settings editor', async () => {
        const checked = await page.locator('.settings-editor .settings-tabs-widget .action-label.checked')
                            .allInnerTexts();
        return checked.find((t) => /Remote/.test(t));
      }, {timeoutMs: 15000});
      console.log(`  settings tab: ${tab}`);
      const query =
          await page.locator('.settings-editor .suggest-input-container .view-lines').innerText();
      assertOk(
          /flint\.server\.path/.test(query.replace(/\u00a0/g, ' ')), `settings search is "${query}"`);
      const item = page.locator('.settings-editor .setting-item-contents', {hasText: 'Server: Path'});
      await item.waitFor({state: 'visible', timeout: 15000});
      const shown = await item.locator('input').first().inputValue();
      assertEqual(shown, missing, 'flint.server.path in the Remote tab');
      await screenshot('server-path-remote-tab');
      await page.keyboard.press('Escape');
      codeServer.writeMachineSettings(machineSettings());
      await waitForStatus(
          page, 'flint running again', (s) => s.label === 'flint' && !s.spinning, 60000);
    });

// The "flint" output channel as VS Code writes it to disk (one file per window's extension host).
function flintChannelLog() {
  const logs = join(codeServer.userDataDir, 'logs');
  const texts = [];
  for (const session of existsSync(logs) ? readdirSync(logs) : []) {
    for (const host of readdirSync(join(logs, session))) {
      const file = join(logs, session, host, 'flint.flint', 'flint.log');
      if (existsSync(file)) texts.push(readFileSync(file, 'utf8'));
    }
  }
  return texts.join('\n');
}

step('server log lines keep their level in the flint output channel', async () => {
  // Without a log file flint-lsp logs to stderr, which the extension reads line by line.
  codeServer.writeMachineSettings(machineSettings({'flint.server.logFile': ''}));
  await waitForStatus(page, 'flint running again', (s) => s.label === 'flint' && !s.spinning, 60000);
  const log = await waitFor('the server\'s first lines in the output channel', async () => {
    const text = flintChannelLog();
    return /\[info\] flint-lsp [^\n]* ready on stdio/.test(text) ? text : undefined;
  }, {timeoutMs: 30000});
  const serverLines = log.split('\n').filter((l) => /flint-lsp [^ ]+ ready|initialize from/.test(l));
  console.log(`  ${serverLines.join('\n  ')}`);
  assertOk(!/\[error\][^\n]*(ready on stdio|initialize from)/.test(log), 'server info logged as error');
  assertOk(!/\] \[(flint|info)\] /.test(log), 'the server\'s own timestamp and level kept in the line');
  await runCommand(page, 'Output: Show Output Channels');
  await pickOutputChannel('flint');
  await screenshot('output-channel');
});

step('a model that cannot be reached: one notification, "failed" everywhere, the text kept', async () => {
  // The log file stays off as the step above left it: no restart, just a settings change.
  codeServer.writeMachineSettings(machineSettings(
      {'flint.server.logFile': '', 'flint.models.fast.baseUrl': 'http://127.0.0.1:9/v1'}));
  await new Promise((resolve) => setTimeout(resolve, 2000));  // noticed, sent to flint-lsp
  await waitForStatus(page, 'flint running', (s) => s.label === 'flint' && !s.spinning, 60000);
  await runCommand(page, 'Notifications: Clear All Notifications');
  await openFile(page, 'failure.py');
  await requestEdit();
  const toast = page.locator('.notification-toast', {hasText: 'flint: edit failed'}).first();
  await toast.waitFor({state: 'visible', timeout: 30000});
  await new Promise((resolve) => setTimeout(resolve, 3000));  // time for a second one to show
  const shown = await notifications(page);
  console.log(`  notifications: ${JSON.stringify(shown)}`);
  assertEqual(shown.filter((t) => /flint/.test(t)).length, 1, 'flint notifications for one failure');
  const bar = await page.locator('.part.statusbar').innerText();
  assertOk(!/cancelled/.test(bar), `the status bar says cancelled: ${bar}`);
  assertEqual(await editorText(page), ORIGINAL, 'text after the failure');
  await screenshot('failed-once');
  await runCommand(page, 'Notifications: Clear All Notifications');
});

step('a flint setting in a language block, where VS Code does not apply it, is named', async () => {
  codeServer.writeMachineSettings(machineSettings({'[python]': {'flint.edit.frameMs': 16}}));
  const toast = page.locator('.notification-toast', {hasText: 'language-specific'}).first();
  await toast.waitFor({state: 'visible', timeout: 30000});
  console.log(`  notification: ${JSON.stringify(await notifications(page))}`);
  await screenshot('language-block');
  await toast.locator('.monaco-button', {hasText: 'Open User Settings'}).waitFor({state: 'visible'});
  codeServer.writeMachineSettings(machineSettings());
});

// --bundled: code-server's PATH without any directory that holds a flint-lsp and without the
// checkout (whose build folders the extension would find): the extension host sees no other
// flint-lsp than the one in the .vsix. The workspace (OUT/workspace) is no flint checkout either.
const CHECKOUT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
function pathWithoutFlint() {
  const inside = (dir) => {
    const rel = relative(CHECKOUT, resolve(dir));
    return rel === '' || (!rel.startsWith('..') && !rel.startsWith('/'));
  };
  const kept = [];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    if (existsSync(join(dir, 'flint-lsp')) || inside(dir)) {
      console.log(`  PATH without ${dir}`);
      continue;
    }
    kept.push(dir);
  }
  return kept.join(delimiter);
}

// The bundled binary, where VS Code unpacked the .vsix.
function bundledServer() {
  const dirs = readdirSync(codeServer.extensionsDir).filter((d) => d.startsWith('flint.flint-'));
  assertEqual(dirs.length, 1, `flint's folders in ${codeServer.extensionsDir}: ${dirs.join(', ')}`);
  return join(codeServer.extensionsDir, dirs[0], 'server', 'linux-x64', 'flint-lsp');
}

bundledStep('the output channel says the bundled flint-lsp is the one in use', async () => {
  const server = bundledServer();
  assertOk(existsSync(server), `${server} is missing from the installed extension`);
  const line = await waitFor('the server line in the output channel', async () =>
      /using flint-lsp [^\n]*/.exec(flintChannelLog())?.[0], {timeoutMs: 30000});
  console.log(`  ${line}`);
  assertEqual(line, `using flint-lsp ${server} (bundled with the extension)`, 'the output channel');
});

bundledStep('an inline edit lands, served by the bundled flint-lsp', async () => {
  await requestEdit();
  await waitForEditorText(page, 'the rewritten function', (t) => t === EXPECTED, 30000);
  await waitForStatus(
      page, 'review edit', (s) => /review edit/.test(s.label) && !s.spinning, 20000);
  await runCommand(page, 'flint: Accept');
  await waitForStatus(page, 'idle after accept', (s) => s.label === 'flint' && !s.spinning, 15000);
  assertEqual(await editorText(page), EXPECTED, 'text after Accept');
  // Nothing of the session is left on screen: no "flint is editing… | Cancel" above the region.
  await waitFor('the CodeLens to go once the edit is accepted', async () => {
    const titles = await page.locator('.editor-group-container.active .contentWidgets .codelens-decoration')
                       .allInnerTexts();
    return titles.length === 0 ? true : undefined;
  }, {timeoutMs: 10000});
  await screenshot('bundled-edit');
});

bundledStep('"flint: Show Server Info" names the bundled binary and its version', async () => {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await runCommand(page, 'flint: Show Server Info');
  const toast = page.locator('.notification-toast', {hasText: 'bundled with the extension'}).first();
  await toast.waitFor({state: 'visible', timeout: 15000});
  const text = await toast.innerText();
  console.log(`  notification: ${JSON.stringify(text)}`);
  for (const part of ['flint-lsp 0.1.0', bundledServer(), 'running']) {
    assertOk(text.includes(part), `"${part}" missing from the notification`);
  }
  await toast.locator('.monaco-button', {hasText: 'Copy'}).waitFor({state: 'visible'});
  assertOk(/server info: source: bundled/.test(flintChannelLog()), 'server info in the output channel');
  await screenshot('server-info');
});

bundledStep('"flint: Check Setup" checks the models against the loopback endpoint', async () => {
  await runCommand(page, 'Notifications: Clear All Notifications');
  // Both roles answer the loopback endpoint.
  await runCommand(page, 'flint: Check Setup');
  const toast = page.locator('.notification-toast', {hasText: 'flint: setup OK'}).first();
  await toast.waitFor({state: 'visible', timeout: 60000}).catch(async (error) => {
    throw new Error(`${error.message}\n  notifications: ${JSON.stringify(await notifications(page))}`);
  });
  console.log(`  notification: ${JSON.stringify(await toast.innerText())}`);
  const log = flintChannelLog();
  for (const role of ['fast', 'agent']) {
    const line = new RegExp(`Check Setup: ${role} +ok +openai-chat http://127\\.0\\.0\\.1:${
        endpoint.port}/v1 fake-${role}: answered in \\d+ ms`);
    assertOk(line.test(log), `"${line.source}" missing from the output channel:\n${log}`);
  }
  await screenshot('check-setup');
});

async function pickOutputChannel(name) {
  await page.locator('.quick-input-widget .monaco-list-row', {hasText: name}).first().click();
  await page.locator('.part.panel').waitFor({state: 'visible', timeout: 10000});
}

async function main() {
  rmSync(OUT, {recursive: true, force: true});
  mkdirSync(OUT, {recursive: true});
  const started = Date.now();
  let passed = 0;
  let failed = 0;
  for (const {name, run} of steps) {
    if (failed > 0) {
      console.log(`SKIP ${name}`);
      continue;
    }
    const t0 = Date.now();
    try {
      await run();
      passed++;
      console.log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failed++;
      console.log(`FAIL ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n  ${
          String(error?.stack ?? error).replace(/\n/g, '\n  ')}`);
      await screenshot('failure');
      if (page) {
        console.log(
            `  status bar: ${JSON.stringify(await flintStatus(page).catch(() => undefined))}`);
        console.log(
            `  notifications: ${JSON.stringify(await notifications(page).catch(() => []))}`);
        console.log(
            `  editor:\n${(await editorText(page).catch(() => '')).replace(/^/gm, '    | ')}`);
      }
    }
  }
  await browser?.close().catch(() => {});
  await stopAll();
  for (const log of ['flint-lsp.log', 'code-server.log', 'endpoint-requests.log']) {
    console.log(`  log: ${join(OUT, log)}`);
  }
  console.log(`vscode e2e: ${((Date.now() - started) / 1000).toFixed(1)} s, artefacts in ${OUT}`);
  console.log(`${passed} passed, ${failed} failed, ${steps.length - passed - failed} skipped`);
  process.exit(failed === 0 && passed === steps.length ? 0 : 1);
}

process.on('SIGTERM', () => void stopAll().then(() => process.exit(143)));
await main();
