// The Gantt view's data: one bar per node instance that ran, and the critical path, the chain of nodes that set
// the run's length (the original plan's bottleneck analysis). Pure.
import { criticalPath } from '../../engine/insights/criticalPath';
import type { NodeStatus } from '../../engine/protocol';

export interface GanttInput {
  id: string;
  nodeId: string;
  status: NodeStatus;
  startedAt?: number;
  endedAt?: number;
}

export interface GanttBar {
  id: string;
  nodeId: string;
  status: NodeStatus;
  /** Milliseconds from the run's start. */
  start: number;
  end: number;
  /** Still going: `end` is now. */
  open: boolean;
  critical: boolean;
}

export interface Gantt {
  bars: GanttBar[];
  /** From the run's start to its end (or now). */
  totalMs: number;
  /** The critical path, first node first. */
  critical: string[];
  /** The longest bar on the critical path: where shortening the run pays most. */
  bottleneck?: { id: string; ms: number };
}

/**
 * Bars in start order, and the critical path: from the instance that ended last, back through whichever of the
 * instances its node needs ended last before it started (what it waited for), to an instance that waited for
 * nothing.
 */
export function ganttOf(
  runStartedAt: number,
  instances: readonly GanttInput[],
  needsOf: (nodeId: string) => readonly string[],
  now: number,
  runEndedAt?: number,
): Gantt {
  const bars: GanttBar[] = instances
    .filter((i) => i.startedAt !== undefined)
    .map((i) => {
      const open = i.endedAt === undefined;
      return {
        id: i.id,
        nodeId: i.nodeId,
        status: i.status,
        start: i.startedAt! - runStartedAt,
        end: (i.endedAt ?? now) - runStartedAt,
        open,
        critical: false,
      };
    })
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const totalMs = Math.max((runEndedAt ?? now) - runStartedAt, ...bars.map((b) => b.end), 0);
  const critical = criticalPath(bars, needsOf);
  const onCritical = new Set(critical);
  for (const b of bars) b.critical = onCritical.has(b.id);
  const onPath = bars.filter((b) => b.critical);
  const longest = onPath.reduce<GanttBar | undefined>((l, b) => (!l || b.end - b.start > l.end - l.start ? b : l), undefined);
  return { bars, totalMs, critical, ...(longest ? { bottleneck: { id: longest.id, ms: longest.end - longest.start } } : {}) };
}
