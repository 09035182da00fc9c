// Run digests on disk: each ended run's `summary.json`, and per workflow an index (`.insights/<key>.jsonl`, one
// digest a line, appended as runs end) that insights read instead of every run's events. The event logs stay the
// truth: a run without a summary gets one, a damaged summary is made again from its events, and a missing or
// damaged index is made again from the summaries.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { digestRun, packDigest, unpackDigest, type RunDigest } from '../../insights/digest';
import { isRunId, parseRunRecord, readRun } from './runStore';

const INDEX_DIR = '.insights';
const SUMMARY = 'summary.json';

/** The index of a workflow's runs in a runs folder. */
export const indexPath = (runsDir: string, workflowPath: string): string =>
  join(runsDir, INDEX_DIR, `${createHash('sha1').update(resolve(workflowPath)).digest('hex').slice(0, 16)}.jsonl`);

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Keeps an ended run's digest: its summary, and a line of its workflow's index. */
export function recordDigest(runsDir: string, digest: RunDigest): void {
  writeAtomically(join(runsDir, digest.runId, SUMMARY), packDigest(digest));
  const index = indexPath(runsDir, digest.workflowPath);
  mkdirSync(join(runsDir, INDEX_DIR), { recursive: true });
  appendFileSync(index, packDigest(digest) + '\n');
}

const parseDigest = unpackDigest;

/** A run's digest from its summary, or made again from its events (and kept) when the summary is missing or damaged. */
function summaryOf(runsDir: string, runId: string): RunDigest | undefined {
  const path = join(runsDir, runId, SUMMARY);
  if (existsSync(path)) {
    const kept = parseDigest(readFileSync(path, 'utf8'));
    if (kept) return kept;
  }
  try {
    // A run still going (or left interrupted) has no digest yet: its record says so without reading its events.
    if (parseRunRecord(readFileSync(join(runsDir, runId, 'run.json'), 'utf8')).status === 'running') return undefined;
  } catch {
    // No readable run.json: the events decide.
  }
  try {
    const stored = readRun(runsDir, runId);
    if (stored.record.status === 'running') return undefined;
    const digest = digestRun(stored.events);
    if (digest) writeAtomically(path, packDigest(digest));
    return digest;
  } catch {
    return undefined;
  }
}

export const runIds = (runsDir: string): string[] => (existsSync(runsDir) ? readdirSync(runsDir).filter(isRunId) : []);

/** Gives every ended run that has no summary yet its summary and index line (runs from before digests, or lost ones). */
function catchUp(runsDir: string, ids: readonly string[]): void {
  for (const runId of ids) {
    if (existsSync(join(runsDir, runId, SUMMARY))) continue;
    const digest = summaryOf(runsDir, runId);
    if (digest) {
      mkdirSync(join(runsDir, INDEX_DIR), { recursive: true });
      appendFileSync(indexPath(runsDir, digest.workflowPath), packDigest(digest) + '\n');
    }
  }
}

/** Makes a workflow's index again from the summaries of its runs. */
function rebuildIndex(runsDir: string, workflowPath: string, ids: readonly string[]): RunDigest[] {
  const target = resolve(workflowPath);
  const digests = ids
    .map((id) => summaryOf(runsDir, id))
    .filter((d): d is RunDigest => d !== undefined && resolve(d.workflowPath) === target)
    .sort((a, b) => a.startedAt - b.startedAt || a.runId.localeCompare(b.runId));
  mkdirSync(join(runsDir, INDEX_DIR), { recursive: true });
  writeAtomically(indexPath(runsDir, workflowPath), digests.map((d) => packDigest(d) + '\n').join(''));
  return digests;
}

const RUN_ID_FIELD = /^\{"v":\d+,"runId":"([^"]+)"/;

export interface IndexedRuns {
  /** The digests asked for, oldest first. */
  digests: RunDigest[];
  /** How many runs of the workflow there are in all. */
  total: number;
  /** Whether the index had to be made again. */
  rebuilt: boolean;
}

/**
 * The digests of a workflow's last `count` runs (all when undefined), oldest first, from its index. Lines of runs
 * that were deleted are passed over; a run that ended twice (resumed) counts once, as it last ended.
 */
export function readIndexedRuns(runsDir: string, workflowPath: string, count?: number): IndexedRuns {
  const ids = runIds(runsDir);
  const present = new Set(ids);
  catchUp(runsDir, ids);
  const path = indexPath(runsDir, workflowPath);
  if (!existsSync(path)) {
    const digests = rebuildIndex(runsDir, workflowPath, ids);
    return { digests: count === undefined ? digests : digests.slice(-count), total: digests.length, rebuilt: true };
  }
  const lines = readFileSync(path, 'utf8').split('\n');
  const seen = new Set<string>();
  const picked: RunDigest[] = [];
  let total = 0;
  // From the end: the newest lines first; each run once, as it last ended.
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (!line) continue;
    const runId = RUN_ID_FIELD.exec(line)?.[1];
    if (runId === undefined) return fromRebuilt(runsDir, workflowPath, ids, count);
    if (seen.has(runId) || !present.has(runId)) continue;
    seen.add(runId);
    total++;
    if (count !== undefined && picked.length >= count) continue;
    const digest = parseDigest(line);
    if (!digest) return fromRebuilt(runsDir, workflowPath, ids, count);
    picked.push(digest);
  }
  return { digests: picked.reverse(), total, rebuilt: false };
}

function fromRebuilt(runsDir: string, workflowPath: string, ids: readonly string[], count: number | undefined): IndexedRuns {
  const digests = rebuildIndex(runsDir, workflowPath, ids);
  return { digests: count === undefined ? digests : digests.slice(-count), total: digests.length, rebuilt: true };
}

/** Every index of a runs folder made again without the runs that are gone (after runs are deleted), each run once. */
export function compactIndexes(runsDir: string): void {
  const folder = join(runsDir, INDEX_DIR);
  if (!existsSync(folder)) return;
  const present = new Set(runIds(runsDir));
  for (const name of readdirSync(folder).filter((n) => n.endsWith('.jsonl'))) {
    const path = join(folder, name);
    // Each run once, as it last ended (a resumed run has a line per end), in the order it last ended.
    const last = new Map<string, string>();
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const runId = RUN_ID_FIELD.exec(line)?.[1];
      if (runId === undefined || !present.has(runId)) continue;
      last.delete(runId);
      last.set(runId, line);
    }
    const kept = [...last.values()];
    writeAtomically(path, kept.map((l) => l + '\n').join(''));
  }
}
