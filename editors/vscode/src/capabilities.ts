// Tells flint-lsp that this client groups a session's streamed edits into one undo step, and
// that it offers a job's result to the person (jobReview) rather than having it land at once
// (docs/PROTOCOL.md, "Client capabilities flint reads").
import type {ClientCapabilities, FeatureState, StaticFeature} from 'vscode-languageclient';

export function withFlintCapabilities(capabilities: ClientCapabilities): ClientCapabilities {
  const experimental = (capabilities.experimental ?? {}) as Record<string, unknown>;
  capabilities.experimental = {...experimental, flint: {editSessions: true, jobReview: true}};
  return capabilities;
}

export class FlintCapabilitiesFeature implements StaticFeature {
  getState(): FeatureState { return {kind: 'static'}; }
  fillClientCapabilities(capabilities: ClientCapabilities): void {
    withFlintCapabilities(capabilities);
  }
  initialize(): void {}
  clear(): void {}
}
