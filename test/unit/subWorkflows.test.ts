// Sub-workflows run for real: a node that runs another file as a sub-run, its events nested under the node, and the
// ways a sub-run fails (its own failure, an invalid file, a file that runs itself).
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineEvent } from '../../src/engine/protocol';
import { startRun } from '../../src/engine/run/engine';
import { readLogText } from '../../src/engine/run/io/runStore';
import { foldEvents } from '../../src/engine/runState';
import { MAX_SUB_WORKFLOW_BYTES } from '../../src/engine/validateFile';
import { yaml } from './helpers';

describe('sub-workflows', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-sub-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("tells of a sub-workflow node's start before any event of its sub-run, at every level", async () => {
    writeFileSync(join(dir, 'leaf.workflow.yaml'), yaml('version: 1', 'name: Leaf', 'nodes:', '  work: { run: "true" }'));
    writeFileSync(join(dir, 'mid.workflow.yaml'), yaml('version: 1', 'name: Mid', 'nodes:', '  leaf: { workflow: ./leaf.workflow.yaml }'));
    const main = join(dir, 'main.workflow.yaml');
    writeFileSync(main, yaml('version: 1', 'name: Main', 'nodes:', '  mid: { workflow: ./mid.workflow.yaml }'));
    const events: EngineEvent[] = [];
    const run = startRun({ workflowPath: main, runsDir: join(dir, 'runs'), onEvent: (e) => events.push(e) });
    assert.equal(await run.finished(), 'completed');
    run.dispose();
    const order = events.filter((e) => e.type === 'node:started').map((e) => (e as { nodeId: string }).nodeId);
    assert.deepEqual(order, ['mid', 'mid/leaf', 'mid/leaf/work']);
    for (const parent of ['mid', 'mid/leaf']) {
      const started = events.findIndex((e) => e.type === 'node:started' && e.nodeId === parent);
      const first = events.findIndex((e) => 'nodeId' in e && e.nodeId.startsWith(`${parent}/`));
      assert.ok(started < first, `${parent} started at event ${started}, its sub-run's first event was ${first}`);
    }
  });

  it("lists a sub-run's nodes as it starts, under its node, at every level: the run's state has them from then on", async () => {
    const go = join(dir, 'go');
    const leaf = [
      'version: 1',
      'name: Leaf',
      'nodes:',
      `  first: { run: 'while [ ! -f "${go}" ]; do sleep 0.02; done' }`,
      '  second: { needs: first, run: "true" }',
    ];
    writeFileSync(join(dir, 'leaf.workflow.yaml'), yaml(...leaf));
    writeFileSync(join(dir, 'mid.workflow.yaml'), yaml('version: 1', 'name: Mid', 'nodes:', '  leaf: { workflow: ./leaf.workflow.yaml }'));
    const main = join(dir, 'main.workflow.yaml');
    writeFileSync(main, yaml('version: 1', 'name: Main', 'nodes:', '  mid: { workflow: ./mid.workflow.yaml }'));
    const events: EngineEvent[] = [];
    let started: () => void = () => undefined;
    const firstStarted = new Promise<void>((resolve) => (started = resolve));
    const run = startRun({
      workflowPath: main,
      runsDir: join(dir, 'runs'),
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'node:started' && e.nodeId === 'mid/leaf/first') started();
      },
    });
    await firstStarted;
    const listings = events.flatMap((e) => (e.type === 'node:subrun' ? [[e.nodeId, e.parentNodeId, e.nodes.map((n) => `${n.id}<${n.needs.join(',')}>`)]] : []));
    assert.deepEqual(listings, [
      ['mid', undefined, ['mid/leaf<>']],
      ['mid/leaf', 'mid', ['mid/leaf/first<>', 'mid/leaf/second<mid/leaf/first>']],
    ]);
    const during = foldEvents(events)!;
    assert.deepEqual(
      ['mid/leaf', 'mid/leaf/first', 'mid/leaf/second'].map((id) => [during.nestedNodes[id]?.status, during.nestedNodes[id]?.info.kind]),
      [
        ['running', 'workflow'],
        ['running', 'run'],
        ['pending', 'run'],
      ],
    );
    writeFileSync(go, '');
    assert.equal(await run.finished(), 'completed');
    run.dispose();
    assert.deepEqual(
      Object.values(foldEvents(events)!.nestedNodes).map((n) => n.status),
      ['completed', 'completed', 'completed'],
    );
  });

  /** A run paused while a sub-run's sub-run runs a node; then resumed, or cancelled. */
  const pauseInsideSubRuns = async (cancelWhilePaused: boolean) => {
    const go = join(dir, 'go');
    writeFileSync(
      join(dir, 'leaf.workflow.yaml'),
      yaml('version: 1', 'name: Leaf', 'nodes:', `  first: { run: 'while [ ! -f "${go}" ]; do sleep 0.02; done' }`, '  second: { needs: first, run: "true" }'),
    );
    writeFileSync(join(dir, 'mid.workflow.yaml'), yaml('version: 1', 'name: Mid', 'nodes:', '  leaf: { workflow: ./leaf.workflow.yaml }'));
    const main = join(dir, 'main.workflow.yaml');
    writeFileSync(main, yaml('version: 1', 'name: Main', 'nodes:', '  mid: { workflow: ./mid.workflow.yaml }', '  after: { needs: mid, run: "true" }'));
    const events: EngineEvent[] = [];
    let seen: () => void = () => undefined;
    const is = (type: EngineEvent['type'], nodeId?: string) => (e: EngineEvent) =>
      e.type === type && (nodeId === undefined || ('nodeId' in e && e.nodeId === nodeId));
    /** Once an event of the type has come (it may have come already: a run's first nodes start as it starts). */
    const next = (type: EngineEvent['type'], nodeId?: string) =>
      new Promise<void>((resolve) => {
        const check = () => events.some(is(type, nodeId)) && resolve();
        seen = check;
        check();
      });
    const run = startRun({ workflowPath: main, runsDir: join(dir, 'runs'), onEvent: (e) => (events.push(e), seen()) });
    await next('node:started', 'mid/leaf/first');
    run.scheduler.pause();
    const paused = next('workflow:paused');
    writeFileSync(go, '');
    await paused;
    const started = () => events.filter((e) => e.type === 'node:started').map((e) => (e as { nodeId: string }).nodeId);
    assert.deepEqual(started(), ['mid', 'mid/leaf', 'mid/leaf/first'], 'the sub-run of the sub-run started nothing new');
    assert.ok(
      events.some((e) => e.type === 'node:completed' && e.nodeId === 'mid/leaf/first'),
      'what ran finished first',
    );
    if (cancelWhilePaused) {
      run.scheduler.cancel();
      assert.equal(await run.finished(), 'cancelled');
      run.dispose();
      const ends = events.filter((e) => e.type === 'node:cancelled').map((e) => (e as { nodeId: string }).nodeId);
      assert.deepEqual(ends.sort(), ['after', 'mid', 'mid/leaf', 'mid/leaf/second']);
      return;
    }
    run.scheduler.resume();
    assert.equal(await run.finished(), 'completed');
    run.dispose();
    assert.deepEqual(started(), ['mid', 'mid/leaf', 'mid/leaf/first', 'mid/leaf/second', 'after']);
    const resumedAt = events.findIndex((e) => e.type === 'workflow:resumed');
    assert.ok(events.findIndex((e) => e.type === 'node:started' && e.nodeId === 'mid/leaf/second') > resumedAt);
  };

  it('pauses sub-runs with the run: nothing new starts in them, and the run is paused once nothing runs in them', () => pauseInsideSubRuns(false));
  it('cancels a run paused inside its sub-runs', () => pauseInsideSubRuns(true));

  it("decides a sub-run's approval gate by its id under the node; the run's state knows it waits until then", async () => {
    const gated = yaml('version: 1', 'name: Gated', 'nodes:', '  ship: { approval: { prompt: Ship it? } }');
    writeFileSync(join(dir, 'gated.workflow.yaml'), gated);
    const main = join(dir, 'main.workflow.yaml');
    writeFileSync(main, yaml('version: 1', 'name: Main', 'nodes:', '  deploy: { workflow: ./gated.workflow.yaml }', '  after: { needs: deploy, run: "true" }'));
    for (const approved of [true, false]) {
      const events: EngineEvent[] = [];
      const run = startRun({ workflowPath: main, runsDir: join(dir, 'runs'), onEvent: (e) => events.push(e) });
      await new Promise<void>((resolve) => setImmediate(resolve));
      assert.deepEqual(foldEvents(events)!.nestedGates, { 'deploy/ship': 'Ship it?' });
      assert.throws(() => run.scheduler.approve('deploy/nope', true), /^Error: no node 'deploy\/nope' in this run$/);
      run.scheduler.approve('deploy/ship', approved, 'looked at it', 'ana');
      assert.throws(() => run.scheduler.approve('deploy/ship', true), /^Error: node 'deploy\/ship' is (completed|failed), not waiting for approval$/);
      assert.equal(await run.finished(), approved ? 'completed' : 'failed');
      assert.throws(
        () => run.scheduler.approve('deploy/ship', true),
        new RegExp(`^Error: node 'deploy/ship' is not waiting for approval: 'deploy' is ${approved ? 'completed' : 'failed'}, and runs no sub-run now$`),
      );
      run.dispose();
      assert.deepEqual(foldEvents(events)!.nestedGates, {});
      const decided = events.find((e) => 'nodeId' in e && e.nodeId === 'deploy/ship' && (e.type === 'node:completed' || e.type === 'node:failed'));
      if (approved) assert.deepEqual((decided as { outputs: object }).outputs, { approved: 'true', approvedBy: 'ana', comment: 'looked at it' });
      else assert.equal((decided as { error: string }).error, 'rejected by ana: looked at it');
    }
  });

  it("says it is paused while a sub-run's gate waits; the gate is answered while paused, and what follows waits for resume", async () => {
    writeFileSync(
      join(dir, 'gated.workflow.yaml'),
      yaml('version: 1', 'name: Gated', 'nodes:', '  ship: { approval: { prompt: Ship it? } }', '  tell: { needs: ship, run: "true" }'),
    );
    const main = join(dir, 'main.workflow.yaml');
    writeFileSync(main, yaml('version: 1', 'name: Main', 'nodes:', '  deploy: { workflow: ./gated.workflow.yaml }'));
    const events: EngineEvent[] = [];
    let paused: () => void = () => undefined;
    const onEvent = (e: EngineEvent) => (events.push(e), e.type === 'workflow:paused' && paused());
    const run = startRun({ workflowPath: main, runsDir: join(dir, 'runs'), onEvent });
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => ((paused = resolve), run.scheduler.pause()));
    assert.equal(foldEvents(events)!.status, 'paused');
    assert.deepEqual(foldEvents(events)!.nestedGates, { 'deploy/ship': 'Ship it?' }, 'the gate still waits, and can be answered');
    run.scheduler.approve('deploy/ship', true);
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.ok(!events.some((e) => e.type === 'node:started' && e.nodeId === 'deploy/tell'), 'nothing new starts while paused');
    run.scheduler.resume();
    assert.equal(await run.finished(), 'completed');
    run.dispose();
    const types = events.filter((e) => e.type.startsWith('workflow:') || ('nodeId' in e && e.nodeId === 'deploy/tell' && e.type === 'node:started'));
    assert.deepEqual(
      types.map((e) => e.type),
      ['workflow:started', 'workflow:paused', 'workflow:resumed', 'node:started', 'workflow:completed'],
    );
  });

  it('runs the file as a sub-run: nested events under the node, its outputs as the node outputs', async () => {
    mkdirSync(join(dir, 'sub', 'reports'), { recursive: true });
    writeFileSync(
      join(dir, 'sub', 'deploy.workflow.yaml'),
      yaml(
        'version: 1',
        'name: Deploy',
        'inputs: { env: { default: dev } }',
        'nodes:',
        '  push: { run: \'echo "url=https://${{ inputs.env }}.example" >> "$MAESTRO_OUTPUT"\', outputs: [url] }',
        '  smoke: { needs: push, run: "echo smoke" }',
        "  report: { needs: push, cwd: \"./${{ inputs.env == 'prod' && 'reports' || 'x' }}\", run: \"echo ok > report.txt\", artifacts: [report.txt] }",
      ),
    );
    const main = join(dir, 'main.workflow.yaml');
    writeFileSync(
      main,
      yaml(
        'version: 1',
        'name: Main',
        'nodes:',
        '  build: { run: "true" }',
        '  deploy: { needs: build, workflow: ./sub/deploy.workflow.yaml, with: { env: prod }, outputs: [url] }',
        '  announce: { needs: deploy, run: \'echo "at ${{ nodes.deploy.outputs.url }}"\' }',
      ),
    );
    const events: EngineEvent[] = [];
    const runsDir = join(dir, 'runs');
    const run = startRun({ workflowPath: main, runsDir, onEvent: (e) => events.push(e) });
    assert.equal(await run.finished(), 'completed');
    run.dispose();
    const nested = events.filter((e) => 'parentNodeId' in e && e.parentNodeId === 'deploy');
    assert.deepEqual([...new Set(nested.map((e) => (e as { nodeId: string }).nodeId))], ['deploy/push', 'deploy/smoke', 'deploy/report']);
    const deployDone = events.find((e) => e.type === 'node:completed' && e.nodeId === 'deploy') as { outputs: Record<string, string> };
    assert.deepEqual(deployDone.outputs, { url: 'https://prod.example' });
    // A sub-workflow's node records where its artifacts were: in its own file's folder, with its own cwd.
    const report = events.find((e) => e.type === 'node:completed' && e.nodeId === 'deploy/report') as { artifacts: string[]; artifactsDir?: string };
    assert.deepEqual([report.artifacts, report.artifactsDir], [['report.txt'], join(dir, 'sub', 'reports')]);
    assert.match(readLogText(runsDir, run.runId, 'announce'), /at https:\/\/prod\.example/);
    assert.match(readLogText(runsDir, run.runId, 'deploy/smoke'), /smoke/);
    // Log lines are not numbered: every other event is, in one sequence.
    const seqs = events.filter((e) => e.type !== 'node:log').map((e) => e.seq);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i + 1),
      'one sequence for the run and its sub-runs',
    );
  });

  it('fails the node when the sub-run fails, is invalid, or includes itself', async () => {
    writeFileSync(join(dir, 'broken.workflow.yaml'), yaml('version: 1', 'name: Broken', 'nodes:', '  a: { run: exit 1 }'));
    // Validation finds a file that includes itself, directly or through another; through a file too large for
    // validation to read (both files, each being the other's sub-workflow), the loop is found as it runs.
    writeFileSync(join(dir, 'self.workflow.yaml'), yaml('version: 1', 'name: Self', 'nodes:', '  again: { workflow: ./self.workflow.yaml }'));
    writeFileSync(join(dir, 'loop.workflow.yaml'), yaml('version: 1', 'name: Loop', 'nodes:', '  again: { workflow: ./back.workflow.yaml }'));
    writeFileSync(join(dir, 'back.workflow.yaml'), yaml('version: 1', 'name: Back', 'nodes:', '  there: { workflow: ./loop.workflow.yaml }'));
    const padding = `# ${'-'.repeat(100)}\n`.repeat(Math.ceil(MAX_SUB_WORKFLOW_BYTES / 100));
    writeFileSync(join(dir, 'far.workflow.yaml'), padding + yaml('version: 1', 'name: Far', 'nodes:', '  again: { workflow: ./big.workflow.yaml }'));
    writeFileSync(join(dir, 'big.workflow.yaml'), padding + yaml('version: 1', 'name: Big', 'nodes:', '  there: { workflow: ./far.workflow.yaml }'));
    const main = join(dir, 'main.workflow.yaml');
    writeFileSync(
      main,
      yaml(
        'version: 1',
        'name: Main',
        'nodes:',
        '  broken: { workflow: ./broken.workflow.yaml }',
        '  self: { workflow: ./self.workflow.yaml }',
        '  loop: { workflow: ./loop.workflow.yaml }',
        '  far: { workflow: ./far.workflow.yaml }',
      ),
    );
    const events: EngineEvent[] = [];
    const run = startRun({ workflowPath: main, runsDir: join(dir, 'runs'), onEvent: (e) => events.push(e) });
    assert.equal(await run.finished(), 'failed');
    run.dispose();
    const errors = Object.fromEntries(
      events.filter((e) => e.type === 'node:failed').map((e) => [(e as { nodeId: string }).nodeId, (e as { error: string }).error]),
    );
    assert.equal(errors.broken, 'the sub-workflow Broken failed');
    assert.match(
      errors.self,
      /^sub-workflow .*self\.workflow\.yaml has 1 error: line \d+, column \d+: node 'again' runs this very workflow: a workflow cannot include itself$/,
    );
    assert.match(
      errors.loop,
      /^sub-workflow .*loop\.workflow\.yaml has 1 error: line \d+, column \d+: node 'again' runs back\.workflow\.yaml, which runs this workflow again/,
    );
    assert.match(errors['far/again/there'], /far\.workflow\.yaml includes itself/);
  });
});
