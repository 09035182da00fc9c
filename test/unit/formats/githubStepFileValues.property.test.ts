// A step in a shell of its own gets its file written by the job's bash: the values put into its text come out as
// they were, whatever they hold, and so does the text around them.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { ownShellLines } from '../../../src/engine/formats/githubActions/stepShells';

const piece = fc.string({ unit: fc.constantFrom('a', ' ', "'", '"', '$', '%', '\\', '`', 'n', '{', '}', '@', 'MAESTRO_STEP', '\t'), maxLength: 12 });

describe('GitHub Actions import: values written into a step file (properties)', () => {
  it('writes the text with each value in its place, for any text and values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.oneof(piece, fc.nat({ max: 2 })), { maxLength: 5 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.string({ unit: fc.constantFrom('x', "'", '"', '$', '%', '\\', '\n', '`', '-', 'MAESTRO_STEP'), maxLength: 10 }), {
          minLength: 3,
          maxLength: 3,
        }),
        (lines, values) => {
          const placeholders = values.map((_, i) => `@@maestro-value-${i + 1}@@`);
          const body = lines.map((parts) => parts.map((p) => (typeof p === 'number' ? placeholders[p] : p)).join('')).join('\n');
          // The step's text ends with one newline, as a here-document does, whether it had one or not.
          const text = lines.map((parts) => parts.map((p) => (typeof p === 'number' ? values[p] : p)).join('')).join('\n');
          const expected = `${body.endsWith('\n') ? text.replace(/\n$/, '') : text}\n`;
          const written = ownShellLines('python', body, new Map(placeholders.map((p, i) => [p, `value_${i}`])))!;
          const env = { PATH: process.env.PATH ?? '', ...Object.fromEntries(values.map((v, i) => [`value_${i}`, v])) };
          const script = [...written.slice(0, -1), 'cat "$step_file"'].join('\n');
          const result = spawnSync('bash', ['--noprofile', '--norc', '-e', '-c', script], { env, encoding: 'utf8' });
          assert.equal(result.stderr, '');
          assert.equal(result.stdout, expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});
