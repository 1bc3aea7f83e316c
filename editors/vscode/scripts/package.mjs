// Builds flint-<version>.vsix: the bundled extension, its manifest and README, nothing else.
//   node scripts/package.mjs [--out FILE.vsix]   (npm run package; default: ./flint-<version>.vsix)
// The package is staged in a scratch directory so that two builds (e.g. two CMake build trees)
// never write into the source tree at the same time.
import {spawnSync} from 'node:child_process';
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

import {buildExtension} from './build.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outIndex = args.indexOf('--out');
const out = resolve(
    outIndex >= 0 ? args[outIndex + 1] : join(root, `${manifest.name}-${manifest.version}.vsix`));

mkdirSync(dirname(out), {recursive: true});
const stage = mkdtempSync(join(tmpdir(), 'flint-vsix-'));
try {
  await buildExtension(join(stage, 'dist'), true);
  rmSync(join(stage, 'dist', 'extension.js.map'), {force: true});
  // Everything the extension needs at run time is bundled: the packaged manifest lists no
  // dependencies and no build scripts.
  const {dependencies, devDependencies, scripts, ...packaged} = manifest;
  packaged.files = ['dist/extension.js', 'README.md'];
  writeFileSync(join(stage, 'package.json'), JSON.stringify(packaged, null, 2) + '\n');
  copyFileSync(join(root, 'README.md'), join(stage, 'README.md'));
  const vsce = createRequire(import.meta.url).resolve('@vscode/vsce/vsce');
  const run = spawnSync(
      process.execPath,
      [
        vsce, 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository',
        '--out', out
      ],
      {cwd: stage, stdio: ['ignore', 'inherit', 'inherit']},
  );
  if (run.status !== 0) process.exit(run.status ?? 1);
} finally {
  rmSync(stage, {recursive: true, force: true});
}
