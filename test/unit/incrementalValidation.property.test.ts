import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { changeBetween, revalidate } from '../../src/engine/validation/incremental';
import { validateWorkflow, type ValidationResult } from '../../src/engine/validation/validate';

/** A workflow with what node blocks hold: block scalars, flow lists, expressions across nodes, comments, a key after `nodes`. */
const BASE = `version: 1
name: Edits
inputs:
  target: { type: string, default: prod }
nodes:
  build:
    run: |
      echo building
      echo "::progress 50"
    outputs: [artifact]
    env:
      MODE: fast
  # tests run after the build

  test:
    needs: build
    run: echo \${{ nodes.build.outputs.artifact }}
    retries: 2
  lint:
    needs: [build]
    run: >
      eslint src
    timeout: 5m
  deploy:
    needs: [test, lint]
    if: \${{ inputs.target == 'prod' }}
    run: ./deploy.sh \${{ inputs.target }}
  notify: { needs: deploy, run: echo done }
env:
  CI: "1"
`;

const SNIPPETS = [
  'x',
  ' ',
  '\n',
  '\n    ',
  ':',
  ': ',
  '- ',
  '"',
  "'",
  '[',
  ']',
  '{',
  '}',
  '#',
  '|',
  '\t',
  '&a ',
  '*a',
  '!!str ',
  '<<: ',
  'run: echo hi',
  '\n    needs: [test]',
  '\n    needs: [missing]',
  '\n    if: ${{ nodes.nope.outputs.x }}',
  '${{ nodes.build.outputs.artifact }}',
  '${{ ',
  '\n    retries: -1',
  '\n    timeout: soon',
  '\n    unknown: 1',
  'deploy',
  '\n  extra:\n    run: echo extra',
  '\n---\n',
  '\n    __proto__: x',
];

/** Anywhere in the text, or (as typing mostly goes) on a line inside a node's body. */
const edit = fc.record({ at: fc.nat(), inBody: fc.boolean(), remove: fc.nat({ max: 12 }), insert: fc.constantFrom(...SNIPPETS) });

/** Where an edit applies: any offset, or an offset on one of the lines indented as a node's body is. */
function positionOf(text: string, at: number, inBody: boolean): number {
  if (!inBody) return at % (text.length + 1);
  const starts: number[] = [];
  for (let i = 0, line = 0; i <= text.length; i = text.indexOf('\n', i) + 1 || text.length + 1, line++) if (text.startsWith('    ', i)) starts.push(i);
  if (!starts.length) return at % (text.length + 1);
  const lineStart = starts[at % starts.length];
  const lineEnd = text.indexOf('\n', lineStart) < 0 ? text.length : text.indexOf('\n', lineStart);
  return lineStart + 4 + (at % Math.max(1, lineEnd - lineStart - 3));
}

describe('validation after an edit: only the edited node block parsed again', function () {
  this.timeout(120_000);

  it('finds what changed between two texts', () => {
    assert.deepEqual(changeBetween('abcdef', 'abXdef'), { start: 2, oldEnd: 3, newEnd: 3 });
    assert.deepEqual(changeBetween('aaaa', 'aaaaa'), { start: 4, oldEnd: 4, newEnd: 5 });
    assert.equal(changeBetween('same', 'same'), undefined);
  });

  it('gives what a full validation gives, after every edit of a random sequence (breaking and mending the YAML)', () => {
    let incremental = 0;
    let edits = 0;
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 10 }), (sequence) => {
        let text = BASE;
        let previous: ValidationResult | undefined = validateWorkflow(text);
        for (const { at, inBody, remove, insert } of sequence) {
          const start = Math.min(text.length, positionOf(text, at, inBody));
          text = text.slice(0, start) + insert + text.slice(Math.min(text.length, start + remove));
          const { result, incremental: reused } = revalidate(previous, text);
          const full = validateWorkflow(text);
          assert.deepEqual(result.diagnostics, full.diagnostics, `after editing to:\n${text}`);
          assert.deepEqual(result.workflow, full.workflow);
          assert.deepEqual(result.parsed.value, full.parsed.value);
          assert.deepEqual(result.parsed.duplicateKeys, full.parsed.duplicateKeys);
          edits++;
          if (reused) incremental++;
          previous = result;
        }
      }),
      { numRuns: 400 },
    );
    // Most random edits break the YAML for a while (then every validation is whole): hundreds still go the new way.
    assert.ok(incremental > edits / 20, `${incremental} of ${edits} edits were validated from the last validation`);
  });

  it('bounds a block by the line of the next key, not where the parser puts an empty key (the line before)', () => {
    // Found by the property above (seed 4242, case 13,837): `  : xfast` is a node with an empty key, placed at the
    // end of the `env:` line, which the block before then lost.
    const before = BASE.replace('    env:\n      MODE: fast\n', '    env:\n  :     xfast\n');
    const after = before.replace('    run: |', '    xrun: |');
    const { result } = revalidate(validateWorkflow(before), after);
    const full = validateWorkflow(after);
    assert.deepEqual(result.diagnostics, full.diagnostics);
    assert.ok(full.diagnostics.some((d) => d.message === "'env' must be a mapping, not empty"));
    assert.deepEqual(result.parsed.value, full.parsed.value);
  });

  it('takes typing inside a node’s body from the last validation, keystroke by keystroke', () => {
    let previous = validateWorkflow(BASE);
    let text = BASE;
    const at = BASE.indexOf('eslint src') + 'eslint src'.length;
    const typed = ' --fix --cache';
    for (const [i, ch] of [...typed].entries()) {
      text = text.slice(0, at + i) + ch + text.slice(at + i);
      const { result, incremental } = revalidate(previous, text);
      assert.ok(incremental, `keystroke ${i + 1}`);
      assert.deepEqual(result.diagnostics, validateWorkflow(text).diagnostics);
      previous = result;
    }
    // A line pasted whole into the node.
    const end = at + typed.length;
    text = text.slice(0, end) + '\n    retries: 1' + text.slice(end);
    const pasted = revalidate(previous, text);
    assert.ok(pasted.incremental);
    assert.deepEqual(pasted.result.diagnostics, validateWorkflow(text).diagnostics);
    assert.deepEqual(pasted.result.workflow, validateWorkflow(text).workflow);
    assert.equal((pasted.result.parsed.value as { nodes: { lint: { retries: number } } }).nodes.lint.retries, 1);
    // A '__proto__' key typed into the node: the whole file is validated again, and says where it is.
    text = text.slice(0, end) + '\n    __proto__: x' + text.slice(end);
    const reserved = revalidate(pasted.result, text);
    assert.deepEqual(reserved.result.diagnostics, validateWorkflow(text).diagnostics);
    assert.ok(reserved.result.diagnostics.some((d) => d.code === 'reserved-key'));
    // And once it is gone, typing is taken from the last validation again.
    const mended = revalidate(reserved.result, text.replace('\n    __proto__: x', ''));
    assert.equal(mended.incremental, false, 'the last validation had a reserved key');
    assert.ok(revalidate(mended.result, text.replace('\n    __proto__: x', '\n ')).incremental);
  });
});
