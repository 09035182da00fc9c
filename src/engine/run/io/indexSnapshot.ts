// The newest runs of a workflow's index, kept beside it as columns (`<key>.snapshot`): a process that has not read
// the index yet (the CLI, an engine just started) loads them without parsing two thousand JSON lines, then reads
// only the lines appended after them. The index stays the truth: a snapshot of another file (made again by a
// rebuild or a compaction), of more than the file holds, or damaged, is passed over and written again.
// Layout: the header's length (4 bytes), the header (JSON: the file it was made from, the runs' heads as columns),
// padding to 8 bytes, then every run's cells as 64-bit numbers (NaN for null), run after run.
import type { RunStatus } from '../../protocol';
import { CELL_WIDTH, type RunGraph, type TableRow } from '../../insights/table';
import { graphId, INDEX_LINE_VERSION } from '../../insights/indexLine';
import { readRunBytes } from './runFiles';
import { writeFileAtomically } from './atomicFile';

/** The snapshot's layout and, as its cells are the index lines' cells, their version. */
const VERSION = `2.${INDEX_LINE_VERSION}`;

interface Header {
  v: string;
  /** The index file it was made from, and how much of it. */
  ino: number;
  length: number;
  /** Whether the rows are every run of the file. */
  whole: boolean;
  runId: string[];
  workflowName: string[];
  workflowHash: string[];
  status: RunStatus[];
  startedAt: number[];
  endedAt: number[];
  durationMs: number[];
  concurrency: number[];
  graph: string[];
  critical: string[][];
}

export interface Snapshot {
  rows: TableRow[];
  length: number;
  whole: boolean;
}

const isString = (v: unknown) => typeof v === 'string';
const isNumber = (v: unknown) => typeof v === 'number';
const STATUSES: readonly unknown[] = ['completed', 'failed', 'cancelled'] satisfies RunStatus[];
/** Each column, and what each of its values must be. */
const COLUMNS: readonly [keyof Header, (v: unknown) => boolean][] = [
  ['runId', isString],
  ['workflowName', isString],
  ['workflowHash', isString],
  ['status', (v) => STATUSES.includes(v)],
  ['startedAt', isNumber],
  ['endedAt', isNumber],
  ['durationMs', isNumber],
  ['concurrency', isNumber],
  ['graph', isString],
  ['critical', (v) => Array.isArray(v) && v.every(isString)],
];

/** Writes the snapshot; a folder that cannot be written to keeps none (it is a cache). */
export function saveSnapshot(path: string, of: { ino: number; length: number; whole: boolean }, rows: readonly TableRow[]): void {
  const heads = rows.map((r) => r.head);
  const header: Header = {
    v: VERSION,
    ino: of.ino,
    length: of.length,
    whole: of.whole,
    runId: heads.map((h) => h.runId),
    workflowName: heads.map((h) => h.workflowName),
    workflowHash: heads.map((h) => h.workflowHash),
    status: heads.map((h) => h.status),
    startedAt: heads.map((h) => h.startedAt),
    endedAt: heads.map((h) => h.endedAt),
    durationMs: heads.map((h) => h.durationMs),
    concurrency: heads.map((h) => h.concurrency),
    graph: heads.map((h) => graphId(h.graph)),
    critical: heads.map((h) => h.critical),
  };
  const json = Buffer.from(JSON.stringify(header));
  const cellsAt = Math.ceil((4 + json.length) / 8) * 8;
  const total = rows.reduce((sum, r) => sum + r.cells.length, 0);
  const bytes = Buffer.alloc(cellsAt + total * 8);
  bytes.writeUInt32LE(json.length, 0);
  json.copy(bytes, 4);
  const cells = new Float64Array(bytes.buffer, bytes.byteOffset + cellsAt, total);
  let at = 0;
  for (const r of rows) for (let c = 0; c < r.cells.length; c++) cells[at++] = r.cells[c] ?? NaN;
  try {
    writeFileAtomically(path, bytes);
  } catch {
    // Read next time from the index's lines.
  }
}

/** The snapshot at `path` when it was made from this index file (same inode, no longer than it is now). */
export function loadSnapshot(
  path: string,
  file: { ino: number; length: number },
  graphs: ReadonlyMap<string, RunGraph>,
  workflowPath: string,
): Snapshot | undefined {
  let bytes: Buffer;
  try {
    bytes = readRunBytes(path);
  } catch {
    return undefined;
  }
  const header = headerOf(bytes);
  if (!header || header.ino !== file.ino || header.length > file.length) return undefined;
  const n = header.runId.length;
  const cellsAt = Math.ceil((4 + bytes.readUInt32LE(0)) / 8) * 8;
  const count = Math.floor(Math.max(0, bytes.length - cellsAt) / 8);
  // A view of the bytes read when they are 8-byte aligned (a file this size has a buffer of its own), else a copy.
  const aligned =
    (bytes.byteOffset + cellsAt) % 8 === 0
      ? new Float64Array(bytes.buffer, bytes.byteOffset + cellsAt, count)
      : new Float64Array(new Uint8Array(bytes.subarray(cellsAt, cellsAt + count * 8)).buffer);
  const rows: TableRow[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const graph = graphs.get(header.graph[i]);
    if (!graph) return undefined;
    const width = graph.ids.length * CELL_WIDTH;
    if (at + width > aligned.length) return undefined;
    const h = header;
    rows.push({
      head: {
        runId: h.runId[i],
        workflowPath,
        workflowName: h.workflowName[i],
        workflowHash: h.workflowHash[i],
        status: h.status[i],
        startedAt: h.startedAt[i],
        endedAt: h.endedAt[i],
        durationMs: h.durationMs[i],
        concurrency: h.concurrency[i],
        critical: h.critical[i],
        graph,
      },
      cells: aligned.subarray(at, at + width),
    });
    at += width;
  }
  return at === aligned.length && cellsAt + count * 8 === bytes.length ? { rows, length: header.length, whole: header.whole } : undefined;
}

function headerOf(bytes: Buffer): Header | undefined {
  if (bytes.length < 4) return undefined;
  const size = bytes.readUInt32LE(0);
  if (4 + size > bytes.length) return undefined;
  let h: Header;
  try {
    h = JSON.parse(bytes.toString('utf8', 4, 4 + size)) as Header;
  } catch {
    return undefined;
  }
  if (h?.v !== VERSION || typeof h.ino !== 'number' || typeof h.length !== 'number' || typeof h.whole !== 'boolean') return undefined;
  const n = Array.isArray(h.runId) ? h.runId.length : -1;
  return COLUMNS.every(([c, valid]) => Array.isArray(h[c]) && (h[c] as unknown[]).length === n && (h[c] as unknown[]).every(valid)) ? h : undefined;
}
