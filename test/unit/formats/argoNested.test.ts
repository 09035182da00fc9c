import { strict as assert } from 'node:assert';
import { importWorkflow } from '../../../src/engine/formats';
import { argo, ended, SAY, specOf } from './argoSources';
import { inFolder, loggedLines, runWorkflowText } from './importedRuns';

describe('Argo import: a task that runs another dag or steps template', () => {
  it("puts the template's tasks in its place, named under it, its arguments given, after what it waited for and before what waited for it", async () => {
    const source = argo(
      'main',
      '    - name: main',
      '      dag:',
      '        failFast: false',
      '        tasks:',
      '          - { name: a, template: pair, arguments: { parameters: [{ name: m, value: first }] } }',
      '          - { name: b, template: pair, depends: a, arguments: { parameters: [{ name: m, value: "second" }] } }',
      '          - { name: c, template: say, depends: b.Succeeded, arguments: { parameters: [{ name: m, value: last }] } }',
      '    - name: pair',
      '      inputs: { parameters: [{ name: m }] }',
      '      dag:',
      '        tasks:',
      '          - { name: x, template: say, arguments: { parameters: [{ name: m, value: "{{inputs.parameters.m}}-x" }] } }',
      '          - { name: y, template: say, dependencies: [x], arguments: { parameters: [{ name: m, value: "{{inputs.parameters.m}}-y" }] } }',
      SAY,
    );
    const { text, notImported } = await importWorkflow(source, 'n.yaml');
    assert.deepEqual(notImported, []);
    assert.deepEqual(
      specOf(text).nodes.map((n) => [n.id, n.needs, n.if]),
      [
        ['a-x', [], undefined],
        ['a-y', ['a-x'], undefined],
        ['b-x', ['a-y'], undefined],
        ['b-y', ['b-x'], undefined],
        ['c', ['b-y'], undefined],
      ],
    );
    await inFolder('argo-nested', async (dir) =>
      assert.deepEqual(loggedLines((await runWorkflowText(dir, text)).events), ['first-x', 'first-y', 'second-x', 'second-y', 'last']),
    );
  });

  it('keeps steps semantics through a nested steps template: past a step its when skipped, stopped by one that failed', async () => {
    const source = (code: number) =>
      argo(
        'main',
        '    - name: main',
        '      steps:',
        '        - - { name: inner, template: inner }',
        '        - - { name: after, template: say, arguments: { parameters: [{ name: m, value: after }] } }',
        '    - name: inner',
        '      steps:',
        `        - - { name: skip, template: say, when: "a == b", arguments: { parameters: [{ name: m, value: never }] } }`,
        `          - { name: work, template: exit, arguments: { parameters: [{ name: code, value: "${code}" }] } }`,
        '        - - { name: then, template: say, arguments: { parameters: [{ name: m, value: then }] } }',
        '    - { name: exit, inputs: { parameters: [{ name: code }] }, script: { image: alpine, command: [sh], source: "exit {{inputs.parameters.code}}" } }',
        SAY,
      );
    await inFolder('argo-nested-steps', async (dir) => {
      const passing = await runWorkflowText(dir, (await importWorkflow(source(0), 'n.yaml')).text);
      assert.deepEqual(ended(passing.events), { 'inner-skip': 'skipped', 'inner-work': 'completed', 'inner-then': 'completed', after: 'completed' });
      const failing = await runWorkflowText(dir, (await importWorkflow(source(4), 'n.yaml')).text);
      assert.deepEqual(ended(failing.events), { 'inner-skip': 'skipped', 'inner-work': 'failed', 'inner-then': 'skipped', after: 'skipped' });
    });
  });

  it("reads a nested template's output from the inner task it names, in a dag and in steps, and runs", async () => {
    const source = (kind: 'dag' | 'steps') =>
      argo(
        'main',
        '    - name: main',
        '      dag:',
        '        failFast: false',
        '        tasks:',
        '          - { name: gen, template: inner }',
        '          - { name: use, depends: gen, template: say, arguments: { parameters: [{ name: m, value: "got {{tasks.gen.outputs.parameters.out}}" }] } }',
        '    - name: inner',
        ...(kind === 'dag' ? ['      dag: { tasks: [{ name: make, template: maker }] }'] : ['      steps: [[{ name: make, template: maker }]]']),
        `      outputs: { parameters: [{ name: out, valueFrom: { parameter: "{{${kind === 'dag' ? 'tasks' : 'steps'}.make.outputs.result}}" } }] }`,
        '    - { name: maker, script: { image: alpine, command: [sh], source: "echo 42" } }',
        SAY,
      );
    for (const kind of ['dag', 'steps'] as const) {
      const { text, notImported } = await importWorkflow(source(kind), 'n.yaml');
      assert.deepEqual(notImported, [], kind);
      const nodes = specOf(text).nodes;
      assert.deepEqual(
        nodes.map((n) => [n.id, n.needs]),
        [
          ['gen-make', []],
          ['use', ['gen-make']],
        ],
      );
      assert.equal(nodes[0].stdoutAs, 'result');
      await inFolder('argo-nested-outputs', async (dir) => assert.deepEqual(loggedLines((await runWorkflowText(dir, text)).events), ['42', 'got 42']));
    }
  });

  it('leaves a task whose outputs are read, or that has a condition, as one node with a note; a template that calls itself ends', async () => {
    const source = argo(
      'main',
      '    - name: main',
      '      dag:',
      '        failFast: false',
      '        tasks:',
      '          - { name: a, template: pair }',
      '          - { name: b, template: say, depends: a, arguments: { parameters: [{ name: m, value: "{{tasks.a.outputs.parameters.p}}" }] } }',
      '          - { name: c, template: pair, when: "x == y" }',
      '          - { name: d, template: loop }',
      '    - { name: pair, dag: { tasks: [{ name: x, template: say, arguments: { parameters: [{ name: m, value: x }] } }] } }',
      '    - { name: loop, dag: { tasks: [{ name: again, template: loop }] } }',
      SAY,
    );
    const { text, notImported } = await importWorkflow(source, 'n.yaml');
    const ids = specOf(text).nodes.map((n) => n.id);
    assert.deepEqual(ids.slice(0, 3), ['a', 'b', 'c']);
    assert.match(ids[3], /^d(-again)+$/);
    assert.ok(ids[3].length < 64 * 7, 'the loop is put in place a bounded number of times');
    assert.match(notImported.join('\n'), /task 'a' \(line 11\) runs a 'dag' template, which the local engine has no counterpart for/);
    assert.match(notImported.join('\n'), /task 'c' \(line 13\) runs a 'dag' template/);
  });
});
