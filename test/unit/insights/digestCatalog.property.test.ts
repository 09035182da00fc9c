import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { Catalog } from '../../../src/engine/run/io/digestCatalog';

describe('the digest catalog', () => {
  it('read whole or line by line, has each run’s last key and each key’s count of runs', () => {
    const line = fc.tuple(fc.integer({ min: 0, max: 20 }), fc.constantFrom('', 'k1', 'k2', 'k3'));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), fc.integer({ min: 0, max: 60 }), (lines, cut) => {
        const text = (part: typeof lines) => part.map(([run, key]) => `run-${run}\t${key}`).join('\n');
        const whole = new Catalog();
        whole.addText(text(lines));
        // As a process that read the first lines, then those appended since.
        const split = new Catalog();
        split.addText(text(lines.slice(0, cut)));
        split.addText(text(lines.slice(cut)));
        const last = new Map(lines.map(([run, key]) => [`run-${run}`, key]));
        for (const c of [whole, split]) {
          assert.deepEqual(new Map(c.entries()), last);
          for (const key of ['', 'k1', 'k2', 'k3']) assert.equal(c.count(key), [...last.values()].filter((k) => k === key).length);
        }
      }),
      { numRuns: 500 },
    );
  });
});
