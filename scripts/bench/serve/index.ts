// The served engine under load, on loopback: a 1,000-node run (layers of `true`, 8 at a time) streamed to 200
// WebSocket clients while 1,000 requests a second read a run's state. Every client must get every event of the run
// in order (by seq); reported: the delay from the engine's emitting an event to a client's having it (p50, p99),
// the server's peak memory, the reads' latency, and how long the run takes against the same run with no client (a
// ratio in the same bench run: the run must not wait for its watchers).
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { EngineEvent } from '../../../src/engine/protocol';
import { workflowId } from '../../../src/server/workspaceWorkflows';
import { layeredWorkflow } from '../generate';
import { median, ms, ratio } from '../stats';

const CLIENTS = Number(process.env.BENCH_SERVE_CLIENTS ?? 200);
const READS_PER_SECOND = 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TOKEN = 'bench-operator-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

interface Server {
  child: ChildProcess;
  url: string;
}

function startServer(workspace: string, tokens: string): Promise<Server> {
  // The bench runs from the project's root (npm run bench).
  const cli = join(process.cwd(), 'dist', 'cli.js');
  const child = spawn(process.execPath, [cli, 'serve', '--workspace', workspace, '--port', '0', '--tokens', tokens, '--rate-limit', '1000000'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = / at (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.once('exit', (code) => reject(new Error(`the server stopped (${code}): ${out}`)));
  });
}

/** The server's peak resident memory so far, in MB (Linux). */
const peakRssMb = (pid: number): number => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function api<T>(url: string, method = 'GET', body?: unknown): Promise<T> {
  const r = await fetch(url, {
    method,
    headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!r.ok) throw new Error(`${method} ${url}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

async function runToEnd(server: Server, workflow: string): Promise<{ runId: string; durationMs: number; events: EngineEvent[] }> {
  const { runId } = await api<{ runId: string }>(`${server.url}/api/workflows/${workflow}/runs`, 'POST', {});
  for (;;) {
    const { run } = await api<{ run: { status: string } }>(`${server.url}/api/runs/${runId}`);
    if (run.status !== 'running') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const events: EngineEvent[] = [];
  for (let after = 0; ;) {
    const page = await api<{ events: EngineEvent[]; more: boolean }>(`${server.url}/api/runs/${runId}/events?afterSeq=${after}&limit=5000`);
    events.push(...page.events);
    if (!page.more || !page.events.length) break;
    after = page.events[page.events.length - 1].seq;
  }
  const started = events.find((e) => e.type === 'workflow:started')!;
  const ended = events.find((e) => e.type === 'workflow:completed')!;
  return { runId, durationMs: ended.ts - started.ts, events };
}

interface Watcher {
  socket: WebSocket;
  seqs: number[];
  delays: number[];
  inOrder: boolean;
  done: Promise<void>;
}

function watch(server: Server): Promise<Watcher> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(server.url.replace('http', 'ws') + '/api/stream', { headers: auth });
    let finish: () => void = () => undefined;
    const w: Watcher = { socket, seqs: [], delays: [], inOrder: true, done: new Promise((r) => (finish = r)) };
    socket.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString('utf8')) as { type: string; events?: EngineEvent[] };
      if (m.type === 'subscribed') return resolve(w);
      const now = Date.now();
      for (const e of m.events ?? []) {
        if (e.type === 'node:log') continue;
        w.delays.push(now - e.ts);
        if (w.seqs.length && e.seq !== w.seqs[w.seqs.length - 1] + 1) w.inOrder = false;
        w.seqs.push(e.seq);
        if (e.type === 'workflow:completed') finish();
      }
    });
    socket.once('open', () => socket.send(JSON.stringify({ type: 'subscribe', id: 'all', all: true })));
    socket.once('error', reject);
  });
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

async function loadedRound(server: Server, workflow: string, readRun: string) {
  let reads: autocannon.Instance | undefined;
  const watchers = await Promise.all(Array.from({ length: CLIENTS }, () => watch(server)));
  let readResult: autocannon.Result | undefined;
  const readsDone = new Promise<void>((resolve) => {
    reads = autocannon(
      { url: `${server.url}/api/runs/${readRun}`, headers: auth, connections: 20, overallRate: READS_PER_SECOND, duration: 60 },
      (_err, result) => {
        readResult = result;
        resolve();
      },
    );
  });
  const run = await runToEnd(server, workflow);
  await Promise.all(watchers.map((w) => w.done));
  reads?.stop();
  await readsDone;
  if (!readResult) throw new Error('the reads gave no result');
  const expected = run.events.map((e) => e.seq);
  const complete = watchers.every((w) => w.inOrder && w.seqs.length === expected.length && w.seqs.every((s, i) => s === expected[i]));
  for (const w of watchers) w.socket.close();
  const delays = watchers.flatMap((w) => w.delays);
  return {
    durationMs: run.durationMs,
    events: expected.length,
    eventsPerSecond: (expected.length / run.durationMs) * 1000,
    complete,
    delayP50Ms: percentile(delays, 50),
    delayP99Ms: percentile(delays, 99),
    readsPerSecond: readResult.requests.average,
    readP99Ms: readResult.latency.p99,
    readErrors: readResult.errors + readResult.non2xx,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'maestro-bench-serve-'));
  writeFileSync(join(dir, 'dag.workflow.yaml'), layeredWorkflow({ layers: 20, width: 50, concurrency: 8, run: () => 'true' }));
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify([{ name: 'bench', role: 'operator', token: TOKEN }]));
  const server = await startServer(dir, join(dir, 'tokens.json'));
  const workflow = workflowId('dag.workflow.yaml');
  try {
    console.log(`\nServing: a 1,000-node run streamed to ${CLIENTS} WebSocket clients, ${READS_PER_SECOND} run-state reads a second alongside`);
    const alone: number[] = [];
    const loaded: Awaited<ReturnType<typeof loadedRound>>[] = [];
    let readRun = '';
    for (let r = 0; r < ROUNDS; r++) {
      const quiet = await runToEnd(server, workflow);
      alone.push(quiet.durationMs);
      readRun = quiet.runId;
      loaded.push(await loadedRound(server, workflow, readRun));
    }
    const result = {
      clients: CLIENTS,
      runAloneMs: median(alone),
      runWatchedMs: median(loaded.map((l) => l.durationMs)),
      watchedVsAlone: median(loaded.map((l) => l.durationMs)) / median(alone),
      eventsPerRun: loaded[0].events,
      eventsPerSecond: median(loaded.map((l) => l.eventsPerSecond)),
      everyClientGotEveryEventInOrder: loaded.every((l) => l.complete),
      delayP50Ms: median(loaded.map((l) => l.delayP50Ms)),
      delayP99Ms: median(loaded.map((l) => l.delayP99Ms)),
      readsPerSecond: median(loaded.map((l) => l.readsPerSecond)),
      readP99Ms: median(loaded.map((l) => l.readP99Ms)),
      readErrors: loaded.reduce((s, l) => s + l.readErrors, 0),
      serverPeakRssMb: peakRssMb(server.child.pid!),
    };
    console.log(`  the run alone                                                   ${ms(result.runAloneMs)}`);
    console.log(
      `  the run, watched by ${CLIENTS} clients and read 1,000 times a second     ${ms(result.runWatchedMs)} (${ratio(result.runWatchedMs, result.runAloneMs)} the run alone)`,
    );
    console.log(
      `  events: ${result.eventsPerRun} a run, ${Math.round(result.eventsPerSecond)}/s; every client got every event in order: ${result.everyClientGotEveryEventInOrder ? 'yes' : 'NO'}`,
    );
    console.log(`  from the engine's emitting to a client's having it: p50 ${ms(result.delayP50Ms)}, p99 ${ms(result.delayP99Ms)}`);
    console.log(`  run-state reads: ${Math.round(result.readsPerSecond)}/s, p99 ${ms(result.readP99Ms)}, ${result.readErrors} errors`);
    console.log(`  the server's peak memory                                         ${result.serverPeakRssMb.toFixed(0)} MB`);
    process.send?.({ section: 'serve', ...result });
    if (!result.everyClientGotEveryEventInOrder || result.readErrors) process.exitCode = 1;
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
