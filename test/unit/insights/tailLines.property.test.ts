import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { completeLength, linesAfter, linesFromEnd } from '../../../src/engine/run/io/tailLines';

describe('reading a file from its end (property)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'maestro-tail-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives every complete non-empty line, last first (or first first after a length), whatever the chunk size and the characters', () => {
    const path = join(dir, 'lines.txt');
    const line = fc.string({ unit: fc.constantFrom('a', 'é', '€', '𝄞', ' ', '"', '{'), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.boolean(), fc.integer({ min: 1, max: 40 }), (lines, endsWithNewline, chunk) => {
        const text = lines.join('\n') + (endsWithNewline ? '\n' : '');
        writeFileSync(path, text);
        // A last line without its newline is still being written: not read yet.
        const complete = text.slice(0, text.lastIndexOf('\n') + 1);
        const expected = complete.split('\n').filter(Boolean);
        const { length } = completeLength(path);
        assert.equal(length, Buffer.byteLength(complete));
        assert.deepEqual([...linesFromEnd(path, length, chunk)], [...expected].reverse());
        // Read again after a known length: the lines after it, first first.
        const cut = complete.indexOf('\n', Math.floor(complete.length / 2)) + 1;
        const from = Buffer.byteLength(complete.slice(0, cut));
        assert.deepEqual(linesAfter(path, from), { lines: complete.slice(cut).split('\n').filter(Boolean), end: length });
      }),
      { numRuns: 400 },
    );
  });
});
