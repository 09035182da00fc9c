// The flaky nodes and the bottlenecks, each with the runs where it showed one click away.
import type { Bottleneck, Flake, RunPoint } from '../../engine/insights/report';
import { ms, pct, runStartLabels } from './format';

/** Runs by when they started (their ids in the tooltip), the newest five. */
function RunLinks({ runs, onOpen, startOf }: { runs: string[]; onOpen: (runId: string) => void; startOf: (runId: string) => number | undefined }) {
  const shown = runs.slice(-5);
  const known = shown.filter((r) => startOf(r) !== undefined);
  const labels = new Map(runStartLabels(known.map((r) => startOf(r)!)).map((label, i) => [known[i], label]));
  return (
    <>
      {shown.map((r) => (
        <button key={r} type="button" className="link run-link" title={`Open run ${r}`} onClick={() => onOpen(r)}>
          {labels.get(r) ?? r}
        </button>
      ))}
      {runs.length > shown.length ? <span className="muted"> and {runs.length - shown.length} more</span> : null}
    </>
  );
}

export function FlakyList({
  flaky,
  runs,
  onOpen,
  onReveal,
}: {
  flaky: Flake[];
  runs: RunPoint[];
  onOpen: (runId: string) => void;
  onReveal: (node: string) => void;
}) {
  const starts = new Map(runs.map((r) => [r.runId, r.startedAt]));
  const startOf = (runId: string) => starts.get(runId);
  if (!flaky.length) return <p className="muted">No node failed and then passed on a retry, or passed and failed on the same file.</p>;
  return (
    <ul className="flaky" data-testid="flaky">
      {flaky.map((f) => (
        <li key={f.node} data-node={f.node}>
          <button type="button" className="link node-link" onClick={() => onReveal(f.node)}>
            {f.node}
          </button>
          {f.passedOnRetry.length ? (
            <div>
              passed on a retry in {f.passedOnRetry.length} run{f.passedOnRetry.length === 1 ? '' : 's'}:{' '}
              <RunLinks runs={f.passedOnRetry} onOpen={onOpen} startOf={startOf} />
            </div>
          ) : null}
          {f.mixed.map((m) => (
            <div key={m.workflowHash}>
              passed {m.passed.length}× and failed {m.failed.length}× on the same version of the file:{' '}
              <RunLinks runs={m.failed} onOpen={onOpen} startOf={startOf} />
            </div>
          ))}
        </li>
      ))}
    </ul>
  );
}

export function Bottlenecks({ items, onReveal }: { items: Bottleneck[]; onReveal: (node: string) => void }) {
  if (!items.length) return <p className="muted">No runs to find the critical path of.</p>;
  return (
    <table className="bottlenecks" data-testid="bottlenecks">
      <thead>
        <tr>
          <th>Node</th>
          <th className="num">On the critical path</th>
          <th className="num">Share of run time</th>
          <th className="num">p50 / p95</th>
          <th className="num">At its p50, runs end sooner by</th>
        </tr>
      </thead>
      <tbody>
        {items.slice(0, 10).map((b) => (
          <tr key={b.node}>
            <td>
              <button type="button" className="link" onClick={() => onReveal(b.node)}>
                {b.node}
              </button>
            </td>
            <td className="num">{b.criticalRuns} runs</td>
            <td className="num">
              <span className="share" style={{ ['--share' as string]: `${Math.round(b.timeShare * 100)}%` }} />
              {pct(b.timeShare)}
            </td>
            <td className="num">
              {ms(b.p50Ms)} / {ms(b.p95Ms)}
            </td>
            <td className="num">{b.savingMs !== undefined ? ms(b.savingMs) : '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
