import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resumeRunFromLog, RunSetupError, startRun } from '../../src/engine/run/engine';
import { listRuns, parseRunRecord, readLogText, readRun, recordFromEvents, reserveRunId, RunReadError } from '../../src/engine/run/io/runStore';
import { logFileName } from '../../src/engine/run/io/runLogs';
import type { EngineEvent } from '../../src/engine/protocol';
import { yaml } from './helpers';

describe('run store', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const started: EngineEvent = {
    type: 'workflow:started',
    runId: 'r1',
    seq: 1,
    ts: 1000,
    workflow: { name: 'W', path: '/w/x.workflow.yaml', hash: 'h' },
    inputs: { env: 'prod' },
    nodes: [],
    concurrency: 2,
  };
  const summary = { total: 1, completed: 0, failed: 1, skipped: 0, cancelled: 0, durationMs: 5 };

  it('names the field that makes run.json not a run record', () => {
    assert.throws(() => parseRunRecord('[]'), /not a JSON object/);
    assert.throws(() => parseRunRecord('{"runId": 3}'), /'runId' is not a string/);
    const good = { runId: 'r', workflowPath: 'p', workflowName: 'n', workflowHash: 'h', inputs: {}, startedAt: 1, status: 'completed', pid: 9 };
    assert.deepEqual(parseRunRecord(JSON.stringify(good)), good);
    assert.throws(() => parseRunRecord(JSON.stringify({ ...good, status: 'done' })), /'status' is not one of/);
    assert.throws(() => parseRunRecord(JSON.stringify({ ...good, inputs: null })), /'inputs' is not an object/);
  });

  it('rebuilds the record from the events: the last end, or running again after a resume', () => {
    assert.equal(recordFromEvents('r1', []), undefined);
    const failed: EngineEvent = { type: 'workflow:completed', runId: 'r1', seq: 2, ts: 1500, status: 'failed', summary };
    assert.deepEqual(recordFromEvents('r1', [started, failed]), {
      runId: 'r1',
      workflowPath: '/w/x.workflow.yaml',
      workflowName: 'W',
      workflowHash: 'h',
      inputs: { env: 'prod' },
      startedAt: 1000,
      endedAt: 1500,
      status: 'failed',
      pid: 0,
    });
    const resumed: EngineEvent = { type: 'workflow:resumed', runId: 'r1', seq: 3, ts: 1600, reset: [] };
    const again = recordFromEvents('r1', [started, failed, resumed]);
    assert.equal(again?.status, 'running');
    assert.equal(again?.endedAt, undefined);
  });

  it('lists, reads and resumes a run whose run.json is damaged; resuming writes it again', async () => {
    const path = join(dir, 'd.workflow.yaml');
    const flag = join(dir, 'fixed');
    writeFileSync(path, yaml('version: 1', 'name: Damaged', 'nodes:', `  a: { run: 'test -f ${flag}' }`));
    const runsDir = join(dir, 'runs');
    const run = startRun({ workflowPath: path, runsDir });
    assert.equal(await run.finished(), 'failed');
    run.dispose();
    writeFileSync(join(run.dir, 'run.json'), '{"runId": "');

    assert.deepEqual(
      listRuns(runsDir).map((r) => [r.runId, r.status, r.workflowName, r.interrupted]),
      [[run.runId, 'failed', 'Damaged', false]],
    );
    const stored = readRun(runsDir, run.runId);
    assert.equal(stored.record.workflowPath, path);
    assert.match(stored.recordRebuilt ?? '', /^run\.json is unreadable \(.*JSON/);

    writeFileSync(flag, '');
    const warnings: string[] = [];
    const resumed = await resumeRunFromLog({ runsDir, runId: run.runId, onWarning: (m) => warnings.push(m) });
    assert.equal(await resumed.finished(), 'completed');
    resumed.dispose();
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /^run\.json is unreadable \(.+\): the run's record was rebuilt from its event log$/);
    assert.equal(parseRunRecord(readFileSync(join(run.dir, 'run.json'), 'utf8')).status, 'completed');
  });

  it('a run that was mid-way when its run.json went missing is interrupted, and can be resumed', async () => {
    const path = join(dir, 'm.workflow.yaml');
    writeFileSync(path, yaml('version: 1', 'name: Missing', 'nodes:', '  a: { run: "true" }'));
    const runsDir = join(dir, 'runs');
    const run = startRun({ workflowPath: path, runsDir });
    await run.finished();
    run.dispose();
    // Keep only what the log held while the run was going: workflow:started and what followed, not its end.
    const events = readFileSync(join(run.dir, 'events.jsonl'), 'utf8').trim().split('\n');
    writeFileSync(join(run.dir, 'events.jsonl'), events.slice(0, -1).join('\n') + '\n');
    unlinkSync(join(run.dir, 'run.json'));
    const [listed] = listRuns(runsDir);
    assert.equal(listed.status, 'running');
    assert.equal(listed.interrupted, true);
    assert.equal(readRun(runsDir, run.runId).recordRebuilt, 'run.json is missing');
    const resumed = await resumeRunFromLog({ runsDir, runId: run.runId });
    assert.equal(await resumed.finished(), 'completed');
    resumed.dispose();
  });

  it('a runs folder that cannot be written is a setup error that names it; a resumed run is left as it was', async () => {
    const path = join(dir, 'w.workflow.yaml');
    writeFileSync(path, yaml('version: 1', 'name: W', 'nodes:', '  a: { run: "true" }'));
    const aFile = join(dir, 'a-file');
    writeFileSync(aFile, '');
    assert.throws(
      () => startRun({ workflowPath: path, runsDir: join(aFile, 'runs') }),
      (e: unknown) => e instanceof RunSetupError && /^cannot create the runs folder .*a-file\/runs: ENOTDIR/.test(e.message),
    );
    // A resumed run whose folder cannot take its logs any more.
    const runsDir = join(dir, 'runs');
    const run = startRun({ workflowPath: path, runsDir });
    await run.finished();
    run.dispose();
    rmSync(join(run.dir, 'logs'), { recursive: true });
    writeFileSync(join(run.dir, 'logs'), '');
    await assert.rejects(
      resumeRunFromLog({ runsDir, runId: run.runId }),
      (e: unknown) => e instanceof RunSetupError && e.message.startsWith(`cannot write the run to ${run.dir}: `),
    );
    assert.equal(readRun(runsDir, run.runId).record.status, 'completed', 'the run is as it was');
  });

  it('stops a run whose log cannot be written any more (a full disk, a folder in its way), saying so, and leaves it to be resumed', async () => {
    const path = join(dir, 'f.workflow.yaml');
    const flag = join(dir, 'go');
    writeFileSync(path, yaml('version: 1', 'name: Full', 'nodes:', `  a: { run: 'echo hello; test -f ${flag}' }`, '  b: { needs: a, run: "sleep 30" }'));
    const runsDir = join(dir, 'runs');
    const run = startRun({ workflowPath: path, runsDir });
    assert.equal(await run.finished(), 'failed');
    run.dispose();
    writeFileSync(flag, '');
    // Node a's log cannot be opened to write: a folder is in its place (a link to /dev/full, whose every write fails
    // with ENOSPC, would be replaced by a file: the engine writes through no link in a runs folder).
    const aLog = join(run.dir, 'logs', 'a.log');
    unlinkSync(aLog);
    mkdirSync(aLog);
    const warnings: string[] = [];
    const events: EngineEvent[] = [];
    const resumed = await resumeRunFromLog({ runsDir, runId: run.runId, onWarning: (m) => warnings.push(m), onEvent: (e) => events.push(e) });
    assert.equal(await resumed.finished(), 'failed', 'b is stopped instead of running on for 30 s');
    resumed.dispose();
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /^the run's log cannot be written to .* \(EISDIR: illegal operation on a directory, open '.*a\.log'\), so the run is stopped; it can be resumed once the folder can be written again$/,
    );
    const end = events.at(-1);
    assert.equal(end?.type === 'workflow:completed' && end.error, warnings[0], 'whoever follows the run learns why it ended');
    // The log can be written again: the run is interrupted, and resuming it finishes it.
    rmdirSync(aLog);
    const [listed] = listRuns(runsDir);
    assert.deepEqual([listed.status, listed.interrupted], ['running', true]);
    writeFileSync(path, yaml('version: 1', 'name: Full', 'nodes:', `  a: { run: 'echo hello; test -f ${flag}' }`, '  b: { needs: a, run: "true" }'));
    const again = await resumeRunFromLog({ runsDir, runId: run.runId });
    assert.equal(await again.finished(), 'completed');
    again.dispose();
  });

  it('gives each new run a folder of its own, even when two draw the same id', () => {
    const runsDir = join(dir, 'runs');
    mkdirSync(runsDir);
    const ids = ['same', 'same', 'other'];
    const next = () => ids.shift()!;
    assert.equal(reserveRunId(runsDir, next), 'same');
    assert.equal(reserveRunId(runsDir, next), 'other');
    assert.throws(() => reserveRunId(join(dir, 'missing'), () => 'x'), /ENOENT/);
  });

  it('gives ids that read the same once made file-safe log files of their own', () => {
    const names = ['deploy_push', 'deploy/push', 'test[os=mac os]', 'test[os=mac_os]'].map(logFileName);
    assert.equal(new Set(names).size, 4, names.join(' '));
    assert.equal(logFileName('build'), 'build.log');
    assert.equal(logFileName('test[shard=1]'), 'test[shard=1].log');
    assert.match(logFileName('deploy/push'), /^deploy_push-[0-9a-f]{8}\.log$/);
    mkdirSync(join(dir, 'r', 'logs'), { recursive: true });
    writeFileSync(join(dir, 'r', 'logs', 'deploy_push.log'), 'the log of deploy_push\n');
    assert.equal(readLogText(dir, 'r', 'deploy/push'), '', "deploy_push's log is not deploy/push's");
  });

  it('gives any id a name a file system takes, and two ids two names', () => {
    const id = fc.oneof(fc.string({ unit: 'binary', maxLength: 600 }), fc.stringMatching(/^[a-z_=[\]-]{100,400}$/));
    fc.assert(
      fc.property(id, id, (a, b) => {
        for (const name of [logFileName(a), logFileName(b)]) {
          assert.ok(name.length <= 255, name);
          assert.match(name, /^[A-Za-z0-9_.=,[\]-]*\.log$/);
        }
        if (a !== b) assert.notEqual(logFileName(a), logFileName(b));
      }),
      { numRuns: 500 },
    );
  });

  it('says what is wrong when nothing can be made of a run, and lists the others', async () => {
    const runsDir = join(dir, 'runs');
    assert.throws(
      () => readRun(runsDir, 'nope'),
      (e: unknown) => e instanceof RunReadError && /no run 'nope' in/.test(e.message),
    );
    mkdirSync(join(runsDir, 'empty'), { recursive: true });
    writeFileSync(join(runsDir, 'empty', 'run.json'), 'garbage');
    writeFileSync(join(runsDir, 'empty', 'events.jsonl'), '{"torn":');
    assert.throws(
      () => readRun(runsDir, 'empty'),
      (e: unknown) =>
        e instanceof RunReadError && /^run 'empty': run\.json is unreadable \(.*\), and events\.jsonl does not say which workflow/.test(e.message),
    );
    mkdirSync(join(runsDir, 'not-a-run'));
    const path = join(dir, 'ok.workflow.yaml');
    writeFileSync(path, yaml('version: 1', 'name: Ok', 'nodes:', '  a: { run: "true" }'));
    const run = startRun({ workflowPath: path, runsDir });
    await run.finished();
    run.dispose();
    assert.deepEqual(
      listRuns(runsDir).map((r) => r.runId),
      [run.runId],
    );
  });
});
