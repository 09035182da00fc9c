// The workflow snippets are offered where what they write belongs, and nowhere else.
import { strict as assert } from 'node:assert';
import { complete } from '../../src/extension/language/completion';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';

/** The snippets completion offers at `|`, by prefix. */
function snippetsAt(...lines: string[]): string[] {
  const text = lines.join('\n');
  const offset = text.indexOf('|');
  const index = buildIndex(validateWorkflow(text.replace('|', '')));
  return complete(index, offset)
    .filter((i) => i.kind === 'snippet')
    .map((i) => i.label);
}

describe('workflow snippets', () => {
  it('offers a new workflow at the top of a file that has none, and not in one that has', () => {
    assert.deepEqual(snippetsAt('|'), ['workflow', 'version']);
    assert.deepEqual(snippetsAt('# A pipeline', 'wor|'), ['workflow', 'version']);
    assert.deepEqual(snippetsAt('version: 1', 'name: x', '|'), []);
  });

  it('offers nodes among the nodes, and a retry policy among the keys of a node or of the defaults that has none', () => {
    const nodes = ['node', 'run', 'outputs', 'approval', 'gate', 'matrix'];
    assert.deepEqual(snippetsAt('version: 1', 'name: x', 'nodes:', '  |'), nodes);
    assert.deepEqual(snippetsAt('version: 1', 'name: x', 'nodes:', '  a:', '    run: x', '  ma|'), nodes);
    assert.deepEqual(snippetsAt('version: 1', 'name: x', 'nodes:', '  a:', '    run: x', '    |'), ['retry']);
    assert.deepEqual(snippetsAt('version: 1', 'name: x', 'defaults:', '  |', 'nodes:', '  a: { run: x }'), ['retry']);
    assert.deepEqual(snippetsAt('version: 1', 'name: x', 'nodes:', '  a:', '    run: x', '    retry: 2', '    |'), []);
  });

  it('offers none in an expression, a value, a flow mapping, or deeper keys', () => {
    const base = ['version: 1', 'name: x', 'nodes:', '  build: { run: x, outputs: [version] }'];
    assert.deepEqual(snippetsAt(...base, '  n:', '    needs: build', '    run: echo ${{ nodes.build.outputs.ver| }}'), []);
    assert.deepEqual(snippetsAt(...base, '  n:', '    needs: build', '    run: mat|'), []);
    assert.deepEqual(snippetsAt(...base, '  n: { run: x, | }'), []);
    assert.deepEqual(snippetsAt(...base, '  n:', '    run: x', '    approval:', '      |'), []);
  });

  it('writes a whole node, its lines indented under its key, as a snippet', () => {
    const text = 'version: 1\nname: x\nnodes:\n  \n';
    const index = buildIndex(validateWorkflow(text));
    const gate = complete(index, text.indexOf('  \n') + 2).find((i) => i.label === 'gate')!;
    assert.equal(gate.snippet, true);
    assert.equal(gate.detail, 'Approval gate');
    assert.match(gate.insertText, /^\$\{1:approve\}:\n {2}needs: \[\$\{2\}\]\n {2}approval:\n/);
    assert.ok(gate.sortText!.startsWith('~'), 'after the keys');
  });
});
