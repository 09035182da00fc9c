import { strict as assert } from 'node:assert';
import type { MemorySink } from './fakes';
import { setup } from './schedulerSetup';

const order = (sink: MemorySink, type: 'node:started' | 'node:completed') => sink.of(type).map((e) => e.nodeId);

describe('scheduler', () => {
  it('starts ready nodes in file order, at most `concurrency` at once', async () => {
    const { scheduler, clock, runner, sink } = setup(['concurrency: 2', 'nodes:', ...['a', 'b', 'c', 'd', 'e'].map((n) => `  ${n}: { run: x }`)]);
    scheduler.start();
    await clock.advance(1000);
    assert.deepEqual(order(sink, 'node:started'), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(runner.maxRunning, 2);
    assert.equal(sink.events.at(-1)?.type, 'workflow:completed');
    assert.equal(await scheduler.done, 'completed');
  });

  it('numbers events strictly increasing, with the run id and a timestamp', async () => {
    const { scheduler, clock, sink } = setup(['nodes:', '  a: { run: x }', '  b: { needs: a, run: x }']);
    scheduler.start();
    await clock.advance(1000);
    sink.events.forEach((e, i) => {
      assert.equal(e.seq, i + 1);
      assert.equal(e.runId, 'r1');
      assert.ok(e.ts >= 1_000_000);
    });
  });

  it('waits for needs, and passes outputs into scripts', async () => {
    const { scheduler, clock, runner } = setup(
      [
        'nodes:',
        '  fetch: { run: fetch, outputs: [count] }',
        '  left: { needs: fetch, run: "L${{ nodes.fetch.outputs.count }}" }',
        '  right: { needs: fetch, run: "R${{ nodes.fetch.outputs.count }}" }',
        '  join: { needs: [left, right], run: "${{ nodes.left.status }}" }',
      ],
      { fetch: () => ({ outputs: { count: '3' } }) },
    );
    scheduler.start();
    await clock.advance(50);
    assert.deepEqual(
      runner.started.map((r) => r.instanceId),
      ['fetch'],
    );
    await clock.advance(1000);
    assert.deepEqual(
      runner.started.map((r) => r.script),
      ['fetch', 'L3', 'R3', 'completed'],
    );
    assert.equal(runner.startsOf('left')[0].env.MAESTRO_NODE_ID, 'left');
    assert.equal(runner.startsOf('left')[0].env.MAESTRO_RUN_ID, 'r1');
  });

  it('retries with backoff, counting attempts from 1, and fails only after the last', async () => {
    const { scheduler, clock, runner, sink } = setup(
      ['nodes:', '  flaky:', '    run: x', '    retry: { max: 3, backoff: exponential, delay: 100ms, maxDelay: 300ms }', '  hopeless: { run: x, retry: 1 }'],
      { flaky: (r) => ({ exitCode: r.attempt >= 4 ? 0 : 1 }), hopeless: () => ({ exitCode: 2 }) },
    );
    scheduler.start();
    await clock.advance(10_000);
    assert.deepEqual(
      runner.startsOf('flaky').map((r) => r.env.MAESTRO_ATTEMPT),
      ['1', '2', '3', '4'],
    );
    assert.deepEqual(
      sink
        .of('node:retrying')
        .filter((e) => e.nodeId === 'flaky')
        .map((e) => e.delayMs),
      [100, 200, 300],
    );
    assert.equal(sink.statusOf('flaky'), 'completed');
    const failed = sink.of('node:failed');
    assert.equal(failed.length, 1, 'node:failed is final only');
    assert.deepEqual([failed[0].nodeId, failed[0].attempt, failed[0].exitCode, failed[0].error], ['hopeless', 2, 2, 'exited with code 2']);
    assert.equal(await scheduler.done, 'failed');
  });

  it('skips dependents of failures unless their condition allows it', async () => {
    const { scheduler, clock, sink } = setup(
      [
        'nodes:',
        '  broken: { run: x }',
        '  downstream: { needs: broken, run: x }',
        '  further: { needs: downstream, run: x }',
        '  cleanup: { needs: broken, if: "${{ always() }}", run: x }',
        '  on_failure: { needs: further, if: failure(), run: x }',
        '  on_success: { needs: broken, if: success(), run: x }',
        '  independent: { run: x }',
      ],
      { broken: () => ({ exitCode: 3 }) },
    );
    scheduler.start();
    await clock.advance(5000);
    const status = Object.fromEntries(
      ['broken', 'downstream', 'further', 'cleanup', 'on_failure', 'on_success', 'independent'].map((id) => [id, sink.statusOf(id)]),
    );
    assert.deepEqual(status, {
      broken: 'failed',
      downstream: 'skipped',
      further: 'skipped',
      cleanup: 'completed',
      on_failure: 'completed',
      on_success: 'skipped',
      independent: 'completed',
    });
    assert.match(sink.of('node:skipped')[0].reason, /'broken' failed/);
    assert.equal(await scheduler.done, 'failed');
  });

  it('treats continueOnError failures as completed for dependents and the run', async () => {
    const { scheduler, clock, sink } = setup(['nodes:', '  soft: { run: x, continueOnError: true }', '  after: { needs: soft, run: x }'], {
      soft: () => ({ exitCode: 1 }),
    });
    scheduler.start();
    await clock.advance(1000);
    assert.equal(sink.statusOf('soft'), 'failed');
    assert.equal(sink.of('node:failed')[0].continueOnError, true);
    assert.equal(sink.statusOf('after'), 'completed');
    assert.equal(await scheduler.done, 'completed');
  });

  it('evaluates conditions against inputs and upstream status', async () => {
    const { scheduler, clock, sink } = setup(
      [
        'inputs: { deploy: { type: boolean, default: false } }',
        'nodes:',
        '  build: { run: x }',
        '  deploy: { needs: build, if: inputs.deploy, run: x }',
        '  tag: { needs: build, if: "nodes.build.status == \'completed\'", run: x }',
      ],
      {},
      { inputs: { deploy: false } },
    );
    scheduler.start();
    await clock.advance(1000);
    assert.equal(sink.statusOf('deploy'), 'skipped');
    assert.match(sink.of('node:skipped')[0].reason, /condition is false/);
    assert.equal(sink.statusOf('tag'), 'completed');
  });

  it('fans out a matrix, waits for every instance, and exposes outputs by instance id', async () => {
    const { scheduler, clock, runner, sink } = setup(
      [
        'nodes:',
        '  test:',
        '    matrix: { os: [linux, mac], shard: [1, 2] }',
        '    run: "${{ matrix.os }}-${{ matrix.shard }}"',
        '    outputs: [r]',
        '  summary:',
        '    needs: test',
        '    run: "${{ nodes.test.outputs.r[\'test[os=mac,shard=2]\'] }}"',
      ],
      { '*': (r) => ({ outputs: { r: `ok-${r.script}` }, durationMs: r.instanceId.includes('shard=2') ? 300 : 100 }) },
    );
    scheduler.start();
    await clock.advance(2000);
    assert.deepEqual(order(sink, 'node:started'), [
      'test[os=linux,shard=1]',
      'test[os=linux,shard=2]',
      'test[os=mac,shard=1]',
      'test[os=mac,shard=2]',
      'summary',
    ]);
    assert.equal(runner.startsOf('summary')[0].script, 'ok-mac-2');
    const summaryStart = sink.of('node:started').find((e) => e.nodeId === 'summary')!;
    const lastTest = Math.max(
      ...sink
        .of('node:completed')
        .filter((e) => e.nodeId.startsWith('test['))
        .map((e) => e.seq),
    );
    assert.ok(summaryStart.seq > lastTest, 'summary starts after every instance ended');
  });

  it("runs a matrix's include and exclude as its instances, a key an instance has not read as empty", async () => {
    const { scheduler, clock, runner, sink } = setup([
      'nodes:',
      '  test:',
      '    matrix:',
      '      os: [linux, mac]',
      '      exclude: [{ os: mac }]',
      '      include: [{ os: linux, big: true }, { os: win }]',
      '    run: "${{ matrix.os }}:${{ matrix.big }}"',
    ]);
    scheduler.start();
    await clock.advance(2000);
    assert.deepEqual(order(sink, 'node:completed'), ['test[os=linux,big=true]', 'test[os=win]']);
    assert.deepEqual(
      ['test[os=linux,big=true]', 'test[os=win]'].map((id) => runner.startsOf(id)[0].script),
      ['linux:true', 'win:'],
    );
    assert.equal(sink.of('workflow:completed').length, 1);
  });

  it('ends an attempt that times out and counts it as a failure', async () => {
    const { scheduler, clock, runner, sink } = setup(['nodes:', '  sleeper: { run: x, timeout: 500ms }', '  after: { needs: sleeper, run: x }'], {
      sleeper: () => ({ hang: true }),
    });
    scheduler.start();
    await clock.advance(10_000);
    assert.deepEqual(runner.stopped, [{ instanceId: 'sleeper', reason: 'timeout' }]);
    assert.equal(sink.of('node:failed')[0].error, 'timed out after 500ms');
    assert.equal(sink.statusOf('after'), 'skipped');
  });

  it('fails a node below its quality gate, and one that reports no score', async () => {
    const { scheduler, clock, sink } = setup(
      ['nodes:', '  low: { run: x, quality: { min: 0.8 } }', '  none: { run: x, quality: { min: 0.8 } }', '  good: { run: x, quality: { min: 0.8 } }'],
      {
        low: () => ({ stdout: ['::quality 0.55'] }),
        good: () => ({ stdout: ['::progress 50 halfway', '::quality 0.95'] }),
      },
    );
    scheduler.start();
    await clock.advance(1000);
    assert.match(sink.of('node:failed').find((e) => e.nodeId === 'low')!.error, /quality 0.55 is below the gate's minimum of 0.8/);
    assert.match(sink.of('node:failed').find((e) => e.nodeId === 'none')!.error, /no quality score/);
    const good = sink.of('node:completed')[0];
    assert.equal(good.quality, 0.95);
    assert.deepEqual(
      sink.of('node:progress').map((e) => [e.nodeId, e.progress, e.message]),
      [['good', 50, 'halfway']],
    );
  });

  it('masks values after ::add-mask in logs and events, and never logs the mask line', async () => {
    const { scheduler, clock, sink } = setup(['nodes:', '  a: { run: x }'], {
      a: () => ({ stdout: ['before s3cret', '::add-mask s3cret', 'token is s3cret', '::progress 10 using s3cret'], outputs: { token: 's3cret!' } }),
    });
    scheduler.start();
    await clock.advance(1000);
    const logged = sink.logs.map((l) => l.line.text);
    assert.deepEqual(logged, ['before s3cret', 'token is ***', '::progress 10 using ***']);
    assert.equal(sink.of('node:progress')[0].message, 'using ***');
    assert.deepEqual(sink.of('node:completed')[0].outputs, { token: '***!' });
    const logEvents = sink.of('node:log').flatMap((e) => e.lines.map((l) => l.text));
    assert.ok(!logEvents.some((t) => t.includes('::add-mask')));
  });

  it('takes a long line in pieces: never a command, masked across the cuts, an over-long mask line left out', async () => {
    const piece = (text: string, continues = true) => ({ piece: text, continues });
    const { scheduler, clock, sink } = setup(['nodes:', '  a: { run: x, quality: { min: 0.5 } }'], {
      a: () => ({
        stdout: [
          '::add-mask s3cret',
          '::quality 0.9',
          // One line in three pieces: the secret straddles a cut, and the last piece looks like a command.
          piece('start s3'),
          piece('cret '),
          piece('::quality 0.1', false),
          piece('::add-mask t'),
          piece('0p', false),
          'after t0p',
        ],
      }),
    });
    scheduler.start();
    await clock.advance(1000);
    assert.equal(sink.statusOf('a'), 'completed', 'the quality in the piece was not taken');
    const logged = sink.logs.map((l) => l.line.text);
    // What could start the secret waits for the next piece, so the pieces are passed on cut elsewhere.
    assert.deepEqual(logged, [
      '::quality 0.9',
      'sta',
      'rt ***',
      ' ::quality 0.1',
      'maestro: an ::add-mask line too long to act on was left out of the log; its value is not masked',
      'after t0p',
    ]);
  });

  it('runs in its cwd and looks for artifacts there, with expressions in both evaluated', async () => {
    const { scheduler, clock, runner, sink } = setup([
      'nodes:',
      '  pack:',
      '    matrix: { os: [linux] }',
      '    cwd: ./out/${{ matrix.os }}',
      '    run: x',
      '    artifacts: ["${{ matrix.os }}.zip", "*.log"]',
      '  here: { run: x, cwd: ./ }',
    ]);
    scheduler.start();
    await clock.advance(1000);
    assert.deepEqual(
      runner.started.map((r) => r.cwd),
      ['/w/out/linux', '/w'],
    );
    assert.deepEqual(runner.artifactSearches, [{ cwd: '/w/out/linux', patterns: ['linux.zip', '*.log'] }]);
    const pack = sink.of('node:completed').find((e) => e.nodeId === 'pack[os=linux]');
    assert.deepEqual(pack?.artifacts, ['linux.zip', '*.log']);
    // Where they were found, expressions filled in: the host opens them there and guesses nothing.
    assert.equal(pack?.artifactsDir, '/w/out/linux');
    assert.equal(sink.of('node:completed').find((e) => e.nodeId === 'here')?.artifactsDir, undefined, 'no artifacts, no folder');
  });

  it('batches log lines into node:log events before the node ends', async () => {
    const lines = Array.from({ length: 250 }, (_, i) => `line ${i}`);
    const { scheduler, clock, sink } = setup(['nodes:', '  chatty: { run: x }'], { chatty: () => ({ stdout: lines }) });
    scheduler.start();
    await clock.advance(1000);
    const batches = sink.of('node:log');
    assert.deepEqual(
      batches.map((b) => b.lines.length),
      [100, 100, 50],
    );
    const completed = sink.of('node:completed')[0];
    assert.ok(batches.every((b) => b.seq < completed.seq));
  });

  it('fails a node whose expression cannot be evaluated, without running it', async () => {
    // Not a literal: the validator would have reported a literal that is not JSON.
    const { scheduler, clock, runner, sink } = setup(['nodes:', "  a: { run: \"${{ fromJSON(format('{0}', 'not json')) }}\" }"]);
    scheduler.start();
    await clock.advance(100);
    assert.equal(runner.started.length, 0);
    assert.match(sink.of('node:failed')[0].error, /fromJSON\(\): the text is not valid JSON/);
  });

  it('fails a node whose expression reads a value nested too deeply, saying which function', async () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const { scheduler, clock, runner, sink } = setup(['env:', `  DEEP: "${deep}"`, 'nodes:', '  a: { run: "echo ${{ fromJSON(env.DEEP) }}" }']);
    scheduler.start();
    await clock.advance(100);
    assert.equal(runner.started.length, 0);
    assert.match(sink.of('node:failed')[0].error, /^fromJSON\(\): the value is nested too deeply to read$/);
  });

  it('turns ::warning and ::error lines into diagnostics', async () => {
    const { scheduler, clock, sink } = setup(['nodes:', '  lint: { run: x }'], {
      lint: () => ({ stdout: ['::warning file=src/a.ts,line=3,col=5::unused variable', '::error::no file here'] }),
    });
    scheduler.start();
    await clock.advance(1000);
    assert.deepEqual(
      sink.of('node:diagnostic').map(({ severity, file, line, column, message }) => ({ severity, file, line, column, message })),
      [
        { severity: 'warning', file: 'src/a.ts', line: 3, column: 5, message: 'unused variable' },
        { severity: 'error', file: undefined, line: undefined, column: undefined, message: 'no file here' },
      ],
    );
  });
});
