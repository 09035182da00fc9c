import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/output';
import type { SpanDiagnostic, TextEdit } from '../../src/engine/diagnostics';
import { applyEdits } from '../../src/engine/edits/actions';
import { fixAllEdits, fixText } from '../../src/engine/validation/fixAll';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { yaml } from './helpers';

const touch = (a: TextEdit, b: TextEdit) => a.span.start <= b.span.end && b.span.start <= a.span.end;

const edit = fc
  .tuple(fc.nat(200), fc.nat(10), fc.string({ maxLength: 3 }))
  .map(([start, length, newText]): TextEdit => ({ span: { start, end: start + length }, newText }));
const diagnostic = fc.array(fc.array(edit, { minLength: 1, maxLength: 3 }), { maxLength: 3 }).map((fixes): SpanDiagnostic => ({
  span: { start: 0, end: 0 },
  severity: 'error',
  code: 'schema',
  message: 'm',
  // A fix's own edits stay apart, as the validator writes them.
  fixes: fixes.map((edits, i) => ({ title: `fix ${i}`, edits: edits.filter((e, j) => edits.every((o, k) => k >= j || !touch(e, o))) })),
}));

describe('fixing all problems at once', () => {
  it('takes whole fixes of diagnostics with one fix, none touching another, and leaves out only one that touches one taken', () => {
    fc.assert(
      fc.property(fc.array(diagnostic, { maxLength: 12 }), (diagnostics) => {
        const { edits, fixes } = fixAllEdits(diagnostics);
        const taken = diagnostics.filter((d) => d.fixes?.length === 1 && d.fixes[0].edits.every((e) => edits.includes(e)));
        assert.equal(taken.length, fixes);
        assert.equal(
          edits.length,
          taken.reduce((n, d) => n + d.fixes![0].edits.length, 0),
        );
        for (const [i, a] of taken.entries())
          for (const b of taken.slice(i + 1)) assert.ok(a.fixes![0].edits.every((e) => b.fixes![0].edits.every((o) => !touch(e, o))));
        for (const d of diagnostics) {
          if (d.fixes?.length !== 1 || taken.includes(d)) continue;
          assert.ok(
            d.fixes[0].edits.some((e) => edits.some((o) => touch(e, o))),
            'a fix left out touches one taken',
          );
        }
        applyEdits('x'.repeat(220), edits);
      }),
    );
  });

  it("fixes a workflow's typos and other tools' words in one go, but not a choice between fixes", () => {
    const text = yaml('version: 1', 'name: x', 'nodes:', '  build: { command: make }', '  test:', '    needs: [biuld]', '    retries: 2', '    run: make test');
    const result = validateWorkflow(text);
    const all = fixAllEdits(result.diagnostics);
    assert.equal(all.fixes, 3);
    assert.deepEqual(validateWorkflow(applyEdits(text, all.edits)).diagnostics, []);
    const fixable = result.diagnostics.find((d) => d.fixes?.length === 1)!;
    const choice: SpanDiagnostic = { ...fixable, fixes: [fixable.fixes![0], { title: 'other', edits: [] }] };
    assert.equal(fixAllEdits([choice]).fixes, 0);
  });

  it('fixes in rounds what one round cannot (two fixes adding env: to one node), and stops', () => {
    const text = yaml(
      'version: 1',
      'name: x',
      'inputs: { a: { type: string }, b: { type: string } }',
      'nodes:',
      '  n:',
      '    run: echo ${{ inputs.a }} ${{ inputs.b }}',
    );
    const diagnose = (t: string) => validateWorkflow(t).diagnostics;
    assert.equal(fixAllEdits(diagnose(text)).fixes, 1);
    const fixed = fixText(text, diagnose);
    assert.equal(fixed.fixed, 2);
    assert.deepEqual(diagnose(fixed.text), []);
    // A fix that brings its own problem back is not applied forever.
    const again: SpanDiagnostic = {
      span: { start: 0, end: 0 },
      severity: 'error',
      code: 'schema',
      message: 'm',
      fixes: [{ title: 't', edits: [{ span: { start: 0, end: 0 }, newText: '' }] }],
    };
    assert.equal(fixText('x', () => [again], 4).fixed, 4);
  });

  it('maestro-dag validate --fix writes the fixes and reports what is left; a file not UTF-8 is left as it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-fix-'));
    try {
      const file = join(dir, 'a.workflow.yaml');
      writeFileSync(file, yaml('version: 1', 'name: x', 'jobs:', '  build: { command: make }', '  test: { depends_on: [biuld], run: x, timeout: soon }'));
      let out = '';
      const io: Output = { out: (t) => (out += t), err: (t) => (out += t), isTTY: false };
      assert.equal(await main(['validate', '--fix', file], io), 1);
      assert.equal(
        readFileSync(file, 'utf8'),
        yaml('version: 1', 'name: x', 'nodes:', '  build: { run: make }', '  test: { needs: [build], run: x, timeout: soon }'),
      );
      assert.match(out, /a\.workflow\.yaml: fixed 4 problems\n/);
      assert.match(out, /a\.workflow\.yaml:5:\d+: error invalid-duration: 'soon' is not a duration/);
      const latin = join(dir, 'l.workflow.yaml');
      const bytes = Buffer.concat([
        Buffer.from('version: 1\nname: caf'),
        Buffer.from([0xe9]),
        Buffer.from('\nnodes:\n  a: { needs: [b], run: x }\n  b: { run: x }\n  c: { needs: [bb], run: x }\n'),
      ]);
      writeFileSync(latin, bytes);
      out = '';
      assert.equal(await main(['validate', '--fix', latin], io), 1);
      assert.deepEqual(readFileSync(latin), bytes);
      assert.match(out, /l\.workflow\.yaml is not fixed: 2:\d+: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
