// Helpers for tests that start real processes.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { SpawnHelperPool } from '../../src/engine/run/spawnHelper/pool';

export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits until a condition holds, polling; the test's own timeout bounds it. */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 20));
}

export const processEnv = (): Record<string, string> => Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));

/** The bundled spawn helper; `npm test` builds it before the unit tests run. */
export const SPAWN_HELPER = join(__dirname, '..', '..', 'dist', 'spawnHelper.js');

/** A pool with one helper that is ready, so that every process of the test starts through it. */
export async function readyHelpers(): Promise<SpawnHelperPool> {
  const pool = new SpawnHelperPool({ script: SPAWN_HELPER, count: 1, env: processEnv(), onProblem: (m) => assert.fail(m) });
  assert.ok(await pool.ready(), `the spawn helper ${SPAWN_HELPER} is ready`);
  return pool;
}
