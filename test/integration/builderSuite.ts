// The builder from the window: New Workflow beside the panel, and the panel's edits applied to the document (one
// undo step each): nodes, settings, renames that reach the workflows that run the file and the scripts it runs, and
// the validator's fixes.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { until, workbenchTools, type IntegrationContext } from './workbench';

export function registerBuilderSuite(context: IntegrationContext): void {
  const { vscode, api } = context;
  const { file, open } = workbenchTools(context);

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
      const script = file('version.sh');
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
        // With the script the node runs there to read, the rename reaches its write, and says so.
        writeFileSync(script.fsPath, 'echo "release=1.2" >> "$MAESTRO_OUTPUT"\n');
        const again = await panel.handle({ type: 'edit', action: { type: 'renameOutput', id: 'build', from: 'release', to: 'tag_name' } });
        assert.deepEqual(again, {
          applied: true,
          select: 'build',
          note: "Renamed where version.sh writes it. A workflow that runs this one now reads it as 'tag_name': panel-out-outer.workflow.yaml",
        });
        const written = await vscode.workspace.openTextDocument(script);
        assert.equal(written.getText(), 'echo "tag_name=1.2" >> "$MAESTRO_OUTPUT"\n');
        for (const d of [doc, caller, written]) if (d.isDirty) await d.save();
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      } finally {
        for (const f of [inner, outer, script]) rmSync(f.fsPath, { force: true });
      }
    });

    it("applies a validator's fix the panel lists for a node's problem, as one undo step", async () => {
      const flow = file('panel-fix.workflow.yaml');
      const text = 'version: 1\nname: Fix\nnodes:\n  build: { run: make }\n  ship:\n    run: ./ship.sh\n    env: { V: "${{ nodes.build.outputs.version }}" }\n';
      writeFileSync(flow.fsPath, text);
      try {
        const doc = await open('panel-fix.workflow.yaml');
        await vscode.commands.executeCommand('maestro.showDag', doc.uri);
        const panel = await until(() => api.dag.get(doc.uri));
        const title = "Add 'build' to the needs of 'ship'";
        const message = "nodes.build: 'build' is not upstream of 'ship', so its results would not exist yet: add it to needs";
        assert.deepEqual(await panel.handle({ type: 'edit', action: { type: 'fix', id: 'ship', message, title } }), { applied: true, select: 'ship' });
        assert.equal(doc.getText(), text.replace('  ship:\n', '  ship:\n    needs: build\n'));
        await assert.rejects(panel.handle({ type: 'edit', action: { type: 'fix', id: 'ship', message, title } }), /is no longer in the file/);
        await vscode.window.showTextDocument(doc);
        await vscode.commands.executeCommand('undo');
        assert.equal(doc.getText(), text);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      } finally {
        rmSync(flow.fsPath, { force: true });
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
}
