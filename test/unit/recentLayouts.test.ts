import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { LayoutResult } from '../../src/webview/layout/grid';
import { RecentLayouts } from '../../src/webview/layout/recentLayouts';

const layoutOf = (width: number): LayoutResult => ({ positions: {}, layers: {}, width, height: 1 });

describe('recent layouts', () => {
  it('gives back a layout by its structure, and forgets the least recently used past its size', () => {
    const recent = new RecentLayouts(2);
    recent.remember('a', layoutOf(1));
    recent.remember('b', layoutOf(2));
    assert.equal(recent.get('a')?.width, 1);
    recent.remember('c', layoutOf(3));
    assert.equal(recent.get('b'), undefined, 'b was the least recently used');
    assert.deepEqual([recent.get('a')?.width, recent.get('c')?.width], [1, 3]);
    recent.remember('a', layoutOf(4));
    assert.equal(recent.get('a')?.width, 4, 'a layout made again replaces the one remembered');
  });

  it('after any sequence of uses, holds exactly the most recently used keys, each with its last layout', () => {
    const op = fc.tuple(fc.boolean(), fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), fc.nat(100));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 40 }), (size, ops) => {
        const recent = new RecentLayouts(size);
        const model: { key: string; width: number }[] = [];
        for (const [store, key, width] of ops) {
          const at = model.findIndex((m) => m.key === key);
          if (store) {
            recent.remember(key, layoutOf(width));
            if (at >= 0) model.splice(at, 1);
            model.push({ key, width });
            if (model.length > size) model.shift();
          } else {
            assert.equal(recent.get(key)?.width, at >= 0 ? model[at].width : undefined);
            if (at >= 0) model.push(...model.splice(at, 1));
          }
        }
        for (const { key, width } of [...model]) assert.equal(recent.get(key)?.width, width);
      }),
    );
  });
});
