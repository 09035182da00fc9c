// The scheduler steered while it runs: pause and resume, cancel, a host gone away, the run's timeout, approval
// gates, retrying a node of an ended run, and a run continued from a previous one.
import { strict as assert } from 'node:assert';
import type { NodeStatus } from '../../src/engine/protocol';
import { foldEvents } from '../../src/engine/runState';
import { setup } from './schedulerSetup';

describe('scheduler: steering a run', () => {
  it('pauses: running nodes finish, nothing new starts; resume carries on', async () => {
    const { scheduler, clock, runner, sink } = setup([
      'concurrency: 2',
      'nodes:',
      '  a: { run: x }',
      '  b: { run: x }',
      '  c: { run: x }',
      '  d: { needs: c, run: x }',
    ]);
    scheduler.start();
    await clock.advance(10);
    scheduler.pause();
    await clock.advance(1000);
    assert.deepEqual(
      runner.started.map((r) => r.instanceId),
      ['a', 'b'],
    );
    assert.equal(sink.events.at(-1)?.type, 'workflow:paused');
    assert.equal(sink.of('workflow:paused').length, 1);
    scheduler.resume();
    await clock.advance(1000);
    assert.deepEqual(
      runner.started.map((r) => r.instanceId),
      ['a', 'b', 'c', 'd'],
    );
    assert.equal(sink.of('workflow:resumed').length, 1);
    assert.equal(await scheduler.done, 'completed');
  });

  it('says at once that it is pausing while nodes run, how many, and by whom; paused once they have finished', async () => {
    const { scheduler, clock, sink } = setup(['concurrency: 2', 'nodes:', '  a: { run: x }', '  b: { run: x }', '  c: { run: x }']);
    scheduler.start();
    await clock.advance(10);
    scheduler.pause('ana');
    const asked = sink.events.at(-1);
    assert.deepEqual(asked && { type: asked.type, running: 'running' in asked && asked.running, actor: 'actor' in asked && asked.actor }, {
      type: 'workflow:pausing',
      running: 2,
      actor: 'ana',
    });
    assert.equal(foldEvents(sink.events)?.pausing, true);
    scheduler.pause();
    assert.equal(sink.of('workflow:pausing').length, 1, 'asked again, it says nothing new');
    await clock.advance(1000);
    assert.deepEqual(
      sink.events.filter((e) => e.type.startsWith('workflow:')).map((e) => e.type),
      ['workflow:started', 'workflow:pausing', 'workflow:paused'],
    );
    const state = foldEvents(sink.events);
    assert.deepEqual([state?.status, state?.pausing], ['paused', false]);
  });

  it('calls a pause off when resumed before it takes effect: resumed, never paused, and the run goes on', async () => {
    const { scheduler, clock, runner, sink } = setup(['nodes:', '  a: { run: x }', '  b: { needs: a, run: x }']);
    scheduler.start();
    await clock.advance(10);
    scheduler.pause();
    scheduler.resume('ana');
    const resumed = sink.events.at(-1);
    assert.ok(resumed?.type === 'workflow:resumed' && resumed.reset.length === 0 && resumed.actor === 'ana');
    assert.equal(foldEvents(sink.events)?.pausing, false);
    await clock.advance(1000);
    assert.equal(await scheduler.done, 'completed');
    assert.deepEqual(
      runner.started.map((r) => r.instanceId),
      ['a', 'b'],
    );
    assert.equal(sink.of('workflow:paused').length, 0);
  });

  it('says nothing of pausing when nothing runs: paused at once; a cancel while pausing ends the pausing', async () => {
    const gated = setup(['nodes:', '  gate: { approval: { prompt: ok? } }', '  after: { needs: gate, run: x }']);
    gated.scheduler.start();
    await gated.clock.advance(10);
    gated.scheduler.pause();
    assert.deepEqual(
      gated.sink.events.filter((e) => e.type.startsWith('workflow:')).map((e) => e.type),
      ['workflow:started', 'workflow:paused'],
    );
    const { scheduler, clock, sink } = setup(['nodes:', '  long: { run: x }', '  next: { needs: long, run: x }'], { long: () => ({ hang: true }) });
    scheduler.start();
    await clock.advance(10);
    scheduler.pause();
    assert.equal(foldEvents(sink.events)?.pausing, true);
    scheduler.cancel();
    await clock.advance(100);
    const state = foldEvents(sink.events);
    assert.deepEqual([state?.status, state?.pausing], ['cancelled', false]);
  });

  it('cancels: running nodes are stopped, pending ones cancelled, the run ends cancelled', async () => {
    const { scheduler, clock, runner, sink } = setup(
      ['nodes:', '  long: { run: x }', '  next: { needs: long, run: x }', '  gate: { approval: { prompt: ok? } }'],
      { long: () => ({ hang: true }) },
    );
    scheduler.start();
    await clock.advance(100);
    scheduler.cancel();
    await clock.advance(100);
    assert.deepEqual(runner.stopped, [{ instanceId: 'long', reason: 'cancel' }]);
    assert.deepEqual(
      ['long', 'next', 'gate'].map((id) => sink.statusOf(id)),
      ['cancelled', 'cancelled', 'cancelled'],
    );
    const last = sink.events.at(-1)!;
    assert.ok(last.type === 'workflow:completed' && last.status === 'cancelled');
    assert.equal(await scheduler.done, 'cancelled');
    assert.equal(clock.pendingTimers, 0, 'no timer is left behind');
  });

  it('halts where it stands when its host goes away: running nodes stopped, nothing else decided, the run left open', async () => {
    const { scheduler, clock, runner, sink } = setup(
      [
        'nodes:',
        '  long: { run: x }',
        '  flaky: { run: x, retry: { max: 2, delay: 5s } }',
        '  next: { needs: long, run: x }',
        '  gate: { approval: { prompt: ok?, timeout: 1m } }',
      ],
      { long: () => ({ hang: true }), flaky: () => ({ exitCode: 1 }) },
    );
    scheduler.start();
    await clock.advance(200);
    assert.equal(sink.statusOf('flaky'), 'running', 'retrying after its first attempt');
    const halted = scheduler.halt('the editor window closed while the run was going');
    await clock.advance(100);
    await halted;
    assert.deepEqual(runner.stopped, [{ instanceId: 'long', reason: 'cancel' }]);
    assert.equal(sink.statusOf('long'), 'cancelled');
    assert.match(sink.of('node:cancelled')[0].reason, /window closed/);
    assert.equal(sink.of('workflow:completed').length, 0, 'the run is not ended');
    await clock.advance(60_000);
    assert.equal(runner.startsOf('flaky').length, 1, 'no retry starts after a halt');
    assert.equal(sink.of('node:failed').length, 0, 'the gate did not time out');
    assert.equal(clock.pendingTimers, 0, 'no timer is left behind');
  });

  it('fails the run when its timeout passes', async () => {
    const { scheduler, clock, sink } = setup(['timeout: 1s', 'nodes:', '  long: { run: x }'], { long: () => ({ hang: true }) });
    scheduler.start();
    await clock.advance(2000);
    const last = sink.events.at(-1)!;
    assert.ok(last.type === 'workflow:completed');
    assert.equal(last.status, 'failed');
    assert.match(last.error ?? '', /timed out after 1.00s/);
  });

  it("holds the run's timeout while the run is paused with nothing running; resumed, it counts on from there", async () => {
    const { scheduler, clock, sink } = setup(['timeout: 1s', 'nodes:', '  a: { run: x }', '  b: { needs: a, run: x }'], {
      a: () => ({ durationMs: 300 }),
      b: () => ({ hang: true }),
    });
    scheduler.start();
    await clock.advance(100);
    scheduler.pause();
    await clock.advance(250);
    assert.equal(foldEvents(sink.events)?.status, 'paused', 'paused once `a` has finished, 300 ms into the run');
    await clock.advance(3_600_000);
    assert.equal(sink.of('workflow:completed').length, 0, 'an hour paused did not time the run out');
    scheduler.resume();
    await clock.advance(650);
    assert.equal(sink.of('workflow:completed').length, 0, '300 ms before the pause and 650 ms after it are within the second');
    await clock.advance(100);
    const end = sink.of('workflow:completed')[0];
    assert.deepEqual([end?.status, end?.error], ['failed', 'the run timed out after 1.00s']);
  });

  it("counts the run's timeout through a pause under way, while a node still runs", async () => {
    const { scheduler, clock, sink } = setup(['timeout: 1s', 'nodes:', '  long: { run: x }', '  next: { needs: long, run: x }'], {
      long: () => ({ hang: true }),
    });
    scheduler.start();
    await clock.advance(100);
    scheduler.pause();
    await clock.advance(1000);
    const end = sink.of('workflow:completed')[0];
    assert.deepEqual([end?.status, end?.error], ['failed', 'the run timed out after 1.00s']);
  });

  it("counts the run's timeout again when a node retried in a paused run resumes it", async () => {
    let attempts = 0;
    const { scheduler, clock, sink } = setup(['timeout: 1s', 'nodes:', '  bad: { run: x }', '  other: { run: x }', '  after: { needs: other, run: x }'], {
      bad: () => (++attempts === 1 ? { exitCode: 1, durationMs: 100 } : { hang: true }),
      other: () => ({ durationMs: 400 }),
      after: () => ({ hang: true }),
    });
    scheduler.start();
    await clock.advance(200);
    scheduler.pause();
    await clock.advance(60_000);
    assert.equal(foldEvents(sink.events)?.status, 'paused');
    scheduler.retryNode('bad');
    await clock.advance(550);
    assert.equal(sink.of('workflow:completed').length, 0, '400 ms before the pause and 550 ms after the retry');
    await clock.advance(100);
    assert.equal(sink.of('workflow:completed')[0]?.error, 'the run timed out after 1.00s');
  });

  it("gives what a retry runs again in an ended run the run's timeout afresh", async () => {
    let attempts = 0;
    const { scheduler, clock, sink } = setup(['timeout: 1s', 'nodes:', '  a: { run: x }'], {
      a: () => (++attempts === 1 ? { exitCode: 1, durationMs: 100 } : { hang: true }),
    });
    scheduler.start();
    await clock.advance(200);
    assert.equal(await scheduler.done, 'failed');
    await clock.advance(60_000);
    scheduler.retryNode('a');
    await clock.advance(900);
    assert.equal(sink.of('workflow:completed').length, 1, 'the retried node runs within the second');
    await clock.advance(200);
    assert.equal(sink.of('workflow:completed')[1]?.error, 'the run timed out after 1.00s');
    assert.equal(await scheduler.done, 'failed');
  });

  it('waits at approval gates; approval continues, rejection and timeout fail', async () => {
    const { scheduler, clock, sink } = setup([
      'nodes:',
      '  build: { run: x, outputs: [v] }',
      '  ok: { needs: build, approval: { prompt: "Ship ${{ run.id }}?" } }',
      '  no: { needs: build, approval: { prompt: nope } }',
      '  slow: { needs: build, approval: { timeout: 1m } }',
      '  ship: { needs: ok, run: x }',
    ]);
    scheduler.start();
    await clock.advance(200);
    assert.deepEqual(
      sink.of('node:waiting').map((e) => [e.nodeId, e.prompt]),
      [
        ['ok', 'Ship r1?'],
        ['no', 'nope'],
        ['slow', "Approve 'slow'?"],
      ],
    );
    assert.throws(() => scheduler.approve('build', true), /is completed, not waiting/);
    scheduler.approve('ok', true, 'lgtm');
    scheduler.approve('no', false, 'not today');
    await clock.advance(61_000);
    assert.equal(sink.statusOf('ship'), 'completed');
    assert.match(sink.of('node:failed').find((e) => e.nodeId === 'no')!.error, /rejected: not today/);
    assert.match(sink.of('node:failed').find((e) => e.nodeId === 'slow')!.error, /no approval within 1m00s/);
  });

  it('says it is paused while a gate waits; the gate can still be answered, and what follows it waits for resume', async () => {
    const { scheduler, clock, runner, sink } = setup([
      'nodes:',
      '  gate: { approval: { prompt: ok? } }',
      '  ship: { needs: gate, run: x }',
      '  other: { run: x }',
    ]);
    scheduler.start();
    await clock.advance(200);
    assert.equal(sink.statusOf('gate'), 'waiting');
    scheduler.pause();
    await clock.advance(100);
    assert.equal(sink.of('workflow:paused').length, 1, 'paused, though the gate waits');
    scheduler.approve('gate', true);
    await clock.advance(100);
    assert.equal(sink.statusOf('gate'), 'completed');
    assert.equal(runner.startsOf('ship').length, 0, 'nothing new starts while paused');
    assert.equal(sink.of('workflow:completed').length, 0);
    scheduler.resume();
    await clock.advance(100);
    assert.equal(sink.statusOf('ship'), 'completed');
    assert.equal(await scheduler.done, 'completed');
  });

  it('says it is paused while a retry waits for its delay, and the retry waits for resume', async () => {
    let calls = 0;
    const { scheduler, clock, runner, sink } = setup(['nodes:', '  flaky: { run: x, retry: { max: 2, delay: 5s } }'], {
      flaky: () => ({ exitCode: calls++ === 0 ? 1 : 0 }),
    });
    scheduler.start();
    await clock.advance(100);
    assert.equal(sink.statusOf('flaky'), 'running');
    scheduler.pause();
    await clock.advance(10_000);
    assert.equal(sink.of('workflow:paused').length, 1);
    assert.equal(runner.startsOf('flaky').length, 1, 'the retry waits for resume');
    scheduler.resume();
    await clock.advance(100);
    assert.equal(runner.startsOf('flaky').length, 2);
    assert.equal(await scheduler.done, 'completed');
  });

  it('retries a failed node in an ended run, then what becomes ready after it', async () => {
    let fixed = false;
    const { scheduler, clock, runner, sink } = setup(['nodes:', '  a: { run: x }', '  b: { needs: a, run: x }', '  c: { needs: b, run: x }'], {
      b: () => ({ exitCode: fixed ? 0 : 1 }),
    });
    scheduler.start();
    await clock.advance(1000);
    assert.equal(await scheduler.done, 'failed');
    assert.throws(() => scheduler.retryNode('a'), /is completed: only failed, cancelled or skipped/);
    fixed = true;
    scheduler.retryNode('b');
    const resumed = sink.of('workflow:resumed')[0];
    assert.deepEqual(resumed.reset, ['b', 'c']);
    await clock.advance(1000);
    assert.deepEqual(
      runner.started.map((r) => r.instanceId),
      ['a', 'b', 'b', 'c'],
    );
    assert.equal(await scheduler.done, 'completed');
    assert.deepEqual(
      sink.of('workflow:completed').map((e) => e.status),
      ['failed', 'completed'],
    );
  });

  it('refuses to retry in a running run', async () => {
    const { scheduler, clock } = setup(['nodes:', '  a: { run: x }']);
    scheduler.start();
    assert.throws(() => scheduler.retryNode('a'), /ended or is paused/);
    await clock.advance(1000);
  });

  it('continues from a previous run: completed nodes keep outputs and do not run again', async () => {
    const previous = {
      instances: new Map<string, { status: NodeStatus; outputs: Record<string, string>; attempt: number }>([
        ['a', { status: 'completed', outputs: { v: '42' }, attempt: 1 }],
        ['b', { status: 'failed', outputs: {}, attempt: 2 }],
      ]),
      lastSeq: 17,
    };
    const { scheduler, clock, runner, sink } = setup(
      ['nodes:', '  a: { run: x, outputs: [v] }', '  b: { needs: a, run: "use ${{ nodes.a.outputs.v }}" }', '  c: { needs: b, run: x }'],
      {},
      { previous },
    );
    scheduler.start();
    await clock.advance(1000);
    assert.deepEqual(
      runner.started.map((r) => [r.instanceId, r.script]),
      [
        ['b', 'use 42'],
        ['c', 'x'],
      ],
    );
    assert.equal(sink.events[0].type, 'workflow:resumed');
    assert.equal(sink.events[0].seq, 18);
    assert.equal(await scheduler.done, 'completed');
  });
});
