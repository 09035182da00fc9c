// `npm run test:electron`: the integration suites in a VS Code that @vscode/test-electron downloads. Machines that
// cannot download VS Code use `npm run test:e2e` (code-server) instead; both run the same suites.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { runTests } from '@vscode/test-electron';
import { makeWorkspace } from '../e2e/workspace.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const entry = join(root, 'dist-test', 'electron.js');
await build({
  entryPoints: [join(root, 'test', 'integration', 'electronEntry.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: entry,
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
const work = mkdtempSync(join(tmpdir(), 'maestro-electron-'));
const workspace = makeWorkspace(root, join(work, 'workspace'));
const results = join(work, 'results.json');
process.env.MAESTRO_TEST_RESULTS = results;
await runTests({ extensionDevelopmentPath: root, extensionTestsPath: entry, launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'] });
const r = JSON.parse(readFileSync(results, 'utf8'));
console.log(`${r.passed} passed, ${r.failed} failed`);
process.exit(r.failed ? 1 : 0);
