import { strict as assert } from 'node:assert';
import { parse } from 'yaml';
import { ConversionError, exportWorkflow, importWorkflow } from '../../../src/engine/formats';
import { yaml } from '../helpers';
import { specOf } from './argoSources';
import { inFolder, runWorkflowText } from './importedRuns';
import { argoErrors } from './validators';

type Task = { name: string; depends?: string; dependencies?: string[]; continueOn?: unknown };
type Template = { name: string; metadata?: { annotations?: Record<string, string> }; dag?: { tasks: Task[] } };
const templatesOf = (out: string): Template[] => (parse(out) as { spec: { templates: Template[] } }).spec.templates;
const mainTasks = (out: string): Record<string, Task> => Object.fromEntries(templatesOf(out)[0].dag!.tasks.map((t) => [t.name, t]));

const workflow = (...nodes: string[]) =>
  yaml('version: 1', 'name: Deps', 'inputs:', '  target: { type: string, default: staging }', 'nodes:', ...nodes.map((l) => `  ${l}`));

describe('Argo export: how a task names the tasks it needs', () => {
  it('names a needed node that has a condition as succeeded: Argo runs a task after one its when skipped, as a node here does not', async () => {
    const text = workflow(
      'build: { run: echo build }',
      'deploy: { needs: [build], if: "inputs.target == \'prod\'", run: echo deploy }',
      'notify: { needs: [deploy], run: echo notify }',
    );
    const out = exportWorkflow(specOf(text), 'argo');
    assert.deepEqual(argoErrors(out), []);
    const tasks = mainTasks(out);
    assert.equal(tasks.notify.depends, 'deploy.Succeeded');
    assert.equal(tasks.deploy.depends, 'build', 'every task names its needs one way: Argo refuses depends beside dependencies');
    assert.ok(Object.values(tasks).every((t) => t.dependencies === undefined));
    const back = await importWorkflow(out, 'deps.yaml');
    assert.deepEqual(back.notImported, []);
    assert.deepEqual(specOf(back.text).nodes, specOf(text).nodes);
  });

  it('keeps dependencies and continueOn where no task needs more', () => {
    const out = exportWorkflow(specOf(workflow('build: { run: echo build, continueOnError: true }', 'test: { needs: [build], run: echo test }')), 'argo');
    assert.deepEqual(mainTasks(out).test.dependencies, ['build']);
    assert.deepEqual(mainTasks(out).build.continueOn, { failed: true });
  });

  it('names the failure of a node under continueOnError beside a status condition, where Argo takes no continueOn, and reads it back', async () => {
    const text = workflow(
      'lint: { run: exit 1, continueOnError: true }',
      'test: { needs: [lint], run: echo test }',
      'cleanup: { needs: [test], if: always(), run: echo clean }',
    );
    const out = exportWorkflow(specOf(text), 'argo');
    assert.deepEqual(argoErrors(out), []);
    const tasks = mainTasks(out);
    assert.equal(tasks.test.depends, '(lint || lint.Failed)');
    assert.equal(tasks.lint.continueOn, undefined);
    assert.equal(templatesOf(out).find((t) => t.name === 'lint')?.metadata?.annotations?.['maestro.dev/continue-on-error'], 'true');
    const back = await importWorkflow(out, 'deps.yaml');
    assert.deepEqual(back.notImported, []);
    assert.deepEqual(specOf(back.text).nodes, specOf(text).nodes);
  });

  it('refuses a node under continueOnError that nothing needs beside a status condition: its failure would fail the Argo workflow', () => {
    const spec = specOf(
      workflow('lint: { run: exit 1, continueOnError: true }', 'test: { run: echo test }', 'cleanup: { needs: [test], if: always(), run: echo clean }'),
    );
    assert.throws(
      () => exportWorkflow(spec, 'argo'),
      (e: unknown) =>
        e instanceof ConversionError &&
        e.problems.some((p) => p.node === 'lint' && /^continueOnError: Argo takes no continueOn in a dag whose tasks name/.test(p.message)),
    );
  });
});

describe('Argo import: a task after one its when may skip', () => {
  const argo = (dependsOnChecked: string) =>
    [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Workflow',
      'metadata: { generateName: w- }',
      'spec:',
      '  entrypoint: main',
      '  arguments: { parameters: [{ name: target, value: staging }] }',
      '  templates:',
      '    - name: main',
      '      dag:',
      '        failFast: false',
      '        tasks:',
      '          - { name: build, template: say }',
      `          - { name: deploy, template: say, dependencies: [build], when: "'{{workflow.parameters.target}}' == 'prod'" }`,
      `          - { name: notify, template: say, ${dependsOnChecked} }`,
      '    - { name: say, container: { image: alpine, command: [echo, hi] } }',
      '',
    ].join('\n');

  it('runs it after the skipped one, as Argo does, from dependencies or a bare name in depends; the note says what differs', async () => {
    for (const given of ['dependencies: [deploy]', 'depends: deploy']) {
      const { text, notImported } = await importWorkflow(argo(given), 'w.yaml');
      const notify = specOf(text).nodes.find((n) => n.id === 'notify')!;
      assert.equal(notify.if, "!cancelled() && (nodes.deploy.status == 'completed' || nodes.deploy.status == 'skipped')", given);
      assert.match(
        notImported.join('\n'),
        given.startsWith('dependencies')
          ? /task 'notify' \(line 14\): it runs after 'deploy' completed or was skipped by a when, as in Argo; where one is skipped here because a node before it did not complete/
          : /task 'notify' \(line 14\): depends 'deploy' is read as a condition on how those tasks ended/,
      );
      await inFolder('argo-skip', async (dir) => {
        const { status, events } = await runWorkflowText(dir, text);
        assert.equal(status, 'completed');
        const ended = Object.fromEntries(events.flatMap((e) => (e.type === 'node:completed' || e.type === 'node:skipped' ? [[e.nodeId, e.type]] : [])));
        assert.deepEqual(ended, { build: 'node:completed', deploy: 'node:skipped', notify: 'node:completed' });
      });
    }
  });

  it('reads deploy.Succeeded as a need, as our export writes it', async () => {
    const { text, notImported } = await importWorkflow(argo('depends: deploy.Succeeded'), 'w.yaml');
    assert.deepEqual(notImported, []);
    const notify = specOf(text).nodes.find((n) => n.id === 'notify')!;
    assert.deepEqual([notify.needs, notify.if], [['deploy'], undefined]);
  });

  it('reads a bare word in a when as text, as Argo does: its coinflip example runs one side and skips the other', async () => {
    const coinflip = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Workflow',
      'metadata: { generateName: coinflip- }',
      'spec:',
      '  entrypoint: coinflip',
      '  templates:',
      '    - name: coinflip',
      '      dag:',
      '        failFast: false',
      '        tasks:',
      '          - { name: flip-coin, template: flip-coin }',
      '          - { name: heads, depends: flip-coin, template: say, when: "{{tasks.flip-coin.outputs.result}} == heads" }',
      '          - { name: tails, depends: flip-coin, template: say, when: "{{tasks.flip-coin.outputs.result}} == tails && true" }',
      '    - { name: flip-coin, script: { image: alpine, command: [sh], source: "echo heads" } }',
      '    - { name: say, container: { image: alpine, command: [echo, it was] } }',
      '',
    ].join('\n');
    const { text, notImported } = await importWorkflow(coinflip, 'coinflip.yaml');
    assert.deepEqual(notImported, []);
    const [, heads, tails] = specOf(text).nodes;
    assert.deepEqual([heads.if, tails.if], ["nodes.flip-coin.outputs.result == 'heads'", "nodes.flip-coin.outputs.result == 'tails' && true"]);
    await inFolder('argo-coinflip', async (dir) => {
      const { events } = await runWorkflowText(dir, text);
      const ended = Object.fromEntries(events.flatMap((e) => (e.type === 'node:completed' || e.type === 'node:skipped' ? [[e.nodeId, e.type]] : [])));
      assert.deepEqual(ended, { 'flip-coin': 'node:completed', heads: 'node:completed', tails: 'node:skipped' });
    });
  });
});
