import { strict as assert } from 'node:assert';
import type { FieldValue } from '../../src/engine/edits/actions';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { refusalOf, edit } from './helpers';

const setAxes = (text: string, id: string, axes: Record<string, FieldValue[]>): string => edit(text, { type: 'setMatrixAxes', id, axes });
const refusal = (text: string, id: string, axes: Record<string, FieldValue[]>): string => refusalOf(text, { type: 'setMatrixAxes', id, axes });

const BLOCK = `version: 1
name: m
nodes:
  test:
    matrix:
      os: [linux, macos]   # where
      node: [18, 20]
      exclude:
        - { os: macos, node: 18 }
    run: ./test.sh
`;

describe("setting a matrix's axes", () => {
  it('writes an axis with other values anew, adds new ones in order and removes those left out, entries and comments kept', () => {
    const after = setAxes(BLOCK, 'test', { os: ['linux', 'macos'], node: [18, 20, 22], arch: ['x64'], shard: [1, 2] });
    assert.equal(
      after,
      BLOCK.replace('node: [18, 20]', 'node: [18, 20, 22]').replace(
        '        - { os: macos, node: 18 }\n',
        '        - { os: macos, node: 18 }\n      arch: [x64]\n      shard: [1, 2]\n',
      ),
    );
    assert.deepEqual(validateWorkflow(after).diagnostics, []);
    const removed = setAxes(BLOCK, 'test', { os: ['linux', 'macos'] });
    assert.equal(removed, BLOCK.replace('      node: [18, 20]\n', ''));
  });

  it('edits a flow matrix in flow style, and makes or removes the matrix of a node', () => {
    const flow = 'version: 1\nname: m\nnodes:\n  fan:\n    matrix: { shard: [1, 2] }\n    run: echo ${{ matrix.shard }}\n';
    assert.equal(setAxes(flow, 'fan', { shard: [1, 2, 3], os: ['linux'] }), flow.replace('{ shard: [1, 2] }', '{ shard: [1, 2, 3], os: [linux] }'));
    const none = 'version: 1\nname: m\nnodes:\n  fan:\n    run: echo x\n';
    assert.equal(setAxes(none, 'fan', { shard: [1, 2] }), `${none}    matrix:\n      shard: [1, 2]\n`);
    assert.equal(setAxes(flow, 'fan', {}), flow.replace('    matrix: { shard: [1, 2] }\n', ''));
    assert.equal(setAxes(none, 'fan', {}), none);
  });

  it('refuses a key that is not a name, an axis without values, and a matrix made at run time', () => {
    assert.match(refusal(BLOCK, 'test', { 'two words': ['a'] }), /^'two words' cannot be a matrix key/);
    assert.match(refusal(BLOCK, 'test', { include: ['a'] }), /^'include' cannot be a matrix key/);
    assert.equal(refusal(BLOCK, 'test', { os: [] }), "the matrix key 'os' needs at least one value");
    assert.equal(refusal(BLOCK, 'nope', { os: ['a'] }), "there is no node 'nope'");
    const made = 'version: 1\nname: m\nnodes:\n  p: { run: x, outputs: [m] }\n  t:\n    needs: p\n    matrix: ${{ fromJSON(nodes.p.outputs.m) }}\n    run: x\n';
    assert.equal(refusal(made, 't', { os: ['a'] }), "the matrix of 't' is made at run time from an expression: edit it in the file");
  });
});
