import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { expandMatrix, matrixOf, matrixValueText } from '../../src/engine/matrix';
import { closest } from '../../src/engine/suggest';
import { meantInstance } from '../../src/engine/validation/semantics/instances';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { yaml } from './helpers';

const workflow = (matrix: string, ...reader: string[]) =>
  yaml('version: 1', 'name: M', 'nodes:', '  t:', '    run: echo hi', `    matrix: ${matrix}`, '  r:', '    needs: t', ...reader);

/** The file's one unknown-instance warning: its message, and the file after its fix (undefined when it has none). */
function fixed(text: string): { message: string; after?: string; title?: string } {
  const found = validateWorkflow(text).diagnostics.filter((d) => d.code === 'unknown-instance');
  assert.equal(found.length, 1, `one unknown-instance warning in:\n${text}`);
  const [d] = found;
  const fix = d.fixes?.[0];
  if (!fix) return { message: d.message };
  const after = [...fix.edits].reverse().reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);
  return { message: d.message, after, title: fix.title };
}

// A script that reads an output in place is told to pass it in the environment: not what these tests are about.
const warnings = (text: string) =>
  validateWorkflow(text)
    .diagnostics.map((d) => d.code)
    .filter((c) => c !== 'script-injection');

describe('unknown instance ids: the id meant, and its fix', () => {
  it('writes the meant id in a plain, a double-quoted and a block scalar, after which nothing is said', () => {
    const texts = [
      workflow('{ os: [linux, macos] }', "    run: echo ${{ nodes.t.outputs.log['t[os=linx]'] }}"),
      workflow('{ os: [linux, macos] }', '    run: echo "$V"', `    env: { V: "\${{ nodes.t.outputs.log['t[os=linx]'] }}" }`),
      workflow('{ os: [linux, macos] }', '    run: |', '      echo start', "      echo ${{ nodes.t.outputs.log['t[os=linx]'] }}"),
    ];
    for (const text of texts) {
      const { title, after } = fixed(text);
      assert.equal(title, "Change to 't[os=linux]'");
      assert.ok(after?.includes("['t[os=linux]']"), after);
      assert.deepEqual(warnings(after!), []);
    }
  });

  it('means the instance whose values the id writes in another order', () => {
    const text = workflow('{ os: [linux, macos], node: [18, 20] }', "    run: echo ${{ nodes.t.outputs.log['T[NODE=20,os=macos]'] }}");
    const { message, after } = fixed(text);
    assert.match(message, /did you mean 't\[os=macos,node=20\]'\?$/);
    assert.ok(after?.includes("['t[os=macos,node=20]']"));
    assert.deepEqual(warnings(after!), []);
  });

  it('gives no fix where the literal is escaped in the file, or the meant id would need escapes', () => {
    // In a single-quoted YAML scalar the literal's quotes are doubled.
    const singleQuoted = workflow('{ os: [linux, macos] }', "    run: 'echo ${{ nodes.t.outputs.log[''t[os=linx]''] }}'");
    assert.deepEqual(fixed(singleQuoted), { message: "'t' has no instance 't[os=linx]', so this reads nothing — did you mean 't[os=linux]'?" });
    const quoteInValue = workflow(`{ v: ["it's", other] }`, '    run: echo "${{ nodes.t.outputs.log[\'t[v=its]\'] }}"');
    const { message, after } = fixed(quoteInValue);
    assert.match(message, /did you mean 't\[v=it's\]'\?$/);
    assert.equal(after, undefined);
  });

  it('lists the instances where no id is near', () => {
    const { message, after } = fixed(workflow('{ os: [linux, macos] }', "    run: echo ${{ nodes.t.outputs.log['t[os=windows]'] }}"));
    assert.match(message, /\(its instances: t\[os=linux\], t\[os=macos\]\)$/);
    assert.equal(after, undefined);
  });

  it('finds, for any matrix, the instance whose values an id writes in any order and case', () => {
    const value = fc.oneof(fc.stringMatching(/^[a-z0-9.]{1,5}$/), fc.integer({ min: 0, max: 99 }), fc.boolean());
    const axes = fc
      .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,4}$/), { minLength: 2, maxLength: 4 })
      .chain((keys) =>
        fc.tuple(...keys.map((k) => fc.uniqueArray(value, { minLength: 1, maxLength: 3, selector: (v) => String(v) }).map((vs) => [k, vs] as const))),
      );
    const order = fc.array(fc.nat(), { minLength: 4, maxLength: 4 });
    fc.assert(
      fc.property(axes, fc.nat(), order, (axisList, pick, ranks) => {
        const instances = expandMatrix({ id: 'job', matrix: matrixOf(Object.fromEntries(axisList)) });
        const instance = instances[pick % instances.length];
        const pairs = Object.entries(instance.values).map(([k, v], i) => ({ text: `${k}=${matrixValueText(v)}`, rank: ranks[i] }));
        const written = `JOB[${pairs
          .sort((a, b) => a.rank - b.rank)
          .map((p) => p.text.toUpperCase())
          .join(',')}]`;
        assert.equal(
          meantInstance('job', written, instances, closest),
          written.toLowerCase() === instance.id.toLowerCase()
            ? closest(
                written,
                instances.map((i) => i.id),
              )
            : instance.id,
        );
      }),
    );
  });

  it('reads values with commas in them', () => {
    const instances = expandMatrix({ id: 't', matrix: matrixOf({ a: ['1,b=2', '1'], b: ['x', '2,b=y'] }) });
    assert.equal(meantInstance('t', 't[b=x,a=1,b=2]', instances, closest), 't[a=1,b=2,b=x]');
    assert.equal(meantInstance('t', 't[b=2,b=y,a=1]', instances, closest), 't[a=1,b=2,b=y]');
  });
});
