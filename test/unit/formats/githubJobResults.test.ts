import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportWorkflow, importWorkflow } from '../../../src/engine/formats';
import { withNodeStatuses } from '../../../src/engine/formats/githubActions/jobResults';
import { startRun } from '../../../src/engine/run/engine';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { yaml } from '../helpers';
import { githubErrors } from './validators';

describe("GitHub Actions import: a needed job's result", () => {
  it('is the node status with the same meaning, compared either way round or looked for among the needed jobs', () => {
    const needs = ['build', 'test'];
    assert.equal(withNodeStatuses("needs.build.result == 'Failure'", true, needs), "nodes.build.status == 'failed'");
    assert.equal(withNodeStatuses("${{ 'success' != needs.test.result }}", true, needs), "${{ 'completed' != nodes.test.status }}");
    assert.equal(
      withNodeStatuses("always() && contains(needs.*.result, 'cancelled')", true, needs),
      "always() && (nodes.build.status == 'cancelled' || nodes.test.status == 'cancelled')",
      'each needed job, not every node upstream',
    );
    assert.equal(withNodeStatuses("echo ${{ contains(needs.build.result, 'skipped') }}", false, needs), "echo ${{ contains(nodes.build.status, 'skipped') }}");
    for (const untouched of [
      "needs.build.result == 'done'",
      'needs.build.result',
      "needs.build.outputs.result == 'success'",
      "contains(needs.*.result, 'failure')",
    ])
      assert.equal(withNodeStatuses(untouched, true, untouched.includes('*') ? [] : needs), untouched, untouched);
  });

  it('decides a run as the job would on GitHub', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-job-results-'));
    try {
      const { text, notImported } = await importWorkflow(
        yaml(
          'on: push',
          'jobs:',
          '  build: { runs-on: x, steps: [run: exit 1] }',
          '  lint: { runs-on: x, continue-on-error: true, steps: [run: exit 1] }',
          '  tell: { runs-on: x, needs: [build, lint], if: "always() && contains(needs.*.result, \'failure\')", steps: [run: touch told] }',
          '  lint-ok: { runs-on: x, needs: lint, if: "needs.lint.result == \'success\'", steps: [run: touch lint-ok] }',
          '  never: { runs-on: x, needs: build, if: "always() && needs.build.result == \'success\'", steps: [run: touch never] }',
        ),
        'ci.yml',
      );
      assert.deepEqual(notImported, []);
      writeFileSync(join(dir, 'ci.workflow.yaml'), text);
      assert.deepEqual(validateWorkflow(text).diagnostics, []);
      const run = startRun({ workflowPath: join(dir, 'ci.workflow.yaml'), runsDir: join(dir, 'runs') });
      assert.equal(await run.finished(), 'failed');
      run.dispose();
      assert.deepEqual(
        ['told', 'lint-ok', 'never'].filter((f) => existsSync(join(dir, f))),
        ['told', 'lint-ok'],
        "a job that continues on error succeeds, as GitHub's result says",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is what a node's status compared with a value exports as, the node needed directly", async () => {
    const spec = validateWorkflow(
      yaml(
        'version: 1',
        'name: W',
        'nodes:',
        '  build: { run: make }',
        '  test: { needs: build, run: make test }',
        "  tell: { needs: test, if: \"always() && (nodes.build.status == 'failed' || 'skipped' != nodes.test.status)\", run: echo }",
      ),
    ).workflow;
    const exported = exportWorkflow(spec, 'github-actions');
    assert.match(exported, /if: always\(\) && \(needs\.build\.result == 'failure' \|\| 'skipped' != needs\.test\.result\)/);
    assert.match(exported, /needs: \[test, build\]/);
    assert.deepEqual(await githubErrors(exported), []);
  });
});
