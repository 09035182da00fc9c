// The bound on how many results a runs folder keeps: past it, those kept longest ago go, and only the user's own.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CacheQuery } from '../../src/engine/run/core/ports';
import { startRun } from '../../src/engine/run/engine';
import { machineKeys } from '../../src/engine/run/io/cacheSecret';
import { type EntryKeys, secretKeys } from '../../src/engine/run/io/entryKeys';
import { CACHE_FOLDER, CACHE_VERSION, entryNames, readEntrySync, writeEntry } from '../../src/engine/run/io/cacheEntries';
import { trimCopies } from '../../src/engine/run/io/cacheTrim';
import { FileNodeCache } from '../../src/engine/run/io/nodeCache';
import { clockReading, yaml } from './helpers';

describe('node cache: the bound on kept results', () => {
  let dir: string;
  let now: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maestro-results-'));
    now = Date.UTC(2026, 0, 1);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const cacheDir = () => join(dir, 'runs', CACHE_FOLDER);
  const entries = () => entryNames(cacheDir()).map((n) => ({ name: n, ...readEntrySync(join(cacheDir(), n))! }));
  const keys = (): EntryKeys => {
    const k = machineKeys();
    assert.ok(!('problem' in k), 'the tests have a secret');
    return k;
  };

  /** A node's query in the test's folder, leaving `artifacts`. */
  const queryOf = (instanceId: string, artifacts: string[] = []): CacheQuery => ({
    workflowPath: '/w',
    instanceId,
    script: 'true',
    cwd: dir,
    env: {},
    matrix: {},
    files: [],
    outputs: [],
    artifacts,
  });

  it('past it, deletes the results kept longest ago down to nine tenths of it; never another user’s; their nodes run again', async () => {
    const path = join(dir, 'w.workflow.yaml');
    writeFileSync(path, yaml('version: 1', 'name: W', 'nodes:', '  build: { run: "echo run >> ran.txt", cache: { files: [src.txt] } }'));
    const run = async (source: string) => {
      writeFileSync(join(dir, 'src.txt'), source);
      const handle = startRun({ workflowPath: path, runsDir: join(dir, 'runs'), clock: clockReading(() => now) });
      await handle.finished();
      handle.dispose();
      now += 1000;
    };
    for (const source of ['a', 'b', 'c', 'd', 'e']) await run(source);
    const ours = entries().sort((a, b) => a.at - b.at);
    assert.equal(ours.length, 5);
    // Kept before all of them, under a secret that is not the user's.
    const { name: _name, ...first } = ours[0];
    writeEntry(join(cacheDir(), `${'a'.repeat(64)}.json`), { ...first, at: 0 }, secretKeys('someone else'));

    await trimCopies(cacheDir(), Number.POSITIVE_INFINITY, { keys: keys(), maxResults: 5 });
    const left = entries().map((e) => e.at);
    // Six over five: down to four, the two oldest of the user's gone.
    assert.deepEqual(left.sort(), [0, ...ours.slice(2).map((e) => e.at)].sort());
    const ran = () => readFileSync(join(dir, 'ran.txt'), 'utf8').split('\n').filter(Boolean).length;
    await run('a');
    assert.equal(ran(), 6, 'a result deleted: its node runs');
    await run('e');
    assert.equal(ran(), 6, 'a result kept: reused');
  });

  it('is followed as results are kept: one trim when the count goes past it, not one at each result after', async () => {
    const cache = new FileNodeCache(cacheDir(), { reuse: true, keys: () => machineKeys(), copiesMaxBytes: 0, maxResults: 4 });
    for (let i = 1; i <= 7; i++) {
      const query = queryOf(`n${i}`);
      const { key } = await cache.lookup(query, { now: i, reuse: true });
      cache.keep(key, { runId: `r${i}`, at: i, outputs: {}, artifacts: [], query });
    }
    await cache.settled();
    // The fifth made five: a trim left three (nine tenths of four); the sixth and seventh made five again, left to the
    // next run's cache to trim.
    assert.deepEqual(
      entries()
        .map((e) => e.runId)
        .sort(),
      ['r3', 'r4', 'r5', 'r6', 'r7'],
    );
  });

  it("trims a run's copies once when other users' copies keep the folder past the bound, not at each result after", async () => {
    // Another user's result, whose copy alone takes more than the bound: no trim of this user's takes it.
    const theirs = 'e'.repeat(64);
    mkdirSync(join(cacheDir(), 'copies'), { recursive: true });
    writeFileSync(join(cacheDir(), 'copies', theirs), 'x'.repeat(5000));
    const entry = { version: CACHE_VERSION, workflowPath: '/w', instanceId: 'x', runId: 'r0', at: 0, outputs: {}, artifacts: [] as [string, string][] };
    const copies = [{ path: 'x.bin', sha: theirs, size: 5000, mode: 0o644 }];
    writeEntry(join(cacheDir(), `${'a'.repeat(64)}.json`), { ...entry, copies }, secretKeys('someone else'));
    const cache = new FileNodeCache(cacheDir(), { reuse: true, keys: () => machineKeys(), copiesMaxBytes: 3000 });
    const keep = async (i: number) => {
      writeFileSync(join(dir, `n${i}.bin`), `result ${i}`);
      const query = queryOf(`n${i}`, [`n${i}.bin`]);
      const { key } = await cache.lookup(query, { now: i, reuse: true });
      const prepared = await cache.prepare(query);
      cache.keep(key, { runId: `r${i}`, at: i, outputs: {}, artifacts: [`n${i}.bin`], query, prepared });
      await cache.settled();
    };
    await keep(1);
    assert.equal(entries().find((e) => e.runId === 'r1')?.copies, undefined, "the first trim dropped the user's copies");
    // A copy no entry names, an hour past its grace: a trim would delete it.
    const stray = join(cacheDir(), 'copies', 'f'.repeat(64));
    writeFileSync(stray, 'x');
    utimesSync(stray, new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    await keep(2);
    assert.ok(existsSync(stray), 'no second trim in the run');
    assert.ok(existsSync(join(cacheDir(), 'copies', theirs)), "the other user's copy stays");
  });
});
