import { strict as assert } from 'node:assert';
import { DigestBuilder } from '../../src/engine/insights/digest';
import { parseEngineMessage } from '../../src/engine/protocol';
import { foldEvents } from '../../src/engine/runState';
import type { Behaviour } from './fakes';
import { setup } from './schedulerSetup';

/** A plan node whose `matrix` output the next node's matrix is made from. */
const planned = (matrixLines: string[], extra: string[] = []) => [
  'nodes:',
  '  plan: { run: x, outputs: [matrix] }',
  '  test:',
  '    needs: plan',
  ...matrixLines,
  "    run: 'echo ${{ matrix.os }}'",
  '    outputs: [v]',
  ...extra,
  '  after: { needs: test, run: x }',
];
const WHOLE = ['    matrix: ${{ fromJSON(nodes.plan.outputs.matrix) }}'];
const plans =
  (matrix: string): Behaviour =>
  () => ({ outputs: { matrix } });

async function runToEnd(lines: string[], behaviours: Record<string, Behaviour>) {
  const made = setup(lines, behaviours);
  made.scheduler.start();
  await made.clock.advance(10_000);
  return { ...made, status: await made.scheduler.done };
}

describe('scheduler: a matrix made at run time', () => {
  it("makes the node's instances from what the nodes it needs wrote, and they run and publish as a matrix written out does", async () => {
    const { runner, sink, status } = await runToEnd(planned(WHOLE), {
      plan: plans('{"os":["linux","mac"],"include":[{"os":"win","arm":true}]}'),
      '*': (r) => ({ outputs: r.instanceId.startsWith('test') ? { v: r.instanceId } : undefined }),
    });
    assert.equal(status, 'completed');
    const started = sink.of('workflow:started')[0];
    assert.deepEqual(
      started.nodes.map((n) => n.id),
      ['plan', 'test', 'after'],
      'before it is made, the node has one instance',
    );
    assert.deepEqual(
      started.nodes.map((n) => n.awaitsMatrix),
      [undefined, true, undefined],
    );
    const [made] = sink.of('node:matrix');
    assert.equal(made.nodeId, 'test');
    assert.deepEqual(
      made.nodes.map((n) => [n.id, n.nodeId, n.matrix]),
      [
        ['test[os=linux]', 'test', { os: 'linux' }],
        ['test[os=mac]', 'test', { os: 'mac' }],
        ['test[os=win,arm=true]', 'test', { os: 'win', arm: true }],
      ],
    );
    assert.deepEqual(
      runner.started.map((r) => r.instanceId),
      ['plan', 'test[os=linux]', 'test[os=mac]', 'test[os=win,arm=true]', 'after'],
    );
    assert.equal(runner.started.find((r) => r.instanceId === 'test[os=win,arm=true]')!.script, 'echo win');
    const state = foldEvents(sink.events)!;
    assert.deepEqual(state.order, ['plan', 'test[os=linux]', 'test[os=mac]', 'test[os=win,arm=true]', 'after']);
    assert.ok([...state.nodes.values()].every((n) => n.status === 'completed'));
    const digest = new DigestBuilder();
    for (const e of sink.events) digest.add(e);
    assert.deepEqual(Object.keys(digest.digest()!.nodes).sort(), ['after', 'plan', 'test']);
  });

  it('takes lists and maps as values, as GitHub does: matrix.config.arch reads into one', async () => {
    const lines = planned(WHOLE).map((l) => l.replace("'echo ${{ matrix.os }}'", "'echo ${{ matrix.config.arch }} ${{ matrix.tags[1] }}'"));
    const { runner, sink, status } = await runToEnd(lines, {
      plan: plans('{"config":[{"arch":"x64"},{"arch":"arm64"}],"tags":[["a","b"]],"include":[{"config":{"arch":"arm64"},"big":{"x":null}}]}'),
    });
    assert.equal(status, 'completed');
    assert.deepEqual(
      sink.of('node:matrix')[0].nodes.map((n) => n.id),
      ['test[config={"arch":"x64"},tags=["a","b"]]', 'test[config={"arch":"arm64"},tags=["a","b"],big={"x":null}]'],
    );
    assert.deepEqual(
      runner.started.filter((r) => r.instanceId.startsWith('test')).map((r) => r.script),
      ['echo x64 b', 'echo arm64 b'],
    );
    assert.deepEqual(foldEvents(sink.events)!.nodes.get('test[config={"arch":"x64"},tags=["a","b"]]')!.info.matrix, {
      config: { arch: 'x64' },
      tags: ['a', 'b'],
    });
    // As the engine's events cross to the host and are read back from the run's log.
    const [made] = sink.of('node:matrix');
    assert.deepEqual(parseEngineMessage(JSON.stringify(made)), made);
    const nulled = { ...made, nodes: [{ ...made.nodes[0], matrix: { config: null } }] };
    assert.equal(parseEngineMessage(JSON.stringify(nulled)), undefined, 'a value of null is no matrix value');
  });

  it('makes an axis, include and exclude from expressions, beside lists written out', async () => {
    const lines = [
      '    matrix:',
      '      os: [linux, mac]',
      '      n: ${{ fromJSON(nodes.plan.outputs.matrix) }}',
      '      exclude: ${{ fromJSON(\'[{"os":"mac","n":2}]\') }}',
      '      include: ${{ fromJSON(\'[{"os":"bsd"}]\') }}',
    ];
    const { sink, status } = await runToEnd(planned(lines), { plan: plans('[1, 2]') });
    assert.equal(status, 'completed');
    assert.deepEqual(
      sink.of('node:matrix')[0].nodes.map((n) => n.id),
      ['test[os=linux,n=1]', 'test[os=linux,n=2]', 'test[os=mac,n=1]', 'test[os=bsd]'],
    );
  });

  it('fails the node with where and what when the value cannot be a matrix, and the nodes after it are skipped', async () => {
    const cases: [string, RegExp][] = [
      ['not json', /its matrix could not be made: .*fromJSON\(\): the text is not valid JSON/],
      ['[1, 2]', /its matrix could not be made: it is \[1,2\], not a map of keys to lists of values/],
      ['{"os": "linux"}', /'os' is "linux", not a list of values/],
      ['{"os": ["linux", null]}', /'os' value 2 is null: a matrix value is a string, number, boolean, list or map/],
      ['{"os": []}', /'os' is \[\], not a list of values/],
      ['{"include": [1]}', /'include' entry 1 is 1, not a map/],
      ['{"os": ["a"], "exclude": [{"os": "a"}]}', /its matrix makes no instance/],
      [JSON.stringify({ a: Array.from({ length: 17 }, (_, i) => i), b: Array.from({ length: 17 }, (_, i) => i) }), /more than 256 instances/],
      ['{"a": [1, "1"]}', /two of its combinations are 'test\[a=1\]'/],
      ['{"bad key": [1]}', /'bad key' is not a matrix key/],
    ];
    for (const [output, message] of cases) {
      const { runner, sink, status } = await runToEnd(planned(WHOLE), { plan: plans(output) });
      assert.equal(status, 'failed', output);
      const [failed] = sink.of('node:failed');
      assert.equal(failed.nodeId, 'test', output);
      assert.match(failed.error, message, output);
      assert.equal(failed.exitCode, null);
      assert.deepEqual(
        runner.started.map((r) => r.instanceId),
        ['plan'],
        `${output}: nothing of the node ran`,
      );
      assert.equal(sink.statusOf('after'), 'skipped', output);
      assert.deepEqual(sink.of('node:matrix'), [], output);
    }
  });

  it('skips the node for the need that failed, rather than failing it for the output that need never wrote', async () => {
    const { sink, status } = await runToEnd(planned(WHOLE), { plan: () => ({ exitCode: 1 }) });
    assert.equal(status, 'failed');
    assert.deepEqual(
      sink.of('node:skipped').map((e) => [e.nodeId, e.reason]),
      [
        ['test', "'plan' failed"],
        ['after', "'test' was skipped"],
      ],
    );
  });

  it('makes the matrix for a clean-up node that runs whatever happened, and fails it with why when it cannot be made', async () => {
    const { sink } = await runToEnd(planned(WHOLE, ['    if: always()']), { plan: () => ({ exitCode: 1 }) });
    assert.match(sink.of('node:failed').find((e) => e.nodeId === 'test')!.error, /its matrix could not be made/);
  });

  it("decides a condition that does not read the matrix before making it, as GitHub decides a job's if: one node skipped", async () => {
    const { sink } = await runToEnd(planned(WHOLE, ["    if: env.RUN_TESTS == 'yes'"]), { plan: plans('{"n":[1,2]}') });
    assert.deepEqual(sink.of('node:matrix'), []);
    assert.deepEqual(
      sink.of('node:skipped').map((e) => [e.nodeId, e.reason]),
      [
        ['test', "its condition is false: env.RUN_TESTS == 'yes'"],
        ['after', "'test' was skipped"],
      ],
    );
  });

  it('decides a condition that reads the matrix for each instance it makes', async () => {
    const { runner, sink } = await runToEnd(planned(WHOLE, ["    if: matrix.os != 'mac'"]), { plan: plans('{"os":["linux","mac"]}') });
    assert.deepEqual(
      runner.started.map((r) => r.instanceId),
      ['plan', 'test[os=linux]', 'after'],
    );
    assert.deepEqual(
      sink.of('node:skipped').map((e) => e.nodeId),
      ['test[os=mac]'],
    );
  });

  it('holds its instances to maxParallel and failFast as a matrix written out', async () => {
    const { runner, sink } = await runToEnd(planned(WHOLE, ['    maxParallel: 1', '    failFast: true']), {
      plan: plans('{"n":[1,2,3]}'),
      'test[n=1]': () => ({ exitCode: 1, durationMs: 100 }),
    });
    assert.deepEqual(
      runner.started.map((r) => r.instanceId),
      ['plan', 'test[n=1]'],
    );
    assert.deepEqual(
      sink.of('node:cancelled').map((e) => e.nodeId),
      ['test[n=2]', 'test[n=3]'],
    );
  });

  it('makes the matrix again, from the new output, when a node it needs is retried', async () => {
    let plansMade = 0;
    const { scheduler, clock, runner, sink, status } = await runToEnd(planned(WHOLE), {
      plan: () => (++plansMade === 1 ? { exitCode: 1 } : { outputs: { matrix: '{"n":[7,8]}' } }),
    });
    assert.equal(status, 'failed');
    scheduler.retryNode('plan');
    await clock.advance(10_000);
    assert.equal(await scheduler.done, 'completed');
    assert.deepEqual(
      runner.started.map((r) => r.instanceId),
      ['plan', 'plan', 'test[n=7]', 'test[n=8]', 'after'],
    );
    const state = foldEvents(sink.events)!;
    assert.deepEqual(state.order, ['plan', 'test[n=7]', 'test[n=8]', 'after']);
  });

  it('drops the instances it made when a node it needs runs again, and makes the matrix anew', async () => {
    let flakyRuns = 0;
    const lines = [
      'nodes:',
      '  flaky: { run: x, outputs: [matrix] }',
      '  test:',
      '    needs: flaky',
      '    if: always()',
      '    matrix: ${{ fromJSON(nodes.flaky.outputs.matrix || \'{"n":[1,2]}\') }}',
      '    run: x',
      '  after: { needs: test, run: x }',
    ];
    const { scheduler, clock, runner, sink } = await runToEnd(lines, {
      flaky: () => (++flakyRuns === 1 ? { exitCode: 1 } : { outputs: { matrix: '{"n":[3]}' } }),
      'test[n=2]': () => ({ exitCode: 1 }),
    });
    scheduler.retryNode('flaky');
    await clock.advance(10_000);
    assert.equal(await scheduler.done, 'completed');
    const resumed = sink.of('workflow:resumed').at(-1)!;
    assert.deepEqual(
      resumed.nodes?.map((n) => n.id),
      ['flaky', 'test', 'after'],
      'the matrix is to be made again: the node has one instance until then',
    );
    assert.deepEqual(
      runner.started.map((r) => r.instanceId),
      ['flaky', 'test[n=1]', 'test[n=2]', 'flaky', 'test[n=3]', 'after'],
    );
    const state = foldEvents(sink.events)!;
    assert.deepEqual(state.order, ['flaky', 'test[n=3]', 'after']);
    assert.equal(state.nodes.get('test[n=3]')!.status, 'completed');
  });

  it('retries the instances it made, without making the matrix again, when the node itself is retried', async () => {
    let runs = 0;
    let plansMade = 0;
    const { scheduler, clock, runner } = await runToEnd(planned(WHOLE), {
      plan: () => ({ outputs: { matrix: ++plansMade === 1 ? '{"n":[1,2]}' : '{"n":[9]}' } }),
      'test[n=2]': () => ({ exitCode: ++runs === 1 ? 1 : 0 }),
    });
    scheduler.retryNode('test');
    await clock.advance(10_000);
    assert.equal(await scheduler.done, 'completed');
    assert.deepEqual(
      runner.started.map((r) => r.instanceId),
      ['plan', 'test[n=1]', 'test[n=2]', 'test[n=2]', 'after'],
    );
  });

  it('is cancelled, not made, when the run is cancelled before it is reached', async () => {
    const { scheduler, clock, sink } = setup(planned(WHOLE), { plan: () => ({ durationMs: 1000, outputs: { matrix: '{"n":[1]}' } }) });
    scheduler.start();
    await clock.advance(10);
    scheduler.cancel();
    await clock.advance(10_000);
    assert.equal(await scheduler.done, 'cancelled');
    assert.deepEqual(sink.of('node:matrix'), []);
    assert.equal(sink.statusOf('test'), 'cancelled');
  });
});
