import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { isObject } from '../../src/engine/json';
import { expandMatrix, matrixCombinations, matrixOf, matrixValueMatches, type MatrixValue } from '../../src/engine/matrix';
import { complete } from '../../src/extension/language/completion';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';
import { diagnose, yaml } from './helpers';

/** The matrix C and C++ projects write on GitHub: one key whose values are maps, read as `matrix.config.cc`. */
const CONFIGS = {
  config: [
    { name: 'Ubuntu GCC', os: 'ubuntu', cc: 'gcc', flags: ['-O2'] },
    { name: 'macOS Clang', os: 'macos', cc: 'clang', flags: ['-O2', '-g'] },
  ],
  build_type: ['Release', 'Debug'],
};

const ids = (matrix: unknown): string[] => expandMatrix({ id: 't', matrix: matrixOf(matrix) }).map((i) => i.id);

describe('matrix: lists and maps as values written out', () => {
  it('fans out over maps and lists as values, each instance with the whole value, its id the value as JSON', () => {
    const made = matrixCombinations(matrixOf(CONFIGS)!).map((c) => c.values);
    assert.deepEqual(made, [
      { config: CONFIGS.config[0], build_type: 'Release' },
      { config: CONFIGS.config[0], build_type: 'Debug' },
      { config: CONFIGS.config[1], build_type: 'Release' },
      { config: CONFIGS.config[1], build_type: 'Debug' },
    ]);
    assert.equal(ids({ tags: [['a', 'b']] })[0], 't[tags=["a","b"]]');
  });

  it("leaves out by the parts an exclude entry names, as GitHub's exclude compares leaf by leaf", () => {
    assert.deepEqual(ids({ ...CONFIGS, exclude: [{ config: { os: 'macos' }, build_type: 'Debug' }] }).length, 3);
    assert.deepEqual(ids({ ...CONFIGS, exclude: [{ config: { flags: ['-O2', '-g'] } }] }).length, 2, 'a list names its items by place');
    assert.deepEqual(ids({ ...CONFIGS, exclude: [{ config: { flags: ['-g'] } }] }).length, 4, '-g is the second flag, not the first');
    assert.deepEqual(ids({ ...CONFIGS, exclude: [{ config: { os: 'windows' } }] }).length, 4);
    assert.deepEqual(ids({ ...CONFIGS, exclude: [{ config: { arch: null } }] }).length, 0, 'a null matches a part that is not there');
  });

  it('adds an include entry to the combinations whose map it equals in any key order, and makes its own for another map', () => {
    const same = { cc: 'gcc', flags: ['-O2'], os: 'ubuntu', name: 'Ubuntu GCC' };
    const made = matrixCombinations(matrixOf({ ...CONFIGS, include: [{ config: same, coverage: true }, { config: { os: 'ubuntu' } }] })!);
    assert.deepEqual(
      made.map((c) => c.values.coverage ?? null),
      [true, true, null, null, null],
    );
    assert.deepEqual(made[4], { values: { config: { os: 'ubuntu' } }, includedBy: 1 });
  });

  it('matches a value by any part of it, and by nothing that differs in one leaf', () => {
    fc.assert(
      fc.property(
        mapValue.chain((v) => fc.tuple(fc.constant(v), partOf(v))),
        ([value, part]) => {
          assert.ok(matrixValueMatches(value, value));
          assert.ok(matrixValueMatches(part, value));
          const changed = changeOneLeaf(part);
          if (changed !== undefined) assert.ok(!matrixValueMatches(changed, value));
        },
      ),
    );
  });

  it('excludes exactly the combinations an entry matches part by part', () => {
    fc.assert(
      fc.property(
        fc
          .uniqueArray(mapValue, { minLength: 1, maxLength: 4, selector: (v) => JSON.stringify(v) })
          .chain((values) => fc.tuple(fc.constant(values), partOf(values[0]))),
        ([values, part]) => {
          const left = matrixCombinations(matrixOf({ config: values, exclude: [{ config: part }] })!).map((c) => c.values.config);
          assert.deepEqual(
            left,
            values.filter((v) => !matrixValueMatches(part, v)),
          );
          assert.ok(!left.includes(values[0]));
        },
      ),
    );
  });
});

describe('matrix validation: lists and maps as values', () => {
  const workflow = (...matrix: string[]) =>
    yaml('version: 1', 'name: M', 'nodes:', '  t:', '    run: echo ${{ matrix.config.cc }}', '    matrix:', ...matrix.map((l) => `      ${l}`));
  const found = (text: string) => diagnose(text).map((d) => [d.severity, d.code, d.line, d.text, d.message]);

  it('accepts maps and lists as values, read by their parts, and an exclude that names a part of them', () => {
    assert.deepEqual(
      found(workflow('config: [{ os: linux, cc: gcc }, { os: macos, cc: clang }]', 'tags: [[a, b], [c]]', 'exclude: [{ config: { os: macos } }]')),
      [],
    );
  });

  it('rejects a map given twice and a null value, and says which exclude map leaves out nothing, with a fix in JSON', () => {
    const text = workflow('config:', '  - { os: linux, cc: gcc }', '  - { cc: gcc, os: linux }', '  - null', 'exclude:', '  - config: { os: macs }');
    const d = diagnose(text);
    assert.deepEqual(
      d.map((x) => [x.severity, x.code, x.line]),
      [
        ['error', 'invalid-matrix', 9],
        ['error', 'schema', 10],
        ['warning', 'invalid-matrix', 12],
      ],
    );
    assert.match(d[0].message, /matrix key 'config' already has the value \{"cc":"gcc","os":"linux"\}/);
    assert.match(d[1].message, /item 3 of 'config' must be a value \(a string, number, boolean, list or mapping\), not empty/);
    assert.match(d[2].message, /^\{"os":"macs"\} is not a value of 'config', so this entry leaves out nothing \(values: \{"os":"linux","cc":"gcc"\}/);
    const typo = validateWorkflow(
      workflow('config: [{ os: linux, cc: gcc }, { os: macos, cc: clang }]', 'exclude:', '  - config: { os: macos, cc: clan }'),
    ).diagnostics;
    assert.deepEqual(typo[0].fixes?.[0].edits[0].newText, '{"os":"macos","cc":"clang"}');
    assert.match(typo[0].message, /did you mean \{"os":"macos","cc":"clang"\}\?/);
  });

  it('offers the parts of the maps a key has after matrix.config., with the values of each', () => {
    const marked = workflow('config: [{ os: linux, cc: gcc }, { os: macos, cc: clang, flags: [-g] }]').replace('matrix.config.cc', 'matrix.config.|');
    const offset = marked.indexOf('|');
    const text = marked.slice(0, offset) + marked.slice(offset + 1);
    assert.deepEqual(
      complete(buildIndex(validateWorkflow(text)), offset).map((i) => [i.label, i.detail]),
      [
        ['os', 'matrix.config · linux, macos'],
        ['cc', 'matrix.config · gcc, clang'],
        ['flags', 'matrix.config · ["-g"]'],
      ],
    );
  });
});

const leaf = fc.constantFrom<MatrixValue>('a', 'b', 1, 2, true);
const mapValue: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  fc.constantFrom('os', 'cc', 'v', 'k'),
  fc.oneof(leaf, fc.array(leaf, { maxLength: 3 }), fc.dictionary(fc.constantFrom('x', 'y'), leaf, { maxKeys: 2 })),
  { minKeys: 1, maxKeys: 3 },
);

/** Any part of a value: some of a map's keys, each with a part of its value; a list's first items, each a part; a leaf as it is. */
function partOf(v: unknown): fc.Arbitrary<unknown> {
  if (Array.isArray(v))
    return fc.integer({ min: 0, max: v.length }).chain((n) => (n === 0 ? fc.constant<unknown[]>([]) : fc.tuple(...(v as unknown[]).slice(0, n).map(partOf))));
  if (!isObject(v)) return fc.constant(v);
  const keys = Object.keys(v);
  return fc
    .subarray(keys)
    .chain((kept) =>
      kept.length === 0 ? fc.constant({}) : fc.tuple(...kept.map((k) => partOf(v[k]))).map((parts) => Object.fromEntries(kept.map((k, i) => [k, parts[i]]))),
    );
}

/** The part with its first leaf changed to a value no leaf has; undefined where it has no leaf. */
function changeOneLeaf(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v as unknown[];
    const i = items.findIndex((x) => changeOneLeaf(x) !== undefined);
    return i < 0 ? undefined : items.map((x, j) => (j === i ? changeOneLeaf(x) : x));
  }
  if (isObject(v)) {
    const k = Object.keys(v).find((key) => changeOneLeaf(v[key]) !== undefined);
    return k === undefined ? undefined : { ...v, [k]: changeOneLeaf(v[k]) };
  }
  return 'none of them';
}
