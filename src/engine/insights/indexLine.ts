// The lines of a workflow's runs index, pure. A run line carries the run's head and its nodes' cells as one flat
// array in its graph's order, and names the graph by an id; the graphs (node ids and needs, the same for every run
// of one version of the file) are kept once each, beside the index. Reading a thousand runs back is then a
// thousand parses of short numeric arrays, straight into a table's columns.
import { createHash } from 'node:crypto';
import type { RunStatus } from '../protocol';
import type { RunDigest } from './digest';
import { CELL_WIDTH, graphKey, rowOfDigest, type GraphPool, type RunGraph, type TableRow } from './table';

/** 4: a cell's code has a bit for a reused result (lines of 3 are read as another version's: the index is made again). */
export const INDEX_LINE_VERSION = 4;

const graphIds = new WeakMap<RunGraph, string>();

/** A graph's id: a hash of its content (once per graph object: runs of one version share theirs). */
export function graphId(graph: RunGraph): string {
  let id = graphIds.get(graph);
  if (id === undefined) graphIds.set(graph, (id = createHash('sha1').update(graphKey(graph)).digest('hex').slice(0, 12)));
  return id;
}

/** The graph's line of the graphs file. */
export const packGraph = (id: string, graph: RunGraph): string => JSON.stringify({ g: id, ids: graph.ids, needs: graph.needs });

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** A graphs file line read back; undefined when it is not one. */
export function unpackGraph(text: string): { id: string; graph: RunGraph } | undefined {
  let v: { g?: unknown; ids?: unknown; needs?: unknown };
  try {
    v = JSON.parse(text) as typeof v;
  } catch {
    return undefined;
  }
  if (typeof v?.g !== 'string' || !isStringArray(v.ids) || !Array.isArray(v.needs) || v.needs.length !== v.ids.length || !v.needs.every(isStringArray))
    return undefined;
  return { id: v.g, graph: { ids: v.ids, needs: v.needs } };
}

/** A run's line of the index, with the id of its graph (kept in the graphs file). */
export function packIndexLine(d: RunDigest, graphs?: GraphPool): { line: string; graphId: string; row: TableRow } {
  const row = rowOfDigest(d, graphs);
  const { head, cells } = row;
  const id = graphId(head.graph);
  const position = new Map(head.graph.ids.map((n, k) => [n, k]));
  // The workflow's path is the index's own, and a run ends when it started plus its duration: neither is repeated.
  const line = JSON.stringify({
    v: INDEX_LINE_VERSION,
    runId: head.runId,
    workflowName: head.workflowName,
    workflowHash: head.workflowHash,
    status: head.status,
    startedAt: head.startedAt,
    durationMs: head.durationMs,
    ...(head.endedAt !== head.startedAt + head.durationMs ? { endedAt: head.endedAt } : {}),
    concurrency: head.concurrency,
    g: id,
    // The critical path by position in the graph (a name only for a node that is not in it).
    c: head.critical.map((n) => position.get(n) ?? n),
    n: cells,
  });
  return { line, graphId: id, row };
}

/** Matches a run line and gives its run id, without parsing it. */
export const RUN_LINE = /^\{"v":(\d+),"runId":"([^"]+)"/;

const STATUSES: ReadonlySet<string> = new Set<RunStatus>(['completed', 'failed', 'cancelled']);
/** Cells of the right count. Each is not looked at here: the table reads a cell that is not a number as missing
 * (a line is a cache of its run's summary; looking at every cell would cost more than the rest of reading it). */
const isCells = (v: unknown, width: number): v is (number | null)[] => Array.isArray(v) && v.length === width;

/** A run line of the index of `workflowPath` read back into a table row, its graph from `graphs`; undefined when the
 * line is damaged, of another version, or names a graph that is not there. */
export function unpackIndexLine(text: string, graphs: ReadonlyMap<string, RunGraph>, workflowPath: string): TableRow | undefined {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const graph = typeof v?.g === 'string' ? graphs.get(v.g) : undefined;
  if (!graph || v.v !== INDEX_LINE_VERSION || !isCells(v.n, graph.ids.length * CELL_WIDTH) || !Array.isArray(v.c)) return undefined;
  const { runId, workflowName, workflowHash, status, startedAt, durationMs, concurrency } = v;
  if (typeof runId !== 'string' || typeof workflowName !== 'string' || typeof workflowHash !== 'string') return undefined;
  if (typeof status !== 'string' || !STATUSES.has(status)) return undefined;
  if (typeof startedAt !== 'number' || typeof durationMs !== 'number' || typeof concurrency !== 'number') return undefined;
  const endedAt = v.endedAt ?? startedAt + durationMs;
  if (typeof endedAt !== 'number') return undefined;
  const critical = (v.c as unknown[]).map((c): unknown => (typeof c === 'number' ? graph.ids[c] : c));
  if (!critical.every((c): c is string => typeof c === 'string')) return undefined;
  return {
    head: { runId, workflowPath, workflowName, workflowHash, status: status as RunStatus, startedAt, endedAt, durationMs, concurrency, critical, graph },
    cells: v.n,
  };
}
