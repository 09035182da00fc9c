// Runs started from the window: through the command to the end with the DAG panel following, their code lenses,
// pause and resume, cancel, approval gates (a sub-run's too), and a retry once the cause is fixed.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscodeTypes from 'vscode';
import type { RunEntry } from '../../src/extension/runs/runManager';
import type { EngineEvent } from '../../src/engine/protocol';
import { isEndedRun } from '../../src/engine/runRules';
import { readKeyText } from '../../src/engine/run/io/entryKeys';
import { sharedCacheProblem } from '../../src/extension/runs/sharedCacheCheck';
import { until, untilAnswered, workbenchTools, type IntegrationContext } from './workbench';

export function registerRunsSuite(context: IntegrationContext): void {
  const { vscode, api, workspace } = context;
  const { file, open, positionOf } = workbenchTools(context);
  const latestRun = (name: string, after: number) => api.runs.all().find((r) => r.workflowPath === file(name).fsPath && r.startedAt >= after);
  const finished = (r: RunEntry) => isEndedRun(r.status);
  /** Runs the workflow through the command: the run, once the window knows it. */
  const started = async (name: string): Promise<RunEntry> => {
    const t0 = Date.now();
    await vscode.commands.executeCommand('maestro.run', file(name));
    return until(() => latestRun(name, t0));
  };
  /** Runs the workflow through the command, and waits for the run to end. */
  const runToEnd = async (name: string): Promise<RunEntry> => {
    const run = await started(name);
    await until(() => finished(run));
    return run;
  };

  describe('runs', () => {
    it('runs a workflow through the command; the Runs state follows it to the end; its DAG panel opens and shows it', async () => {
      const run = await started('sdlc-parallel.workflow.yaml');
      await until(() => finished(run) && run);
      assert.equal(run.status, 'completed');
      assert.deepEqual(
        [...run.state!.nodes.values()].map((n) => n.status),
        Array(6).fill('completed'),
      );
      // The run is kept where the workspace's runs folder is, and the host reads it back only through the engine.
      assert.ok(existsSync(join(workspace, '.maestro', 'runs', run.runId, 'events.jsonl')));
      const events = await api.runs.eventsOf(run.runId);
      assert.equal(events.at(-1)?.type, 'workflow:completed');
      const panel = await until(() => api.dag.get(file('sdlc-parallel.workflow.yaml')));
      await until(() => panel.isReady && panel.shownRunId === run.runId);
      // A newer run follows; Show DAG on the first run (as from the Runs view) shows that one, also in a panel
      // that opens for it.
      const t1 = Date.now();
      await vscode.commands.executeCommand('maestro.run', file('sdlc-parallel.workflow.yaml'));
      const newer = await until(() => api.runs.all().find((r) => r.workflowPath === run.workflowPath && r.startedAt >= t1 && r.runId !== run.runId));
      await until(() => finished(newer));
      panel.panel.dispose();
      await vscode.commands.executeCommand('maestro.showDag', run.runId);
      const reopened = await until(() => api.dag.get(file('sdlc-parallel.workflow.yaml')));
      await until(() => reopened.isReady);
      assert.equal(reopened.shownRunId, run.runId);
    });

    it("code lenses: a node's status and Run from here after a run, the run's summary instead on a big workflow; Run from Here from the cursor", async () => {
      const titles = async (uri: vscodeTypes.Uri) =>
        ((await vscode.commands.executeCommand<vscodeTypes.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? []).map((l) => l.command?.title ?? '');
      const small = file('sdlc-parallel.workflow.yaml');
      const t0 = Date.now();
      await vscode.commands.executeCommand('maestro.run', small);
      const run = await until(() => latestRun('sdlc-parallel.workflow.yaml', t0));
      await until(() => finished(run));
      const lenses = await untilAnswered(async () => {
        const t = await titles(small);
        return t.filter((x) => x === 'Run from here').length === 6 && t;
      });
      assert.equal(lenses.filter((t) => /completed/.test(t)).length, 6, lenses.join(' | '));
      // Run from Here with the cursor in a node: the last run continues from it.
      const doc = await open('sdlc-parallel.workflow.yaml');
      const editor = vscode.window.activeTextEditor!;
      editor.selection = new vscode.Selection(positionOf(doc, '  testing:', 4), positionOf(doc, '  testing:', 4));
      const resumed = new Promise<void>((resolve) => {
        const sub = api.runs.onEvent((e) => e.runId === run.runId && e.type === 'workflow:resumed' && (sub.dispose(), resolve()));
      });
      await vscode.commands.executeCommand('maestro.runFromNode');
      await resumed;
      await until(() => finished(run));
      // A big workflow: the summary above nodes:, no lens per node.
      const big = ['version: 1', 'name: Many', 'nodes:', ...Array.from({ length: 300 }, (_, i) => `  n${i}: { run: "true"${i ? `, needs: n${i - 1}` : ''} }`)];
      await vscode.workspace.fs.writeFile(file('many.workflow.yaml'), new TextEncoder().encode(big.join('\n') + '\n'));
      const t1 = Date.now();
      await vscode.commands.executeCommand('maestro.run', file('many.workflow.yaml'));
      const bigRun = await until(() => latestRun('many.workflow.yaml', t1));
      await until(() => finished(bigRun));
      const bigLenses = await untilAnswered(async () => {
        const t = await titles(file('many.workflow.yaml'));
        return t.some((x) => /last run completed · 300\/300 nodes ended/.test(x)) && t;
      });
      assert.equal(bigLenses.filter((t) => t === 'Run from here').length, 0, bigLenses.join(' | '));
      await vscode.workspace.fs.delete(file('many.workflow.yaml'));
    });

    it('pauses and resumes', async () => {
      const run = await started('long.workflow.yaml');
      await until(() => run.state?.nodes.get('first')?.status === 'running');
      await vscode.commands.executeCommand('maestro.pause', run.runId);
      // A pause lets running nodes finish: `first` finishes once it is let go.
      await vscode.workspace.fs.writeFile(file('first.go'), new Uint8Array());
      await until(() => run.status === 'paused');
      assert.equal(run.state!.nodes.get('second')!.status, 'pending', 'nothing new started while paused');
      await vscode.commands.executeCommand('maestro.resume', run.runId);
      await until(() => finished(run));
      assert.equal(run.status, 'completed');
    });

    it('cancels, leaving no process of the run behind', async () => {
      const run = await started('hang.workflow.yaml');
      const pidsFile = join(workspace, 'hang.pids');
      await until(() => existsSync(pidsFile) && readFileSync(pidsFile, 'utf8').trim().length > 0);
      await vscode.commands.executeCommand('maestro.cancel', run.runId);
      await until(() => finished(run));
      assert.equal(run.status, 'cancelled');
      const pid = Number(readFileSync(pidsFile, 'utf8').trim());
      await until(() => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      });
    });

    it('waits at an approval gate until it is approved', async () => {
      const run = await started('gated.workflow.yaml');
      const gate = await until(() => api.runs.waitingGates().find((g) => g.entry === run));
      await api.actions.approve(run, gate.nodeId, true, 'from the integration test');
      await until(() => finished(run));
      assert.equal(run.status, 'completed');
    });

    it("lists a sub-run's approval gate with the others, and approves it by its id under the node", async () => {
      const outer = file('outer-gated.workflow.yaml');
      writeFileSync(outer.fsPath, 'version: 1\nname: Outer\nnodes:\n  deploy: { workflow: ./gated.workflow.yaml }\n');
      try {
        const run = await started('outer-gated.workflow.yaml');
        const gate = await until(() => api.runs.waitingGates().find((g) => g.entry === run));
        assert.match(gate.nodeId, /^deploy\//);
        // The Runs view lists the sub-run's nodes under the node that runs it, its gate to be answered there.
        const [deploy] = await api.runsTree.getChildren({ kind: 'run', run });
        assert.ok(deploy.kind === 'node' && deploy.children, 'the workflow node opens on its sub-run');
        const inside = (await api.runsTree.getChildren(deploy)).map((n) => api.runsTree.getTreeItem(n));
        const waiting = inside.find((i) => i.contextValue === 'subnode-waiting');
        assert.equal(waiting?.label, gate.nodeId.slice('deploy/'.length));
        await api.actions.approve(run, gate.nodeId, true, 'from the integration test');
        await until(() => finished(run));
        assert.equal(run.status, 'completed');
      } finally {
        rmSync(outer.fsPath, { force: true });
      }
    });

    it('lists the instances of a matrix made at run time in the Runs view, in place of the node', async () => {
      const planned = file('planned.workflow.yaml');
      writeFileSync(
        planned.fsPath,
        [
          'version: 1',
          'name: Planned',
          'nodes:',
          `  plan: { run: "echo 'm={\\"shard\\":[1,2,3]}' >> \\"$MAESTRO_OUTPUT\\"", outputs: [m] }`,
          '  test: { needs: plan, matrix: "${{ fromJSON(nodes.plan.outputs.m) }}", run: "true" }',
          '  report: { needs: test, run: "true" }',
          '',
        ].join('\n'),
      );
      try {
        const run = await runToEnd('planned.workflow.yaml');
        assert.equal(run.status, 'completed');
        const labels = (await api.runsTree.getChildren({ kind: 'run', run })).map((n) => api.runsTree.getTreeItem(n).label);
        assert.deepEqual(labels, ['plan', 'test[shard=1]', 'test[shard=2]', 'test[shard=3]', 'report']);
      } finally {
        rmSync(planned.fsPath, { force: true });
      }
    });

    it("shows a past run's inputs in its tooltip, its state read when the tooltip is first asked for", async () => {
      const withInputs = file('with-inputs.workflow.yaml');
      writeFileSync(withInputs.fsPath, 'version: 1\nname: With inputs\ninputs:\n  channel: { default: stable }\nnodes:\n  a: { run: "true" }\n');
      try {
        const run = await started('with-inputs.workflow.yaml');
        await until(() => finished(run));
        // As the run list gives a past run: no state yet.
        const past: RunEntry = { ...run, state: undefined };
        const element = { kind: 'run' as const, run: past };
        const item = api.runsTree.getTreeItem(element);
        assert.equal(item.tooltip, undefined, 'left for resolveTreeItem');
        const resolved = await api.runsTree.resolveTreeItem(item, element, new vscode.CancellationTokenSource().token);
        assert.match(resolved.tooltip as string, /^inputs: channel=stable$/m);
        assert.match(api.runsTree.getTreeItem(element).tooltip as string, /^inputs: channel=stable$/m, 'kept once read');
      } finally {
        rmSync(withInputs.fsPath, { force: true });
      }
    });

    it('keeps the inputs last given with a workflow file the workspace renames, and forgets them once it deletes it', async () => {
      const before = file('remembered.workflow.yaml');
      const after = file('renamed-remembered.workflow.yaml');
      writeFileSync(before.fsPath, 'version: 1\nname: Remembered\ninputs:\n  channel: { required: true }\nnodes:\n  a: { run: "true" }\n');
      try {
        await api.prompts.last.set(before.toString(), { channel: 'beta' });
        const rename = new vscode.WorkspaceEdit();
        rename.renameFile(before, after);
        assert.ok(await vscode.workspace.applyEdit(rename));
        await until(() => api.prompts.last.get(after.toString()).channel === 'beta');
        assert.deepEqual(api.prompts.last.get(before.toString()), {});
        const remove = new vscode.WorkspaceEdit();
        remove.deleteFile(after);
        assert.ok(await vscode.workspace.applyEdit(remove));
        await until(() => api.prompts.last.get(after.toString()).channel === undefined);
      } finally {
        rmSync(before.fsPath, { force: true });
        rmSync(after.fsPath, { force: true });
      }
    });

    it("keeps a cached node's result in the team's shared folder the user settings name too (not when read only, nor with a read key), and forgets it there", async () => {
      const team = mkdtempSync(join(tmpdir(), 'maestro-team-'));
      const flow = file('team-cached.workflow.yaml');
      writeFileSync(join(team, 'team.key'), 'd'.repeat(64));
      writeFileSync(flow.fsPath, 'version: 1\nname: Team cached\nnodes:\n  build: { run: "echo built", cache: true }\n');
      const config = vscode.workspace.getConfiguration('maestro');
      try {
        await config.update('cache.sharedFolder', join(team, 'shared'), vscode.ConfigurationTarget.Global);
        assert.equal(
          sharedCacheProblem(),
          'maestro.cache.sharedFolder is set, but not maestro.cache.sharedKeyFile: the shared cache is not used until both are',
        );
        await config.update('cache.sharedKeyFile', join(team, 'team.key'), vscode.ConfigurationTarget.Global);
        assert.match(sharedCacheProblem() ?? '', /^the shared cache's folder .*shared is not there \(is its drive mounted\?\)/);
        assert.equal((await runToEnd('team-cached.workflow.yaml')).status, 'completed');
        assert.equal(sharedCacheProblem(), undefined, 'the first result kept made the folder');
        assert.equal(readdirSync(join(team, 'shared')).filter((f) => f.endsWith('.json')).length, 1);
        // Forget Kept Results, the team's too: the user's own result and the shared folder's.
        assert.equal(await api.actions.forgetKeptResults(flow, { shared: true }), 2);
        assert.equal(readdirSync(join(team, 'shared')).filter((f) => f.endsWith('.json')).length, 0);
        // Read only: the result is kept in the user's own cache alone.
        await config.update('cache.sharedReadOnly', true, vscode.ConfigurationTarget.Global);
        assert.equal((await runToEnd('team-cached.workflow.yaml')).status, 'completed');
        assert.equal(readdirSync(join(team, 'shared')).filter((f) => f.endsWith('.json')).length, 0);
        assert.equal(await api.actions.forgetKeptResults(flow), 1);
        // A read key: the team's result is reused, and nothing is kept in the shared folder whatever the setting says.
        await config.update('cache.sharedReadOnly', undefined, vscode.ConfigurationTarget.Global);
        assert.equal((await runToEnd('team-cached.workflow.yaml')).status, 'completed');
        assert.equal(await api.actions.forgetKeptResults(flow), 1, "the user's own");
        writeFileSync(join(team, 'dev.key'), readKeyText('d'.repeat(64)));
        await config.update('cache.sharedKeyFile', join(team, 'dev.key'), vscode.ConfigurationTarget.Global);
        assert.equal(sharedCacheProblem(), undefined);
        await config.update('cache.sharedFolder', join(team, 'elsewhere'), vscode.ConfigurationTarget.Global);
        assert.match(sharedCacheProblem() ?? '', /elsewhere is not there \(is its drive mounted\?\): no result is found in it$/, 'a read key never makes it');
        await config.update('cache.sharedFolder', join(team, 'shared'), vscode.ConfigurationTarget.Global);
        const before = readdirSync(join(team, 'shared'), { recursive: true }).sort();
        const reused = await runToEnd('team-cached.workflow.yaml');
        assert.equal(reused.state!.nodes.get('build')?.cached?.shared, true);
        writeFileSync(flow.fsPath, 'version: 1\nname: Team cached\nnodes:\n  build: { run: "echo built again", cache: true }\n');
        assert.equal((await runToEnd('team-cached.workflow.yaml')).status, 'completed');
        assert.deepEqual(readdirSync(join(team, 'shared'), { recursive: true }).sort(), before);
        assert.equal(await api.actions.forgetKeptResults(flow), 2, "both kept in the user's own cache");
      } finally {
        await config.update('cache.sharedReadOnly', undefined, vscode.ConfigurationTarget.Global);
        await config.update('cache.sharedFolder', undefined, vscode.ConfigurationTarget.Global);
        await config.update('cache.sharedKeyFile', undefined, vscode.ConfigurationTarget.Global);
        rmSync(flow.fsPath, { force: true });
        rmSync(team, { recursive: true, force: true });
      }
    });

    it('retries a failed node once its cause is fixed', async () => {
      const t0 = Date.now();
      const flag = join(workspace, 'fixed.flag');
      await vscode.commands.executeCommand('maestro.run', file('flaky.workflow.yaml'));
      const run = await until(() => latestRun('flaky.workflow.yaml', t0));
      await until(() => finished(run));
      assert.equal(run.status, 'failed');
      await vscode.workspace.fs.writeFile(vscode.Uri.file(flag), new Uint8Array());
      // The retried run can end between two polls of its status, so its events are collected as they come.
      const events: EngineEvent[] = [];
      const subscription = api.runs.onEvent((e) => e.runId === run.runId && events.push(e));
      try {
        await api.actions.retryNode(run, 'check');
        const end = await until(() => events.find((e) => e.type === 'workflow:completed'));
        assert.deepEqual(
          events.filter((e) => e.type === 'node:started').map((e) => e.nodeId),
          ['check', 'after'],
        );
        assert.equal(end.type === 'workflow:completed' && end.status, 'completed');
        assert.equal(run.status, 'completed');
      } finally {
        subscription.dispose();
      }
    });
  });
}
