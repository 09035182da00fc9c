import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { importWorkflow } from '../../../src/engine/formats';
import { ENV_FILES_APPLY_LINE, ENV_FILES_FROM_LINE, ENV_FILES_START } from '../../../src/engine/formats/githubActions/envFiles';
import { yaml } from '../helpers';
import { inFolder, loggedLines, runWorkflowText } from './importedRuns';

const SOURCE = yaml(
  'on: push',
  'env: { W: w }',
  'jobs:',
  '  build:',
  '    runs-on: x',
  '    steps:',
  '      - run: |',
  '          echo "VERSION=1.2" >> $GITHUB_ENV',
  '          { echo "NOTES<<EOF"; echo "line 1"; echo "it\'s \\$HOME"; echo EOF; } >> "$GITHUB_ENV"',
  '          mkdir -p bin && printf "#!/bin/sh\\necho tool ran\\n" > bin/tool && chmod +x bin/tool',
  '          echo "$PWD/bin" >> $GITHUB_PATH',
  '          echo "### Built 1.2" >> $GITHUB_STEP_SUMMARY',
  '      - run: |',
  '          echo "${{ env.VERSION }} $VERSION ${{ env.W }}" > version.txt',
  '          printf "%s" "$NOTES" > notes.txt',
  '          tool > tool.txt',
  '      - { if: "env.VERSION == \'1.2\'", run: touch matched }',
  '      - { if: "env.VERSION != \'1.2\'", run: touch unmatched }',
);

describe("GitHub Actions import: the runner's files", () => {
  it('gives the later steps what a step writes to $GITHUB_ENV and $GITHUB_PATH, and logs its summary', async () => {
    await inFolder('env-files', async (dir) => {
      const { text, notImported } = await importWorkflow(SOURCE, 'ci.yml');
      assert.deepEqual(notImported, []);
      assert.match(
        text,
        /echo "\$\{VERSION\} \$VERSION \$\{\{ env\.W \}\}" > version\.txt/,
        "env.VERSION is the variable; the workflow's W stays the engine's",
      );
      const { status, events } = await runWorkflowText(dir, text);
      assert.equal(status, 'completed');
      const read = (f: string) => readFileSync(join(dir, f), 'utf8');
      assert.equal(read('version.txt'), '1.2 1.2 w\n');
      assert.equal(read('notes.txt'), "line 1\nit's $HOME");
      assert.equal(read('tool.txt'), 'tool ran\n');
      assert.ok(existsSync(join(dir, 'matched')) && !existsSync(join(dir, 'unmatched')), 'env.VERSION in a condition');
      assert.deepEqual(loggedLines(events), ['### Built 1.2']);
    });
  });

  it('gives any value back as it was written, each form of an entry (a property)', () => {
    const char = fc.constantFrom('a', 'Z', '0', ' ', "'", '"', '\\', '$', '`', '=', '<', '!', '*', '%', 'é', '\t');
    const line = fc.array(char, { maxLength: 12 }).map((cs) => cs.join(''));
    const entry = fc.oneof(
      line.map((value) => ({ value, form: 'line' as const })),
      fc.array(line, { minLength: 1, maxLength: 3 }).map((lines) => ({ value: lines.join('\n'), form: 'block' as const })),
    );
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 20 }), (entries) => {
        const written = entries.map((e, i) => (e.form === 'line' ? `V${i}=${e.value}\n` : `V${i}<<END_OF_VALUE\n${e.value}\nEND_OF_VALUE\n`)).join('');
        assert.deepEqual(
          readBack(written, entries.length),
          entries.map((e) => e.value),
        );
      }),
      { numRuns: 40 },
    );
  });
});

/** What a job script's later step reads of V0…V(n-1), after a step appended `written` to $GITHUB_ENV. */
function readBack(written: string, n: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'maestro-env-values-'));
  try {
    writeFileSync(join(dir, 'written'), written);
    const reads = Array.from({ length: n }, (_, i) => `"$V${i}"`).join(' ');
    const script = [
      ...ENV_FILES_START,
      ENV_FILES_FROM_LINE,
      '(cat "$MAESTRO_TEMP/written" >> "$GITHUB_ENV")',
      ENV_FILES_APPLY_LINE,
      `(printf '%s\\0' ${reads} > "$MAESTRO_TEMP/read")`,
    ].join('\n');
    const out = spawnSync('sh', ['-e', '-c', script], { env: { PATH: process.env.PATH, HOME: dir, MAESTRO_TEMP: dir }, encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    return readFileSync(join(dir, 'read'), 'utf8').split('\0').slice(0, n);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
