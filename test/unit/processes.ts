// Helpers for tests that start real processes.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { currentPlatform } from '../../src/engine/platform';
import { helperCommand, type HelperKind } from '../../src/engine/run/io/spawnHelper/transports';
import { SpawnHelperPool } from '../../src/engine/run/io/spawnHelper/pool';

/** Whether a process is alive (a zombie, killed and not yet reaped by its parent, is not). */
export const alive = (pid: number): boolean => {
  // 0 and negative pids name process groups: signalling them could reach the test runner itself.
  assert.ok(Number.isInteger(pid) && pid > 0, `not a process id: ${pid}`);
  return currentPlatform.processAlive(pid);
};

/** No process has the pid any more, not even a zombie waiting for its parent to reap it. */
export function reaped(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The pid a script wrote to a file; undefined until the whole number is there. */
export function pidIn(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Waits until a condition holds, polling; the test's own timeout bounds it. */
export async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 20));
}

export const processEnv = (): Record<string, string> =>
  Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));

/** The bundled spawn helper; `npm test` builds it before the unit tests run. */
export const SPAWN_HELPER = join(__dirname, '..', '..', 'dist', 'spawnHelper.js');

/**
 * Whether helpers of this kind can start here: Python helpers need a Python of 3.10 or later (the system's, or
 * `python3` on the PATH), Perl ones `perl`. Their suites are skipped where they cannot, where the engine uses the
 * next kind.
 */
export function helperKindAvailable(kind: HelperKind): boolean {
  if (process.platform === 'win32') return kind === 'node';
  if (kind === 'python') {
    const python = helperCommand('python', SPAWN_HELPER).file;
    return spawnSync(python, ['-I', '-S', '-c', 'import sys; sys.exit(sys.version_info < (3, 10))']).status === 0;
  }
  if (kind === 'perl') return spawnSync('perl', ['-e', '1']).status === 0;
  return true;
}

/** A pool with one helper that is ready, so that every process of the test starts through it. */
export async function readyHelpers(kind: HelperKind = 'node'): Promise<SpawnHelperPool> {
  const pool = new SpawnHelperPool({ script: SPAWN_HELPER, count: 1, kind, env: processEnv(), onProblem: (m) => assert.fail(m) });
  assert.ok(await pool.ready(), `the spawn helper ${SPAWN_HELPER} is ready`);
  return pool;
}
