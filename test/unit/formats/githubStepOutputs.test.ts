import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importWorkflow } from '../../../src/engine/formats';
import { startRun } from '../../../src/engine/run/engine';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { yaml } from '../helpers';
import { inFolder, runWorkflowText } from './importedRuns';

const SOURCE = yaml(
  'on: push',
  'jobs:',
  '  build:',
  '    runs-on: x',
  '    outputs: { tag: "${{ steps.meta.outputs.tag }}" }',
  '    steps:',
  '      - id: meta',
  '        run: |',
  '          echo "tag=V1" >> "$GITHUB_OUTPUT"',
  '          { echo "notes<<EOF"; echo "line one"; echo "it\'s two"; echo "EOF"; } >> "$GITHUB_OUTPUT"',
  '      - id: again',
  '        run: echo "tag=other" >> "$GITHUB_OUTPUT"',
  '      - name: Use',
  '        env: { T: "v-${{ steps.meta.outputs.tag }}", "N": "${{ steps.Meta.outputs.Notes }}" }',
  '        run: |',
  "          # don't lose it",
  '          echo "${{ steps.meta.outputs.tag }}" > tag',
  "          echo '${{ steps.meta.outputs.tag }}' > tag-single",
  '          echo "$T" > env-tag',
  '          printf \'%s\' "$N" > notes',
  '          echo "${{ steps.skipped.outputs.x }}" > skipped',
  '      - { if: "steps.meta.outputs.tag == \'v1\' && !steps.meta.outputs.missing", run: touch tag-matched }',
  "      - { id: skipped, if: 'false', run: 'echo x=1 >> $GITHUB_OUTPUT' }",
);

describe('GitHub Actions import: outputs a step passes to later steps', () => {
  it('reads each from the node output file after its step, where GitHub would write it, quoted as it stands', async () => {
    const { text, notImported } = await importWorkflow(SOURCE.replace('steps.skipped.outputs.x', 'steps.meta.outputs.tag'), 'ci.yml');
    const [node] = validateWorkflow(text).workflow.nodes;
    assert.deepEqual(notImported, []);
    assert.match(node.run!, /^export T="v-\$\{steps_meta_tag\}"$/m);
    assert.match(node.run!, /^echo "\$\{steps_meta_tag\}" > tag$/m);
    assert.match(node.run!, /^echo ''"\$steps_meta_tag"'' > tag-single$/m, 'out of the single quotes, and back in');
    assert.ok(!node.run!.includes('${{'), node.run);
  });

  it('gives a later step the value its step wrote', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-step-outputs-'));
    try {
      const { text } = await importWorkflow(SOURCE.replace('steps.skipped.outputs.x', 'steps.again.outputs.tag'), 'ci.yml');
      writeFileSync(join(dir, 'ci.workflow.yaml'), text);
      const run = startRun({ workflowPath: join(dir, 'ci.workflow.yaml'), runsDir: join(dir, 'runs') });
      assert.equal(await run.finished(), 'completed');
      run.dispose();
      const read = (f: string) => readFileSync(join(dir, f), 'utf8');
      assert.deepEqual(
        ['tag', 'tag-single', 'env-tag', 'notes', 'skipped'].map(read),
        ['V1\n', 'V1\n', 'v-V1\n', "line one\nit's two", 'other\n'],
        "the meta step's own values, not the later step's of the same name",
      );
      assert.equal(read('tag-matched'), '', 'compared as GitHub compares, its case aside');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('notes a read of a later step, which has no value yet', async () => {
    const { notImported } = await importWorkflow(SOURCE, 'ci.yml');
    assert.match(notImported.join('\n'), /'steps\.skipped\.outputs\.x' \(line \d+\) has no local value/);
  });

  it('leaves one in a here-document whose delimiter is quoted, where no variable expands, and says so', async () => {
    const { text, notImported } = await importWorkflow(
      yaml(
        'on: push',
        'jobs:',
        '  notes:',
        '    runs-on: x',
        '    steps:',
        '      - { id: stats, run: echo "count=3" >> "$GITHUB_OUTPUT" }',
        '      - run: |',
        "          cat > notes.md << 'EOF'",
        '          ${{ steps.stats.outputs.count }} commits',
        '          EOF',
        '          cat <<EOF',
        "          it's ${{ steps.stats.outputs.count }}",
        '          EOF',
      ),
      'ci.yml',
    );
    const [node] = validateWorkflow(text).workflow.nodes;
    assert.match(node.run!, /^\$\{\{ steps\.stats\.outputs\.count \}\} commits$/m);
    assert.match(node.run!, /^it's \$\{steps_stats_count\}$/m, 'an unquoted delimiter expands it');
    assert.deepEqual(notImported, [
      "'steps.stats.outputs.count' (line 7) has no local value: it is in a here-document whose delimiter is quoted, where no variable expands: unquote the delimiter (<<EOF)",
    ]);
  });
});

describe('GitHub Actions import: a step in a shell of its own', () => {
  it("writes its script to a file and runs it with GitHub's command for that shell", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-step-shells-'));
    try {
      const { text, notImported } = await importWorkflow(
        yaml(
          'on: push',
          'jobs:',
          '  mixed:',
          '    runs-on: x',
          '    defaults: { run: { shell: sh } }',
          '    steps:',
          '      - run: echo "from sh" > a.txt',
          '      - shell: bash',
          '        run: |',
          "          echo \"$SHELLOPTS\" | tr : '\\n' | grep -c '^pipefail$' > b.txt",
          '          echo MAESTRO_STEP >> b.txt',
          '      - shell: perl {0}',
          '        run: open(my $f, ">", "c.txt"); print $f "from perl\\n";',
          '      - { shell: python, run: "print(1)", if: "false" }',
          '      - { shell: pwsh, run: "Write-Output 1", if: "false" }',
          '      - { shell: cmd, run: echo 1 }',
        ),
        'ci.yml',
      );
      const { run } = validateWorkflow(text).workflow.nodes[0];
      assert.match(run!, /^python "\$step_file"$/m);
      assert.match(run!, /^pwsh -command "\. '\$\{step_file\}'"$/m);
      // PowerShell's file between the lines GitHub's runner writes around it; a custom command's file named for its program.
      assert.match(
        run!,
        /^\$ErrorActionPreference = 'Stop'\nWrite-Output 1\nif \(\(Test-Path -LiteralPath variable:\\LASTEXITCODE\)\) \{ exit \$LASTEXITCODE \}$/m,
      );
      assert.match(run!, /^step_file="\$\(mktemp -d\)\/step\.pl"$/m);
      assert.deepEqual(notImported, [
        "step 'step on line 16' (line 16) runs in 'cmd', the other steps in the node's shell: make it a node of its own with that shell",
      ]);
      writeFileSync(join(dir, 'ci.workflow.yaml'), text.replace('echo 1', 'true'));
      const started = startRun({ workflowPath: join(dir, 'ci.workflow.yaml'), runsDir: join(dir, 'runs') });
      assert.equal(await started.finished(), 'completed');
      started.dispose();
      const read = (f: string) => readFileSync(join(dir, f), 'utf8');
      assert.deepEqual(['a.txt', 'b.txt', 'c.txt'].map(read), ['from sh\n', '1\nMAESTRO_STEP\n', 'from perl\n']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("GitHub Actions import: a job's outputs taken from steps other than the last to write their name", () => {
  it('writes them when the steps have run, each the value of the step GitHub takes it from', async () => {
    const source = yaml(
      'on: push',
      'jobs:',
      '  build:',
      '    runs-on: x',
      '    outputs:',
      '      a-sha: ${{ steps.a.outputs.sha }}',
      '      b-sha: ${{ steps.b.outputs.sha }}',
      '      version: ${{ steps.v.outputs.version }}',
      '    steps:',
      '      - { id: v, run: echo "version=1" >> "$GITHUB_OUTPUT" }',
      '      - { id: a, run: echo "sha=aaa" >> "$GITHUB_OUTPUT" }',
      '      - { id: b, run: printf "sha<<EOF\\nb\\nbb\\nEOF\\n" >> "$GITHUB_OUTPUT" }',
      '      - { run: echo "version=later" >> "$GITHUB_OUTPUT" }',
      '  use:',
      '    needs: build',
      '    runs-on: x',
      '    steps:',
      '      - run: echo "${{ needs.build.outputs.a-sha }} ${{ needs.build.outputs.b-sha }} ${{ needs.build.outputs.version }}" > got.txt',
    );
    const { text, notImported } = await importWorkflow(source, 'ci.yml');
    assert.deepEqual(notImported, []);
    await inFolder('job-outputs', async (dir) => {
      assert.equal((await runWorkflowText(dir, text)).status, 'completed');
      assert.equal(readFileSync(join(dir, 'got.txt'), 'utf8'), 'aaa b\nbb 1\n');
    });
  });

  it("writes too one declared under its step output's name, where another it writes has that name", async () => {
    const source = yaml(
      'on: push',
      'jobs:',
      '  build:',
      '    runs-on: x',
      '    outputs:',
      '      v: ${{ steps.a.outputs.w }}',
      '      w: ${{ steps.a.outputs.v }}',
      '    steps:',
      '      - { id: a, run: printf "v=1\\nw=2\\n" >> "$GITHUB_OUTPUT" }',
      '      - { id: b, run: echo "v=3" >> "$GITHUB_OUTPUT" }',
      '  use:',
      '    needs: build',
      '    runs-on: x',
      '    steps:',
      '      - run: echo "${{ needs.build.outputs.v }} ${{ needs.build.outputs.w }}" > got.txt',
    );
    const { text } = await importWorkflow(source, 'ci.yml');
    assert.deepEqual(
      validateWorkflow(text).diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    await inFolder('job-outputs-named', async (dir) => {
      assert.equal((await runWorkflowText(dir, text)).status, 'completed');
      assert.equal(readFileSync(join(dir, 'got.txt'), 'utf8'), '2 1\n');
    });
  });
});
