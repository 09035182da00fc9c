// `npm run test:e2e`: the integration suites inside a real VS Code (code-server), then the user's journey through
// the workbench. Screenshots go to test-results/e2e/. Prints "N passed, N failed" and exits non-zero on failure.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { launchChromium, setup, startCodeServer } from './codeServer.mjs';
import { journey } from './journey.mjs';
import { startServedEngine } from './servedEngine.mjs';
import { makeWorkspace } from './workspace.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shots = join(root, 'test-results', 'e2e');
mkdirSync(shots, { recursive: true });

const started = Date.now();
let paths;
try {
  paths = setup(root);
} catch (e) {
  console.error(e.message);
  process.exit(1);
}

console.log('e2e: packaging the extension');
execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
const vsix = join(root, 'dist', 'maestro-dag.vsix');
// The test build of the extension: the real activate(), then the integration suites (test/integration/testExtension.ts).
const testEntry = join(root, 'dist-test', 'extension.js');
await build({
  entryPoints: [join(root, 'test', 'integration', 'testExtension.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: testEntry,
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});

const work = mkdtempSync(join(tmpdir(), 'maestro-e2e-'));
const workspace = makeWorkspace(root, join(work, 'workspace'), { hostileFile: true });
const resultsFile = join(work, 'results.json');
let server;
let browser;
let served;
let failed = 0;
let passed = 0;
try {
  // The last suite attaches the window to an engine served on the same workspace.
  served = await startServedEngine({ root, workspace, workDir: work });
  server = await startCodeServer({
    ...paths,
    vsix,
    workDir: work,
    workspace,
    // Every run in the integration suites starts its processes through a spawn helper (the journey runs without).
    env: {
      MAESTRO_TEST_RESULTS: resultsFile,
      MAESTRO_SPAWN_HELPERS: '1',
      MAESTRO_TEST_SERVED: JSON.stringify({ url: served.url, tokens: served.tokens }),
      // The machine's mutexes: the test's own.
      MAESTRO_MUTEX_DIR: join(work, 'mutexes'),
    },
    testEntry,
    settings: { 'security.workspace.trust.enabled': false },
  });
  console.log(`e2e: code-server at ${server.url}`);
  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(server.workspaceUrl);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  const deadline = Date.now() + 8 * 60_000;
  while (!existsSync(resultsFile)) {
    if (Date.now() > deadline) throw new Error(`the integration suites wrote no results within 8 minutes\n${server.log().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  await page.screenshot({ path: join(shots, 'integration-end.png') });
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  for (const r of results.results) {
    console.log(`  ${r.state === 'passed' ? '✓' : '✗'} ${r.title}${r.ms !== undefined ? ` (${r.ms} ms)` : ''}`);
    if (r.error)
      console.log(
        r.error
          .split('\n')
          .map((l) => `      ${l}`)
          .join('\n'),
      );
  }
  console.log(`e2e: extension activated in ${results.activatedInMs.toFixed(1)} ms inside code-server`);
  passed += results.passed;
  failed += results.failed;
} catch (e) {
  failed++;
  console.error(`e2e: ${e.stack ?? e}`);
} finally {
  await browser?.close();
  await server?.stop();
  await served?.stop();
}

// The journey: a fresh VS Code with workspace trust on, the extension as users install it, no test hooks.
console.log('e2e: the user journey');
const journeyWork = join(work, 'journey');
const journeyWorkspace = makeWorkspace(root, join(journeyWork, 'workspace'), { plantedRun: true, gitCheckout: true });
// A team's shared cache, named in the user settings: a folder and its key.
const team = { folder: join(journeyWork, 'team', 'shared'), keyFile: join(journeyWork, 'team', 'team.key') };
mkdirSync(team.folder, { recursive: true });
writeFileSync(team.keyFile, `${'7'.repeat(64)}\n`, { mode: 0o600 });
// The machine's mutexes, where the journey plants a lock.
const mutexDir = join(journeyWork, 'mutexes');
server = undefined;
browser = undefined;
served = undefined;
try {
  served = await startServedEngine({ root, workspace: journeyWorkspace, workDir: journeyWork });
  server = await startCodeServer({
    ...paths,
    vsix,
    workDir: journeyWork,
    workspace: journeyWorkspace,
    env: { MAESTRO_MUTEX_DIR: mutexDir },
    settings: {
      'security.workspace.trust.enabled': true,
      'security.workspace.trust.startupPrompt': 'always',
      'files.autoSave': 'off',
      'maestro.cache.sharedFolder': team.folder,
      'maestro.cache.sharedKeyFile': team.keyFile,
    },
  });
  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(server.workspaceUrl);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  const steps = await journey({ page, workspace: journeyWorkspace, shots, log: (m) => console.error(m), served, team, mutexDir });
  for (const s of steps) {
    console.log(`  ${s.ok ? '✓' : '✗'} ${s.name}${s.ok ? ` (${s.ms} ms)` : `: ${s.error}`}`);
    if (s.ok) passed++;
    else failed++;
  }
} catch (e) {
  failed++;
  console.error(`e2e: ${e.stack ?? e}`);
} finally {
  await browser?.close();
  await server?.stop();
  await served?.stop();
  // MAESTRO_E2E_KEEP: the work folder stays, with code-server's logs (the extension host's, the extension's own).
  if (process.env.MAESTRO_E2E_KEEP) console.log(`e2e: work folder kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
console.log(`e2e: screenshots in ${shots}; took ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
