import { strict as assert } from 'node:assert';
import { applyEdits } from '../../src/engine/edits/actions';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';
import { complete } from '../../src/extension/language/completion';
import { hoverAt } from '../../src/extension/language/hover';
import { definitionAt, mentionsAt, prepareRename, renameEdits } from '../../src/extension/language/navigation';
import { yaml } from './helpers';

/** A document with a `|` marking the cursor. */
function at(...lines: string[]) {
  const marked = yaml(...lines);
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return { index: buildIndex(validateWorkflow(text)), offset, text };
}

const lines = (read: string) => [
  'version: 1',
  'name: Test',
  'nodes:',
  '  test:',
  '    matrix:',
  '      shard: [1, 2, 3]',
  '      include: [{ shard: 3, slow: true }]',
  `    run: ./test.sh ${read}`,
  '    env: { SLOW: "${{ matrix.slow }}" }',
  '  report:',
  '    needs: test',
  '    run: echo "$FIRST"',
  '    env: { FIRST: "${{ nodes.test.outputs.log[\'test[shard=1]\'] }}" }',
];

describe('language services on matrix keys', () => {
  it('go to its axis, find every mention, and rename it from a read, the axis or an instance id', () => {
    const read = at(...lines('${{ matrix.SHA|RD }}'));
    const def = definitionAt(read.index, read.offset)!;
    assert.equal(read.text.slice(def.start, def.end + 4), 'shard: [1');
    assert.deepEqual(
      mentionsAt(read.index, read.offset).map((m) => [m.role, read.text.slice(m.span.start, m.span.end)]),
      [
        ['definition', 'shard'],
        ['entry', 'shard'],
        ['expression', 'SHARD'],
        ['instance', 'shard'],
      ],
    );
    assert.deepEqual(prepareRename(read.index, read.offset), { span: mentionsAt(read.index, read.offset)[2].span, placeholder: 'shard' });
    const renamed = renameEdits(read.index, read.offset, 'part');
    assert.ok('edits' in renamed && renamed.renamed === undefined);
    const text = applyEdits(read.text, renamed.edits);
    assert.ok(
      text.includes('part: [1, 2, 3]') && text.includes('{ part: 3, slow') && text.includes('matrix.part }}') && text.includes("['test[part=1]']"),
      text,
    );
    const fromId = at(...lines('x').slice(0, 12), '    env: { FIRST: "${{ nodes.test.outputs.log[\'test[sh|ard=1]\'] }}" }');
    assert.equal((prepareRename(fromId.index, fromId.offset) as { placeholder: string }).placeholder, 'shard');
    assert.match((renameEdits(fromId.index, fromId.offset, 'slow') as { error: string }).error, /already has a key 'slow'/);
  });

  it("goes to the include entry that gives a key only include gives; renames inside matrix['key']'s quotes", () => {
    const read = at(...lines('x').slice(0, 8), '    env: { SLOW: "${{ matrix[\'sl|ow\'] }}" }', ...lines('x').slice(9));
    const def = definitionAt(read.index, read.offset)!;
    assert.equal(read.text.slice(def.start, def.end + 6), 'slow: true');
    const prepared = prepareRename(read.index, read.offset) as { span: { start: number; end: number } };
    assert.equal(read.text.slice(prepared.span.start, prepared.span.end), 'slow');
    const renamed = renameEdits(read.index, read.offset, 'long');
    assert.ok('edits' in renamed);
    assert.ok(applyEdits(read.text, renamed.edits).includes("matrix['long']"));
  });

  it('shows the values a key takes and how many expressions read it', () => {
    const axis = at(...lines('${{ matrix.shard }}').slice(0, 5), '      sh|ard: [1, 2, 3]', ...lines('${{ matrix.shard }}').slice(6));
    assert.equal(hoverAt(axis.index, axis.offset)!.markdown, 'Matrix key `shard` of **test**: `1`, `2`, `3`\n\n- read by 1 expression of the node');
    const unknown = at(...lines('${{ matrix.sha|rds }}'));
    assert.equal(hoverAt(unknown.index, unknown.offset)!.markdown, 'Matrix key `shards` of **test** — *not a key of its matrix*');
  });

  it('says a made matrix has no keys to rename', () => {
    const made = at(
      'version: 1',
      'name: m',
      'nodes:',
      '  plan: { run: x, outputs: [m] }',
      '  t:',
      '    needs: plan',
      '    matrix: ${{ fromJSON(nodes.plan.outputs.m) }}',
      '    run: echo ${{ matrix.o|s }}',
    );
    assert.equal(
      (prepareRename(made.index, made.offset) as { error: string }).error,
      "the matrix of 't' is made at run time: its keys are those of the value it is made from.",
    );
    assert.equal(hoverAt(made.index, made.offset)!.markdown, 'Matrix key `os` of **t** — its values are made when the run reaches the node');
  });

  it("completes a matrix node's instance ids as the index of its output, the quote closed after the cursor taken in", () => {
    const env = (typed: string) => at(...lines('x').slice(0, 12), `    env: { FIRST: "\${{ nodes.test.outputs.log[${typed} }}" }`);
    const bare = env('|');
    const items = complete(bare.index, bare.offset);
    assert.deepEqual(
      items.map((i) => [i.label, i.insertText, i.replaceStart - bare.offset, i.replaceEnd === undefined ? undefined : i.replaceEnd - bare.offset]),
      [
        ['test[shard=1]', "'test[shard=1]'", 0, 0],
        ['test[shard=2]', "'test[shard=2]'", 0, 0],
        ['test[shard=3,slow=true]', "'test[shard=3,slow=true]'", 0, 0],
      ],
    );
    const typed = env("'test[sh|']");
    const [first] = complete(typed.index, typed.offset);
    assert.deepEqual([first.filterText, first.replaceStart - typed.offset, first.replaceEnd! - typed.offset], ["'test[shard=1]'", -8, 1]);
    const other = env("'x|");
    assert.equal(complete(other.index, other.offset).length, 3, 'the editor filters by what is typed');
    const plain = at(...lines('x').slice(0, 12), '    env: { FIRST: "${{ nodes.report.outputs.log[| }}" }');
    assert.deepEqual(complete(plain.index, plain.offset), [], 'a node without a matrix has no instances');
  });

  it('shows an instance read by its id, and goes from it to its matrix node', () => {
    const read = at(...lines('x').slice(0, 12), '    env: { FIRST: "${{ nodes.test.outputs.log[\'test[shard=|1]\'] }}" }');
    assert.equal(hoverAt(read.index, read.offset)!.markdown, 'Instance of **test**\n\n- `shard`: `1`');
    const def = definitionAt(read.index, read.offset)!;
    assert.equal(read.text.slice(def.start, def.end), 'test');
    assert.equal(read.text.slice(def.start - 2, def.end + 1), '  test:');
  });
});
