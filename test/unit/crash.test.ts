// What a crash of the engine does to the nodes it ran, and what resume does about them: no node outlives its engine,
// and none runs twice at once. The CLI and the engine process are the built ones (`npm test` builds them first).
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { endLeftovers, leftoverNote } from '../../src/engine/run/io/leftovers';
import { resumeRunFromLog, RunSetupError, startRun } from '../../src/engine/run/engine';
import { readLogText, readRun } from '../../src/engine/run/io/runStore';
import type { Platform, RunProcess } from '../../src/engine/platform';
import { posixPlatform } from '../../src/engine/platform/posix';
import { alive, until } from './processes';
import { yaml } from './helpers';

const DIST = join(__dirname, '..', '..', 'dist');
const linux = process.platform === 'linux';

/**
 * A node that ignores SIGTERM and holds a lock while it runs: a second copy running at the same time would find the
 * lock taken and say so in `twice`. The first attempt sleeps; the one after a resume ends at once.
 */
const LOCKED_NODE = (dir: string) => [
  'nodes:',
  '  first: { run: "true" }',
  '  deploy:',
  '    needs: first',
  '    run: |',
  "      trap '' TERM",
  `      exec 9>"${dir}/lock"`,
  `      flock -n 9 || { echo "$MAESTRO_ATTEMPT" >> "${dir}/twice"; exit 3; }`,
  `      echo "$$" >> "${dir}/starts"`,
  `      if [ ! -e "${dir}/once" ]; then touch "${dir}/once"; sleep 60 & echo "$!" >> "${dir}/pids"; wait; fi`,
  '      echo deployed',
];

/** The pids the node's first attempt left running: its shell and its sleep (a file just created is still empty). */
const pidsOf = (dir: string): number[] =>
  ['starts', 'pids'].flatMap((f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map(Number) : []));

const exited = (child: ChildProcess) => new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));

(linux ? describe : describe.skip)('a crashed engine', function () {
  this.timeout(60_000);
  let dir: string;
  let runsDir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maestro-crash-'));
    runsDir = join(dir, 'runs');
  });
  afterEach(() => {
    for (const pid of pidsOf(dir)) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const workflow = () => {
    const path = join(dir, 'deploy.workflow.yaml');
    writeFileSync(path, yaml('version: 1', 'name: Deploy', ...LOCKED_NODE(dir)));
    return path;
  };
  /** A workflow that runs the locked node's file as a sub-run of its node `release`. */
  const parentWorkflow = () => {
    workflow();
    const path = join(dir, 'release.workflow.yaml');
    writeFileSync(path, yaml('version: 1', 'name: Release', 'nodes:', '  release: { workflow: ./deploy.workflow.yaml }'));
    return path;
  };
  const runId = () => readdirSync(runsDir).filter((n) => !n.startsWith('.'))[0];

  /** Runs the CLI, kills it (-9) while the locked node runs, and resumes the run; `node` is the locked node's id in the run. */
  const killAndResume = async (path: string, node: string) => {
    // A long grace: the watchdog is still waiting for the attempt to end when the resume comes.
    const cli = spawn(process.execPath, [join(DIST, 'cli.js'), 'run', path, '--json', '--runs-dir', runsDir, '--kill-grace', '60'], { stdio: 'ignore' });
    await until(() => existsSync(join(dir, 'pids')) && pidsOf(dir).length === 2);
    const [shell, sleeper] = pidsOf(dir);
    cli.kill('SIGKILL');
    await exited(cli);
    assert.equal(readRun(runsDir, runId()).interrupted, true);

    const warnings: string[] = [];
    const resumed = await resumeRunFromLog({ runsDir, runId: runId(), killGraceMs: 1000, onWarning: (m) => warnings.push(m) });
    assert.ok(!alive(shell) && !alive(sleeper), 'the first attempt is gone before the node starts again');
    assert.equal(await resumed.finished(), 'completed');
    resumed.dispose();
    assert.equal(existsSync(join(dir, 'twice')), false, 'the node never ran twice at once');
    assert.equal(readFileSync(join(dir, 'starts'), 'utf8').trim().split('\n').length, 2);
    const log = readLogText(runsDir, runId(), node);
    const said = node.replace('/', '\\/');
    assert.match(
      warnings.join('\n'),
      new RegExp(`^${said}: attempt 1 of this node was still running when the run was resumed .*sent SIGTERM, then SIGKILL after 1\\.0 s`),
    );
    assert.match(log, new RegExp(`maestro: attempt 1 of this node was still running .*processes .*${shell}.*\\n(?:.*\\n)*deployed`));
  };

  it('kill -9 of the CLI and a resume right after: the resume ends the attempt still running (it ignores SIGTERM), and the node never runs twice at once', () =>
    killAndResume(workflow(), 'deploy'));

  it('the same for a node of a sub-run: the node is named by its id in the run, and its log says what was ended', () =>
    killAndResume(parentWorkflow(), 'release/deploy'));

  it('kill -9 of the engine process: the watchdog ends its nodes after their grace period, with nothing else running', async () => {
    const engine = spawn(process.execPath, [join(DIST, 'engine.js')], { stdio: ['pipe', 'pipe', 'ignore'] });
    const lines = createInterface({ input: engine.stdout });
    const ready = new Promise<void>((r) => lines.on('line', (l) => l.includes('engine:ready') && r()));
    await ready;
    engine.stdin.write(JSON.stringify({ type: 'configure', requestId: 1, roots: [{ folder: dir, runsDirectory: 'runs' }] }) + '\n');
    engine.stdin.write(JSON.stringify({ type: 'start', requestId: 2, workflowPath: workflow(), killGraceMs: 500 }) + '\n');
    await until(() => existsSync(join(dir, 'pids')) && pidsOf(dir).length === 2);
    const pids = pidsOf(dir);
    engine.kill('SIGKILL');
    await exited(engine);
    await until(() => pids.every((p) => !alive(p)));
    assert.equal(readRun(runsDir, runId()).interrupted, true);
    // The list the engine kept for the watchdog goes with it.
    await until(() => !readdirSync(tmpdir()).some((f) => f.startsWith(`maestro-guard-${engine.pid}-`)));
  });

  it('a resume that finds nothing left running says nothing about it', async () => {
    const cli = spawn(process.execPath, [join(DIST, 'cli.js'), 'run', workflow(), '--json', '--runs-dir', runsDir, '--kill-grace', '0'], { stdio: 'ignore' });
    await until(() => existsSync(join(dir, 'pids')) && pidsOf(dir).length === 2);
    const pids = pidsOf(dir);
    cli.kill('SIGKILL');
    await exited(cli);
    await until(() => pids.every((p) => !alive(p)));
    const warnings: string[] = [];
    const resumed = await resumeRunFromLog({ runsDir, runId: runId(), onWarning: (m) => warnings.push(m) });
    assert.equal(await resumed.finished(), 'completed');
    resumed.dispose();
    assert.deepEqual(warnings, []);
    assert.doesNotMatch(readLogText(runsDir, runId(), 'deploy'), /still running/);
  });
});

(linux ? describe : describe.skip)('a closed stdout', function () {
  this.timeout(30_000);
  it('cancels the run cleanly (`run … | head`) instead of crashing and leaving it interrupted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-epipe-'));
    const path = join(dir, 'p.workflow.yaml');
    // Output that goes on: a closed pipe is noticed at the next write, as with SIGPIPE.
    writeFileSync(
      path,
      yaml(
        'version: 1',
        'name: Piped',
        'nodes:',
        '  a: { run: echo a }',
        `  b: { needs: a, run: "echo $$ > ${dir}/pid; while :; do echo tick; sleep 0.05; done" }`,
      ),
    );
    const runsDir = join(dir, 'runs');
    const cli = spawn(process.execPath, [join(DIST, 'cli.js'), 'run', path, '--json', '--runs-dir', runsDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    cli.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    await until(() => existsSync(join(dir, 'pid')) && readFileSync(join(dir, 'pid'), 'utf8').endsWith('\n'));
    cli.stdout.destroy();
    const code = await new Promise<number | null>((r) => cli.once('exit', (c) => r(c)));
    assert.equal(code, 130);
    assert.match(stderr, /stdout was closed: cancelling the run/);
    const [id] = readdirSync(runsDir).filter((n) => !n.startsWith('.'));
    const stored = readRun(runsDir, id);
    assert.deepEqual([stored.record.status, stored.interrupted], ['cancelled', false]);
    assert.equal(alive(Number(readFileSync(join(dir, 'pid'), 'utf8'))), false);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('leftovers of an interrupted run', () => {
  /** A platform whose processes are a list; SIGTERM ends those that do not ignore it, SIGKILL ends all. */
  function fakePlatform(processes: (RunProcess & { ignoresTerm?: boolean })[]) {
    const signals: string[] = [];
    let live = [...processes];
    const platform: Platform = {
      ...posixPlatform(),
      killTree: (tree, signal) => {
        signals.push(`${signal} ${tree}`);
        live = live.filter((p) => p.tree !== tree || (signal === 'SIGTERM' && p.ignoresTerm));
      },
      treeAlive: (tree) => live.some((p) => p.tree === tree),
      findRunProcesses: () => live.map(({ ignoresTerm: _, ...p }) => p),
    };
    return { platform, signals };
  }

  it('ends them with SIGTERM, then SIGKILL after the grace period, and reports them by attempt', async () => {
    const { platform, signals } = fakePlatform([
      { pid: 10, tree: 10, nodeId: 'deploy', attempt: 1, ignoresTerm: true },
      { pid: 11, tree: 10, nodeId: 'deploy', attempt: 1, ignoresTerm: true },
      { pid: 20, tree: 20, nodeId: 'test[os=linux]', attempt: 2 },
    ]);
    const reports = await endLeftovers('r', platform, 100);
    assert.deepEqual(
      signals.filter((s) => s.startsWith('SIGTERM')),
      ['SIGTERM 10', 'SIGTERM 20'],
    );
    assert.ok(signals.includes('SIGKILL 10'));
    assert.deepEqual(
      reports.map((r) => [r.nodeId, r.attempt, r.pids, r.ended]),
      [
        ['deploy', 1, [10, 11], 'killed'],
        ['test[os=linux]', 2, [20], 'killed'],
      ],
    );
    assert.match(
      leftoverNote(reports[0], 5000),
      /^maestro: attempt 1 of this node was still running .*processes 10, 11; sent SIGTERM, then SIGKILL after 5\.0 s, before starting the node again$/,
    );
  });

  it('waits no longer than it takes them to end on SIGTERM, and finds nothing to do when nothing is left', async () => {
    const { platform, signals } = fakePlatform([{ pid: 5, tree: 5, nodeId: 'a', attempt: 1 }]);
    const [report] = await endLeftovers('r', platform, 60_000);
    assert.deepEqual([report.ended, signals], ['terminated', ['SIGTERM 5']]);
    assert.match(leftoverNote(report, 60_000), /sent SIGTERM and waited \d+\.\d s for it to end/);
    assert.deepEqual(await endLeftovers('r', fakePlatform([]).platform, 100), []);
  });

  it('refuses to go on while a process cannot be ended', async () => {
    const platform: Platform = {
      ...posixPlatform(),
      killTree: () => undefined,
      treeAlive: () => true,
      findRunProcesses: () => [{ pid: 9, tree: 9, nodeId: 'a', attempt: 1 }],
    };
    await assert.rejects(endLeftovers('r', platform, 10, 10), /processes 9 of run r are still alive after SIGKILL/);
  });
});

describe('a platform without a POSIX shell', () => {
  it('stops the run before it starts, saying what it needs, instead of failing to spawn', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-noshell-'));
    mkdirSync(join(dir, '.git'));
    const path = join(dir, 'w.workflow.yaml');
    writeFileSync(path, yaml('version: 1', 'name: W', 'nodes:', '  a: { run: echo a }'));
    const platform: Platform = { ...posixPlatform(), defaultShell: () => ({ error: 'no POSIX shell here: install Git for Windows' }) };
    assert.throws(
      () => startRun({ workflowPath: path, platform }),
      (e: unknown) => e instanceof RunSetupError && e.message === 'no POSIX shell here: install Git for Windows',
    );
    assert.equal(existsSync(join(dir, '.maestro')), false, 'nothing was written');
    writeFileSync(path, yaml('version: 1', 'name: W', 'nodes:', '  a: { run: echo a, shell: sh }'));
    const run = startRun({ workflowPath: path, platform });
    assert.equal(await run.finished(), 'completed');
    run.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
});
