import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { SpanDiagnostic, TextEdit } from '../../src/engine/diagnostics';
import { applyEdits } from '../../src/engine/edits/actions';
import { fixAllEdits } from '../../src/engine/validation/fixAll';
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
});
