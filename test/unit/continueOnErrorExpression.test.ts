import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dagGraphOf } from '../../src/engine/dagGraph';
import { exportWorkflow, importWorkflow } from '../../src/engine/formats';
import type { EngineEvent } from '../../src/engine/protocol';
import { startRun } from '../../src/engine/run/engine';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';
import { diagnose, yaml } from './helpers';

const EXPERIMENTAL = yaml(
  'version: 1',
  'name: Tests',
  'inputs:',
  '  strict: { type: boolean, default: false }',
  'nodes:',
  '  test:',
  '    matrix: { node: [18, 20], experimental: [false], include: [{ node: 22, experimental: true }] }',
  '    continueOnError: ${{ matrix.experimental && !inputs.strict }}',
  `    run: '[ "\${{ matrix.node }}" != 22 ]'`,
  '  report: { needs: test, run: echo reported }',
);

describe('continueOnError given by an expression', () => {
  it('is decided for each instance when the run starts, from the matrix and the inputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-continue-'));
    try {
      const path = join(dir, 'tests.workflow.yaml');
      writeFileSync(path, EXPERIMENTAL);
      const runWith = async (inputs: Record<string, string>) => {
        const events: EngineEvent[] = [];
        const run = startRun({ workflowPath: path, runsDir: join(dir, 'runs'), inputs, onEvent: (e) => events.push(e) });
        const status = await run.finished();
        run.dispose();
        const failed = events.flatMap((e) => (e.type === 'node:failed' ? [[e.nodeId, e.continueOnError]] : []));
        const reported = events.some((e) => e.type === 'node:completed' && e.nodeId === 'report');
        return { status, failed, reported };
      };
      assert.deepEqual(await runWith({}), { status: 'completed', failed: [['test[node=22,experimental=true]', true]], reported: true });
      assert.deepEqual(await runWith({ strict: 'true' }), { status: 'failed', failed: [['test[node=22,experimental=true]', false]], reported: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads only what is known when the run starts, and is true, false or an expression', () => {
    const problems = (value: string) =>
      diagnose(EXPERIMENTAL.replace('${{ matrix.experimental && !inputs.strict }}', value)).map((d) => `${d.code}: ${d.message}`);
    assert.deepEqual(problems('true'), []);
    assert.deepEqual(problems('${{ nodes.report.outputs.v }}'), [
      'unreachable-reference: continueOnError is evaluated when the run starts: it can read inputs, matrix, not nodes',
    ]);
    assert.deepEqual(problems('yes'), ["schema: 'continueOnError' must be true, false or an expression such as ${{ matrix.experimental }}, not 'yes'"]);
    assert.deepEqual(problems('${{ matrix.nope }}'), [problems('${{ matrix.nope }}')[0]]);
    assert.match(problems('${{ matrix.nope }}')[0], /^unknown-reference: .*nope/);
  });

  it('is shown to the builder as the expression, and goes to GitHub Actions as one; Argo refuses it', () => {
    const { graph } = dagGraphOf(buildIndex(validateWorkflow(EXPERIMENTAL)));
    assert.equal(graph.nodes.find((n) => n.id === 'test')?.fields.continueOnError, '${{ matrix.experimental && !inputs.strict }}');
    const spec = validateWorkflow(EXPERIMENTAL).workflow;
    assert.match(exportWorkflow(spec, 'github-actions'), /continue-on-error: \$\{\{ matrix\.experimental && !inputs\.strict \}\}/);
    assert.throws(() => exportWorkflow(spec, 'argo'), /continueOnError \$\{\{ matrix\.experimental && !inputs\.strict \}\}: Argo's continueOn is one setting/);
  });

  it("comes from a GitHub job's continue-on-error that reads the matrix or what GitHub gives a run", async () => {
    const job = (value: string) =>
      yaml(
        'on: push',
        'jobs:',
        '  build: { runs-on: x, outputs: { v: "${{ steps.a.outputs.v }}" }, steps: [{ id: a, run: echo }] }',
        '  test:',
        '    runs-on: x',
        '    needs: build',
        '    strategy: { matrix: { node: [18], experimental: [true] } }',
        `    continue-on-error: ${value}`,
        '    steps: [run: npm test]',
      );
    const imported = await importWorkflow(job("${{ matrix.experimental || github.ref_name == 'next' }}"), 'ci.yml');
    const test = validateWorkflow(imported.text).workflow.nodes[1];
    assert.equal(test.continueOnError, "${{ matrix.experimental || inputs.github_ref_name == 'next' }}");
    const fromNeeds = await importWorkflow(job("${{ needs.build.outputs.v == 'x' }}"), 'ci.yml');
    assert.equal(validateWorkflow(fromNeeds.text).workflow.nodes[1].continueOnError, false);
    assert.match(
      fromNeeds.notImported.join('\n'),
      /continue-on-error is \$\{\{ needs\.build\.outputs\.v == 'x' \}\}: a node's continueOnError reads only inputs and the matrix/,
    );
  });
});
