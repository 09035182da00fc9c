import { strict as assert } from 'node:assert';
import type * as vscode from 'vscode';
import { CursorSelection } from '../../src/extension/dag/cursorSelection';

/** An editor whose cursor is on a node (or on none). */
const on = (node: string | null) => ({ node }) as unknown as vscode.TextEditor;
const nodeUnder = (editor: vscode.TextEditor) => (editor as unknown as { node: string | null }).node;

describe("the panel's selection following the editor's cursor", () => {
  it('tells the page of a node under the cursor once, and of leaving every node', () => {
    const cursor = new CursorSelection(nodeUnder);
    assert.equal(cursor.current(on('build')), 'build', 'what the page is given first');
    assert.equal(cursor.changed(on('build')), undefined, 'the same node: nothing to tell');
    assert.equal(cursor.changed(on('test')), 'test');
    assert.equal(cursor.changed(on('test')), undefined);
    assert.equal(cursor.changed(on(null)), null, 'between nodes: the page clears its selection');
    assert.equal(cursor.changed(on(null)), undefined);
  });

  it('does not tell the page of the cursor moving onto a node it asked to reveal', () => {
    const cursor = new CursorSelection(nodeUnder);
    cursor.current(on('build'));
    cursor.revealing('deploy');
    assert.equal(cursor.changed(on('deploy')), undefined);
    assert.equal(cursor.changed(on('build')), 'build', 'a move of the user after it is told');
  });

  it('starts from what the page was given: no editor, no node', () => {
    const cursor = new CursorSelection(nodeUnder);
    assert.equal(cursor.current(undefined), null);
    assert.equal(cursor.changed(on(null)), undefined);
    assert.equal(cursor.changed(on('build')), 'build');
  });
});
