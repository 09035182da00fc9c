import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/output';
import type { EngineEvent } from '../../src/engine/protocol';
import { resumeRunFromLog, startRun } from '../../src/engine/run/engine';
import { readLogText, readRun } from '../../src/engine/run/io/runStore';
import { foldEvents } from '../../src/engine/runState';
import { yaml } from './helpers';

const HOUR_MS = 3_600_000;

/** Every file a run left, read as text. */
function runFiles(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push({ path, text: readFileSync(path, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

describe('engine: what the docs promise, with real processes', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-semantics-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, ...lines: string[]) => {
    const path = join(dir, name);
    writeFileSync(path, yaml(...lines));
    return path;
  };
  const run = async (path: string) => {
    const events: EngineEvent[] = [];
    const handle = startRun({ workflowPath: path, runsDir: join(dir, 'runs'), onEvent: (e) => events.push(e) });
    const status = await handle.finished();
    handle.dispose();
    return { handle, status, events };
  };

  it('a NUL an output brings into a script, a variable or a folder fails the node saying which, in words', async () => {
    const path = write(
      'nul.workflow.yaml',
      'version: 1',
      'name: NUL',
      'nodes:',
      `  a: { run: "printf 'x=a\\\\0b\\\\n' >> \\"$MAESTRO_OUTPUT\\"", outputs: [x] }`,
      '  script: { needs: a, run: \'echo "${{ nodes.a.outputs.x }}"\' }',
      '  variable: { needs: a, run: \'echo "$X"\', env: { X: "${{ nodes.a.outputs.x }}" } }',
      '  folder: { needs: a, run: pwd, cwd: "./${{ nodes.a.outputs.x }}" }',
    );
    const { status, events } = await run(path);
    assert.equal(status, 'failed');
    const errors = Object.fromEntries(events.flatMap((e) => (e.type === 'node:failed' ? [[e.nodeId, e.error]] : [])));
    const said = (where: string) =>
      `could not start: ${where} holds a NUL character, which no process can be given (an output or input put into it with \${{ }} may have brought it)`;
    assert.deepEqual(errors, {
      script: said("the node's script"),
      variable: said("a variable of the node's environment"),
      folder: said("the node's working folder"),
    });
  });

  it('keeps the log of a node whose id is too long for a file name', async () => {
    const id = `n${'x'.repeat(299)}`;
    const path = write('long.workflow.yaml', 'version: 1', 'name: Long', 'nodes:', `  ${id}: { run: echo kept }`);
    const { handle, status } = await run(path);
    assert.equal(status, 'completed');
    assert.match(readLogText(join(dir, 'runs'), handle.runId, id), /kept/);
  });

  it('masks a secret passed into a sub-workflow in its logs, events and outputs', async () => {
    mkdirSync(join(dir, 'sub'));
    write(
      'sub/echo.workflow.yaml',
      'version: 1',
      'name: Echo',
      'inputs: { value: {} }',
      'nodes:',
      '  say:',
      '    env: { VALUE: "${{ inputs.value }}" }',
      '    run: |',
      '      echo "got $VALUE"',
      '      echo "copy=$VALUE" >> "$MAESTRO_OUTPUT"',
      '    outputs: [copy]',
    );
    const main = write(
      'main.workflow.yaml',
      'version: 1',
      'name: Main',
      'nodes:',
      '  secret:',
      '    run: |',
      '      echo "::add-mask::tok-98765"',
      '      echo "token=tok-98765" >> "$MAESTRO_OUTPUT"',
      '    outputs: [token]',
      '  pass: { needs: secret, workflow: ./sub/echo.workflow.yaml, with: { value: "${{ nodes.secret.outputs.token }}" }, outputs: [copy] }',
    );
    const { handle, status, events } = await run(main);
    assert.equal(status, 'completed');
    assert.match(readLogText(join(dir, 'runs'), handle.runId, 'pass/say'), /^got \*\*\*$/m);
    assert.ok(!JSON.stringify(events).includes('98765'), 'the events hold the secret');
    for (const f of runFiles(handle.dir)) assert.ok(!f.text.includes('98765'), `${f.path} holds the secret`);
    const done = events.find((e) => e.type === 'node:completed' && e.nodeId === 'pass') as { outputs: Record<string, string> };
    assert.deepEqual(done.outputs, { copy: '***' });
  });

  it("evaluates the workflow's and nodes' names, for the run record, the events and workflow.name", async () => {
    const path = write(
      'named.workflow.yaml',
      'version: 1',
      'name: Release ${{ inputs.channel }}',
      'inputs: { channel: { default: beta } }',
      'nodes:',
      "  publish: { name: 'Publish to ${{ inputs.channel }}', run: 'echo \"this is ${{ workflow.name }}\"' }",
    );
    const { handle, status, events } = await run(path);
    assert.equal(status, 'completed');
    const started = events[0] as Extract<EngineEvent, { type: 'workflow:started' }>;
    assert.deepEqual([started.workflow.name, started.nodes[0].name], ['Release beta', 'Publish to beta']);
    assert.equal(readRun(join(dir, 'runs'), handle.runId).record.workflowName, 'Release beta');
    assert.equal(readLogText(join(dir, 'runs'), handle.runId, 'publish'), 'this is Release beta\n');
  });

  it('fails an attempt whose outputs file cannot be read whole, saying where', async () => {
    const path = write(
      'outputs.workflow.yaml',
      'version: 1',
      'name: Outputs',
      'nodes:',
      '  unclosed: { run: \'printf "notes<<EOF\\nline\\n" >> "$MAESTRO_OUTPUT"\', outputs: [notes] }',
      '  badName: { run: \'echo "1st=x" >> "$MAESTRO_OUTPUT"\' }',
      '  after: { needs: [unclosed], run: "true" }',
    );
    const { events } = await run(path);
    const failures = Object.fromEntries(
      events.filter((e) => e.type === 'node:failed').map((e) => [(e as { nodeId: string }).nodeId, (e as { error: string }).error]),
    );
    assert.match(failures.unclosed, /^\$MAESTRO_OUTPUT line 1: 'notes<<EOF' is not closed by a line 'EOF'$/);
    assert.match(failures.badName, /^\$MAESTRO_OUTPUT line 1: expected 'name=value'/);
    assert.equal((events.find((e) => e.type === 'node:skipped') as { nodeId: string }).nodeId, 'after');
  });

  it('says which artifacts were not found, and still completes the node', async () => {
    const path = write(
      'artifacts.workflow.yaml',
      'version: 1',
      'name: Artifacts',
      'nodes:',
      '  build: { run: "echo x > out.txt", artifacts: [out.txt, missing.txt, "dist/*.zip"] }',
    );
    const { status, events } = await run(path);
    assert.equal(status, 'completed');
    const warnings = events.filter((e) => e.type === 'node:diagnostic').map((e) => (e as { message: string }).message);
    assert.deepEqual(
      warnings.map((m) => m.replace(dir, '<dir>')),
      ["artifact 'missing.txt' matched no file in <dir>: it is not recorded", "artifact 'dist/*.zip' matched no file in <dir>: it is not recorded"],
    );
    assert.deepEqual((events.find((e) => e.type === 'node:completed') as { artifacts: string[] }).artifacts, ['out.txt']);
  });

  it('starts a new line before going on with an event log that ends in a torn line', async () => {
    const flag = join(dir, 'flag');
    const path = write('torn.workflow.yaml', 'version: 1', 'name: Torn', 'nodes:', '  a: { run: "true" }', `  b: { needs: a, run: 'test -f ${flag}' }`);
    const { handle, status } = await run(path);
    assert.equal(status, 'failed');
    appendFileSync(join(handle.dir, 'events.jsonl'), '{"type":"node:started","runId":"');
    writeFileSync(flag, '');
    const resumed = await resumeRunFromLog({ runsDir: join(dir, 'runs'), runId: handle.runId });
    assert.equal(await resumed.finished(), 'completed');
    resumed.dispose();
    const read = readRun(join(dir, 'runs'), handle.runId);
    assert.equal(read.skippedLines, 1, 'only the torn line is lost');
    assert.equal(read.events.at(-1)?.type, 'workflow:completed');
    assert.ok(read.events.some((e) => e.type === 'workflow:resumed'));
  });

  it('continues a run whose file changed with its nodes as they are now: each one in its state, its digest and its logs', async () => {
    const path = write('changed.workflow.yaml', 'version: 1', 'name: Before', 'nodes:', '  a: { run: echo a }', '  b: { needs: a, run: exit 1 }');
    const { handle } = await run(path);
    // The run started an hour ago, as its record says.
    const recordPath = join(handle.dir, 'run.json');
    const record = JSON.parse(readFileSync(recordPath, 'utf8')) as { startedAt: number };
    writeFileSync(recordPath, JSON.stringify({ ...record, startedAt: record.startedAt - HOUR_MS }));
    write(
      'changed.workflow.yaml',
      'version: 1',
      'name: After',
      'nodes:',
      '  a2: { run: echo a2 }',
      '  b: { needs: a2, run: echo b }',
      '  d: { needs: b, run: echo d }',
    );
    const events: EngineEvent[] = [];
    const runsDir = join(dir, 'runs');
    const resumed = await resumeRunFromLog({ runsDir, runId: handle.runId, onEvent: (e) => events.push(e) });
    assert.equal(await resumed.finished(), 'completed');
    resumed.dispose();
    assert.deepEqual(
      events.filter((e) => e.type === 'node:started').map((e) => (e as { nodeId: string }).nodeId),
      ['a2', 'b', 'd'],
      'b waits for a2, which the run did not have',
    );
    const state = foldEvents(readRun(runsDir, handle.runId).events)!;
    assert.equal(state.workflowName, 'After');
    assert.deepEqual(
      state.order.map((id) => [id, state.nodes.get(id)!.status, state.nodes.get(id)!.info.needs]),
      [
        ['a2', 'completed', []],
        ['b', 'completed', ['a2']],
        ['d', 'completed', ['b']],
      ],
      "'a', which the file no longer has, is not counted with them",
    );
    const digest = JSON.parse(readFileSync(join(handle.dir, 'summary.json'), 'utf8')) as { workflowName: string; nodes: object; needs: object };
    assert.equal(digest.workflowName, 'After');
    assert.deepEqual(Object.keys(digest.nodes).sort(), ['a2', 'b', 'd']);
    assert.deepEqual(digest.needs, { a2: [], b: ['a2'], d: ['b'] });
    assert.equal(readLogText(runsDir, handle.runId, 'd'), 'd\n');
    const completed = events.find((e) => e.type === 'workflow:completed') as Extract<EngineEvent, { type: 'workflow:completed' }>;
    assert.ok(completed.summary.durationMs >= HOUR_MS, "its duration counts from the run's first start, as its record's does");
    const again = await resumeRunFromLog({ runsDir, runId: handle.runId, onEvent: (e) => events.push(e) });
    assert.equal(await again.finished(), 'completed');
    again.dispose();
    assert.deepEqual((events.filter((e) => e.type === 'workflow:resumed').at(-1) as { reset: string[] }).reset, [], 'nothing is left to run');
  });

  it('continues a matrix whose values changed with its instances as they are now: one taken out no longer fails it', async () => {
    const path = write('matrix.workflow.yaml', 'version: 1', 'name: M', 'nodes:', '  m: { matrix: { x: [1, 2] }, run: \'test "${{ matrix.x }}" = 1\' }');
    const { handle, status } = await run(path);
    assert.equal(status, 'failed');
    write('matrix.workflow.yaml', 'version: 1', 'name: M', 'nodes:', '  m: { matrix: { x: [1, 3] }, run: "true" }');
    const runsDir = join(dir, 'runs');
    const resumed = await resumeRunFromLog({ runsDir, runId: handle.runId });
    assert.equal(await resumed.finished(), 'completed');
    resumed.dispose();
    const state = foldEvents(readRun(runsDir, handle.runId).events)!;
    assert.deepEqual(
      state.order.map((id) => [state.nodes.get(id)!.info.matrix, state.nodes.get(id)!.status]),
      [
        [{ x: 1 }, 'completed'],
        [{ x: 3 }, 'completed'],
      ],
    );
    const digest = JSON.parse(readFileSync(join(handle.dir, 'summary.json'), 'utf8')) as { status: string; nodes: Record<string, unknown[]> };
    assert.equal(digest.status, 'completed');
    assert.equal(digest.nodes.m[0], 'c', 'the node is completed, as the run is');
  });
});

describe('cli: logs of a run with sub-workflows', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-logs-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the nodes of sub-runs after the node that ran them, and one of them by its path', async () => {
    writeFileSync(
      join(dir, 'deploy.workflow.yaml'),
      yaml('version: 1', 'name: Deploy', 'nodes:', '  push: { run: echo pushing }', '  check: { needs: push, run: echo checking }'),
    );
    const mainPath = join(dir, 'main.workflow.yaml');
    writeFileSync(
      mainPath,
      yaml(
        'version: 1',
        'name: Main',
        'nodes:',
        '  build: { run: echo building }',
        '  deploy: { needs: build, workflow: deploy.workflow.yaml }',
        '  done: { needs: deploy, run: echo done }',
      ),
    );
    let out = '';
    const io: Output = { out: (t) => (out += t), err: (t) => (out += t), isTTY: false };
    const runsDir = join(dir, 'runs');
    assert.equal(await main(['run', mainPath, '--runs-dir', runsDir, '--json'], io), 0);
    const runId = (JSON.parse(out.split('\n')[0]) as { runId: string }).runId;
    out = '';
    assert.equal(await main(['logs', runId, '--runs-dir', runsDir], io), 0);
    assert.deepEqual(
      out
        .split('\n')
        .filter((l) => l.startsWith('──'))
        .map((l) => l.split(' ')[1]),
      ['build', 'deploy/push', 'deploy/check', 'done'],
    );
    out = '';
    assert.equal(await main(['logs', runId, 'deploy/push', '--runs-dir', runsDir], io), 0);
    assert.equal(out, 'pushing\n');
  });
});
