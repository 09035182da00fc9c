import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { renamedOutput } from '../../src/webview/state/outputsChange';

describe("the form's outputs list", () => {
  it('is a rename when one name changes in place, and a new list otherwise', () => {
    assert.deepEqual(renamedOutput(['version', 'notes'], ['release', 'notes']), { from: 'version', to: 'release' });
    assert.deepEqual(renamedOutput(['version'], ['Version']), { from: 'version', to: 'Version' });
    assert.equal(renamedOutput(['version', 'notes'], ['notes', 'version']), undefined, 'moved');
    assert.equal(renamedOutput(['version', 'notes'], ['notes', 'notes']), undefined, 'a name the list has');
    assert.equal(renamedOutput(['version', 'notes'], ['version', 'notes', 'url']), undefined, 'added');
    assert.equal(renamedOutput(['version', 'notes'], ['a', 'b']), undefined, 'two changed');
    assert.equal(renamedOutput(['version'], undefined), undefined, 'emptied');
    assert.equal(renamedOutput(['version'], ['version']), undefined, 'unchanged');
  });

  it('renames only a name of the list to a name it did not have, the rest in place (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z]{1,4}$/), { minLength: 1, maxLength: 5 }),
        fc.array(fc.stringMatching(/^[a-z]{1,4}$/), { maxLength: 5 }),
        (before, after) => {
          const renamed = renamedOutput(before, after);
          if (!renamed) return;
          const at = before.indexOf(renamed.from);
          assert.ok(at >= 0 && !before.includes(renamed.to));
          assert.deepEqual(
            after,
            before.map((n, i) => (i === at ? renamed.to : n)),
          );
        },
      ),
    );
  });
});
