import type { HelperKind } from './transports';

/** Helpers pay off when many processes start in parallel; each costs a process start-up (a Node.js one, where Perl cannot be used). */
const MIN_NODES = 32;
const DEFAULT_HELPERS = 2;
const MAX_HELPERS = 8;

/**
 * How many spawn helpers a run starts. `setting` is `MAESTRO_SPAWN_HELPERS` (a count; 0 turns them off); without it,
 * runs with fewer than 32 nodes or a concurrency of 1 use none, others two (or fewer, if concurrency is lower).
 */
export function spawnHelperCount(o: { nodes: number; concurrency: number; setting?: string }): number {
  if (o.setting !== undefined && o.setting.trim() !== '') {
    const n = Number(o.setting);
    if (Number.isInteger(n) && n >= 0) return Math.min(n, MAX_HELPERS);
  }
  if (o.nodes < MIN_NODES || o.concurrency < 2) return 0;
  return Math.min(DEFAULT_HELPERS, o.concurrency);
}

/**
 * Which helpers a run starts: Perl ones on POSIX systems (they fork several times faster than Node.js ones, and a
 * helper that cannot start is replaced by a Node.js one), Node.js ones on Windows. `setting` is
 * `MAESTRO_SPAWN_HELPER_KIND` (`node` or `perl`).
 */
export function spawnHelperKind(o: { platform: NodeJS.Platform; setting?: string }): HelperKind {
  if (o.platform === 'win32') return 'node';
  return o.setting?.trim() === 'node' ? 'node' : 'perl';
}
