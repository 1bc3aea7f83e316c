// How a job reads in the "flint: Show Jobs" list. Plain TypeScript so it is unit-tested.
import {isActiveJob, type JobInfo, type JobState} from './protocol';

const ICONS: Record<JobState, string> = {
  queued: '$(clock)',
  running: '$(sync~spin)',
  ready: '$(diff)',
  done: '$(check)',
  failed: '$(error)',
  cancelled: '$(circle-slash)',
  discarded: '$(trash)',
};

export interface JobItemText {
  label: string;
  description: string;
  detail?: string;
}

export function jobItemText(job: JobInfo): JobItemText {
  let description = job.state;
  if (isActiveJob(job.state) && job.percentage !== undefined)
    description += ` · ${job.percentage}%`;
  // A finished job's last progress message is stale: its summary says how it ended.
  const detail = isActiveJob(job.state) ? (job.message ?? job.summary) : (job.summary ?? job.message);
  return {label: `${ICONS[job.state]} ${job.title}`, description, ...(detail ? {detail} : {})};
}

// Results waiting for the person first, then running work, then the finished jobs (each
// newest first).
export function orderJobsForPicker(jobs: readonly JobInfo[]): JobInfo[] {
  const newestFirst = [...jobs].reverse();
  return [
    ...newestFirst.filter((job) => job.state === 'ready'),
    ...newestFirst.filter((job) => isActiveJob(job.state)),
    ...newestFirst.filter((job) => !isActiveJob(job.state) && job.state !== 'ready'),
  ];
}
