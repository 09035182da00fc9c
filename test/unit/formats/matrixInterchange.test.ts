import { strict as assert } from 'node:assert';
import { parse } from 'yaml';
import { ConversionError, exportWorkflow, importWorkflow } from '../../../src/engine/formats';
import { expandMatrix } from '../../../src/engine/matrix';
import type { WorkflowSpec } from '../../../src/engine/model';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { DOCS_MATRIX } from '../matrixFixture';
import { inFolder, loggedLines, runWorkflowText } from './importedRuns';
import { argoErrors, githubErrors } from './validators';

const specOf = (text: string): WorkflowSpec => {
  const { workflow, diagnostics } = validateWorkflow(text);
  assert.deepEqual(
    diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message),
    [],
  );
  return workflow;
};

/** Each instance's values, without the empty ones (a key the instance has not, as Argo's items must carry it). */
const instances = (spec: WorkflowSpec): Record<string, unknown>[] =>
  expandMatrix(spec.nodes[0]).map((i) => Object.fromEntries(Object.entries(i.values).filter(([, v]) => v !== '')));

const SHAPED = [
  'version: 1',
  'name: M',
  'nodes:',
  '  test:',
  '    matrix:',
  '      os: [linux, macos]',
  '      node: [18, 20]',
  '      exclude: [{ os: macos, node: 18 }]',
  '      include: [{ node: 20, coverage: true }, { os: windows, node: 20 }]',
  '    run: ./test.sh ${{ matrix.os }} ${{ matrix.node }} ${{ matrix.coverage }}',
  '',
].join('\n');

describe('matrix include and exclude across formats', () => {
  it('export to GitHub Actions as written, which GitHub accepts, and import back to the same instances', async () => {
    const spec = specOf(SHAPED);
    const out = exportWorkflow(spec, 'github-actions');
    assert.deepEqual(await githubErrors(out), []);
    const matrix = (parse(out) as { jobs: { test: { strategy: { matrix: unknown } } } }).jobs.test.strategy.matrix;
    assert.deepEqual(matrix, DOCS_MATRIX);
    const back = specOf((await importWorkflow(out, 'exported.yml')).text);
    assert.deepEqual(
      expandMatrix(back.nodes[0]).map((i) => i.id),
      expandMatrix(spec.nodes[0]).map((i) => i.id),
    );
  });

  it("export to Argo as one item per instance, each with every key, and import back to the same instances' values", async () => {
    const spec = specOf(SHAPED);
    const out = exportWorkflow(spec, 'argo');
    assert.deepEqual(argoErrors(out), []);
    const doc = parse(out) as { spec: { templates: { dag?: { tasks: { withItems?: unknown[] }[] } }[] } };
    const items = doc.spec.templates.flatMap((t) => t.dag?.tasks ?? []).find((t) => t.withItems)!.withItems;
    assert.deepEqual(items, [
      { os: 'linux', node: 18, coverage: '' },
      { os: 'linux', node: 20, coverage: true },
      { os: 'macos', node: 20, coverage: true },
      { os: 'windows', node: 20, coverage: '' },
    ]);
    const { text, notImported } = await importWorkflow(out, 'exported.yaml');
    assert.deepEqual(notImported, []);
    assert.deepEqual(instances(specOf(text)), instances(spec));
  });

  it('export maxParallel to GitHub Actions as max-parallel and back', async () => {
    const spec = specOf(SHAPED.replace('    run:', '    maxParallel: 2\n    run:'));
    const out = exportWorkflow(spec, 'github-actions');
    assert.deepEqual(await githubErrors(out), []);
    assert.equal((parse(out) as { jobs: { test: { strategy: Record<string, unknown> } } }).jobs.test.strategy['max-parallel'], 2);
    assert.equal(specOf((await importWorkflow(out, 'exported.yml')).text).nodes[0].maxParallel, 2);
  });

  it("export maxParallel to Argo as a dag of the node's items, parallelism at a time, values from other tasks passed in; and back", async () => {
    const text = [
      'version: 1',
      'name: M',
      'nodes:',
      '  build: { run: echo "v=1" >> "$MAESTRO_OUTPUT", outputs: [v] }',
      '  test:',
      '    needs: [build]',
      '    matrix: { os: [linux, macos], node: [18, 20] }',
      '    maxParallel: 2',
      "    if: matrix.os != 'macos'",
      '    env: { V: "${{ nodes.build.outputs.v }}" }',
      '    run: ./test.sh ${{ matrix.os }} "$V"',
      '',
    ].join('\n');
    const spec = specOf(text);
    const out = exportWorkflow(spec, 'argo');
    assert.deepEqual(argoErrors(out), []);
    type Task = { name: string; template: string; when?: string; withItems?: unknown[]; arguments?: { parameters: { name: string; value: string }[] } };
    type Template = { name: string; parallelism?: number; inputs?: unknown; dag?: { failFast: boolean; tasks: Task[] } };
    const templates = (parse(out) as { spec: { templates: Template[] } }).spec.templates;
    const outer = templates[0].dag!.tasks.find((t) => t.name === 'test')!;
    const wrapper = templates.find((t) => t.name === outer.template)!;
    assert.equal(wrapper.name, 'test-items');
    assert.equal(wrapper.parallelism, 2);
    const passed = outer.arguments!.parameters;
    assert.deepEqual(
      passed.map((p) => p.value),
      ['{{tasks.build.outputs.parameters.v}}'],
      'only what comes from outside the items is passed in',
    );
    const [inner] = wrapper.dag!.tasks;
    assert.deepEqual([inner.template, inner.withItems?.length, inner.when], ['test', 4, "'{{item.os}}' != 'macos'"]);
    assert.ok(inner.arguments!.parameters.some((p) => p.value === `{{inputs.parameters.${passed[0].name}}}`));
    const { text: back, notImported } = await importWorkflow(out, 'exported.yaml');
    assert.deepEqual(notImported, []);
    const node = specOf(back).nodes.find((n) => n.id === 'test')!;
    assert.deepEqual([node.maxParallel, node.needs, node.if, node.run], [2, ['build'], spec.nodes[1].if, spec.nodes[1].run]);
    assert.deepEqual(
      expandMatrix(node).map((i) => i.id),
      expandMatrix(spec.nodes[1]).map((i) => i.id),
    );
  });

  it("carry GitHub's fail-fast both ways as failFast, its default true on import; refuse it for Argo", async () => {
    const job = (failFast: string) => `on: push\njobs:\n  a:\n    runs-on: x\n    strategy: { ${failFast} matrix: { n: [1, 2] } }\n    steps: [run: "true"]\n`;
    const failFastOf = async (source: string) => specOf((await importWorkflow(source, 'ci.yml')).text).nodes[0].failFast;
    assert.deepEqual([await failFastOf(job('')), await failFastOf(job('fail-fast: true,')), await failFastOf(job('fail-fast: false,'))], [true, true, false]);
    const spec = specOf(SHAPED.replace('    run:', '    failFast: true\n    run:'));
    const out = exportWorkflow(spec, 'github-actions');
    assert.deepEqual(await githubErrors(out), []);
    assert.equal((parse(out) as { jobs: { test: { strategy: Record<string, unknown> } } }).jobs.test.strategy['fail-fast'], true);
    assert.equal(await failFastOf(out), true);
    assert.equal(await failFastOf(exportWorkflow(specOf(SHAPED), 'github-actions')), false);
    assert.throws(
      () => exportWorkflow(spec, 'argo'),
      (e: unknown) => e instanceof ConversionError && e.problems.some((p) => /^failFast has no Argo counterpart/.test(p.message)),
    );
  });

  it('import Argo items that are every combination of their values as keys, and any others as include entries, with no note', async () => {
    const task = (items: string) =>
      [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Workflow',
        'metadata: { generateName: m- }',
        'spec:',
        '  entrypoint: main',
        '  templates:',
        '    - name: main',
        '      dag:',
        '        tasks:',
        '          - { name: t, template: echo, arguments: { parameters: [{ name: os, value: "{{item.os}}" }] }, withItems: ' + items + ' }',
        '    - name: echo',
        '      inputs: { parameters: [{ name: os }] }',
        '      container: { image: alpine, command: [echo, "{{inputs.parameters.os}}"] }',
        '',
      ].join('\n');
    const product = await importWorkflow(task('[{ os: mac, n: 2 }, { os: linux, n: 1 }, { os: linux, n: 2 }, { os: mac, n: 1 }]'), 'a.yaml');
    assert.deepEqual(specOf(product.text).nodes[0].matrix, { axes: { os: ['mac', 'linux'], n: [2, 1] }, exclude: [], include: [] });
    assert.deepEqual(product.notImported, []);
    const some = await importWorkflow(task('[{ os: mac, n: 2 }, { os: linux, n: 1 }, { os: linux }]'), 'b.yaml');
    assert.deepEqual(specOf(some.text).nodes[0].matrix, {
      axes: {},
      exclude: [],
      include: [{ os: 'mac', n: 2 }, { os: 'linux', n: 1 }, { os: 'linux' }],
    });
    assert.deepEqual(some.notImported, []);
  });

  it("import GitHub's matrix of maps (matrix.config.cc), which runs as GitHub would; export it back as written; refuse it for Argo", async () => {
    const source = [
      'on: push',
      'jobs:',
      '  build:',
      '    name: ${{ matrix.config.name }}',
      '    runs-on: ubuntu-latest',
      '    strategy:',
      '      matrix:',
      '        config:',
      '          - { name: GCC, cc: gcc, flags: [-O2] }',
      '          - { name: Clang, cc: clang, flags: [-O2, -g] }',
      '        type: [Release, Debug]',
      '        exclude: [{ config: { cc: clang }, type: Debug }]',
      '    steps:',
      '      - run: echo "${{ matrix.config.cc }} ${{ matrix.config.flags[0] }} ${{ matrix.type }}"',
      '',
    ].join('\n');
    const { text, notImported } = await importWorkflow(source, 'ci.yml');
    assert.deepEqual(notImported, []);
    const spec = specOf(text);
    await inFolder('gh-matrix-maps', async (dir) => {
      const { status, events } = await runWorkflowText(dir, text);
      assert.equal(status, 'completed');
      assert.deepEqual(loggedLines(events).sort(), ['clang -O2 Release', 'gcc -O2 Debug', 'gcc -O2 Release']);
    });
    const out = exportWorkflow(spec, 'github-actions');
    assert.deepEqual(await githubErrors(out), []);
    assert.deepEqual(
      (parse(out) as { jobs: { build: { strategy: { matrix: unknown } } } }).jobs.build.strategy.matrix,
      (parse(source) as { jobs: { build: { strategy: { matrix: unknown } } } }).jobs.build.strategy.matrix,
    );
    assert.deepEqual(specOf((await importWorkflow(out, 'exported.yml')).text).nodes, spec.nodes);
    assert.throws(
      () => exportWorkflow(spec, 'argo'),
      (e: unknown) =>
        e instanceof ConversionError &&
        e.problems.some((p) => /^matrix 'config' has lists or maps as values: an item of Argo's withItems is a map of plain values/.test(p.message)),
    );
  });

  it('import exclude and include values in another case as GitHub matches them, without regard to case', async () => {
    const source = [
      'on: push',
      'jobs:',
      '  t:',
      '    runs-on: ubuntu-latest',
      '    strategy:',
      '      matrix:',
      '        os: [linux, macos]',
      '        node: [18, 20]',
      '        exclude: [{ os: MacOS, node: 18 }]',
      '        include: [{ os: LINUX, lts: true }, { os: Windows }]',
      '    steps: [run: "true"]',
      '',
    ].join('\n');
    const { text, notImported } = await importWorkflow(source, 'ci.yml');
    assert.deepEqual(notImported, []);
    assert.deepEqual(
      expandMatrix(specOf(text).nodes[0]).map((i) => i.id),
      ['t[os=linux,node=18,lts=true]', 't[os=linux,node=20,lts=true]', 't[os=macos,node=20]', 't[os=Windows]'],
    );
  });
});
