// The forecast of a workflow being edited: each node at its p50 from history, the workflow's concurrency, new nodes
// marked unknown (counted as taking no time), and the difference the edit makes against the graph of the last run.
import type { WorkflowSpec } from '../model';
import type { RunDigest } from './digest';
import { schedule } from './schedule';

export interface ForecastBar {
  node: string;
  start: number;
  end: number;
  /** No run of it to learn from: its length is not known (drawn as a mark, counted as 0). */
  unknown: boolean;
  critical: boolean;
}

export interface Forecast {
  bars: ForecastBar[];
  totalMs: number;
  critical: string[];
  /** The edited graph's forecast minus the last run's graph's, both at the same p50s; undefined with no run. */
  deltaMs?: number;
  /** How many runs the p50s come from. */
  basedOn: number;
}

export function forecast(spec: WorkflowSpec, p50: ReadonlyMap<string, number>, basedOn: number, lastRun?: RunDigest, defaultConcurrency = 4): Forecast {
  const concurrency = spec.concurrency ?? lastRun?.concurrency ?? defaultConcurrency;
  const order = spec.nodes.map((n) => n.id);
  const needs = new Map(spec.nodes.map((n) => [n.id, n.needs]));
  const planned = schedule({ order, needs: (id) => needs.get(id) ?? [], duration: (id) => p50.get(id) ?? 0, concurrency });
  const onPath = new Set(planned.critical);
  const bars = order
    .filter((id) => planned.start.has(id))
    .map((id) => ({ node: id, start: planned.start.get(id)!, end: planned.end.get(id)!, unknown: !p50.has(id), critical: onPath.has(id) }));
  let deltaMs: number | undefined;
  if (lastRun) {
    const lastOrder = Object.keys(lastRun.needs);
    const before = schedule({ order: lastOrder, needs: (id) => lastRun.needs[id] ?? [], duration: (id) => p50.get(id) ?? 0, concurrency: lastRun.concurrency });
    deltaMs = planned.makespan - before.makespan;
  }
  return { bars, totalMs: planned.makespan, critical: planned.critical, ...(deltaMs !== undefined ? { deltaMs } : {}), basedOn };
}
