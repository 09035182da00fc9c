// Before an interrupted run goes on, nothing of it may still run: a node whose engine died could otherwise run twice
// at once (two deploys side by side). Its processes are found by the run id in their environment (which a reused
// process id does not have), ended as the engine ends a node, and what happened is said on the node.
import type { Platform, RunProcess } from '../../platform';

export interface LeftoverReport {
  /** The instance the processes belonged to (their MAESTRO_NODE_ID). */
  nodeId: string;
  attempt: number;
  pids: number[];
  /** Whether they ended within the grace period after SIGTERM, or had to be killed. */
  ended: 'terminated' | 'killed';
  /** From SIGTERM to the last of them gone. */
  waitedMs: number;
}

/** How long processes get to go away after SIGKILL (the kernel may first have to finish a disk write). */
const AFTER_KILL_MS = 5000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until no process of the run is left, or the time is up; says whether none is left. */
async function gone(runId: string, platform: Platform, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; ; await sleep(50)) {
    if (platform.findRunProcesses(runId).length === 0) return true;
    if (Date.now() >= deadline) return false;
  }
}

/**
 * Ends every process still alive that the run started, as the engine ends a node: SIGTERM to its tree, SIGKILL after
 * the grace period. Resolves once all are gone, with what was found; throws when some cannot be ended.
 */
export async function endLeftovers(runId: string, platform: Platform, graceMs: number, afterKillMs = AFTER_KILL_MS): Promise<LeftoverReport[]> {
  const found = platform.findRunProcesses(runId);
  if (found.length === 0) return [];
  const trees = [...new Set(found.map((p) => p.tree))];
  const started = Date.now();
  for (const tree of trees) platform.killTree(tree, 'SIGTERM');
  if (await gone(runId, platform, graceMs)) return reportByAttempt(found, 'terminated', Date.now() - started);
  for (const p of platform.findRunProcesses(runId)) {
    platform.killTree(p.tree, 'SIGKILL');
    // A process that called setsid heads a tree of its own.
    platform.killTree(p.pid, 'SIGKILL');
  }
  if (await gone(runId, platform, afterKillMs)) return reportByAttempt(found, 'killed', Date.now() - started);
  const stuck = platform.findRunProcesses(runId).map((p) => p.pid);
  throw new Error(
    `processes ${stuck.join(', ')} of run ${runId} are still alive after SIGKILL; the run does not go on while they may still be running its nodes`,
  );
}

function reportByAttempt(found: readonly RunProcess[], ended: LeftoverReport['ended'], waitedMs: number): LeftoverReport[] {
  const byAttempt = new Map<string, LeftoverReport>();
  for (const p of found) {
    const key = `${p.nodeId}\n${p.attempt}`;
    const report = byAttempt.get(key) ?? { nodeId: p.nodeId, attempt: p.attempt, pids: [], ended, waitedMs };
    report.pids.push(p.pid);
    byAttempt.set(key, report);
  }
  return [...byAttempt.values()];
}

/** What the node's log says about an earlier attempt that was still running. */
export function leftoverNote(r: LeftoverReport, graceMs: number): string {
  const what = `${r.pids.length === 1 ? 'process' : 'processes'} ${r.pids.join(', ')}`;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const how =
    r.ended === 'terminated'
      ? `sent SIGTERM and waited ${seconds(r.waitedMs)} for ${r.pids.length === 1 ? 'it' : 'them'} to end`
      : `sent SIGTERM, then SIGKILL after ${seconds(graceMs)}`;
  return `maestro: attempt ${r.attempt} of this node was still running when the run was resumed (its engine had stopped): ${what}; ${how}, before starting the node again`;
}
