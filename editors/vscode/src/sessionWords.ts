// How an edit session's state is named: one wording for the status bar, notifications and
// CodeLens, so that a session is never "cancelled" in one place and "failed" in another. Plain
// TypeScript so the wording is unit-tested.
import type {SessionState} from './protocol';

// The server's reason when the person typed inside a streaming region (server/edits/edit_session.cpp).
const TYPED_INSIDE = 'the user edited the region';

export interface SessionFacts {
  state: SessionState;
  reason?: string;
  // flint's partial text is in the buffer (see SessionRecord.wrote).
  wrote?: boolean;
}

// "failed: <reason>", "cancelled", "stopped: you typed inside it", "in review", ...
export function sessionStateText(facts: SessionFacts): string {
  const reason = facts.reason?.trim();
  switch (facts.state) {
    case 'streaming':
      return reason === 'thinking' ? 'thinking' : 'editing';
    case 'done':
      return 'in review';
    case 'failed':
      return reason ? `failed: ${reason}` : 'failed';
    case 'escalated':
      return 'handed to an agent job';
    case 'accepted':
      return 'accepted';
    case 'rejected':
      return 'rejected';
    case 'cancelled':
      if (reason === TYPED_INSIDE) return 'stopped: you typed inside it';
      // "cancelled (cancelled)" says nothing: only a reason that adds something is shown
      // ("replaced by a newer edit over the same lines", "the editor did not answer ...").
      return reason && reason !== 'cancelled' ? `stopped: ${reason}` : 'cancelled';
  }
}

// What can still be done with a session that stopped early with flint's text in the buffer.
export const STOPPED_HINT =
    'Reject restores the original (your own changes kept); Keep leaves the text as it is';
