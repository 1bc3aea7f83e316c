// A finished agent job's result waits for the person (flint-lsp holds it in state "ready"; this
// extension declares experimental.flint.jobReview). It is offered in a notification with
// Review / Apply / Discard: a notification takes neither focus nor keys, so typing goes on.
// Review opens a diff per file (the file as it is ↔ as the result would make it), read-only,
// only when asked; Apply lands the edits as one workspace edit, Discard drops them.
import * as vscode from 'vscode';

import type {FlintContext} from './context';
import {jobResultOffer, newlyReady} from './jobResultText';
import {Commands, Methods, type JobInfo, type JobPreviewResult} from './protocol';

export const PROPOSED_SCHEME = 'flint-job';

type Choice = 'Review'|'Apply'|'Discard';

// The proposed texts the diff editors show, by URI.
class ProposedTexts implements vscode.TextDocumentContentProvider {
  private texts = new Map<string, string>();
  set(uri: vscode.Uri, text: string): void { this.texts.set(uri.toString(), text); }
  forget(jobId: string): void {
    for (const key of [...this.texts.keys()]) {
      if (vscode.Uri.parse(key).path.startsWith(`/${jobId}/`)) this.texts.delete(key);
    }
  }
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class JobResults implements vscode.Disposable {
  private readonly proposed = new ProposedTexts();
  private readonly offered = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly flint: FlintContext) {
    this.disposables.push(
        vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, this.proposed));
    const unsubscribe = flint.jobs.changed.subscribe((job) => {
      for (const ready of newlyReady(job ? [job] : flint.jobs.all(), this.offered)) {
        this.offered.add(ready.jobId);
        void this.offer(ready);
      }
    });
    this.disposables.push({dispose: unsubscribe});
  }

  // The notification; dismissing it leaves the result waiting (flint: Job Result… or Show Jobs).
  async offer(job: JobInfo, choices: Choice[] = ['Review', 'Apply', 'Discard']): Promise<void> {
    const choice =
        await vscode.window.showInformationMessage(jobResultOffer(job), ...choices) as Choice |
        undefined;
    if (choice) await this.act(job, choice);
  }

  async act(job: JobInfo, choice: Choice): Promise<void> {
    if (choice === 'Review') return this.review(job);
    const command = choice === 'Apply' ? Commands.applyJob : Commands.discardJob;
    try {
      const result =
          await this.flint.execute<{state: string; summary?: string}>(command, {jobId: job.jobId});
      this.flint.jobs.update({...job, state: result.state as JobInfo['state'],
                              ...(result.summary ? {summary: result.summary} : {})});
      vscode.window.setStatusBarMessage(`flint: "${job.title}" ${result.state}`, 4000);
      await this.closeReview(job.jobId);
    } catch (error) {
      void vscode.window.showErrorMessage(
          `flint: ${choice.toLowerCase()} "${job.title}": ${messageOf(error)}`);
    }
  }

  // One diff editor per file the result changes; then Apply / Discard are offered again.
  async review(job: JobInfo): Promise<void> {
    let preview: JobPreviewResult;
    try {
      preview = await this.flint.request<JobPreviewResult>(Methods.jobPreview, {jobId: job.jobId});
    } catch (error) {
      void vscode.window.showErrorMessage(
          `flint: cannot review "${job.title}": ${messageOf(error)}`);
      return;
    }
    for (const [index, file] of preview.files.entries()) {
      const current = vscode.Uri.parse(file.uri);
      const name = current.path.split('/').pop() ?? file.uri;
      const proposed =
          vscode.Uri.from({scheme: PROPOSED_SCHEME, path: `/${job.jobId}/${index}/${name}`});
      this.proposed.set(proposed, file.proposed);
      await vscode.commands.executeCommand(
          'vscode.diff', current, proposed, `${name} ↔ flint: ${job.title}`, {preview: false});
    }
    void this.offer(job, ['Apply', 'Discard']);
  }

  private async closeReview(jobId: string): Promise<void> {
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => {
      const input = tab.input;
      return input instanceof vscode.TabInputTextDiff &&
             input.modified.scheme === PROPOSED_SCHEME &&
             input.modified.path.startsWith(`/${jobId}/`);
    });
    if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
    this.proposed.forget(jobId);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

// "flint: Job Result…" (or a ready job picked in Show Jobs): that job's, or the newest,
// waiting result, offered in a quick pick (asked for, so a picker is welcome).
async function pickJobResult(flint: FlintContext, results: JobResults, jobId?: string) {
  const waiting = flint.jobs.all().filter(
      (job) => job.state === 'ready' && (jobId === undefined || job.jobId === jobId));
  const job = waiting[waiting.length - 1];
  if (!job) {
    void vscode.window.showInformationMessage('flint: no job result is waiting');
    return;
  }
  const choice = await vscode.window.showQuickPick(['Review', 'Apply', 'Discard'] as Choice[], {
    title: jobResultOffer(job),
  });
  if (choice) await results.act(job, choice as Choice);
}

export function activateJobResults(flint: FlintContext): vscode.Disposable {
  const results = new JobResults(flint);
  return vscode.Disposable.from(
      results,
      vscode.commands.registerCommand(
          'flint.jobResult',
          (jobId?: unknown) =>
              pickJobResult(flint, results, typeof jobId === 'string' ? jobId : undefined)),
  );
}
