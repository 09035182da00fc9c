// Two runs side by side: pick them, then node by node how long each took, what failed anew, which outputs changed.
import { useEffect, useState } from 'react';
import type { CompareRow } from '../../engine/insights/compare';
import type { RunPoint } from '../../engine/insights/report';
import { ms, runStartLabels, signedMs } from './format';

export function Compare({
  runs,
  result,
  onCompare,
}: {
  runs: RunPoint[];
  result?: { runA: string; runB: string; rows: CompareRow[] };
  onCompare: (a: string, b: string) => void;
}) {
  const newest = [...runs].reverse();
  const [a, setA] = useState(newest[1]?.runId ?? '');
  const [b, setB] = useState(newest[0]?.runId ?? '');
  useEffect(() => {
    if (!a && newest[1]) setA(newest[1].runId);
    if (!b && newest[0]) setB(newest[0].runId);
  }, [newest, a, b]);
  if (runs.length < 2) return <p className="muted">Two runs are needed to compare.</p>;
  const labels = runStartLabels(newest.map((r) => r.startedAt));
  const option = (r: RunPoint, i: number) => (
    <option key={r.runId} value={r.runId}>
      {labels[i]} · {r.status} · {ms(r.durationMs)}
    </option>
  );
  const shown = result && result.runA === a && result.runB === b ? result.rows : undefined;
  return (
    <div className="compare">
      <div className="compare-pick">
        <label>
          First{' '}
          <select value={a} onChange={(e) => setA(e.target.value)}>
            {newest.map(option)}
          </select>
        </label>
        <label>
          Second{' '}
          <select value={b} onChange={(e) => setB(e.target.value)}>
            {newest.map(option)}
          </select>
        </label>
        <button type="button" className="button" onClick={() => onCompare(a, b)} disabled={!a || !b || a === b}>
          Compare
        </button>
      </div>
      {shown ? <CompareTable rows={shown} /> : null}
    </div>
  );
}

function CompareTable({ rows }: { rows: CompareRow[] }) {
  return (
    <table data-testid="compare-table">
      <thead>
        <tr>
          <th>Node</th>
          <th className="num">First</th>
          <th className="num">Second</th>
          <th className="num">Difference</th>
          <th>Changes</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.node}>
            <td>{r.node}</td>
            <td className="num">{r.a ? `${ms(r.a.durationMs)} ${r.a.status}` : '–'}</td>
            <td className="num">{r.b ? `${ms(r.b.durationMs)} ${r.b.status}` : '–'}</td>
            <td className={`num${(r.deltaMs ?? 0) > 0 ? ' warn' : ''}`}>{r.deltaMs !== undefined ? signedMs(r.deltaMs) : '–'}</td>
            <td>
              {[r.newFailure ? 'fails now' : '', r.changedOutputs.length ? `outputs changed: ${r.changedOutputs.join(', ')}` : ''].filter(Boolean).join('; ') ||
                '–'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
