import { strict as assert } from 'node:assert';
import { followCallers, type WorkflowText } from '../../src/engine/edits/callerChain';
import { callerOutputEdits, passesOutputOn } from '../../src/engine/edits/outputRename';
import { yaml } from './helpers';

const file = (name: string, ...nodes: string[]): WorkflowText => ({
  path: `/w/${name}.workflow.yaml`,
  text: yaml('version: 1', `name: ${name}`, 'nodes:', ...nodes),
});
const reads = (id: string) => `  show_${id}: { needs: ${id}, run: echo "$V", env: { V: "\${{ nodes.${id}.outputs.version }}" } }`;

const follow = (files: WorkflowText[]) =>
  followCallers(files, '/w/inner.workflow.yaml', {
    name: 'version',
    plan: (index, path, callee) => callerOutputEdits(index, path, callee, 'version', 'release'),
    passesOn: (index, path, callee) => passesOutputOn(index, path, callee, 'version'),
  });

describe('a rename followed through the workflows that run a file', () => {
  it('ends on workflows that run each other, edits each file once, and edits a file reached at two levels in both', () => {
    const files = [
      // b and d run each other (a run would refuse them; a rename must still end), both pass the output on.
      file('b', '  i: { workflow: ./inner.workflow.yaml }', '  d: { workflow: ./d.workflow.yaml, outputs: [other] }', reads('i')),
      file('d', '  b: { workflow: ./b.workflow.yaml }', reads('b')),
      // top reads it straight from inner and through b.
      file('top', '  i: { workflow: ./inner.workflow.yaml }', '  b: { workflow: ./b.workflow.yaml }', reads('i'), reads('b')),
    ];
    const r = follow(files);
    assert.ok(!('error' in r));
    assert.deepEqual(
      r.files.map((f) => [f.path, f.edits.length]),
      [
        ['/w/b.workflow.yaml', 1],
        ['/w/top.workflow.yaml', 2],
        ['/w/d.workflow.yaml', 1],
      ],
    );
    assert.deepEqual(r.notes, []);
  });

  it('goes no deeper than a run nests sub-workflows', () => {
    // f1 runs inner, f2 runs f1, … each reads the output from the one below.
    const files = Array.from({ length: 10 }, (_, i) => file(`f${i + 1}`, `  n: { workflow: ./${i === 0 ? 'inner' : `f${i}`}.workflow.yaml }`, reads('n')));
    const r = follow(files);
    assert.ok(!('error' in r));
    // inner and 7 files above it make 8, the most a run nests.
    assert.deepEqual(
      r.files.map((f) => f.path),
      files.slice(0, 7).map((f) => f.path),
    );
  });

  it('stops at a caller that refuses the new name, with why', () => {
    const r = follow([file('b', '  i: { workflow: ./inner.workflow.yaml, outputs: [version, release] }', reads('i'))]);
    assert.ok('error' in r);
    assert.match(r.error, /b\.workflow\.yaml: node 'i' already has an output 'release'/);
  });
});
