// What "flint: Show Server Info" says: which flint-lsp, found where, which version, and what the
// running server told `initialize`. Plain TypeScript so the wording is unit-tested.
import {SOURCE_DESCRIPTIONS, type ServerPathResult} from './serverPath';
import type {ServerState} from './statusModel';

export interface ServerInfoFacts {
  location: ServerPathResult;
  // `flint-lsp --version`'s line ("flint-lsp 0.1.0"), undefined when it failed.
  version?: string;
  // The running server's serverInfo from initialize.
  running?: {name: string, version?: string};
  state: ServerState;
  problem?: string;
}

export function serverInfoLines(facts: ServerInfoFacts): string[] {
  const {location} = facts;
  if (!location.path || !location.source) {
    return [
      'path: flint-lsp not found',
      `looked at: ${location.tried.join(', ')}`,
    ];
  }
  const running = facts.running ?
      `${facts.running.name}${facts.running.version ? ` ${facts.running.version}` : ''}` :
      `no (${facts.state}${facts.problem ? `: ${facts.problem}` : ''})`;
  return [
    `path: ${location.path}`,
    `source: ${location.source} (${SOURCE_DESCRIPTIONS[location.source]})`,
    `version: ${facts.version ?? 'unknown (flint-lsp --version printed none)'}`,
    `running: ${running}`,
  ];
}

// The notification: `flint: flint-lsp 0.1.0, bundled with the extension: /path (running)`.
export function serverInfoSummary(facts: ServerInfoFacts): string {
  const {location} = facts;
  if (!location.path || !location.source) {
    return `flint: flint-lsp was not found (looked at ${location.tried.length} places; see the output).`;
  }
  const running = facts.running ? 'running' : `not running (${facts.state})`;
  return `flint: ${facts.version ?? 'flint-lsp (version unknown)'}, ${
      SOURCE_DESCRIPTIONS[location.source]}: ${location.path} — ${running}.`;
}
