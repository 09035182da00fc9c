import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscodeTypes from 'vscode';
import { FOLLOW_SETTLE_MS, parseFileUri } from '../../src/extension/dag/dagPanels';
import type { RunEntry } from '../../src/extension/runs/runManager';
import type { EngineEvent } from '../../src/engine/protocol';
import { registerLanguageSuites } from './languageSuite';
import { registerServedSuite, type ServedTarget } from './servedSuite';
import { until, untilAnswered, workbenchTools, type IntegrationContext } from './workbench';

export type { IntegrationContext };

export function registerSuites(context: IntegrationContext): void {
  const { vscode, api, workspace } = context;
  const { file, open, positionOf } = workbenchTools(context);
  const latestRun = (name: string, after: number) => api.runs.all().find((r) => r.workflowPath === file(name).fsPath && r.startedAt >= after);
  const finished = (r: RunEntry) => r.status === 'completed' || r.status === 'failed' || r.status === 'cancelled';

  registerLanguageSuites(context);

  describe('DAG panel', () => {
    it('is restored only for a workflow file on disk, whatever the webview state names', () => {
      assert.equal(parseFileUri(file('editing.workflow.yaml').toString())?.fsPath, file('editing.workflow.yaml').fsPath);
      for (const other of [
        'command:workbench.action.terminal.new',
        'https://example.com/x.workflow.yaml',
        'untitled:Untitled-1',
        'vscode-userdata:/x',
        'not a uri',
      ])
        assert.equal(parseFileUri(other), undefined, other);
    });

    const dagTabs = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs.map((t) => ({ tab: t, column: g.viewColumn })))
        .filter(({ tab }) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('maestro.dag'));

    it('opens beside the editor; its webview loads under the CSP and says it is ready', async () => {
      const doc = await open('editing.workflow.yaml');
      await vscode.commands.executeCommand('maestro.showDag', doc.uri);
      const panel = await until(() => api.dag.get(doc.uri));
      await until(() => panel.isReady);
      const tab = await until(() => dagTabs().find(({ tab }) => tab.label === 'DAG · Editing'));
      assert.notEqual(tab.column, vscode.window.visibleTextEditors.find((e) => e.document === doc)?.viewColumn, 'beside the editor, not over it');
    });

    it('brings the same panel forward on a second Show DAG, one per workflow', async () => {
      const doc = await open('editing.workflow.yaml');
      const before = dagTabs().length;
      await vscode.commands.executeCommand('maestro.showDag', doc.uri);
      await vscode.commands.executeCommand('maestro.showDag');
      assert.equal(dagTabs().length, before);
    });

    it('sends its graph again only when it changed', async () => {
      const doc = await open('editing.workflow.yaml');
      await vscode.commands.executeCommand('maestro.showDag', doc.uri);
      const panel = await until(() => api.dag.get(doc.uri));
      await until(() => panel.isReady);
      const webview = panel.panel.webview;
      const post = webview.postMessage.bind(webview);
      const graphs: { type: string; nodes?: unknown[] }[] = [];
      webview.postMessage = (m: { type: string; nodes?: unknown[] }) => {
        if (m.type === 'graph' || m.type === 'graphPatch') graphs.push(m);
        return post(m);
      };
      try {
        // The same text checked again, and a comment: nothing the page draws.
        api.validation.validateNow(doc);
        const comment = new vscode.WorkspaceEdit();
        comment.insert(doc.uri, new vscode.Position(0, 0), '# a comment\n');
        await vscode.workspace.applyEdit(comment);
        await new Promise((r) => setTimeout(r, 400));
        assert.equal(graphs.length, 0, 'an unchanged graph was sent again');
        await vscode.workspace.applyEdit(
          await vscode.commands.executeCommand<vscodeTypes.WorkspaceEdit>(
            'vscode.executeDocumentRenameProvider',
            doc.uri,
            positionOf(doc, '  lint:', 3),
            'style',
          ),
        );
        await until(() => graphs.length === 1);
        // Only the renamed node goes whole (nothing needs it); the others by their ids.
        const sent = graphs[0];
        assert.equal(sent.type, 'graphPatch');
        assert.deepEqual(
          (sent.nodes ?? []).map((n) => (typeof n === 'string' ? n : `whole ${(n as { id: string }).id}`)),
          ['build', 'whole style', 'deploy', 'notify'],
        );
      } finally {
        webview.postMessage = post;
        await vscode.window.showTextDocument(doc);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
    });

    it('closes with its tab, and frees the workflow for a new panel', async () => {
      const doc = await open('editing.workflow.yaml');
      const panel = api.dag.get(doc.uri)!;
      panel.panel.dispose();
      assert.equal(api.dag.get(doc.uri), undefined);
    });

    it('draws a workflow that is not open from its file, opening no document; a file that cannot be read says why', async () => {
      type Posted = { type: string; graph?: { nodes: unknown[] }; graphError?: { message: string } };
      /** A new panel of the workflow, and the messages it is sent from then on (before its page is ready). */
      const freshPanel = async (uri: vscodeTypes.Uri) => {
        for (const { tab } of dagTabs()) await vscode.window.tabGroups.close(tab);
        // The editor active again once the panels close: past the moment a panel would follow it.
        await new Promise((r) => setTimeout(r, FOLLOW_SETTLE_MS * 4));
        await vscode.commands.executeCommand('maestro.showDag', uri);
        const panel = await until(() => api.dag.get(uri));
        const posted: Posted[] = [];
        const post = panel.panel.webview.postMessage.bind(panel.panel.webview);
        panel.panel.webview.postMessage = (m: Posted) => (posted.push(m), post(m));
        return { panel, init: () => until(() => posted.find((m) => m.type === 'init')) };
      };
      const isOpen = (uri: vscodeTypes.Uri) => vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
      const linear = file('sdlc-linear.workflow.yaml');
      assert.ok(!isOpen(linear), 'not open before');
      const shown = await freshPanel(linear);
      assert.equal((await shown.init()).graph?.nodes.length, 5, "the file's five nodes");
      assert.equal(shown.panel.panel.title, 'DAG · SDLC linear');
      assert.ok(!isOpen(linear), 'no document was opened for it');

      // A named pipe named like a workflow would be read for ever: the panel says what it is instead.
      const pipe = join(workspace, 'pipe.workflow.yaml');
      execFileSync('mkfifo', [pipe]);
      try {
        const init = await (await freshPanel(vscode.Uri.file(pipe))).init();
        assert.match(init.graphError?.message ?? '', /pipe\.workflow\.yaml cannot be read: it is a named pipe, not a file/, JSON.stringify(init).slice(0, 300));
      } finally {
        for (const { tab } of dagTabs()) await vscode.window.tabGroups.close(tab);
        rmSync(pipe);
      }
    });

    it('follows the active workflow editor unless locked (maestro.dag.followActiveEditor, on by default); Show DAG moves an unlocked panel', async () => {
      // Past the time a panel waits for the active editor to settle before it follows it.
      const followedOrNot = () => new Promise((r) => setTimeout(r, FOLLOW_SETTLE_MS * 4));
      const inFirstColumn = (name: string) => vscode.window.showTextDocument(vscode.Uri.file(join(workspace, name)), { viewColumn: vscode.ViewColumn.One });
      const editing = (await inFirstColumn('editing.workflow.yaml')).document;
      await vscode.commands.executeCommand('maestro.showDag', editing.uri);
      const panel = await until(() => api.dag.get(editing.uri));
      await until(() => panel.isReady);
      const inits: string[] = [];
      const webview = panel.panel.webview;
      const post = webview.postMessage.bind(webview);
      webview.postMessage = (m: { type: string; workflow?: { uri: string } }) => {
        if (m.type === 'init') inits.push(m.workflow!.uri);
        return post(m);
      };
      const config = vscode.workspace.getConfiguration('maestro');
      await config.update('dag.followActiveEditor', true, vscode.ConfigurationTarget.Global);
      let second: ReturnType<typeof api.dag.get>;
      try {
        const sdlc = (await inFirstColumn('sdlc-parallel.workflow.yaml')).document;
        await until(() => inits.includes(sdlc.uri.toString()));
        assert.equal(api.dag.get(sdlc.uri), panel, 'the same panel shows the active workflow');
        assert.equal(api.dag.get(editing.uri), undefined);
        assert.equal(panel.panel.title, 'DAG · SDLC parallel');
        assert.equal(dagTabs().length, 1);
        // Locked, it stays; Show DAG of another workflow then opens a panel of its own.
        panel.panel.reveal(undefined, false);
        await until(() => panel.panel.active);
        await vscode.commands.executeCommand('maestro.lockDagPanel');
        assert.equal(panel.panel.title, 'DAG · SDLC parallel (locked)');
        await inFirstColumn('editing.workflow.yaml');
        await followedOrNot();
        assert.equal(api.dag.get(editing.uri), undefined);
        await vscode.commands.executeCommand('maestro.showDag', editing.uri);
        const opened = await until(() => api.dag.get(editing.uri));
        second = opened;
        assert.notEqual(opened, panel);
        assert.equal(api.dag.get(sdlc.uri), panel);
        await until(() => dagTabs().length === 2);
        // Not following (the default): one panel per workflow.
        await config.update('dag.followActiveEditor', false, vscode.ConfigurationTarget.Global);
        opened.panel.reveal(undefined, false);
        await until(() => opened.panel.active);
        await vscode.commands.executeCommand('maestro.unlockDagPanel');
        assert.equal(opened.locked, false);
        await inFirstColumn('builder.workflow.yaml');
        await followedOrNot();
        assert.equal(api.dag.get(editing.uri), opened);
      } finally {
        await config.update('dag.followActiveEditor', undefined, vscode.ConfigurationTarget.Global);
        webview.postMessage = post;
        panel.panel.dispose();
        second?.panel.dispose();
      }
    });

    it('restored after a reload, a panel moved while hidden shows the workflow it moved to', async () => {
      const inColumn = (name: string, viewColumn: vscodeTypes.ViewColumn) => vscode.window.showTextDocument(file(name), { viewColumn });
      const editing = (await inColumn('editing.workflow.yaml', vscode.ViewColumn.One)).document;
      await vscode.commands.executeCommand('maestro.showDag', editing.uri);
      const panel = await until(() => api.dag.get(editing.uri));
      await until(() => panel.isReady);
      const column = panel.panel.viewColumn!;
      try {
        // Another workflow's editor over the panel, in its column: the panel, hidden, is in the active group and stays.
        await inColumn('long.workflow.yaml', column);
        await until(() => !panel.panel.visible);
        // The active editor in the first column: the hidden panel follows it there.
        const builder = (await inColumn('builder.workflow.yaml', vscode.ViewColumn.One)).document;
        await until(() => api.dag.get(builder.uri) === panel);
        assert.equal(panel.panel.visible, false);
        const saved = { workflowUri: editing.uri.toString(), panelId: panel.id, runId: null };
        assert.equal(api.dag.restoredOf(saved)?.uri.fsPath, builder.uri.fsPath, "the page's saved state still names the workflow it showed");
        assert.equal(api.dag.restoredOf({ ...saved, panelId: 'another' })?.uri.fsPath, editing.uri.fsPath);
        // Shown again, the page is told its workflow and saves it itself.
        panel.panel.reveal(column, true);
        await until(() => panel.isReady);
        await until(() => api.dag.restoredOf(saved)?.uri.fsPath === editing.uri.fsPath);
      } finally {
        panel.panel.dispose();
      }
    });
  });

  describe('runs', () => {
    it('runs a workflow through the command; the Runs state follows it to the end; its DAG panel opens and shows it', async () => {
      const t0 = Date.now();
      await vscode.commands.executeCommand('maestro.run', file('sdlc-parallel.workflow.yaml'));
      const run = await until(() => latestRun('sdlc-parallel.workflow.yaml', t0));
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
      const t0 = Date.now();
      await vscode.commands.executeCommand('maestro.run', file('long.workflow.yaml'));
      const run = await until(() => latestRun('long.workflow.yaml', t0));
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
      const t0 = Date.now();
      await vscode.commands.executeCommand('maestro.run', file('hang.workflow.yaml'));
      const run = await until(() => latestRun('hang.workflow.yaml', t0));
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
      const t0 = Date.now();
      await vscode.commands.executeCommand('maestro.run', file('gated.workflow.yaml'));
      const run = await until(() => latestRun('gated.workflow.yaml', t0));
      const gate = await until(() => api.runs.waitingGates().find((g) => g.entry === run));
      await api.actions.approve(run, gate.nodeId, true, 'from the integration test');
      await until(() => finished(run));
      assert.equal(run.status, 'completed');
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

  describe('builder', () => {
    it('New Workflow from the palette opens an untitled workflow with its panel beside it', async () => {
      await vscode.commands.executeCommand('maestro.newWorkflow');
      const editor = await until(() => vscode.window.activeTextEditor?.document.uri.scheme === 'untitled' && vscode.window.activeTextEditor);
      assert.equal(editor.document.languageId, 'maestro-workflow');
      assert.match(editor.document.getText(), /^version: 1\nname: New workflow\nnodes:\n {2}start:/);
      const panel = await until(() => api.dag.get(editor.document.uri));
      await until(() => panel.isReady);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    it("applies the panel's edits to the document as one undo step each, leaving the file on disk alone", async () => {
      const doc = await open('builder.workflow.yaml');
      const original = doc.getText();
      await vscode.commands.executeCommand('maestro.showDag', doc.uri);
      const panel = await until(() => api.dag.get(doc.uri));
      const added = await panel.handle({ type: 'edit', action: { type: 'addNode', kind: 'run', after: 'build', needs: ['build'] } });
      assert.deepEqual(added, { applied: true, select: 'step' });
      assert.match(doc.getText(), /^ {2}build: {3}# compiles\n {4}run: echo build\n {2}step:\n {4}needs: build\n {4}run: echo "step"\n {2}test:/m);
      assert.ok(doc.isDirty, 'the builder edits the document, not the file');
      assert.equal(readFileSync(doc.uri.fsPath, 'utf8'), original);
      await panel.handle({ type: 'edit', action: { type: 'connect', from: 'step', to: 'test' } });
      assert.match(doc.getText(), /needs: \[build, step\]/);
      await assert.rejects(panel.handle({ type: 'edit', action: { type: 'connect', from: 'test', to: 'build' } }), /'test' needs 'build'.*would make a cycle/);
      // The editor shows the document: each undo takes back one action.
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('undo');
      assert.doesNotMatch(doc.getText(), /needs: \[build, step\]/);
      await vscode.commands.executeCommand('undo');
      assert.equal(doc.getText(), original);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });
  });

  // Last: while attached, runs go to the served engine.
  const served = process.env.MAESTRO_TEST_SERVED;
  if (served) registerServedSuite({ vscode, api, workspace, until }, JSON.parse(served) as ServedTarget);
}
