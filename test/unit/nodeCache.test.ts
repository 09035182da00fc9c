// `cache` with real processes and files: what a kept result is keyed by, when it is reused, and what is not kept.
import { strict as assert } from 'node:assert';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { EngineEvent } from '../../src/engine/protocol';
import type { CacheQuery } from '../../src/engine/run/core/ports';
import { resumeRunFromLog, startRun } from '../../src/engine/run/engine';
import { machineSecret, stateDir } from '../../src/engine/run/io/cacheSecret';
import { forgetResults } from '../../src/engine/run/io/cacheForget';
import { CACHE_FOLDER, cacheKey } from '../../src/engine/run/io/nodeCache';
import { main } from '../../src/cli/main';
import { digestRun, packDigest, unpackDigest } from '../../src/engine/insights/digest';
import { workflowInsights } from '../../src/engine/service/runInsights';
import { clockReading, yaml } from './helpers';

const DAY_MS = 86_400_000;
const SECRET = 'a'.repeat(64);

describe('node cache: results kept across runs', () => {
  let dir: string;
  let now: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maestro-cache-'));
    now = Date.UTC(2026, 0, 1);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const clock = clockReading(() => now);
  const write = (...nodeLines: string[]) => {
    const path = join(dir, 'c.workflow.yaml');
    writeFileSync(path, yaml('version: 1', 'name: Cache', 'nodes:', ...nodeLines));
    return path;
  };
  /** The build node appends to `ran.txt` each time it really runs. */
  const buildNode = (cache: string, script = 'echo "v=$(cat src/a.txt)" >> "$MAESTRO_OUTPUT"') => [
    '  build:',
    `    run: |`,
    '      echo run >> ran.txt',
    `      ${script}`,
    '    outputs: [v]',
    `    cache: ${cache}`,
    '  use:',
    '    needs: build',
    '    run: echo "got ${{ nodes.build.outputs.v }}" > got.txt',
  ];
  const run = async (path: string, options: { reuseResults?: boolean; cacheCopiesMaxBytes?: number } = {}) => {
    const events: EngineEvent[] = [];
    const handle = startRun({ workflowPath: path, runsDir: join(dir, 'runs'), clock, onEvent: (e) => events.push(e), ...options });
    const status = await handle.finished();
    handle.dispose();
    const completed = events.find((e): e is Extract<EngineEvent, { type: 'node:completed' }> => e.type === 'node:completed' && e.nodeId === 'build');
    return { runId: handle.runId, status, events, cached: completed?.cached, ran: timesRun() };
  };
  const timesRun = () => {
    try {
      return readFileSync(join(dir, 'ran.txt'), 'utf8').split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  };
  const source = (text: string) => {
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'src', 'a.txt'), text);
  };

  it('reuses the result while the script and the files are the same; a change to a file runs it again', async () => {
    source('one');
    const path = write(...buildNode('{ files: [src/**] }'));
    const first = await run(path);
    assert.deepEqual([first.status, first.ran, first.cached], ['completed', 1, undefined]);
    const second = await run(path);
    assert.deepEqual([second.status, second.ran, second.cached], ['completed', 1, { runId: first.runId, at: now }]);
    assert.equal(readFileSync(join(dir, 'got.txt'), 'utf8'), 'got one\n', 'what needs it gets the kept outputs');
    source('two');
    const third = await run(path);
    assert.deepEqual([third.ran, third.cached], [2, undefined]);
    assert.equal(readFileSync(join(dir, 'got.txt'), 'utf8'), 'got two\n');
    source('one');
    const fourth = await run(path);
    assert.deepEqual([fourth.ran, fourth.cached?.runId], [2, first.runId], 'contents, not times, make the key');
    writeFileSync(join(dir, 'src', 'new.txt'), 'x');
    assert.equal((await run(path)).ran, 3, 'a new file among the globbed ones runs it again');
  });

  it('runs it again when the script, the declared env or the settings change', async () => {
    source('one');
    await run(write(...buildNode('true')));
    assert.equal((await run(write(...buildNode('true')))).ran, 1);
    assert.equal((await run(write(...buildNode('true', 'echo "v=1" >> "$MAESTRO_OUTPUT"')))).ran, 2);
    const withEnv = (mode: string) => write('  build:', '    run: echo run >> ran.txt', `    env: { MODE: ${mode} }`, '    cache: true');
    assert.equal((await run(withEnv('a'))).ran, 3);
    assert.equal((await run(withEnv('a'))).ran, 3);
    assert.equal((await run(withEnv('b'))).ran, 4);
  });

  it('runs it again once the ttl has passed', async () => {
    source('one');
    const path = write(...buildNode('{ ttl: 1d }'));
    await run(path);
    now += DAY_MS - 1;
    assert.equal((await run(path)).ran, 1);
    now += 1;
    assert.equal((await run(path)).ran, 2);
  });

  // With copies (the default), changed artifacts are put back instead: cacheCopies.test.ts.
  const noCopies = { cacheCopiesMaxBytes: 0 };

  it('without copies of its artifacts, runs it again when an artifact it made is gone', async () => {
    const path = write('  build:', '    run: echo run >> ran.txt && echo x > out.bin', '    artifacts: [out.bin]', '    cache: true');
    await run(path, noCopies);
    assert.equal((await run(path, noCopies)).ran, 1);
    rmSync(join(dir, 'out.bin'));
    assert.equal((await run(path, noCopies)).ran, 2);
    assert.ok(!existsSync(join(dir, 'runs', CACHE_FOLDER, 'copies')));
  });

  it('without copies, runs it again when its artifacts were written since (a file back as it was would otherwise reuse another build)', async () => {
    source('one');
    const path = write(
      '  build:',
      '    run: echo run >> ran.txt && cp src/a.txt out.bin && mkdir -p dist && cp src/a.txt dist/app.txt',
      '    artifacts: [out.bin, dist]',
      '    cache: { files: [src] }',
    );
    await run(path, noCopies);
    source('second');
    assert.equal((await run(path, noCopies)).ran, 2);
    // The sources back as they were in the first run: its result would name an out.bin the second run wrote.
    source('one');
    assert.equal((await run(path, noCopies)).ran, 3);
    assert.equal(readFileSync(join(dir, 'out.bin'), 'utf8'), 'one');
    assert.equal((await run(path, noCopies)).ran, 3, 'as the last run left them');
    writeFileSync(join(dir, 'dist', 'extra.txt'), 'x');
    assert.equal((await run(path, noCopies)).ran, 4, 'a file added to a folder artifact');
    writeFileSync(join(dir, 'dist', 'app.txt'), 'changed by hand');
    assert.equal((await run(path, noCopies)).ran, 5, 'a file of it changed');
  });

  it('with reuse turned off, runs it and keeps the new result', async () => {
    source('one');
    const path = write(...buildNode('true'));
    await run(path);
    const fresh = await run(path, { reuseResults: false });
    assert.deepEqual([fresh.ran, fresh.cached], [2, undefined]);
    assert.equal((await run(path)).cached?.runId, fresh.runId);
  });

  it('keeps nothing of a failed node, and one small file per result in the runs folder', async () => {
    const path = write('  build:', '    run: echo run >> ran.txt && exit 3', '    cache: true');
    assert.equal((await run(path)).status, 'failed');
    assert.equal((await run(path)).ran, 2);
    source('one');
    await run(write(...buildNode('true')));
    const kept = readdirSync(join(dir, 'runs', CACHE_FOLDER));
    assert.equal(kept.length, 1);
    assert.match(kept[0], /^[0-9a-f]{64}\.json$/);
  });

  it('a key is the same for the same query, and differs when any part of it differs', async () => {
    source('one');
    const base: CacheQuery = {
      workflowPath: join(dir, 'c.workflow.yaml'),
      instanceId: 'build',
      script: 'make',
      cwd: dir,
      env: { A: '1', B: '2' },
      matrix: {},
      files: ['src/**'],
      outputs: [],
      artifacts: [],
    };
    const key = (q: CacheQuery) => cacheKey(q, SECRET);
    assert.equal(await key(base), await key({ ...base, env: { B: '2', A: '1' } }), 'the order of names does not count');
    const changes: Partial<CacheQuery>[] = [
      { workflowPath: '/elsewhere.workflow.yaml' },
      { instanceId: 'test' },
      { shell: 'sh' },
      { cwd: join(dir, 'src') },
      { matrix: { os: 'linux' } },
      { files: [] },
      { outputs: ['v'] },
      { outputs: ['v'], stdoutAs: 'v' },
      { artifacts: ['a'] },
    ];
    const keys = new Set([await key(base), ...(await Promise.all(changes.map((c) => key({ ...base, ...c }))))]);
    assert.equal(keys.size, changes.length + 1);
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (a, b) => {
        const [ka, kb] = [await key({ ...base, script: a }), await key({ ...base, script: b })];
        return a === b ? ka === kb : ka !== kb;
      }),
      { numRuns: 50 },
    );
    const before = [await key(base), await key({ ...base, files: ['src'] })];
    appendFileSync(join(dir, 'src', 'a.txt'), '!');
    assert.notEqual(await key(base), before[0]);
    assert.notEqual(await key({ ...base, files: ['src'] }), before[1], 'a folder stands for the files under it');
    assert.notEqual(await cacheKey(base, SECRET.replace(/^./, 'f')), await key(base), 'another secret, another key');
  });

  it('refuses what is not a regular file (a FIFO would never end): the node runs, and says why', async function () {
    if (process.platform === 'win32') this.skip();
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    const path = write('  build:', '    run: echo run >> ran.txt', '    cache: { files: [pipe] }');
    const first = await run(path);
    const second = await run(path);
    assert.deepEqual([first.status, second.ran, second.cached], ['completed', 2, undefined]);
    const log = readFileSync(join(dir, 'runs', second.runId, 'logs', 'build.log'), 'utf8');
    assert.match(log, /no result is reused or kept for this node: cache file pipe is not a regular file/);
  });

  it('refuses a folder or glob with more entries than it looks at: a key of some of them would miss a change', async () => {
    mkdirSync(join(dir, 'big'));
    for (let i = 0; i <= 10_000; i++) writeFileSync(join(dir, 'big', `f${i}`), '');
    for (const files of ['[big]', "['big/**']"]) {
      const path = write('  build:', '    run: echo run >> ran.txt', `    cache: { files: ${files} }`);
      const before = timesRun();
      const first = await run(path);
      const second = await run(path);
      assert.deepEqual([first.status, second.ran - before, second.cached], ['completed', 2, undefined], files);
      const log = readFileSync(join(dir, 'runs', second.runId, 'logs', 'build.log'), 'utf8');
      assert.match(log, /no result is reused or kept for this node: more than 10,000 entries under .*: name fewer cache files/, files);
    }
  });

  it("refuses a cache file that climbs out of the node's folder once its expression is filled in", async () => {
    const path = join(dir, 'up.workflow.yaml');
    writeFileSync(
      path,
      yaml(
        'version: 1',
        'name: Up',
        'inputs:',
        '  up: { default: ".." }',
        'nodes:',
        '  build:',
        '    run: echo run >> ran.txt',
        '    cache: { files: ["${{ inputs.up }}/secret"] }',
      ),
    );
    const first = await run(path);
    const second = await run(path);
    assert.deepEqual([first.status, second.ran, second.cached], ['completed', 2, undefined]);
    const log = readFileSync(join(dir, 'runs', second.runId, 'logs', 'build.log'), 'utf8');
    assert.match(log, /no result is reused or kept for this node: cache file '..\/secret' climbs out of the node's folder/);
  });

  it("never finds a result kept under another user's key (an entry a repository brought along), nor keeps any without one", async () => {
    source('one');
    const path = write(...buildNode('true'));
    await run(path);
    assert.equal((await run(path)).ran, 1);
    const own = process.env.MAESTRO_STATE_DIR;
    try {
      // A run with no cached node makes nothing in the user's state folder.
      process.env.MAESTRO_STATE_DIR = join(dir, 'untouched-state');
      await run(write('  plain: { run: "true" }'));
      assert.equal(existsSync(join(dir, 'untouched-state')), false);
      // Another user's engine, or a repository's author who planted entries: another secret.
      process.env.MAESTRO_STATE_DIR = mkdtempSync(join(tmpdir(), 'maestro-other-'));
      const other = await run(write(...buildNode('true')));
      assert.deepEqual([other.ran, other.cached], [2, undefined]);
      // No secret can be kept: nothing is kept nor reused, and the log says why.
      writeFileSync(join(dir, 'not-a-folder'), '');
      process.env.MAESTRO_STATE_DIR = join(dir, 'not-a-folder', 'state');
      const none = [await run(path), await run(path)];
      assert.deepEqual(
        none.map((r) => [r.ran, r.cached]),
        [
          [3, undefined],
          [4, undefined],
        ],
      );
      const log = readFileSync(join(dir, 'runs', none[1].runId, 'logs', 'build.log'), 'utf8');
      assert.match(log, /no result is reused or kept for this node: the key of kept results cannot be kept in .*not-a-folder.*set MAESTRO_STATE_DIR/);
    } finally {
      process.env.MAESTRO_STATE_DIR = own;
    }
    assert.equal((await run(path)).ran, 4, "this user's own result again");
  });

  it("reuses a sub-workflow's node result too, under the node that runs it", async () => {
    writeFileSync(join(dir, 'sub.workflow.yaml'), yaml('version: 1', 'name: Sub', 'nodes:', '  build: { run: echo run >> ran.txt, cache: true }'));
    const path = write('  deploy: { workflow: ./sub.workflow.yaml }');
    await run(path);
    const second = await run(path);
    const inner = second.events.find((e): e is Extract<EngineEvent, { type: 'node:completed' }> => e.type === 'node:completed' && e.nodeId === 'deploy/build');
    assert.equal(second.status, 'completed');
    assert.equal(timesRun(), 1);
    assert.ok(inner?.cached, 'deploy/build completed from the kept result');
  });

  it('takes an entry it did not write (garbage, a FIFO in its place) as no entry, without waiting on it', async function () {
    if (process.platform === 'win32') this.skip();
    source('one');
    const path = write(...buildNode('true'));
    await run(path);
    const folder = join(dir, 'runs', CACHE_FOLDER);
    const [entry] = readdirSync(folder);
    writeFileSync(join(folder, entry), '{"version":1,"runId":3}');
    assert.deepEqual([(await run(path)).ran], [2]);
    rmSync(join(folder, entry));
    execFileSync('mkfifo', [join(folder, entry)]);
    const after = await run(path);
    assert.deepEqual([after.status, after.ran], ['completed', 3]);
  });

  it('runs the node a run is continued from (Run from Here), whatever was kept for it', async () => {
    source('one');
    const path = write(...buildNode('true'));
    const first = await run(path);
    const handle = await resumeRunFromLog({ runsDir: join(dir, 'runs'), runId: first.runId, fromNode: 'build', clock });
    assert.equal(await handle.finished(), 'completed');
    handle.dispose();
    assert.equal(timesRun(), 2);
  });

  it('forgets kept results: a workflow’s, those kept before a time, or all, from the CLI too', async () => {
    source('one');
    const path = write(...buildNode('true'));
    await run(path);
    const other = join(dir, 'other.workflow.yaml');
    writeFileSync(other, yaml('version: 1', 'name: Other', 'nodes:', '  a: { run: echo a, cache: true }', '  b: { run: echo b, cache: true }'));
    now += DAY_MS;
    await run(other);
    const runsDir = join(dir, 'runs');
    const kept = () => readdirSync(join(runsDir, CACHE_FOLDER)).length;
    assert.equal(kept(), 3);
    writeFileSync(join(runsDir, CACHE_FOLDER, 'notes.txt'), 'left alone');
    assert.equal(await forgetResults(runsDir, { olderThan: now - 1 }), 1, 'the first workflow’s, kept a day before');
    assert.equal(await forgetResults(runsDir, { workflowPath: path }), 0);
    let out = '';
    const io = { out: (t: string) => (out += t), err: (t: string) => (out += t), isTTY: false };
    assert.equal(await main(['runs', 'forget', '--workflow', other, '--runs-dir', runsDir], io), 0);
    assert.equal(out, 'forgot 2 kept results\n');
    assert.deepEqual(readdirSync(join(runsDir, CACHE_FOLDER)), ['notes.txt']);
    out = '';
    await main(['runs', 'forget', '--runs-dir', runsDir], io);
    assert.equal(out, `no kept result to forget in ${runsDir}\n`);
    assert.equal(await main(['runs', 'forget', '--older-than', 'soon', '--runs-dir', runsDir], io), 2);
    assert.match(out, /--older-than must be a duration/);
  });

  it('counts a reused node in insights: its reuse rate, its time left out of durations, on the CLI too', async () => {
    source('one');
    const path = write(...buildNode('true'));
    await run(path);
    const digest = digestRun((await run(path)).events)!;
    assert.equal(digest.nodes.build.reused, true);
    assert.equal(digest.nodes.use.reused, undefined);
    const back = unpackDigest(packDigest(digest))!;
    assert.deepEqual(back.nodes, digest.nodes, 'kept through the summary');
    await run(path, { reuseResults: false });
    const { report } = workflowInsights(join(dir, 'runs'), path);
    const build = report.nodes.find((n) => n.node === 'build')!;
    assert.deepEqual([build.runs, build.reuseRate, build.recentMs.length], [3, 1 / 3, 2], 'the run that reused it is one of three, and has no duration');
    assert.equal(report.nodes.find((n) => n.node === 'use')!.reuseRate, 0);
    let out = '';
    await main(['stats', path, '--runs-dir', join(dir, 'runs')], { out: (t) => (out += t), err: (t) => (out += t), isTTY: false });
    assert.match(out, /^node +runs +failed +retried +reused +p50/m);
    assert.match(out, /^build +3 +0% +0% +33% /m);
  });

  it("keeps the key in the user's state folder, readable by the user alone, made once and kept", function () {
    const state = join(dir, 'state');
    const made = machineSecret(state);
    assert.ok('secret' in made && /^[0-9a-f]{64}$/.test(made.secret));
    const file = join(state, 'cache.key');
    if (process.platform !== 'win32') {
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(state).mode & 0o777, 0o700);
    }
    assert.deepEqual(machineSecret(`${state}/`), made, 'read back as it was');
    writeFileSync(file, 'not a key');
    const remade = machineSecret(`${state}//`);
    assert.ok('secret' in remade && remade.secret !== made.secret, 'a damaged key is made again');
    assert.equal(stateDir({ MAESTRO_STATE_DIR: '/s' }, 'linux'), '/s');
    assert.equal(stateDir({ XDG_STATE_HOME: '/x' }, 'linux'), join('/x', 'maestro-dag'));
    assert.equal(stateDir({ LOCALAPPDATA: 'C:\\L' }, 'win32'), join('C:\\L', 'maestro-dag'));
  });

  it('on the CLI: says which run a result came from, and --no-cache runs the node', async () => {
    source('one');
    const path = write(...buildNode('true'));
    const cli = async (...args: string[]) => {
      let out = '';
      const code = await main(['run', path, '--runs-dir', join(dir, 'runs'), ...args], { out: (t) => (out += t), err: (t) => (out += t), isTTY: false });
      return { code, out };
    };
    const first = await cli();
    const firstRun = /run (\d{8}-\d{6}-[0-9a-f]{4})/.exec(first.out)![1];
    const second = await cli();
    assert.equal(second.code, 0);
    assert.match(second.out, new RegExp(`✓ build \\(not run: the result of run ${firstRun} reused\\)`));
    assert.match(second.out, /^ {2}build +completed +reused/m);
    assert.match(second.out, /✓ Cache completed in [^,]+, 1 of 2 nodes reused {2}\(run /);
    const third = await cli('--no-cache');
    assert.doesNotMatch(third.out, /reused/);
    assert.equal(timesRun(), 2);
  });
});
