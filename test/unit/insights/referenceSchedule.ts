// The schedule as first written (each step looks at every node still waiting): the reference the faster one must equal.
import { criticalPath } from '../../../src/engine/insights/criticalPath';
import type { Schedule, ScheduleInput } from '../../../src/engine/insights/schedule';

export function referenceSchedule(input: ScheduleInput): Schedule {
  const { order, needs, duration } = input;
  const known = new Set(order);
  const start = new Map<string, number>();
  const end = new Map<string, number>();
  const slots = Math.max(1, input.concurrency);
  const running: { id: string; end: number }[] = [];
  let now = 0;
  const pending = [...order];
  while (pending.length || running.length) {
    const ready = pending.filter((id) => needs(id).every((n) => !known.has(n) || end.has(n)));
    for (const id of ready) {
      if (running.length >= slots) break;
      start.set(id, now);
      running.push({ id, end: now + Math.max(0, duration(id)) });
      pending.splice(pending.indexOf(id), 1);
    }
    if (!running.length) {
      // What is left waits on a cycle or on itself: it never starts.
      break;
    }
    running.sort((a, b) => a.end - b.end);
    const next = running.shift()!;
    now = next.end;
    end.set(next.id, next.end);
    while (running.length && running[0].end === now) end.set(running.shift()!.id, now);
  }
  const spans = [...end].map(([id, e]) => ({ id, nodeId: id, start: start.get(id)!, end: e }));
  return { start, end, makespan: Math.max(0, ...end.values()), critical: criticalPath(spans, needs) };
}
