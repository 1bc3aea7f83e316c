// What the status-bar item says: the active edit session, running jobs, and a spinner while
// any work runs. Plain TypeScript so the wording is unit-tested.
import type {ProgressEntry} from './jobs';
import type {JobInfo} from './protocol';
import {isActiveJob} from './protocol';

export type ServerState = 'starting'|'running'|'stopped';

export interface StatusInput {
  server: ServerState;
  serverProblem?: string;
  streamingSessions: number;
  reviewSessions: number;
  // Stopped early with flint's partial text in the buffer (Reject takes it back), and how the
  // latest of them is named ("cancelled", "stopped: you typed inside it"; sessionWords.ts).
  stoppedSessions?: number;
  stoppedText?: string;
  jobs: readonly JobInfo[];
  progress: readonly ProgressEntry[];
}

export interface StatusView {
  text: string;
  tooltip: string;
  busy: boolean;
  // Read by screen readers, and by the e2e test to find the item.
  accessibleLabel: string;
}

export const SPINNER = '$(sync~spin)';

// The title of flint-lsp's progress for an inline edit (server/inline_edit_handlers.cpp).
export const EDIT_PROGRESS_TITLE = 'flint: editing';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function describeJob(job: JobInfo): string {
  let line = `${job.title} — ${job.state}`;
  if (job.percentage !== undefined && isActiveJob(job.state)) line += ` ${job.percentage}%`;
  const detail = job.message ?? job.summary;
  if (detail) line += `: ${detail}`;
  return line;
}

export function statusView(input: StatusInput): StatusView {
  if (input.server === 'stopped') {
    const tooltip = `flint: the server is not running${
        input.serverProblem ?
            ` (${input.serverProblem})` :
            ''}. Click for the jobs list; "flint: Restart Server" starts it again.`;
    return {text: '$(error) flint', tooltip, busy: false, accessibleLabel: 'flint: server stopped'};
  }

  const activeJobs = input.jobs.filter((job) => isActiveJob(job.state));
  const jobTitles = new Set(input.jobs.map((job) => job.title));
  // Progress that is not a job's own (e.g. an inline edit's) still means work is running.
  const otherProgress = input.progress.filter((p) => !jobTitles.has(p.title));
  const busy = input.server === 'starting' || input.streamingSessions > 0 ||
      activeJobs.length > 0 || input.progress.length > 0;

  const parts: string[] = [];
  // One edit streaming: how far it is (flint-lsp's progress: the answer's length through the
  // region's, at most 99 until the end).
  const editProgress = input.progress.filter((p) => p.title === EDIT_PROGRESS_TITLE);
  const percent = input.streamingSessions === 1 && editProgress.length === 1 ?
      editProgress[0].percentage :
      undefined;
  if (input.streamingSessions > 0)
    parts.push(percent !== undefined ? `editing ${percent}%` : 'editing');
  else if (input.reviewSessions > 0)
    parts.push('review edit');
  else if ((input.stoppedSessions ?? 0) > 0)
    parts.push(`edit ${(input.stoppedText ?? 'stopped').split(':')[0]}`);
  if (activeJobs.length > 0) parts.push(plural(activeJobs.length, 'job'));
  if (input.server === 'starting' && parts.length === 0) parts.push('starting');

  const icon = busy ? SPINNER : input.reviewSessions > 0 ? '$(check)' : '$(sparkle)';
  const summary = parts.length > 0 ? `flint: ${parts.join(' · ')}` : 'flint';

  const lines: string[] = [];
  if (input.streamingSessions > 0)
    lines.push(`Streaming ${plural(input.streamingSessions, 'edit')}`);
  if (input.reviewSessions > 0) {
    lines.push(`${plural(input.reviewSessions, 'edit')} waiting for Accept or Reject`);
  }
  if ((input.stoppedSessions ?? 0) > 0) {
    const what = input.stoppedSessions === 1 && input.stoppedText ?
        `1 edit ${input.stoppedText}` :
        `${plural(input.stoppedSessions ?? 0, 'edit')} stopped early`;
    lines.push(`${what}: Reject takes ${
        input.stoppedSessions === 1 ? 'it' : 'them'} back, Keep keeps the text`);
  }
  for (const job of input.jobs) lines.push(describeJob(job));
  for (const p of otherProgress) {
    lines.push(`${p.title}${p.percentage !== undefined ? ` ${p.percentage}%` : ''}${
        p.message ? `: ${p.message}` : ''}`);
  }
  if (lines.length === 0) lines.push('Idle');
  lines.push('Click to show jobs');

  return {
    text: `${icon} ${summary}`,
    tooltip: lines.join('\n'),
    busy,
    accessibleLabel: busy ? `${summary} (working)` : summary,
  };
}
