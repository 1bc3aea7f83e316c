// Drives the VS Code workbench in a Playwright page the way a person does: keyboard shortcuts,
// the command palette, input boxes; reads what a person sees: the editor's lines, the status
// bar, notifications.
import {waitFor} from './processes.mjs';

const QUICK_INPUT = '.quick-input-widget';

export async function waitForWorkbench(page, timeoutMs = 90000) {
  await page.waitForSelector(
      '.monaco-workbench .part.statusbar', {state: 'visible', timeout: timeoutMs});
  // The explorer lists the folder once the remote file system is up.
  await page.waitForSelector(
      '.explorer-folders-view .monaco-list-row', {state: 'visible', timeout: timeoutMs});
}

async function quickInputVisible(page) { return page.locator(QUICK_INPUT).isVisible(); }

async function waitQuickInput(page, visible, timeoutMs = 15000) {
  await page.waitForSelector(
      QUICK_INPUT, {state: visible ? 'visible' : 'hidden', timeout: timeoutMs});
}

// Picks the row of the open quick input whose label contains `label`.
async function pickRow(page, label, timeoutMs = 15000) {
  const row = page.locator(`${QUICK_INPUT} .monaco-list-row`, {hasText: label}).first();
  await row.waitFor({state: 'visible', timeout: timeoutMs});
  await row.click();
}

export async function runCommand(page, title, timeoutMs = 15000) {
  if (await quickInputVisible(page)) {
    await page.keyboard.press('Escape');
    await waitQuickInput(page, false);
  }
  await page.keyboard.press('F1');
  await waitQuickInput(page, true);
  await page.keyboard.type(title);
  await pickRow(page, title, timeoutMs);
}

// Answers an input box (showInputBox) once its title reads `title` (the palette that opened it
// may still be on its way out: its rows would match the title too).
export async function answerInput(page, title, text) {
  await page.locator(`${QUICK_INPUT} .quick-input-title`, {hasText: title})
      .waitFor({state: 'visible', timeout: 15000});
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await waitQuickInput(page, false);
}

export async function quickPickRows(page) {
  await waitQuickInput(page, true);
  return page.locator(`${QUICK_INPUT} .monaco-list-row`).allInnerTexts();
}

export async function openFile(page, name) {
  await page.keyboard.press('Control+P');
  await waitQuickInput(page, true);
  await page.keyboard.type(name);
  await pickRow(page, name);
  await page.locator('.tabs-container .tab.active', {hasText: name})
      .waitFor({state: 'visible', timeout: 15000});
  await page.waitForSelector(
      '.editor-group-container.active .monaco-editor .view-lines', {timeout: 15000});
}

// Keyboard focus into the (first) editor group, as Ctrl+1 does for a person; a mouse click
// would move the cursor.
export async function focusEditor(page) {
  await page.keyboard.press('Control+1');
  await page.waitForSelector(
      '.editor-group-container.active .monaco-editor.focused', {timeout: 10000});
}

export async function goToLine(page, line, column = 1) {
  await page.keyboard.press('Control+G');
  await waitQuickInput(page, true);
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await waitQuickInput(page, false);
}

// The active editor's text as rendered (every line of a small file is rendered), in line order.
export async function editorText(page) {
  return page.evaluate(() => {
    const lines = [...document.querySelectorAll(
        '.editor-group-container.active .monaco-editor .view-lines .view-line')];
    lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
    return lines.map((l) => l.textContent.replace(/\u00a0/g, ' ')).join('\n');
  });
}

export async function waitForEditorText(page, what, predicate, timeoutMs = 30000) {
  return waitFor(what, async () => {
    const text = await editorText(page);
    return predicate(text) ? text : undefined;
  }, {timeoutMs});
}

// flint's status-bar item: its accessible label (what it says) and whether its icon spins.
export async function flintStatus(page) {
  return page.evaluate(() => {
    const items = [...document.querySelectorAll('.part.statusbar .statusbar-item')];
    const item = items.find((el) => (el.id ?? '').endsWith('flint.status'));
    if (!item) return undefined;
    const link = item.querySelector('a') ?? item;
    return {
      label: link.getAttribute('aria-label') ?? '',
      text: link.textContent ?? '',
      spinning: item.querySelector('.codicon-modifier-spin') !== null,
    };
  });
}

export async function waitForStatus(page, what, predicate, timeoutMs = 30000) {
  return waitFor(`status bar: ${what}`, async () => {
    const status = await flintStatus(page);
    return status && predicate(status) ? status : undefined;
  }, {timeoutMs, intervalMs: 50});
}

export async function notifications(page) {
  return page.locator('.notification-toast').allInnerTexts();
}

export async function codeLensTitles(page) {
  return page.locator('.editor-group-container.active .contentWidgets .codelens-decoration a')
      .allInnerTexts();
}

// The editor's cursor item in the status bar ("Ln 5, Col 18", with "(97 selected)" while text is
// selected), as a person reads it.
export async function cursorStatus(page) {
  return page.evaluate(() => {
    const item = document.getElementById('status.editor.selection');
    return (item?.textContent ?? '').replace(/\u00a0/g, ' ').trim();
  });
}

