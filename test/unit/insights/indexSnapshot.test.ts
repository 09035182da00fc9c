import { strict as assert } from 'node:assert';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DIGEST_VERSION, type RunDigest } from '../../../src/engine/insights/digest';
import { packIndexLine } from '../../../src/engine/insights/indexLine';
import { tableOfRows, type RunGraph, type TableRow } from '../../../src/engine/insights/table';
import { forgetReadIndexes, newestRuns } from '../../../src/engine/run/io/indexTail';
import { loadSnapshot } from '../../../src/engine/run/io/indexSnapshot';

const WORKFLOW = '/w.workflow.yaml';

/** Run `i` (ended a `k`-th time when resumed), with nodes that differ between file versions and times that may be missing. */
const digest = (i: number, k: number, version: number): RunDigest => {
  const ids = version ? ['a', 'b', 'c'] : ['a', 'b'];
  const nodes = Object.fromEntries(
    ids.map((id, n) => [
      id,
      { status: (i + n + k) % 5 ? 'completed' : 'failed', attempts: 1 + ((i + n) % 3), ...(n % 2 ? {} : { start: n, end: n + i, queue: k }) },
    ]),
  ) as RunDigest['nodes'];
  return {
    v: DIGEST_VERSION,
    runId: `run-${i}`,
    workflowPath: WORKFLOW,
    workflowName: 'w',
    workflowHash: `h${version}`,
    status: (i + k) % 4 ? 'completed' : 'failed',
    startedAt: i * 1000,
    endedAt: i * 1000 + 10 + k,
    durationMs: 10 + k,
    concurrency: 2,
    nodes,
    critical: ids.slice(0, 1 + (i % ids.length)),
    needs: Object.fromEntries(ids.map((id, n) => [id, n ? [ids[n - 1]] : []])),
  };
};

describe('the index snapshot: the newest runs kept beside the index for a process that has not read it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'maestro-snapshot-'));
  const path = join(dir, 'key.jsonl');
  const snapshot = join(dir, 'key.snapshot');
  const graphs = new Map<string, RunGraph>();
  const line = (d: RunDigest) => {
    const packed = packIndexLine(d);
    graphs.set(packed.graphId, packed.row.head.graph);
    return packed.line + '\n';
  };
  /** As a process that has not read the index sees it, with or without the snapshot there. */
  const firstRead = (count: number, withSnapshot: boolean): TableRow[] | undefined => {
    forgetReadIndexes();
    if (!withSnapshot) rmSync(snapshot, { force: true });
    return newestRuns(path, WORKFLOW, graphs, count);
  };
  const same = (a: TableRow[] | undefined, b: TableRow[] | undefined) => {
    assert.equal(a === undefined, b === undefined);
    if (!a || !b) return;
    assert.deepEqual(
      a.map((r) => r.head),
      b.map((r) => r.head),
    );
    assert.deepEqual(tableOfRows(a), tableOfRows(b));
  };
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives what reading the lines gives, after any appends (runs ended again among them) and for any count', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.record({ run: fc.integer({ min: 0, max: 30 }), version: fc.integer({ min: 0, max: 1 }) }), { maxLength: 12 }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.integer({ min: 1, max: 40 }),
        (batches, count) => {
          writeFileSync(path, '');
          rmSync(snapshot, { force: true });
          const ended = new Map<number, number>();
          for (const batch of batches) {
            appendFileSync(path, batch.map(({ run, version }) => line(digest(run, ended.set(run, (ended.get(run) ?? 0) + 1).get(run)!, version))).join(''));
            // The first read writes the snapshot (or reads it, with what was appended since); the second reads the lines.
            const fromSnapshot = firstRead(count, true);
            assert.ok(!existsSync(snapshot) || readFileSync(snapshot).length > 0);
            same(firstRead(count, true), fromSnapshot);
            same(fromSnapshot, firstRead(count, false));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('passes over a snapshot that is damaged, of another file, or of more than the file holds', () => {
    writeFileSync(path, [1, 2, 3, 4].map((i) => line(digest(i, 1, 1))).join(''));
    const expected = firstRead(3, false);
    firstRead(3, true);
    const good = readFileSync(snapshot);
    // The one written is read back, as the rows it was made of.
    const loaded = loadSnapshot(snapshot, { ino: statSync(path).ino, length: statSync(path).size }, graphs, WORKFLOW);
    same(loaded?.rows, expected);
    const damaged = [
      good.subarray(0, good.length - 8),
      Buffer.concat([good, Buffer.alloc(8)]),
      Buffer.from('garbage'),
      Buffer.alloc(0),
      Buffer.from(good.toString('latin1').replace('"status":["', '"status":[7,"'), 'latin1'),
      Buffer.from(good.toString('latin1').replace('"critical":[[', '"critical":[7,['), 'latin1'),
    ];
    for (const bytes of damaged) {
      writeFileSync(snapshot, bytes);
      forgetReadIndexes();
      same(newestRuns(path, WORKFLOW, graphs, 3), expected);
    }
    // The index made again (a new file in its place): the old snapshot is not its.
    writeFileSync(snapshot, good);
    writeFileSync(`${path}.new`, [7, 8].map((i) => line(digest(i, 1, 0))).join(''));
    renameSync(`${path}.new`, path);
    forgetReadIndexes();
    assert.deepEqual(
      newestRuns(path, WORKFLOW, graphs, 3)?.map((r) => r.head.runId),
      ['run-7', 'run-8'],
    );
  });
});
