import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { changesShellState } from '../../src/engine/platform/shellState';

/** Lines that change the shell's state for what follows, or end it. */
const CHANGING = [
  'cd sub',
  'cd ..',
  'pushd sub > /dev/null',
  'test -d sub && cd sub',
  'if true; then cd sub; fi',
  '{ cd sub; }',
  'command cd sub',
  'export A=exported',
  'A=assigned',
  'unset A',
  'declare -x A=declared',
  'eval "A=evaluated"',
  ': "${C:=defaulted}"',
  'printf -v C %s printed',
  '(( n++ )) || true',
  'read -r B < "$IN"',
  'while read -r line; do B=$line; done < "$IN"',
  '. "$LIB"',
  'source "$LIB"',
  'f() { echo "f" >> "$OUT"; }',
  'set +e',
  'exit 0',
  'exit 3',
  'umask 077',
  'trap \'echo "trap" >> "$OUT"\' EXIT',
];

/** Lines that only read the shell's state, write to `$OUT`, or fail. */
const READING = [
  'A=prefixed true',
  'f 2> /dev/null || echo "no f" >> "$OUT"',
  'false',
  'false || true',
  'echo "version=1" >> "$OUT"',
  'echo version=2 >> "$OUT"',
  'echo "$(cd sub && pwd)" >> "$OUT"',
  'ls . > /dev/null',
  'echo "n=$((n + 1))" >> "$OUT"',
  'pwd >> "$OUT"',
  'echo "A=$A B=$B C=$C L=$L n=$n" >> "$OUT"',
  'umask >> "$OUT"',
];

/** A last step that reads everything the others may have changed. */
const REPORT = ['pwd', 'echo "A=$A B=$B C=$C L=$L n=$n"', 'umask', 'f 2> /dev/null || echo "no f"'].map((l) => `${l} >> "$OUT"`).join('\n');

/** What the steps leave: what they wrote and the status the job ends with. */
interface Outcome {
  out: string;
  status: number | null;
}

function inFolder(run: (dir: string, env: NodeJS.ProcessEnv) => number | null): Outcome {
  const dir = mkdtempSync(join(tmpdir(), 'maestro-shell-state-'));
  try {
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'in'), 'from-in\n');
    writeFileSync(join(dir, 'lib.sh'), 'L=sourced\n');
    // HOME spares bash a look-up of the user (tens of milliseconds on some machines).
    const env = { PATH: process.env.PATH, HOME: dir, OUT: join(dir, 'out'), IN: join(dir, 'in'), LIB: join(dir, 'lib.sh'), A: 'given' };
    const status = run(dir, env);
    let out = '';
    try {
      out = readFileSync(join(dir, 'out'), 'utf8').split(dir).join('<dir>');
    } catch {
      // No step wrote anything.
    }
    return { out, status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** GitHub's way: each step a `bash -e` process of its own, in the workspace, until one fails. */
const eachInItsOwnProcess = (steps: string[]): Outcome =>
  inFolder((dir, env) => {
    const driver = 'for step in "$@"; do bash -e -c "$step" || exit $?; done';
    return spawnSync('bash', ['-c', driver, 'driver', ...steps], { cwd: dir, env }).status;
  });

/** The import's way: one script, a step that may change the shell's state in a subshell unless it is the last. */
const oneScript = (steps: string[]): Outcome =>
  inFolder((dir, env) => {
    const script = steps.map((s, i) => (i < steps.length - 1 && changesShellState(s) ? `(\n${s}\n)` : s)).join('\n');
    return spawnSync('bash', ['-e', '-c', script], { cwd: dir, env }).status;
  });

describe('whether a script changes the shell that runs it', () => {
  it('finds the words that do where a command starts, and not elsewhere', () => {
    for (const s of ['cd docs && npm ci', 'export NODE_ENV=test', 'VERSION=$(cat v)', 'set +e', '. ./env.sh', 'exit 0', 'make || exit 1', 'f() { :; }'])
      assert.ok(changesShellState(s), s);
    for (const s of [
      'npm ci',
      'docker build -t app .',
      'echo "version=1" >> "$GITHUB_OUTPUT"',
      'echo v=$((1 + 1))',
      'git remote set-url origin x',
      'kubectl --namespace=x get pods',
    ])
      assert.ok(!changesShellState(s), s);
  });

  it('runs steps in one script as each in a process of its own would run (a property)', function () {
    this.timeout(180_000);
    const line = fc.oneof({ arbitrary: fc.constantFrom(...CHANGING), weight: 1 }, { arbitrary: fc.constantFrom(...READING), weight: 3 });
    const step = fc.array(line, { minLength: 1, maxLength: 3 }).map((lines) => lines.join('\n'));
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 4 }), (before) => {
        const steps = [...before, REPORT];
        assert.deepEqual(oneScript(steps), eachInItsOwnProcess(steps), steps.join('\n---\n'));
      }),
      { numRuns: 300 },
    );
  });
});
