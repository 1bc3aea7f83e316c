// Builds the extension's .vsix: the bundled extension, its manifest and README, nothing else.
//   node scripts/package.mjs [--out FILE.vsix]
//       (npm run package) the platform-neutral flint-<version>.vsix: it finds flint-lsp on the
//       machine (serverPath.ts)
//   node scripts/package.mjs --server PATH/flint-lsp [--target linux-x64] [--out FILE.vsix]
//       a platform-specific flint-<version>-<target>.vsix that carries its server as
//       server/<target>/flint-lsp (the extension's first choice after flint.server.path); the
//       target defaults to this machine's (process.platform-process.arch, vsce's names)
// The package is staged in a scratch directory, the server binary copied in there, so that two
// builds (e.g. two CMake build trees) never write into the source tree at the same time and no
// binary is ever left in the checkout.
import {spawnSync} from 'node:child_process';
import {chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {parseArgs} from 'node:util';
import {fileURLToPath} from 'node:url';

import {buildExtension} from './build.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const {values: args} = parseArgs({
  options: {
    out: {type: 'string'},
    target: {type: 'string'},
    server: {type: 'string'},
  },
});
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (args.target && !args.server) {
  console.error('package.mjs: --target needs --server PATH (the flint-lsp the package carries)');
  process.exit(2);
}
const server = args.server ? resolve(args.server) : undefined;
if (server && !existsSync(server)) {
  console.error(`package.mjs: --server ${server}: no such file`);
  process.exit(2);
}
const target = server ? (args.target ?? `${process.platform}-${process.arch}`) : undefined;
const out = resolve(
    args.out ??
    join(root, `${manifest.name}-${manifest.version}${target ? `-${target}` : ''}.vsix`));

mkdirSync(dirname(out), {recursive: true});
const stage = mkdtempSync(join(tmpdir(), 'flint-vsix-'));
try {
  await buildExtension(join(stage, 'dist'), true);
  rmSync(join(stage, 'dist', 'extension.js.map'), {force: true});
  // Everything the extension needs at run time is bundled: the packaged manifest lists no
  // dependencies and no build scripts.
  const {dependencies, devDependencies, scripts, ...packaged} = manifest;
  packaged.files = ['dist/extension.js', 'README.md'];
  if (server) {
    // The path serverPath.ts's bundledServerPath looks at; the zip keeps the mode, so the
    // installed copy is executable.
    const bundled = join('server', target, 'flint-lsp');
    mkdirSync(join(stage, 'server', target), {recursive: true});
    copyFileSync(server, join(stage, bundled));
    chmodSync(join(stage, bundled), 0o755);
    packaged.files.push(bundled);
  }
  writeFileSync(join(stage, 'package.json'), JSON.stringify(packaged, null, 2) + '\n');
  copyFileSync(join(root, 'README.md'), join(stage, 'README.md'));
  const vsce = createRequire(import.meta.url).resolve('@vscode/vsce/vsce');
  const run = spawnSync(
      process.execPath,
      [
        vsce, 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository',
        ...(target ? ['--target', target] : []), '--out', out
      ],
      {cwd: stage, stdio: ['ignore', 'inherit', 'inherit']},
  );
  if (run.status !== 0) process.exit(run.status ?? 1);
} finally {
  rmSync(stage, {recursive: true, force: true});
}
