import { strict as assert } from 'node:assert';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resumeRunFromLog, RunSetupError, startRun, type RunOptions } from '../../src/engine/run/engine';
import { ShellProcessRunner } from '../../src/engine/run/io/processRunner';
import type { SpawnHelperPool } from '../../src/engine/run/io/spawnHelper/pool';
import { alive, pidIn, readyHelpers, reaped, until } from './processes';
import { listRuns, readLogText, readRun } from '../../src/engine/run/io/runStore';
import type { EngineEvent } from '../../src/engine/protocol';
import { yaml } from './helpers';

for (const mode of ['started by the engine', 'started by a spawn helper'] as const)
  describe(`engine with real processes, ${mode}`, () => {
    let helpers: SpawnHelperPool | undefined;
    before(async () => {
      if (mode === 'started by a spawn helper') helpers = await readyHelpers();
    });
    after(() => helpers?.close());
    const startHere = (o: RunOptions) => startRun({ ...o, spawnHelpers: helpers });
    const resumeHere = (o: Parameters<typeof resumeRunFromLog>[0]) => resumeRunFromLog({ ...o, spawnHelpers: helpers });
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-engine-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const workflow = (name: string, ...lines: string[]) => {
      const path = join(dir, name);
      writeFileSync(path, yaml('version: 1', `name: ${name}`, ...lines));
      return path;
    };

    /** Runs a workflow to its end in `dir/runs`, with its events. */
    const runToEnd = async (path: string) => {
      const events: EngineEvent[] = [];
      const run = startHere({ workflowPath: path, runsDir: join(dir, 'runs'), onEvent: (e) => events.push(e) });
      const status = await run.finished();
      run.dispose();
      return { run, status, events };
    };

    it('a timeout ends the whole process tree of the attempt', async () => {
      const pids = join(dir, 'pids');
      const path = workflow(
        't.workflow.yaml',
        'nodes:',
        '  sleeper:',
        `    run: 'sleep 30 & echo $! >> ${pids}; sleep 31 & echo $! >> ${pids}; wait'`,
        '    timeout: 300ms',
      );
      const run = startHere({ workflowPath: path, runsDir: join(dir, 'runs'), killGraceMs: 1000 });
      assert.equal(await run.finished(), 'failed');
      run.dispose();
      const children = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
      assert.equal(children.length, 2);
      await until(() => children.every((p) => !alive(p)));
    });

    it('cancel ends running processes, and background processes do not outlive their node', async () => {
      const pids = join(dir, 'pids');
      const events: EngineEvent[] = [];
      const path = workflow(
        'c.workflow.yaml',
        'nodes:',
        `  leaves_child: { run: 'sleep 40 & echo $! >> ${pids}; exit 0' }`,
        `  long: { run: 'sleep 41 & echo $! >> ${pids}; wait' }`,
      );
      const run = startHere({ workflowPath: path, runsDir: join(dir, 'runs'), onEvent: (e) => events.push(e) });
      await until(() => existsSync(pids) && readFileSync(pids, 'utf8').trim().split('\n').length === 2 && events.some((e) => e.type === 'node:completed'));
      run.scheduler.cancel();
      assert.equal(await run.finished(), 'cancelled');
      run.dispose();
      const statuses = Object.fromEntries(
        events.filter((e) => e.type === 'node:completed' || e.type === 'node:cancelled').map((e) => [(e as { nodeId: string }).nodeId, e.type]),
      );
      assert.deepEqual(statuses, { leaves_child: 'node:completed', long: 'node:cancelled' });
      const children = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
      await until(() => children.every((p) => !alive(p)));
    });

    it('does not wait for a process that left the group and holds the output open', async () => {
      const pids = join(dir, 'pids');
      // The daemon writes its pid once it has left the group; the shell waits for that before it exits.
      const path = workflow(
        'd.workflow.yaml',
        'nodes:',
        '  daemon:',
        '    run: |',
        `      setsid sh -c 'echo $$ > ${pids}; exec sleep 60' &`,
        `      while [ ! -s ${pids} ]; do sleep 0.01; done`,
        '      echo started',
        '  after: { needs: daemon, run: "true" }',
      );
      const runsDir = join(dir, 'runs');
      const run = startHere({ workflowPath: path, runsDir });
      try {
        assert.equal(await run.finished(), 'completed');
      } finally {
        run.dispose();
        const daemon = pidIn(pids);
        if (daemon) process.kill(daemon, 'SIGKILL');
      }
      assert.match(
        readLogText(runsDir, run.runId, 'daemon'),
        /^started\nmaestro: the process exited, but a process it started outside its process group still holds its output/,
      );
    });

    it('masked values never reach the log files or the event log', async () => {
      const path = workflow(
        'm.workflow.yaml',
        'nodes:',
        '  secret:',
        '    run: |',
        '      echo "::add-mask hunter2"',
        '      echo "password is hunter2"',
        '      echo "pw=hunter2" >> "$MAESTRO_OUTPUT"',
        '      echo "oops hunter2" >&2',
        '    outputs: [pw]',
      );
      const runsDir = join(dir, 'runs');
      const run = startHere({ workflowPath: path, runsDir });
      assert.equal(await run.finished(), 'completed');
      run.dispose();
      const files = [join(run.dir, 'events.jsonl'), ...readdirSync(join(run.dir, 'logs')).map((f) => join(run.dir, 'logs', f))];
      for (const f of files) assert.ok(!readFileSync(f, 'utf8').includes('hunter2'), `${f} holds the secret`);
      assert.match(readLogText(runsDir, run.runId, 'secret'), /password is \*\*\*\noops \*\*\*/);
    });

    it('persists the run: run.json, events before they are sent, logs per node, and lists it', async () => {
      const path = workflow('p.workflow.yaml', 'nodes:', '  a: { run: "echo hello; echo world >&2" }', '  b: { needs: a, run: exit 4 }');
      const runsDir = join(dir, 'runs');
      const seen: number[] = [];
      const run = startHere({
        workflowPath: path,
        runsDir,
        onEvent: (e) => {
          // The event is on disk before the listener hears of it.
          const lines = readFileSync(join(runsDir, e.runId, 'events.jsonl'), 'utf8')
            .trim()
            .split('\n');
          seen.push(JSON.parse(lines[lines.length - 1]).seq === e.seq ? 1 : 0);
        },
      });
      assert.equal(await run.finished(), 'failed');
      run.dispose();
      assert.ok(seen.every((x) => x === 1));
      const stored = readRun(runsDir, run.runId);
      assert.equal(stored.record.status, 'failed');
      assert.equal(stored.events.at(-1)?.type, 'workflow:completed');
      assert.equal(readLogText(runsDir, run.runId, 'a'), 'hello\nworld\n');
      assert.deepEqual(
        listRuns(runsDir).map((r) => [r.runId, r.status]),
        [[run.runId, 'failed']],
      );
    });

    it('logs a line too long to pass on whole in pieces, losing nothing, and masks a secret that a cut splits', async () => {
      // The secret starts 3 characters before the first cut, at 64 Ki characters.
      const path = workflow(
        'long.workflow.yaml',
        'nodes:',
        '  long:',
        '    run: |',
        '      echo "::add-mask hunter2"',
        "      head -c 65533 /dev/zero | tr '\\0' a",
        '      printf hunter2',
        "      head -c 70000 /dev/zero | tr '\\0' b",
        '      echo',
        '      echo done',
      );
      const runsDir = join(dir, 'runs');
      const run = startHere({ workflowPath: path, runsDir });
      assert.equal(await run.finished(), 'completed');
      run.dispose();
      const log = readLogText(runsDir, run.runId, 'long');
      assert.ok(!log.includes('hunter2') && !readFileSync(join(run.dir, 'events.jsonl'), 'utf8').includes('hunter2'), 'the secret is masked');
      assert.ok(log.split('\n').length > 3, 'the line is in pieces');
      assert.equal(log.replaceAll('\n', ''), 'a'.repeat(65533) + '***' + 'b'.repeat(70000) + 'done');
    });

    it('runs a script too long to pass as an argument from a file; an environment too big fails the node, saying why', async () => {
      const path = workflow(
        'big.workflow.yaml',
        'nodes:',
        '  make: { run: \'printf "v=%0300000d\\n" 0 >> "$MAESTRO_OUTPUT"\', outputs: [v] }',
        // 300 KB of script once the output is in it.
        '  script: { needs: make, run: \'v="${{ nodes.make.outputs.v }}"; echo "${#v} $0"\' }',
        '  env: { needs: make, env: { V: "${{ nodes.make.outputs.v }}" }, run: "true" }',
      );
      const runsDir = join(dir, 'runs');
      const events: EngineEvent[] = [];
      const run = startHere({ workflowPath: path, runsDir, onEvent: (e) => events.push(e) });
      try {
        assert.equal(await run.finished(), 'failed');
        const [length, scriptFile] = readLogText(runsDir, run.runId, 'script').trim().split(' ');
        assert.equal(length, '300000');
        assert.match(scriptFile, /-script\.sh$/);
        assert.ok(!existsSync(scriptFile), 'the script file is removed when the process ends');
      } finally {
        run.dispose();
      }
      const failed = events.find((e) => e.type === 'node:failed');
      assert.equal(failed?.type === 'node:failed' && failed.nodeId, 'env');
      assert.match(
        failed?.type === 'node:failed' ? failed.error : '',
        /could not start: .*E2BIG: the environment is larger than the system lets a process start with/,
      );
    });

    it('names an outputs file that exists once the script writes to it, and reads nothing from one that never does', async () => {
      const path = workflow(
        'o.workflow.yaml',
        'nodes:',
        '  quiet: { run: \'test ! -e "$MAESTRO_OUTPUT"\' }',
        '  speaks: { run: \'echo "v=1" >> "$MAESTRO_OUTPUT"\', outputs: [v] }',
      );
      const { run, status, events } = await runToEnd(path);
      assert.equal(status, 'completed');
      const outputs = Object.fromEntries(events.flatMap((e) => (e.type === 'node:completed' ? [[e.nodeId, e.outputs]] : [])));
      assert.deepEqual(outputs, { quiet: {}, speaks: { v: '1' } });
      assert.equal(readLogText(join(dir, 'runs'), run.runId, 'quiet'), '', 'no problem is reported for a file never written');
    });

    it('fails an attempt whose outputs are more than an output may take, saying what to do instead', async () => {
      const path = workflow('big-out.workflow.yaml', 'nodes:', '  big: { run: \'printf "v=%02000000d\\n" 0 >> "$MAESTRO_OUTPUT"\', outputs: [v] }');
      const { status, events } = await runToEnd(path);
      assert.equal(status, 'failed');
      const failed = events.find((e) => e.type === 'node:failed');
      assert.equal(
        failed?.type === 'node:failed' && failed.error,
        '$MAESTRO_OUTPUT holds 1.9 MiB, more than the 1 MiB outputs may take: write big data to a file and pass its path as an output',
      );
    });

    it('takes timeouts longer than a Node.js timer can wait (~24.8 days) as long, not as at once', async () => {
      const path = workflow('days.workflow.yaml', 'timeout: 30d', 'nodes:', '  a: { run: "sleep 0.1", timeout: 1000h }');
      assert.equal((await runToEnd(path)).status, 'completed');
    });

    it('reads back a torn event log, keeping everything before the tear', async () => {
      const path = workflow('torn.workflow.yaml', 'nodes:', '  a: { run: "true" }', '  b: { needs: a, run: "true" }');
      const runsDir = join(dir, 'runs');
      const run = startHere({ workflowPath: path, runsDir });
      await run.finished();
      run.dispose();
      const full = readRun(runsDir, run.runId).events.length;
      appendFileSync(join(run.dir, 'events.jsonl'), '{"type":"node:started","runId":"');
      const torn = readRun(runsDir, run.runId);
      assert.equal(torn.events.length, full);
      assert.equal(torn.skippedLines, 1);
    });

    it('resumes from the log: completed nodes are not run again, the rest run', async () => {
      const counter = join(dir, 'count');
      const fixed = join(dir, 'fixed');
      const path = workflow(
        'r.workflow.yaml',
        'nodes:',
        `  first: { run: 'echo x >> ${counter}; echo "v=7" >> "$MAESTRO_OUTPUT"', outputs: [v] }`,
        `  second: { needs: first, run: 'test -f ${fixed}; echo "got \${{ nodes.first.outputs.v }}"' }`,
        '  third: { needs: second, run: "true" }',
      );
      const runsDir = join(dir, 'runs');
      const run = startHere({ workflowPath: path, runsDir });
      assert.equal(await run.finished(), 'failed');
      run.dispose();
      writeFileSync(fixed, '');
      const resumed = await resumeHere({ runsDir, runId: run.runId });
      assert.equal(await resumed.finished(), 'completed');
      resumed.dispose();
      assert.equal(readFileSync(counter, 'utf8'), 'x\n', 'the completed node ran once');
      assert.match(readLogText(runsDir, run.runId, 'second'), /got 7/);
      const events = readRun(runsDir, run.runId).events;
      const seqs = events.map((e) => e.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
        'seq keeps increasing across the resume',
      );
      assert.equal(new Set(seqs).size, seqs.length);
    });

    it('fails a node whose script no process can take (a NUL an output brought), saying why, without a crash', async () => {
      // Written into the file, a NUL is a validation error; from an output, it reaches the script at run time.
      const path = workflow(
        'nul.workflow.yaml',
        'nodes:',
        `  out: { run: "printf 'x=a\\\\0b\\\\n' >> \\"$MAESTRO_OUTPUT\\"", outputs: [x] }`,
        '  a: { needs: out, run: \'echo "${{ nodes.out.outputs.x }}"\' }',
        '  b: { needs: a, if: failure(), run: "true" }',
      );
      const { status, events } = await runToEnd(path);
      assert.equal(status, 'failed');
      const failed = events.find((e) => e.type === 'node:failed') as { nodeId: string; error: string } | undefined;
      assert.equal(failed?.nodeId, 'a');
      assert.match(failed?.error ?? '', /could not start: the node's script holds a NUL character/);
      assert.ok(
        events.some((e) => e.type === 'node:completed' && e.nodeId === 'b'),
        'the run goes on after it',
      );
    });

    it('refuses to start an invalid workflow or bad inputs, saying why', () => {
      const bad = workflow('bad.workflow.yaml', 'nodes:', '  a: { needs: zz, run: x }');
      assert.throws(
        () => startHere({ workflowPath: bad, runsDir: join(dir, 'runs') }),
        (e: unknown) => e instanceof RunSetupError && e.diagnostics[0].code === 'unknown-dependency',
      );
      const withInputs = workflow('in.workflow.yaml', 'inputs: { n: { type: number } }', 'nodes:', '  a: { run: x }');
      assert.throws(() => startHere({ workflowPath: withInputs, inputs: { n: 'lots' }, runsDir: join(dir, 'runs') }), /input 'n' is a number/);
      assert.throws(() => startHere({ workflowPath: join(dir, 'missing.workflow.yaml') }), /no such file/);
    });

    it('reports a shell or folder that cannot start as a failure that says which, not a crash', async () => {
      const runner = new ShellProcessRunner(dir, { helpers });
      const attempt = runner.start({ instanceId: 'x', attempt: 1, script: 'true', shell: '/no/such/shell', cwd: dir, env: {} }, () => undefined);
      const result = await attempt.done;
      assert.match(result.spawnError ?? '', /ENOENT: \/no\/such\/shell was not found$/);
      const aFile = workflow('f.workflow.yaml', 'nodes: {}');
      const notAFolder = await runner.start({ instanceId: 'y', attempt: 1, script: 'true', cwd: aFile, env: {} }, () => undefined).done;
      assert.match(notAFolder.spawnError ?? '', /the working folder .* is not a folder$/);
    });

    it("names python3 where python, which GitHub's shell: python runs, is not on the PATH and it is", async () => {
      const bin = join(dir, 'bin');
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(bin, 'python3'), '#!/bin/sh\n', { mode: 0o755 });
      const runner = new ShellProcessRunner(dir, { helpers });
      const start = (PATH: string) =>
        runner.start({ instanceId: 'p', attempt: 1, script: 'print(1)', shell: 'python', cwd: dir, env: { PATH } }, () => undefined).done;
      assert.match(
        (await start(bin)).spawnError ?? '',
        /ENOENT: python was not found on the PATH; python3 is: name it in the node's shell \(shell: python3\)$/,
      );
      assert.match((await start(join(dir, 'nothing-here'))).spawnError ?? '', /ENOENT: python was not found on the PATH$/);
    });
  });

describe('run from a node', () => {
  it('re-runs the node and everything after it, keeping the rest of the last run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-from-'));
    const counter = join(dir, 'count');
    const path = join(dir, 'f.workflow.yaml');
    writeFileSync(
      path,
      yaml(
        'version: 1',
        'name: From',
        'nodes:',
        `  a: { run: 'echo a >> ${counter}' }`,
        `  b: { needs: a, run: 'echo b >> ${counter}' }`,
        `  c: { needs: b, run: 'echo c >> ${counter}' }`,
        `  side: { run: 'echo side >> ${counter}' }`,
      ),
    );
    const runsDir = join(dir, 'runs');
    const first = startRun({ workflowPath: path, runsDir, concurrency: 1 });
    assert.equal(await first.finished(), 'completed');
    first.dispose();
    const again = await resumeRunFromLog({ runsDir, runId: first.runId, fromNode: 'b' });
    assert.equal(await again.finished(), 'completed');
    again.dispose();
    assert.deepEqual(readFileSync(counter, 'utf8').trim().split('\n'), ['a', 'b', 'c', 'side', 'b', 'c']);
    await assert.rejects(resumeRunFromLog({ runsDir, runId: first.runId, fromNode: 'zz' }), /no node 'zz'/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('process runner', () => {
  it('a stop after the process exited, while its output is still open, changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-runner-'));
    const pids = join(dir, 'pids');
    try {
      const runner = new ShellProcessRunner(dir, { killGraceMs: 100 });
      const script = `setsid sh -c 'echo $$ > ${pids}; exec sleep 60' & while [ ! -s ${pids} ]; do sleep 0.01; done; exit 0`;
      const attempt = runner.start({ instanceId: 'n', attempt: 1, script, cwd: dir, env: { PATH: process.env.PATH ?? '' } }, () => undefined);
      const shell = attempt.pid!;
      // Reaped by this process, which sees its exit in the same turn (a zombie, not yet reaped, is not alive either).
      await until(() => reaped(shell));
      attempt.stop('timeout');
      const result = await attempt.done;
      assert.equal(result.stoppedBy, undefined);
      assert.equal(result.exitCode, 0);
    } finally {
      const daemon = pidIn(pids);
      if (daemon) process.kill(daemon, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
