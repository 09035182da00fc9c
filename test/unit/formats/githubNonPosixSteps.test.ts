import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
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

  it('runs each step of a Python job in a process of its own, as on GitHub: its env, folder and state are its own', async () => {
    await inFolder('non-posix-steps', async (dir) => {
      mkdirSync(join(dir, 'sub'));
      const { text, nodes, notImported } = await imported(
        '  py:',
        '    runs-on: x',
        '    env: { MODE: job }',
        '    defaults: { run: { shell: python } }',
        '    steps:',
        "      - { run: \"import os; os.chdir('sub'); x = 1; print(os.environ['X'])\", env: { X: from-step } }",
        "      - { run: \"import os; print(os.environ['MODE'], os.environ.get('X', 'none'), 'x' in globals())\", env: { MODE: step } }",
        '      - { run: "import os; print(os.path.basename(os.getcwd()))", working-directory: sub }',
        '      - { run: "import sys; sys.exit(3)", continue-on-error: true }',
        '      - { run: "import sys; print(\'after\'); sys.exit(0)" }',
        '      - run: print("last")',
      );
      // The node's shell is the default bash, which runs each step's file with GitHub's command.
      assert.equal(nodes.get('py')!.shell, undefined);
      assert.equal((nodes.get('py')!.run!.match(/^python "\$step_file"$/gm) ?? []).length, 6);
      assert.deepEqual(notImported, []);
      const { status, events } = await runWorkflowText(dir, text.replaceAll('python "$step_file"', 'python3 "$step_file"'));
      assert.equal(status, 'completed');
      assert.deepEqual(loggedLines(events), ['from-step', 'step none False', 'sub', 'after', 'last']);
    });
  });

  it("gives what a Python step writes to the runner's files to the steps after it", async () => {
    await inFolder('non-posix-env-files', async (dir) => {
      const { text, notImported } = await imported(
        '  py:',
        '    runs-on: x',
        '    defaults: { run: { shell: python } }',
        '    steps:',
        '      - run: |',
        '          import os',
        '          with open(os.environ["GITHUB_ENV"], "a") as f: f.write("GREETING=hello\\n")',
        '          with open(os.getenv("GITHUB_STEP_SUMMARY"), "a") as f: f.write("## Built\\n")',
        '      - run: import os; print(os.environ["GREETING"])',
      );
      assert.deepEqual(notImported, []);
      const { status, events } = await runWorkflowText(dir, text.replaceAll('python "$step_file"', 'python3 "$step_file"'));
      assert.equal(status, 'completed');
      assert.deepEqual(loggedLines(events), ['## Built', 'hello']);
    });
  });

  it("writes an earlier step's output and the job's status into a Python step's text, as GitHub does", async () => {
    await inFolder('non-posix-values', async (dir) => {
      const { text, notImported } = await imported(
        '  py:',
        '    runs-on: x',
        '    defaults: { run: { shell: python } }',
        '    steps:',
        '      - id: meta',
        '        run: |',
        '          import os',
        '          with open(os.environ["GITHUB_OUTPUT"], "a") as f: f.write("tag=v1 $HOME %s\\\\n\\n")',
        '      - run: |',
        '          tag = r"${{ steps.meta.outputs.tag }}"',
        "          print(tag, '${{ job.status }}', r'${{ steps.meta.outputs.tag }}' == tag)",
        '          print("done")',
      );
      assert.deepEqual(notImported, []);
      const { status, events } = await runWorkflowText(dir, text.replaceAll('python "$step_file"', 'python3 "$step_file"'));
      assert.equal(status, 'completed');
      // The text as written, no shell expansion or printf format in it: `$HOME`, `%s` and the backslash stay.
      assert.deepEqual(loggedLines(events), ['v1 $HOME %s\\n success True', 'done']);
    });
  });

  it('leaves a custom shell that names no program to the node, whose validation says so', async () => {
    const { text } = await importWorkflow(
      yaml('on: push', 'jobs:', '  a:', '    runs-on: x', '    defaults: { run: { shell: "{0}" } }', '    steps: [run: one, run: two]'),
      'ci.yml',
    );
    const { diagnostics } = validateWorkflow(text);
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      ["the shell of node 'a' starts with '{0}', the script's file: the program that runs it comes first ('Rscript {0}')"],
    );
  });

  it("gives bash to a job of several Python steps where the workflow's default shell is Python", async () => {
    const { text } = await importWorkflow(
      yaml(
        'on: push',
        'defaults: { run: { shell: python } }',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    steps:',
        '      - run: print(1)',
        '      - run: print(2)',
        '  b:',
        '    runs-on: x',
        '    steps:',
        '      - run: print(3)',
      ),
      'ci.yml',
    );
    const { workflow } = validateWorkflow(text);
    assert.match(text, /^defaults:\n {2}shell: python$/m);
    assert.deepEqual(
      workflow.nodes.map((n) => [n.id, n.shell]),
      [
        ['a', 'bash'],
        ['b', 'python'],
      ],
    );
  });

  it("runs each step of a PowerShell job from a file of its own between GitHub's lines, and keeps continue-on-error to its step", async () => {
    const { nodes, notImported } = await imported(
      '  ps:',
      '    runs-on: x',
      '    defaults: { run: { shell: pwsh } }',
      '    steps:',
      '      - { run: git status, continue-on-error: true }',
      '      - run: Write-Output two',
      '      - { run: Write-Output three, shell: python }',
    );
    const run = nodes.get('ps')!.run!;
    assert.equal((run.match(/^pwsh -command ". '\$\{step_file\}'"$/gm) ?? []).length, 2, run);
    assert.equal((run.match(/^\$ErrorActionPreference = 'Stop'$/gm) ?? []).length, 2, run);
    assert.match(run, /^python "\$step_file"$/m);
    // The first step's failure is its own: no status is kept of it.
    assert.match(run, /^git status\n[^]*?\n\)\nfi\n/m);
    assert.equal((run.match(/^step_status=\$\?$/gm) ?? []).length, 2);
    assert.deepEqual(notImported, []);
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
