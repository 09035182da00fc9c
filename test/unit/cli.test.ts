import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/output';
import { yaml } from './helpers';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Output = { out: (t) => (out += t), err: (t) => (err += t), isTTY: false };
  const code = await main(argv, io);
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'maestro-cli-'));
const good = join(dir, 'good.workflow.yaml');
const bad = join(dir, 'bad.workflow.yaml');
writeFileSync(good, yaml('version: 1', 'name: Good', 'nodes:', '  a: { run: x }', '  b: { needs: a, run: y }'));
writeFileSync(bad, yaml('version: 1', 'name: Bad', 'nodes:', '  a: { run: x }', '  b: { needs: aa, run: y }'));

describe('cli', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('validate: prints compiler-style lines and exits 1 on errors', async () => {
    const r = await cli('validate', good, bad);
    assert.equal(r.code, 1);
    assert.match(r.out, /bad\.workflow\.yaml:5:15: error unknown-dependency: node 'b' needs 'aa'/);
    assert.doesNotMatch(r.out, /good\.workflow\.yaml/);
  });

  it('validate: json lists the diagnostics with their file', async () => {
    const r = await cli('validate', '--format', 'json', bad);
    const list = JSON.parse(r.out) as Record<string, unknown>[];
    assert.deepEqual(Object.keys(list[0]).sort(), ['code', 'column', 'endColumn', 'endLine', 'file', 'line', 'message', 'severity']);
    assert.deepEqual([list[0].line, list[0].column, list[0].endColumn], [5, 15, 17]);
  });

  it('validate: exits 0 on clean files, and reports unreadable ones', async () => {
    assert.equal((await cli('validate', good)).code, 0);
    const missing = await cli('validate', '--format', 'json', join(dir, 'nope.yaml'));
    assert.equal(missing.code, 1);
    assert.match(missing.out, /cannot read the file: no such file/);
    assert.equal((JSON.parse(missing.out) as { code: string }[])[0].code, 'unreadable');
    assert.match((await cli('validate', dir)).out, /: error unreadable: cannot read the file: it is a folder, not a file/);
  });

  it('export: to GitHub Actions and Argo, to a file with -o; what cannot be translated fails unless --lenient', async () => {
    const gha = await cli('export', '--to', 'github-actions', good);
    assert.equal(gha.code, 0);
    assert.match(gha.out, /jobs:\n {2}a:/);
    const out = join(dir, 'good.argo.yaml');
    const argo = await cli('export', '--to', 'argo', '--template', '--image', 'alpine:3', good, '-o', out);
    assert.equal(argo.code, 0);
    assert.match(readFileSync(out, 'utf8'), /kind: WorkflowTemplate[^]*image: alpine:3/);
    const sub = join(dir, 'sub.workflow.yaml');
    writeFileSync(sub, yaml('version: 1', 'name: Sub', 'nodes:', '  s: { workflow: ./good.workflow.yaml }'));
    const refused = await cli('export', '--to', 'github-actions', sub);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /node 's': a sub-workflow/);
    assert.match(refused.err, /--lenient/);
    assert.equal((await cli('export', '--to', 'github-actions', '--lenient', sub)).code, 0);
    assert.equal((await cli('export', good)).code, 2);
    assert.equal((await cli('export', '--to', 'gitlab', good)).code, 2);
    const noImage = await cli('export', '--to', 'argo', '--image', ' ', good);
    assert.deepEqual([noImage.code, noImage.out], [2, '']);
    assert.match(noImage.err, /--image needs a container image, such as bash:5/);
  });

  it('import: a GitHub Actions workflow, naming what it left behind; a broken one fails with its line', async () => {
    const ci = join(dir, 'ci.yml');
    writeFileSync(
      ci,
      yaml('on: push', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/upload-pages-artifact@v3', '      - run: make'),
    );
    const target = join(dir, 'ci.workflow.yaml');
    const r = await cli('import', ci, '-o', target);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /not imported: step 'actions\/upload-pages-artifact@v3' \(line 6\)/);
    assert.match(readFileSync(target, 'utf8'), /nodes:\n {2}a:\n {4}run: \|-?\n {6}# not imported:[^\n]*\n {6}make/);
    writeFileSync(ci, yaml('on: push', 'jobs:', '  a:', '    runs-on: [x'));
    const broken = await cli('import', ci);
    assert.equal(broken.code, 1);
    assert.match(broken.err, /ci\.yml:\d+:\d+: /);
    const ours = await cli('import', good);
    assert.equal(ours.code, 1);
    assert.match(ours.err, /good\.workflow\.yaml:1:1: this is a Maestro workflow already .*: nothing to import/);
  });

  it("import: puts the steps of the repository's composite actions in place of the steps that use them", async () => {
    const repo = join(dir, 'actions-repo');
    mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
    mkdirSync(join(repo, '.github', 'actions', 'hello'), { recursive: true });
    writeFileSync(
      join(repo, '.github', 'workflows', 'ci.yml'),
      yaml('on: push', 'jobs:', '  a:', '    runs-on: x', '    steps:', '      - uses: ./.github/actions/hello', '        with: { who: team }'),
    );
    writeFileSync(
      join(repo, '.github', 'actions', 'hello', 'action.yml'),
      yaml('inputs: { who: { default: world } }', 'runs:', '  using: composite', '  steps:', '    - { shell: bash, run: "echo hello ${{ inputs.who }}" }'),
    );
    const target = join(repo, 'ci.workflow.yaml');
    const r = await cli('import', join(repo, '.github', 'workflows', 'ci.yml'), '-o', target);
    assert.equal(r.code, 0, r.err);
    assert.ok(!r.err.includes('not imported'), r.err);
    assert.match(readFileSync(target, 'utf8'), /echo hello team/);
  });

  it('import: says how to import the workflows of the repository the imported one calls, where its nodes expect them', async () => {
    const workflows = join(dir, 'repo', '.github', 'workflows');
    mkdirSync(workflows, { recursive: true });
    writeFileSync(join(workflows, 'ci.yml'), yaml('on: push', 'jobs:', '  b: { uses: ./.github/workflows/build.yml }'));
    const target = join(dir, 'repo', 'flows', 'ci.workflow.yaml');
    mkdirSync(dirname(target), { recursive: true });
    const r = await cli('import', join(workflows, 'ci.yml'), '-o', target);
    assert.equal(r.code, 0, r.err);
    const expected = `maestro-dag import ${relative(process.cwd(), join(workflows, 'build.yml'))} -o ${relative(process.cwd(), join(dir, 'repo', 'flows', 'build.workflow.yaml'))}`;
    assert.ok(r.err.includes(`run as build.workflow.yaml beside the new file: ${expected}`), r.err);
  });

  it('graph: prints mermaid, dot and json', async () => {
    assert.match((await cli('graph', good)).out, /a --> b/);
    assert.match((await cli('graph', '--format', 'dot', good)).out, /"a" -> "b";/);
    assert.deepEqual(JSON.parse((await cli('graph', '--format', 'json', good)).out).edges, [{ from: 'a', to: 'b' }]);
    const r = await cli('graph', bad);
    assert.equal(r.code, 1);
    assert.match(r.err, /unknown-dependency/);
  });

  it('usage errors exit 2 with a clear message', async () => {
    const unknownFlag = await cli('validate', '--frmat', 'json', good);
    assert.equal(unknownFlag.code, 2);
    assert.match(unknownFlag.err, /unknown option '--frmat'/i);
    assert.equal((await cli('validate', '--format', 'xml', good)).code, 2);
    assert.equal((await cli('validate')).code, 2);
    assert.equal((await cli('frobnicate')).code, 2);
    assert.match((await cli('frobnicate')).err, /unknown command 'frobnicate'/);
  });

  it('run --json prints only events, and the exit status follows the run', async () => {
    const runsDir = join(dir, 'runs');
    const runnable = join(dir, 'runnable.workflow.yaml');
    writeFileSync(runnable, yaml('version: 1', 'name: Runnable', 'nodes:', '  a: { run: echo a }', '  b: { needs: a, run: "true" }'));
    const ok = await cli('run', runnable, '--json', '--runs-dir', runsDir);
    assert.equal(ok.code, 0);
    const events = ok.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; status?: string });
    assert.equal(events[0].type, 'workflow:started');
    assert.deepEqual([events.at(-1)!.type, events.at(-1)!.status], ['workflow:completed', 'completed']);
    const failing = join(dir, 'failing.workflow.yaml');
    writeFileSync(failing, yaml('version: 1', 'name: Failing', 'nodes:', '  a: { run: "echo boom >&2; exit 5" }'));
    const failed = await cli('run', failing, '--runs-dir', runsDir);
    assert.equal(failed.code, 1);
    assert.match(failed.out, /✗ a: exited with code 5\n {4}│ boom\n/);
    assert.match(failed.out, /Failing failed in/);
  });

  it('run exits 2 with the diagnostics of an invalid workflow, or bad inputs', async () => {
    const r = await cli('run', bad, '--runs-dir', join(dir, 'runs'));
    assert.equal(r.code, 2);
    assert.match(r.err, /bad\.workflow\.yaml:5:15: error unknown-dependency/);
    const inputs = await cli('run', good, '--input', 'nope=1', '--runs-dir', join(dir, 'runs'));
    assert.equal(inputs.code, 2);
    assert.match(inputs.err, /unknown input 'nope'/);
    assert.equal((await cli('run', good, '--concurrency', 'zero')).code, 2);
  });

  it('approves gates with --approve, and rejects them where nobody can answer', async () => {
    const gated = join(dir, 'gated.workflow.yaml');
    writeFileSync(gated, yaml('version: 1', 'name: Gated', 'nodes:', '  gate: { approval: { prompt: ok? } }', '  after: { needs: gate, run: "true" }'));
    assert.equal((await cli('run', gated, '--approve', '--runs-dir', join(dir, 'runs'))).code, 0);
    const unattended = await cli('run', gated, '--runs-dir', join(dir, 'runs'));
    assert.equal(unattended.code, 1);
    assert.match(unattended.out, /nobody can approve it here: run with --approve, or from a terminal/);
  });

  it('runs lists past runs, logs prints their output, resume continues one and shows it', async () => {
    const runsDir = join(dir, 'history');
    const flag = join(dir, 'flag');
    const flaky = join(dir, 'flaky.workflow.yaml');
    writeFileSync(flaky, yaml('version: 1', 'name: Flaky', 'nodes:', '  a: { run: echo from-a }', `  b: { needs: a, run: 'test -f ${flag}' }`));
    assert.equal((await cli('run', flaky, '--runs-dir', runsDir)).code, 1);
    const list = JSON.parse((await cli('runs', '--json', '--runs-dir', runsDir)).out) as { runId: string; status: string }[];
    assert.deepEqual(
      list.map((r) => r.status),
      ['failed'],
    );
    assert.match((await cli('runs', '--runs-dir', runsDir)).out, /failed .* Flaky/);
    assert.equal((await cli('logs', list[0].runId, 'a', '--runs-dir', runsDir)).out, 'from-a\n');
    assert.match((await cli('logs', list[0].runId, 'zz', '--runs-dir', runsDir)).err, /has no node 'zz'/);
    writeFileSync(flag, '');
    const resumed = await cli('resume', list[0].runId, '--runs-dir', runsDir, '--json');
    assert.equal(resumed.code, 0);
    const started = resumed.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; nodeId?: string })
      .filter((e) => e.type === 'node:started');
    assert.deepEqual(
      started.map((e) => e.nodeId),
      ['b'],
    );
    // On a terminal, a resumed run is shown like any run, with every node in its summary.
    const again = await cli('resume', list[0].runId, '--runs-dir', runsDir);
    assert.equal(again.code, 0);
    assert.match(again.out, /^▶ resumed Flaky\n[^]*\n {2}a {5}completed[^]*\n {2}b {5}completed[^]*✓ Flaky completed in/);
    assert.equal((await cli('resume', 'no-such-run', '--runs-dir', runsDir)).code, 2);
    // A workflow that has become invalid since: its problems are shown, as for run.
    writeFileSync(flaky, yaml('version: 1', 'name: Flaky', 'nodes:', '  a: { run: echo from-a }', '  b: { needs: aa, run: "true" }'));
    const broken = await cli('resume', list[0].runId, '--runs-dir', runsDir);
    assert.equal(broken.code, 2);
    assert.match(broken.err, /flaky\.workflow\.yaml:5:\d+: error unknown-dependency: node 'b' needs 'aa'/);
  });

  it("cuts a long node id in a run's summary, so that each row stays a line, and keeps its log", async () => {
    const id = `n${'x'.repeat(299)}`;
    const path = join(dir, 'long.workflow.yaml');
    writeFileSync(path, yaml('version: 1', 'name: Long', 'nodes:', `  ${id}: { run: echo kept }`));
    const runsDir = join(dir, 'long-runs');
    const r = await cli('run', path, '--runs-dir', runsDir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`\n {2}n${'x'.repeat(58)}… {2}completed`));
    assert.doesNotMatch(r.out + r.err, /cannot be written/);
    const [{ runId }] = JSON.parse((await cli('runs', '--runs-dir', runsDir, '--json')).out) as { runId: string }[];
    assert.equal((await cli('logs', runId, id, '--runs-dir', runsDir)).out, 'kept\n');
  });

  it("lists a sub-run's nodes in the run's summary, under the node that ran them", async () => {
    writeFileSync(
      join(dir, 'child.workflow.yaml'),
      yaml('version: 1', 'name: Child', 'nodes:', '  one: { run: "true" }', '  two: { needs: one, run: "true" }'),
    );
    const path = join(dir, 'parent.workflow.yaml');
    writeFileSync(path, yaml('version: 1', 'name: Parent', 'nodes:', '  sub: { workflow: ./child.workflow.yaml }', '  after: { needs: sub, run: "true" }'));
    const r = await cli('run', path, '--runs-dir', join(dir, 'sub-runs'));
    assert.equal(r.code, 0, r.err);
    const rows = r.out
      .split('node ')[1]
      .split('\n')
      .slice(1, 5)
      .map((l) => l.trim().split(/\s+/).slice(0, 2).join(' '));
    assert.deepEqual(rows, ['sub completed', 'sub/one completed', 'sub/two completed', 'after completed']);
  });

  it('every command has --help', async () => {
    for (const c of ['validate', 'graph', 'export', 'import', 'run', 'resume', 'runs', 'logs']) {
      const r = await cli(c, '--help');
      assert.equal(r.code, 0);
      assert.match(r.out, new RegExp(`Usage: maestro-dag ${c}`));
    }
    assert.match((await cli('--help')).out, /Commands:/);
  });
});
