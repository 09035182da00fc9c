// The window attached to a served engine (`maestro-dag serve`, started by the launcher on the test workspace), with
// a script client beside it speaking HTTP as another person: runs started and steered on either side show on the
// other, with who did what.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type * as vscodeTypes from 'vscode';
import type { EngineEvent } from '../../src/engine/protocol';
import { isEndedRun } from '../../src/engine/runRules';
import type { MaestroApi } from '../../src/extension/extension';
import type { RunEntry } from '../../src/extension/runs/runManager';

/** What the launcher tells the suites about the engine it serves. */
export interface ServedTarget {
  url: string;
  /** Operator tokens by name: the window attaches as `ana`; the script client is `ci-bot`. */
  tokens: { ana: string; 'ci-bot': string };
}

interface Context {
  vscode: typeof vscodeTypes;
  api: MaestroApi;
  workspace: string;
  until: <T>(get: () => T | undefined | false) => Promise<T>;
}

export function registerServedSuite({ vscode, api, workspace, until }: Context, target: ServedTarget): void {
  const file = (name: string) => vscode.Uri.file(join(workspace, name));
  const script = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const response = await fetch(`${target.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${target.tokens['ci-bot']}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const workflowId = (name: string) => createHash('sha1').update(name).digest('hex').slice(0, 12);
  const finished = (r: RunEntry) => isEndedRun(r.status);
  const eventOf = async <T extends EngineEvent['type']>(runId: string, type: T) =>
    (await api.runs.eventsOf(runId)).find((e): e is Extract<EngineEvent, { type: T }> => e.type === type);

  describe('a served engine', () => {
    it('attaches through Connect to Engine, and lists the served runs', async () => {
      await vscode.commands.executeCommand('maestro.connectEngine', { url: target.url, token: target.tokens.ana });
      const engine = api.engines.engine;
      assert.ok(engine, 'the window uses the served engine');
      assert.deepEqual(engine.current, { kind: 'connected', name: 'ana', role: 'operator' });
      assert.equal(vscode.workspace.getConfiguration('maestro').get('engine.url'), target.url);
      const served = (await script('GET', '/api/runs?limit=500')).runs as { runId: string }[];
      await until(() => api.runs.loaded && served.every((r) => api.runs.get(r.runId)));
    });

    it('shows a run another client started, paused by them, and resumes it from the window', async () => {
      const { runId } = (await script('POST', `/api/workflows/${workflowId('served.workflow.yaml')}/runs`, {})) as { runId: string };
      const run = await until(() => api.runs.get(runId));
      assert.equal(run.workflowPath, file('served.workflow.yaml').fsPath, 'the served path lands in the window’s folder');
      await until(() => run.state?.nodes.get('first')?.status === 'running');
      await script('POST', `/api/runs/${runId}/pause`);
      await vscode.workspace.fs.writeFile(file('served-first.go'), new Uint8Array());
      await until(() => run.status === 'paused');
      assert.equal((await eventOf(runId, 'workflow:paused'))?.actor, 'ci-bot');
      await vscode.commands.executeCommand('maestro.resume', runId);
      await until(() => finished(run));
      assert.equal(run.status, 'completed');
      assert.equal((await eventOf(runId, 'workflow:resumed'))?.actor, 'ana');
    });

    it('runs a workflow from the window on the served engine; another client approves its gate', async () => {
      const t0 = Date.now();
      await vscode.commands.executeCommand('maestro.run', file('gated.workflow.yaml'));
      const run = await until(() => api.runs.all().find((r) => r.workflowPath === file('gated.workflow.yaml').fsPath && r.startedAt >= t0));
      const listed = (await script('GET', `/api/runs?workflow=${workflowId('gated.workflow.yaml')}&status=running`)).runs as { runId: string }[];
      assert.ok(
        listed.some((r) => r.runId === run.runId),
        'the server holds the run',
      );
      await until(() => api.runs.waitingGates().some((g) => g.entry === run));
      await script('POST', `/api/runs/${run.runId}/nodes/approve/approve`, { comment: 'from the script' });
      await until(() => finished(run));
      assert.equal(run.status, 'completed');
      assert.equal(run.state?.nodes.get('approve')?.outputs.approvedBy, 'ci-bot');
    });

    it('retries a failed node from the window; the other client sees the run end well', async () => {
      const t0 = Date.now();
      await vscode.commands.executeCommand('maestro.run', file('served-flaky.workflow.yaml'));
      const run = await until(() => api.runs.all().find((r) => r.workflowPath === file('served-flaky.workflow.yaml').fsPath && r.startedAt >= t0));
      await until(() => finished(run));
      assert.equal(run.status, 'failed');
      await vscode.workspace.fs.writeFile(file('served-fixed.flag'), new Uint8Array());
      await api.actions.retryNode(run, 'check');
      await until(() => run.status === 'completed');
      const seen = (await script('GET', `/api/runs/${run.runId}`)) as { state: { status: string; nodes: { info: { id: string }; attempt: number }[] } };
      assert.equal(seen.state.status, 'completed');
      assert.ok((await eventOf(run.runId, 'workflow:resumed'))?.actor === 'ana', 'the retry is recorded as the window’s');
    });

    it('disconnects back to the window’s own engine', async () => {
      await vscode.commands.executeCommand('maestro.disconnectEngine');
      assert.equal(api.engines.engine, undefined);
      assert.equal(vscode.workspace.getConfiguration('maestro').get('engine.url'), '');
      await until(() => api.runs.loaded);
    });
  });
}
