import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { OUTPUT_CUT_NOTE } from '../../src/engine/run/io/launch';
import { ShellProcessRunner } from '../../src/engine/run/io/processRunner';
import { spawnHelperCount } from '../../src/engine/run/io/spawnHelper/count';
import { SpawnHelperPool } from '../../src/engine/run/io/spawnHelper/pool';
import { envDifference, parseHelperMessage, parseHelperRequest, requestEnv } from '../../src/engine/run/io/spawnHelper/protocol';
import { helperCommand, transportFor, whenHelperGoes, type HelperKind } from '../../src/engine/run/io/spawnHelper/transports';
import { alive, helperKindAvailable, pidIn, processEnv, readyHelpers, SPAWN_HELPER, until } from './processes';

describe('spawn helper protocol', () => {
  it('accepts well-formed messages and refuses anything else', () => {
    assert.deepEqual(parseHelperRequest('{"type":"spawn","id":1,"file":"bash","args":["-c","true"],"cwd":"/","set":{"A":"1"},"unset":["B"]}'), {
      type: 'spawn',
      id: 1,
      file: 'bash',
      args: ['-c', 'true'],
      cwd: '/',
      set: { A: '1' },
      unset: ['B'],
    });
    for (const bad of [
      '',
      'nope',
      '[]',
      '{"type":"spawn"}',
      '{"type":"spawn","id":1.5,"file":"x","args":[],"cwd":"/","set":{},"unset":[]}',
      '{"type":"spawn","id":1,"file":"x","args":[1],"cwd":"/","set":{},"unset":[]}',
      '{"type":"spawn","id":1,"file":"x","args":[],"cwd":"/","set":{"A":2},"unset":[]}',
    ])
      assert.equal(parseHelperRequest(bad), undefined, bad);
    assert.equal(parseHelperMessage('{"type":"exited","id":3,"code":null,"signal":"SIGTERM"}')?.type, 'exited');
    assert.equal(parseHelperMessage('{"type":"lines","id":3,"stream":"stdout","lines":["a","b"]}')?.type, 'lines');
    assert.equal(parseHelperMessage('{"type":"gone","id":3}')?.type, 'gone');
    for (const bad of [
      '{"type":"lines","id":3,"stream":"stdin","lines":[]}',
      '{"type":"spawned","id":3}',
      '{"type":"gone","id":"3"}',
      '{"type":"exited","id":3,"code":"0","signal":null}',
      '{"type":"what"}',
      '{',
    ])
      assert.equal(parseHelperMessage(bad), undefined, bad);
  });

  it('the environment difference rebuilds exactly the environment wanted', () => {
    const env = fc.dictionary(fc.constantFrom('A', 'B', 'C', 'PATH', 'HOME', 'X_1'), fc.string({ maxLength: 4 }));
    fc.assert(
      fc.property(env, env, (base, wanted) => {
        const diff = envDifference(base, wanted);
        assert.deepEqual(requestEnv(base, JSON.parse(JSON.stringify(diff)) as typeof diff), { ...wanted });
      }),
    );
  });

  it('what the pool does when a helper goes', () => {
    const gone = (kind: HelperKind, o: { wasReady?: boolean; closed?: boolean; fallBack?: boolean } = {}) =>
      whenHelperGoes({ kind, wasReady: o.wasReady ?? false, closed: o.closed ?? false, fallBack: o.fallBack ?? true });
    assert.deepEqual(gone('python'), { replaceWith: 'perl', report: false }, 'Python cannot start here');
    assert.deepEqual(gone('perl'), { replaceWith: 'node', report: false });
    assert.deepEqual(gone('node'), { report: true }, 'no kind is left: the engine starts processes itself, and says so');
    assert.deepEqual(gone('python', { fallBack: false }), { report: false }, 'no other kind wanted: the engine starts them itself, quietly');
    assert.deepEqual(gone('python', { wasReady: true }), { report: true }, 'a helper that died while running');
    assert.deepEqual(gone('perl', { closed: true }), { report: true });
  });

  it('how many helpers a run starts', () => {
    assert.equal(spawnHelperCount({ nodes: 1000, concurrency: 8 }), 2);
    assert.equal(spawnHelperCount({ nodes: 1000, concurrency: 1 }), 0, 'one process at a time gains nothing from Perl or Node.js helpers');
    assert.equal(spawnHelperCount({ nodes: 1000, concurrency: 1, kind: 'perl' }), 0);
    assert.equal(spawnHelperCount({ nodes: 1000, concurrency: 1, kind: 'python' }), 1, 'but from a Python one');
    assert.equal(spawnHelperCount({ nodes: 5, concurrency: 1, kind: 'python' }), 0);
    assert.equal(spawnHelperCount({ nodes: 5, concurrency: 8 }), 0, 'a small run does not pay for them');
    assert.equal(spawnHelperCount({ nodes: 5, concurrency: 1, setting: '3' }), 3);
    assert.equal(spawnHelperCount({ nodes: 1000, concurrency: 8, setting: '0' }), 0);
    assert.equal(spawnHelperCount({ nodes: 1000, concurrency: 8, setting: 'lots' }), 2, 'a setting that is not a count is ignored');
    assert.equal(spawnHelperCount({ nodes: 1000, concurrency: 8, setting: '99' }), 8);
  });
});

for (const kind of ['node', 'perl', 'python'] as const) describe(`spawn helpers (${kind}) with real processes`, () => helperSuite(kind));

function helperSuite(kind: HelperKind): void {
  let dir: string;
  let pool: SpawnHelperPool;
  before(function () {
    if (!helperKindAvailable(kind)) this.skip();
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'maestro-helper-'));
    pool = await readyHelpers(kind);
  });
  afterEach(() => {
    pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (runner: ShellProcessRunner, script: string, env: Record<string, string> = processEnv()) => {
    const lines: string[] = [];
    const attempt = runner.start({ instanceId: 'n', attempt: 1, script, cwd: dir, env }, (stream, text) => lines.push(`${stream}: ${text}`));
    const result = await attempt.done;
    return { result, lines };
  };

  it('starts processes from the helper, not from the engine', async () => {
    if (existsSync('/proc/self')) {
      // The program's name, without its folder or version: a version manager's shim runs the real one by its path.
      const name = (path: string) => basename(path).replace(/[\d.]+$/, '');
      const program = readFileSync(`/proc/${pool.pids[0]}/cmdline`, 'utf8').split('\0')[0];
      assert.equal(name(program), name(helperCommand(kind, SPAWN_HELPER).file), 'a helper of the kind asked for, not one that took its place');
    }
    const { result, lines } = await run(new ShellProcessRunner(dir, { helpers: pool }), 'echo "$PPID"');
    assert.equal(result.exitCode, 0);
    assert.deepEqual(lines, [`stdout: ${pool.pids[0]}`]);
  });

  it("finds a program on the PATH of the process's own environment, passing over entries it may not run", async () => {
    for (const sub of ['denied', 'bin']) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, 'denied', 'mysh'), '#!/bin/sh\necho wrong\n');
    chmodSync(join(dir, 'denied', 'mysh'), 0o644);
    symlinkSync('/bin/sh', join(dir, 'bin', 'mysh'));
    const start = async (runner: ShellProcessRunner, path: string) => {
      const lines: string[] = [];
      const env = { ...processEnv(), PATH: path };
      const r = await runner.start({ instanceId: 'n', attempt: 1, script: 'echo "ran $0 from $PPID"', shell: 'mysh', cwd: dir, env }, (_, l) => lines.push(l))
        .done;
      return [r.exitCode, r.spawnError, lines.map((l) => l.replace(/from \d+$/, (m) => (m === `from ${process.pid}` ? 'from the engine' : 'from a helper')))];
    };
    const paths = [`${dir}/denied:${dir}/bin:/usr/bin:/bin`, `${dir}/denied:${dir}/nothing`, `${dir}/nothing`];
    const direct = await Promise.all(paths.map((path) => start(new ShellProcessRunner(join(dir, 'a')), path)));
    const helped = await Promise.all(paths.map((path) => start(new ShellProcessRunner(join(dir, 'b'), { helpers: pool }), path)));
    assert.deepEqual(direct[0], [0, undefined, ['ran mysh from the engine']]);
    assert.deepEqual(helped[0], [0, undefined, ['ran mysh from a helper']]);
    // Where no entry can be run, the helper's failure is left to the engine, which starts it itself and says why.
    assert.deepEqual(helped.slice(1), direct.slice(1));
    assert.match(String(direct[1][1]), /EACCES/);
    assert.match(String(direct[2][1]), /ENOENT/);
  });

  it('gives a process the same environment, folder, output and exit as starting it from the engine', async () => {
    const script = 'env | grep -v "^_=" | sort; pwd; echo "to stderr" >&2; echo "$MAESTRO_OUTPUT" | grep -c outputs; echo "x=1" >> "$MAESTRO_OUTPUT"; exit 3';
    const env: Record<string, string> = { ...processEnv(), ONLY_HERE: 'yes', EMPTY: '', SPACES: 'a  b\nc' };
    delete env.HOME;
    const direct = await run(new ShellProcessRunner(join(dir, 'a')), script, env);
    const helped = await run(new ShellProcessRunner(join(dir, 'b'), { helpers: pool }), script, env);
    // Each stream in order; stdout and stderr are two pipes, with no order between them.
    const normalize = (lines: string[]) =>
      [...lines.filter((l) => l.startsWith('stdout')), ...lines.filter((l) => l.startsWith('stderr'))].map((l) =>
        l.replace(/MAESTRO_OUTPUT=.*/, 'MAESTRO_OUTPUT=…'),
      );
    assert.deepEqual(normalize(helped.lines), normalize(direct.lines));
    assert.ok(helped.lines.includes('stdout: ONLY_HERE=yes') && !helped.lines.some((l) => l.startsWith('stdout: HOME=')));
    assert.deepEqual([helped.result.exitCode, helped.result.outputs], [3, { x: '1' }]);
  });

  it('passes 100,000 lines through in order, split correctly across chunks', async () => {
    const { result, lines } = await run(new ShellProcessRunner(dir, { helpers: pool }), 'seq 1 100000; printf "no newline at the end é"');
    assert.equal(result.exitCode, 0);
    assert.equal(lines.length, 100_001);
    assert.ok(lines.slice(0, 100_000).every((l, i) => l === `stdout: ${i + 1}`));
    assert.equal(lines[100_000], 'stdout: no newline at the end é');
  });

  it('a process that left the group and holds the output open does not hold the attempt past the grace', async () => {
    const pids = join(dir, 'pids');
    const script = `echo before; setsid sh -c 'echo $$ > ${pids}; exec sleep 60' & while [ ! -s ${pids} ]; do sleep 0.01; done; exit 4`;
    try {
      const { result, lines } = await run(new ShellProcessRunner(dir, { helpers: pool }), script);
      assert.equal(result.exitCode, 4);
      assert.deepEqual(lines, ['stdout: before', `stderr: ${OUTPUT_CUT_NOTE}`]);
    } finally {
      const daemon = pidIn(pids);
      if (daemon) process.kill(daemon, 'SIGKILL');
    }
  });

  it('a stop that comes before the helper reports the pid still ends the process group', async () => {
    const runner = new ShellProcessRunner(dir, { helpers: pool, killGraceMs: 200 });
    const pids = join(dir, 'pids');
    const attempt = runner.start({ instanceId: 'n', attempt: 1, script: `sleep 30 & echo $! > ${pids}; wait`, cwd: dir, env: processEnv() }, () => undefined);
    assert.equal(attempt.pid, undefined, 'the pid is not known yet');
    attempt.stop('cancel');
    const result = await attempt.done;
    assert.equal(result.stoppedBy, 'cancel');
    // The shell may have been stopped before it wrote the pid of its child; then there is no child to wait for.
    const child = pidIn(pids);
    if (child) await until(() => !alive(child));
  });

  it('a cwd or shell that does not exist is a spawn error, as from the engine', async () => {
    const runner = new ShellProcessRunner(dir, { helpers: pool });
    const noShell = await runner.start({ instanceId: 'n', attempt: 1, script: 'true', shell: '/no/such/shell', cwd: dir, env: processEnv() }, () => undefined)
      .done;
    assert.match(noShell.spawnError ?? '', /ENOENT: \/no\/such\/shell was not found$/);
    const noDir = await runner.start({ instanceId: 'n', attempt: 1, script: 'true', cwd: join(dir, 'missing'), env: processEnv() }, () => undefined).done;
    assert.match(noDir.spawnError ?? '', /ENOENT: the working folder .*\/missing does not exist$/);
  });

  it('when a helper dies, its processes are ended and reported, and the engine starts the next ones itself', async () => {
    const problems: string[] = [];
    const own = new SpawnHelperPool({ script: SPAWN_HELPER, count: 1, kind, env: processEnv(), onProblem: (m) => problems.push(m) });
    assert.ok(await own.ready());
    const runner = new ShellProcessRunner(dir, { helpers: own });
    const pids = join(dir, 'pids');
    const attempt = runner.start({ instanceId: 'n', attempt: 1, script: `sleep 30 & echo $! > ${pids}; wait`, cwd: dir, env: processEnv() }, () => undefined);
    await until(() => existsSync(pids) && readFileSync(pids, 'utf8').trim() !== '');
    process.kill(own.pids[0], 'SIGKILL');
    const result = await attempt.done;
    assert.match(result.spawnError ?? '', /spawn helper exited SIGKILL/);
    await until(() => !alive(Number(readFileSync(pids, 'utf8'))));
    assert.equal(problems.length, 1);
    assert.match(problems[0], /a spawn helper \(pid \d+\) exited SIGKILL; processes it did not start are started by the engine itself/);
    const next = await run(runner, 'echo "$PPID"');
    assert.deepEqual(next.lines, [`stdout: ${process.pid}`]);
    own.close();
  });

  it('a helper that cannot start leaves the engine starting processes itself', async function () {
    // The system's Python is started by its path, which the test cannot hide; a Python helper's place is taken by
    // the next kind the same way (see 'what the pool does when a helper goes').
    if (kind === 'python') this.skip();
    const problems: string[] = [];
    // A Python or Perl helper that cannot start is replaced by the next kind, and at last by a Node.js one, which here
    // cannot start either.
    const env = kind === 'node' ? processEnv() : { ...processEnv(), PATH: dir };
    const broken = new SpawnHelperPool({ script: join(dir, 'missing.js'), count: 1, kind, env, onProblem: (m) => problems.push(m) });
    assert.equal(await broken.ready(), false);
    assert.match(problems.join('\n'), /Cannot find module/);
    assert.equal(problems.length, 1);
    const { lines } = await run(new ShellProcessRunner(dir, { helpers: broken }), 'echo "$PPID"');
    assert.deepEqual(lines, [`stdout: ${process.pid}`]);
    broken.close();
  });

  it('kills what it started when its engine goes away (its stdin closes) with processes still running', async () => {
    const command = helperCommand(kind, SPAWN_HELPER);
    const helper = spawn(command.file, command.args, { stdio: ['pipe', 'pipe', 'inherit'] });
    const pids = join(dir, 'pids');
    let out = '';
    helper.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise((resolve) => helper.on('exit', resolve));
    const transport = transportFor(kind);
    helper.stdin.write(
      transport.encode({ type: 'spawn', id: 1, file: 'sh', args: ['-c', `sleep 30 & echo $! > ${pids}; wait`], cwd: dir, set: {}, unset: [] })!,
    );
    await until(() => /"spawned"|\nS 1 \d+\n/.test(out) && pidIn(pids) !== undefined);
    const child = pidIn(pids)!;
    helper.stdin.end();
    await exited;
    await until(() => !alive(child));
  });

  it('killAll ends the processes a helper started at once, and one that starts after', async () => {
    const runner = new ShellProcessRunner(dir, { helpers: pool, killGraceMs: 60_000 });
    const pids = join(dir, 'pids');
    const attempt = runner.start(
      { instanceId: 'n', attempt: 1, script: `trap "" TERM; sleep 30 & echo $! > ${pids}; wait`, cwd: dir, env: processEnv() },
      () => undefined,
    );
    await until(() => pidIn(pids) !== undefined);
    runner.killAll();
    assert.equal((await attempt.done).signal, 'SIGKILL');
    await until(() => !alive(pidIn(pids)!));
    const later = await runner.start({ instanceId: 'm', attempt: 1, script: 'sleep 30', cwd: dir, env: processEnv() }, () => undefined).done;
    assert.equal(later.signal, 'SIGKILL');
  });

  it('Ctrl-C in a terminal cancels the run through its helpers: the interrupt does not reach them', async function () {
    if (process.platform === 'win32') this.skip();
    const node = (i: number) => `  n${i}: { needs: first, run: 'trap "echo got TERM; exit 3" TERM; echo $PPID > ${dir}/up-${i}; sleep 30 & wait' }`;
    const file = join(dir, 'sleepy.workflow.yaml');
    const nodes = ['  first: { run: "sleep 0.3" }', ...[0, 1, 2, 3].map(node)];
    writeFileSync(file, ['version: 1', 'name: Sleepy', 'concurrency: 4', 'nodes:', ...nodes, ''].join('\n'));
    const env = { ...processEnv(), MAESTRO_SPAWN_HELPER_KIND: kind, MAESTRO_SPAWN_HELPERS: '2' };
    const runsDir = join(dir, 'runs');
    // In a process group of its own, as a terminal's foreground job is.
    const cli = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'cli.js'), 'run', file, '--runs-dir', runsDir], { detached: true, env });
    let output = '';
    for (const stream of [cli.stdout, cli.stderr]) stream.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise((resolve) => cli.on('close', resolve));
    const up = [0, 1, 2, 3].map((i) => join(dir, `up-${i}`));
    await until(() => up.every((f) => pidIn(f) !== undefined));
    assert.ok(
      up.every((f) => pidIn(f) !== cli.pid),
      'the nodes were started by a helper',
    );
    process.kill(-cli.pid!, 'SIGINT');
    await exited;
    assert.doesNotMatch(output, /spawn helper/);
    assert.match(output, /cancelled in/);
    const [runId] = readdirSync(runsDir).filter((d) => !d.startsWith('.') && d !== 'index');
    for (const i of [0, 1, 2, 3]) assert.equal(readFileSync(join(runsDir, runId, 'logs', `n${i}.log`), 'utf8'), 'got TERM\n', `n${i} was stopped gracefully`);
  });

  it('the CLI exits when the run ends, and its helpers with it', async () => {
    const nodes = Array.from({ length: 40 }, (_, i) => `  n${i}: { run: 'echo "$PPID" > ${dir}/ppid-${i}' }`);
    const file = join(dir, 'big.workflow.yaml');
    writeFileSync(file, ['version: 1', 'name: Big', 'concurrency: 4', 'nodes:', ...nodes, ''].join('\n'));
    const r = spawnSync(process.execPath, [join(__dirname, '..', '..', 'dist', 'cli.js'), 'run', file, '--json', '--runs-dir', join(dir, 'runs')], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout
        .trim()
        .split('\n')
        .filter((l) => l.includes('"node:completed"')).length,
      40,
    );
    const parents = new Set(nodes.map((_, i) => Number(readFileSync(join(dir, `ppid-${i}`), 'utf8'))));
    await until(() => [...parents].every((p) => !alive(p)));
  });
}
