// What the job-result notification says, and which jobs it is for. Plain TypeScript so it is
// unit-tested.
import type {JobInfo} from './protocol';

// `flint: "Rename total" is ready — 3 changes in 2 files: renamed total`.
export function jobResultOffer(job: JobInfo): string {
  return `flint: "${job.title}" is ready — ${job.summary ?? 'its result waits'}`;
}

// The ready jobs not offered yet, oldest first.
export function newlyReady(jobs: readonly JobInfo[], offered: ReadonlySet<string>): JobInfo[] {
  return jobs.filter((job) => job.state === 'ready' && !offered.has(job.jobId));
}
