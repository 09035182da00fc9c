import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as vscodeTypes from 'vscode';
import { FOLLOW_SETTLE_MS, parseFileUri } from '../../src/extension/dag/dagPanels';
import { registerLanguageSuites } from './languageSuite';
import { registerRunsSuite } from './runsSuite';
import { registerServedSuite, type ServedTarget } from './servedSuite';
import { until, workbenchTools, type IntegrationContext } from './workbench';

export type { IntegrationContext };

export function registerSuites(context: IntegrationContext): void {
  const { vscode, api, workspace } = context;
  const { file, open, positionOf } = workbenchTools(context);

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

  registerRunsSuite(context);

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

    it('New Workflow asked for in a focused DAG panel opens in the editor group beside it, not over the panel', async () => {
      const doc = await open('editing.workflow.yaml');
      await vscode.commands.executeCommand('maestro.showDag', doc.uri);
      const shown = await until(() => api.dag.get(doc.uri));
      await until(() => shown.isReady && shown.panel.active);
      const panelColumn = shown.panel.viewColumn;
      await vscode.commands.executeCommand('maestro.newWorkflow');
      const editor = await until(() => vscode.window.activeTextEditor?.document.uri.scheme === 'untitled' && vscode.window.activeTextEditor);
      assert.notEqual(editor.viewColumn, panelColumn, 'the new workflow covers the panel');
      // The panel moved to the new workflow, where it was.
      const moved = await until(() => api.dag.get(editor.document.uri));
      assert.equal(moved.panel.viewColumn, panelColumn);
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
      // The workflow's own settings: a new one above nodes:, one undo step too.
      await panel.handle({ type: 'edit', action: { type: 'setWorkflow', key: 'timeout', value: '30m' } });
      assert.match(doc.getText(), /\ntimeout: 30m\nnodes:\n/);
      await vscode.commands.executeCommand('undo');
      assert.equal(doc.getText(), original);
      // A new sub-workflow node runs the nearest workflow file of the workspace, the first the form offers.
      const { files } = (await panel.handle({ type: 'workflowFiles' } as Parameters<typeof panel.handle>[0])) as { files: string[] };
      assert.ok(files.length > 1 && !files.includes('./builder.workflow.yaml') && files.every((f) => /^\.{1,2}\/.*\.workflow\.ya?ml$/.test(f)), files.join());
      assert.ok(existsSync(join(dirname(doc.uri.fsPath), files[0])), files[0]);
      await panel.handle({ type: 'edit', action: { type: 'addNode', kind: 'workflow' } });
      assert.match(doc.getText(), new RegExp(`\n {2}subflow:\n {4}workflow: ${files[0].replace(/\./g, '\\.')}\n`));
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    it('renames an input from the panel, with the with: of a workflow that runs it, and says so', async () => {
      const inner = file('panel-inner.workflow.yaml');
      const outer = file('panel-outer.workflow.yaml');
      writeFileSync(
        inner.fsPath,
        "version: 1\nname: Inner\ninputs:\n  target: { type: string }\nnodes:\n  go: { run: 'true', env: { TO: '${{ inputs.target }}' } }\n",
      );
      writeFileSync(outer.fsPath, 'version: 1\nname: Outer\nnodes:\n  deploy: { workflow: ./panel-inner.workflow.yaml, with: { target: qa } }\n');
      try {
        const doc = await open('panel-inner.workflow.yaml');
        await vscode.commands.executeCommand('maestro.showDag', doc.uri);
        const panel = await until(() => api.dag.get(doc.uri));
        await api.prompts.last.set(doc.uri.toString(), { target: 'staging' });
        const reply = await panel.handle({ type: 'edit', action: { type: 'renameInput', from: 'target', to: 'environment' } });
        assert.equal(api.prompts.last.get(doc.uri.toString()).environment, 'staging', 'the answer given last follows');
        assert.deepEqual(reply, { applied: true, note: "A workflow that runs this one now gives it as 'environment': panel-outer.workflow.yaml" });
        assert.match(doc.getText(), /\n {2}environment: \{ type: string \}\n[^]*inputs\.environment/);
        const caller = await vscode.workspace.openTextDocument(outer);
        assert.match(caller.getText(), /with: \{ environment: qa \}/);
        await assert.rejects(panel.handle({ type: 'edit', action: { type: 'renameInput', from: 'environment', to: 'a b' } }), /'a b' cannot name an input/);
        for (const d of [doc, caller]) if (d.isDirty) await d.save();
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      } finally {
        for (const f of [inner, outer]) rmSync(f.fsPath, { force: true });
      }
    });

    it('renames an output from the panel, with what a workflow that runs it reads, and says what it could not follow', async () => {
      const inner = file('panel-out-inner.workflow.yaml');
      const outer = file('panel-out-outer.workflow.yaml');
      writeFileSync(inner.fsPath, 'version: 1\nname: Inner\nnodes:\n  build: { run: ./version.sh, outputs: [version] }\n');
      writeFileSync(
        outer.fsPath,
        'version: 1\nname: Outer\nnodes:\n  deploy: { workflow: ./panel-out-inner.workflow.yaml }\n  tag: { needs: deploy, run: git tag "$V", env: { V: "${{ nodes.deploy.outputs.version }}" } }\n',
      );
      try {
        const doc = await open('panel-out-inner.workflow.yaml');
        await vscode.commands.executeCommand('maestro.showDag', doc.uri);
        const panel = await until(() => api.dag.get(doc.uri));
        const reply = await panel.handle({ type: 'edit', action: { type: 'renameOutput', id: 'build', from: 'version', to: 'release' } });
        assert.deepEqual(reply, {
          applied: true,
          select: 'build',
          note:
            `the script of 'build' does not write 'version' where the rename can see it (echo "version=…" >> "$MAESTRO_OUTPUT"): write it as 'release' there. ` +
            "A workflow that runs this one now reads it as 'release': panel-out-outer.workflow.yaml",
        });
        assert.match(doc.getText(), /outputs: \[release\]/);
        const caller = await vscode.workspace.openTextDocument(outer);
        assert.match(caller.getText(), /nodes\.deploy\.outputs\.release/);
        for (const d of [doc, caller]) if (d.isDirty) await d.save();
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      } finally {
        for (const f of [inner, outer]) rmSync(f.fsPath, { force: true });
      }
    });

    it('sets nothing for a value the node has already, and plans an edit again when the document changes under it', async () => {
      const doc = await open('editing.workflow.yaml');
      await vscode.commands.executeCommand('maestro.showDag', doc.uri);
      const panel = await until(() => api.dag.get(doc.uri));
      const version = doc.version;
      const run = (doc.getText().match(/^ {2}build:\n(?: {4}.*\n)*? {4}run: (.*)$/m) ?? [])[1];
      assert.ok(run, doc.getText());
      assert.deepEqual(await panel.handle({ type: 'edit', action: { type: 'set', id: 'build', key: 'run', value: run } }), { applied: true, select: 'build' });
      assert.equal(doc.version, version, 'no change, so no undo step');
      // An edit of the document sent as the panel's is planned: whichever the editor takes first, both are kept.
      const typed = new vscode.WorkspaceEdit();
      typed.insert(doc.uri, doc.positionAt(doc.getText().length), '# typed meanwhile\n');
      const [reply, took] = await Promise.all([
        panel.handle({ type: 'edit', action: { type: 'set', id: 'build', key: 'timeout', value: '7m' } }),
        vscode.workspace.applyEdit(typed),
      ]);
      assert.ok(took);
      assert.deepEqual(reply, { applied: true, select: 'build' });
      assert.match(doc.getText(), /timeout: 7m[^]*# typed meanwhile\n$/);
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    });
  });

  // Last: while attached, runs go to the served engine.
  const served = process.env.MAESTRO_TEST_SERVED;
  if (served) registerServedSuite({ vscode, api, workspace, until }, JSON.parse(served) as ServedTarget);
}
