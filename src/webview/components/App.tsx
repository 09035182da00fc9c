import { heldMutexText } from '../../engine/mutexHolder';
import { useState, type ReactNode } from 'react';
import { ReactFlowProvider } from 'reactflow';
import { useAfterFirstPaint } from './afterFirstPaint';
import { BuildMenu } from './BuildMenu';
import { Splitter } from './Splitter';
import { DagCanvas } from './DagCanvas';
import { DetailsPanel } from './DetailsPanel';
import { WorkflowSettingsPanel } from './WorkflowSettings';
import { Gantt } from './Gantt';
import { Timeline, TimelineFilters } from './Timeline';
import { Toolbar } from './Toolbar';
import { Badge, Button, Tabs } from './toolkit';
import { useNarrow } from './narrow';
import { usePanel, usePanelStore } from './context';
import { isBigGraph } from '../state/bigGraph';
import { phaseColours } from '../state/navigation';
import { formatDuration } from '../../engine/duration';
import { isActiveRun, shownRunStatus } from '../../engine/runRules';
import { isEnded } from './status';

export function App() {
  const graph = usePanel((s) => s.graph);
  const layout = usePanel((s) => s.layout);
  const unreadable = usePanel((s) => !s.graph && s.graphError !== undefined);
  const announcement = usePanel((s) => s.announcement);
  const still = isBigGraph(graph?.nodes.length ?? 0);
  return (
    <ReactFlowProvider>
      <main className={still ? 'app still' : 'app'}>
        <h1 className="visually-hidden">DAG of {graph?.name ?? 'the workflow'}</h1>
        <Toolbar />
        <div className="status-row">
          <RunHeader />
          <Legend />
        </div>
        <Banners />
        <Workspace>
          <div className="graph">
            {graph && graph.nodes.length === 0 ? (
              <p className="muted empty">This workflow has no nodes yet: add one with Add node, or under nodes: in the file.</p>
            ) : (!graph && !unreadable) || (graph && !layout) ? (
              <p className="muted empty" aria-busy="true">
                Laying out the graph…
              </p>
            ) : null}
            <DagCanvas />
          </div>
        </Workspace>
        <BottomPanel />
        <BuildMenu />
        <div className="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
          {announcement}
        </div>
      </main>
    </ReactFlowProvider>
  );
}

/** The graph and the selected node's details: beside it in a wide panel, below it in a narrow one; resizable. */
function Workspace({ children }: { children: ReactNode }) {
  const nodeOpen = usePanel((s) => s.selected !== null && s.graph?.nodes.some((n) => n.id === s.selected) === true);
  const settingsOpen = usePanel((s) => s.settingsOpen && s.graph?.settings !== undefined);
  const open = nodeOpen || settingsOpen;
  const narrow = useNarrow();
  const [size, setSize] = useState<{ wide: number; narrow: number }>({ wide: 340, narrow: 260 });
  const current = narrow ? size.narrow : size.wide;
  const style = { [narrow ? 'height' : 'width']: current } as React.CSSProperties;
  return (
    <div className={`main${narrow ? ' narrow' : ''}`}>
      {children}
      {open ? (
        <>
          <Splitter
            vertical={!narrow}
            size={current}
            min={narrow ? 120 : 220}
            max={narrow ? 600 : 800}
            label="Size of the details"
            onResize={(v) => setSize((s) => (narrow ? { ...s, narrow: v } : { ...s, wide: v }))}
          />
          <div className="details-dock" style={style}>
            {nodeOpen ? <DetailsPanel /> : <WorkflowSettingsPanel />}
          </div>
        </>
      ) : null}
    </div>
  );
}

const HEADER_TITLES: Partial<Record<ReturnType<typeof shownRunStatus>, string>> = {
  interrupted: 'The engine that ran it went away (a crash, or the window closed): Resume continues it from its log',
  pausing: 'Pausing: nothing new starts, and the run pauses once its running nodes have finished',
};

function RunHeader() {
  const run = usePanel((s) => s.run);
  const interrupted = usePanel((s) => s.runs.some((r) => r.runId === s.run?.runId && r.status === 'interrupted'));
  const going = !interrupted && run !== undefined && isActiveRun(run.status);
  const now = usePanel((s) => (going ? s.now : 0));
  const cards = usePanel((s) => s.cards);
  const lastEventAt = usePanel((s) => s.timeline.at(-1)?.ts);
  if (!run) return <div className="run-header muted">No run shown</div>;
  const all = Object.values(cards);
  const done = all.filter((c) => isEnded(c.status)).length;
  const status = interrupted ? 'interrupted' : shownRunStatus(run);
  const duration = (run.endedAt ?? (going ? Math.max(now, run.startedAt) : (lastEventAt ?? run.startedAt))) - run.startedAt;
  return (
    <div className={`run-header status-${status}`} data-testid="run-header" data-status={status} title={HEADER_TITLES[status]}>
      <span className="run-status">{status}</span>
      <span>
        {done}/{all.length} nodes
      </span>
      <span>{formatDuration(Math.max(0, duration))}</span>
      <span className="muted">{run.runId}</span>
      {run.error ? <span className="run-error">{run.error}</span> : null}
      {run.blockedBy && going ? (
        <span className="run-blocked" data-testid="run-blocked">
          <span className="codicon codicon-lock" aria-hidden="true" /> waits for {heldMutexText(run.blockedBy)}
        </span>
      ) : null}
    </div>
  );
}

function Banners() {
  const error = usePanel((s) => s.graphError);
  const hasGraph = usePanel((s) => s.graph !== undefined);
  const notice = usePanel((s) => s.notice);
  const store = usePanelStore();
  return (
    <>
      {error ? (
        <div className="banner banner-error" role="alert" data-testid="parse-error">
          <span className="codicon codicon-error" aria-hidden="true" /> {error.line !== undefined ? `Line ${error.line}, column ${error.column ?? 1}: ` : ''}
          {error.message}.{hasGraph ? ' The graph shows the last version that parsed.' : ''}
        </div>
      ) : null}
      {notice ? (
        <div className="banner banner-info" role="status">
          <span className="codicon codicon-info" aria-hidden="true" /> {notice}
          <Button icon="close" title="Dismiss" onClick={() => store.getState().setNotice(undefined)} />
        </div>
      ) : null}
    </>
  );
}

function Legend() {
  const graph = usePanel((s) => s.graph);
  const colours = phaseColours(graph);
  if (colours.size === 0) return null;
  return (
    <ul className="legend" aria-label="Phases">
      {[...colours].map(([phase, colour]) => (
        <li key={phase}>
          <span className="legend-swatch" style={{ background: colour }} aria-hidden="true" />
          {phase}
        </li>
      ))}
    </ul>
  );
}

function BottomPanel() {
  const store = usePanelStore();
  const tab = usePanel((s) => s.bottomTab);
  const open = usePanel((s) => s.bottomOpen);
  const count = usePanel((s) => s.timeline.length);
  // Measuring its list makes the browser lay the page out while the graph's first cards are still being placed.
  const listShown = useAfterFirstPaint(true);
  return (
    <div className={`analysis${open ? '' : ' closed'}`}>
      <div className="analysis-tools">
        {open && tab === 'timeline' ? <TimelineFilters /> : null}
        <Button
          icon={open ? 'chevron-down' : 'chevron-up'}
          title={open ? 'Hide the timeline' : 'Show the timeline'}
          onClick={() => store.getState().setBottomOpen(!open)}
          testId="toggle-bottom"
        />
      </div>
      {open ? (
        <Tabs
          label="Run analysis"
          active={tab}
          onChange={(id) => store.getState().setBottomTab(id === 'gantt' ? 'gantt' : 'timeline')}
          tabs={[
            {
              id: 'timeline',
              label: <>Timeline {count ? <Badge>{count}</Badge> : null}</>,
              name: count ? `Timeline ${count}` : 'Timeline',
              content: listShown ? <Timeline /> : null,
            },
            { id: 'gantt', label: 'Gantt', name: 'Gantt', content: <Gantt /> },
          ]}
        />
      ) : null}
    </div>
  );
}
