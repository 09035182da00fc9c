import { strict as assert } from 'node:assert';
import { importWorkflow } from '../../../src/engine/formats';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { yaml } from '../helpers';
import { inFolder, loggedLines, runWorkflowText } from './importedRuns';

const imported = async (...jobLines: string[]) => {
  const { text, notImported } = await importWorkflow(yaml('on: push', 'jobs:', ...jobLines), 'ci.yml');
  return { text, notImported, nodes: new Map(validateWorkflow(text).workflow.nodes.map((n) => [n.id, n])) };
};

describe('GitHub Actions import: the steps of a job whose shell is not a POSIX shell', () => {
  it("gives a job's only step its env as the node's, over the job's, with no shell syntax in a PowerShell script", async () => {
    const { nodes, notImported } = await imported(
      '  a:',
      '    runs-on: x',
      '    env: { X: job, Y: job }',
      '    steps:',
      '      - { shell: pwsh, run: "Write-Output $env:X", env: { X: "1" } }',
    );
    const a = nodes.get('a')!;
    // The step's value over the job's, as on GitHub.
    assert.deepEqual([a.shell, a.run, a.env], ['pwsh', 'Write-Output $env:X', { X: '1', Y: 'job' }]);
    assert.deepEqual(notImported, []);
  });

  it("runs a Python job's steps as one program, a step's env in the node's env (noted), one the job sets kept", async () => {
    await inFolder('non-posix-steps', async (dir) => {
      const { text, nodes, notImported } = await imported(
        '  py:',
        '    runs-on: x',
        '    env: { MODE: job }',
        '    defaults: { run: { shell: python } }',
        '    steps:',
        '      - { run: "import os; print(os.environ[\'X\'])", env: { X: from-step } }',
        '      - { run: "import os; print(os.environ[\'MODE\'])", env: { MODE: step } }',
        '      - { run: print("third"), working-directory: sub }',
      );
      const py = nodes.get('py')!;
      assert.doesNotMatch(py.run!, /^(?:\(|\)|export |cd )/m, py.run);
      assert.equal(py.env.X, 'from-step');
      assert.deepEqual(notImported, [
        "step 'step on line 8' (line 8) sets X for itself: here in the node's env, which the job's other steps see too",
        "step 'step on line 9' (line 9) sets MODE for itself, which the job sets too: a 'python' node's one script cannot give it another value for one step; make it a node of its own",
        "step 'step on line 10' (line 10) runs in 'sub', which a 'python' node's one script cannot keep to the step: make it a node of its own with that cwd",
      ]);
      const { status, events } = await runWorkflowText(dir, text.replace(/shell: python\n/, 'shell: python3\n'));
      assert.equal(status, 'completed');
      assert.deepEqual(loggedLines(events), ['from-step', 'job', 'third']);
    });
  });

  it("ends a PowerShell job's script after a step whose last program failed, as GitHub ends the step, and notes what it cannot keep", async () => {
    const { nodes, notImported } = await imported(
      '  ps:',
      '    runs-on: x',
      '    defaults: { run: { shell: pwsh } }',
      '    steps:',
      '      - { run: git status, continue-on-error: true }',
      '      - run: Write-Output two',
      '      - run: Write-Output three',
    );
    const end = 'if ((Test-Path -LiteralPath variable:\\LASTEXITCODE) -and $LASTEXITCODE -ne 0) { exit $LASTEXITCODE }';
    assert.equal(
      nodes.get('ps')!.run,
      [
        "# not imported: step 'step on line 7' (line 7) continues on error, which a 'pwsh' node's one script cannot keep to the step: make it a node of its own with 'continueOnError: true'",
        'git status',
        end,
        'Write-Output two',
        end,
        'Write-Output three',
      ].join('\n'),
    );
    assert.equal(notImported.length, 1);
  });

  it("reads the runner's variables as PowerShell, Python and JavaScript name them: the output file is the engine's, the rest inputs", async () => {
    const { nodes } = await imported(
      '  ps:',
      '    runs-on: x',
      '    steps:',
      '      - shell: pwsh',
      '        run: |',
      '          "v=1" >> $env:GITHUB_OUTPUT',
      '          Write-Output $Env:GITHUB_SHA',
    );
    const ps = nodes.get('ps')!;
    assert.equal(ps.run, '"v=1" >> $env:MAESTRO_OUTPUT\nWrite-Output $Env:GITHUB_SHA\n');
    assert.equal(ps.env.GITHUB_SHA, '${{ inputs.github_sha }}');
    await inFolder('non-posix-outputs', async (dir) => {
      const { text } = await imported(
        '  py:',
        '    runs-on: x',
        '    outputs: { v: "${{ steps.s.outputs.v }}" }',
        '    steps:',
        '      - id: s',
        '        shell: python',
        '        run: |',
        '          import os',
        '          with open(os.environ["GITHUB_OUTPUT"], "a") as f: f.write("v=from-python\\n")',
        '  js:',
        '    needs: py',
        '    runs-on: x',
        '    outputs: { w: "${{ steps.t.outputs.w }}" }',
        '    steps:',
        '      - id: t',
        '        shell: node {0}',
        '        run: require("fs").appendFileSync(process.env.GITHUB_OUTPUT, `w=${process.env.V}-and-node\\n`)',
        '        env: { V: "${{ needs.py.outputs.v }}" }',
        '  show:',
        '    needs: js',
        '    runs-on: x',
        '    steps:',
        '      - run: echo "${{ needs.js.outputs.w }}"',
      );
      const { status, events } = await runWorkflowText(dir, text.replace(/shell: python\n/, 'shell: python3\n'));
      assert.equal(status, 'completed');
      assert.deepEqual(loggedLines(events), ['from-python-and-node']);
    });
  });
});
