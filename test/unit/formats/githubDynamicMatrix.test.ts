import { strict as assert } from 'node:assert';
import { parse } from 'yaml';
import { ConversionError, exportWorkflow, importWorkflow } from '../../../src/engine/formats';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { inFolder, loggedLines, runWorkflowText } from './importedRuns';
import { githubErrors } from './validators';

/** A plan job writes the matrix; one job fans out over all of it, another over one list of it beside a list written out. */
const PLANNED = `name: CI
on: push
jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      matrix: \${{ steps.p.outputs.list }}
    steps:
      - id: p
        run: echo 'list={"node":[18,20],"include":[{"node":22,"edge":true}]}' >> "$GITHUB_OUTPUT"
  test:
    needs: plan
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix: \${{ fromJSON(needs.plan.outputs.matrix) }}
    steps:
      - run: echo "test node \${{ matrix.node }}"
  lint:
    needs: plan
    runs-on: ubuntu-latest
    strategy:
      matrix:
        os: [linux]
        node: \${{ fromJSON(needs.plan.outputs.matrix).node }}
    steps:
      - run: echo "lint $OS"
        env:
          OS: \${{ matrix.os }}-\${{ matrix.node }}
`;

describe('GitHub Actions: a matrix made from an earlier job', () => {
  it('imports as a matrix made at run time, which runs the instances GitHub would', async () => {
    const { text, notImported } = await importWorkflow(PLANNED, 'ci.yml');
    assert.deepEqual(notImported, []);
    assert.match(text, /matrix: \$\{\{ fromJSON\(nodes\.plan\.outputs\.list\) \}\}/);
    assert.deepEqual(
      validateWorkflow(text).diagnostics.filter((d) => d.severity !== 'info'),
      [],
    );
    await inFolder('gh-matrix', async (dir) => {
      const { status, events } = await runWorkflowText(dir, text);
      assert.equal(status, 'completed');
      const made = events.flatMap((e) => (e.type === 'node:matrix' ? e.nodes.map((n) => n.id) : []));
      assert.deepEqual(made.sort(), ['lint[os=linux,node=18]', 'lint[os=linux,node=20]', 'test[node=18]', 'test[node=20]', 'test[node=22,edge=true]']);
      assert.deepEqual(loggedLines(events).sort(), ['lint linux-18', 'lint linux-20', 'test node 18', 'test node 20', 'test node 22']);
    });
  });

  it('exports back as GitHub writes it, which GitHub accepts, and imports to the same workflow', async () => {
    const first = (await importWorkflow(PLANNED, 'ci.yml')).text;
    const out = exportWorkflow(validateWorkflow(first).workflow, 'github-actions');
    assert.deepEqual(await githubErrors(out), []);
    const jobs = (parse(out) as { jobs: Record<string, { strategy: { matrix: unknown } }> }).jobs;
    assert.equal(jobs.test.strategy.matrix, '${{ fromJSON(needs.plan.outputs.list) }}');
    assert.deepEqual(jobs.lint.strategy.matrix, { os: ['linux'], node: '${{ fromJSON(needs.plan.outputs.list).node }}' });
    const again = (await importWorkflow(out, 'ci.yml')).text;
    assert.deepEqual(validateWorkflow(again).workflow.nodes, validateWorkflow(first).workflow.nodes);
  });

  it('is refused by the Argo export, saying why', async () => {
    const { workflow } = validateWorkflow((await importWorkflow(PLANNED, 'ci.yml')).text);
    assert.throws(
      () => exportWorkflow(workflow, 'argo'),
      (e: unknown) =>
        e instanceof ConversionError && /node 'test': a matrix made at run time is Argo's withParam only as one list read with fromJSON/.test(e.message),
    );
  });
});

describe("GitHub Actions import: a job that reads a matrix job's outputs", () => {
  it('is noted, since GitHub gives one instance’s value where a matrix node holds every instance’s; its status is not', async () => {
    const { text, notImported } = await importWorkflow(
      [
        'on: push',
        'jobs:',
        '  plan:',
        '    runs-on: x',
        '    outputs: { list: "${{ steps.p.outputs.list }}" }',
        '    steps: [{ id: p, run: "echo list=1 >> $GITHUB_OUTPUT" }]',
        '  build:',
        '    needs: plan',
        '    runs-on: x',
        '    strategy: { matrix: { os: [linux, mac] } }',
        '    outputs: { v: "${{ steps.a.outputs.v }}" }',
        '    steps: [{ id: a, run: "echo v=${{ matrix.os }} >> $GITHUB_OUTPUT" }]',
        '  use:',
        '    needs: [plan, build]',
        "    if: needs.build.result == 'success'",
        '    runs-on: x',
        '    steps: [run: "echo ${{ needs.build.outputs.v }} ${{ needs.plan.outputs.list }}"]',
      ].join('\n'),
      'ci.yml',
    );
    assert.deepEqual(notImported, [
      "job 'use' (line 14) reads the outputs of the matrix job 'build', which GitHub gives as the value of the instance that wrote each last: here nodes.build.outputs.NAME holds every instance's value by instance id; read one (nodes.build.outputs.NAME['build[…]'])",
    ]);
    assert.deepEqual(
      validateWorkflow(text).diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
  });
});
