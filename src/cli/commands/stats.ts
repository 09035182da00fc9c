import { existsSync } from 'node:fs';
import { formatDuration } from '../../engine/duration';
import type { InsightsReport } from '../../engine/insights/report';
import { runsDirFor } from '../../engine/run/io/runsLocation';
import { workflowInsights } from '../../engine/service/runInsights';
import { parseCommandArgs, UsageError } from '../args';
import type { Output } from '../output';
import { safeText, terminalJson } from '../terminalText';

export const STATS_HELP = `Usage: maestro-dag stats FILE [--last N] [--json] [--runs-dir DIR]

Figures over a workflow's past runs: its nodes' durations (p50, p95), failure, retry and reuse rates, trends, queue
time; the flaky nodes and the bottlenecks. See docs/insights.md for how each is computed.

Options:
  --last N        the last N runs (default: all)
  --json          one JSON object (its keys are documented in docs/insights.md)
  --runs-dir DIR  where runs are kept (default: the workflow's workspace's .maestro/runs)
  -h, --help      show this help
`;

const ms = (v: number | undefined) => (v === undefined ? '–' : formatDuration(v));
const pct = (v: number | undefined) => (v === undefined ? '–' : `${Math.round(v * 100)}%`);

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n') + '\n';
}

function trendText(n: InsightsReport['nodes'][number]): string {
  if (!n.trend) return '–';
  const sign = n.trend.deltaMs > 0 ? '+' : n.trend.deltaMs < 0 ? '−' : '±';
  return `${sign}${formatDuration(Math.abs(n.trend.deltaMs))} (${Math.round((n.trend.ratio - 1) * 100)}%)`;
}

function text(r: InsightsReport): string {
  const out: string[] = [];
  const s = r.summary;
  out.push(`${r.basedOn} of ${r.totalRuns} runs: ${pct(s.successRate)} completed, p50 ${ms(s.p50Ms)}, p95 ${ms(s.p95Ms)}\n\n`);
  const nodes = [...r.nodes].sort((a, b) => (b.p95Ms ?? 0) - (a.p95Ms ?? 0));
  // Reuse only where a node's result was reused (see `cache`): a column of 0% says nothing elsewhere.
  const reuse = nodes.some((n) => n.reuseRate > 0);
  const row = (n: InsightsReport['nodes'][number]) => [
    safeText(n.node),
    String(n.runs),
    pct(n.failureRate),
    pct(n.retryRate),
    ...(reuse ? [pct(n.reuseRate)] : []),
    ms(n.p50Ms),
    ms(n.p95Ms),
    trendText(n),
    ms(n.queueP50Ms),
  ];
  out.push(table([['node', 'runs', 'failed', 'retried', ...(reuse ? ['reused'] : []), 'p50', 'p95', 'trend', 'queued p50'], ...nodes.map(row)]));
  out.push('\nflaky nodes:\n');
  if (!r.flaky.length) out.push('  none\n');
  for (const f of r.flaky) {
    const why = [
      f.passedOnRetry.length ? `passed on a retry in ${f.passedOnRetry.length} run(s): ${f.passedOnRetry.slice(-3).join(', ')}` : '',
      ...f.mixed.map((m) => `passed ${m.passed.length}×, failed ${m.failed.length}× on the same file (e.g. ${m.failed.at(-1)})`),
    ].filter(Boolean);
    out.push(`  ${safeText(f.node)}: ${why.join('; ')}\n`);
  }
  out.push('\nbottlenecks (time on the critical path):\n');
  if (!r.bottlenecks.length) out.push('  none\n');
  for (const b of r.bottlenecks.slice(0, 10))
    out.push(
      `  ${safeText(b.node)}: ${pct(b.timeShare)} of the runs' time, on the path in ${b.criticalRuns} run(s); at its p50 instead of p95 a run ends ${ms(b.savingMs)} sooner\n`,
    );
  return out.join('');
}

export function statsCommand(argv: string[], io: Output): number {
  const { values, positionals } = parseCommandArgs(argv, { last: { type: 'string' }, json: { type: 'boolean' }, 'runs-dir': { type: 'string' } });
  if (values.help) {
    io.out(STATS_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('stats takes exactly one workflow file');
  const last = values.last === undefined ? undefined : Number(values.last);
  if (last !== undefined && (!Number.isInteger(last) || last < 1)) throw new UsageError(`--last must be a positive whole number, not '${values.last}'`);
  const file = positionals[0];
  if (!existsSync(file)) {
    io.err(`${file}: no such file\n`);
    return 1;
  }
  const runsDir = values['runs-dir'] ?? runsDirFor(file);
  const { report } = workflowInsights(runsDir, file, last);
  if (values.json) io.out(terminalJson(JSON.stringify(report, null, 2)) + '\n');
  else if (report.basedOn === 0) io.out(`no ended runs of ${file} in ${runsDir}\n`);
  else io.out(text(report));
  return 0;
}
