import { strict as assert } from 'node:assert';
import { hasMatrixExpressions, matrixTemplateText } from '../../src/engine/matrix';
import { diagnose, yaml } from './helpers';

describe('a matrix made at run time, as validation reads it', () => {
  const workflow = (...test: string[]) =>
    yaml('version: 1', 'name: M', 'nodes:', '  plan: { run: x, outputs: [m] }', '  other: { run: x, outputs: [m] }', '  test:', '    needs: plan', ...test);
  const found = (text: string) => diagnose(text).map((d) => [d.severity, d.code, d.line, d.message]);

  it('accepts an expression for the whole matrix, an axis, include or exclude; matrix settings and any matrix key are read', () => {
    assert.deepEqual(
      found(
        workflow('    matrix: ${{ fromJSON(nodes.plan.outputs.m) }}', '    maxParallel: 2', '    failFast: true', "    run: 'echo ${{ matrix.anything }}'"),
      ),
      [],
    );
    const lists = [
      '    matrix:',
      '      os: [linux, macos]',
      '      n: ${{ fromJSON(nodes.plan.outputs.m) }}',
      '      include: ${{ fromJSON(nodes.plan.outputs.m) }}',
      "      exclude: ${{ fromJSON(env.SKIP || '[]') }}",
      "    run: 'echo ${{ matrix.os }}'",
    ];
    assert.deepEqual(found(workflow(...lists)), []);
  });

  it('says where an expression reads what it cannot: a node it does not need, or the matrix itself', () => {
    const d = found(workflow('    matrix:', '      a: ${{ fromJSON(nodes.other.outputs.m) }}', '      b: ${{ matrix.a }}', '    run: x'));
    assert.deepEqual(
      d.map(([severity, code, line]) => [severity, code, line]),
      [
        ['error', 'unreachable-reference', 9],
        ['error', 'unreachable-reference', 10],
      ],
    );
    assert.match(String(d[0][3]), /'other' is not upstream of 'test'/);
    assert.match(String(d[1][3]), /a node's matrix is evaluated before the node has instances: it can read inputs, env, nodes, run, workflow, not matrix/);
  });

  it('says what a matrix must be where it is neither lists nor one expression', () => {
    const d = found(workflow('    matrix:', '      os: linux', '      include: "${{ env.X }} and more"', '    run: x'));
    assert.deepEqual(
      d.map(([severity, code, line]) => [severity, code, line]),
      [
        ['error', 'schema', 9],
        ['error', 'schema', 10],
      ],
    );
    assert.match(
      String(d[0][3]),
      /'os' must be a list of values, or one expression that makes it such as \$\{\{ fromJSON\(nodes\.plan\.outputs\.matrix\) \}\}, not 'linux'/,
    );
    assert.match(String(d[1][3]), /'include' must be a list of entries, or one expression/);
    assert.match(String(found(workflow('    matrix: fromJSON(x)', '    run: x'))[0][3]), /'matrix' must be a mapping of keys to lists, or one expression/);
  });

  it('is told on one line as it is written', () => {
    assert.equal(matrixTemplateText(' ${{ fromJSON(x) }} '), '${{ fromJSON(x) }}');
    assert.equal(
      matrixTemplateText({ os: ['linux', 'macos'], n: '${{ fromJSON(x) }}', include: [{ os: 'bsd', big: true }] }),
      'os: [linux, macos], n: ${{ fromJSON(x) }}, include: [{ os: bsd, big: true }]',
    );
  });

  it('finds an expression anywhere in a matrix, and none in one written out', () => {
    assert.equal(hasMatrixExpressions({ os: ['linux', 'x${{ inputs.os }}'] }), true);
    assert.equal(hasMatrixExpressions({ include: [{ os: '${{ inputs.os }}' }] }), true);
    assert.equal(hasMatrixExpressions({ os: ['linux', 'mac'], include: [{ n: 1 }] }), false);
    assert.equal(hasMatrixExpressions('${{ x }}'), true);
  });
});
