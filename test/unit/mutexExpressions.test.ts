import { strict as assert } from 'node:assert';
import { MutexRegistry } from '../../src/engine/run/core/mutexes';
import { mutexNameOf, resolveMutexNames } from '../../src/engine/mutexNames';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { codes, yaml } from './helpers';
import type { MemorySink } from './fakes';
import { setup } from './schedulerSetup';

const startOrder = (sink: MemorySink) => sink.of('node:started').map((e) => e.nodeId);
const scope = (inputs: Record<string, string>, matrix: Record<string, unknown> = {}) => ({ contexts: { inputs, matrix } as never });

describe('mutex names with expressions', () => {
  it('fills them in and makes them names, each once; says which cannot be', () => {
    assert.deepEqual(resolveMutexNames(['db', 'deploy-${{ inputs.env }}', 'deploy-${{ inputs.same }}'], scope({ env: 'prod', same: 'prod' })), {
      names: ['db', 'deploy-prod'],
    });
    assert.deepEqual(resolveMutexNames(['${{ inputs.env }}'], scope({ env: ' eu west/1 ' })), { names: ['eu-west-1-'] });
    assert.equal(mutexNameOf('deploy prod'), 'deploy-prod');
    assert.deepEqual(resolveMutexNames(["deploy-${{ format('{0}}}', inputs.env) }}"], scope({ env: 'eu' })), { names: ['deploy-eu-'] });
    assert.deepEqual(resolveMutexNames(['${{ inputs.env }}'], scope({ env: '  ' })), {
      error: "its mutex '${{ inputs.env }}' gives '  ', which has no letter or digit to name a mutex",
    });
    const failed = resolveMutexNames(['x-${{ fromJSON(inputs.env) }}'], scope({ env: '{' }));
    assert.ok('error' in failed && /^its mutex 'x-\$\{\{ fromJSON\(inputs\.env\) \}\}' cannot be filled in: /.test(failed.error), JSON.stringify(failed));
  });

  it('are checked where they are written: what they may read, and the name around them', () => {
    const text = (...lines: string[]) => yaml('version: 1', 'name: M', 'inputs: { env: { default: prod } }', ...lines);
    assert.deepEqual(
      codes(text('mutex: deploy-${{ inputs.env }}', 'nodes:', '  a: { run: x, matrix: { port: [1, 2] }, mutex: "port-${{ matrix.port }}" }')),
      [],
    );
    assert.deepEqual(codes(text('mutex: deploy-${{ matrix.port }}', 'nodes:', '  a: { run: x, mutex: "x-${{ nodes.b.outputs.y }}" }', '  b: { run: x }')), [
      '4:unreachable-reference',
      '6:unreachable-reference',
    ]);
    assert.deepEqual(codes(text('nodes:', '  a: { run: x, mutex: "-${{ inputs.env }}" }')), ['5:schema']);
    // Braces and `}}` inside a quoted string of the expression are its own, not the end of the name.
    assert.deepEqual(codes(text('nodes:', '  a: { run: x, mutex: "deploy-${{ format(\'{0}}}\', inputs.env) }}" }')), []);
    assert.deepEqual(codes(text('nodes:', '  a: { run: x, mutex: "deploy ${{ inputs.env }}" }')), ['5:schema']);
    assert.match(
      validateWorkflow(text('mutex: deploy-${{ matrix.port }}', 'nodes:', '  a: { run: x }')).diagnostics[0].message,
      /the workflow's mutex is evaluated when the run starts: it can read inputs, not matrix/,
    );
  });

  it("runs a matrix's instances that give one name one at a time, and the others beside them", async () => {
    const { scheduler, clock, sink } = setup(
      ['concurrency: 4', 'nodes:', '  deploy: { run: x, matrix: { region: [eu, us], shard: [1, 2] }, mutex: "deploy-${{ matrix.region }}" }'],
      { '*': () => ({ durationMs: 100 }) },
    );
    scheduler.start();
    await clock.advance(50);
    assert.deepEqual(startOrder(sink), ['deploy[region=eu,shard=1]', 'deploy[region=us,shard=1]']);
    assert.deepEqual(
      sink.of('node:blocked').map((e) => e.mutex),
      [],
      'a mutex its own run holds is not told as blocked by another run',
    );
    await clock.advance(500);
    assert.deepEqual(startOrder(sink).slice(2).sort(), ['deploy[region=eu,shard=2]', 'deploy[region=us,shard=2]']);
    assert.equal(await scheduler.done, 'completed');
  });

  it("holds a run's own mutex by the name its inputs give: runs for one target take turns, for another they do not", async () => {
    const lines = ['inputs: { env: { default: prod } }', 'mutex: deploy-${{ inputs.env }}', 'nodes:', '  ship: { run: x }'];
    const mutexes = new MutexRegistry();
    const run = (runId: string, env: string) => setup(lines, { '*': () => ({ durationMs: 1000 }) }, { mutexes, runId, inputs: { env } });
    const [prod, prodAgain, staging] = [run('r1', 'prod'), run('r2', 'prod'), run('r3', 'staging')];
    for (const r of [prod, prodAgain, staging]) r.scheduler.start();
    await prod.clock.advance(10);
    await staging.clock.advance(10);
    assert.deepEqual([startOrder(prod.sink), startOrder(prodAgain.sink), startOrder(staging.sink)], [['ship'], [], ['ship']]);
    assert.deepEqual(
      prodAgain.sink.of('workflow:blocked').map((e) => e.mutex),
      ['deploy-prod'],
    );
    await prod.clock.advance(2000);
    await prodAgain.clock.advance(10);
    assert.deepEqual(startOrder(prodAgain.sink), ['ship']);
  });

  it('fails what cannot fill its mutex in, saying why: the node, or the run before anything starts', async () => {
    const node = setup(
      ['inputs: { env: { default: x } }', 'nodes:', '  a: { run: x, mutex: "${{ inputs.env }}" }', '  b: { run: x }'],
      {},
      { inputs: { env: '--' } },
    );
    node.scheduler.start();
    await node.clock.advance(500);
    assert.equal(await node.scheduler.done, 'failed');
    assert.equal(
      node.sink.of('node:failed').find((e) => e.nodeId === 'a')?.error,
      "its mutex '${{ inputs.env }}' gives '--', which has no letter or digit to name a mutex",
    );
    assert.deepEqual(startOrder(node.sink), ['b']);
    const run = setup(['inputs: { env: { default: x } }', 'mutex: "${{ inputs.env }}"', 'nodes:', '  a: { run: x }'], {}, { inputs: { env: '/' } });
    run.scheduler.start();
    await run.clock.advance(10);
    assert.equal(await run.scheduler.done, 'failed');
    assert.deepEqual(startOrder(run.sink), []);
    assert.equal(run.scheduler.stopReason, "the workflow's mutex '${{ inputs.env }}' gives '/', which has no letter or digit to name a mutex");
  });
});
