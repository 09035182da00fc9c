import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscodeTypes from 'vscode';
import { FOLLOW_SETTLE_MS, parseFileUri } from '../../src/extension/dag/dagPanels';
import { registerBuilderSuite } from './builderSuite';
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

  registerBuilderSuite(context);

  // Last: while attached, runs go to the served engine.
  const served = process.env.MAESTRO_TEST_SERVED;
  if (served) registerServedSuite({ vscode, api, workspace, until }, JSON.parse(served) as ServedTarget);
}
