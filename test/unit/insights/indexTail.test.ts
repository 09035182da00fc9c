import { strict as assert } from 'node:assert';
import { appendFileSync, closeSync, mkdtempSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIGEST_VERSION, type RunDigest } from '../../../src/engine/insights/digest';
import { packIndexLine } from '../../../src/engine/insights/indexLine';
import { tableOfRows, type RunGraph } from '../../../src/engine/insights/table';
import { forgetReadIndexes, newestRuns } from '../../../src/engine/run/io/indexTail';

const digest = (i: number, status: RunDigest['status'] = 'completed'): RunDigest => ({
  v: DIGEST_VERSION,
  runId: `run-${i}`,
  workflowPath: '/w.workflow.yaml',
  workflowName: 'w',
  workflowHash: 'h',
  status,
  startedAt: i * 1000,
  endedAt: i * 1000 + 10,
  durationMs: 10,
  concurrency: 1,
  nodes: { a: { status: status === 'completed' ? 'completed' : 'failed', attempts: 1, start: 0, end: 10, queue: 0 } },
  critical: ['a'],
  needs: { a: [] },
});

describe('the newest runs of an index, kept between reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'maestro-tail-'));
  const path = join(dir, 'index.jsonl');
  const graphs = new Map<string, RunGraph>();
  const line = (d: RunDigest) => {
    const packed = packIndexLine(d);
    graphs.set(packed.graphId, packed.row.head.graph);
    return packed.line + '\n';
  };
  const ids = (count: number) => newestRuns(path, '/w.workflow.yaml', graphs, count)?.map((r) => `${r.head.runId}:${r.head.status}`);
  beforeEach(() => forgetReadIndexes());
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the lines appended since, a run that ended again where it last ended, and a line still being written later', () => {
    writeFileSync(path, [1, 2, 3].map((i) => line(digest(i))).join(''));
    assert.deepEqual(ids(2), ['run-2:completed', 'run-3:completed']);
    appendFileSync(path, line(digest(4)) + line(digest(2, 'failed')) + line(digest(5)).slice(0, 40));
    assert.deepEqual(ids(3), ['run-3:completed', 'run-4:completed', 'run-2:failed']);
    // The lines read before are not read again: damaging the first in place goes unseen by the next read.
    const fd = openSync(path, 'r+');
    writeSync(fd, 'X', 0);
    closeSync(fd);
    appendFileSync(path, line(digest(5)).slice(40));
    assert.deepEqual(ids(3), ['run-4:completed', 'run-2:failed', 'run-5:completed']);
    // More than was kept: read from the file again, which finds the damage.
    assert.equal(ids(10), undefined);
  });

  it('reads a file made again (a new file in its place) anew, and says when a line is damaged', () => {
    writeFileSync(path, [1, 2].map((i) => line(digest(i))).join(''));
    assert.deepEqual(ids(5), ['run-1:completed', 'run-2:completed']);
    writeFileSync(`${path}.new`, [7, 8].map((i) => line(digest(i))).join(''));
    renameSync(`${path}.new`, path);
    assert.deepEqual(ids(5), ['run-7:completed', 'run-8:completed']);
    appendFileSync(path, '{"v":3,"runId":"torn"}\n');
    assert.equal(ids(5), undefined);
  });

  it('reads a cell that is not a number as missing, without failing', () => {
    writeFileSync(path, line(digest(1)).replace(/"n":\[[^\]]*\]/, '"n":["x","y",{},{}]'));
    const rows = newestRuns(path, '/w.workflow.yaml', graphs, 5)!;
    assert.equal(rows.length, 1);
    const table = tableOfRows(rows);
    assert.deepEqual([table.status[0], table.attempts[0], table.start[0], table.end[0], table.queue[0]], [0, 0, NaN, NaN, NaN]);
  });
});
