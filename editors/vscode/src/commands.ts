// The commands a person runs (palette, keybindings, CodeLens, editor title). Each one turns into
// one of flint's workspace/executeCommand commands (docs/PROTOCOL.md).
import * as vscode from 'vscode';

import type {FlintContext} from './context';
import {showJobs} from './jobsPicker';
import {type AgentTaskArgs, Commands, type InlineEditArgs, type InlineEditResult, type Range} from './protocol';
import {collapseSelection} from './selection';
import {showServerInfo} from './serverInfo';
import {checkSetup} from './setupCheck';

function toProtocolRange(range: vscode.Range): Range {
  return {
    start: {line: range.start.line, character: range.start.character},
    end: {line: range.end.line, character: range.end.character},
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function reportFailure(what: string, error: unknown): void {
  void vscode.window.showErrorMessage(`flint: ${what} failed: ${messageOf(error)}`);
}

// A command's own argument wins (keybinding args, tests); otherwise the person is asked.
async function askInstruction(
    given: unknown, title: string, prompt: string): Promise<string|undefined> {
  if (typeof given === 'string' && given.trim() !== '') return given;
  const answer = await vscode.window.showInputBox({
    title,
    prompt,
    placeHolder: 'e.g. handle the empty list; rename x to count',
    ignoreFocusOut: true,
  });
  return answer?.trim() ? answer : undefined;
}

// The session a command applies to: its own argument (CodeLens), else the active document's
// session under the cursor (or its latest).
function sessionFor(flint: FlintContext, given: unknown): string|undefined {
  if (typeof given === 'string' && given !== '') return given;
  const editor = vscode.window.activeTextEditor;
  const uri = editor?.document.uri.toString();
  const active = editor?.selection.active;
  const cursor = active ? {line: active.line, character: active.character} : undefined;
  return flint.sessions.current(uri, cursor)?.sessionId;
}

async function editAtCursor(flint: FlintContext, instructionArg?: unknown): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage(
        'flint: open a file and place the cursor where the edit goes.');
    return;
  }
  const selection = editor.selection;
  const instruction = await askInstruction(
      instructionArg,
      'flint: Edit at Cursor / Selection',
      selection.isEmpty ? 'What should change around the cursor?' :
                          'What should change in the selection?',
  );
  if (!instruction) return;
  const running = flint.serverState === 'running';
  const started = startInlineEdit(flint, {
    textDocument: {uri: editor.document.uri.toString()},
    range: toProtocolRange(selection),
    instruction,
  });
  if (running) collapseSelection(editor, editor.document.uri.toString());
  await started;
}


// flint.promptEdit: the command of flint's "Edit with instruction…" code action, which the
// server leaves to the client (it offers it to clients that declare editSessions): ask, then
// run flint.inlineEdit on the action's document and range.
async function promptEdit(flint: FlintContext, target?: unknown): Promise<void> {
  const t = target as {textDocument?: {uri?: unknown}, range?: Range} | undefined;
  if (typeof t?.textDocument?.uri !== 'string' || !t.range) {
    await editAtCursor(flint);
    return;
  }
  const instruction = await askInstruction(
      undefined, 'flint: Edit with instruction', 'What should change in this region?');
  if (!instruction) return;
  const running = flint.serverState === 'running';
  const started = startInlineEdit(
      flint, {textDocument: {uri: t.textDocument.uri}, range: t.range, instruction});
  if (running) collapseSelection(vscode.window.activeTextEditor, t.textDocument.uri);
  await started;
}

async function startInlineEdit(flint: FlintContext, args: InlineEditArgs): Promise<void> {
  try {
    const result = await flint.execute<InlineEditResult>(Commands.inlineEdit, args, true);
    if (result?.stats) {
      const s = result.stats;
      // A time the session never reached (no token before it failed) is null.
      const ms = (value: number|null) => value === null ? '—' : `${Math.round(value)} ms`;
      flint.output.info(`edit ${result.sessionId} ${result.state}: ${s.tokens} tokens, ${
          s.edits} edits, first token ${ms(s.firstTokenMs)}, first edit ${
          ms(s.firstEditMs)}, ${ms(s.durationMs)}`);
    }
  } catch (error) {
    reportFailure('Edit', error);
  }
}

async function steer(
    flint: FlintContext, sessionArg?: unknown, instructionArg?: unknown): Promise<void> {
  const sessionId = sessionFor(flint, sessionArg);
  if (!sessionId) {
    void vscode.window.showInformationMessage('flint: there is no edit to steer.');
    return;
  }
  const instruction =
      await askInstruction(instructionArg, 'flint: Steer', 'How should the edit change course?');
  if (!instruction) return;
  try {
    await flint.execute(Commands.steer, {sessionId, instruction});
  } catch (error) {
    reportFailure('Steer', error);
  }
}

function sessionCommand(flint: FlintContext, command: string, what: string) {
  return async (sessionArg?: unknown) => {
    const sessionId = sessionFor(flint, sessionArg);
    if (!sessionId) {
      void vscode.window.showInformationMessage(
          `flint: there is no edit to ${what.toLowerCase()}.`);
      return;
    }
    try {
      await flint.execute(command, {sessionId});
    } catch (error) {
      reportFailure(what, error);
    }
  };
}

async function runAgentTask(flint: FlintContext, instructionArg?: unknown): Promise<void> {
  const instruction = await askInstruction(
      instructionArg,
      'flint: Run Agent Task',
      'What should the background agent do? It works on the workspace and proposes one edit to review.',
  );
  if (!instruction) return;
  const editor = vscode.window.activeTextEditor;
  const args: AgentTaskArgs = {instruction};
  if (editor) {
    args.textDocument = {uri: editor.document.uri.toString()};
    if (!editor.selection.isEmpty) args.range = toProtocolRange(editor.selection);
  }
  try {
    const {jobId} = await flint.execute<{jobId: string}>(Commands.agentTask, args);
    vscode.window.setStatusBarMessage(`flint: agent job ${jobId} started`, 4000);
  } catch (error) {
    reportFailure('Run Agent Task', error);
  }
}

export function registerCommands(flint: FlintContext): vscode.Disposable {
  return vscode.Disposable.from(
      vscode.commands.registerCommand(
          'flint.editAtCursor', (instruction?: unknown) => editAtCursor(flint, instruction)),
      vscode.commands.registerCommand(
          'flint.steerEdit',
          (sessionId?: unknown, instruction?: unknown) => steer(flint, sessionId, instruction),
          ),
      vscode.commands.registerCommand(
          'flint.acceptEdit', sessionCommand(flint, Commands.accept, 'Accept')),
      vscode.commands.registerCommand(
          'flint.rejectEdit', sessionCommand(flint, Commands.reject, 'Reject')),
      vscode.commands.registerCommand(
          'flint.cancelEdit', sessionCommand(flint, Commands.cancel, 'Cancel')),
      vscode.commands.registerCommand(
          'flint.runAgentTask', (instruction?: unknown) => runAgentTask(flint, instruction)),
      vscode.commands.registerCommand('flint.showJobs', () => showJobs(flint)),
      vscode.commands.registerCommand(
          'flint.promptEdit', (target?: unknown) => promptEdit(flint, target)),
      vscode.commands.registerCommand('flint.restartServer', () => flint.restart()),
      vscode.commands.registerCommand('flint.showServerInfo', () => showServerInfo(flint)),
      vscode.commands.registerCommand('flint.checkSetup', () => checkSetup(flint)),
  );
}
