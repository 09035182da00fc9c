import { strict as assert } from 'node:assert';
import { ImportError, importWorkflow } from '../../../src/engine/formats';
import { argo, ended, SAY, specOf } from './argoSources';
import { inFolder, loggedLines, runWorkflowText } from './importedRuns';

describe('Argo import: a steps template, or one template, as the entrypoint', () => {
  it('imports a container template alone as one node, which runs', async () => {
    const { text, notImported } = await importWorkflow(
      argo('hello', '    - { name: hello, container: { image: busybox, command: [echo], args: [hello world] } }'),
      'hello.yaml',
    );
    assert.deepEqual(notImported, []);
    assert.deepEqual(
      specOf(text).nodes.map((n) => [n.id, n.run]),
      [['hello', "echo 'hello world'"]],
    );
    await inFolder('argo-hello', async (dir) => assert.deepEqual(loggedLines((await runWorkflowText(dir, text)).events), ['hello world']));
  });

  it('runs each group of steps after the group before it, side by side within it, reading earlier steps as tasks', async () => {
    const source = argo(
      'main',
      '    - name: main',
      '      steps:',
      '        - - { name: gen, template: gen }',
      '        - - { name: one, template: say, arguments: { parameters: [{ name: m, value: "one {{steps.gen.outputs.result}}" }] } }',
      '          - { name: two, template: say, arguments: { parameters: [{ name: m, value: "two {{steps.gen.outputs.parameters.n}}" }] } }',
      '        - - { name: last, template: say, arguments: { parameters: [{ name: m, value: last }] } }',
      '    - name: gen',
      '      script: { image: alpine, command: [sh], source: "echo 7 > /tmp/n; echo from-gen" }',
      '      outputs: { parameters: [{ name: n, valueFrom: { path: /tmp/n } }] }',
      SAY,
    );
    const { text } = await importWorkflow(source, 's.yaml');
    const nodes = specOf(text).nodes;
    assert.deepEqual(
      nodes.map((n) => [n.id, n.needs]),
      [
        ['gen', []],
        ['one', ['gen']],
        ['two', ['gen']],
        ['last', ['one', 'two']],
      ],
    );
    assert.equal(nodes[0].stdoutAs, 'result');
    assert.match(nodes[1].run!, /echo 'one \$\{\{ nodes\.gen\.outputs\.result \}\}'/);
    assert.match(nodes[2].run!, /nodes\.gen\.outputs\.n/);
  });

  it("goes on after a step its when skipped, as Argo does, and stops the groups after a step that failed; that step's group runs on", async () => {
    const source = argo(
      'main',
      '    - name: main',
      '      steps:',
      '        - - { name: flip, template: flip }',
      `          - { name: broken, template: fail, when: "{{workflow.parameters.break}} == yes" }`,
      '        - - { name: heads, template: say, when: "{{steps.flip.outputs.result}} == heads", arguments: { parameters: [{ name: m, value: heads }] } }',
      '          - { name: tails, template: say, when: "{{steps.flip.outputs.result}} == tails", arguments: { parameters: [{ name: m, value: tails }] } }',
      '        - - { name: done, template: say, arguments: { parameters: [{ name: m, value: done }] } }',
      '    - { name: flip, script: { image: alpine, command: [sh], source: "echo heads" } }',
      '    - { name: fail, script: { image: alpine, command: [sh], source: "exit 3" } }',
      SAY,
    ).replace('spec:\n', 'spec:\n  arguments: { parameters: [{ name: break, value: "no" }] }\n');
    const { text, notImported } = await importWorkflow(source, 's.yaml');
    assert.deepEqual(notImported, []);
    const done = specOf(text).nodes.find((n) => n.id === 'done')!;
    assert.deepEqual(
      [done.needs, done.if],
      [
        ['heads', 'tails'],
        "!cancelled() && nodes.flip.status != 'failed' && nodes.broken.status != 'failed' && nodes.heads.status != 'failed' && nodes.tails.status != 'failed'",
      ],
    );
    await inFolder('argo-steps', async (dir) => {
      const run = await runWorkflowText(dir, text);
      assert.equal(run.status, 'completed');
      assert.deepEqual(ended(run.events), { flip: 'completed', broken: 'skipped', heads: 'completed', tails: 'skipped', done: 'completed' });
      const failing = await runWorkflowText(dir, text, { inputs: { break: 'yes' } });
      assert.equal(failing.status, 'failed');
      assert.deepEqual(ended(failing.events), { flip: 'completed', broken: 'failed', heads: 'skipped', tails: 'skipped', done: 'skipped' });
    });
  });

  it('refuses a step group that is not a list, naming it', async () => {
    await assert.rejects(importWorkflow(argo('main', '    - name: main', '      steps: [{ name: a, template: t }]'), 's.yaml'), (e: unknown) => {
      assert.ok(e instanceof ImportError);
      assert.match(e.message, /^s\.yaml:7:\d+: the entrypoint 'main': its step group 1 is \{"name":"a","template":"t"\}, not a list of steps run side by side/);
      return true;
    });
  });

  it("names what it does not read: an exit handler, pod settings, a task's and a template's fields with no counterpart", async () => {
    const source = argo(
      'main',
      '    - name: main',
      '      dag: { failFast: false, tasks: [{ name: a, template: t, hooks: { exit: { template: t } } }] }',
      '    - name: t',
      '      daemon: true',
      '      outputs: { artifacts: [{ name: out, path: /tmp/out }] }',
      '      container: { image: alpine, command: ["true"], resources: { limits: { cpu: 1 } }, volumeMounts: [] }',
    ).replace('spec:\n', 'spec:\n  onExit: bye\n  serviceAccountName: runner\n  podGC: { strategy: OnPodSuccess }\n  volumes: []\n');
    const { text, notImported } = await importWorkflow(source, 'w.yaml');
    assert.deepEqual(notImported, [
      "the workflow's exit handler (onExit: bye) is not a template of the file that can be imported: add its steps as nodes that need the last ones, with if: always()",
      "the workflow's volumes: no counterpart here",
      "the workflow's serviceAccountName, podGC: settings of the pods and the cluster, which have no meaning on this machine",
      "the templates' resources, volumeMounts: settings of the pods, which have no meaning on this machine",
      "task 'a' (line 12): its hooks: no counterpart here",
      "task 'a' (line 12): its template's daemon, outputs.artifacts: no counterpart here",
    ]);
    assert.match(text, /^# not imported: the workflow's exit handler \(onExit: bye\)/m);
    specOf(text);
  });

  it("runs the exit handler after everything else whatever happened, its when reading how the run went; Argo's example imports and runs", async () => {
    const source = (exitCode: number) =>
      argo(
        'main',
        '    - name: main',
        '      steps:',
        `        - - { name: work, template: say, arguments: { parameters: [{ name: m, value: work }] } }`,
        `        - - { name: more, template: exit, arguments: { parameters: [{ name: code, value: "${exitCode}" }] } }`,
        '    - name: bye',
        '      steps:',
        '        - - { name: notify, template: say, arguments: { parameters: [{ name: m, value: notify }] } }',
        '          - { name: celebrate, template: say, when: "{{workflow.status}} == Succeeded", arguments: { parameters: [{ name: m, value: hooray }] } }',
        `          - { name: cry, template: say, when: "'{{workflow.status}}' != 'Succeeded'", arguments: { parameters: [{ name: m, value: boohoo }] } }`,
        '        - - { name: after, template: say, arguments: { parameters: [{ name: m, value: after }] } }',
        '    - { name: exit, inputs: { parameters: [{ name: code }] }, script: { image: alpine, command: [sh], source: "exit {{inputs.parameters.code}}" } }',
        SAY,
      ).replace('spec:\n', 'spec:\n  onExit: bye\n');
    const { text, notImported } = await importWorkflow(source(0), 'w.yaml');
    assert.deepEqual(notImported, []);
    const nodes = specOf(text).nodes;
    const hooked = await importWorkflow(source(0).replace('  onExit: bye\n', '  hooks: { exit: { template: bye } }\n'), 'w.yaml');
    assert.deepEqual([hooked.notImported, specOf(hooked.text).nodes], [[], nodes], 'the newer hooks.exit is the same handler');
    assert.deepEqual(
      nodes.filter((n) => ['notify', 'celebrate'].includes(n.id)).map((n) => [n.needs, n.if]),
      [
        [['more'], 'always()'],
        [['more'], "always() && (((failure() || cancelled()) && 'Failed' || 'Succeeded') == 'Succeeded')"],
      ],
    );
    await inFolder('argo-exit', async (dir) => {
      const passed = await runWorkflowText(dir, text);
      assert.equal(passed.status, 'completed');
      const lines = loggedLines(passed.events);
      assert.deepEqual(
        [lines[0], lines.slice(1, 3).sort(), lines[3]],
        ['work', ['hooray', 'notify'], 'after'],
        'the handler after the work, its groups in order',
      );
      assert.deepEqual(ended(passed.events), {
        work: 'completed',
        more: 'completed',
        notify: 'completed',
        celebrate: 'completed',
        cry: 'skipped',
        after: 'completed',
      });
      const failed = await runWorkflowText(dir, (await importWorkflow(source(3), 'w.yaml')).text);
      assert.equal(failed.status, 'failed');
      assert.deepEqual(ended(failed.events), {
        work: 'completed',
        more: 'failed',
        notify: 'completed',
        celebrate: 'skipped',
        cry: 'completed',
        after: 'completed',
      });
    });
  });

  it("imports a CronWorkflow's workflow, saying in the header that its schedule is Argo's", async () => {
    const cron = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: CronWorkflow',
      'metadata: { name: nightly }',
      'spec:',
      '  schedule: "0 2 * * *"',
      '  workflowSpec:',
      '    entrypoint: hello',
      '    templates:',
      '      - { name: hello, container: { image: busybox, command: [echo, hi] } }',
      '',
    ].join('\n');
    const { text, notImported } = await importWorkflow(cron, 'nightly.yaml');
    assert.deepEqual(notImported, []);
    assert.match(text, /^# Its schedule \(0 2 \* \* \*\) is Argo's: run this one with Run Workflow or maestro-dag run\.$/m);
    assert.deepEqual(
      specOf(text).nodes.map((n) => n.id),
      ['hello'],
    );
  });
});
