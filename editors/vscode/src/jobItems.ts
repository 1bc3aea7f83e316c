// How a job reads in the "flint: Show Jobs" list. Plain TypeScript so it is unit-tested.
import {isActiveJob, type JobInfo, type JobState} from './protocol';

const ICONS: Record<JobState, string> = {
  queued: '$(clock)',
  running: '$(sync~spin)',
  done: '$(check)',
  failed: '$(error)',
  cancelled: '$(circle-slash)',
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
  const detail = job.message ?? job.summary;
  return {label: `${ICONS[job.state]} ${job.title}`, description, ...(detail ? {detail} : {})};
}

// Running work first (newest first), then the finished jobs (newest first).
export function orderJobsForPicker(jobs: readonly JobInfo[]): JobInfo[] {
  const newestFirst = [...jobs].reverse();
  return [
    ...newestFirst.filter((job) => isActiveJob(job.state)),
    ...newestFirst.filter((job) => !isActiveJob(job.state)),
  ];
}
