import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import type { Output } from '../../../src/cli/output';
import { digestRun, packDigest, unpackDigest } from '../../../src/engine/insights/digest';
import type { EngineEvent } from '../../../src/engine/protocol';
import { digestsOf } from '../../../src/engine/insights/table';
import { forgetReadRuns, indexPath, readIndexedRuns } from '../../../src/engine/run/io/runIndex';
import { pruneRuns, runsToPrune } from '../../../src/engine/run/io/runPrune';

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const io: Output = { out: (t) => (out += t), err: (t) => (err += t), isTTY: false };
  return { code: await main(argv, io), out, err };
}

const FLAKY = `version: 1
name: Flaky
nodes:
  build:
    run: "true"
  unit:
    needs: build
    retry: { max: 1, delay: 10ms }
    run: '[ "$MAESTRO_ATTEMPT" -ge 2 ]'
  ship:
    needs: unit
    run: "true"
`;

describe('the runs index of insights', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'maestro-index-'));
  const runsDir = join(dir, 'runs');
  const file = join(dir, 'flaky.workflow.yaml');
  /** The runs, oldest first. */
  const runIds = () =>
    readdirSync(runsDir)
      .filter((n) => !n.startsWith('.'))
      .map((n) => ({ n, t: (JSON.parse(readFileSync(join(runsDir, n, 'run.json'), 'utf8')) as { startedAt: number }).startedAt }))
      .sort((a, b) => a.t - b.t)
      .map((r) => r.n);
  before(async () => {
    writeFileSync(file, FLAKY);
    for (let i = 0; i < 4; i++) assert.equal((await cli('run', file, '--runs-dir', runsDir)).code, 0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps a summary per run and a line per run in the workflow index as each run ends', () => {
    for (const id of runIds()) assert.ok(existsSync(join(runsDir, id, 'summary.json')), id);
    assert.equal(readFileSync(indexPath(runsDir, file), 'utf8').trim().split('\n').length, 4);
    const indexed = readIndexedRuns(runsDir, file);
    assert.equal(indexed.total, 4);
    assert.equal(indexed.rebuilt, false);
    assert.deepEqual(
      digestsOf(indexed.runs).map((d) => d.runId),
      runIds(),
    );
    assert.deepEqual(digestsOf(indexed.runs)[0].nodes.unit, { ...digestsOf(indexed.runs)[0].nodes.unit, status: 'completed', attempts: 2 });
    assert.deepEqual(digestsOf(indexed.runs)[0].critical, ['build', 'unit', 'ship']);
  });

  it('stats finds the flaky node, from the CLI, as text and as JSON', async () => {
    const text = await cli('stats', file, '--runs-dir', runsDir);
    assert.equal(text.code, 0);
    assert.match(text.out, /4 of 4 runs: 100% completed/);
    assert.match(text.out, /flaky nodes:\n {2}unit: passed on a retry in 4 run\(s\)/);
    const json = JSON.parse((await cli('stats', file, '--runs-dir', runsDir, '--json', '--last', '2')).out) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json), ['workflowPath', 'basedOn', 'totalRuns', 'summary', 'runs', 'nodes', 'flaky', 'bottlenecks']);
    assert.equal(json.basedOn, 2);
    assert.equal(json.totalRuns, 4);
  });

  it('makes a missing index again, and a damaged one, from the summaries; a damaged summary from its events', () => {
    const before = digestsOf(readIndexedRuns(runsDir, file).runs);
    rmSync(indexPath(runsDir, file));
    const rebuilt = readIndexedRuns(runsDir, file);
    assert.equal(rebuilt.rebuilt, true);
    assert.deepEqual(digestsOf(rebuilt.runs), before);
    writeFileSync(indexPath(runsDir, file), readFileSync(indexPath(runsDir, file), 'utf8') + '{"v":1,"runId":"torn\n');
    assert.equal(readIndexedRuns(runsDir, file).rebuilt, true);
    const first = runIds()[0];
    writeFileSync(join(runsDir, first, 'summary.json'), '{ not json');
    rmSync(indexPath(runsDir, file));
    const again = readIndexedRuns(runsDir, file);
    assert.deepEqual(digestsOf(again.runs), before);
    assert.deepEqual(unpackDigest(readFileSync(join(runsDir, first, 'summary.json'), 'utf8')), before[0]);
  });

  it("makes an index of the cells' previous version again, and passes over a snapshot of them", () => {
    const before = digestsOf(readIndexedRuns(runsDir, file).runs);
    const snapshot = indexPath(runsDir, file).replace(/\.jsonl$/, '.snapshot');
    // A process that has read nothing yet, and files written by the version before (the same lengths).
    forgetReadRuns();
    assert.ok(existsSync(snapshot));
    writeFileSync(snapshot, readFileSync(snapshot).toString('latin1').replace('"v":"2.4"', '"v":"1.3"'), 'latin1');
    writeFileSync(indexPath(runsDir, file), readFileSync(indexPath(runsDir, file), 'utf8').replaceAll('{"v":4,', '{"v":3,'));
    const remade = readIndexedRuns(runsDir, file);
    assert.equal(remade.rebuilt, true);
    assert.deepEqual(digestsOf(remade.runs), before);
    assert.match(readFileSync(indexPath(runsDir, file), 'utf8'), /^\{"v":4,/);
  });

  it('gives a run that has no summary yet (a run from before summaries) its summary and index line', () => {
    const last = runIds()[3];
    const catalog = join(runsDir, '.insights', 'digested.tsv');
    const without = (text: string) =>
      text
        .split('\n')
        .filter((l) => !l.includes(last))
        .join('\n');
    rmSync(join(runsDir, last, 'summary.json'));
    writeFileSync(catalog, without(readFileSync(catalog, 'utf8')));
    writeFileSync(indexPath(runsDir, file), without(readFileSync(indexPath(runsDir, file), 'utf8')));
    const indexed = readIndexedRuns(runsDir, file);
    assert.equal(indexed.rebuilt, false);
    assert.ok(existsSync(join(runsDir, last, 'summary.json')));
    assert.equal(indexed.total, 4);
    assert.equal(digestsOf(indexed.runs).at(-1)!.runId, last);
    assert.match(readFileSync(catalog, 'utf8'), new RegExp(`^${last}\t[0-9a-f]{16}$`, 'm'));
  });

  it('makes an index that lost lines again, and a folder from before the catalog gets one', () => {
    const before = digestsOf(readIndexedRuns(runsDir, file).runs);
    const lines = readFileSync(indexPath(runsDir, file), 'utf8').trim().split('\n');
    writeFileSync(indexPath(runsDir, file), lines.slice(1).join('\n') + '\n');
    const lost = readIndexedRuns(runsDir, file);
    assert.equal(lost.rebuilt, true);
    assert.deepEqual(digestsOf(lost.runs), before);
    // The catalog gone and an index of an older layout: both made again, nothing lost.
    rmSync(join(runsDir, '.insights', 'digested.tsv'));
    writeFileSync(indexPath(runsDir, file), before.map((d) => packDigest(d)).join('\n') + '\n');
    const migrated = readIndexedRuns(runsDir, file);
    assert.equal(migrated.rebuilt, true);
    assert.equal(migrated.total, 4);
    assert.deepEqual(digestsOf(migrated.runs), before);
    assert.equal(readIndexedRuns(runsDir, file).rebuilt, false);
    // The last two by when they ended.
    assert.deepEqual(
      digestsOf(readIndexedRuns(runsDir, file, 2).runs).map((d) => d.runId),
      runIds().slice(2),
    );
  });

  it('prunes the oldest runs beyond a number (never a running one) and compacts the index', async () => {
    const ids = runIds();
    const listed = ids
      .map((runId, i) => ({ runId, workflowPath: file, startedAt: i, status: i === 0 ? 'running' : 'completed', interrupted: false }))
      .reverse();
    // The oldest is going: it stays though it is beyond the number kept.
    assert.deepEqual(
      runsToPrune(listed, { keep: 2 }).map((r) => r.runId),
      [ids[1]],
    );
    const r = await cli('runs', 'prune', '--keep', '3', '--runs-dir', runsDir);
    assert.equal(r.code, 0);
    assert.match(r.out, /deleted 1 run:/);
    assert.deepEqual(runIds(), ids.slice(1));
    assert.equal(readFileSync(indexPath(runsDir, file), 'utf8').trim().split('\n').length, 3);
    assert.deepEqual(pruneRuns(runsDir, { olderThan: 0 }), []);
    assert.equal((await cli('runs', 'prune', '--runs-dir', runsDir)).code, 2);
    assert.equal((await cli('runs', 'prune', '--older-than', 'a while', '--runs-dir', runsDir)).code, 2);
  });

  it('does not list a folder that has not changed since it was last listed, and lists it again once it has', () => {
    const ids = runIds();
    const past = new Date(Date.now() - 60_000);
    utimesSync(runsDir, past, past);
    const listed = readIndexedRuns(runsDir, file);
    assert.ok(existsSync(join(runsDir, '.insights', 'listing.json')));
    // A folder that appears with the folder's time put back is not seen: the folder was not listed again.
    const hidden = join(runsDir, '20991231-235959-0000');
    mkdirSync(hidden);
    writeFileSync(join(hidden, 'run.json'), '{}');
    utimesSync(runsDir, past, past);
    const unchanged = readIndexedRuns(runsDir, file);
    assert.equal(unchanged.total, ids.length);
    assert.deepEqual(digestsOf(unchanged.runs), digestsOf(listed.runs));
    rmSync(hidden, { recursive: true });
    // A run deleted by hand changes the folder's time: it is listed again, and the index loses the run's line.
    rmSync(join(runsDir, ids[0]), { recursive: true });
    const after = readIndexedRuns(runsDir, file);
    assert.equal(after.total, ids.length - 1);
    assert.equal(after.rebuilt, false);
    assert.deepEqual(
      digestsOf(after.runs).map((d) => d.runId),
      ids.slice(1),
    );
    assert.equal(readFileSync(indexPath(runsDir, file), 'utf8').trim().split('\n').length, ids.length - 1);
  });

  it('digests a resumed run as it last ended', () => {
    const base = { runId: 'r', seq: 0 };
    const events = [
      {
        ...base,
        type: 'workflow:started',
        ts: 1000,
        workflow: { name: 'w', path: '/w', hash: 'h' },
        inputs: {},
        nodes: [{ id: 'a', nodeId: 'a', name: 'a', kind: 'run', needs: [] }],
        concurrency: 1,
      },
      { ...base, type: 'node:started', ts: 1000, nodeId: 'a', attempt: 1 },
      { ...base, type: 'node:failed', ts: 1100, nodeId: 'a', attempt: 1, error: 'x', exitCode: 1, durationMs: 100, continueOnError: false },
      {
        ...base,
        type: 'workflow:completed',
        ts: 1100,
        status: 'failed',
        summary: { total: 1, completed: 0, failed: 1, skipped: 0, cancelled: 0, durationMs: 100 },
      },
      { ...base, type: 'workflow:resumed', ts: 5000, reset: ['a'] },
      { ...base, type: 'node:started', ts: 5000, nodeId: 'a', attempt: 1 },
      { ...base, type: 'node:completed', ts: 5300, nodeId: 'a', attempt: 1, outputs: {}, artifacts: [], durationMs: 300 },
      {
        ...base,
        type: 'workflow:completed',
        ts: 5300,
        status: 'completed',
        summary: { total: 1, completed: 1, failed: 0, skipped: 0, cancelled: 0, durationMs: 4300 },
      },
    ] as EngineEvent[];
    const d = digestRun(events)!;
    assert.equal(d.status, 'completed');
    assert.deepEqual(d.nodes.a, { status: 'completed', attempts: 1, start: 4000, end: 4300, queue: 0 });
    assert.equal(digestRun(events.slice(0, 6)), undefined);
  });

  it('digests a matrix node as reused only when none of its instances ran', () => {
    const base = { runId: 'r', seq: 0 };
    const instance = (id: string) => ({ id, nodeId: 't', name: id, kind: 'run', needs: [] });
    const ended = (id: string, at: number, cached: boolean) => [
      { ...base, type: 'node:started', ts: 1000, nodeId: id, attempt: 1 },
      {
        ...base,
        type: 'node:completed',
        ts: at,
        nodeId: id,
        attempt: 1,
        outputs: {},
        artifacts: [],
        durationMs: at - 1000,
        ...(cached ? { cached: { runId: 'p', at: 1 } } : {}),
      },
    ];
    const runOf = (cached: [boolean, boolean]) =>
      digestRun([
        {
          ...base,
          type: 'workflow:started',
          ts: 1000,
          workflow: { name: 'w', path: '/w', hash: 'h' },
          inputs: {},
          nodes: [instance('t-0'), instance('t-1')],
          concurrency: 2,
        },
        ...ended('t-0', 1002, cached[0]),
        ...ended('t-1', 1900, cached[1]),
        {
          ...base,
          type: 'workflow:completed',
          ts: 1900,
          status: 'completed',
          summary: { total: 2, completed: 2, failed: 0, skipped: 0, cancelled: 0, durationMs: 900 },
        },
      ] as EngineEvent[])!.nodes.t;
    assert.equal(runOf([true, true]).reused, true);
    assert.deepEqual(runOf([true, false]), { status: 'completed', attempts: 1, start: 0, end: 900, queue: 0 }, 'the instance that ran is its time');
  });
});
