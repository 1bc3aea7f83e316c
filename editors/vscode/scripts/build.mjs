// Bundles the extension (and, with --tests, the unit tests) with esbuild.
//   node scripts/build.mjs [--outdir DIR] [--tests] [--minify]
// The extension becomes DIR/extension.js (default dist/), one CommonJS file with every npm
// dependency inside; only `vscode` stays external, VS Code provides it at run time.
import * as esbuild from 'esbuild';
import {readdirSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
};

export async function buildExtension(outdir = join(root, 'dist'), minify = false) {
  await esbuild.build({
    ...common,
    entryPoints: [join(root, 'src', 'extension.ts')],
    outfile: join(outdir, 'extension.js'),
    external: ['vscode'],
    minify,
  });
}

// Unit tests cover the extension's plain-TypeScript logic; none of them may load `vscode`
// (marking it external makes such a mistake fail loudly at run time instead of bundling).
export async function buildTests(outdir = join(root, 'out', 'test')) {
  const entryPoints = readdirSync(join(root, 'test'))
                          .filter((f) => f.endsWith('.test.ts'))
                          .map((f) => join(root, 'test', f));
  await esbuild.build({
    ...common,
    entryPoints,
    outdir,
    external: ['vscode'],
    define: {EXTENSION_ROOT: JSON.stringify(root)},
  });
  return entryPoints.map((f) => join(outdir, f.split('/').pop().replace(/\.ts$/, '.js')));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildExtension(option('--outdir', undefined), args.includes('--minify'));
  if (args.includes('--tests')) await buildTests();
}
