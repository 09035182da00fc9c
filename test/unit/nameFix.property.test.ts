import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { yaml } from './helpers';

const applyFix = (text: string, edits: { span: { start: number; end: number }; newText: string }[]) =>
  [...edits].sort((a, b) => b.span.start - a.span.start).reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);

/** A one-character typo of a word: a letter changed, dropped, doubled or two swapped. */
const typoOf = (word: string) =>
  fc
    .tuple(fc.nat({ max: word.length - 1 }), fc.constantFrom('change', 'drop', 'double', 'swap'), fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz_'))
    .map(([i, kind, c]) => {
      if (kind === 'change') return word.slice(0, i) + c + word.slice(i + 1);
      if (kind === 'drop' && word.length > 1) return word.slice(0, i) + word.slice(i + 1);
      if (kind === 'swap' && i + 1 < word.length) return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
      return word.slice(0, i) + word[i] + word.slice(i);
    });

describe('the quick fix of a misspelt name in an expression', () => {
  it('for any node ids and any typo of one read by a node that needs them all, writes an id the file has, after which the read is no longer unknown', () => {
    const ids = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{2,9}$/), { minLength: 1, maxLength: 6, selector: (s) => s.toLowerCase() });
    const style = fc.constantFrom('plain', 'double', 'block');
    fc.assert(
      fc.property(
        ids.chain((list) =>
          fc.tuple(
            fc.constant(list),
            fc.nat({ max: list.length - 1 }).chain((i) => typoOf(list[i])),
            style,
          ),
        ),
        ([list, typo, written]) => {
          fc.pre(!list.some((id) => id.toLowerCase() === typo.toLowerCase()) && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(typo));
          const read = `\${{ nodes.${typo}.status }}`;
          const script =
            written === 'plain'
              ? [`    run: echo ${read}`]
              : written === 'double'
                ? [`    run: "echo ${read}"`]
                : ['    run: |', '      echo start', `      echo ${read}`];
          const text = yaml(
            'version: 1',
            'name: P',
            'nodes:',
            ...list.map((id) => `  ${id}: { run: x }`),
            '  reader:',
            `    needs: [${list.join(', ')}]`,
            ...script,
          );
          const found = validateWorkflow(text).diagnostics.filter((d) => d.code === 'unknown-reference');
          assert.equal(found.length, 1, text);
          const [d] = found;
          assert.equal(text.slice(d.span.start, d.span.end), typo);
          const fix = d.fixes?.[0];
          // A fix only where a name is meant; then it is the one the message names.
          const meant = /did you mean '([^']+)'\?$/.exec(d.message)?.[1];
          assert.equal(fix === undefined, meant === undefined, d.message);
          if (!fix) return;
          assert.deepEqual(fix.edits, [{ span: d.span, newText: meant }]);
          const after = applyFix(text, fix.edits);
          assert.ok(list.includes(meant!));
          assert.deepEqual(
            validateWorkflow(after).diagnostics.filter((x) => x.code === 'unknown-reference' || x.severity === 'error'),
            [],
            after,
          );
        },
      ),
    );
  });
});
