// The extension's unit tests: bundle test/*.test.ts, then run them with node's test runner.
//   node scripts/test.mjs [--outdir DIR]   (npm test; default DIR: out/test)
import {spawnSync} from 'node:child_process';
import {resolve} from 'node:path';

import {buildTests} from './build.mjs';

const args = process.argv.slice(2);
const i = args.indexOf('--outdir');
const files = await buildTests(i >= 0 ? resolve(args[i + 1]) : undefined);
const run =
    spawnSync(process.execPath, ['--test', '--enable-source-maps', ...files], {stdio: 'inherit'});
process.exit(run.status ?? 1);
