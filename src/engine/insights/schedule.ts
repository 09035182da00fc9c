// What a run of a graph would take: nodes start in file order as soon as what they need has ended and a slot of the
// concurrency is free, each taking its given duration. Pure; used for the bottlenecks' what-ifs and the forecast.
// Event by event: a node becomes ready when the last of its needs ends, so a step costs what changed, not the graph.
import { criticalPath } from './criticalPath';
import { MinHeap } from './minHeap';

export interface ScheduleInput {
  /** Node ids in file order (the order the engine prefers among ready nodes). */
  order: readonly string[];
  needs: (id: string) => readonly string[];
  duration: (id: string) => number;
  concurrency: number;
}

export interface Schedule {
  start: Map<string, number>;
  end: Map<string, number>;
  makespan: number;
  critical: string[];
}

/** For each node (by position), how many of its needs in the graph are still to end, and who waits on it. */
function dependencies(order: readonly string[], needs: ScheduleInput['needs']): { waiting: number[]; dependents: number[][] } {
  const position = new Map<string, number>();
  order.forEach((id, k) => {
    if (!position.has(id)) position.set(id, k);
  });
  const waiting = order.map(() => 0);
  const dependents: number[][] = order.map(() => []);
  order.forEach((id, k) => {
    for (const need of new Set(needs(id))) {
      const p = position.get(need);
      if (p === undefined) continue;
      waiting[k]++;
      dependents[p].push(k);
    }
  });
  return { waiting, dependents };
}

/** When each node (by position) starts and ends (NaN for one that never starts: a cycle), and the order they started. */
function simulate(input: ScheduleInput): { start: Float64Array; end: Float64Array; started: number[] } {
  const { order, duration } = input;
  const { waiting, dependents } = dependencies(order, input.needs);
  const start = new Float64Array(order.length).fill(NaN);
  const end = new Float64Array(order.length).fill(NaN);
  const slots = Math.max(1, input.concurrency);
  // Ready nodes by file position; running ones by end, then by when they started.
  const ready = new MinHeap<number>((a, b) => a - b);
  const running = new MinHeap<{ k: number; end: number; seq: number }>((a, b) => a.end - b.end || a.seq - b.seq);
  waiting.forEach((w, k) => {
    if (w === 0) ready.push(k);
  });
  let now = 0;
  let seq = 0;
  const started: number[] = [];
  for (;;) {
    while (ready.size && running.size < slots) {
      const k = ready.pop()!;
      start[k] = now;
      started.push(k);
      running.push({ k, end: now + Math.max(0, duration(order[k])), seq: seq++ });
    }
    // Nothing running: what is left waits on a cycle or on itself, and never starts.
    if (!running.size) break;
    now = running.peek()!.end;
    while (running.size && running.peek()!.end === now) {
      const { k } = running.pop()!;
      end[k] = now;
      for (const d of dependents[k]) if (--waiting[d] === 0) ready.push(d);
    }
  }
  return { start, end, started };
}

/** When the last node would end (what the what-ifs compare, without the rest of a schedule). */
export function makespan(input: ScheduleInput): number {
  let last = 0;
  for (const e of simulate(input).end) if (e > last) last = e;
  return last;
}

export function schedule(input: ScheduleInput): Schedule {
  const { order } = input;
  const times = simulate(input);
  const start = new Map<string, number>();
  const end = new Map<string, number>();
  // In the order they started, and ended (by end, then by when they started), as the critical path is found from them.
  for (const k of times.started) start.set(order[k], times.start[k]);
  const seqOf = new Int32Array(order.length);
  times.started.forEach((k, seq) => (seqOf[k] = seq));
  const ended = [...times.started].sort((a, b) => times.end[a] - times.end[b] || seqOf[a] - seqOf[b]);
  for (const k of ended) end.set(order[k], times.end[k]);
  const spans = [...end].map(([id, e]) => ({ id, nodeId: id, start: start.get(id)!, end: e }));
  return { start, end, makespan: Math.max(0, ...end.values()), critical: criticalPath(spans, input.needs) };
}
