import { strict as assert } from 'node:assert';
import { setup } from './schedulerSetup';

describe('scheduler: a matrix that fails fast', () => {
  const matrix = (failFast: string[], extra: string[] = []) => [
    'concurrency: 2',
    'nodes:',
    '  test:',
    '    matrix: { n: [1, 2, 3] }',
    ...failFast,
    ...extra,
    '    run: x',
    '  after: { needs: test, run: x }',
    '  other: { run: x }',
  ];

  it("cancels the matrix's other instances when one fails: the one running is stopped, the one waiting never starts", async () => {
    const { scheduler, clock, runner, sink } = setup(matrix(['    failFast: true']), {
      'test[n=1]': () => ({ exitCode: 1, durationMs: 100 }),
      'test[n=2]': () => ({ durationMs: 1000 }),
      other: () => ({ durationMs: 50 }),
    });
    scheduler.start();
    await clock.advance(5000);
    assert.deepEqual(
      runner.started.map((r) => r.instanceId),
      ['test[n=1]', 'test[n=2]', 'other'],
    );
    assert.deepEqual(runner.stopped, [{ instanceId: 'test[n=2]', reason: 'cancel' }]);
    assert.deepEqual(
      sink.of('node:cancelled').map((e) => [e.nodeId, e.reason]),
      [
        ['test[n=3]', "'test[n=1]' failed, and its matrix fails fast"],
        ['test[n=2]', "'test[n=1]' failed, and its matrix fails fast"],
      ],
    );
    assert.equal(sink.statusOf('after'), 'skipped');
    assert.equal(sink.statusOf('other'), 'completed', 'nodes outside the matrix go on');
    assert.equal(await scheduler.done, 'failed');
  });

  it('lets every instance run without failFast, or when the failure is under continueOnError, or while retries remain', async () => {
    const failing = { 'test[n=1]': () => ({ exitCode: 1, durationMs: 100 }), '*': () => ({ durationMs: 300 }) };
    for (const lines of [[], ['    failFast: true', '    continueOnError: true']]) {
      const { scheduler, clock, sink } = setup(matrix(lines), failing);
      scheduler.start();
      await clock.advance(5000);
      assert.deepEqual(sink.of('node:cancelled'), [], lines.join());
      assert.equal(sink.of('node:completed').filter((e) => e.nodeId.startsWith('test[')).length, 2, lines.join());
    }
    const { scheduler, clock, sink } = setup(matrix(['    failFast: true', '    retry: { max: 1, delay: 10ms }']), {
      'test[n=1]': (r) => ({ exitCode: r.attempt === 1 ? 1 : 0, durationMs: 100 }),
    });
    scheduler.start();
    await clock.advance(5000);
    assert.deepEqual(sink.of('node:cancelled'), [], 'a retried attempt is not a failure of the instance');
    assert.equal(await scheduler.done, 'completed');
  });

  it('runs a cancelled instance again when retried by name', async () => {
    let runs = 0;
    const { scheduler, clock, sink } = setup(matrix(['    failFast: true']), {
      'test[n=1]': () => ({ exitCode: ++runs === 1 ? 1 : 0, durationMs: 100 }),
      '*': () => ({ durationMs: 300 }),
    });
    scheduler.start();
    await clock.advance(5000);
    assert.equal(await scheduler.done, 'failed');
    scheduler.retryNode('test');
    await clock.advance(5000);
    assert.equal(sink.statusOf('test[n=3]'), 'completed');
    assert.equal(sink.statusOf('after'), 'completed');
    assert.equal(await scheduler.done, 'completed');
  });
});
