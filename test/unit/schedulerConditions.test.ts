import { strict as assert } from 'node:assert';
import type { MemorySink } from './fakes';
import { setup } from './schedulerSetup';

const statuses = (sink: MemorySink, ...ids: string[]) => Object.fromEntries(ids.map((id) => [id, sink.statusOf(id)]));

describe('scheduler: conditions and status functions as in GitHub Actions', () => {
  it('on cancel, runs the nodes whose condition calls for it, and cancels the rest', async () => {
    const { scheduler, clock, runner, sink } = setup(
      [
        'nodes:',
        '  work: { run: x }',
        '  cleanup: { needs: work, if: always(), run: x }',
        '  notify: { needs: work, if: cancelled(), run: x }',
        '  next: { needs: work, run: x }',
        '  onFailure: { needs: work, if: failure(), run: x }',
        '  plain: { needs: work, if: "true", run: x }',
        '  gate: { needs: work, if: always(), approval: { prompt: ok? } }',
      ],
      { work: () => ({ hang: true }) },
    );
    scheduler.start();
    await clock.advance(50);
    scheduler.cancel();
    await clock.advance(1000);
    assert.deepEqual(statuses(sink, 'work', 'cleanup', 'notify', 'next', 'onFailure', 'plain', 'gate'), {
      work: 'cancelled',
      cleanup: 'completed',
      notify: 'completed',
      next: 'cancelled',
      onFailure: 'cancelled',
      plain: 'cancelled',
      gate: 'cancelled',
    });
    assert.deepEqual(
      runner.started.map((r) => r.instanceId),
      ['work', 'cleanup', 'notify'],
    );
    assert.equal(await scheduler.done, 'cancelled');
  });

  it('on a run timeout, clean-up nodes still run, with their own timeout', async () => {
    const { scheduler, clock, sink } = setup(['timeout: 1s', 'nodes:', '  work: { run: x }', '  cleanup: { needs: work, if: always(), timeout: 2s, run: x }'], {
      work: () => ({ hang: true }),
      cleanup: () => ({ durationMs: 1500 }),
    });
    scheduler.start();
    await clock.advance(5000);
    assert.deepEqual(statuses(sink, 'work', 'cleanup'), { work: 'cancelled', cleanup: 'completed' });
    const end = sink.of('workflow:completed')[0];
    assert.deepEqual([end.status, end.error], ['failed', 'the run timed out after 1.00s']);
  });

  it('a second cancel stops the clean-up nodes too', async () => {
    const { scheduler, clock, sink } = setup(['nodes:', '  work: { run: x }', '  cleanup: { needs: work, if: always(), run: x }'], {
      '*': () => ({ hang: true }),
    });
    scheduler.start();
    await clock.advance(50);
    scheduler.cancel();
    await clock.advance(50);
    assert.equal(sink.statusOf('cleanup'), 'running');
    scheduler.cancel();
    await clock.advance(50);
    assert.equal(sink.statusOf('cleanup'), 'cancelled');
    assert.match(sink.of('node:cancelled').at(-1)!.reason, /cancelled again/);
    assert.equal(await scheduler.done, 'cancelled');
  });

  it('a paused run that is cancelled still runs its clean-up nodes', async () => {
    const { scheduler, clock, sink } = setup(['nodes:', '  work: { run: x }', '  cleanup: { needs: work, if: cancelled(), run: x }'], {
      work: () => ({ hang: true }),
    });
    scheduler.start();
    await clock.advance(50);
    scheduler.pause();
    scheduler.cancel();
    await clock.advance(1000);
    assert.deepEqual(statuses(sink, 'work', 'cleanup'), { work: 'cancelled', cleanup: 'completed' });
  });

  it('reads a condition without a status function as success() && condition', async () => {
    const { scheduler, clock, sink } = setup(
      [
        'inputs: { go: { type: boolean, default: true } }',
        'nodes:',
        '  broken: { run: x }',
        '  implied: { needs: broken, if: "${{ inputs.go }}", run: x }',
        '  explicit: { needs: broken, if: always() && inputs.go, run: x }',
        '  fine: { run: x }',
        '  after: { needs: fine, if: inputs.go, run: x }',
      ],
      { broken: () => ({ exitCode: 1 }) },
      { inputs: { go: true } },
    );
    scheduler.start();
    await clock.advance(1000);
    assert.deepEqual(statuses(sink, 'implied', 'explicit', 'after'), { implied: 'skipped', explicit: 'completed', after: 'completed' });
    assert.match(sink.of('node:skipped')[0].reason, /'broken' failed/);
  });

  it('counts a failure under continueOnError as completed everywhere after it, and keeps what happened in outcome', async () => {
    const { scheduler, clock, runner, sink } = setup(
      [
        'nodes:',
        '  flaky: { run: x, continueOnError: true }',
        '  onFailure: { needs: flaky, if: failure(), run: x }',
        '  onSuccess: { needs: flaky, if: success(), run: x }',
        "  report: { needs: flaky, run: 'echo ${{ nodes.flaky.status }}/${{ nodes.flaky.outcome }}' }",
      ],
      { flaky: () => ({ exitCode: 3 }) },
    );
    scheduler.start();
    await clock.advance(1000);
    assert.deepEqual(statuses(sink, 'flaky', 'onFailure', 'onSuccess', 'report'), {
      flaky: 'failed',
      onFailure: 'skipped',
      onSuccess: 'completed',
      report: 'completed',
    });
    assert.equal(runner.startsOf('report')[0].script, 'echo completed/failed');
    assert.equal(await scheduler.done, 'completed');
  });

  it('counts a matrix with some instances skipped as completed, for its status and for the nodes after it', async () => {
    const { scheduler, clock, runner, sink } = setup([
      'nodes:',
      "  test: { matrix: { os: [linux, mac] }, if: matrix.os == 'linux', run: x }",
      "  after: { needs: test, run: 'echo ${{ nodes.test.status }}' }",
    ]);
    scheduler.start();
    await clock.advance(1000);
    assert.deepEqual(statuses(sink, 'test[os=linux]', 'test[os=mac]', 'after'), {
      'test[os=linux]': 'completed',
      'test[os=mac]': 'skipped',
      after: 'completed',
    });
    assert.equal(runner.startsOf('after')[0].script, 'echo completed');
  });

  it('reads only the nodes upstream through nodes.*', async () => {
    const { scheduler, clock, runner } = setup(
      [
        'nodes:',
        '  a: { run: x, outputs: [v] }',
        '  unrelated: { run: x, outputs: [v] }',
        "  b: { needs: a, run: 'echo ${{ join(nodes.*.outputs.v) }} ${{ toJSON(nodes.*.status) }}' }",
      ],
      { a: () => ({ outputs: { v: 'A' } }), unrelated: () => ({ outputs: { v: 'U' }, durationMs: 10 }), b: () => ({}) },
    );
    scheduler.start();
    await clock.advance(1000);
    assert.equal(runner.startsOf('b')[0].script, 'echo A [\n  "completed"\n]');
  });

  it("evaluates names: the run's with inputs and run, a node's with matrix and workflow too", async () => {
    const { scheduler, clock, runner, sink } = setup(
      [
        'inputs: { target: { default: staging } }',
        'nodes:',
        "  test: { name: '${{ workflow.name }} on ${{ matrix.os }}', matrix: { os: [linux] }, run: 'echo \"${{ workflow.name }}\"' }",
      ],
      {},
      { inputs: { target: 'prod' } },
      'Deploy ${{ inputs.target }}',
    );
    scheduler.start();
    await clock.advance(1000);
    const started = sink.of('workflow:started')[0];
    assert.equal(started.workflow.name, 'Deploy prod');
    assert.equal(started.nodes[0].name, 'Deploy prod on linux');
    assert.equal(runner.startsOf('test[os=linux]')[0].script, 'echo "Deploy prod"');
  });

  it('masks a secret wherever it travels: prompts, reasons, errors', async () => {
    const { scheduler, clock, sink } = setup(
      [
        'nodes:',
        '  secret: { run: x, outputs: [token] }',
        "  gate: { needs: secret, approval: { prompt: 'Use ${{ nodes.secret.outputs.token }}?' } }",
        "  parse: { needs: secret, run: 'echo ${{ fromJSON(nodes.secret.outputs.token) }}' }",
        "  decide: { needs: secret, if: \"nodes.secret.outputs.token == 'x' || format(format('{0}', '{'), nodes.secret.outputs.token)\", run: x }",
      ],
      { secret: () => ({ stdout: ['::add-mask::s3cr3t-value'], outputs: { token: 's3cr3t-value' } }) },
    );
    scheduler.start();
    await clock.advance(1000);
    assert.equal(sink.of('node:waiting')[0].prompt, 'Use ***?');
    scheduler.approve('gate', false, 'not with s3cr3t-value');
    await clock.advance(1000);
    const all = JSON.stringify(sink.events);
    for (const piece of ['s3cr3t', 'cr3t', "'s'", "'3'"]) assert.ok(!all.includes(piece), `the events hold ${piece}`);
    assert.match(sink.of('node:failed').find((e) => e.nodeId === 'parse')!.error, /fromJSON\(\): the text is not valid JSON/);
    assert.match(sink.of('node:failed').find((e) => e.nodeId === 'gate')!.error, /rejected: not with \*\*\*/);
  });
});
