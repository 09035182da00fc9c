import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { LogTails, TAIL_LINE_CHARS, TAIL_LINES } from '../../src/cli/logTails';
import type { Output } from '../../src/cli/output';
import { RunReporter } from '../../src/cli/runReporter';
import type { EngineEvent, LogLine } from '../../src/engine/protocol';

const RUN = '20261204-010203-abcd';

/** A reporter writing to a string, as to a file (no colours, no live block). */
function reporter(runsDir?: string): { feed(...events: EngineEvent[]): void; text(): string } {
  let out = '';
  const io: Output = { out: (t) => (out += t), err: (t) => (out += t), isTTY: false };
  const r = new RunReporter(io, runsDir === undefined ? {} : { runsDir });
  let seq = 0;
  return {
    feed: (...events) => events.forEach((e) => r.event({ ...e, seq: seq++ })),
    text: () => out,
  };
}

const at = { runId: RUN, seq: 0, ts: 1 };
const started = (nodeIds: string[]): EngineEvent => ({
  ...at,
  type: 'workflow:started',
  workflow: { name: 'W', path: '/w.workflow.yaml', hash: 'h' },
  inputs: {},
  nodes: nodeIds.map((id) => ({ id, nodeId: id, name: id, kind: 'run', needs: [] })),
  concurrency: 2,
});
const nodeStarted = (nodeId: string, attempt = 1): EngineEvent => ({ ...at, type: 'node:started', nodeId, attempt });
const log = (nodeId: string, ...texts: string[]): EngineEvent => ({
  ...at,
  type: 'node:log',
  nodeId,
  lines: texts.map((text, i) => ({ stream: i % 2 ? 'stderr' : 'stdout', text, ts: 1 })),
});
const failed = (nodeId: string): EngineEvent => ({
  ...at,
  type: 'node:failed',
  nodeId,
  attempt: 1,
  error: 'exited with code 2',
  exitCode: 2,
  durationMs: 5,
  continueOnError: false,
});
const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);
/** The lines printed under the failure of `nodeId`, without their gutter. */
const under = (text: string, nodeId: string): string[] => {
  const after = text.split('\n');
  const i = after.findIndex((l) => l.startsWith(`  ✗ ${nodeId}:`));
  const out: string[] = [];
  for (let j = i + 1; j < after.length && after[j].startsWith('    │'); j++) out.push(after[j].slice('    │ '.length));
  return out;
};

describe('the CLI run reporter: a failed node shows what it wrote last', () => {
  it('prints the last lines of a failed node under its failure, and how to read the lines before them', () => {
    const r = reporter();
    r.feed(started(['build']), nodeStarted('build'), log('build', ...lines(1, 10)), log('build', ...lines(11, 20)), failed('build'));
    const shown = under(r.text(), 'build');
    assert.equal(shown[0], `… 5 lines before these (the whole log: maestro-dag logs ${RUN} build)`);
    assert.deepEqual(shown.slice(1), lines(6, 20));
  });

  it('shows the last attempt only, nothing for a node that wrote nothing, and forgets a node that ended well', () => {
    const r = reporter();
    r.feed(started(['a', 'b', 'c']), nodeStarted('a'), log('a', 'first attempt'), nodeStarted('a', 2), log('a', 'second attempt'), failed('a'));
    r.feed(nodeStarted('b'), failed('b'));
    r.feed(nodeStarted('c'), log('c', 'fine'), { ...at, type: 'node:completed', nodeId: 'c', attempt: 1, outputs: {}, artifacts: [], durationMs: 1 });
    r.feed(failed('c'));
    assert.deepEqual(under(r.text(), 'a'), ['second attempt']);
    assert.deepEqual(under(r.text(), 'b'), []);
    assert.deepEqual(under(r.text(), 'c'), []);
    assert.doesNotMatch(r.text(), /first attempt|fine/);
  });

  it('leaves out the progress, quality and mask commands it printed, shown as such, but not an annotation', () => {
    const r = reporter();
    r.feed(started(['a']), nodeStarted('a'), log('a', '::progress 50 halfway', 'compiling', '::quality 0.5'));
    r.feed({
      ...at,
      type: 'node:log',
      nodeId: 'a',
      lines: [
        { stream: 'stdout', text: '::add-mask ***', ts: 1 },
        { stream: 'stdout', text: '::error file=a.c,line=3::boom', ts: 1 },
      ],
    });
    r.feed(failed('a'));
    assert.deepEqual(under(r.text(), 'a'), ['compiling', '::error file=a.c,line=3::boom']);
  });

  it("quotes a matrix instance's id and the runs folder in the command that prints the whole log", () => {
    const r = reporter("/tmp/it's runs");
    r.feed(started(['t[n=1]']), nodeStarted('t[n=1]'), log('t[n=1]', ...lines(1, TAIL_LINES + 1)), failed('t[n=1]'));
    assert.match(r.text(), new RegExp(`maestro-dag logs ${RUN} 't\\[n=1\\]' --runs-dir '/tmp/it'\\\\''s runs'\\)`));
  });

  it('cuts a long line, and drops what could drive the terminal (an escape sequence that retitles the window)', () => {
    const r = reporter();
    r.feed(started(['a']), nodeStarted('a'), log('a', 'x'.repeat(5000), '\x1b]0;owned\x07title kept out'), failed('a'));
    const [long, titled] = under(r.text(), 'a');
    assert.equal(long, `${'x'.repeat(TAIL_LINE_CHARS - 1)}…`);
    assert.equal(titled, ']0;ownedtitle kept out');
    assert.doesNotMatch(r.text(), /\x1b\]/);
  });
});

describe('LogTails', () => {
  it('keeps, for any batches of lines, the last ones in order and the count of all', () => {
    const batch = fc.array(fc.string({ maxLength: 300 }), { maxLength: 40 });
    fc.assert(
      fc.property(fc.array(batch, { maxLength: 12 }), (batches) => {
        const tails = new LogTails();
        tails.started('n');
        for (const texts of batches)
          tails.wrote(
            'n',
            texts.map((text): LogLine => ({ stream: 'stderr', text, ts: 0 })),
          );
        const all = batches.flat();
        const tail = tails.take('n');
        assert.equal(tail.total, all.length);
        const expected = all.slice(-TAIL_LINES).map((t) => (t.length > TAIL_LINE_CHARS ? `${t.slice(0, TAIL_LINE_CHARS - 1)}…` : t));
        assert.deepEqual(tail.lines, expected);
        assert.deepEqual(tails.take('n'), { lines: [], total: 0 });
      }),
    );
  });
});

describe('the CLI run reporter: why a node did not run', () => {
  it('says why a node was skipped or cancelled', () => {
    const r = reporter();
    r.feed(
      started(['a', 'b', 'c']),
      { ...at, type: 'node:skipped', nodeId: 'b', reason: "'a' failed" },
      { ...at, type: 'node:cancelled', nodeId: 'c', reason: "'t[n=1]' failed, and its matrix fails fast" },
    );
    assert.match(r.text(), /^ {2}\S b skipped: 'a' failed$/m);
    assert.match(r.text(), /^ {2}■ c cancelled: 't\[n=1\]' failed, and its matrix fails fast$/m);
  });
});

describe('the CLI run reporter: waits', () => {
  it('says which other run holds the mutex a node, or the run, waits for', () => {
    const r = reporter();
    r.feed(started(['serve']), {
      ...at,
      type: 'node:blocked',
      nodeId: 'serve',
      mutex: 'port-5432',
      holder: { runId: '20261205-040500-ab12', nodeId: 'db', pid: 4321 },
    });
    assert.match(r.text(), /\n {2}⧗ serve waits for the mutex port-5432, which db of the run 20261205-040500-ab12, process 4321 holds\n/);
    r.feed({ ...at, type: 'workflow:blocked', mutex: 'deploy-prod', holder: { runId: '20261205-040500-ab12', pid: 4321 } });
    assert.match(r.text(), /\n {2}⧗ the run waits for the mutex deploy-prod, which the run 20261205-040500-ab12, process 4321 holds\n$/);
  });

  it('keeps what waits for a mutex in the live block, with its holder and how long so far, until it starts', () => {
    let out = '';
    const r = new RunReporter({ out: (t) => (out += t), err: (t) => (out += t), isTTY: true });
    const t0 = Date.now() - 65_000;
    const holder = { runId: '20261205-040500-ab12', nodeId: 'db', pid: 4321 };
    try {
      r.event({ ...started(['serve', 'lint']), ts: t0 });
      r.event({ ...at, ts: t0, type: 'node:blocked', nodeId: 'serve', mutex: 'port-5432', holder });
      r.event({ ...at, ts: t0 + 1000, type: 'node:blocked', nodeId: 'serve', mutex: 'port-5432', holder: { ...holder, nodeId: 'api' } });
      const block = out.slice(out.lastIndexOf('\x1b[J'));
      assert.match(
        block,
        /⧗\S* serve {20}\S* ?\S*waits for port-5432, held by api of the run 20261205-040500-ab12, process 4321 {2}1m0[5-9]s/,
        'since the first',
      );
      out = '';
      r.event({ ...nodeStarted('serve'), ts: t0 + 65_000 });
      r.event({ ...nodeStarted('lint'), ts: t0 + 65_000 });
      r.event({ ...at, type: 'node:completed', nodeId: 'lint', attempt: 1, outputs: {}, artifacts: [], durationMs: 5 });
      const after = out.slice(out.lastIndexOf('\x1b[J'));
      assert.match(after, /●\S* serve/);
      assert.doesNotMatch(after, /⧗/, 'started: no longer waiting');
    } finally {
      r.stopLive();
    }
  });
});
