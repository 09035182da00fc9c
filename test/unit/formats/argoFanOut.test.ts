import { strict as assert } from 'node:assert';
import { parse } from 'yaml';
import { ConversionError, exportWorkflow, importWorkflow } from '../../../src/engine/formats';
import type { WorkflowSpec } from '../../../src/engine/model';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { yaml } from '../helpers';
import { argoErrors } from './validators';

const specOf = (text: string): WorkflowSpec => {
  const { workflow, diagnostics } = validateWorkflow(text);
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  return workflow;
};

type Task = { name: string; template: string; withParam?: string; withItems?: unknown[]; arguments?: { parameters: { name: string; value: string }[] } };
type Template = { name: string; metadata?: { annotations?: Record<string, string> }; parallelism?: number; dag?: { tasks: Task[] } };
const templatesOf = (out: string): Template[] => (parse(out) as { spec: { templates: Template[] } }).spec.templates;
const tasksOf = (out: string): Task[] => templatesOf(out).flatMap((t) => t.dag?.tasks ?? []);

/** One matrix of plain values from an input, one of maps from an output; with maxParallel or without. */
const fanOut = (maxParallel: string[]) =>
  yaml(
    'version: 1',
    'name: Fan',
    'inputs:',
    '  shards: { type: string, default: "[1,2]" }',
    'nodes:',
    '  plan:',
    '    outputs: [oses]',
    `    run: echo 'oses=[{"os":"linux"},{"os":"mac"}]' >> "$MAESTRO_OUTPUT"`,
    '  shard:',
    '    matrix:',
    '      n: ${{ fromJSON(inputs.shards) }}',
    ...maxParallel,
    '    run: echo "shard ${{ matrix.n }}"',
    '  os:',
    '    needs: [plan]',
    "    if: matrix.os != 'mac'",
    '    matrix:',
    '      include: ${{ fromJSON(nodes.plan.outputs.oses) }}',
    ...maxParallel,
    '    run: echo "os ${{ matrix.os }}"',
  );

describe("Argo: a matrix made at run time as withParam, and Argo's withParam and withSequence as matrices", () => {
  it('exports one list read with fromJSON as withParam, which Argo accepts, and imports it back to the same workflow', async () => {
    for (const maxParallel of [[], ['    maxParallel: 2']]) {
      const spec = specOf(fanOut(maxParallel));
      const out = exportWorkflow(spec, 'argo');
      assert.deepEqual(argoErrors(out), [], maxParallel.join());
      const fanned = tasksOf(out).filter((t) => t.withParam !== undefined);
      const withParams = fanned.map((t) => t.withParam);
      assert.deepEqual(
        withParams,
        maxParallel.length
          ? ['{{inputs.parameters.items}}', '{{inputs.parameters.items}}']
          : ['{{workflow.parameters.shards}}', '{{tasks.plan.outputs.parameters.oses}}'],
      );
      assert.deepEqual(
        fanned.map((t) => t.arguments?.parameters.map((p) => p.value)),
        [['{{item}}'], ['{{item.os}}']],
        "a plain value is {{item}}, a map's value {{item.k}}",
      );
      if (maxParallel.length) {
        const passed = tasksOf(out)
          .filter((t) => t.template.endsWith('-items'))
          .map((t) => t.arguments?.parameters);
        assert.deepEqual(passed, [
          [{ name: 'items', value: '{{workflow.parameters.shards}}' }],
          [{ name: 'items', value: '{{tasks.plan.outputs.parameters.oses}}' }],
        ]);
      }
      assert.equal(templatesOf(out).find((t) => t.name === 'shard')?.metadata?.annotations?.['maestro.dev/matrix-key'], 'n');
      const back = specOf((await importWorkflow(out, 'fan.yaml')).text);
      // A script comes back as a block, with its line's end.
      const trimmed = (nodes: WorkflowSpec['nodes']) => nodes.map((n) => ({ ...n, run: n.run?.trimEnd() }));
      assert.deepEqual(trimmed(back.nodes), trimmed(spec.nodes), maxParallel.join());
    }
  });

  it('refuses a matrix made at run time that no one withParam can be, saying what can', () => {
    for (const matrix of ['    matrix: ${{ fromJSON(nodes.plan.outputs.oses) }}', '    matrix: { os: [linux], n: "${{ fromJSON(inputs.shards) }}" }']) {
      const text = fanOut([]).replace('    matrix:\n      include: ${{ fromJSON(nodes.plan.outputs.oses) }}', matrix);
      assert.throws(
        () => exportWorkflow(specOf(text), 'argo'),
        (e: unknown) =>
          e instanceof ConversionError && /node 'os': a matrix made at run time is Argo's withParam only as one list read with fromJSON/.test(e.message),
        matrix,
      );
    }
  });

  it("imports a hand-written withParam over plain values, maps or a task's standard output, and a literal withSequence; notes what it cannot", async () => {
    const task = (name: string, fan: string, value: string) => [
      `          - name: ${name}`,
      '            template: echo',
      '            dependencies: [plan]',
      `            ${fan}`,
      '            arguments:',
      '              parameters:',
      `                - { name: v, value: "${value}" }`,
    ];
    const argo = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Workflow',
      'metadata: { generateName: hand- }',
      'spec:',
      '  entrypoint: main',
      '  templates:',
      '    - name: main',
      '      dag:',
      '        failFast: false',
      '        tasks:',
      '          - { name: plan, template: plan }',
      ...task('plain', 'withParam: "{{tasks.plan.outputs.parameters.list}}"', '{{item}}'),
      ...task('maps', 'withParam: "{{tasks.plan.outputs.parameters.list}}"', '{{item.os}}'),
      ...task('counted', 'withSequence: { count: "3" }', '{{item}}'),
      ...task('ranged', 'withSequence: { start: "5", end: "3" }', '{{item}}'),
      ...task('result', 'withParam: "{{tasks.plan.outputs.result}}"', '{{item}}'),
      ...task('formatted', 'withSequence: { count: "2", format: "%02d" }', '{{item}}'),
      ...task('none', 'withSequence: { count: "0" }', '{{item}}'),
      '    - name: plan',
      '      script: { image: alpine, command: [sh], source: "echo" }',
      '      outputs: { parameters: [{ name: list, valueFrom: { path: /tmp/list } }] }',
      '    - name: echo',
      '      inputs: { parameters: [{ name: v }] }',
      '      container: { image: alpine, command: [echo, "{{inputs.parameters.v}}"] }',
      '',
    ].join('\n');
    const { text, notImported } = await importWorkflow(argo, 'hand.yaml');
    const nodes = validateWorkflow(text).workflow.nodes;
    const matrixOf = (id: string) => {
      const n = nodes.find((x) => x.id === id)!;
      return n.matrixTemplate ?? (n.matrix ? n.matrix.axes : undefined);
    };
    assert.deepEqual(matrixOf('plain'), { item: '${{ fromJSON(nodes.plan.outputs.list) }}' });
    assert.deepEqual(matrixOf('maps'), { include: '${{ fromJSON(nodes.plan.outputs.list) }}' });
    assert.deepEqual(matrixOf('counted'), { item: ['0', '1', '2'] });
    assert.deepEqual(matrixOf('ranged'), { item: ['5', '4', '3'] });
    assert.deepEqual(matrixOf('result'), { item: '${{ fromJSON(nodes.plan.outputs.result) }}' });
    assert.equal(nodes.find((n) => n.id === 'plan')!.stdoutAs, 'result', 'the task whose standard output is read has it as an output');
    assert.equal(matrixOf('formatted'), undefined);
    assert.equal(matrixOf('none'), undefined, 'a count of nothing');
    assert.match(
      notImported.join('\n'),
      /task 'formatted' \(line \d+\) fans out with withSequence .*literal counts from 1 to 256, without format, are imported/,
    );
  });
});
