import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  encodePerlEnvironment,
  encodePerlSpawn,
  exitOfStatus,
  PerlEventReader,
  PerlJobs,
  type PerlEvent,
} from '../../src/engine/run/io/spawnHelper/perlProtocol';
import { spawnHelperKind } from '../../src/engine/run/io/spawnHelper/count';
import type { HelperMessage } from '../../src/engine/run/io/spawnHelper/protocol';
import { ShellProcessRunner } from '../../src/engine/run/io/processRunner';
import { SpawnHelperPool } from '../../src/engine/run/io/spawnHelper/pool';
import { fallbackKind, type HelperKind } from '../../src/engine/run/io/spawnHelper/transports';
import { helperKindAvailable, processEnv, readyHelpers, SPAWN_HELPER } from './processes';

const STREAM = ['R 1\n', 'S 1 4242\n', 'O 1 1 11\nhello\nworld', 'O 1 2 4\n\x00\n\xff\n', 'C 1 1\n', 'G 1 256\n', 'F 2 2\n', 'O 1 1 0\n', 'C 1 2\n'].join('');

function eventsOf(chunks: Buffer[]): PerlEvent[] {
  const events: PerlEvent[] = [];
  const reader = new PerlEventReader(
    (e) => events.push(e),
    (why) => assert.fail(why),
  );
  for (const c of chunks) reader.push(c);
  return events;
}

describe('the Perl and Python spawn helpers: protocol', () => {
  it('reads the same events however its output is cut into chunks', () => {
    const whole = Buffer.from(STREAM, 'latin1');
    const expected = eventsOf([whole]);
    assert.deepEqual(
      expected.map((e) => e.kind),
      ['ready', 'started', 'output', 'output', 'closed', 'reaped', 'failed', 'output', 'closed'],
    );
    assert.deepEqual((expected[3] as { bytes: Buffer }).bytes, Buffer.from([0, 10, 0xff, 10]));
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: whole.length - 1 }), { maxLength: 12 }), (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), whole.length];
        const chunks = at.slice(1).map((end, i) => whole.subarray(at[i], end));
        assert.deepEqual(eventsOf(chunks), expected);
      }),
    );
  });

  it('refuses what is not one of its messages', () => {
    const bad: string[] = [];
    new PerlEventReader(
      () => undefined,
      (why) => bad.push(why),
    ).push(Buffer.from('S one two\n'));
    assert.match(bad[0], /not a spawn helper message: S one two/);
  });

  it('frames a request with its byte length, and declines one with a NUL', () => {
    const frame = encodePerlSpawn({ type: 'spawn', id: 7, file: 'sh', args: ['-c', 'echo é\nok'], cwd: '/', set: { A: '1' }, unset: ['B'] })!;
    const text = frame.toString();
    const [length, payload] = [Number(text.slice(0, text.indexOf('\n'))), frame.subarray(text.indexOf('\n') + 1)];
    assert.equal(length, payload.length);
    assert.deepEqual(payload.toString().split('\0'), ['S', '7', 'sh', 'sh', '/', '2', '-c', 'echo é\nok', '1', 'B', 'A', '1']);
    assert.equal(encodePerlSpawn({ type: 'spawn', id: 8, file: 'sh', args: ['a\0b'], cwd: '/', set: {}, unset: [] }), undefined);
  });

  it('turns a wait status into an exit code or a signal, as Node.js reports them', () => {
    assert.deepEqual(exitOfStatus(0), { code: 0, signal: null });
    assert.deepEqual(exitOfStatus(3 << 8), { code: 3, signal: null });
    assert.deepEqual(exitOfStatus(15), { code: null, signal: 'SIGTERM' });
    assert.deepEqual(exitOfStatus(9 | 0x80), { code: null, signal: 'SIGKILL' }, 'a core dump flag aside');
  });

  it('reports a process once its output has ended and it is reaped, in either order, and a spawn failure in words', () => {
    const messages: HelperMessage[] = [];
    const jobs = new PerlJobs(
      (m) => messages.push(m),
      () => assert.fail('nothing outlived its grace'),
    );
    const request = (id: number) => ({ type: 'spawn' as const, id, file: '/no/such/program', args: [], cwd: '/', set: {}, unset: [] });
    jobs.sent(request(1));
    jobs.sent(request(2));
    jobs.handle({ kind: 'started', id: 1, pid: 10 });
    jobs.handle({ kind: 'output', id: 1, stream: 'stdout', bytes: Buffer.from('a\nb') });
    jobs.handle({ kind: 'reaped', id: 1, status: 0 });
    jobs.handle({ kind: 'closed', id: 1, stream: 'stdout' });
    jobs.handle({ kind: 'closed', id: 1, stream: 'stderr' });
    jobs.handle({ kind: 'failed', id: 2, errno: 2 });
    assert.deepEqual(messages, [
      { type: 'spawned', id: 1, pid: 10 },
      { type: 'lines', id: 1, stream: 'stdout', lines: ['a'] },
      { type: 'gone', id: 1 },
      { type: 'lines', id: 1, stream: 'stdout', lines: ['b'] },
      { type: 'exited', id: 1, code: 0, signal: null },
      { type: 'exited', id: 2, code: null, signal: null, spawnError: 'spawn /no/such/program ENOENT: /no/such/program was not found' },
    ]);
  });

  it('frames the environment the processes start from', () => {
    const frame = encodePerlEnvironment({ A: '1', EMPTY: '', 'B=C': 'x\ny', BAD: 'a\0b' });
    const text = frame.toString();
    assert.deepEqual(text.slice(text.indexOf('\n') + 1).split('\0'), ['E', 'A', '1', 'EMPTY', '', 'B=C', 'x\ny']);
    assert.equal(encodePerlEnvironment({}).toString(), '1\nE');
  });

  it('Python helpers first on Linux, Perl ones on other POSIX systems, unless told otherwise; Node.js helpers on Windows', () => {
    assert.equal(spawnHelperKind({ platform: 'linux' }), 'python');
    assert.equal(spawnHelperKind({ platform: 'darwin' }), 'perl');
    assert.equal(spawnHelperKind({ platform: 'linux', setting: 'node' }), 'node');
    assert.equal(spawnHelperKind({ platform: 'linux', setting: ' perl ' }), 'perl');
    assert.equal(spawnHelperKind({ platform: 'darwin', setting: 'python' }), 'python');
    assert.equal(spawnHelperKind({ platform: 'linux', setting: 'ruby' }), 'python', 'a kind it does not know is ignored');
    assert.equal(spawnHelperKind({ platform: 'win32', setting: 'perl' }), 'node');
  });

  it('falls back from Python to Perl to Node.js', () => {
    assert.deepEqual([fallbackKind('python'), fallbackKind('perl'), fallbackKind('node')], ['perl', 'node', undefined]);
  });
});

for (const kind of ['perl', 'python'] as const)
  describe(`the ${kind === 'perl' ? 'Perl' : 'Python'} spawn helper: processes`, function () {
    framedHelperSuite.call(this, kind);
  });

function framedHelperSuite(this: Mocha.Suite, kind: Exclude<HelperKind, 'node'>): void {
  this.timeout(120_000);
  let dir: string;
  let pool: SpawnHelperPool;
  before(async function () {
    if (!helperKindAvailable(kind)) this.skip();
    dir = mkdtempSync(join(tmpdir(), `maestro-${kind}-`));
    pool = await readyHelpers(kind);
  });
  after(() => {
    pool?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = async (runner: ShellProcessRunner, script: string) => {
    const lines: string[] = [];
    const result = await runner.start({ instanceId: 'n', attempt: 1, script, cwd: dir, env: { ...processEnv(), EXTRA: 'x y' } }, (stream, text) =>
      lines.push(`${stream}: ${text}`),
    ).done;
    // Each stream in order; stdout and stderr are two pipes, with no order between them.
    const byStream = [...lines.filter((l) => l.startsWith('stdout')), ...lines.filter((l) => l.startsWith('stderr'))];
    return { exitCode: result.exitCode, signal: result.signal, spawnError: result.spawnError, outputs: result.outputs, lines: byStream };
  };

  const word = fc.constantFrom('a', 'b c', 'é', '$EXTRA', '"$PWD"', "'q'", '\\t', '%s', '');
  const step = fc.oneof(
    word.map((w) => `echo ${w}`),
    word.map((w) => `printf '${w.replace(/'/g, '')}'`),
    word.map((w) => `echo ${w} >&2`),
    fc.integer({ min: 0, max: 3 }).map((n) => `printf '\\377\\376 bytes ${n}\\n'`),
    fc.constantFrom('echo "k=v" >> "$MAESTRO_OUTPUT"', 'seq 1 3000', 'printf "no end"', 'cat /dev/null', 'true', 'yes | head -n 2', 'ulimit -c'),
    // What a process inherits besides its environment: signals ignored or blocked, and open files.
    fc.constantFrom(...(existsSync('/proc/self/status') ? ['grep -E "^Sig(Ign|Blk)" /proc/self/status', 'ls /proc/self/fd | wc -l'] : ['true'])),
  );
  const ending = fc.constantFrom('', 'exit 0', 'exit 1', 'exit 130', 'kill -TERM $$', 'kill -KILL $$', 'no-such-command-here');

  it("starts whatever the user's Perl or Python settings are, and passes them on to the processes", async () => {
    writeFileSync(join(dir, 'selectors.py'), `open(${JSON.stringify(join(dir, 'imported'))}, 'w')\n`);
    const settings = { PERL5OPT: '-Mno::such::module', PYTHONPATH: dir, PYTHONSTARTUP: join(dir, 'selectors.py'), PYTHONHOME: join(dir, 'nothing') };
    const env = { ...processEnv(), ...settings };
    const own = new SpawnHelperPool({ script: SPAWN_HELPER, count: 1, kind, env, onProblem: (m) => assert.fail(m) });
    assert.ok(await own.ready());
    const program = kind === 'perl' ? /^(.*\/)?perl[\d.]*\0-e\0/ : /^(.*\/)?python3[\d.]*\0-I\0-S\0-c\0/;
    if (existsSync('/proc/self')) assert.match(readFileSync(`/proc/${own.pids[0]}/cmdline`, 'utf8'), program);
    const lines: string[] = [];
    const script = 'echo "$PERL5OPT $PYTHONPATH $PYTHONSTARTUP $PYTHONHOME"';
    await new ShellProcessRunner(dir, { helpers: own }).start({ instanceId: 'n', attempt: 1, script, cwd: dir, env }, (_, text) => lines.push(text)).done;
    assert.deepEqual(lines, [Object.values(settings).join(' ')]);
    assert.equal(existsSync(join(dir, 'imported')), false, 'nothing from the PYTHONPATH was imported');
    own.close();
  });

  it('gives what starting the process from the engine gives: exit, signal, output and outputs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 5 }), ending, async (steps, end) => {
        const script = [...steps, end].filter(Boolean).join('\n');
        const direct = await run(new ShellProcessRunner(join(dir, 'direct')), script);
        const helped = await run(new ShellProcessRunner(join(dir, 'helped'), { helpers: pool }), script);
        assert.deepEqual(helped, direct, script);
      }),
      { numRuns: 40 },
    );
  });
}
