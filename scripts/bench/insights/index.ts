// Insights over many runs: 10,000 runs of a 50-node workflow on disk; the report over the last 1,000 from the runs'
// index, against the same report made by scanning the same runs' event logs; the time to make a missing index
// again; and the Insights view's first paint with 1,000 runs charted, in Chromium.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestRun, type RunDigest } from '../../../src/engine/insights/digest';
import { insightsReport, type InsightsReport } from '../../../src/engine/insights/report';
import type { EngineEvent, RunNodeInfo } from '../../../src/engine/protocol';
import { digestsOf } from '../../../src/engine/insights/table';
import { forgetReadRuns, indexPath, readIndexedRuns, recordDigest } from '../../../src/engine/run/io/runIndex';
import { listRuns, readRun } from '../../../src/engine/run/io/runStore';
import { workflowInsights } from '../../../src/engine/service/runInsights';
import { launchChromium, openPanel, startHarness } from '../../../test/webview/harness';
import { median, ms, ratio } from '../stats';

const RUNS = Number(process.env.BENCH_INSIGHTS_RUNS ?? 10_000);
const NODES = 50;
const LAST = 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/** One run's events: 50 nodes in 10 layers of 5, each needing the node above it; some retried, a few failed. */
function runEvents(i: number, path: string): EngineEvent[] {
  const runId = `20260101-${String(i).padStart(6, '0')}-${(i * 2654435761).toString(16).slice(-4)}`;
  const t0 = 1_767_225_600_000 + i * 60_000;
  const nodes: RunNodeInfo[] = Array.from({ length: NODES }, (_, n) => ({
    id: `n${n}`,
    nodeId: `n${n}`,
    name: `n${n}`,
    kind: 'run',
    needs: n >= 5 ? [`n${n - 5}`] : [],
  }));
  const base = { runId, seq: 0 };
  const events: EngineEvent[] = [
    { ...base, type: 'workflow:started', ts: t0, workflow: { name: 'Bench', path, hash: i < RUNS / 2 ? 'h1' : 'h2' }, inputs: {}, nodes, concurrency: 8 },
  ];
  const end = new Map<string, number>();
  let failed = false;
  for (const n of nodes) {
    const start = n.needs.length ? end.get(n.needs[0])! + 2 : t0 + 1;
    const duration = 50 + ((i * 31 + Number(n.id.slice(1)) * 17) % 200);
    const retried = (i + Number(n.id.slice(1))) % 37 === 0;
    const fails = (i * 7 + Number(n.id.slice(1))) % 997 === 0;
    failed ||= fails;
    events.push({ ...base, type: 'node:started', ts: start, nodeId: n.id, attempt: 1 });
    if (retried) events.push({ ...base, type: 'node:retrying', ts: start + 10, nodeId: n.id, attempt: 1, error: 'exit 1', delayMs: 1 });
    const attempt = retried ? 2 : 1;
    if (fails)
      events.push({
        ...base,
        type: 'node:failed',
        ts: start + duration,
        nodeId: n.id,
        attempt,
        error: 'exit 1',
        exitCode: 1,
        durationMs: duration,
        continueOnError: false,
      });
    else events.push({ ...base, type: 'node:completed', ts: start + duration, nodeId: n.id, attempt, outputs: {}, artifacts: [], durationMs: duration });
    end.set(n.id, start + duration);
  }
  const tEnd = Math.max(...end.values());
  const summary = { total: NODES, completed: failed ? NODES - 1 : NODES, failed: failed ? 1 : 0, skipped: 0, cancelled: 0, durationMs: tEnd - t0 };
  events.push({ ...base, type: 'workflow:completed', ts: tEnd, status: failed ? 'failed' : 'completed', summary });
  return events.map((e, k) => ({ ...e, seq: k + 1 }));
}

/** Run `i` on disk as the engine leaves it: events, record, and the digest kept as it ended. */
function writeRun(runsDir: string, path: string, i: number): void {
  const events = runEvents(i, path);
  const digest = digestRun(events)!;
  const dir = join(runsDir, digest.runId);
  mkdirSync(join(dir, 'logs'), { recursive: true });
  writeFileSync(join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const record = {
    runId: digest.runId,
    workflowPath: path,
    workflowName: 'Bench',
    workflowHash: digest.workflowHash,
    inputs: {},
    startedAt: digest.startedAt,
    endedAt: digest.endedAt,
    status: digest.status,
    pid: 0,
  };
  writeFileSync(join(dir, 'run.json'), JSON.stringify(record));
  recordDigest(runsDir, digest);
}

function generate(runsDir: string, path: string): number {
  const started = performance.now();
  for (let i = 0; i < RUNS; i++) writeRun(runsDir, path, i);
  return performance.now() - started;
}

/** The same report, without an index: find the workflow's runs, read the last ones' event logs, digest them. */
function scan(runsDir: string, path: string) {
  const mine = listRuns(runsDir).filter((r) => r.workflowPath === path);
  const digests = mine
    .slice(0, 2 * LAST)
    .map((r) => digestRun(readRun(runsDir, r.runId).events))
    .filter((d): d is RunDigest => d !== undefined)
    .reverse();
  return insightsReport(path, digests, LAST);
}

const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** One call's time, from a collected heap (with --expose-gc, as `npm run bench` starts it). */
function time<T>(f: () => T): { ms: number; value: T } {
  collect();
  const t = performance.now();
  const value = f();
  return { ms: performance.now() - t, value };
}

async function firstPaint(digests: RunDigest[], path: string): Promise<number[]> {
  const harness = await startHarness(join(__dirname, '..'));
  const browser = await launchChromium();
  const insights = { report: insightsReport(path, digests, LAST), lastRun: digests.at(-1), rebuilt: false };
  const times: number[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const page = await openPanel(browser, harness, 'dark', { width: 900, height: 900 }, '/insights');
      times.push(
        await page.evaluate(
          async (m) => {
            const t = performance.now();
            window.postMessage(m, '*');
            while (!document.querySelector('.runs-chart canvas') || !document.querySelector('[data-testid="nodes-table"] tbody tr'))
              await new Promise((res) => setTimeout(res, 1));
            await new Promise((res) => requestAnimationFrame(() => res(undefined)));
            return performance.now() - t;
          },
          { type: 'report', workflowName: 'Bench', range: 100, insights },
        ),
      );
      await page.close();
    }
  } finally {
    await browser.close();
    await harness.close();
  }
  return times;
}

/**
 * The report read three ways, `ROUNDS` times, a run ending before each: from the index after the run (the engine that
 * read it before), from the index first read (the CLI, an engine just started), and by scanning every run; whether the
 * three reports agree; and the first call of each.
 */
function readRounds(runsDir: string, path: string) {
  const cold: number[] = [];
  const afterRun: number[] = [];
  const scanned: number[] = [];
  // The first call of each in this process, its code not yet compiled by the JIT: reported, not in the medians.
  const first = { index: time(() => workflowInsights(runsDir, path, LAST)).ms, scan: time(() => scan(runsDir, path)).ms };
  let same = true;
  for (let r = 0; r < ROUNDS; r++) {
    // A run ends; the engine, which read the index before, is asked again (as the editor does after every run).
    writeRun(runsDir, path, RUNS + r);
    const warm = time(() => workflowInsights(runsDir, path, LAST));
    // The same from an index not read before in this process (the CLI, an engine just started).
    forgetReadRuns();
    const a = time(() => workflowInsights(runsDir, path, LAST));
    const b = time(() => scan(runsDir, path));
    cold.push(a.ms);
    afterRun.push(warm.ms);
    scanned.push(b.ms);
    if (process.env.BENCH_VERBOSE) console.log(`    round ${r + 1}: after a run ${ms(warm.ms)}, first read ${ms(a.ms)}, scan ${ms(b.ms)}`);
    const plain = (report: InsightsReport) => JSON.stringify({ ...report, totalRuns: 0 });
    same &&= plain(a.value.report) === plain(b.value) && plain(warm.value.report) === plain(b.value);
  }
  return { first, cold, afterRun, scanned, same };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'maestro-bench-insights-'));
  const runsDir = join(dir, 'runs');
  const path = join(dir, 'bench.workflow.yaml');
  try {
    console.log(
      `\nInsights: ${RUNS.toLocaleString('en-US')} runs of a ${NODES}-node workflow on disk, the report over the last ${LAST.toLocaleString('en-US')}`,
    );
    const made = generate(runsDir, path);
    console.log(`  generated in ${(made / 1000).toFixed(1)} s`);
    const { first, cold, afterRun, scanned, same } = readRounds(runsDir, path);
    const rebuild: number[] = [];
    for (let r = 0; r < Math.min(ROUNDS, 3); r++) {
      rmSync(indexPath(runsDir, path));
      rebuild.push(time(() => readIndexedRuns(runsDir, path, 2 * LAST)).ms);
    }
    const digests = digestsOf(readIndexedRuns(runsDir, path, LAST).runs);
    const paint = await firstPaint(digests, path);
    const result = {
      indexMs: median(cold),
      indexAfterRunMs: median(afterRun),
      scanMs: median(scanned),
      scanVsIndex: median(scanned) / median(cold),
      scanVsIndexAfterRun: median(scanned) / median(afterRun),
      firstIndexMs: first.index,
      firstScanMs: first.scan,
      rebuildMs: median(rebuild),
      firstPaint1000Ms: median(paint),
      sameReport: same,
    };
    console.log(`  scanning the runs' event logs (and every run's record to find them)                    ${ms(result.scanMs)}`);
    console.log(`  from the index, read from its file (the last ${2 * LAST} runs: the range and the one before)    ${ms(result.indexMs)}`);
    console.log(`  from the index, after a run ends (the engine reads the line appended since)          ${ms(result.indexAfterRunMs)}`);
    console.log(
      `  the index is ${ratio(result.scanMs, result.indexMs)} faster read from its file, ${ratio(result.scanMs, result.indexAfterRunMs)} after a run ends (target ≥ 20×); same report: ${same ? 'yes' : 'NO'}`,
    );
    console.log(`  the first call of each in the process (code not yet compiled): index ${ms(first.index)}, scan ${ms(first.scan)}`);
    console.log(`  making a missing index again from ${RUNS.toLocaleString('en-US')} summaries                                ${ms(result.rebuildMs)}`);
    console.log(
      `  the Insights view's first paint, ${LAST.toLocaleString('en-US')} runs charted (Chromium)                     ${ms(result.firstPaint1000Ms)}`,
    );
    process.send?.({ section: 'insights', ...result });
    if (!same) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void main();
export { generate };
