// flint's wire contract (docs/PROTOCOL.md) as TypeScript types: the commands the extension sends
// through workspace/executeCommand, and flint's own notifications and requests.
// Positions are LSP positions in the negotiated encoding (UTF-16 with vscode-languageclient).

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type SessionState =
    |'streaming'|'done'|'cancelled'|'failed'|'escalated'|'accepted'|'rejected';

// ready: the result waits for flint.applyJob or flint.discardJob (clients with jobReview).
export type JobState = 'queued'|'running'|'ready'|'done'|'failed'|'cancelled'|'discarded';

// flint/editSession: sent when a session starts and at every state change.
export interface EditSessionParams {
  sessionId: string;
  uri: string;
  state: SessionState;
  region: Range;
  reason?: string;
  jobId?: string;
}

// flint/jobChanged, and one entry of the flint/jobs answer.
export interface JobInfo {
  jobId: string;
  title: string;
  state: JobState;
  message?: string;
  percentage?: number;
  summary?: string;
  files?: string[];  // while ready: the URIs the result changes
  changes?: number;
}

// flint/jobPreview: a ready job's result per file, the text now and as it would be.
export interface JobPreviewResult {
  jobId: string;
  files: {uri: string; current: string; proposed: string; changes: number}[];
}

export interface JobsResult {
  jobs: JobInfo[];
}

export interface InlineEditArgs {
  textDocument: {uri: string};
  range: Range;
  instruction: string;
}

export interface InlineEditResult {
  sessionId: string;
  state: SessionState;
  region: Range;
  reason?: string;
  jobId?: string;
  stats?: {
    tokens: number; edits: number; firstTokenMs: number | null; firstEditMs: number | null;
    durationMs: number | null;
  };
}

export interface AgentTaskArgs {
  instruction: string;
  textDocument?: {uri: string};
  range?: Range;
}

export const Commands = {
  inlineEdit: 'flint.inlineEdit',
  steer: 'flint.steer',
  accept: 'flint.accept',
  reject: 'flint.reject',
  cancel: 'flint.cancel',
  agentTask: 'flint.agentTask',
  cancelJob: 'flint.cancelJob',
  applyJob: 'flint.applyJob',
  discardJob: 'flint.discardJob',
} as const;

export const Methods = {
  editSession: 'flint/editSession',
  jobChanged: 'flint/jobChanged',
  jobs: 'flint/jobs',
  jobPreview: 'flint/jobPreview',
} as const;

// A session still owns its region: the extension draws it and Accept/Reject/Steer apply to it.
export function isLiveSession(state: SessionState): boolean {
  return state === 'streaming' || state === 'done';
}

export function isActiveJob(state: JobState): boolean {
  return state === 'queued' || state === 'running';
}
