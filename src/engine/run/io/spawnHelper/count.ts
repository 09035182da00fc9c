import type { HelperKind } from './transports';

/** Helpers pay off when many processes start; each costs a process start-up (a Node.js one where neither Python nor Perl can). */
const MIN_NODES = 32;
const DEFAULT_HELPERS = 2;
const MAX_HELPERS = 8;

/**
 * How many spawn helpers of `kind` a run starts. `setting` is `MAESTRO_SPAWN_HELPERS` (a count; 0 turns them off);
 * without it, runs with fewer than 32 nodes use none, others two (or fewer, if concurrency is lower). At a concurrency
 * of 1 only a Python helper pays off: a chain of 200 nodes took 0.52 s through one against 0.72 s started by the
 * engine itself, and 0.85 s through a Perl one.
 */
export function spawnHelperCount(o: { nodes: number; concurrency: number; kind?: HelperKind; setting?: string }): number {
  if (o.setting !== undefined && o.setting.trim() !== '') {
    const n = Number(o.setting);
    if (Number.isInteger(n) && n >= 0) return Math.min(n, MAX_HELPERS);
  }
  if (o.nodes < MIN_NODES || !pays(o.kind, o.concurrency)) return 0;
  return Math.max(1, Math.min(DEFAULT_HELPERS, o.concurrency));
}

/** Whether helpers of `kind` pay off at this concurrency: any kind in parallel, only a Python one at 1. */
const pays = (kind: HelperKind | undefined, concurrency: number): boolean => concurrency > 1 || kind === 'python';

/**
 * Whether a helper of `kind` that cannot start is replaced by one of the next kind. Not where only a Python one pays
 * off (one node at a time): there the engine starts the processes itself.
 */
export function spawnHelperFallsBack(o: { concurrency: number; kind: HelperKind }): boolean {
  return o.kind !== 'python' || pays('perl', o.concurrency);
}

/**
 * Which helpers a run starts first: Python ones on Linux (they start a process without copying themselves), Perl
 * ones on other POSIX systems (they fork several times faster than Node.js ones; macOS's `python3` may be a stub that
 * offers to install developer tools), Node.js ones on Windows. A helper that cannot start is replaced by one of the
 * next kind: Python, Perl, Node.js. `setting` is `MAESTRO_SPAWN_HELPER_KIND` (`python`, `perl` or `node`), which
 * chooses where on that list to begin.
 */
export function spawnHelperKind(o: { platform: NodeJS.Platform; setting?: string }): HelperKind {
  if (o.platform === 'win32') return 'node';
  const setting = o.setting?.trim();
  if (setting === 'node' || setting === 'perl' || setting === 'python') return setting;
  return o.platform === 'linux' ? 'python' : 'perl';
}
