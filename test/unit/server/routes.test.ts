import { strict as assert } from 'node:assert';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATOR, serveFixture, until, VIEWER, type Fixture } from './serverFixture';

import type { EngineEvent, HeldMutex, LogChunk, RunListEntry } from '../../../src/engine/protocol';
import { machineMutexFolder, MutexLockFiles } from '../../../src/engine/run/io/mutexLocks';
import type { InputSpec } from '../../../src/engine/model';
import type { RunStateSnapshot } from '../../../src/engine/runState';
import type { WorkflowDetail, WorkflowSummary } from '../../../src/server/workflowViews';
import { workflowId } from '../../../src/server/workspaceWorkflows';

interface RunAnswer {
  run: RunListEntry;
  state?: RunStateSnapshot;
}

describe('serve: the HTTP routes', function () {
  this.timeout(60_000);
  let f: Fixture;
  before(async () => (f = await serveFixture()));
  after(async () => f.close());

  const json = <T>(r: { body: string }) => JSON.parse(r.body) as T;
  const get = async <T>(url: string) => json<T>(await f.call('GET', url, VIEWER));
  const nodeOf = (answer: RunAnswer, id: string) => answer.state?.nodes.find((n) => n.info.id === id);
  const runStatus = (runId: string) => async () => {
    const r = await get<Partial<RunAnswer>>(`/api/runs/${runId}`);
    return r.run?.status;
  };
  const ended = (runId: string) =>
    until(async () => {
      const status = await runStatus(runId)();
      return status === 'running' || status === 'paused' ? undefined : status;
    }, `run ${runId} to end`);

  it('lists the workspace’s workflows by id, with their problems counted, and shows one with its graph', async () => {
    const list = await get<{ workflows: WorkflowSummary[] }>('/api/workflows');
    assert.deepEqual(list.workflows.map((w) => [w.path, w.id]).sort(), [
      ['broken.workflow.yaml', f.ids.broken],
      ['flows/gated.workflow.yaml', f.ids.gated],
      ['flows/quick.workflow.yaml', f.ids.quick],
      ['slow.workflow.yaml', f.ids.slow],
    ]);
    assert.equal(list.workflows.find((w) => w.id === f.ids.broken)?.errors, 1);
    const quick = await get<WorkflowDetail>(`/api/workflows/${f.ids.quick}`);
    assert.equal(quick.name, 'Quick');
    assert.deepEqual(quick.nodes, [
      { id: 'build', needs: [], kind: 'run' },
      { id: 'test', needs: ['build'], kind: 'run' },
    ]);
    assert.match((await get<WorkflowDetail>(`/api/workflows/${f.ids.broken}`)).diagnostics[0].message, /missing/);
    assert.deepEqual(quick.inputs, []);
  });

  it('starts a run for an operator, lists it, and gives its state, events after a seq and a node’s log', async () => {
    const started = await f.call('POST', `/api/workflows/${f.ids.quick}/runs`, OPERATOR, {});
    assert.equal(started.statusCode, 201, started.body);
    const { runId } = json<{ runId: string }>(started);
    assert.equal(await ended(runId), 'completed');
    const listed = await get<{ runs: RunListEntry[] }>(`/api/runs?workflow=${f.ids.quick}&status=completed`);
    assert.ok(listed.runs.some((r) => r.runId === runId && r.workflowPath === 'flows/quick.workflow.yaml'));
    const state = await get<RunAnswer>(`/api/runs/${runId}`);
    assert.equal(nodeOf(state, 'test')?.status, 'completed');
    assert.equal(state.state?.workflowPath, 'flows/quick.workflow.yaml');
    const all = (await get<{ events: EngineEvent[] }>(`/api/runs/${runId}/events`)).events;
    const after = (await get<{ events: EngineEvent[] }>(`/api/runs/${runId}/events?afterSeq=${all[1].seq}`)).events;
    assert.deepEqual(after, all.slice(2));
    // Log lines reach the node's log file as they are written, not with the run's events: read until they are there.
    const log = await until(async () => {
      const chunk = await get<LogChunk>(`/api/runs/${runId}/nodes/test/log`);
      return chunk.size > 0 ? chunk : undefined;
    }, 'the log');
    assert.equal(log.text, 'tested\n');
  });

  it('lets an operator approve a gate, and reject one', async () => {
    for (const [action, status] of [
      ['approve', 'completed'],
      ['reject', 'failed'],
    ] as const) {
      const { runId } = json<{ runId: string }>(await f.call('POST', `/api/workflows/${f.ids.gated}/runs`, OPERATOR, {}));
      await until(async () => (nodeOf(await get<RunAnswer>(`/api/runs/${runId}`), 'approve')?.status === 'waiting' ? true : undefined), 'the gate');
      const viewer = await f.call('POST', `/api/runs/${runId}/nodes/approve/${action}`, VIEWER, {});
      assert.equal(viewer.statusCode, 403);
      const r = await f.call('POST', `/api/runs/${runId}/nodes/approve/${action}`, OPERATOR, { comment: 'ok' });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(await ended(runId), status);
      // Who answered is in the run's events: an output of the gate, or the reason it failed.
      const gate = (await get<{ events: EngineEvent[] }>(`/api/runs/${runId}/events`)).events.find(
        (e) => e.type === (action === 'approve' ? 'node:completed' : 'node:failed') && e.nodeId === 'approve',
      );
      if (gate?.type === 'node:completed') assert.deepEqual(gate.outputs, { approved: 'true', approvedBy: 'ana', comment: 'ok' });
      else if (gate?.type === 'node:failed') assert.equal(gate.error, 'rejected by ana: ok');
      else assert.fail(`no answer of the gate in ${runId}`);
    }
  });

  it('pauses, resumes and cancels a run', async () => {
    const { runId } = json<{ runId: string }>(await f.call('POST', `/api/workflows/${f.ids.slow}/runs`, OPERATOR, {}));
    assert.equal((await f.call('POST', `/api/runs/${runId}/pause`, OPERATOR)).statusCode, 200);
    await until(async () => ((await runStatus(runId)()) === 'paused' ? true : undefined), 'paused');
    assert.equal((await f.call('POST', `/api/runs/${runId}/resume`, OPERATOR, {})).statusCode, 200);
    assert.equal((await f.call('POST', `/api/runs/${runId}/cancel`, OPERATOR)).statusCode, 200);
    assert.equal(await ended(runId), 'cancelled');
    // Each control action names who did it.
    const events = (await get<{ events: EngineEvent[] }>(`/api/runs/${runId}/events`)).events;
    assert.deepEqual(
      events.flatMap((e) => (e.type === 'workflow:paused' || e.type === 'workflow:resumed' ? [`${e.type} ${e.actor}`] : [])),
      ['workflow:paused ana', 'workflow:resumed ana'],
    );
    assert.ok(events.some((e) => e.type === 'node:cancelled' && e.reason === 'the run was cancelled by ana'));
    // A node of the ended run retried: the run goes on, resumed by whoever asked.
    assert.equal((await f.call('POST', `/api/runs/${runId}/nodes/after/retry`, OPERATOR)).statusCode, 200);
    assert.equal(await ended(runId), 'completed');
    const resumed = (await get<{ events: EngineEvent[] }>(`/api/runs/${runId}/events`)).events.filter((e) => e.type === 'workflow:resumed');
    assert.deepEqual(
      resumed.map((e) => (e.type === 'workflow:resumed' ? [e.actor, e.reset] : [])),
      [
        ['ana', []],
        ['ana', ['after']],
      ],
    );
  });

  it('lists a run as pausing while its running node finishes, then paused; its events name who paused it', async () => {
    const go = join(f.dir, 'go');
    const held = `version: 1\nname: Held\nnodes:\n  hold: { run: 'while [ ! -f "${go}" ]; do sleep 0.05; done' }\n  next: { needs: hold, run: "true" }\n`;
    writeFileSync(join(f.dir, 'flows', 'held.workflow.yaml'), held);
    try {
      const { runId } = json<{ runId: string }>(await f.call('POST', `/api/workflows/${workflowId('flows/held.workflow.yaml')}/runs`, OPERATOR, {}));
      assert.equal((await f.call('POST', `/api/runs/${runId}/pause`, OPERATOR)).statusCode, 200);
      const entry = (await get<{ runs: RunListEntry[] }>('/api/runs')).runs.find((r) => r.runId === runId);
      assert.deepEqual([entry?.status, entry?.pausing], ['running', true]);
      writeFileSync(go, '');
      await until(async () => ((await runStatus(runId)()) === 'paused' ? true : undefined), 'paused');
      assert.equal((await get<RunAnswer>(`/api/runs/${runId}`)).state?.pausing, false);
      const events = (await get<{ events: EngineEvent[] }>(`/api/runs/${runId}/events`)).events;
      assert.deepEqual(
        events.flatMap((e) => (e.type === 'workflow:pausing' ? [`${e.running} ${e.actor}`] : e.type === 'workflow:paused' ? [`paused ${e.actor}`] : [])),
        ['1 ana', 'paused ana'],
      );
      assert.equal((await f.call('POST', `/api/runs/${runId}/resume`, OPERATOR, {})).statusCode, 200);
      assert.equal(await ended(runId), 'completed');
    } finally {
      rmSync(join(f.dir, 'flows', 'held.workflow.yaml'), { force: true });
    }
  });

  it('resumes a run from its log with its secret inputs given again, and refuses it without them', async () => {
    const ok = join(f.dir, 'key-ok');
    const keyed = `version: 1\nname: Keyed\ninputs:\n  key: { secret: true, required: true }\n  who: { default: ana, description: Who asks }\nnodes:\n  use: { env: { KEY: "\${{ inputs.key }}" }, run: 'echo "key $KEY"; test -f "${ok}"' }\n`;
    writeFileSync(join(f.dir, 'flows', 'keyed.workflow.yaml'), keyed);
    try {
      const detail = await get<WorkflowDetail>(`/api/workflows/${workflowId('flows/keyed.workflow.yaml')}`);
      assert.deepEqual(
        detail.inputs,
        [
          { name: 'key', type: 'string', required: true, secret: true },
          { name: 'who', type: 'string', required: false, secret: false, default: 'ana', description: 'Who asks' },
        ],
        'what a form asks, a secret without showing it',
      );
      const start = { inputs: { key: 'sesame-42' } };
      const { runId } = json<{ runId: string }>(await f.call('POST', `/api/workflows/${workflowId('flows/keyed.workflow.yaml')}/runs`, OPERATOR, start));
      assert.equal(await ended(runId), 'failed');
      writeFileSync(ok, '');
      const needed = await f.call('GET', `/api/runs/${runId}/resume-secrets`, OPERATOR);
      assert.deepEqual(json<{ inputs: InputSpec[] }>(needed).inputs, [{ name: 'key', type: 'string', required: true, secret: true }]);
      assert.equal((await f.call('GET', `/api/runs/${runId}/resume-secrets`, VIEWER)).statusCode, 403, 'an operator asks, to resume');
      const refused = await f.call('POST', `/api/runs/${runId}/resume`, OPERATOR, {});
      assert.equal(refused.statusCode, 409);
      assert.match(json<{ message: string }>(refused).message, /input 'key' is secret and was not kept with the run: give it again/);
      assert.equal((await f.call('POST', `/api/runs/${runId}/resume`, OPERATOR, { secretInputs: { key: 'sesame-42' } })).statusCode, 200);
      assert.equal(await ended(runId), 'completed');
      const log = json<LogChunk>(await f.call('GET', `/api/runs/${runId}/nodes/use/log`, VIEWER));
      assert.match(log.text, /^key \*\*\*$/m);
    } finally {
      rmSync(join(f.dir, 'flows', 'keyed.workflow.yaml'), { force: true });
      rmSync(ok, { force: true });
    }
  });

  it("approves a sub-run's gate by its id under the node, and serves a sub-run node's log", async () => {
    writeFileSync(join(f.dir, 'flows', 'outer.workflow.yaml'), 'version: 1\nname: Outer\nnodes:\n  deploy: { workflow: ./gated.workflow.yaml }\n');
    try {
      const { runId } = json<{ runId: string }>(await f.call('POST', `/api/workflows/${workflowId('flows/outer.workflow.yaml')}/runs`, OPERATOR, {}));
      await until(
        async () => ((await get<RunAnswer>(`/api/runs/${runId}`)).state?.nestedGates?.['deploy/approve'] === 'Ship it?' ? true : undefined),
        'the gate',
      );
      const r = await f.call('POST', `/api/runs/${runId}/nodes/deploy%2Fapprove/approve`, OPERATOR, {});
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(await ended(runId), 'completed');
      const log = await until(async () => {
        const chunk = await get<LogChunk>(`/api/runs/${runId}/nodes/deploy%2Fship/log`);
        return chunk.size > 0 ? chunk : undefined;
      }, 'the log');
      assert.equal(log.text, 'shipped\n');
    } finally {
      rmSync(join(f.dir, 'flows', 'outer.workflow.yaml'));
    }
  });

  it('takes a POST without a body as one with {}, and still refuses a body with a field it does not know', async () => {
    const started = await f.call('POST', `/api/workflows/${f.ids.gated}/runs`, OPERATOR);
    assert.equal(started.statusCode, 201, started.body);
    const { runId } = json<{ runId: string }>(started);
    await until(async () => (nodeOf(await get<RunAnswer>(`/api/runs/${runId}`), 'approve')?.status === 'waiting' ? true : undefined), 'the gate');
    const unknown = await f.call('POST', `/api/runs/${runId}/nodes/approve/approve`, OPERATOR, { coment: 'typo' });
    assert.equal(unknown.statusCode, 400);
    assert.match(json<{ message: string }>(unknown).message, /additional properties/);
    const approved = await f.call('POST', `/api/runs/${runId}/nodes/approve/approve`, OPERATOR);
    assert.equal(approved.statusCode, 200, approved.body);
    assert.equal(await ended(runId), 'completed');
    const paused = await f.call('POST', `/api/runs/${runId}/pause`, OPERATOR);
    assert.equal(paused.statusCode, 409, 'an ended run cannot be paused');
    assert.doesNotMatch(paused.body, /body/);
  });

  it('answers 404 for the log of a node the run does not have, and an empty log for one that has not written yet', async () => {
    const { runId } = json<{ runId: string }>(await f.call('POST', `/api/workflows/${f.ids.gated}/runs`, OPERATOR));
    await until(async () => (nodeOf(await get<RunAnswer>(`/api/runs/${runId}`), 'approve')?.status === 'waiting' ? true : undefined), 'the gate');
    const missing = await f.call('GET', `/api/runs/${runId}/nodes/shipp/log`, VIEWER);
    assert.equal(missing.statusCode, 404, missing.body);
    assert.match(json<{ message: string }>(missing).message, new RegExp(`no node 'shipp' in run '${runId}'`));
    assert.equal((await f.call('GET', `/api/runs/${runId}/nodes/build%2Fship/log`, VIEWER)).statusCode, 404);
    writeFileSync(join(f.dir, 'flows', 'matrix.workflow.yaml'), 'version: 1\nname: M\nnodes:\n  t: { matrix: { s: [1, 2] }, run: echo $MAESTRO_NODE }\n');
    try {
      const matrixRun = json<{ runId: string }>(await f.call('POST', `/api/workflows/${workflowId('flows/matrix.workflow.yaml')}/runs`, OPERATOR)).runId;
      await ended(matrixRun);
      const base = await f.call('GET', `/api/runs/${matrixRun}/nodes/t/log`, VIEWER);
      assert.equal(base.statusCode, 404);
      assert.match(json<{ message: string }>(base).message, /'t' is a matrix node, whose instances have the logs \(t\[s=1\], t\[s=2\]\)/);
      assert.equal((await f.call('GET', `/api/runs/${matrixRun}/nodes/t%5Bs%3D2%5D/log`, VIEWER)).statusCode, 200);
    } finally {
      rmSync(join(f.dir, 'flows', 'matrix.workflow.yaml'));
    }
    assert.deepEqual(await get<LogChunk>(`/api/runs/${runId}/nodes/ship/log`), { text: '', offset: 0, end: 0, size: 0 });
    assert.equal((await f.call('POST', `/api/runs/${runId}/cancel`, OPERATOR)).statusCode, 200);
    await ended(runId);
  });

  it("lists the mutexes held on the engine's machine for a viewer, and releases one for an operator", async () => {
    // Another process of the machine holds it (this one, through the lock files the engine reads too).
    const elsewhere = new MutexLockFiles(machineMutexFolder());
    assert.equal(elsewhere.tryTake(['served-port'], { runId: 'r0', nodeId: 'db' }), true);
    try {
      const listed = await get<{ mutexes: HeldMutex[] }>('/api/mutexes');
      assert.deepEqual(Object.keys(listed), ['mutexes'], "the lock folder's path stays on the engine's machine");
      const { mutexes } = listed;
      const held = mutexes.find((m) => m.mutex === 'served-port');
      assert.deepEqual(held && [held.holder, held.live, held.here], [{ runId: 'r0', nodeId: 'db', pid: process.pid }, true, false]);
      assert.equal((await f.call('POST', '/api/mutexes/served-port/release', VIEWER)).statusCode, 403);
      const released = await f.call('POST', '/api/mutexes/served-port/release', OPERATOR);
      assert.equal(released.statusCode, 200, released.body);
      assert.equal(json<{ released: HeldMutex }>(released).released.holder?.nodeId, 'db');
      assert.equal(
        (await get<{ mutexes: HeldMutex[] }>('/api/mutexes')).mutexes.find((m) => m.mutex === 'served-port'),
        undefined,
      );
      const again = await f.call('POST', '/api/mutexes/served-port/release', OPERATOR);
      assert.deepEqual([again.statusCode, json<{ message: string }>(again).message], [404, "no run holds the mutex 'served-port'"]);
      assert.equal((await f.call('POST', '/api/mutexes/..%2Fescape/release', OPERATOR)).statusCode, 400, 'a name a mutex cannot have');
    } finally {
      elsewhere.giveAll();
    }
  });

  it('serves its OpenAPI document, made from the routes', async () => {
    const doc = await get<{ openapi: string; paths: Record<string, unknown> }>('/api/openapi.json');
    assert.equal(doc.openapi.slice(0, 2), '3.');
    for (const path of ['/api/workflows', '/api/workflows/{id}/runs', '/api/runs/{runId}/events', '/api/runs/{runId}/nodes/{nodeId}/approve', '/api/mutexes'])
      assert.ok(doc.paths[path], path);
    assert.equal(doc.paths['/api/stream'], undefined);
    const approve = doc.paths['/api/runs/{runId}/nodes/{nodeId}/approve'] as { post: { requestBody: { required: boolean } } };
    assert.equal(approve.post.requestBody.required, false, 'every body is optional');
  });
});
