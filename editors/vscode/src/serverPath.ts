// Where flint-lsp is, and which source it came from. In order:
//   1. the flint.server.path setting (and nothing else when it is set);
//   2. the binary bundled in a platform-specific .vsix (server/<platform>-<arch>/flint-lsp);
//   3. PATH as the extension host sees it;
//   4. the usual install directories (see INSTALL_DIRS);
//   5. the build output of a flint checkout: an open workspace folder, or the checkout this
//      extension was loaded from (extension development, or installed by symlink).
import * as path from 'node:path';

export const SERVER_EXECUTABLE = 'flint-lsp';

// Where a build tree puts the binary: CMake's default tree and the release preset
// (server/CMakeLists.txt), and the portable binary of scripts/package.
const BUILD_OUTPUTS = ['build/bin', 'build/release/bin', 'build/package/bin'];

export type ServerSource = 'setting'|'bundled'|'PATH'|'install directory'|'build folder';

export interface ServerPathQuery {
  configured: string;
  pathEnv: string|undefined;
  workspaceFolders: readonly string[];
  extensionPath: string;
  home: string;
  // process.platform and process.arch; their pair names the bundled binary's folder, which is
  // also vsce's --target (linux-x64, linux-arm64, darwin-arm64...).
  platform: string;
  arch: string;
}

export interface ServerCandidate {
  path: string;
  source: ServerSource;
}

export interface ServerPathResult {
  path?: string;
  source?: ServerSource;
  // Every place looked at, in order, for the error message when none held the binary.
  tried: string[];
}

// How a person reads the source, in the output channel and in "flint: Show Server Info".
export const SOURCE_DESCRIPTIONS: Record<ServerSource, string> = {
  'setting': 'the flint.server.path setting',
  'bundled': 'bundled with the extension',
  'PATH': 'found on PATH',
  'install directory': 'found in an install directory',
  'build folder': 'found in a build folder of a flint checkout',
};

// The folder a platform-specific .vsix carries its server in (scripts/package.mjs --target).
export function bundledServerPath(extensionPath: string, platform: string, arch: string): string {
  return path.join(extensionPath, 'server', `${platform}-${arch}`, SERVER_EXECUTABLE);
}

// An editor started from a desktop menu or a dock does not get the PATH of a login shell: the
// places a user's installer puts binaries are often missing from the extension host's PATH
// even though `flint-lsp` works in their terminal. So they are tried after PATH.
function installDirs(home: string): string[] {
  return [path.join(home, '.local', 'bin'), '/usr/local/bin', '/usr/bin'];
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

export function serverPathCandidates(query: ServerPathQuery): ServerCandidate[] {
  const configured = query.configured.trim();
  if (configured !== '') {
    // An explicit setting is never second-guessed: falling back would hide a typo.
    return [{path: expandConfigured(configured, query), source: 'setting'}];
  }
  const candidates: ServerCandidate[] = [];
  const seen = new Set<string>();
  const add = (file: string, source: ServerSource) => {
    if (seen.has(file)) return;  // a directory on PATH is not looked at again as an install dir
    seen.add(file);
    candidates.push({path: file, source});
  };
  add(bundledServerPath(query.extensionPath, query.platform, query.arch), 'bundled');
  for (const dir of (query.pathEnv ?? '').split(path.delimiter)) {
    if (dir !== '') add(path.join(dir, SERVER_EXECUTABLE), 'PATH');
  }
  for (const dir of installDirs(query.home)) add(path.join(dir, SERVER_EXECUTABLE), 'install directory');
  const checkouts =
      [...query.workspaceFolders, path.resolve(query.extensionPath, '..', '..')];
  for (const checkout of checkouts) {
    for (const output of BUILD_OUTPUTS) {
      add(path.join(checkout, output, SERVER_EXECUTABLE), 'build folder');
    }
  }
  return candidates;
}

export function resolveServerPath(
    query: ServerPathQuery,
    isExecutable: (file: string) => boolean,
    ): ServerPathResult {
  const tried: string[] = [];
  for (const candidate of serverPathCandidates(query)) {
    tried.push(candidate.path);
    if (isExecutable(candidate.path)) return {path: candidate.path, source: candidate.source, tried};
  }
  return {tried};
}

// The output channel's line about the binary in use.
export function serverFoundMessage(result: ServerPathResult): string {
  if (!result.path || !result.source) return 'flint-lsp not found';
  return `using flint-lsp ${result.path} (${SOURCE_DESCRIPTIONS[result.source]})`;
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
  return `flint: flint-lsp was not found with the extension, on PATH or in a build directory (looked at ${
      shown}${more}). Install the flint .vsix for your platform, or set "flint.server.path" to the executable.`;
}
