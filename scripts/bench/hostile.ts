// Files built to hang or flood a validator, each timed against a valid 20,000-node file in the same run: each must
// validate in at most 3× its time, with at most 2 MB of diagnostics (see docs/security.md).
import { validateWorkflow } from '../../src/engine/validation/validate';
import { fileDiagnostics } from '../../src/engine/validation/worker/fileDiagnostics';
import { hostile } from '../../test/unit/hostile';
import { median, ms, ratio } from './stats';

const ROUNDS = Number(process.env.BENCH_HOSTILE_ROUNDS ?? 3);

function measure(text: string): { ms: number; bytes: number } {
  const times: number[] = [];
  let bytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const t = performance.now();
    const result = validateWorkflow(`${text}# ${round}\n`);
    times.push(performance.now() - t);
    bytes = JSON.stringify(fileDiagnostics(result)).length;
  }
  return { ms: median(times), bytes };
}

const valid = measure(hostile.validChain(20_000));
const files: [string, string][] = [
  ['alias fan-out (999 aliases of 100,000 scalars)', hostile.aliasFanOut()],
  ['a 3,000-node cycle', hostile.longCycle(3000)],
  ['5,000 unknown needs', hostile.unknownNeeds(5000)],
  ['20,000 unknown properties', hostile.unknownProperties(20_000)],
  ['a 20,000-item block list', hostile.longBlockList(20_000)],
  ['mappings nested 500 deep', hostile.deepNesting(500)],
];
console.log(`\nHostile files against a valid 20,000-node file (${ms(valid.ms)}), median of ${ROUNDS}`);
const worst = { ratio: 0, bytes: 0 };
for (const [name, text] of files) {
  const m = measure(text);
  worst.ratio = Math.max(worst.ratio, m.ms / valid.ms);
  worst.bytes = Math.max(worst.bytes, m.bytes);
  console.log(
    `  ${name.padEnd(48)} ${ms(m.ms).padStart(9)}  ${ratio(m.ms, valid.ms).padStart(6)}  ${(m.bytes / 1024).toFixed(0).padStart(5)} KB of diagnostics`,
  );
}
console.log(`  worst: ${worst.ratio.toFixed(2)}× the valid file (target ≤ 3×), ${(worst.bytes / 1024 / 1024).toFixed(2)} MB (target ≤ 2 MB)`);
process.send?.({ section: 'hostile', validMs: valid.ms, worstVsValid: worst.ratio, worstBytes: worst.bytes });
