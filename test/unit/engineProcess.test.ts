import { strict as assert } from 'node:assert';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseEngineMessage, PROTOCOL_VERSION, type EngineMessage, type EngineRequest } from '../../src/engine/protocol';
import { listRuns } from '../../src/engine/run/io/runStore';
import { yaml } from './helpers';

const ENGINE = join(__dirname, '..', '..', 'dist', 'engine.js');

/** A request without its id (the helper numbers it). */
type RequestDraft = EngineRequest extends infer R ? (R extends EngineRequest ? Omit<R, 'requestId'> : never) : never;

/** Settles once a process no longer exists (polled: an ended process may take a moment to be reaped). */
async function gone(pid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Drives the built engine process over its stdio protocol. */
class EngineClient {
  readonly messages: EngineMessage[] = [];
  readonly unparsed: string[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private waiters: (() => void)[] = [];
  readonly exited: Promise<number | null>;

  constructor() {
    this.child = spawn(process.execPath, [ENGINE], { stdio: 'pipe' });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const m = parseEngineMessage(line);
      if (m) this.messages.push(m);
      else this.unparsed.push(line);
      for (const w of this.waiters.splice(0)) w();
    });
    this.exited = new Promise((r) => this.child.on('exit', (code) => r(code)));
  }

  send(command: EngineRequest | string): void {
    this.child.stdin.write((typeof command === 'string' ? command : JSON.stringify(command)) + '\n');
  }

  async waitFor<T extends EngineMessage>(predicate: (m: EngineMessage) => m is T): Promise<T>;
  async waitFor(predicate: (m: EngineMessage) => boolean): Promise<EngineMessage>;
  async waitFor(predicate: (m: EngineMessage) => boolean): Promise<EngineMessage> {
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  reply(requestId: number) {
    return this.waitFor((m) => m.type === 'engine:reply' && m.requestId === requestId) as Promise<Extract<EngineMessage, { type: 'engine:reply' }>>;
  }

  /** The result of a request that succeeded. */
  async result<T>(requestId: number): Promise<T> {
    const reply = await this.reply(requestId);
    if (!reply.ok) throw new Error(`request ${requestId} failed: ${reply.error}`);
    return reply.result as T;
  }

  closeInput(): void {
    this.child.stdin.end();
  }
}

describe('engine process protocol', () => {
  let dir: string;
  let engine: EngineClient;
  let nextId = 100;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maestro-proto-'));
    engine = new EngineClient();
    // Runs of workflows in `dir` are kept in `dir/runs`.
    engine.send({ type: 'configure', requestId: 0, roots: [{ folder: dir, runsDirectory: 'runs' }] });
  });
  afterEach(async () => {
    engine.closeInput();
    await engine.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  const workflowFile = (...lines: string[]) => {
    const path = join(dir, 'w.workflow.yaml');
    writeFileSync(path, yaml('version: 1', 'name: W', ...lines));
    return path;
  };
  const ask = async <T>(request: RequestDraft, on = engine): Promise<T> => {
    const requestId = nextId++;
    on.send({ ...request, requestId } as EngineRequest);
    return on.result<T>(requestId);
  };

  it('says it is ready, runs a workflow and streams its events; its reply names the run', async () => {
    const ready = await engine.waitFor((m) => m.type === 'engine:ready');
    assert.equal((ready as { protocolVersion: number }).protocolVersion, PROTOCOL_VERSION);
    const { runId } = await ask<{ runId: string }>({
      type: 'start',
      workflowPath: workflowFile('nodes:', '  a: { run: echo hi }', '  b: { needs: a, run: "true" }'),
    });
    assert.ok(runId);
    const done = await engine.waitFor((m) => m.type === 'workflow:completed');
    assert.equal((done as { status: string }).status, 'completed');
    assert.ok(existsSync(join(dir, 'runs', runId, 'run.json')), 'kept where the configured root says');
    assert.deepEqual(engine.unparsed, [], 'stdout carries protocol messages only');
  });

  it('answers malformed and unknown messages with errors, and keeps working', async () => {
    engine.send('this is not json');
    engine.send({ type: 'pause', requestId: 2, runId: 'nope' });
    engine.send('{"type":"launch","requestId":3}');
    engine.send({ type: 'start', requestId: 4, workflowPath: join(dir, 'missing.workflow.yaml') });
    engine.send({ type: 'getRun', requestId: 6, runId: '../../etc' });
    await engine.waitFor((m) => m.type === 'engine:error');
    assert.match(((await engine.reply(2)) as { error: string }).error, /'nope' is not held by this engine/);
    assert.match(((await engine.reply(3)) as { error: string }).error, /unknown request type/);
    assert.match(((await engine.reply(4)) as { error: string }).error, /no such file/);
    assert.match(((await engine.reply(6)) as { error: string }).error, /is not a run id/);
    engine.send({ type: 'start', requestId: 5, workflowPath: workflowFile('nodes:', '  a: { run: "true" }') });
    assert.ok((await engine.reply(5)).ok);
  });

  it('pauses, resumes, approves and cancels through requests', async () => {
    // `a` holds its slot until the test lets it go: the pause comes while it runs, however slow the machine.
    const go = join(dir, 'a.go');
    const path = workflowFile(
      'concurrency: 1',
      'nodes:',
      `  a: { run: 'while [ ! -e ${go} ]; do sleep 0.02; done' }`,
      '  b: { run: sleep 0.2 }',
      '  gate: { needs: [a, b], approval: { prompt: go? } }',
      '  long: { needs: gate, run: sleep 30 }',
    );
    const { runId } = await ask<{ runId: string }>({ type: 'start', workflowPath: path });
    await engine.waitFor((m) => m.type === 'node:started');
    await ask({ type: 'pause', runId });
    writeFileSync(go, '');
    await engine.waitFor((m) => m.type === 'workflow:paused');
    assert.equal(engine.messages.filter((m) => m.type === 'node:started').length, 1, 'nothing new started while paused');
    await ask({ type: 'resume', runId });
    await engine.waitFor((m) => m.type === 'node:waiting');
    await ask({ type: 'approve', runId, nodeId: 'gate', approved: true });
    await engine.waitFor((m) => m.type === 'node:started' && m.nodeId === 'long');
    await ask({ type: 'cancel', runId });
    const done = await engine.waitFor((m) => m.type === 'workflow:completed');
    assert.equal((done as { status: string }).status, 'cancelled');
  });

  it('a resume refused after the run ended leaves the run readable, and shutdown still stops the engine', async () => {
    const path = workflowFile('nodes:', '  a: { run: "true" }');
    const { runId } = await ask<{ runId: string }>({ type: 'start', workflowPath: path });
    await engine.waitFor((m) => m.type === 'workflow:completed');
    const refused = nextId++;
    engine.send({ type: 'resume', requestId: refused, runId, fromNode: 'nope' });
    const answer = await engine.reply(refused);
    assert.ok(!answer.ok && /no node 'nope'/.test(answer.error), JSON.stringify(answer));
    const state = await ask<{ state: { status: string } }>({ type: 'getRun', runId });
    assert.equal(state.state.status, 'completed');
    const pause = nextId++;
    engine.send({ type: 'pause', requestId: pause, runId });
    assert.deepEqual(await engine.reply(pause), { type: 'engine:reply', requestId: pause, ok: false, error: `run '${runId}' has ended` });
    // The ended run's log was closed for the resume: shutdown does not close it again, and the engine exits.
    const shutdown = nextId++;
    engine.send(JSON.stringify({ type: 'shutdown', requestId: shutdown }));
    assert.deepEqual(await engine.reply(shutdown), { type: 'engine:reply', requestId: shutdown, ok: true, result: {} });
    assert.equal(await engine.exited, 0);
  });

  it('serves what it knows of runs: lists, states, events after a seq, logs from an offset, deletion', async () => {
    const path = workflowFile('nodes:', '  a: { run: "echo one; echo two" }', '  b: { needs: a, run: "echo three" }');
    const { runId } = await ask<{ runId: string }>({ type: 'start', workflowPath: path });
    await engine.waitFor((m) => m.type === 'workflow:completed');
    const appended = await engine.waitFor((m) => m.type === 'log:appended' && m.nodeId === 'a');
    assert.equal((appended as { size: number }).size, 8, 'the engine says when a log has grown');
    const listed = await ask<{ runs: { runId: string; status: string; live: boolean }[]; total: number }>({ type: 'listRuns', workflowPath: path });
    assert.deepEqual([listed.total, listed.runs[0].runId, listed.runs[0].status, listed.runs[0].live], [1, runId, 'completed', true]);
    assert.equal((await ask<{ total: number }>({ type: 'listRuns', statuses: ['failed'] })).total, 0);
    const run = await ask<{ state: { nodes: { info: { id: string }; status: string }[] } }>({ type: 'getRun', runId });
    assert.deepEqual(
      run.state.nodes.map((n) => [n.info.id, n.status]),
      [
        ['a', 'completed'],
        ['b', 'completed'],
      ],
    );
    const all = await ask<{ events: { seq: number; type: string }[]; more: boolean }>({ type: 'getEvents', runId });
    assert.ok(
      all.events.every((e) => e.type !== 'node:log'),
      'log lines are not events on disk',
    );
    const seqs = all.events.map((e) => e.seq);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i + 1),
      'the events on disk are numbered without a gap',
    );
    const page = await ask<{ events: { seq: number }[]; more: boolean }>({ type: 'getEvents', runId, afterSeq: 2, limit: 2 });
    assert.deepEqual([page.events.map((e) => e.seq), page.more], [[3, 4], true]);
    assert.deepEqual(await ask({ type: 'readLog', runId, nodeId: 'a', offset: 4 }), { text: 'two\n', offset: 4, end: 8, size: 8 });
    assert.equal((await ask<{ text: string }>({ type: 'readLog', runId, nodeId: 'a', tailLines: 1 })).text, 'two\n');
    await ask({ type: 'deleteRun', runId });
    assert.equal((await ask<{ total: number }>({ type: 'listRuns' })).total, 0);
  });

  it('tells when runs change in its runs folders, written by another process', async () => {
    await ask({ type: 'listRuns' });
    mkdirSync(join(dir, 'runs'), { recursive: true });
    // Watching starts once the folder exists: its next look finds it.
    await ask({ type: 'configure', roots: [{ folder: dir, runsDirectory: 'runs' }] });
    mkdirSync(join(dir, 'runs', '20260101-000000-abcd'));
    await engine.waitFor((m) => m.type === 'runs:changed');
  });

  it('bounds the copies of cached nodes’ artifacts as configure says (0: none), else as its environment does', async () => {
    const path = workflowFile('nodes:', "  build: { run: 'echo x > out.txt', artifacts: [out.txt], cache: true }");
    const copies = join(dir, 'runs', '.cache', 'copies');
    const runToEnd = async () => {
      const { runId } = await ask<{ runId: string }>({ type: 'start', workflowPath: path, reuseResults: false });
      await engine.waitFor((m) => m.type === 'workflow:completed' && m.runId === runId);
    };
    await ask({ type: 'configure', roots: [{ folder: dir, runsDirectory: 'runs' }], cacheCopiesMb: 0 });
    await runToEnd();
    assert.ok(!existsSync(copies));
    await ask({ type: 'configure', roots: [{ folder: dir, runsDirectory: 'runs' }] });
    await runToEnd();
    assert.equal(readdirSync(copies).length, 1);
  });

  it("forgets the results kept in the team's shared cache configure names, or says there is none", async () => {
    const path = workflowFile('nodes:', "  build: { run: 'echo x', cache: true }");
    const team = join(dir, 'team');
    writeFileSync(join(dir, 'team.key'), 'f'.repeat(64));
    const roots = [{ folder: dir, runsDirectory: 'runs' }];
    await ask({ type: 'configure', roots, sharedCache: { folder: team, keyFile: join(dir, 'team.key') } });
    const { runId } = await ask<{ runId: string }>({ type: 'start', workflowPath: path });
    await engine.waitFor((m) => m.type === 'workflow:completed' && m.runId === runId);
    const kept = (folder: string) => readdirSync(folder).filter((f) => f.endsWith('.json')).length;
    assert.deepEqual([kept(team), kept(join(dir, 'runs', '.cache'))], [1, 1]);
    assert.deepEqual(await ask({ type: 'forgetResults', workflowPath: path, shared: true }), { removed: 1 });
    assert.deepEqual([kept(team), kept(join(dir, 'runs', '.cache'))], [0, 1], "the user's own are kept");
    await ask({ type: 'configure', roots, sharedCache: null });
    await assert.rejects(ask({ type: 'forgetResults', shared: true }), /no shared cache is set/);
  });

  it('leaves its runs interrupted, with no process behind, when its host goes away; Resume finishes them', async () => {
    const pids = join(dir, 'pids');
    const path = workflowFile('nodes:', `  long: { run: 'sleep 30 & echo $! > ${pids}; wait' }`, '  after: { needs: long, run: "true" }');
    const { runId } = await ask<{ runId: string }>({ type: 'start', workflowPath: path });
    await engine.waitFor((m) => m.type === 'node:started');
    while (!existsSync(pids) || !readFileSync(pids, 'utf8').trim()) await new Promise((r) => setTimeout(r, 20));
    engine.closeInput();
    assert.equal(await engine.exited, 0);
    const cancelled = engine.messages.find((m) => m.type === 'node:cancelled') as { reason: string } | undefined;
    assert.match(cancelled?.reason ?? '', /window closed/);
    assert.equal(
      engine.messages.find((m) => m.type === 'workflow:completed'),
      undefined,
      'the run is not ended',
    );
    await gone(Number(readFileSync(pids, 'utf8')));
    const [listed] = listRuns(join(dir, 'runs'));
    assert.deepEqual([listed.runId, listed.status, listed.interrupted], [runId, 'running', true]);
    // A new engine (the reloaded window's) continues it from its log.
    writeFileSync(path, yaml('version: 1', 'name: W', 'nodes:', '  long: { run: "true" }', '  after: { needs: long, run: "true" }'));
    const next = new EngineClient();
    try {
      next.send({ type: 'configure', requestId: 0, roots: [{ folder: dir, runsDirectory: 'runs' }] });
      await ask({ type: 'resume', runId }, next);
      const done = await next.waitFor((m) => m.type === 'workflow:completed');
      assert.equal((done as { status: string }).status, 'completed');
    } finally {
      next.closeInput();
      await next.exited;
    }
  });
});

describe('cli process signals', () => {
  it('a second Ctrl-C stops at once, also the processes the spawn helpers started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-int-'));
    const pids = join(dir, 'pids');
    // The quick nodes first, so that the sleepers start once the helpers are ready; they ignore SIGTERM.
    const quick = Array.from({ length: 16 }, (_, i) => `  q${i}: { run: "sleep 0.1" }`);
    const sleepers = Array.from({ length: 24 }, (_, i) => `  s${i}: { needs: q${i % 16}, run: 'trap "" TERM; echo $$ >> ${pids}; sleep 60' }`);
    const path = join(dir, 'i.workflow.yaml');
    writeFileSync(path, yaml('version: 1', 'name: Int', 'concurrency: 8', 'nodes:', ...quick, ...sleepers));
    const child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'cli.js'), 'run', path, '--json', '--runs-dir', join(dir, 'runs')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.resume();
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const started = () => (existsSync(pids) ? readFileSync(pids, 'utf8').trim().split('\n').filter(Boolean).map(Number) : []);
    while (started().length < 8) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    // Two signals sent at once may arrive as one.
    while (!err.includes('cancelling')) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    for (const pid of started()) await gone(pid);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a hang-up cancels the run, and no node process outlives the CLI', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-hup-'));
    const pids = join(dir, 'pids');
    const path = join(dir, 'h.workflow.yaml');
    writeFileSync(path, yaml('version: 1', 'name: Hup', 'nodes:', `  a: { run: 'sleep 60 & echo $! >> ${pids}; wait' }`));
    const child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'cli.js'), 'run', path, '--json', '--runs-dir', join(dir, 'runs')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    while (!out.includes('"node:started"')) await new Promise((r) => setTimeout(r, 20));
    // The file exists as soon as the shell opens it, before the pid is in it.
    while (!existsSync(pids) || !readFileSync(pids, 'utf8').trim()) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGHUP');
    assert.equal(await exited, 130);
    assert.match(out, /"type":"workflow:completed".*"status":"cancelled"/);
    await gone(Number(readFileSync(pids, 'utf8').trim()));
    rmSync(dir, { recursive: true, force: true });
  });
});
