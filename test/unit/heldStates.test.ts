import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { HeldStates } from '../../src/extension/runs/heldStates';

describe('the ended runs whose state the window holds', () => {
  it('lets go of the state used longest ago once more than the limit are held, a run used again counting as new', () => {
    const held = new HeldStates(2);
    assert.deepEqual(held.use('a'), []);
    assert.deepEqual(held.use('b'), []);
    assert.deepEqual(held.use('a'), [], 'a used again is the newest');
    assert.deepEqual(held.use('c'), ['b']);
    held.forget('a');
    assert.deepEqual(held.use('d'), [], 'a runs again: it is not held');
    assert.deepEqual(held.use('e'), ['c']);
  });

  it('holds at most the limit, the last ones used, whatever the order of uses (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 40 }), fc.integer({ min: 1, max: 4 }), (uses, limit) => {
        const held = new HeldStates(limit);
        const kept = new Set<string>();
        for (const id of uses) {
          kept.add(id);
          for (const gone of held.use(id)) kept.delete(gone);
        }
        const lastUsed = [...new Set([...uses].reverse())].slice(0, limit);
        assert.deepEqual([...kept].sort(), lastUsed.sort());
      }),
    );
  });
});
