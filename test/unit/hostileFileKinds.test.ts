// Files that are not files: a repository can hold a link named like a workflow, a run's log or a template that points
// at /dev/zero or a folder, and a script can leave a named pipe where the engine reads its outputs. Each reader says
// what the thing is, at once. A reader that blocked on a named pipe would hang the test run; a writer comes to each
// pipe after a few seconds, so that such a reader ends with the writer's text, and the test fails instead.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/output';
import type { EngineEvent } from '../../src/engine/protocol';
import { readRegularBytes, readRegularText, UnreadableFileError } from '../../src/engine/regularFile';
import { RunSetupError, startRun } from '../../src/engine/run/engine';
import { indexPath, readIndexedRuns } from '../../src/engine/run/io/runIndex';
import { listRuns, readLogText, readRun, RunReadError } from '../../src/engine/run/io/runStore';
import { declaredInputs, validateFile } from '../../src/engine/validateFile';
import { yaml } from './helpers';

const RESCUE_AFTER_S = 5;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Output = { out: (t) => (out += t), err: (t) => (err += t), isTTY: false };
  return { code: await main(argv, io), out, err };
}

(process.platform === 'win32' ? describe.skip : describe)('files that are not files', function () {
  this.timeout(30_000);
  let dir: string;
  const rescuers: ReturnType<typeof spawn>[] = [];

  /** A named pipe nobody writes to, but for a writer that comes after a few seconds to end each read that waits on it. */
  const pipe = (path: string): string => {
    execFileSync('mkfifo', [path]);
    rescuers.push(spawn('sh', ['-c', `sleep ${RESCUE_AFTER_S}; while :; do printf 'a blocked read' > "$1"; sleep 1; done`, 'sh', path], { stdio: 'ignore' }));
    return path;
  };
  const zero = (path: string): string => {
    symlinkSync('/dev/zero', path);
    return path;
  };

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-kinds-'))));
  afterEach(() => {
    for (const r of rescuers.splice(0)) r.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a regular file, through a link too; refuses a pipe, a device and a folder, saying which', () => {
    writeFileSync(join(dir, 'real.yaml'), 'a: 1\n');
    symlinkSync(join(dir, 'real.yaml'), join(dir, 'link.yaml'));
    assert.equal(readRegularText(join(dir, 'link.yaml')), 'a: 1\n');
    const refusal = (path: string) => {
      try {
        readRegularBytes(path);
      } catch (e) {
        assert.ok(e instanceof UnreadableFileError, String(e));
        return [e.code, e.message];
      }
      return assert.fail(`${path} was read`);
    };
    assert.deepEqual(refusal(pipe(join(dir, 'p'))), ['ENOTREG', 'it is a named pipe, not a file']);
    assert.deepEqual(refusal(zero(join(dir, 'z'))), ['ENOTREG', 'it is a device, not a file']);
    assert.deepEqual(refusal(dir), ['ENOTREG', 'it is a folder, not a file']);
    assert.throws(() => readRegularText(join(dir, 'missing')), { code: 'ENOENT' });
  });

  it('refuses a file larger than the reader takes, with its size', () => {
    writeFileSync(join(dir, 'big'), 'x'.repeat(3000));
    assert.throws(
      () => readRegularText(join(dir, 'big'), 2048),
      (e: unknown) => {
        assert.ok(e instanceof UnreadableFileError);
        assert.deepEqual([e.code, e.size, e.message], ['EFBIG', 3000, 'it is larger than 2 KB (3 KB)']);
        return true;
      },
    );
  });

  it('a workflow that is a pipe or a device: validation and a run say so', () => {
    const piped = pipe(join(dir, 'p.workflow.yaml'));
    assert.throws(() => validateFile(piped), /it is a named pipe, not a file/);
    assert.throws(
      () => startRun({ workflowPath: piped, runsDir: join(dir, 'runs') }),
      (e: unknown) => e instanceof RunSetupError && /^cannot read .*p\.workflow\.yaml: it is a named pipe, not a file$/.test(e.message),
    );
    assert.equal(declaredInputs(zero(join(dir, 'z.workflow.yaml'))), undefined, 'a sub-workflow that is a device declares nothing');
  });

  it('the CLI reports each such file where it reads one, and goes on', async () => {
    const piped = pipe(join(dir, 'p.workflow.yaml'));
    const device = zero(join(dir, 'z.workflow.yaml'));
    const validated = await cli('validate', piped, device, dir);
    assert.equal(validated.code, 1);
    assert.match(validated.out, /p\.workflow\.yaml:1:1: error unreadable: cannot read the file: it is a named pipe, not a file/);
    assert.match(validated.out, /z\.workflow\.yaml:1:1: error unreadable: cannot read the file: it is a device, not a file/);
    assert.match(validated.out, /cannot read the file: it is a folder, not a file/);
    assert.match(validated.err, /3 files checked: 3 errors/);
    for (const argv of [
      ['graph', piped],
      ['export', '--to', 'github-actions', piped],
      ['import', device],
      ['edit', piped, 'remove-node', 'a'],
    ]) {
      const r = await cli(...argv);
      assert.equal(r.code, 1, argv.join(' '));
      assert.match(r.err, /it is a (named pipe|device), not a file/, argv.join(' '));
    }
  });

  it("a run's files that are pipes: runs are listed, read and digested without them", () => {
    const runs = join(dir, 'runs');
    const run = join(runs, '20260101-000000-beef');
    mkdirSync(join(run, 'logs'), { recursive: true });
    pipe(join(run, 'run.json'));
    pipe(join(run, 'events.jsonl'));
    pipe(join(run, 'logs', 'a.log'));
    assert.deepEqual(listRuns(runs), []);
    assert.throws(
      () => readRun(runs, '20260101-000000-beef'),
      (e: unknown) => e instanceof RunReadError && /events\.jsonl cannot be read: it is a named pipe/.test(e.message),
    );
    assert.equal(readLogText(runs, '20260101-000000-beef', 'a'), '');
    assert.equal(readIndexedRuns(runs, join(dir, 'w.workflow.yaml')).total, 0);
  });

  it("a workflow's run index and the catalog that are pipes are made again in their place", () => {
    const runs = join(dir, 'runs');
    const workflow = join(dir, 'w.workflow.yaml');
    mkdirSync(join(runs, '.insights'), { recursive: true });
    const index = indexPath(runs, workflow);
    const catalog = join(runs, '.insights', 'digested.tsv');
    pipe(index);
    pipe(catalog);
    assert.equal(readIndexedRuns(runs, workflow).total, 0);
    assert.ok(lstatSync(index).isFile() && lstatSync(catalog).isFile(), 'files now');
  });

  it('an outputs file a script made a pipe fails its node, and the run goes on to its end', async () => {
    const path = join(dir, 'o.workflow.yaml');
    const where = join(dir, 'where');
    const script = `mkfifo "$MAESTRO_OUTPUT"; echo "$MAESTRO_OUTPUT" > ${where}`;
    writeFileSync(path, yaml('version: 1', 'name: o', 'nodes:', `  a: { run: '${script}' }`, '  b: { run: "true" }'));
    // The engine makes the file's path; its writer waits until the script says where it is.
    const rescue = `until [ -s "$1" ]; do sleep 0.1; done; sleep ${RESCUE_AFTER_S}; while :; do printf 'a blocked read' > "$(cat "$1")"; sleep 1; done`;
    rescuers.push(spawn('sh', ['-c', rescue, 'sh', where], { stdio: 'ignore' }));
    const events: EngineEvent[] = [];
    const run = startRun({ workflowPath: path, runsDir: join(dir, 'runs'), onEvent: (e) => events.push(e) });
    assert.equal(await run.finished(), 'failed');
    run.dispose();
    const failed = events.find((e) => e.type === 'node:failed');
    assert.equal(failed?.type === 'node:failed' && failed.error, '$MAESTRO_OUTPUT could not be read: it is a named pipe, not a file');
    assert.ok(events.some((e) => e.type === 'node:completed' && e.nodeId === 'b'));
  });
});
