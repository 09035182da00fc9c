// The script files a node runs (`run: ./release.sh`, `python3 version.py`), read for the outputs they write: a
// sub-workflow's outputs, their completion, and go to definition into the script.
import { strict as assert } from 'node:assert';
import { rmSync, writeFileSync } from 'node:fs';
import type * as vscodeTypes from 'vscode';
import { until, workbenchTools, type IntegrationContext } from './workbench';

const text = (...lines: string[]) => [...lines, ''].join('\n');

export function registerScriptSuite(context: IntegrationContext): void {
  const { vscode } = context;
  const { file, codes, positionOf } = workbenchTools(context);

  it("takes a sub-workflow's outputs from the scripts its nodes run, validates again when one changes, goes there and renames there", async () => {
    const script = file('given-release.sh');
    const inner = file('given-script-inner.workflow.yaml');
    const outer = file('given-script-outer.workflow.yaml');
    // Another that runs it, which nobody opens: the validation worker checks it.
    const unopened = file('given-script-unopened.workflow.yaml');
    writeFileSync(script.fsPath, text('#!/bin/sh', 'echo "tag=v1.2.3" >> "$MAESTRO_OUTPUT"'));
    writeFileSync(inner.fsPath, text('version: 1', 'name: Inner', 'nodes:', '  release: { run: ./given-release.sh }'));
    const outerText = text(
      'version: 1',
      'name: Outer',
      'nodes:',
      '  deploy: { workflow: ./given-script-inner.workflow.yaml }',
      '  check:',
      '    needs: deploy',
      '    run: echo "$V"',
      '    env: { V: "${{ nodes.deploy.outputs.version }}" }',
    );
    writeFileSync(outer.fsPath, outerText);
    writeFileSync(unopened.fsPath, outerText);
    try {
      await vscode.workspace.openTextDocument(outer);
      await until(() => codes(outer).includes('undeclared-output') && codes(unopened).includes('undeclared-output'));
      const [warning] = vscode.languages.getDiagnostics(outer).filter((d) => d.source === 'maestro');
      assert.match(warning.message, /gives no output 'version'.*\(its outputs: tag\)$/);
      // The script, edited and saved here, writes the name read: the warning goes.
      const edited = await vscode.workspace.openTextDocument(script);
      const edit = new vscode.WorkspaceEdit();
      edit.replace(script, new vscode.Range(positionOf(edited, 'tag='), positionOf(edited, 'tag=', 'tag'.length)), 'version');
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(await edited.save());
      await until(() => codes(outer).length === 0 && codes(unopened).length === 0);
      rmSync(unopened.fsPath);
      // From the read, go to definition reaches the script's write, and F2 renames it there and here.
      const doc = await vscode.workspace.openTextDocument(outer);
      const read = positionOf(doc, 'outputs.version', 'outputs.v'.length);
      const [definition] = await vscode.commands.executeCommand<vscodeTypes.Location[]>('vscode.executeDefinitionProvider', outer, read);
      assert.equal(definition.uri.fsPath, script.fsPath);
      assert.equal(edited.getText(definition.range), 'version');
      const rename = await vscode.commands.executeCommand<vscodeTypes.WorkspaceEdit>('vscode.executeDocumentRenameProvider', outer, read, 'release_version');
      assert.ok(await vscode.workspace.applyEdit(rename));
      assert.match(edited.getText(), /echo "release_version=v1\.2\.3"/);
      assert.match(doc.getText(), /nodes\.deploy\.outputs\.release_version/);
      assert.ok((await edited.save()) && (await doc.save()));
      await until(() => codes(outer).length === 0);
      // Written by another tool, the script is read again too.
      writeFileSync(script.fsPath, text('#!/bin/sh', 'echo "digest=abc" >> "$MAESTRO_OUTPUT"'));
      await until(() => codes(outer).includes('undeclared-output'));
    } finally {
      for (const f of [script, inner, outer, unopened]) rmSync(f.fsPath, { force: true });
    }
  });

  it('completes the outputs the scripts of a node write (and those they source), and goes to where they write one', async () => {
    const script = file('ship-release.sh');
    const sourced = file('ship-lib.sh');
    const flow = file('ship-script.workflow.yaml');
    writeFileSync(script.fsPath, text('#!/bin/sh', 'set -e', 'printf \'digest=%s\\n\' abc >> "$MAESTRO_OUTPUT"', '. ./ship-lib.sh'));
    writeFileSync(sourced.fsPath, text('echo "url=https://example.com" >> "$MAESTRO_OUTPUT"'));
    writeFileSync(
      flow.fsPath,
      text(
        'version: 1',
        'name: Ship',
        'nodes:',
        '  release: { run: bash ship-release.sh }',
        '  check:',
        '    needs: release',
        '    run: echo "$D"',
        '    env: { D: "${{ nodes.release.outputs.digest }}", U: "${{ nodes.release.outputs.url }}" }',
      ),
    );
    try {
      const doc = await vscode.workspace.openTextDocument(flow);
      const list = await vscode.commands.executeCommand<vscodeTypes.CompletionList>(
        'vscode.executeCompletionItemProvider',
        doc.uri,
        positionOf(doc, 'outputs.digest', 'outputs.'.length),
      );
      assert.deepEqual(
        list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label)),
        ['digest', 'url'],
      );
      const [definition] = await vscode.commands.executeCommand<vscodeTypes.Location[]>(
        'vscode.executeDefinitionProvider',
        doc.uri,
        positionOf(doc, 'outputs.digest', 'outputs.d'.length),
      );
      assert.equal(definition.uri.fsPath, script.fsPath);
      assert.deepEqual([definition.range.start.line, definition.range.start.character], [2, "printf 'digest".length - 'digest'.length]);
      const [inSourced] = await vscode.commands.executeCommand<vscodeTypes.Location[]>(
        'vscode.executeDefinitionProvider',
        doc.uri,
        positionOf(doc, 'outputs.url', 'outputs.u'.length),
      );
      assert.equal(inSourced.uri.fsPath, sourced.fsPath);
      const [hover] = await vscode.commands.executeCommand<vscodeTypes.Hover[]>(
        'vscode.executeHoverProvider',
        doc.uri,
        positionOf(doc, 'outputs.url', 'outputs.u'.length),
      );
      const shown = hover.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
      assert.match(shown, /Written by `ship-lib\.sh`, a script file its node runs/);
      assert.deepEqual([inSourced.range.start.line, inSourced.range.start.character], [0, 'echo "'.length]);
    } finally {
      for (const f of [script, sourced, flow]) rmSync(f.fsPath, { force: true });
    }
  });

  it('reads a Python script the same way: completion, go to definition into it, and F2 through its own set_output', async () => {
    const script = file('py-version.py');
    const flow = file('py-script.workflow.yaml');
    writeFileSync(
      script.fsPath,
      text(
        'import os',
        'def set_output(name, value):',
        '    with open(os.environ["MAESTRO_OUTPUT"], "a") as fh:',
        '        print(f"{name}={value}", file=fh)',
        'set_output("version", "1.2.3")',
      ),
    );
    writeFileSync(
      flow.fsPath,
      text(
        'version: 1',
        'name: Py',
        'nodes:',
        '  release: { run: python3 py-version.py }',
        '  check:',
        '    needs: release',
        '    run: echo "$V"',
        '    env: { V: "${{ nodes.release.outputs.version }}" }',
      ),
    );
    try {
      const doc = await vscode.workspace.openTextDocument(flow);
      const read = positionOf(doc, 'outputs.version', 'outputs.v'.length);
      const list = await vscode.commands.executeCommand<vscodeTypes.CompletionList>(
        'vscode.executeCompletionItemProvider',
        doc.uri,
        positionOf(doc, 'outputs.version', 'outputs.'.length),
      );
      const items = list.items.map((i) => [typeof i.label === 'string' ? i.label : i.label.label, i.kind, i.detail, i.sortText]);
      assert.deepEqual(
        items.map(([label]) => label),
        ['version'],
        JSON.stringify(items),
      );
      const [definition] = await vscode.commands.executeCommand<vscodeTypes.Location[]>('vscode.executeDefinitionProvider', doc.uri, read);
      assert.equal(definition.uri.fsPath, script.fsPath);
      assert.deepEqual([definition.range.start.line, definition.range.start.character], [4, 'set_output("'.length]);
      const rename = await vscode.commands.executeCommand<vscodeTypes.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, read, 'release_version');
      assert.ok(await vscode.workspace.applyEdit(rename));
      const py = await vscode.workspace.openTextDocument(script);
      assert.match(py.getText(), /set_output\("release_version", "1\.2\.3"\)/);
      assert.match(py.getText(), /print\(f"\{name\}=\{value\}", file=fh\)/);
      assert.match(doc.getText(), /nodes\.release\.outputs\.release_version/);
      assert.ok((await py.save()) && (await doc.save()));
      await until(() => codes(flow).length === 0);
    } finally {
      for (const f of [script, flow]) rmSync(f.fsPath, { force: true });
    }
  });
}
