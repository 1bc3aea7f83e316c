// What the extension knows of flint's agent jobs (flint/jobChanged, flint/jobs) and of the
// work-done progress flint reports ($/progress). Plain TypeScript, no VS Code API.
import {isActiveJob, type JobInfo} from './protocol';
import {Signal} from './signal';

const MAX_FINISHED_JOBS = 50;

export class JobTracker {
  readonly changed = new Signal<JobInfo|undefined>();
  // Insertion order is the order jobs were first seen, which is the order Show Jobs lists.
  private jobs = new Map<string, JobInfo>();

  // A jobChanged may leave out message or percentage: what was known stays.
  update(info: JobInfo): JobInfo {
    const previous = this.jobs.get(info.jobId);
    const merged = {...previous, ...withoutUndefined(info)} as JobInfo;
    if (!isActiveJob(merged.state)) {
      // No "done 13%", no progress message next to a finished (or waiting) job.
      delete merged.percentage;
      delete merged.message;
    }
    this.jobs.set(info.jobId, merged);
    this.forgetOldFinished();
    this.changed.fire(merged);
    return merged;
  }

  // The server's own list (flint/jobs) is the truth: jobs it no longer knows are dropped.
  replaceAll(list: readonly JobInfo[]): void {
    this.jobs = new Map(list.map((job) => [job.jobId, {...job}]));
    this.changed.fire(undefined);
  }

  all(): JobInfo[] { return [...this.jobs.values()]; }

  active(): JobInfo[] { return this.all().filter((job) => isActiveJob(job.state)); }

  get(jobId: string): JobInfo|undefined { return this.jobs.get(jobId); }

  clear(): void {
    this.jobs.clear();
    this.changed.fire(undefined);
  }

  private forgetOldFinished(): void {
    const finished = this.all().filter((job) => !isActiveJob(job.state));
    for (const old of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED_JOBS))) {
      this.jobs.delete(old.jobId);
    }
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export type ProgressToken = string|number;

export type WorkDoneProgressValue =|{
  kind: 'begin';
  title: string;
  message?: string;
  percentage?: number;
  cancellable?: boolean
}
|{
  kind: 'report';
  message?: string;
  percentage?: number;
  cancellable?: boolean
}
|{
  kind: 'end';
  message?: string
};

export interface ProgressEntry {
  token: string;
  title: string;
  message?: string;
  percentage?: number;
}

// Work-done progress between its begin and end.
export class ProgressTracker {
  readonly changed = new Signal<void>();
  private entries = new Map<string, ProgressEntry>();

  apply(token: ProgressToken, value: WorkDoneProgressValue): void {
    const key = String(token);
    switch (value.kind) {
      case 'begin':
        this.entries.set(key, {
          token: key,
          title: value.title,
          message: value.message,
          percentage: value.percentage,
        });
        break;
      case 'report': {
        const entry = this.entries.get(key);
        if (!entry) return;  // a report without its begin carries no title to show
        if (value.message !== undefined) entry.message = value.message;
        if (value.percentage !== undefined) entry.percentage = value.percentage;
        break;
      }
      case 'end':
        if (!this.entries.delete(key)) return;
        break;
    }
    this.changed.fire();
  }

  active(): ProgressEntry[] { return [...this.entries.values()]; }

  clear(): void {
    this.entries.clear();
    this.changed.fire();
  }
}
