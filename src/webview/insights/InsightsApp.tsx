// The Insights view of one workflow: its runs over time, its nodes' figures, the flaky nodes, the bottlenecks, and
// two runs compared. Everything comes from the host in messages; clicks go back as requests to act.
import { useCallback, useEffect, useState } from 'react';
import type { CompareRow } from '../../engine/insights/compare';
import type { WorkflowInsights } from '../../engine/insights/report';
import { Compare } from './Compare';
import { ms, pct } from './format';
import { Bottlenecks, FlakyList } from './Lists';
import { NodesTable } from './NodesTable';
import type { InsightsHostMessage, InsightsRange, InsightsWebviewMessage } from './protocol';
import { RunsChart } from './RunsChart';

export interface InsightsHost {
  post(m: InsightsWebviewMessage): void;
  listen(handler: (m: InsightsHostMessage) => void): () => void;
}

const RANGES: { range: InsightsRange; label: string }[] = [
  { range: 20, label: 'Last 20' },
  { range: 100, label: 'Last 100' },
  { range: null, label: 'All' },
];

export function InsightsApp({ host }: { host: InsightsHost }) {
  const [data, setData] = useState<{ name: string; range: InsightsRange; insights: WorkflowInsights }>();
  const [compared, setCompared] = useState<{ runA: string; runB: string; rows: CompareRow[] }>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    const stop = host.listen((m) => {
      if (m.type === 'report') {
        setData({ name: m.workflowName, range: m.range, insights: m.insights });
        setProblem(undefined);
      } else if (m.type === 'compared') setCompared(m);
      else setProblem(m.message);
    });
    host.post({ type: 'ready' });
    return stop;
  }, [host]);
  const openRun = useCallback((runId: string) => host.post({ type: 'openRun', runId }), [host]);
  const reveal = useCallback((node: string) => host.post({ type: 'revealNode', node }), [host]);
  if (!data) return <main className="insights">{problem ? <p role="alert">{problem}</p> : <p className="muted">Reading the runs…</p>}</main>;
  const { report } = data.insights;
  const versions = new Set(report.runs.map((r) => r.version)).size;
  return (
    <main className="insights" aria-label={`Insights of ${data.name}`}>
      <header className="insights-header">
        <h1>Insights · {data.name}</h1>
        <div className="ranges" role="group" aria-label="Runs to count">
          {RANGES.map((r) => (
            <button key={String(r.range)} type="button" aria-pressed={data.range === r.range} onClick={() => host.post({ type: 'setRange', range: r.range })}>
              {r.label}
            </button>
          ))}
        </div>
      </header>
      {problem ? <p role="alert">{problem}</p> : null}
      <p className="based-on" data-testid="based-on">
        Based on {report.basedOn} of {report.totalRuns} run{report.totalRuns === 1 ? '' : 's'}
        {versions > 1 ? `, of ${versions} versions of the file (dashed lines mark a change)` : ''}.
      </p>
      {report.basedOn === 0 ? (
        <p className="muted">No ended runs yet: run the workflow, and its figures show here.</p>
      ) : (
        <>
          <ReportSections insights={data.insights} compared={compared} host={host} openRun={openRun} reveal={reveal} />
        </>
      )}
    </main>
  );
}

function ReportSections(props: {
  insights: WorkflowInsights;
  compared?: { runA: string; runB: string; rows: CompareRow[] };
  host: InsightsHost;
  openRun: (runId: string) => void;
  reveal: (node: string) => void;
}) {
  const { insights, compared, host, openRun, reveal } = props;
  const { report } = insights;
  const s = report.summary;
  return (
    <>
      <section className="figures" aria-label="Summary">
        <div>
          <span className="figure">{pct(s.successRate)}</span> completed
        </div>
        <div>
          <span className="figure">{ms(s.p50Ms)}</span> p50
        </div>
        <div>
          <span className="figure">{ms(s.p95Ms)}</span> p95
        </div>
        <div>
          <span className="figure">{s.failed}</span> failed
        </div>
      </section>
      <section aria-labelledby="h-runs">
        <h2 id="h-runs">Runs over time</h2>
        <RunsChart runs={report.runs} onOpen={openRun} />
      </section>
      <section aria-labelledby="h-flaky">
        <h2 id="h-flaky">Flaky nodes</h2>
        <FlakyList flaky={report.flaky} runs={report.runs} onOpen={openRun} onReveal={reveal} />
      </section>
      <section aria-labelledby="h-nodes">
        <h2 id="h-nodes">Nodes</h2>
        <NodesTable nodes={report.nodes} onReveal={reveal} />
      </section>
      <section aria-labelledby="h-bottlenecks">
        <h2 id="h-bottlenecks">Bottlenecks</h2>
        <Bottlenecks items={report.bottlenecks} onReveal={reveal} />
      </section>
      <section aria-labelledby="h-compare">
        <h2 id="h-compare">Compare two runs</h2>
        <Compare runs={report.runs} result={compared} onCompare={(runA, runB) => host.post({ type: 'compare', runA, runB })} />
      </section>
    </>
  );
}
