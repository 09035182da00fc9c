// Renaming in the editor (F2): a node, an input, an output and a matrix key, everywhere in the file and in the
// workspace's workflows that run it.
import { strict as assert } from 'node:assert';
import { rmSync, writeFileSync } from 'node:fs';
import type * as vscodeTypes from 'vscode';
import { until, workbenchTools, type IntegrationContext } from './workbench';

const text = (...lines: string[]) => [...lines, ''].join('\n');

export function registerRenameSuite(context: IntegrationContext): void {
  const { vscode, api } = context;
  const { file, open, codes, positionOf } = workbenchTools(context);

  it('renames a node everywhere', async () => {
    const doc = await open('editing.workflow.yaml');
    const edit = await vscode.commands.executeCommand<vscodeTypes.WorkspaceEdit>(
      'vscode.executeDocumentRenameProvider',
      doc.uri,
      positionOf(doc, '  build:', 3),
      'compile',
    );
    await vscode.workspace.applyEdit(edit);
    assert.ok(!/\bbuild\b/.test(doc.getText().replace(/# .*/g, '')), doc.getText());
    assert.match(doc.getText(), /nodes\.compile\.outputs\.version/);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
  it('renames an input everywhere, and in the with: of a workflow that runs it', async () => {
    const inner = file('input-inner.workflow.yaml');
    const outer = file('input-outer.workflow.yaml');
    writeFileSync(
      inner.fsPath,
      text('version: 1', 'name: Inner', 'inputs:', '  target: { type: string }', 'nodes:', "  go: { run: 'true', env: { TO: '${{ inputs.target }}' } }"),
    );
    writeFileSync(
      outer.fsPath,
      text('version: 1', 'name: Outer', 'nodes:', '  deploy:', '    workflow: ./input-inner.workflow.yaml', '    with: { target: production }   # kept'),
    );
    try {
      const doc = await vscode.workspace.openTextDocument(inner);
      await api.prompts.last.set(inner.toString(), { target: 'staging' });
      const edit = await vscode.commands.executeCommand<vscodeTypes.WorkspaceEdit>(
        'vscode.executeDocumentRenameProvider',
        doc.uri,
        positionOf(doc, 'inputs.target', 9),
        'environment',
      );
      assert.deepEqual(
        edit
          .entries()
          .map(([uri, edits]) => [uri.fsPath, edits.length])
          .sort(),
        [
          [inner.fsPath, 2],
          [outer.fsPath, 1],
        ],
      );
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.equal(api.prompts.last.get(inner.toString()).environment, 'staging', 'the answer given last follows');
      assert.match(doc.getText(), /^ {2}environment: \{ type: string \}\n[^]*inputs\.environment/m);
      const caller = await vscode.workspace.openTextDocument(outer);
      assert.match(caller.getText(), /with: \{ environment: production \} {3}# kept\n/);
      // From the caller's with:, the input is the sub-workflow's: its definition, and a rename of it there.
      const [definition] = await vscode.commands.executeCommand<vscodeTypes.Location[]>(
        'vscode.executeDefinitionProvider',
        caller.uri,
        positionOf(caller, 'environment', 2),
      );
      assert.deepEqual([definition.uri.fsPath, definition.range.start.line], [inner.fsPath, 3]);
      const back = await vscode.commands.executeCommand<vscodeTypes.WorkspaceEdit>(
        'vscode.executeDocumentRenameProvider',
        caller.uri,
        positionOf(caller, 'environment', 2),
        'region',
      );
      assert.ok(await vscode.workspace.applyEdit(back));
      assert.match(doc.getText(), /^ {2}region: \{ type: string \}\n[^]*inputs\.region/m);
      assert.match(caller.getText(), /with: \{ region: production \} {3}# kept\n/);
      for (const d of [doc, caller]) if (d.isDirty) await d.save();
      await until(() => codes(outer).length === 0 && codes(inner).length === 0);
    } finally {
      for (const f of [inner, outer]) rmSync(f.fsPath, { force: true });
    }
  });

  it('renames an output where it is declared, written and read, and in the workflows that run its file and theirs', async () => {
    const inner = file('output-inner.workflow.yaml');
    const outer = file('output-outer.workflow.yaml');
    // top runs outer through a node that lists no outputs: it reads what outer passes on from inner.
    const top = file('output-top.workflow.yaml');
    writeFileSync(
      top.fsPath,
      text(
        'version: 1',
        'name: Top',
        'nodes:',
        '  all: { workflow: ./output-outer.workflow.yaml }',
        '  show: { needs: all, run: echo "$V", env: { V: "${{ nodes.all.outputs.version }}" } }',
      ),
    );
    writeFileSync(
      inner.fsPath,
      text(
        'version: 1',
        'name: Inner',
        'nodes:',
        '  build:',
        '    run: echo "version=1.2.3" >> "$MAESTRO_OUTPUT"',
        '    outputs: [version]   # kept',
        '  check: { needs: build, run: test -n "$V", env: { V: "${{ nodes.build.outputs.version }}" } }',
      ),
    );
    writeFileSync(
      outer.fsPath,
      text(
        'version: 1',
        'name: Outer',
        'nodes:',
        '  deploy: { workflow: ./output-inner.workflow.yaml, outputs: [version] }',
        '  tag: { needs: deploy, run: git tag "$V", env: { V: "${{ nodes.deploy.outputs.version }}" } }',
      ),
    );
    try {
      const doc = await vscode.workspace.openTextDocument(inner);
      const read = positionOf(doc, 'outputs.version', 9);
      const [definition] = await vscode.commands.executeCommand<vscodeTypes.Location[]>('vscode.executeDefinitionProvider', doc.uri, read);
      assert.deepEqual([definition.range.start.line, definition.range.start.character], [5, 14]);
      const references = await vscode.commands.executeCommand<vscodeTypes.Location[]>('vscode.executeReferenceProvider', doc.uri, read);
      assert.deepEqual(
        references.map((r) => r.range.start.line),
        [4, 5, 6],
      );
      const edit = await vscode.commands.executeCommand<vscodeTypes.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, read, 'release');
      assert.deepEqual(
        edit
          .entries()
          .map(([uri, edits]) => [uri.fsPath, edits.length])
          .sort(),
        [
          [inner.fsPath, 3],
          [outer.fsPath, 2],
          [top.fsPath, 1],
        ].sort(),
      );
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.match(doc.getText(), /echo "release=1\.2\.3"[^]*outputs: \[release\] {3}# kept\n[^]*nodes\.build\.outputs\.release/);
      const caller = await vscode.workspace.openTextDocument(outer);
      assert.match(caller.getText(), /outputs: \[release\] \}\n[^]*nodes\.deploy\.outputs\.release/);
      // From the caller, the output is the sub-workflow's: where its node gives it, and a rename of it there.
      const callerRead = positionOf(caller, 'outputs.release', 9);
      const [given] = await vscode.commands.executeCommand<vscodeTypes.Location[]>('vscode.executeDefinitionProvider', caller.uri, callerRead);
      assert.deepEqual([given.uri.fsPath, given.range.start.line], [inner.fsPath, 5]);
      const back = await vscode.commands.executeCommand<vscodeTypes.WorkspaceEdit>('vscode.executeDocumentRenameProvider', caller.uri, callerRead, 'tag_name');
      assert.ok(await vscode.workspace.applyEdit(back));
      assert.match(doc.getText(), /echo "tag_name=1\.2\.3"[^]*outputs: \[tag_name\] {3}# kept\n[^]*nodes\.build\.outputs\.tag_name/);
      assert.match(caller.getText(), /outputs: \[tag_name\] \}\n[^]*nodes\.deploy\.outputs\.tag_name/);
      // From top, two files up, the same: its definition is inner's node, and a rename there reaches every file.
      const topDoc = await vscode.workspace.openTextDocument(top);
      assert.match(topDoc.getText(), /nodes\.all\.outputs\.tag_name/);
      const topRead = positionOf(topDoc, 'outputs.tag_name', 9);
      const [fromTop] = await vscode.commands.executeCommand<vscodeTypes.Location[]>('vscode.executeDefinitionProvider', top, topRead);
      assert.deepEqual([fromTop.uri.fsPath, fromTop.range.start.line], [inner.fsPath, 5]);
      const again = await vscode.commands.executeCommand<vscodeTypes.WorkspaceEdit>('vscode.executeDocumentRenameProvider', top, topRead, 'label');
      assert.ok(await vscode.workspace.applyEdit(again));
      assert.match(doc.getText(), /echo "label=1\.2\.3"[^]*outputs: \[label\] {3}# kept/);
      assert.match(caller.getText(), /outputs: \[label\] \}\n[^]*nodes\.deploy\.outputs\.label/);
      assert.match(topDoc.getText(), /nodes\.all\.outputs\.label/);
      for (const d of [doc, caller, topDoc]) if (d.isDirty) await d.save();
      await until(() => codes(outer).length === 0 && codes(inner).length === 0 && codes(top).length === 0);
    } finally {
      for (const f of [inner, outer, top]) rmSync(f.fsPath, { force: true });
    }
  });

  it('renames an output where a script file its node runs writes it', async () => {
    const flow = file('script-output.workflow.yaml');
    const script = file('script-output-release.sh');
    writeFileSync(
      flow.fsPath,
      text(
        'version: 1',
        'name: Scripted',
        'nodes:',
        '  build: { run: ./script-output-release.sh, outputs: [version] }',
        '  ship: { needs: build, run: echo "$V", env: { V: "${{ nodes.build.outputs.version }}" } }',
      ),
    );
    writeFileSync(script.fsPath, text('#!/bin/bash', 'echo "version=1.2.3" >> "$MAESTRO_OUTPUT"'));
    try {
      const doc = await vscode.workspace.openTextDocument(flow);
      const edit = await vscode.commands.executeCommand<vscodeTypes.WorkspaceEdit>(
        'vscode.executeDocumentRenameProvider',
        doc.uri,
        positionOf(doc, 'outputs.version', 9),
        'release',
      );
      assert.deepEqual(
        edit
          .entries()
          .map(([uri, edits]) => [uri.fsPath, edits.length])
          .sort(),
        [
          [flow.fsPath, 2],
          [script.fsPath, 1],
        ].sort(),
      );
      assert.ok(await vscode.workspace.applyEdit(edit));
      const written = await vscode.workspace.openTextDocument(script);
      assert.equal(written.getText(), text('#!/bin/bash', 'echo "release=1.2.3" >> "$MAESTRO_OUTPUT"'));
      assert.match(doc.getText(), /outputs: \[release\][^]*nodes\.build\.outputs\.release/);
      for (const d of [doc, written]) if (d.isDirty) await d.save();
    } finally {
      for (const f of [flow, script]) rmSync(f.fsPath, { force: true });
    }
  });

  it("renames a matrix key in the matrix, the node's reads and the instance ids other nodes read by (which complete)", async () => {
    const matrix = file('matrix-rename.workflow.yaml');
    writeFileSync(
      matrix.fsPath,
      text(
        'version: 1',
        'name: Matrix',
        'nodes:',
        '  test:',
        '    matrix:',
        '      os: [linux, macos]   # where',
        '      exclude: [{ os: macos }]',
        '    run: echo "${{ matrix.os }}" >> "$MAESTRO_OUTPUT"',
        '  report:',
        '    needs: test',
        '    run: echo "$LINUX"',
        '    env: { LINUX: "${{ nodes.test.outputs.log[\'test[os=linux]\'] }}" }',
      ),
    );
    try {
      const doc = await vscode.workspace.openTextDocument(matrix);
      // The instance ids its outputs are read by complete as the index.
      const list = await vscode.commands.executeCommand<vscodeTypes.CompletionList>(
        'vscode.executeCompletionItemProvider',
        doc.uri,
        positionOf(doc, "log['", 5),
      );
      assert.deepEqual(
        list.items.filter((i) => i.detail === 'instance of test').map((i) => i.insertText),
        ["'test[os=linux]'"],
      );
      const read = positionOf(doc, 'matrix.os', 8);
      const [definition] = await vscode.commands.executeCommand<vscodeTypes.Location[]>('vscode.executeDefinitionProvider', doc.uri, read);
      assert.deepEqual([definition.range.start.line, definition.range.start.character], [5, 6]);
      const [hover] = await vscode.commands.executeCommand<vscodeTypes.Hover[]>('vscode.executeHoverProvider', doc.uri, read);
      assert.match((hover.contents[0] as vscodeTypes.MarkdownString).value, /^Matrix key `os` of \*\*test\*\*: `linux`, `macos`/);
      const edit = await vscode.commands.executeCommand<vscodeTypes.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, read, 'platform');
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.match(
        doc.getText(),
        /platform: \[linux, macos\] {3}# where\n {6}exclude: \[\{ platform: macos \}\][^]*matrix\.platform[^]*'test\[platform=linux\]'/,
      );
      await doc.save();
      await until(() => codes(matrix).length === 0);
    } finally {
      rmSync(matrix.fsPath, { force: true });
    }
  });
}
