import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { axesProduct, expandMatrix, matrixCombinations, matrixKeys, matrixOf, matrixSize, matrixValueText, type MatrixSpec } from '../../src/engine/matrix';
import type { Scalar } from '../../src/engine/model';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { diagnose, yaml } from './helpers';
import { DOCS_MATRIX } from './matrixFixture';

const ids = (matrix: unknown): string[] => expandMatrix({ id: 't', matrix: matrixOf(matrix) }).map((i) => i.id);

describe('matrix', () => {
  it("makes GitHub Actions' documented example of include as GitHub does", () => {
    const matrix = {
      fruit: ['apple', 'pear'],
      animal: ['cat', 'dog'],
      include: [
        { color: 'green' },
        { color: 'pink', animal: 'cat' },
        { fruit: 'apple', shape: 'circle' },
        { fruit: 'banana' },
        { fruit: 'banana', animal: 'cat' },
      ],
    };
    assert.deepEqual(
      matrixCombinations(matrixOf(matrix)!).map((c) => c.values),
      [
        { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
        { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
        { fruit: 'pear', animal: 'cat', color: 'pink' },
        { fruit: 'pear', animal: 'dog', color: 'green' },
        { fruit: 'banana' },
        { fruit: 'banana', animal: 'cat' },
      ],
    );
  });

  it('leaves out what an exclude entry matches, all of its values, before include adds', () => {
    assert.deepEqual(ids(DOCS_MATRIX), [
      't[os=linux,node=18]',
      't[os=linux,node=20,coverage=true]',
      't[os=macos,node=20,coverage=true]',
      't[os=windows,node=20]',
    ]);
    assert.deepEqual(ids({ os: ['linux', 'macos'], node: [18, 20], exclude: [{ os: 'macos' }] }), ['t[os=linux,node=18]', 't[os=linux,node=20]']);
    // Values match as text, as instance ids tell them apart.
    assert.deepEqual(ids({ node: [18, 20], exclude: [{ node: '18' }] }), ['t[node=20]']);
    assert.deepEqual(ids({ node: [18], include: [{ node: '18', lts: true }] }), ['t[node=18,lts=true]']);
  });

  it('is include alone, each entry an instance; a matrix with nothing in it is none', () => {
    assert.deepEqual(ids({ include: [{ region: 'eu' }, { region: 'us', big: true }] }), ['t[region=eu]', 't[region=us,big=true]']);
    assert.equal(matrixOf({}), undefined);
    assert.equal(matrixOf({ include: 'x' }), undefined);
    assert.deepEqual(matrixKeys(matrixOf({ os: ['linux'], include: [{ os: 'mac', arch: 'arm' }] })!), ['os', 'arch']);
  });

  it('keeps one instance of an id made twice (validation says so), and counts a huge product without making it', () => {
    assert.deepEqual(ids({ include: [{ k: 1 }, { k: '1' }] }), ['t[k=1]']);
    const huge = matrixOf({ a: range(100), b: range(100), c: range(100), exclude: [{ a: 0 }] })!;
    assert.equal(matrixSize(huge), 1_000_000);
    assert.equal(expandMatrix({ id: 't', matrix: huge }, 3).length, 3);
  });

  it('with neither include nor exclude, is the product of its axes, each combination once, keys in the order written', () => {
    fc.assert(
      fc.property(axes, (axes) => {
        const combinations = matrixCombinations({ axes, exclude: [], include: [] });
        assert.equal(combinations.length, axesProduct({ axes, exclude: [], include: [] }));
        assert.equal(new Set(combinations.map((c) => JSON.stringify(c.values))).size, combinations.length);
        for (const { values } of combinations) assert.deepEqual(Object.keys(values), Object.keys(axes));
      }),
    );
  });

  it('never changes the axes of what the product leaves, and adds an instance only for an include entry that fits nothing', () => {
    fc.assert(
      fc.property(spec, (matrix) => {
        const made = matrixCombinations(matrix);
        const left = matrixCombinations({ ...matrix, include: [] }).map((c) => c.values);
        const keys = Object.keys(matrix.axes);
        // The product's combinations, in order, with their axis values as they were; no excluded one among them.
        assert.deepEqual(
          made.slice(0, left.length).map((c) => Object.fromEntries(keys.map((k) => [k, c.values[k]]))),
          left,
        );
        for (const c of left)
          assert.ok(!matrix.exclude.some((e) => Object.keys(e).length && Object.entries(e).every(([k, v]) => matrixValueText(c[k]) === matrixValueText(v))));
        // The rest: the entries that fit no combination left, each as written.
        const fitsNone = matrix.include.filter((e) =>
          left.every((c) => Object.entries(e).some(([k, v]) => k in c && matrixValueText(c[k]) !== matrixValueText(v))),
        );
        assert.deepEqual(
          made.slice(left.length).map((c) => c.values),
          fitsNone,
        );
        // The last include entry's values are in some instance: nothing after it changes them.
        const last = matrix.include.at(-1);
        if (last) assert.ok(made.some((c) => Object.entries(last).every(([k, v]) => c.values[k] === v)));
      }),
    );
  });
});

describe('matrix validation', () => {
  const workflow = (run: string, matrix: string[]) =>
    yaml('version: 1', 'name: M', 'nodes:', '  t:', `    run: ${run}`, '    matrix:', ...matrix.map((l) => `      ${l}`));
  const node = (...matrix: string[]) => workflow('echo ${{ matrix.os }}', matrix);
  const found = (text: string) => diagnose(text).map((d) => [d.severity, d.code, d.line, d.text]);

  it('accepts include and exclude, and include alone; a key only an include entry has can be read', () => {
    const reads = 'echo ${{ matrix.os }} ${{ matrix.coverage }}';
    assert.deepEqual(found(workflow(reads, ['os: [linux, macos]', 'exclude: [{ os: macos }]', 'include: [{ os: linux, coverage: true }]'])), []);
    assert.deepEqual(found(workflow(reads, ['include: [{ os: linux }, { os: macos, coverage: true }]'])), []);
    assert.deepEqual(found(workflow('echo ${{ matrix.coverage }}', ['os: [linux]'])), [['error', 'unknown-reference', 5, 'coverage']]);
  });

  it('warns at an instance id the matrix does not make, read from a node that needs it; reads ids in any case', () => {
    const reader = (id: string) => [
      '  r:',
      '    needs: t',
      '    run: echo "$V"',
      `    env: { V: "\${{ nodes.t.outputs.log['${id}'] }} \${{ nodes.t.outputs.log.*  }} \${{ nodes.t.outputs.log['T[OS=MACOS]'] }}" }`,
    ];
    const text = (id: string) => yaml(...node('os: [linux, macos]').split('\n').filter(Boolean), ...reader(id));
    assert.deepEqual(found(text('t[os=linux]')), []);
    const d = diagnose(text('t[os=windows]'));
    assert.deepEqual(
      d.map((x) => [x.severity, x.code, x.line, x.text]),
      [['warning', 'unknown-instance', 11, "'t[os=windows]'"]],
    );
    assert.equal(d[0].message, "'t' has no instance 't[os=windows]', so this reads nothing (its instances: t[os=linux], t[os=macos])");
    assert.match(diagnose(text('t[os=linx]'))[0].message, / — did you mean 't\[os=linux\]'\?$/);
  });

  it('says which exclude key the matrix does not have, and which value leaves out nothing', () => {
    const d = diagnose(node('os: [linux, macos]', 'exclude:', '  - { oss: linux }', '  - { os: macOS }'));
    assert.deepEqual(
      d.map((x) => [x.severity, x.code, x.line, x.text]),
      [
        ['error', 'invalid-matrix', 9, 'oss'],
        ['warning', 'invalid-matrix', 10, 'macOS'],
      ],
    );
    assert.match(d[0].message, /'exclude' names 'oss', which is not a key of the matrix of 't' — did you mean 'os'\?/);
    assert.match(d[1].message, /"macOS" is not a value of 'os', so this entry leaves out nothing — did you mean 'macos'\?/);
  });

  it('fixes an exclude key or value that is a typo of one the matrix has, writing the value as YAML reads it back', () => {
    const fixed = (...matrix: string[]) => {
      const text = node(...matrix);
      const d = validateWorkflow(text).diagnostics.find((x) => x.fixes?.length)!;
      const [edit] = d.fixes![0].edits;
      return [d.fixes![0].title, text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end)];
    };
    const [keyTitle, key] = fixed('os: [linux, macos]', 'exclude: [{ oss: linux }]');
    assert.equal(keyTitle, "Change to 'os'");
    assert.deepEqual(found(key), []);
    const [valueTitle, value] = fixed('os: [linux, macos]', 'exclude: [{ os: macOS }]');
    assert.equal(valueTitle, 'Change to macos');
    assert.deepEqual(found(value), []);
    const [, quoted] = fixed('os: ["true", "1.0"]', 'exclude: [{ os: "1.o" }]');
    assert.match(quoted, /exclude: \[\{ os: "1\.0" \}\]/);
    assert.deepEqual(found(quoted), []);
  });

  it('rejects an include entry that makes an instance twice, and a matrix whose exclude leaves nothing', () => {
    const twice = diagnose(node('os: [linux]', 'include:', '  - { os: windows }', '  - { os: windows }'));
    assert.deepEqual(
      twice.map((x) => [x.code, x.line, x.text]),
      [['invalid-matrix', 10, '{ os: windows }']],
    );
    assert.match(twice[0].message, /makes the instance 't\[os=windows\]' twice/);
    const none = diagnose(node('os: [linux]', 'exclude: [{ os: linux }]'));
    assert.deepEqual(
      none.map((x) => [x.code, x.line, x.text]),
      [['invalid-matrix', 6, 'matrix']],
    );
    assert.match(none[0].message, /makes no instance: its 'exclude' entries leave out every combination/);
  });

  it('warns of a maxParallel that bounds nothing, with a fix that removes it', () => {
    const text = yaml(
      'version: 1',
      'name: M',
      'nodes:',
      '  a: { run: x, maxParallel: 2 }',
      '  b:',
      '    matrix: { n: [1, 2] }',
      '    maxParallel: 1',
      '    run: x',
    );
    const d = validateWorkflow(text).diagnostics;
    assert.deepEqual(
      d.map((x) => [x.severity, x.code, x.message]),
      [['warning', 'ignored-setting', "'a' has no matrix: maxParallel bounds how many of a matrix's instances run at once"]],
    );
    const [edit] = d[0].fixes![0].edits;
    assert.equal(text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end), text.replace(', maxParallel: 2', ''));
    const gate = yaml('version: 1', 'name: M', 'nodes:', '  g: { matrix: { n: [1, 2] }, approval: { prompt: ok? }, maxParallel: 1 }');
    assert.match(diagnose(gate)[0].message, /'g' is an approval gate: its instances wait for answers, which maxParallel does not change/);
    assert.deepEqual(
      found(workflow('x', ['n: [1]']).replace('    run: x', '    run: x\n    maxParallel: 0')).map((x) => x[1]),
      ['schema'],
    );
    assert.deepEqual(found(yaml('version: 1', 'name: M', 'nodes:', '  a: { run: x, failFast: true }')), [['warning', 'ignored-setting', 4, 'failFast']]);
  });

  it('counts what exclude and include make against the bound of 256', () => {
    const values = `[${range(17).join(', ')}]`;
    assert.deepEqual(found(node(`os: ${values}`, `n: ${values}`, 'exclude: [{ os: 0 }, { os: 1 }]')), [], '15 × 17 = 255');
    const over = diagnose(node(`os: ${values}`, `n: ${values}`, 'exclude: [{ os: 0 }, { os: 1 }]', 'include: [{ os: x }, { os: y }]'));
    assert.match(over[0].message, /makes 257 instances \(17 os × 17 n, less what it excludes, with what it includes\); at most 256/);
  });
});

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

const value = fc.constantFrom<Scalar>('a', 'b', 'c', 1, 2, true);
const key = fc.constantFrom('os', 'node', 'arch', 'x');
const axes = fc
  .uniqueArray(fc.tuple(key, fc.uniqueArray(value, { minLength: 1, maxLength: 3, selector: String })), { minLength: 1, maxLength: 3, selector: ([k]) => k })
  .map((entries) => Object.fromEntries(entries) as Record<string, Scalar[]>);
const entry = fc.dictionary(key, value, { minKeys: 1, maxKeys: 3 }).map((e) => ({ ...e }));
const spec: fc.Arbitrary<MatrixSpec> = fc.record({
  axes,
  exclude: fc.array(entry, { maxLength: 3 }),
  include: fc.array(entry, { maxLength: 4 }),
});
