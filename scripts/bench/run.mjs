// `npm run bench`: builds each benchmark section with esbuild and runs it in its own process.
import { build } from 'esbuild';
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { targetsReport } from './report.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, '.bench');
const args = process.argv.slice(2);
// `--json`: one JSON object of the targets' figures on the last line (see report.mjs).
const json = args.includes('--json');
const only = args.filter((a) => a !== '--json');
/** A section is scripts/bench/<name>.ts, or scripts/bench/<name>/index.ts. */
const entryOf = (s) =>
  [join(root, 'scripts', 'bench', `${s}.ts`), join(root, 'scripts', 'bench', s, 'index.ts'), join(root, 'scripts', 'bench', s, 'index.mjs')].find((p) =>
    existsSync(p),
  );
const sections = ['validator', 'hostile', 'engine', 'cache', 'webview', 'builder', 'insights', 'serve', 'editor'].filter(
  (s) => entryOf(s) && (only.length === 0 || only.includes(s)),
);

mkdirSync(out, { recursive: true });
await build({
  entryPoints: Object.fromEntries(sections.map((s) => [s, entryOf(s)])),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outdir: out,
  logLevel: 'warning',
  external: ['playwright-core', 'yaml-language-server', 'vscode-languageserver-textdocument', 'esbuild'],
});

const results = {};
for (const section of sections) {
  const code = await new Promise((resolve) => {
    // Each timed call may start from a collected heap, so that one side does not pay for the other's garbage.
    const child = fork(join(out, `${section}.js`), { cwd: root, stdio: 'inherit', execArgv: ['--expose-gc'] });
    child.on('message', (m) => (results[m.section] = { ...results[m.section], ...m }));
    child.on('exit', resolve);
  });
  if (code !== 0) {
    console.error(`bench section '${section}' failed (exit ${code})`);
    process.exitCode = 1;
  }
}
writeFileSync(join(out, 'results.json'), JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
console.log(`\nResults written to ${join(out, 'results.json')}`);
if (json) console.log(JSON.stringify(targetsReport(results)));
