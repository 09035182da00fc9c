import { strict as assert } from 'node:assert';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { PROTOCOL_VERSION } from '../../../src/engine/protocol';
import type { EngineEvent } from '../../../src/engine/protocol';
import type { EngineNotice } from '../../../src/extension/runs/engineConnection';
import { ServedEngine, type ServedState } from '../../../src/extension/runs/servedEngine';
import { STREAM_VERSION } from '../../../src/server/streamProtocol';
import { OPERATOR, serveFixture, TOKENS, until, VIEWER, type Fixture } from './serverFixture';

/** A window's folder standing for the served workspace: paths in the window are under it, the server's elsewhere. */
const ROOT = '/home/dev/project';

describe('serve: a window attached to a served engine', function () {
  this.timeout(60_000);
  let f: Fixture;
  let url: string;
  const engines: ServedEngine[] = [];
  before(async () => {
    f = await serveFixture();
    url = await f.served.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.shutdown();
  });
  after(async () => f.close());

  const attach = (token: string) => {
    const engine = new ServedEngine({ url, token, root: ROOT, log: () => undefined, retryDelayMs: () => 50, connectTimeoutMs: 5000 });
    engines.push(engine);
    return engine;
  };
  const record = (engine: ServedEngine) => {
    const events: EngineEvent[] = [];
    const notices: EngineNotice[] = [];
    const states: ServedState['kind'][] = [];
    engine.onEvent((e) => events.push(e));
    engine.onNotice((n) => notices.push(n));
    engine.onDidChangeState((s) => states.push(s.kind));
    return { events, notices, states, of: (runId: string) => events.filter((e) => e.runId === runId && e.type !== 'node:log') };
  };
  const stored = async (runId: string) =>
    (JSON.parse((await f.call('GET', `/api/runs/${runId}/events`, VIEWER)).body) as { events: EngineEvent[] }).events.filter((e) => e.type !== 'node:log');
  const local = (path: string) => join(ROOT, path);

  it('runs a workflow named by its path in the window, and answers with the window’s paths', async () => {
    const engine = attach(TOKENS[1].token);
    const seen = record(engine);
    const { runId } = await engine.request('start', { workflowPath: local('flows/quick.workflow.yaml') });
    assert.deepEqual(engine.current, { kind: 'connected', name: 'ana', role: 'operator' });
    await until(async () => (seen.of(runId).some((e) => e.type === 'workflow:completed') ? true : undefined), 'the run to end');
    const started = seen.of(runId)[0];
    assert.equal(started.type === 'workflow:started' && started.workflow.path, local('flows/quick.workflow.yaml'));
    const listed = await engine.request('listRuns', { workflowPath: local('flows/quick.workflow.yaml') });
    assert.equal(listed.runs[0].runId, runId);
    assert.equal(listed.runs[0].workflowPath, local('flows/quick.workflow.yaml'));
    const got = await engine.request('getRun', { runId });
    assert.equal(got.state?.workflowPath, local('flows/quick.workflow.yaml'));
    assert.equal(got.state?.status, 'completed');
    const page = await engine.request('getEvents', { runId });
    const first = page.events[0];
    assert.equal(first.type === 'workflow:started' && first.workflow.path, local('flows/quick.workflow.yaml'));
    // Log lines reach the node's log file as they are written, not with the run's events.
    const log = await until(async () => {
      const chunk = await engine.request('readLog', { runId, nodeId: 'build', offset: 0 });
      return chunk.text ? chunk : undefined;
    }, 'the log');
    assert.equal(log.text, 'built\n');
    const insights = await engine.request('insights', { workflowPath: local('flows/quick.workflow.yaml') });
    assert.equal(insights.report.workflowPath, local('flows/quick.workflow.yaml'));
  });

  it('records who paused and resumed a run, by the token’s name', async () => {
    const engine = attach(TOKENS[1].token);
    const seen = record(engine);
    const { runId } = await engine.request('start', { workflowPath: local('slow.workflow.yaml') });
    await engine.request('pause', { runId, actor: 'someone-else' });
    await until(async () => seen.of(runId).find((e) => e.type === 'workflow:paused'), 'the pause');
    await engine.request('resume', { runId });
    await until(async () => seen.of(runId).find((e) => e.type === 'workflow:completed'), 'the run to end');
    const paused = seen.of(runId).find((e) => e.type === 'workflow:paused');
    const resumed = seen.of(runId).find((e) => e.type === 'workflow:resumed');
    assert.equal(paused?.type === 'workflow:paused' && paused.actor, 'ana');
    assert.equal(resumed?.type === 'workflow:resumed' && resumed.actor, 'ana');
  });

  it('refuses what the token may not do, files outside the workspace, and what the server keeps to itself', async () => {
    const viewer = attach(TOKENS[0].token);
    await assert.rejects(viewer.request('start', { workflowPath: local('flows/quick.workflow.yaml') }), /'vic' is a viewer: start needs an operator's token/);
    await assert.rejects(viewer.request('configure', { roots: [{ folder: '/' }] }), /configure is not served/);
    await assert.rejects(viewer.request('shutdown', {}), /shutdown is not served/);
    await assert.rejects(
      viewer.request('listRuns', { workflowPath: '/etc/passwd' }),
      /\/etc\/passwd is not in \/home\/dev\/project, the folder the engine at 127\.0\.0\.1:\d+ serves/,
    );
    await assert.rejects(viewer.request('listRuns', { workflowPath: local('../../../etc/x.workflow.yaml') }), /is not in \/home\/dev\/project/);
    await assert.rejects(
      viewer.request('listRuns', { workflowPath: local('.hidden/x.workflow.yaml') }),
      /no workflow '.hidden\/x.workflow.yaml' in the served workspace/,
    );
    await assert.rejects(viewer.request('getRun', { runId: '../../etc' }), /not a run id|no run/);
    assert.equal(viewer.current.kind, 'connected');
  });

  it('is refused with the server’s reason when its token is wrong, and does not retry', async () => {
    const engine = attach('not-a-token-0123456789');
    const seen = record(engine);
    await assert.rejects(engine.request('listRuns', {}), /refused this window: a valid bearer token is needed/);
    assert.equal(engine.current.kind, 'refused');
    assert.deepEqual(seen.states, ['refused']);
  });

  it('will not use a server of another version, and says which versions differ', async () => {
    // A server from before the stream had a version: its hello names none.
    const old = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    old.on('connection', (socket) => socket.send(JSON.stringify({ type: 'hello', name: 'ana', role: 'operator', protocolVersion: PROTOCOL_VERSION })));
    await new Promise((resolve) => old.once('listening', resolve));
    try {
      const engine = new ServedEngine({
        url: `http://127.0.0.1:${(old.address() as AddressInfo).port}`,
        token: TOKENS[1].token,
        root: ROOT,
        log: () => undefined,
      });
      engines.push(engine);
      const seen = record(engine);
      const expected = `refused this window: it speaks engine protocol ${PROTOCOL_VERSION}, stream 1 and this window engine protocol ${PROTOCOL_VERSION}, stream ${STREAM_VERSION}`;
      await assert.rejects(engine.request('listRuns', {}), (e: Error) => e.message.includes(expected));
      assert.deepEqual(seen.states, ['refused']);
    } finally {
      old.close();
    }
  });

  it('says at once when nothing answers at the address', async () => {
    // A request would otherwise wait ten minutes for a connection (past the test's own time-out).
    const engine = new ServedEngine({ url: 'http://127.0.0.1:9', token: 'x'.repeat(20), root: ROOT, log: () => undefined, connectTimeoutMs: 600_000 });
    engines.push(engine);
    await assert.rejects(engine.request('listRuns', {}), /the engine at 127\.0\.0\.1:9 cannot be reached: .*ECONNREFUSED/);
    assert.equal(engine.current.kind, 'reconnecting');
  });

  it('reconnects after the connection drops and is sent what it missed, with no gap and no duplicate', async () => {
    const engine = attach(TOKENS[1].token);
    const seen = record(engine);
    const { runId } = await engine.request('start', { workflowPath: local('flows/gated.workflow.yaml') });
    await until(async () => seen.of(runId).find((e) => e.type === 'node:waiting'), 'the gate');
    // Every stream is closed; the gate is approved by someone else while this window is away.
    f.served.stream.closeAll();
    assert.equal((await f.call('POST', `/api/runs/${runId}/nodes/approve/approve`, OPERATOR, {})).statusCode, 200);
    await until(async () => seen.of(runId).find((e) => e.type === 'workflow:completed'), 'the rest of the run');
    assert.deepEqual(
      seen.of(runId).map((e) => e.seq),
      (await stored(runId)).map((e) => e.seq),
    );
    assert.ok(seen.states.includes('reconnecting') && seen.states.at(-1) === 'connected', seen.states.join(' → '));
    assert.ok(
      seen.notices.some((n) => n.type === 'runs:changed'),
      'the window is told to list runs again',
    );
    const approved = seen.of(runId).find((e) => e.type === 'node:completed' && e.nodeId === 'approve');
    assert.equal(approved?.type === 'node:completed' && approved.outputs.approvedBy, 'ana');
  });
});
