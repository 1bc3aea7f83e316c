// Where flint-lsp is: the configured path, else on PATH, else the build output of a flint
// checkout (an open workspace folder, or the checkout this extension was loaded from).
import * as path from 'node:path';

export const SERVER_EXECUTABLE = 'flint-lsp';
// Where CMake puts the binary inside a build tree (server/CMakeLists.txt).
const BUILD_OUTPUT = path.join('build', 'bin', SERVER_EXECUTABLE);

export interface ServerPathQuery {
  configured: string;
  pathEnv: string|undefined;
  workspaceFolders: readonly string[];
  extensionPath: string;
  home: string;
}

export interface ServerPathResult {
  path?: string;
  // Every place looked at, in order, for the error message when none held the binary.
  tried: string[];
}

function expandConfigured(configured: string, query: ServerPathQuery): string {
  let expanded = configured.replace(/\$\{workspaceFolder\}/g, query.workspaceFolders[0] ?? '');
  if (expanded === '~' || expanded.startsWith('~/')) {
    expanded = path.join(query.home, expanded.slice(1));
  }
  if (!path.isAbsolute(expanded) && query.workspaceFolders.length > 0) {
    expanded = path.join(query.workspaceFolders[0], expanded);
  }
  return expanded;
}

export function serverPathCandidates(query: ServerPathQuery): string[] {
  const configured = query.configured.trim();
  if (configured !== '') {
    // An explicit setting is never second-guessed: falling back would hide a typo.
    return [expandConfigured(configured, query)];
  }
  const candidates: string[] = [];
  for (const dir of (query.pathEnv ?? '').split(path.delimiter)) {
    if (dir !== '') candidates.push(path.join(dir, SERVER_EXECUTABLE));
  }
  for (const folder of query.workspaceFolders) {
    candidates.push(path.join(folder, BUILD_OUTPUT));
  }
  // editors/vscode inside a flint checkout (extension development, or installed by symlink).
  candidates.push(path.resolve(query.extensionPath, '..', '..', BUILD_OUTPUT));
  return candidates;
}

export function resolveServerPath(
    query: ServerPathQuery,
    isExecutable: (file: string) => boolean,
    ): ServerPathResult {
  const tried: string[] = [];
  for (const candidate of serverPathCandidates(query)) {
    tried.push(candidate);
    if (isExecutable(candidate)) return {path: candidate, tried};
  }
  return {tried};
}

// What to tell the person when no candidate held the binary: the path tried when it was set,
// else where flint looked (the first places; the whole list goes to the log).
export function notFoundMessage(query: ServerPathQuery, result: ServerPathResult): string {
  if (query.configured.trim() !== '' && result.tried.length > 0) {
    return `flint: "flint.server.path" is ${result.tried[0]}, which is not an executable file. ` +
        'Set it to the flint-lsp executable.';
  }
  const shown = result.tried.slice(0, 3).join(', ');
  const more = result.tried.length > 3 ? ` and ${result.tried.length - 3} more (see the log)` : '';
  return `flint: flint-lsp was not found on PATH or in a build directory (looked at ${shown}${
      more}). Set "flint.server.path" to the executable.`;
}
