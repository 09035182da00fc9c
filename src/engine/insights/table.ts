// Runs as a table: what the report reads, a column per figure with a node's values across runs side by side, so
// that a report over a thousand runs of fifty nodes walks typed arrays instead of fifty thousand small objects.
// Made from digests (a run that just ended, tests) or straight from the index's lines, which carry the same cells.
import type { NodeStatus } from '../protocol';
import { DIGEST_VERSION, type NodeDigest, type RunDigest } from './digest';

/** A run's graph: its node ids in the file's order and what each needed. Runs of one file version share one. */
export interface RunGraph {
  ids: string[];
  needs: string[][];
}

/** What a run is, apart from its nodes' cells: a digest's figures, with its graph. */
export type RunHead = Omit<RunDigest, 'v' | 'nodes' | 'needs'> & { graph: RunGraph };

/**
 * The cells of one run, four per node of its graph, in the graph's order: attempts × 32 + 16 when its result was
 * reused + status code, start, duration, queue (null for a time that is not there; a node that never started has no
 * end). As short as numbers go, since reading an index is mostly parsing them.
 */
export type FlatCells = ArrayLike<number | null>;
export const CELL_WIDTH = 4;
const STATUS_BITS = 4;
const REUSED_BIT = 1 << STATUS_BITS;
const ATTEMPTS_SHIFT = STATUS_BITS + 1;

const STATUS_ORDER: readonly NodeStatus[] = ['completed', 'failed', 'skipped', 'cancelled', 'pending', 'running', 'retrying', 'waiting'];
/** A node's status as a cell: 0 when the run has no such node. */
export const STATUS_CODE: Readonly<Record<NodeStatus, number>> = Object.fromEntries(STATUS_ORDER.map((s, k) => [s, k + 1])) as Record<NodeStatus, number>;
export const statusOfCode = (code: number): NodeStatus | undefined => STATUS_ORDER[code - 1];

export interface RunTable {
  /** Oldest first (by start, then id). */
  runs: RunHead[];
  /** Every node of any run, in the order first seen. */
  nodes: string[];
  column: Map<string, number>;
  /** Cell of node `j` in run `i` at `j * runs.length + i`; a time that is not there is NaN. */
  status: Uint8Array;
  attempts: Int32Array;
  /** 1 where the node did not run, an earlier run's result reused. */
  reused: Uint8Array;
  start: Float64Array;
  end: Float64Array;
  queue: Float64Array;
}

export interface TableRow {
  head: RunHead;
  cells: FlatCells;
}

const byStart = (a: TableRow, b: TableRow) => a.head.startedAt - b.head.startedAt || (a.head.runId < b.head.runId ? -1 : a.head.runId > b.head.runId ? 1 : 0);

/** The table of rows, in any order. */
export function tableOfRows(rows: TableRow[]): RunTable {
  // Rows read from an index mostly come in order already: sorted only when they are not.
  const inOrder = rows.every((r, i) => i === 0 || byStart(rows[i - 1], r) <= 0);
  const sorted = inOrder ? rows : [...rows].sort(byStart);
  const nodes: string[] = [];
  const column = new Map<string, number>();
  const columnsOf = new Map<RunGraph, number[]>();
  for (const { head } of sorted) {
    if (columnsOf.has(head.graph)) continue;
    columnsOf.set(
      head.graph,
      head.graph.ids.map((id) => {
        let j = column.get(id);
        if (j === undefined) column.set(id, (j = nodes.push(id) - 1));
        return j;
      }),
    );
  }
  const n = sorted.length;
  const size = nodes.length * n;
  const table: RunTable = {
    runs: sorted.map((r) => r.head),
    nodes,
    column,
    status: new Uint8Array(size),
    attempts: new Int32Array(size),
    reused: new Uint8Array(size),
    start: new Float64Array(size).fill(NaN),
    end: new Float64Array(size).fill(NaN),
    queue: new Float64Array(size).fill(NaN),
  };
  sorted.forEach(({ head, cells }, i) => fillRun(table, i, columnsOf.get(head.graph)!, cells));
  return table;
}

function fillRun(table: RunTable, i: number, columns: readonly number[], cells: FlatCells): void {
  const n = table.runs.length;
  for (let k = 0; k < columns.length; k++) {
    const at = columns[k] * n + i;
    const c = k * CELL_WIDTH;
    // Anything but a number reads as missing, as null does.
    const code = Number(cells[c]);
    const start = Number(cells[c + 1] ?? NaN);
    table.status[at] = code & (REUSED_BIT - 1);
    table.reused[at] = code & REUSED_BIT ? 1 : 0;
    table.attempts[at] = code >> ATTEMPTS_SHIFT;
    table.start[at] = start;
    table.end[at] = start + Number(cells[c + 2] ?? NaN);
    table.queue[at] = Number(cells[c + 3] ?? NaN);
  }
}

/** A digest's graph, and its nodes as cells in that graph's order. */
export function rowOfDigest(d: RunDigest, graphs: GraphPool = new GraphPool()): TableRow {
  const ids = Object.keys(d.nodes);
  const graph = graphs.intern({ ids, needs: ids.map((id) => d.needs[id] ?? []) });
  const cells: (number | null)[] = [];
  for (const id of ids) {
    const node = d.nodes[id];
    const duration = node.start !== undefined && node.end !== undefined ? node.end - node.start : null;
    const code = node.attempts * (1 << ATTEMPTS_SHIFT) + (node.reused ? REUSED_BIT : 0) + (STATUS_CODE[node.status] ?? 0);
    cells.push(code, node.start ?? null, duration, node.queue ?? null);
  }
  const { nodes: _nodes, needs: _needs, v: _v, ...rest } = d;
  return { head: { ...rest, critical: [...d.critical], graph }, cells };
}

export const tableOf = (digests: readonly RunDigest[]): RunTable => {
  const graphs = new GraphPool();
  return tableOfRows(digests.map((d) => rowOfDigest(d, graphs)));
};

/** Graphs by their content, so that runs of the same graph share one object (and one set of columns). */
export class GraphPool {
  private readonly byKey = new Map<string, RunGraph>();
  intern(graph: RunGraph): RunGraph {
    const key = graphKey(graph);
    const known = this.byKey.get(key);
    if (known) return known;
    this.byKey.set(key, graph);
    return graph;
  }
}

export const graphKey = (graph: RunGraph): string => JSON.stringify([graph.ids, graph.needs]);

/** Run `i` of the table as a digest (the newest run a forecast compares against; the index's tests). */
export function digestAt(table: RunTable, i: number): RunDigest {
  const { graph, ...head } = table.runs[i];
  const n = table.runs.length;
  const nodes: Record<string, NodeDigest> = {};
  for (const id of graph.ids) {
    const at = table.column.get(id)! * n + i;
    const node: NodeDigest = { status: statusOfCode(table.status[at]) ?? 'cancelled', attempts: table.attempts[at] };
    if (!Number.isNaN(table.start[at])) node.start = table.start[at];
    if (!Number.isNaN(table.end[at])) node.end = table.end[at];
    if (!Number.isNaN(table.queue[at])) node.queue = table.queue[at];
    if (table.reused[at]) node.reused = true;
    nodes[id] = node;
  }
  const needs = Object.fromEntries(graph.ids.map((id, k) => [id, graph.needs[k]]));
  return { v: DIGEST_VERSION, ...head, nodes, needs };
}

export const digestsOf = (table: RunTable): RunDigest[] => table.runs.map((_, i) => digestAt(table, i));
