// The bound on how many results a runs folder keeps: past it, those kept longest ago go, and only the user's own.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CacheQuery } from '../../src/engine/run/core/ports';
import { startRun } from '../../src/engine/run/engine';
import { machineKeys } from '../../src/engine/run/io/cacheSecret';
import { type EntryKeys, secretKeys } from '../../src/engine/run/io/entryKeys';
import { CACHE_FOLDER, entryNames, readEntrySync, writeEntry } from '../../src/engine/run/io/cacheEntries';
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
      const query: CacheQuery = {
        workflowPath: '/w',
        instanceId: `n${i}`,
        script: 'true',
        cwd: dir,
        env: {},
        matrix: {},
        files: [],
        outputs: [],
        artifacts: [],
      };
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
});
