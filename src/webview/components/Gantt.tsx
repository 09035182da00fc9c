// Node durations of the run shown, as a Gantt chart, with the critical path highlighted: the chain of nodes that
// set the run's length, and the longest of them, where shortening the run pays most.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import { formatDuration } from '../../engine/duration';
import { ganttOf } from '../analysis/gantt';
import { ForecastToggle, GanttForecast } from './GanttForecast';
import { usePanel, usePanelStore } from './context';
import { STATUS_LABEL } from './status';
import { isActiveRun } from '../../engine/runRules';

const ROW_HEIGHT = 22;

export function Gantt() {
  const store = usePanelStore();
  const run = usePanel((s) => s.run);
  const instances = usePanel((s) => s.instances);
  const graph = usePanel((s) => s.graph);
  const going = run !== undefined && isActiveRun(run.status);
  const now = usePanel((s) => (going ? s.now : 0));
  const scroller = useRef<HTMLDivElement>(null);
  const forecastOn = usePanel((s) => s.forecastOn);

  const gantt = useMemo(() => {
    if (!run) return undefined;
    const needs = new Map((graph?.nodes ?? []).map((n) => [n.id, n.needs]));
    const list = Object.values(instances).map((i) => ({ id: i.info.id, nodeId: i.info.nodeId, status: i.status, startedAt: i.startedAt, endedAt: i.endedAt }));
    return ganttOf(run.startedAt, list, (id) => needs.get(id) ?? [], going ? Math.max(now, Date.now()) : (run.endedAt ?? Date.now()), run.endedAt);
  }, [run, instances, graph, going, now]);
  const virtualizer = useVirtualizer({
    count: gantt?.bars.length ?? 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });

  if (forecastOn)
    return (
      <div className="gantt-with-toggle">
        <ForecastToggle />
        <GanttForecast />
      </div>
    );
  if (!run || !gantt)
    return (
      <div className="gantt-with-toggle">
        <ForecastToggle />
        <p className="muted empty">No run to chart: run the workflow, or pick a past run.</p>
      </div>
    );
  return (
    <div className="gantt">
      <ForecastToggle />
      <CriticalPath gantt={gantt} />
      <div className="gantt-rows" ref={scroller} role="list" aria-label="Node durations">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => (
            <GanttRow
              key={gantt.bars[item.index].id}
              bar={gantt.bars[item.index]}
              top={item.start}
              totalMs={gantt.totalMs}
              select={(id) => store.getState().select(id)}
            />
          ))}
        </div>
      </div>
    </div>
  );
}

type Chart = ReturnType<typeof ganttOf>;

function CriticalPath({ gantt }: { gantt: Chart }) {
  return (
    <p className="gantt-summary" data-testid="critical-path">
      {gantt.critical.length ? (
        <>
          <strong>Critical path</strong> {gantt.critical.join(' → ')} · run {formatDuration(gantt.totalMs)}
          {gantt.bottleneck ? (
            <>
              {' '}
              · longest step <strong>{gantt.bottleneck.id}</strong> {formatDuration(gantt.bottleneck.ms)}
            </>
          ) : null}
        </>
      ) : (
        'No node has started yet.'
      )}
    </p>
  );
}

function GanttRow({ bar: b, top, totalMs, select }: { bar: Chart['bars'][number]; top: number; totalMs: number; select: (nodeId: string) => void }) {
  const scale = (ms: number) => `${totalMs ? (ms / totalMs) * 100 : 0}%`;
  return (
    <div
      className={`gantt-row${b.critical ? ' critical' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      role="listitem"
      data-critical={b.critical}
    >
      <button type="button" className="link-button gantt-label" title={b.id} onClick={() => select(b.nodeId)}>
        {b.id}
      </button>
      <div className="gantt-track">
        <div
          className={`gantt-bar status-${b.status}${b.open ? ' open' : ''}`}
          style={{ left: scale(b.start), width: `max(2px, ${scale(b.end - b.start)})` }}
          title={`${b.id}: ${STATUS_LABEL[b.status]}, ${formatDuration(b.end - b.start)} from +${formatDuration(b.start)}${b.critical ? ' (critical path)' : ''}`}
        />
      </div>
      <span className="gantt-duration">{formatDuration(b.end - b.start)}</span>
    </div>
  );
}
