// "flint: Show Jobs": a quick pick of agent jobs with their state; a waiting result can be
// reviewed, applied or discarded from there, an active job cancelled (its button, or picking
// it), a finished one shows its summary.
import * as vscode from 'vscode';

import type {FlintContext} from './context';
import {jobItemText, orderJobsForPicker} from './jobItems';
import {Commands, isActiveJob, type JobInfo} from './protocol';

interface JobPickItem extends vscode.QuickPickItem {
  job?: JobInfo;
}

const CANCEL_BUTTON: vscode.QuickInputButton = {
  iconPath: new vscode.ThemeIcon('debug-stop'),
  tooltip: 'Cancel job',
};

export async function cancelJob(flint: FlintContext, job: JobInfo): Promise<void> {
  try {
    const result =
        await flint.execute<{jobId: string; state: string}>(Commands.cancelJob, {jobId: job.jobId});
    vscode.window.setStatusBarMessage(
        `flint: job "${job.title}" ${result?.state ?? 'cancelled'}`, 4000);
  } catch (error) {
    void vscode.window.showErrorMessage(
        `flint: could not cancel "${job.title}": ${messageOf(error)}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function items(flint: FlintContext): JobPickItem[] {
  const jobs = orderJobsForPicker(flint.jobs.all());
  if (jobs.length === 0) {
    return [{label: '$(info) No agent jobs', description: 'flint: Run Agent Task starts one'}];
  }
  return jobs.map((job) => ({
                    ...jobItemText(job),
                    job,
                    buttons: isActiveJob(job.state) ? [CANCEL_BUTTON] : [],
                  }));
}

export async function showJobs(flint: FlintContext): Promise<void> {
  const pick = vscode.window.createQuickPick<JobPickItem>();
  pick.title = 'flint: Jobs';
  pick.placeholder =
      'Pick a ready result to review or apply it, a running job to cancel it, a finished one to read it';
  pick.matchOnDescription = true;
  pick.items = items(flint);
  pick.busy = true;
  const refresh = () => {
    pick.items = items(flint);
  };
  const unsubscribe = flint.jobs.changed.subscribe(refresh);
  void flint.refreshJobs().finally(() => {
    pick.busy = false;
    refresh();
  });

  const chosen = await new Promise<JobPickItem|undefined>((resolve) => {
    pick.onDidTriggerItemButton(({item}) => {
      if (item.job) void cancelJob(flint, item.job);
    });
    pick.onDidAccept(() => resolve(pick.selectedItems[0]));
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  unsubscribe();
  pick.dispose();

  const job = chosen?.job;
  if (!job) return;
  if (job.state === 'ready') {
    await vscode.commands.executeCommand('flint.jobResult', job.jobId);
  } else if (isActiveJob(job.state)) {
    const answer = await vscode.window.showQuickPick(
        [
          {label: `$(debug-stop) Cancel "${job.title}"`, cancel: true},
          {label: '$(arrow-left) Keep it running', cancel: false},
        ],
        {title: `flint: ${job.title} (${job.state})`},
    );
    if (answer?.cancel) await cancelJob(flint, job);
  } else {
    const text = job.summary ?? job.message ?? `The job ${job.state}.`;
    void vscode.window.showInformationMessage(`flint: ${job.title} — ${text}`);
  }
}
