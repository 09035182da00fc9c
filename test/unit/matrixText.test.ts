import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { MatrixValue } from '../../src/engine/matrix';
import { axesText, parseAxes, renamedMatrixKey } from '../../src/webview/state/matrixText';

describe("the builder's matrix field", () => {
  it('writes a key and its values a line, words as they are and anything else as JSON', () => {
    const axes: Record<string, MatrixValue[]> = {
      os: ['linux', 'macos'],
      node: [18, 20],
      flag: [true, 'true'],
      cfg: [{ cc: 'gcc' }, ['-O2']],
      odd: ['a, b', ' x', '3.10'],
    };
    const text = axesText(axes);
    assert.equal(text, 'os: linux, macos\nnode: 18, 20\nflag: true, "true"\ncfg: {"cc":"gcc"}, ["-O2"]\nodd: "a, b", " x", "3.10"');
    assert.deepEqual(parseAxes(text), { value: axes });
  });

  it('reads back what it writes, for any axes (property)', () => {
    const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,6}$/).filter((k) => k !== 'include' && k !== 'exclude');
    const scalar = fc.oneof(
      fc.string({ maxLength: 8 }).filter((s) => s.trim() !== '' || s !== ''),
      fc.integer(),
      fc.boolean(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    );
    const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 2 }), fc.dictionary(key, scalar, { maxKeys: 2, noNullPrototype: true }));
    const axesArb = fc.dictionary(key, fc.array(value, { minLength: 1, maxLength: 3 }), { maxKeys: 4, noNullPrototype: true });
    fc.assert(
      fc.property(axesArb, (axes) => {
        const read = parseAxes(axesText(axes));
        assert.deepEqual(read, { value: JSON.parse(JSON.stringify(axes)) }, axesText(axes as Record<string, MatrixValue[]>));
      }),
      { numRuns: 300 },
    );
  });

  it('says which line is wrong', () => {
    assert.deepEqual(parseAxes('os: linux\nno colon'), {
      error: 'line 2: write a key (a letter or _, then letters, digits, _ or -), a colon, and its values: os: linux, macos',
    });
    assert.deepEqual(parseAxes('os: linux\nos: macos'), { error: "line 2: 'os' is written twice" });
    assert.deepEqual(parseAxes('os: linux,'), { error: 'line 1: values are separated by commas, and none is empty' });
    assert.deepEqual(parseAxes('os: "linux'), { error: 'line 1: values are separated by commas, and none is empty' });
    assert.match((parseAxes('include: a') as { error: string }).error, /^line 1: write a key/);
    assert.deepEqual(parseAxes('\n\n'), { value: {} });
  });

  it('takes one key changed in place, its values and the others kept, for a rename', () => {
    const before = { os: ['linux'], node: [18, 20] };
    assert.deepEqual(renamedMatrixKey(before, { platform: ['linux'], node: [18, 20] }), { from: 'os', to: 'platform' });
    assert.equal(renamedMatrixKey(before, { platform: ['linux', 'macos'], node: [18, 20] }), undefined, 'its values changed too');
    assert.equal(renamedMatrixKey(before, { platform: ['linux'], node: [18] }), undefined, 'another line changed too');
    assert.equal(renamedMatrixKey(before, { node: [18, 20], os: ['linux'] }), undefined, 'moved about');
    assert.equal(renamedMatrixKey(before, { os: ['linux'] }), undefined);
  });
});
