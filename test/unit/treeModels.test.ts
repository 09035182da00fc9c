import { strict as assert } from 'node:assert';
import type { EngineEvent } from '../../src/engine/protocol';
import { foldEvents } from '../../src/engine/runState';
import { canPauseRun, canResumeRun, isActiveRun, shownRunStatus } from '../../src/engine/runRules';
import { diagnosticsFileItem, failedNodesText, inputsText, nodeItem, progressOf, runItem, workflowItem } from '../../src/extension/views/treeModels';

const T0 = 1_700_000_000_000;
const e = (partial: Record<string, unknown>, seq: number, ts = T0 + seq * 1000): EngineEvent => ({ runId: 'r1', seq, ts, ...partial }) as EngineEvent;
const nodes = ['a', 'b', 'c'].map((id) => ({ id, nodeId: id, name: id === 'a' ? 'Build A' : id, kind: 'run', needs: [] }));
const state = foldEvents([
  e({ type: 'workflow:started', workflow: { name: 'W', path: '/w', hash: 'h' }, inputs: {}, concurrency: 2, nodes }, 1),
  e({ type: 'node:started', nodeId: 'a', attempt: 1 }, 2),
  e({ type: 'node:retrying', nodeId: 'a', attempt: 1, error: 'exited with code 1', delayMs: 10 }, 3),
  e({ type: 'node:started', nodeId: 'a', attempt: 2 }, 4),
  e({ type: 'node:completed', nodeId: 'a', attempt: 2, outputs: { v: '1.2.3' }, artifacts: [], durationMs: 2500 }, 5),
  e({ type: 'node:started', nodeId: 'b', attempt: 1 }, 6),
  e({ type: 'node:progress', nodeId: 'b', progress: 42.4, message: 'compiling' }, 7),
])!;

describe('tree models', () => {
  it('describes a running run with progress, and an ended one with its result', () => {
    const running = runItem({ runId: 'r1', workflowName: 'W', status: 'running', startedAt: T0, state }, T0 + 65_000);
    assert.equal(running.description, 'running 1/3 · 1m05s');
    assert.deepEqual(running.icon, { id: 'sync~spin', color: 'charts.blue' });
    assert.equal(running.contextValue, 'run-running');
    const blockedBy = { mutex: 'deploy-prod', holder: { runId: 'r0', pid: 4321 } };
    const waiting = runItem({ runId: 'r1', workflowName: 'W', status: 'running', startedAt: T0, state: { ...state, blockedBy } }, T0 + 65_000);
    assert.equal(waiting.description, 'running 1/3 · 1m05s · waits for deploy-prod');
    assert.equal(waiting.contextValue, 'run-running-blocked', 'Release Mutex… shows on it');
    assert.match(waiting.tooltip ?? '', /\nwaits for the mutex deploy-prod, which the run r0, process 4321 holds(\n|$)/);
    const failed = runItem({ runId: 'r1', workflowName: 'W', status: 'failed', startedAt: T0, endedAt: T0 + 3000 }, T0 + 7_200_000);
    assert.equal(failed.description, 'failed · 3.00s · 2 h ago');
    assert.equal(failed.contextValue, 'run-failed');
    const interrupted = runItem({ runId: 'r1', workflowName: 'W', status: 'interrupted', startedAt: T0 }, T0 + 1000);
    assert.match(interrupted.tooltip ?? '', /Resume continues it from its log/);
  });

  it('names the inputs a run started with in its tooltip, a secret one masked as its events carry it', () => {
    const started = (inputs: Record<string, unknown>) =>
      foldEvents([e({ type: 'workflow:started', workflow: { name: 'W', path: '/w', hash: 'h' }, inputs, concurrency: 2, nodes }, 1)])!;
    const item = runItem(
      { runId: 'r1', workflowName: 'W', status: 'running', startedAt: T0, state: started({ channel: 'stable', dry: false, token: '***' }) },
      T0,
    );
    assert.match(item.tooltip ?? '', /^inputs: channel=stable, dry=false, token=\*\*\*$/m);
    assert.equal(inputsText(started({})), undefined);
    assert.equal(inputsText(state), undefined, 'none given');
    const many = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`i${i}`, i === 0 ? 'x'.repeat(50) : i]));
    assert.equal(inputsText(started(many)), `inputs: i0=${'x'.repeat(39)}…, i1=1, i2=2, i3=3, i4=4, i5=5 (and 2 more)`);
  });

  it('shows a run whose pause waits for its running nodes as pausing: Resume calls it off, Pause is not offered again', () => {
    const pausing = { runId: 'r1', workflowName: 'W', status: 'running' as const, pausing: true, startedAt: T0, state };
    const item = runItem(pausing, T0 + 65_000);
    assert.equal(item.description, 'pausing 1/3 · 1m05s');
    assert.equal(item.contextValue, 'run-pausing');
    assert.equal(item.icon.id, 'debug-pause');
    assert.match(item.tooltip ?? '', /the running nodes finish first\. Resume calls the pause off/);
    assert.equal(shownRunStatus(pausing), 'pausing');
    assert.deepEqual([canPauseRun(pausing), canResumeRun(pausing), isActiveRun(pausing.status)], [false, true, true]);
    const running = { status: 'running' as const, pausing: false };
    assert.deepEqual([shownRunStatus(running), canPauseRun(running), canResumeRun(running)], ['running', true, false]);
  });

  it('describes nodes: progress, attempts, durations, outputs', () => {
    const a = nodeItem(state.nodes.get('a')!, T0 + 10_000);
    assert.equal(a.description, 'completed · attempt 2 · 2.50s');
    assert.match(a.tooltip ?? '', /Build A \(a\)/);
    assert.match(a.tooltip ?? '', /v = 1\.2\.3/);
    assert.equal(a.contextValue, 'node-completed');
    const b = nodeItem(state.nodes.get('b')!, T0 + 8_000);
    assert.equal(b.description, '42% · 2.00s · compiling');
    const c = nodeItem(state.nodes.get('c')!, T0 + 8_000);
    assert.deepEqual([c.description, c.icon.id], ['pending', 'circle-large-outline']);
    const blocked = nodeItem({ ...state.nodes.get('c')!, blockedBy: { mutex: 'port-5432', holder: { runId: 'r0', nodeId: 'db', pid: 4321 } } }, T0 + 8_000);
    assert.equal(blocked.description, 'pending · waits for port-5432');
    assert.equal(blocked.contextValue, 'node-pending-blocked');
    assert.match(blocked.tooltip ?? '', /\nwaits for the mutex port-5432, which db of the run r0, process 4321 holds$/);
    const reused = nodeItem({ ...state.nodes.get('a')!, attempt: 1, cached: { runId: 'r0', at: T0, restored: ['dist'] } }, T0 + 10_000);
    assert.equal(reused.description, 'completed · reused', "not the lookup's time");
    assert.match(reused.tooltip ?? '', /not run: the result of run r0 reused, dist put back/);
  });

  it('names the nodes a run failed on, with their errors, the first three', () => {
    assert.equal(failedNodesText(state), undefined);
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const many = foldEvents([
      e(
        {
          type: 'workflow:started',
          workflow: { name: 'W', path: '/w', hash: 'h' },
          inputs: {},
          concurrency: 5,
          nodes: ids.map((id) => ({ ...nodes[0], id, nodeId: id })),
        },
        1,
      ),
      ...ids.map((id, i) =>
        e({ type: 'node:failed', nodeId: id, attempt: 1, error: `exited with code ${i + 1}`, exitCode: i + 1, durationMs: 1, continueOnError: false }, i + 2),
      ),
    ]);
    assert.equal(failedNodesText(many), "failed: 'a': exited with code 1; 'b': exited with code 2; 'c': exited with code 3 (and 2 more)");
    const item = runItem({ runId: 'r1', workflowName: 'W', status: 'failed', startedAt: T0, endedAt: T0 + 3000, state: many }, T0 + 3000);
    assert.match(item.tooltip ?? '', /\nfailed: 'a': exited with code 1; /);
  });

  it('counts progress over ended nodes', () => {
    assert.deepEqual(progressOf(state), { done: 1, total: 3 });
    assert.deepEqual(progressOf(undefined), { done: 0, total: 0 });
  });

  it('summarizes workflows and diagnostics files', () => {
    const w = workflowItem('/repo/ci.workflow.yaml', 'CI', [{ runId: 'r', workflowName: 'CI', status: 'failed', startedAt: T0 }]);
    assert.deepEqual([w.label, w.description, w.icon.id], ['CI', 'ci.workflow.yaml · 1 run', 'error']);
    assert.deepEqual(diagnosticsFileItem('/repo/a.workflow.yaml', 2, 1).description, '2 errors, 1 warning');
    assert.deepEqual(diagnosticsFileItem('/repo/a.workflow.yaml', 0, 0).description, 'no problems');
    assert.equal(diagnosticsFileItem('/repo/a.workflow.yaml', 0, 0).collapsible, false);
  });
});
