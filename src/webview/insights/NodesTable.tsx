// Every node's figures, sortable by any column; a click on a node shows its definition.
import { useState } from 'react';
import type { NodeStats } from '../../engine/insights/report';
import { ms, pct, signedMs } from './format';
import { Sparkline } from './Sparkline';

type Key = 'node' | 'runs' | 'failureRate' | 'retryRate' | 'reuseRate' | 'p50Ms' | 'p95Ms' | 'trend' | 'queueP50Ms';

const COLUMNS: { key: Key; label: string; numeric: boolean }[] = [
  { key: 'node', label: 'Node', numeric: false },
  { key: 'runs', label: 'Runs', numeric: true },
  { key: 'failureRate', label: 'Failed', numeric: true },
  { key: 'retryRate', label: 'Retried', numeric: true },
  { key: 'reuseRate', label: 'Reused', numeric: true },
  { key: 'p50Ms', label: 'p50', numeric: true },
  { key: 'p95Ms', label: 'p95', numeric: true },
  { key: 'trend', label: 'Trend', numeric: true },
  { key: 'queueP50Ms', label: 'Queued p50', numeric: true },
];

const valueOf = (n: NodeStats, key: Key): number | string => (key === 'node' ? n.node : key === 'trend' ? (n.trend?.deltaMs ?? 0) : (n[key] ?? -1));

export function NodesTable({ nodes, onReveal }: { nodes: NodeStats[]; onReveal: (node: string) => void }) {
  const [sort, setSort] = useState<{ key: Key; down: boolean }>({ key: 'p95Ms', down: true });
  // Reuse only where some node's result was reused (see `cache`): elsewhere a column of 0% says nothing.
  const reuse = nodes.some((n) => n.reuseRate > 0);
  const columns = reuse ? COLUMNS : COLUMNS.filter((c) => c.key !== 'reuseRate');
  const sorted = [...nodes].sort((a, b) => {
    const [x, y] = [valueOf(a, sort.key), valueOf(b, sort.key)];
    const order = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
    return sort.down ? -order : order;
  });
  return (
    <table className="nodes-table" data-testid="nodes-table">
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.key} className={c.numeric ? 'num' : ''} aria-sort={sort.key === c.key ? (sort.down ? 'descending' : 'ascending') : 'none'}>
              <button type="button" onClick={() => setSort((s) => ({ key: c.key, down: s.key === c.key ? !s.down : c.numeric }))}>
                {c.label}
                {sort.key === c.key ? (sort.down ? ' ▾' : ' ▴') : ''}
              </button>
            </th>
          ))}
          <th>Last runs</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((n) => (
          <tr key={n.node} data-node={n.node}>
            <td>
              <button type="button" className="link" onClick={() => onReveal(n.node)} title="Show its definition">
                {n.node}
              </button>
            </td>
            <td className="num">{n.runs}</td>
            <td className={`num${n.failureRate > 0 ? ' bad' : ''}`}>{pct(n.failureRate)}</td>
            <td className={`num${n.retryRate > 0 ? ' warn' : ''}`}>{pct(n.retryRate)}</td>
            {reuse && (
              <td className="num" title="Runs in which an earlier run's result was reused instead of running it">
                {pct(n.reuseRate)}
              </td>
            )}
            <td className="num">{ms(n.p50Ms)}</td>
            <td className="num">{ms(n.p95Ms)}</td>
            <td className="num" title={n.trend ? `p50 before: ${ms(n.trend.previousP50Ms)}` : 'No runs before the range to compare with'}>
              {n.trend ? `${signedMs(n.trend.deltaMs)} (${n.trend.ratio >= 1 ? '+' : '−'}${Math.abs(Math.round((n.trend.ratio - 1) * 100))}%)` : '–'}
            </td>
            <td className="num">{ms(n.queueP50Ms)}</td>
            <td>
              <Sparkline values={n.recentMs} label={`${n.node}'s last ${n.recentMs.length} durations`} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
