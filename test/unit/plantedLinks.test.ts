// A runs folder that came with someone else's repository, with links planted where the engine's files go: reading
// its insights, or writing a run into it, must never write through them (an index line appended to ~/.bashrc
// would run at the next shell).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineEvent } from '../../src/engine/protocol';
import { writeFileAtomically } from '../../src/engine/run/io/atomicFile';
import { indexPath, readIndexedRuns } from '../../src/engine/run/io/runIndex';
import { RunWriter } from '../../src/engine/run/io/runWriter';
import { listRuns, readLogText, readRun } from '../../src/engine/run/io/runStore';

const RUN_ID = '20260101-000000-beef';

function plantedRun(runsDir: string, workflowPath: string): void {
  const base = { runId: RUN_ID, ts: 1000 };
  const events: EngineEvent[] = [
    {
      ...base,
      type: 'workflow:started',
      seq: 1,
      workflow: { name: '$(touch /tmp/planted)', path: workflowPath, hash: 'h' },
      inputs: {},
      nodes: [{ id: 'a', nodeId: 'a', name: 'a', kind: 'run', needs: [] }],
      concurrency: 1,
    },
    { ...base, type: 'node:started', seq: 2, nodeId: 'a', attempt: 1 },
    { ...base, type: 'node:completed', seq: 3, nodeId: 'a', attempt: 1, outputs: {}, artifacts: [], durationMs: 1 },
    {
      ...base,
      type: 'workflow:completed',
      seq: 4,
      ts: 2000,
      status: 'completed',
      summary: { total: 1, completed: 1, failed: 0, skipped: 0, cancelled: 0, durationMs: 1000 },
    },
  ];
  mkdirSync(join(runsDir, RUN_ID), { recursive: true });
  writeFileSync(join(runsDir, RUN_ID, 'events.jsonl'), events.map((e) => JSON.stringify(e) + '\n').join(''));
}

(process.platform === 'win32' ? describe.skip : describe)('links planted in a runs folder', () => {
  let dir: string;
  let outside: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maestro-links-'));
    outside = join(dir, 'outside.txt');
    writeFileSync(outside, 'untouched\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const plant = (path: string) => symlinkSync(outside, path);
  const isLink = (path: string) => lstatSync(path).isSymbolicLink();

  it("reading a workflow's insights writes its index, graphs and catalog beside the links, never through them", () => {
    const runs = join(dir, 'runs');
    const workflow = join(dir, 'w.workflow.yaml');
    plantedRun(runs, workflow);
    mkdirSync(join(runs, '.insights'));
    const index = indexPath(runs, workflow);
    const planted = [index, index.replace(/\.jsonl$/, '.graphs.jsonl'), join(runs, '.insights', 'digested.tsv'), join(runs, RUN_ID, 'summary.json')];
    for (const path of planted) plant(path);
    const read = readIndexedRuns(runs, workflow);
    assert.equal(read.total, 1);
    assert.equal(readFileSync(outside, 'utf8'), 'untouched\n');
    for (const path of planted) assert.equal(isLink(path), false, `${path} is a file of the runs folder now`);
    assert.match(readFileSync(index, 'utf8'), /"runId":"20260101-000000-beef"/);
    assert.equal(readIndexedRuns(runs, workflow).total, 1, 'and reads back');
  });

  it('a file replaced whole replaces a link in its place, and one planted where it is first written', () => {
    const file = join(dir, 'listing.json');
    plant(file);
    plant(`${file}.${process.pid}.tmp`);
    writeFileAtomically(file, '{"ok":true}');
    assert.equal(readFileSync(file, 'utf8'), '{"ok":true}');
    assert.equal(isLink(file), false);
    assert.equal(readFileSync(outside, 'utf8'), 'untouched\n');
  });

  it("a run's writer opens its event log and its nodes' logs in place of links", () => {
    const run = join(dir, 'runs', RUN_ID);
    mkdirSync(join(run, 'logs'), { recursive: true });
    plant(join(run, 'events.jsonl'));
    plant(join(run, 'logs', 'a.log'));
    const record = { runId: RUN_ID, workflowPath: '/w', workflowName: 'w', workflowHash: 'h', inputs: {}, startedAt: 1, status: 'running' as const, pid: 1 };
    // And a named pipe where a node's log goes (a script can make one): the write fails instead of waiting for a reader.
    execFileSync('mkfifo', [join(run, 'logs', 'b.log')]);
    const writer = new RunWriter(run, record, true);
    const failures: string[] = [];
    writer.onWriteError = (e) => failures.push(e.message);
    writer.event({ type: 'node:started', runId: RUN_ID, seq: 1, ts: 1, nodeId: 'a', attempt: 1 });
    writer.log('a', { stream: 'stdout', text: 'hello', ts: 1 });
    writer.log('b', { stream: 'stdout', text: 'hello', ts: 1 });
    writer.close();
    assert.match(failures.join('\n'), /ENXIO/);
    assert.equal(readFileSync(outside, 'utf8'), 'untouched\n');
    assert.match(readFileSync(join(run, 'events.jsonl'), 'utf8'), /"type":"node:started"/);
    assert.match(readFileSync(join(run, 'logs', 'a.log'), 'utf8'), /hello/);
  });

  it("a run's files linked to files outside are not read: nothing of those files shows, and the link is named", () => {
    const secret = join(dir, 'id_rsa');
    writeFileSync(secret, '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE\n');
    const runs = join(dir, 'runs');
    plantedRun(runs, join(dir, 'w.workflow.yaml'));
    const run = join(runs, RUN_ID);
    symlinkSync(secret, join(run, 'run.json'));
    mkdirSync(join(run, 'logs'));
    symlinkSync(secret, join(run, 'logs', 'a.log'));
    const read = readRun(runs, RUN_ID);
    assert.match(read.recordRebuilt ?? '', /run\.json is unreadable \(it is a link, /);
    assert.doesNotMatch(JSON.stringify(read), /OPENSSH|BEGIN|b3Bl/);
    assert.equal(read.record.status, 'completed', 'the run is read from its event log instead');
    assert.equal(readLogText(runs, RUN_ID, 'a'), '');
    assert.deepEqual(
      listRuns(runs).map((r) => r.runId),
      [RUN_ID],
    );

    rmSync(join(run, 'run.json'));
    rmSync(join(run, 'events.jsonl'));
    symlinkSync(secret, join(run, 'events.jsonl'));
    assert.throws(
      () => readRun(runs, RUN_ID),
      (e: Error) => /events\.jsonl cannot be read: it is a link/.test(e.message) && !/OPENSSH|b3Bl/.test(e.message),
    );
  });
});
