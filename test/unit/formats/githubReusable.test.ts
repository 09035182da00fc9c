import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calledFiles, importWorkflow } from '../../../src/engine/formats';
import { startRun } from '../../../src/engine/run/engine';
import { validateFile } from '../../../src/engine/validateFile';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { yaml } from '../helpers';

const CALLER = yaml(
  'on: push',
  'jobs:',
  '  build:',
  '    uses: ./.github/workflows/build.yml',
  '    with: { target: "release-${{ github.ref_name }}" }',
  '    secrets: { token: "${{ secrets.NPM_TOKEN }}" }',
  '  deploy:',
  '    needs: build',
  '    runs-on: x',
  '    steps:',
  '      - run: echo "deploying ${{ needs.build.outputs.version }}" > deployed.txt',
);

const CALLED = yaml(
  'on:',
  '  workflow_call:',
  '    inputs: { target: { type: string, required: true } }',
  '    secrets: { token: { required: true } }',
  'jobs:',
  '  compile:',
  '    runs-on: x',
  '    outputs: { version: "${{ steps.v.outputs.version }}" }',
  '    steps:',
  '      - id: v',
  '        env: { TOKEN: "${{ secrets.token }}" }',
  '        run: |',
  '          echo "built ${{ inputs.target }} with $(printf %s "$TOKEN" | wc -c | tr -d \' \') characters" > built.txt',
  '          echo "version=1.2.3" >> "$GITHUB_OUTPUT"',
);

describe('GitHub Actions import: a job that calls a reusable workflow', () => {
  it("runs the called workflow's import as a sub-workflow: its inputs, its secrets, the outputs read of it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-reusable-'));
    try {
      const caller = await importWorkflow(CALLER, '.github/workflows/ci.yml');
      const called = await importWorkflow(CALLED, '.github/workflows/build.yml');
      assert.deepEqual([...caller.notImported, ...called.notImported], []);
      const [build] = validateWorkflow(caller.text).workflow.nodes;
      assert.deepEqual(
        { workflow: build.workflow, with: build.with, outputs: build.outputs },
        {
          workflow: './build.workflow.yaml',
          with: { target: 'release-${{ inputs.github_ref_name }}', secrets_token: '${{ inputs.secrets_NPM_TOKEN }}' },
          outputs: ['version'],
        },
      );
      assert.match(caller.text, /# Runs \.github\/workflows\/build\.yml: import it too, as build\.workflow\.yaml beside this file\.\n {2}build:/);
      writeFileSync(join(dir, 'ci.workflow.yaml'), caller.text);
      writeFileSync(join(dir, 'build.workflow.yaml'), called.text);
      const errors = validateFile(join(dir, 'ci.workflow.yaml')).diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(errors, []);
      const run = startRun({
        workflowPath: join(dir, 'ci.workflow.yaml'),
        runsDir: join(dir, 'runs'),
        inputs: { github_ref_name: 'main', secrets_NPM_TOKEN: 'abcd' },
      });
      assert.equal(await run.finished(), 'completed');
      run.dispose();
      assert.equal(readFileSync(join(dir, 'built.txt'), 'utf8'), 'built release-main with 4 characters\n');
      assert.equal(readFileSync(join(dir, 'deployed.txt'), 'utf8'), 'deploying 1.2.3\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('notes what the call cannot carry: inherited secrets, a matrix, a workflow of another repository', async () => {
    const { notImported } = await importWorkflow(
      yaml(
        'on: push',
        'jobs:',
        '  a: { uses: ./.github/workflows/build.yml, secrets: inherit, strategy: { matrix: { n: [1, 2] } } }',
        '  b: { uses: org/repo/.github/workflows/x.yml@v1 }',
      ),
      'ci.yml',
    );
    assert.deepEqual(notImported, [
      "job 'a' (line 3) passes its secrets with 'secrets: inherit': give each secret the called workflow reads in 'with:' (secrets_NAME: ${{ inputs.secrets_NAME }})",
      "job 'a' (line 3) has 'strategy', which a call of a reusable workflow keeps on GitHub: set it on the nodes of build.workflow.yaml",
      "job 'b' (line 4) calls the reusable workflow org/repo/.github/workflows/x.yml@v1 of another repository: import that workflow too and make this a 'workflow:' node",
    ]);
  });

  it('says which workflows it calls, and where each is and its import goes', async () => {
    const { calls } = await importWorkflow(CALLER, '.github/workflows/ci.yml');
    assert.deepEqual(calls, [{ uses: './.github/workflows/build.yml', path: './build.workflow.yaml' }]);
    assert.deepEqual(calledFiles('/repo/.github/workflows/ci.yml', '/repo/flows/ci.workflow.yaml', calls), [
      { source: '/repo/.github/workflows/build.yml', target: '/repo/flows/build.workflow.yaml' },
    ]);
    assert.deepEqual(calledFiles('/elsewhere/ci.yml', '/repo/ci.workflow.yaml', calls), [], 'no repository to find it in');
    assert.equal((await importWorkflow(yaml('on: push', 'jobs:', '  a: { runs-on: x, steps: [run: "true"] }'), 'ci.yml')).calls, undefined);
  });
});
