// The extension activated in a real workbench, and the language features of workflow files: diagnostics as the
// user types and from files nobody has open, quick fixes, completion, hover, definitions, the outline; rename in
// renameSuite, the outputs of script files a node runs in scriptSuite.
import { strict as assert } from 'node:assert';
import { mkdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import type * as vscodeTypes from 'vscode';
import { registerRenameSuite } from './renameSuite';
import { registerScriptSuite } from './scriptSuite';
import { until, workbenchTools, type IntegrationContext } from './workbench';

export function registerLanguageSuites(context: IntegrationContext): void {
  const { vscode, api } = context;
  const { file, open, codes, positionOf } = workbenchTools(context);

  describe('activation', () => {
    it('activates, hands its API over, and lists runs through the engine', async () => {
      const extension = vscode.extensions.all.find((e) => e.id.endsWith('.maestro-dag'));
      assert.ok(extension?.isActive, 'active on a workspace with workflow files');
      assert.equal(extension.exports, api, 'the API is what activate() returned');
      assert.ok(Number.isFinite(api.activatedInMs));
      await until(() => api.runs.loaded);
    });

    it('shows problems of a broken file nobody has open', async () => {
      await until(() => codes(file('unopened-broken.workflow.yaml')).includes('cycle'));
    });

    it('validates a file built to flood it in the validation worker, without opening it, its problems capped', async () => {
      const hostile = file('hostile-cycle.workflow.yaml');
      const found = await until(() => codes(hostile).length > 0 && vscode.languages.getDiagnostics(hostile));
      assert.equal(found.length, 500);
      assert.match(found[0].message, /forms a cycle: n0 → n1 → .* \(3,000 nodes in all\)/);
      assert.ok(found.every((d) => (d.relatedInformation?.length ?? 0) <= 20));
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === hostile.toString()), 'the host never opened it');
    });

    it('names a workflow file that is a link to a device in Problems, and never reads it', async function () {
      if (process.platform === 'win32') this.skip();
      const link = file('device.workflow.yaml');
      symlinkSync('/dev/zero', link.fsPath);
      try {
        await api.validation.validateFile(link);
        const [problem] = vscode.languages.getDiagnostics(link);
        assert.equal(problem?.message, 'this file could not be validated: it is a device, not a file');
      } finally {
        unlinkSync(link.fsPath);
      }
    });
  });

  describe('language features', () => {
    it('reports a typo in needs with our message, and its quick fix clears it', async () => {
      const doc = await open('typo.workflow.yaml');
      await until(() => codes(doc.uri).includes('unknown-dependency'));
      const diagnostic = vscode.languages.getDiagnostics(doc.uri).find((d) => d.source === 'maestro')!;
      assert.match(diagnostic.message, /needs 'biuld'.*did you mean 'build'\?/);
      const actions = await vscode.commands.executeCommand<vscodeTypes.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diagnostic.range);
      const fix = actions.find((a) => a.title === "Change to 'build'");
      assert.ok(fix?.edit, `quick fix offered: ${actions.map((a) => a.title).join(', ')}`);
      await vscode.workspace.applyEdit(fix.edit);
      await until(() => codes(doc.uri).length === 0);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    });

    it('fixes all the problems of a kind at once, and the file’s fixable problems as its source.fixAll.maestro', async () => {
      const doc = await open('typo.workflow.yaml');
      await until(() => codes(doc.uri).includes('unknown-dependency'));
      // A second typo, one in an expression, and a property under another tool's name.
      const edit = new vscode.WorkspaceEdit();
      const added = "  deploy:\n    needs: [tset]\n    if: ${{ nodes.tset.outcome == 'success' }}\n    command: echo deploy\n";
      edit.insert(doc.uri, doc.positionAt(doc.getText().length), added);
      await vscode.workspace.applyEdit(edit);
      await until(() => codes(doc.uri).filter((c) => c === 'unknown-dependency').length === 2);
      const first = vscode.languages.getDiagnostics(doc.uri).find((d) => /biuld/.test(d.message))!;
      const quick = await vscode.commands.executeCommand<vscodeTypes.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, first.range);
      assert.ok(
        quick.some((a) => a.title === "Fix all 2 'unknown-dependency' problems in the file"),
        quick.map((a) => a.title).join(', '),
      );
      const source = await vscode.commands.executeCommand<vscodeTypes.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        doc.uri,
        new vscode.Range(0, 0, 0, 0),
        'source.fixAll.maestro',
      );
      const read = vscode.languages.getDiagnostics(doc.uri).find((d) => /no node named 'tset'/.test(d.message))!;
      const readFixes = await vscode.commands.executeCommand<vscodeTypes.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, read.range);
      assert.ok(
        readFixes.some((a) => a.title === "Change to 'test'" && a.isPreferred),
        readFixes.map((a) => a.title).join(', '),
      );
      assert.deepEqual(
        source.map((a) => a.title),
        ['Fix 4 Maestro problems'],
      );
      await vscode.workspace.applyEdit(source[0].edit!);
      await until(() => codes(doc.uri).length === 0);
      assert.match(doc.getText(), /needs: \[build\][^]*needs: \[test\]\n {4}if: \$\{\{ nodes\.test\.outcome == 'success' \}\}\n {4}run: echo deploy\n$/);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    });

    it('adds a node read in an expression to the needs of the node that reads it', async () => {
      const reach = file('reach.workflow.yaml');
      writeFileSync(
        reach.fsPath,
        [
          'version: 1',
          'name: Reach',
          'nodes:',
          '  build: { run: echo build }',
          '  deploy:',
          "    if: ${{ nodes.build.outcome == 'success' }}",
          '    run: echo deploy',
          '',
        ].join('\n'),
      );
      try {
        const doc = await vscode.workspace.openTextDocument(reach);
        await until(() => codes(reach).includes('unreachable-reference'));
        // Completed after `nodes.`, the node comes with the edit that adds it to the reader's needs.
        const completed = await vscode.commands.executeCommand<vscodeTypes.CompletionList>(
          'vscode.executeCompletionItemProvider',
          reach,
          positionOf(doc, 'nodes.', 6),
        );
        const build = completed.items.find((i) => i.label === 'build');
        assert.deepEqual(
          build?.additionalTextEdits?.map((e) => e.newText),
          ['    needs: build\n'],
          completed.items.map((i) => `${typeof i.label === 'string' ? i.label : i.label.label}: ${i.additionalTextEdits?.length ?? 0}`).join(', '),
        );
        const problem = vscode.languages.getDiagnostics(reach).find((d) => /not upstream/.test(d.message))!;
        const actions = await vscode.commands.executeCommand<vscodeTypes.CodeAction[]>('vscode.executeCodeActionProvider', reach, problem.range);
        const fix = actions.find((a) => a.title === "Add 'build' to the needs of 'deploy'");
        assert.ok(fix?.edit && fix.isPreferred, actions.map((a) => a.title).join(', '));
        assert.ok(await vscode.workspace.applyEdit(fix.edit));
        await until(() => codes(reach).length === 0);
        assert.match(doc.getText(), /deploy:\n {4}needs: build\n {4}if:/);
        await doc.save();
      } finally {
        rmSync(reach.fsPath, { force: true });
      }
    });

    it('validates workflows again when a sub-workflow they run comes, open or not, and names a loop back', async () => {
      const sub = file('loop-b.workflow.yaml');
      const unopened = file('loop-c.workflow.yaml');
      const text = (...nodes: string[]) => ['version: 1', 'name: Loop', 'nodes:', ...nodes, ''].join('\n');
      writeFileSync(file('loop-a.workflow.yaml').fsPath, text('  b: { workflow: ./loop-b.workflow.yaml }'));
      writeFileSync(unopened.fsPath, text('  b: { workflow: ./loop-b.workflow.yaml }'));
      try {
        await until(() => codes(unopened).includes('missing-workflow'));
        const doc = await open('loop-a.workflow.yaml');
        await until(() => codes(doc.uri).includes('missing-workflow'));
        writeFileSync(sub.fsPath, text('  back: { workflow: ./loop-a.workflow.yaml }'));
        await until(() => codes(doc.uri).includes('recursive-workflow'));
        await until(() => codes(unopened).length === 0);
        const [problem] = vscode.languages.getDiagnostics(doc.uri);
        assert.equal(
          problem.message,
          "node 'b' runs loop-b.workflow.yaml, which runs this workflow again (loop-b.workflow.yaml → this file): a workflow cannot include itself",
        );
        writeFileSync(sub.fsPath, text('  back: { run: "true" }'));
        await until(() => codes(doc.uri).length === 0);
        // The file that closes a loop two files away: validated again, since the sub-workflow it runs runs that file.
        writeFileSync(sub.fsPath, text('  d: { workflow: ./loop-d.workflow.yaml }'));
        writeFileSync(file('loop-d.workflow.yaml').fsPath, text('  back: { workflow: ./loop-a.workflow.yaml }'));
        await until(() => codes(doc.uri).includes('recursive-workflow'));
        assert.match(vscode.languages.getDiagnostics(doc.uri)[0].message, /\(loop-b\.workflow\.yaml → loop-d\.workflow\.yaml → this file\)/);
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      } finally {
        for (const name of ['loop-a', 'loop-b', 'loop-c', 'loop-d']) rmSync(file(`${name}.workflow.yaml`).fsPath, { force: true });
      }
    });

    it("warns at a read of a sub-workflow's output that no node of its file gives, until one does", async () => {
      const lines = (...all: string[]) => [...all, ''].join('\n');
      const inner = file('given-inner.workflow.yaml');
      const outer = file('given-outer.workflow.yaml');
      const innerText = (write: string) =>
        lines('version: 1', 'name: Inner', 'nodes:', '  push:', `    run: echo "${write}=https://example.test" >> "$MAESTRO_OUTPUT"`);
      writeFileSync(inner.fsPath, innerText('address'));
      writeFileSync(
        outer.fsPath,
        lines(
          'version: 1',
          'name: Outer',
          'nodes:',
          '  deploy: { workflow: ./given-inner.workflow.yaml }',
          '  check: { needs: deploy, run: curl "$URL", env: { URL: "${{ nodes.deploy.outputs.url }}" } }',
        ),
      );
      try {
        const doc = await vscode.workspace.openTextDocument(outer);
        await until(() => codes(outer).includes('undeclared-output'));
        const [warning] = vscode.languages.getDiagnostics(outer).filter((d) => d.source === 'maestro');
        assert.equal(warning.severity, vscode.DiagnosticSeverity.Warning);
        assert.equal(doc.getText(warning.range), 'url');
        // The sub-workflow changed on disk: the file that runs it is validated again.
        writeFileSync(inner.fsPath, innerText('url'));
        await until(() => codes(outer).length === 0);
      } finally {
        for (const f of [inner, outer]) rmSync(f.fsPath, { force: true });
      }
    });

    it('keeps the error of a file that is not UTF-8 on disk once it is open, with an encoding fix, until it is UTF-8', async () => {
      const latin = file('latin.workflow.yaml');
      const text = ['version: 1', 'name: Latin', 'nodes:', '  greet: { run: echo caf\u00e9 }', ''].join('\n');
      writeFileSync(latin.fsPath, Buffer.from(text, 'latin1'));
      try {
        await until(() => codes(latin).includes('encoding'));
        const doc = await open('latin.workflow.yaml');
        // An edit makes the editor's own validation show (a typo in needs), beside the file's encoding error.
        const edit = new vscode.WorkspaceEdit();
        edit.insert(doc.uri, doc.positionAt(doc.getText().indexOf(' run:')), ' needs: ghost,');
        await vscode.workspace.applyEdit(edit);
        await until(() => codes(doc.uri).join() === 'encoding,unknown-dependency');
        const problem = vscode.languages.getDiagnostics(doc.uri)[0];
        assert.deepEqual([problem.range.start.line, problem.range.start.character], [3, 24]);
        assert.match(problem.message, /^byte 0xE9 is not UTF-8/);
        const actions = await vscode.commands.executeCommand<vscodeTypes.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, problem.range);
        const fix = actions.find((a) => a.title === 'Reopen or Save with Encoding…');
        assert.equal(fix?.command?.command, 'workbench.action.editor.changeEncoding');
        await vscode.commands.executeCommand('workbench.action.files.revert');
        writeFileSync(latin.fsPath, text);
        await until(() => codes(doc.uri).length === 0);
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      } finally {
        rmSync(latin.fsPath, { force: true });
      }
    });

    it('completes node ids in needs without the node itself or cycle-makers', async () => {
      const doc = await open('editing.workflow.yaml');
      const list = await vscode.commands.executeCommand<vscodeTypes.CompletionList>(
        'vscode.executeCompletionItemProvider',
        doc.uri,
        positionOf(doc, 'needs: [', 8),
      );
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      assert.ok(labels.includes('lint'), labels.join(', '));
      assert.ok(!labels.includes('build'), 'already listed');
      assert.ok(!labels.includes('deploy'), 'the node itself');
      assert.ok(!labels.includes('notify'), 'a node downstream of it would make a cycle');
    });

    it('completes in nodes written in flow style: node ids in a flow list, the keys a flow mapping may still take, workflow files', async () => {
      const text = [
        'version: 1',
        'name: Flow',
        'nodes:',
        '  lint: { run: "true" }',
        '  build: { needs: [lint], run: "true" }',
        '  ship: { needs: [build, ], run: "true",  }',
        '',
      ];
      writeFileSync(file('flow-completion.workflow.yaml').fsPath, text.join('\n'));
      try {
        const doc = await open('flow-completion.workflow.yaml');
        const labelsAt = async (position: vscodeTypes.Position) => {
          const list = await vscode.commands.executeCommand<vscodeTypes.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, position);
          return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
        };
        assert.deepEqual(await labelsAt(positionOf(doc, 'needs: [build, ', 15)), ['lint']);
        const keys = await labelsAt(positionOf(doc, 'run: "true",  }', 14));
        assert.ok(keys.includes('timeout') && keys.includes('retry'), keys.join(', '));
        assert.ok(!keys.includes('needs') && !keys.includes('run'), 'the keys the mapping has');
        const edit = new vscode.WorkspaceEdit();
        edit.insert(doc.uri, doc.positionAt(doc.getText().length), '  deploy: { workflow: ./flow-c }\n');
        await vscode.workspace.applyEdit(edit);
        const files = await labelsAt(positionOf(doc, 'workflow: ./flow-c', 18));
        assert.ok(files.length > 0 && !files.includes('./flow-completion.workflow.yaml'), `the workspace's other workflow files: ${files.join(', ')}`);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      } finally {
        rmSync(file('flow-completion.workflow.yaml').fsPath, { force: true });
      }
    });

    it("completes a sub-workflow's file from the workspace's workflow files and its inputs under with:, and links to it", async () => {
      const text = (...lines: string[]) => [...lines, ''].join('\n');
      writeFileSync(
        file('sub-deploy.workflow.yaml').fsPath,
        text('version: 1', 'name: Deploy', 'inputs:', '  region: { required: true, description: Where }', 'nodes:', '  go: { run: "true" }'),
      );
      writeFileSync(
        file('sub-outer.workflow.yaml').fsPath,
        text('version: 1', 'name: Outer', 'nodes:', '  deploy:', '    workflow: ./sub-', '    with:', '      '),
      );
      try {
        const doc = await open('sub-outer.workflow.yaml');
        const labelsAt = async (position: vscodeTypes.Position) => {
          const list = await vscode.commands.executeCommand<vscodeTypes.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, position);
          // No snippet here: they are offered where a workflow, a node or a retry policy is written.
          return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
        };
        const files = await labelsAt(positionOf(doc, 'workflow: ./sub-', 16));
        assert.ok(files.includes('./sub-deploy.workflow.yaml'), files.join(', '));
        assert.ok(!files.includes('./sub-outer.workflow.yaml'), 'not the file itself');
        const edit = new vscode.WorkspaceEdit();
        edit.insert(doc.uri, positionOf(doc, 'workflow: ./sub-', 16), 'deploy.workflow.yaml');
        await vscode.workspace.applyEdit(edit);
        assert.deepEqual(await labelsAt(doc.positionAt(doc.getText().length - 1)), ['region']);
        // The path links to the file, Go to Definition opens it, and a hover says what it is.
        const [hover] = await vscode.commands.executeCommand<vscodeTypes.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, 'sub-deploy', 3));
        const shown = hover.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')).join('\n');
        assert.match(shown, /\*\*Deploy\*\* — `\.\/sub-deploy\.workflow\.yaml`, 1 node[^]*- inputs: `region` \(string, required\)/);
        const links = await vscode.commands.executeCommand<vscodeTypes.DocumentLink[]>('vscode.executeLinkProvider', doc.uri);
        assert.deepEqual(
          links.map((l) => [doc.getText(l.range), l.target?.fsPath]),
          [['./sub-deploy.workflow.yaml', file('sub-deploy.workflow.yaml').fsPath]],
        );
        const definitions = await vscode.commands.executeCommand<vscodeTypes.Location[]>(
          'vscode.executeDefinitionProvider',
          doc.uri,
          positionOf(doc, 'sub-deploy', 3),
        );
        assert.deepEqual(
          definitions.map((d) => d.uri.fsPath),
          [file('sub-deploy.workflow.yaml').fsPath],
        );
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      } finally {
        for (const name of ['sub-deploy', 'sub-outer']) rmSync(file(`${name}.workflow.yaml`).fsPath, { force: true });
      }
    });

    it("keeps the workflow: paths of the workspace's workflows right when a file they name is renamed", async () => {
      const text = (...lines: string[]) => [...lines, ''].join('\n');
      writeFileSync(file('move-inner.workflow.yaml').fsPath, text('version: 1', 'name: Inner', 'nodes:', '  go: { run: "true" }'));
      writeFileSync(
        file('move-outer.workflow.yaml').fsPath,
        text('version: 1', 'name: Outer', 'nodes:', '  deploy: { workflow: ./move-inner.workflow.yaml }   # kept'),
      );
      const moved = vscode.Uri.joinPath(file('pipelines'), 'moved-inner.workflow.yaml');
      try {
        const rename = new vscode.WorkspaceEdit();
        rename.renameFile(file('move-inner.workflow.yaml'), moved);
        assert.ok(await vscode.workspace.applyEdit(rename));
        const outer = await vscode.workspace.openTextDocument(file('move-outer.workflow.yaml'));
        await until(() => outer.getText().includes('./pipelines/moved-inner.workflow.yaml'));
        assert.match(outer.getText(), /deploy: \{ workflow: \.\/pipelines\/moved-inner\.workflow\.yaml \} {3}# kept\n/);
        if (outer.isDirty) await outer.save();
      } finally {
        for (const f of [file('move-inner.workflow.yaml'), file('move-outer.workflow.yaml'), moved]) rmSync(f.fsPath, { force: true });
      }
    });

    it("hovers a hashFiles() call with what it reads now below the workflow's default folder", async () => {
      const workflow = file('hover-files.workflow.yaml');
      mkdirSync(file('hover-app').fsPath, { recursive: true });
      writeFileSync(file('hover-app/a.lock').fsPath, 'v1');
      writeFileSync(
        workflow.fsPath,
        ['version: 1', 'name: Hover', 'defaults: { cwd: hover-app }', 'nodes:', '  a:', "    run: echo ${{ hashFiles('*.lock') }}", ''].join('\n'),
      );
      try {
        const doc = await open('hover-files.workflow.yaml');
        const hovers = await vscode.commands.executeCommand<vscodeTypes.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, 'hashFiles', 2));
        const shown = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
        assert.match(shown, /Now below `[^`]*hover-app`: 1 file \(`a\.lock`\), `[0-9a-f]{64}`/);
      } finally {
        rmSync(workflow.fsPath, { force: true });
        rmSync(file('hover-app').fsPath, { recursive: true, force: true });
      }
    });

    it('hovers, goes to definitions and outlines', async () => {
      const doc = await open('editing.workflow.yaml');
      const hovers = await vscode.commands.executeCommand<vscodeTypes.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, 'needs: [build', 9));
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
      assert.match(text, /\*\*build\*\*/);
      const defs = await vscode.commands.executeCommand<vscodeTypes.Location[]>(
        'vscode.executeDefinitionProvider',
        doc.uri,
        positionOf(doc, 'needs: [build', 9),
      );
      assert.equal(defs[0].range.start.line, positionOf(doc, '  build:').line);
      const symbols = await vscode.commands.executeCommand<vscodeTypes.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
      assert.deepEqual(
        symbols.find((s) => s.name === 'nodes')?.children.map((c) => c.name),
        ['build', 'lint', 'deploy', 'notify'],
      );
    });

    registerRenameSuite(context);
    registerScriptSuite(context);
  });
}
