import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { FIT_PAD, FIT_PAD_LEFT, fittedViewport, READABLE_ZOOM, sameViewport } from '../../src/webview/layout/fit';

const size = (min: number, max: number) => fc.double({ min, max, noNaN: true });

describe('fitting a graph to its pane', () => {
  it('never magnifies, keeps cards readable and clear of the zoom buttons, and shows the whole graph when it fits at a readable zoom, else its top across the width', () => {
    fc.assert(
      fc.property(size(1, 50_000), size(1, 50_000), size(100, 4000), size(100, 4000), (lw, lh, width, height) => {
        const v = fittedViewport({ width: lw, height: lh }, width, height);
        assert.ok(v.zoom <= 1 && v.zoom >= READABLE_ZOOM - 1e-9, `zoom ${v.zoom}`);
        const right = v.x + lw * v.zoom;
        const bottom = v.y + lh * v.zoom;
        const fitsReadable = Math.min(1, (width - FIT_PAD_LEFT - FIT_PAD) / lw, (height - 2 * FIT_PAD) / lh) >= READABLE_ZOOM;
        // Never under the zoom buttons, at the pane's left.
        assert.ok(v.x >= FIT_PAD_LEFT - 1e-6, `x ${v.x}`);
        if (fitsReadable) {
          // Whole, inside the margins, centred between them.
          assert.ok(v.y >= FIT_PAD - 1e-6 && right <= width - FIT_PAD + 1e-6 && bottom <= height - FIT_PAD + 1e-6);
          assert.ok(Math.abs(v.x - FIT_PAD_LEFT - (width - FIT_PAD - right)) < 1e-6 && Math.abs(v.y - (height - bottom)) < 1e-6);
        } else {
          // From its top; as wide as the pane unless the readable zoom makes it wider, then from its left margin.
          assert.equal(v.y, FIT_PAD);
          if (v.zoom > READABLE_ZOOM + 1e-9) assert.ok(right <= width - FIT_PAD + 1e-6);
        }
      }),
    );
  });

  it('a 1,000-node layout beside an editor: readable, from its top', () => {
    const v = fittedViewport({ width: 5500, height: 6900 }, 520, 700);
    assert.deepEqual(v, { x: FIT_PAD_LEFT, y: FIT_PAD, zoom: READABLE_ZOOM });
  });

  it('tells viewports apart only when they draw differently', () => {
    const v = { x: 10, y: 20, zoom: 0.8 };
    assert.ok(sameViewport(v, { x: 10.3, y: 19.8, zoom: 0.8 }));
    assert.ok(!sameViewport(v, { x: 11, y: 20, zoom: 0.8 }));
    assert.ok(!sameViewport(v, { x: 10, y: 20, zoom: 0.81 }));
  });
});
