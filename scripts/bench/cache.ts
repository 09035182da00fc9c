// Kept results in a big folder: a result kept with copies into a folder of 10,000 results with copies, until the
// cache has settled (what a run's end waits for), against a full trim of the same folder (every entry read: what
// each such result cost a run before it followed the copies' bytes). The user's own folder (HMACs) and a team's
// (Ed25519 signatures).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CacheQuery } from '../../src/engine/run/core/ports';
import { CACHE_VERSION, writeEntry } from '../../src/engine/run/io/cacheEntries';
import { trimCopies } from '../../src/engine/run/io/cacheTrim';
import { type EntryKeys, secretKeys, teamKeys } from '../../src/engine/run/io/entryKeys';
import { FileNodeCache } from '../../src/engine/run/io/nodeCache';
import { median, ms, ratio } from './stats';

const RESULTS = Number(process.env.BENCH_CACHE_RESULTS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_CACHE_ROUNDS ?? 5);

/** A folder of `RESULTS` entries, each naming one copy of 100 bytes. */
function folderOf(keys: EntryKeys): { root: string; cacheDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'maestro-bench-cache-'));
  const cacheDir = join(root, '.cache');
  mkdirSync(join(cacheDir, 'copies'), { recursive: true });
  for (let i = 0; i < RESULTS; i++) {
    const sha = i.toString(16).padStart(64, '0');
    writeFileSync(join(cacheDir, 'copies', sha), 'x'.repeat(100));
    const copies = [{ path: 'out/a', sha, size: 100, mode: 0o644 }];
    const entry = {
      version: CACHE_VERSION,
      workflowPath: 'w',
      instanceId: `n${i}`,
      runId: 'r',
      at: i,
      outputs: {},
      artifacts: [['out', 's']] as [string, string][],
    };
    writeEntry(join(cacheDir, `${(i + 1).toString(16).padStart(64, 'f')}.json`), { ...entry, copies }, keys);
  }
  return { root, cacheDir };
}

/** A run's cache keeping one result with a copy, until it has settled. */
async function keepOne(cacheDir: string, work: string, keys: EntryKeys, round: number): Promise<number> {
  writeFileSync(join(work, 'out.txt'), `round ${round}`);
  const cache = new FileNodeCache(cacheDir, { reuse: true, copiesMaxBytes: 1024 * 1024 * 1024, keys: () => keys });
  const query: CacheQuery = {
    workflowPath: join(work, 'w.workflow.yaml'),
    instanceId: 'n',
    script: `echo ${round}`,
    cwd: work,
    env: {},
    matrix: {},
    files: [],
    outputs: [],
    artifacts: ['out.txt'],
  };
  global.gc?.();
  const t = performance.now();
  const { key } = await cache.lookup(query, { now: Date.now(), reuse: true });
  const prepared = await cache.prepare(query);
  cache.keep(key, { runId: `r${round}`, at: Date.now(), outputs: {}, artifacts: ['out.txt'], query, prepared });
  await cache.settled();
  return performance.now() - t;
}

async function measure(label: string, keys: EntryKeys): Promise<{ keptMs: number; trimMs: number }> {
  const { root, cacheDir } = folderOf(keys);
  const work = join(root, 'work');
  mkdirSync(work);
  const kept: number[] = [];
  const trims: number[] = [];
  try {
    // In turn, so that both sides meet the machine alike.
    for (let round = 0; round < ROUNDS; round++) {
      kept.push(await keepOne(cacheDir, work, keys, round));
      global.gc?.();
      const t = performance.now();
      await trimCopies(cacheDir, 1024 * 1024 * 1024, { keys });
      trims.push(performance.now() - t);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const [keptMs, trimMs] = [median(kept), median(trims)];
  console.log(`  ${label.padEnd(34)} kept ${ms(keptMs).padStart(9)}   full trim ${ms(trimMs).padStart(9)}   ${ratio(keptMs, trimMs).padStart(6)}`);
  return { keptMs, trimMs };
}

async function main(): Promise<void> {
  console.log(
    `\nA result kept with copies into a folder of ${RESULTS.toLocaleString('en-US')} results with copies, until settled, against a full trim (median of ${ROUNDS})`,
  );
  const own = await measure("the user's own folder (HMAC)", secretKeys('a'.repeat(64)));
  const team = await measure("a team's folder (Ed25519)", teamKeys('b'.repeat(64)));
  process.send?.({ section: 'cache', ownKeptMs: own.keptMs, ownTrimMs: own.trimMs, teamKeptMs: team.keptMs, teamTrimMs: team.trimMs });
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
