// The extension's unit tests: bundle test/*.test.ts, then run them with node's test runner.
//   node scripts/test.mjs  (npm test)
import { spawnSync } from 'node:child_process';

import { buildTests } from './build.mjs';

const files = await buildTests();
const run = spawnSync(process.execPath, ['--test', '--enable-source-maps', ...files], { stdio: 'inherit' });
process.exit(run.status ?? 1);
