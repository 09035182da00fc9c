// The run's events, newest last, virtualized (a run of thousands of nodes has tens of thousands of events) and
// filterable by node and type. It keeps to the newest event while the list is scrolled to the end.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, type RefObject } from 'react';
import { formatDuration } from '../../engine/duration';
import type { EngineEvent } from '../../engine/protocol';
import { describeEvent, TIMELINE_TYPES } from '../analysis/describeEvent';
import { Dropdown } from './toolkit';
import type { TimelineFilter } from '../state/store';
import { usePanel, usePanelStore } from './context';

const ROW_HEIGHT = 22;
const ALL = '__all__';

/** The workflow node an event's instance id belongs to: `test[shard=1]` and `deploy/build` belong to `test` and `deploy`. */
export const nodeOfInstance = (id: string): string => id.split(/[[/]/, 1)[0];

const eventNode = (e: EngineEvent): string | undefined => ('nodeId' in e ? e.nodeId : undefined);

/**
 * The nodes the timeline can be filtered by: those with events in it (and the one chosen), in file order. Not
 * every node of the graph: a big graph's thousand options would cost more to draw than the rest of the panel.
 */
function timelineNodeChoices(nodes: readonly { id: string }[], timeline: readonly EngineEvent[], chosen: string | null) {
  const seen = new Set<string>(chosen ? [chosen] : []);
  for (const e of timeline) {
    const id = eventNode(e);
    if (id !== undefined) seen.add(nodeOfInstance(id));
  }
  return [{ value: ALL, label: 'All nodes' }, ...nodes.filter((n) => seen.has(n.id)).map((n) => ({ value: n.id, label: n.id }))];
}

const eventCount = (shown: number, total: number): string => (shown === total ? `${total} events` : `${shown} of ${total} events`);

/**
 * The filters, apart from the list: they sit in the tab strip, outside the tabs' scrolling box, so that their
 * drop-down lists are not clipped by it.
 */
export function TimelineFilters() {
  const store = usePanelStore();
  const timeline = usePanel((s) => s.timeline);
  const filter = usePanel((s) => s.filter);
  const graph = usePanel((s) => s.graph);
  const shown = filtered(timeline, filter).length;
  // The count is not a live region: during a run it changes several times a second. A filter chosen says it once.
  const choose = (change: Partial<TimelineFilter>) => {
    store.getState().setFilter(change);
    const next = store.getState();
    next.announce(`Timeline: ${eventCount(filtered(next.timeline, next.filter).length, next.timeline.length)}`);
  };
  const nodeChoices = useMemo(() => timelineNodeChoices(graph?.nodes ?? [], timeline, filter.nodeId), [graph, timeline, filter.nodeId]);
  const typeChoices = [{ value: ALL, label: 'All events' }, ...TIMELINE_TYPES.map((t) => ({ value: t.type, label: t.label }))];
  return (
    <div className="timeline-filters">
      <span className="muted timeline-count">{eventCount(shown, timeline.length)}</span>
      <Dropdown
        label="Show events of node"
        value={filter.nodeId ?? ALL}
        choices={nodeChoices}
        onChange={(v) => choose({ nodeId: v === ALL ? null : v })}
        testId="timeline-node"
      />
      <Dropdown
        label="Show events of type"
        value={filter.type ?? ALL}
        choices={typeChoices}
        onChange={(v) => choose({ type: v === ALL ? null : v })}
        testId="timeline-type"
      />
    </div>
  );
}

/** The filter's result, kept for the timeline and filter it was made from: the list and the count share it. */
let lastFiltered: { timeline: readonly EngineEvent[]; filter: TimelineFilter; rows: readonly EngineEvent[] } | undefined;
function filtered(timeline: readonly EngineEvent[], filter: TimelineFilter): readonly EngineEvent[] {
  if (lastFiltered?.timeline !== timeline || lastFiltered.filter !== filter)
    lastFiltered = { timeline, filter, rows: filter.nodeId || filter.type ? timeline.filter((e) => matches(e, filter)) : timeline };
  return lastFiltered.rows;
}

function matches(e: EngineEvent, filter: TimelineFilter): boolean {
  if (filter.type && e.type !== filter.type) return false;
  if (filter.nodeId) {
    const n = eventNode(e);
    if (!n || nodeOfInstance(n) !== filter.nodeId) return false;
  }
  return true;
}

/**
 * Keeps the list at its end while it is pinned there: scrolled at the next frame's start, when the page's layout is
 * still the one just drawn, so that the scroll does not lay the page out again in the middle of a render (scrolling
 * to the last index right after each render did that for every batch of a streaming run).
 */
function useFollowEnd(scroller: RefObject<HTMLElement>, pinned: RefObject<boolean>, rowCount: number, height: number) {
  useEffect(() => {
    if (!pinned.current || !rowCount) return;
    const frame = requestAnimationFrame(() => {
      if (scroller.current && pinned.current) scroller.current.scrollTop = height;
    });
    return () => cancelAnimationFrame(frame);
  }, [scroller, pinned, rowCount, height]);
}

export function Timeline() {
  const store = usePanelStore();
  const timeline = usePanel((s) => s.timeline);
  const filter = usePanel((s) => s.filter);
  const startedAt = usePanel((s) => s.run?.startedAt);
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);

  const rows = filtered(timeline, filter);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });

  useFollowEnd(scroller, pinned, rows.length, virtualizer.getTotalSize());

  return (
    <div className="timeline">
      <div
        className="timeline-rows"
        ref={scroller}
        role="log"
        aria-label="Run events"
        data-testid="timeline"
        onScroll={(e) => {
          const el = e.currentTarget;
          pinned.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT;
        }}
      >
        {rows.length === 0 ? (
          <p className="muted empty">{timeline.length ? 'No event matches the filters.' : 'No events yet: run the workflow to see them here.'}</p>
        ) : null}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const e = rows[item.index];
            const node = eventNode(e);
            return (
              <div
                key={item.key}
                className={`timeline-row type-${e.type.replace(':', '-')}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                data-type={e.type}
              >
                <span className="timeline-time">{startedAt !== undefined ? `+${formatDuration(Math.max(0, e.ts - startedAt))}` : ''}</span>
                <span className="timeline-type">{e.type}</span>
                {node ? (
                  <button type="button" className="link-button timeline-node" title={node} onClick={() => store.getState().select(nodeOfInstance(node))}>
                    {node}
                  </button>
                ) : (
                  <span className="timeline-node" />
                )}
                <span className="timeline-text" title={describeEvent(e)}>
                  {describeEvent(e)}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
