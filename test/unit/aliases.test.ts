import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { ImportError, importWorkflow } from '../../src/engine/formats';
import { aliasExpansion } from '../../src/engine/validation/aliases';
import { validateWorkflow } from '../../src/engine/validation/validate';

/** Anchors `a` to `h`, each ten aliases of the one before: the last stands for 111,111,111 values. */
const anchors = (prefix = '') => {
  const lines = [`${prefix}a: &a ["x","x","x","x","x","x","x","x","x","x"]`];
  for (let i = 1; i < 8; i++) {
    const name = String.fromCharCode(97 + i);
    const before = `*${String.fromCharCode(96 + i)}`;
    lines.push(`${prefix}${name}: &${name} [${Array(10).fill(before).join(',')}]`);
  }
  return lines.join('\n');
};

/** Values in plain data as `aliasExpansion` counts them: each scalar, list and mapping one, each key one. */
function valuesIn(data: unknown): number {
  if (Array.isArray(data)) return 1 + data.reduce((n: number, v) => n + valuesIn(v), 0);
  if (data !== null && typeof data === 'object') return 1 + Object.values(data).reduce((n: number, v) => n + 1 + valuesIn(v), 0);
  return 1;
}

describe('aliases', () => {
  it('an alias bomb is one error where its biggest alias is, and nothing else is checked', () => {
    const text = `version: 1\nname: bomb\n${anchors('x-')}\nnodes:\n  one:\n    run: echo\n    env: { X: *h }\n`;
    const { diagnostics } = validateWorkflow(text);
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    const [d] = diagnostics;
    assert.equal(d.code, 'yaml-syntax');
    assert.equal(text.slice(d.span.start, d.span.end), '*h');
    assert.equal(text.slice(0, d.span.start).split('\n').length, 14);
    assert.match(d.message, /the alias '\*h' stands for 111,111,111 values, and with the others the file's aliases expand to more than 1,000,000/);
  });

  it('an anchor merged into thousands of nodes is read, however often it is used', () => {
    const lines = ['version: 1', 'name: shared defaults', 'x-env: &env { A: "1" }', 'x-defaults: &defaults', '  retry: { max: 1 }', '  env: *env', 'nodes:'];
    for (let i = 0; i < 1500; i++) lines.push(`  n${i}:`, '    <<: *defaults', `    run: echo ${i}`);
    const { diagnostics, workflow } = validateWorkflow(lines.join('\n') + '\n');
    assert.deepEqual(diagnostics, []);
    assert.equal(workflow.nodes.length, 1500);
    const last = workflow.nodes[1499];
    assert.equal(last.id, 'n1499');
    assert.deepEqual(last.env, { A: '1' });
    assert.equal(last.retry?.max, 1);
  });

  it('an import of an alias bomb is refused before any parser expands it', async () => {
    const jobs = 'jobs:\n  a:\n    runs-on: ubuntu-latest\n    env: { X: *h }\n    steps: [{ run: echo }]\n';
    const github = `on: push\n${anchors('x-')}\n${jobs}`;
    const argo = `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n${anchors('x-')}\n${jobs}`;
    for (const [text, format, line] of [
      [github, 'github-actions', 13],
      [argo, 'argo', 14],
    ] as const) {
      await assert.rejects(importWorkflow(text, 'bomb.yml', { format }), (e: unknown) => {
        assert.ok(e instanceof ImportError);
        assert.equal(e.problems.length, 1);
        assert.deepEqual([e.problems[0].line, e.problems[0].column], [line, 15]);
        assert.match(e.problems[0].message, /the alias '\*h' stands for 111,111,111 values.*nothing is imported/);
        return true;
      });
    }
  });

  it('counts what the data holds with its aliases expanded, as yaml expands them', () => {
    const scalar = fc.constantFrom('1', 'x', '"y"', 'null', 'true');
    // Anchored entries in order; a value may use the aliases of the entries before it.
    const value = (earlier: number) =>
      fc.letrec<{ value: string }>((tie) => ({
        value: fc.oneof(
          { depthSize: 'small', withCrossShrink: true },
          scalar,
          earlier > 0 ? fc.nat(earlier - 1).map((i) => `*a${i}`) : scalar,
          fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(', ')}]`),
          fc
            .uniqueArray(fc.tuple(fc.constantFrom('k', 'l', 'm', 'n'), tie('value')), { maxLength: 4, selector: ([k]) => k })
            .map((pairs) => `{${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
        ),
      })).value;
    const documents = fc
      .integer({ min: 1, max: 6 })
      .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => value(i))))
      // An alias cannot be anchored itself: one at the top is put in a list.
      .map((values) => values.map((v, i) => `e${i}: &a${i} ${v.startsWith('*') ? `[${v}]` : v}`).join('\n'));
    fc.assert(
      fc.property(documents, (text) => {
        const doc = parseDocument(text);
        assert.deepEqual(doc.errors, []);
        assert.equal(aliasExpansion(doc).values, valuesIn(doc.toJS({ maxAliasCount: -1 })), text);
      }),
      { numRuns: 500 },
    );
  });
});
