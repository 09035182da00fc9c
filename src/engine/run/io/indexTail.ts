// The newest runs of a workflow's index. The process that read them keeps them (the engine answers insights again
// after every run): a later read parses only the lines appended since, and a file that was made again (a rebuild or
// a compaction writes a new file) is read anew.
import { unpackIndexLine, RUN_LINE } from '../../insights/indexLine';
import type { RunGraph, TableRow } from '../../insights/table';
import { loadSnapshot, saveSnapshot } from './indexSnapshot';
import { linesAfter, linesFromEnd, remadeLength } from './tailLines';

interface Kept {
  ino: number;
  /** Up to where the file was read. */
  length: number;
  /** Distinct runs, as each last ended, oldest first. */
  rows: TableRow[];
  /** Whether `rows` holds every run of the file. */
  whole: boolean;
}

const kept = new Map<string, Kept>();
/** Indexes kept at once (one per workflow asked about lately). */
const KEPT_FILES = 8;

/** The newest `count` distinct runs read from the end of the file, or undefined when a line is damaged. */
function readNewest(path: string, length: number, workflowPath: string, graphs: Map<string, RunGraph>, count: number): Kept['rows'] | undefined {
  const seen = new Set<string>();
  const picked: TableRow[] = [];
  // From the end: the newest lines first; each run once, as it last ended.
  for (const line of linesFromEnd(path, length)) {
    if (picked.length >= count) break;
    const runId = RUN_LINE.exec(line)?.[2];
    if (runId === undefined) return undefined;
    if (seen.has(runId)) continue;
    seen.add(runId);
    const row = unpackIndexLine(line, graphs, workflowPath);
    if (!row) return undefined;
    picked.push(row);
  }
  return picked.reverse();
}

/** The kept runs with the lines appended since; false when one of them is damaged. */
function withAppended(path: string, k: Kept, workflowPath: string, graphs: Map<string, RunGraph>, capacity: number): Kept | false {
  const { lines, end } = linesAfter(path, k.length);
  if (!lines.length) return k;
  const rows = new Map(k.rows.map((r) => [r.head.runId, r]));
  for (const line of lines) {
    const row = unpackIndexLine(line, graphs, workflowPath);
    if (!row) return false;
    // A run that ended again (resumed) moves to where it last ended.
    rows.delete(row.head.runId);
    rows.set(row.head.runId, row);
  }
  const all = [...rows.values()];
  return { ino: k.ino, length: end, rows: all.slice(-capacity), whole: k.whole && all.length <= capacity };
}

/** The newest `count` distinct runs of the index, oldest first; undefined when a line is damaged. */
export function newestRuns(path: string, workflowPath: string, graphs: Map<string, RunGraph>, count: number): TableRow[] | undefined {
  const complete = remadeLength(path);
  if (!complete) return undefined;
  const { length, ino } = complete;
  let k: Kept | false | undefined = kept.get(path);
  if (k && (k.ino !== ino || length < k.length || (!k.whole && k.rows.length < count))) k = undefined;
  if (k && length > k.length) k = withAppended(path, k, workflowPath, graphs, Math.max(count, k.rows.length));
  if (!k) k = fromSnapshot(path, { ino, length }, workflowPath, graphs, count);
  if (!k) {
    // Read anew, and kept as a snapshot for the next process.
    const rows = readNewest(path, length, workflowPath, graphs, count);
    if (!rows) return undefined;
    k = { ino, length, rows, whole: rows.length < count };
    saveSnapshot(snapshotPath(path), k, rows);
  }
  kept.delete(path);
  kept.set(path, k);
  if (kept.size > KEPT_FILES) kept.delete(kept.keys().next().value!);
  return k.rows.slice(-count);
}

const snapshotPath = (indexPath: string) => indexPath.replace(/\.jsonl$/, '.snapshot');
/** Lines appended after a snapshot beyond which it is written again (a few hundred runs' lines). */
const STALE_BYTES = 256 * 1024;

/** The runs of the index's snapshot, with the lines appended since; undefined when there is no usable one. */
function fromSnapshot(
  path: string,
  file: { ino: number; length: number },
  workflowPath: string,
  graphs: Map<string, RunGraph>,
  count: number,
): Kept | undefined {
  const snapshot = loadSnapshot(snapshotPath(path), file, graphs, workflowPath);
  if (!snapshot || (!snapshot.whole && snapshot.rows.length < count)) return undefined;
  const k: Kept = { ino: file.ino, length: snapshot.length, rows: snapshot.rows, whole: snapshot.whole };
  const current = withAppended(path, k, workflowPath, graphs, Math.max(count, k.rows.length));
  if (!current) return undefined;
  if (current.length - snapshot.length > STALE_BYTES) saveSnapshot(snapshotPath(path), current, current.rows);
  return current;
}

/** Forgets what was read (for measuring a first read). */
export const forgetReadIndexes = (): void => kept.clear();
