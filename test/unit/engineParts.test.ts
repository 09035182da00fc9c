import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { lineSplitter, MAX_LINE_CHARS } from '../../src/engine/run/io/launch';
import { setLongTimeout } from '../../src/engine/run/core/longTimeout';
import { Masker, PieceMasker } from '../../src/engine/run/core/masker';
import { parseNodeCommand } from '../../src/engine/run/core/nodeCommands';
import { parseOutputsFile } from '../../src/engine/run/core/outputsFile';
import { parseInputFlags, resolveInputs } from '../../src/engine/run/core/inputs';
import { retryDelay } from '../../src/engine/run/core/backoff';
import { globToRegExp } from '../../src/engine/run/io/fileGlobs';
import { EVENT_TYPES, parseRequest, REQUEST_TYPES, parseEngineMessage } from '../../src/engine/protocol';
import { applyEvent, catchUp, foldEvents, fromSnapshot, toSnapshot } from '../../src/engine/runState';
import type { EngineEvent } from '../../src/engine/protocol';

describe('node commands', () => {
  it('parses progress, quality, masks and annotations', () => {
    assert.deepEqual(parseNodeCommand('::progress 42 building the API'), { kind: 'progress', percent: 42, message: 'building the API' });
    assert.deepEqual(parseNodeCommand('::progress 150'), { kind: 'progress', percent: 100 });
    assert.deepEqual(parseNodeCommand('::quality 0.91'), { kind: 'quality', score: 0.91 });
    assert.equal(parseNodeCommand('::quality 1.5'), undefined);
    assert.deepEqual(parseNodeCommand('::add-mask hunter2'), { kind: 'add-mask', value: 'hunter2' });
    assert.deepEqual(parseNodeCommand('::error file=a.ts,line=4::bad thing: here'), {
      kind: 'annotation',
      severity: 'error',
      file: 'a.ts',
      line: 4,
      message: 'bad thing: here',
    });
    assert.equal(parseNodeCommand('plain output'), undefined);
    assert.equal(parseNodeCommand('::progress lots'), undefined);
  });
});

describe('outputs file', () => {
  it('reads name=value and heredoc values', () => {
    const { outputs, problems } = parseOutputsFile('a=1\nb=x=y\nnotes<<END\nline one\nline two = still two\nEND\na=2\n');
    assert.deepEqual(outputs, { a: '2', b: 'x=y', notes: 'line one\nline two = still two' });
    assert.deepEqual(problems, []);
  });

  it('reports malformed lines and unclosed heredocs with their line', () => {
    const { outputs, problems } = parseOutputsFile('ok=1\n=nothing\nbad line\nv<<EOF\nnever closed\n');
    assert.deepEqual(outputs, { ok: '1' });
    assert.equal(problems.length, 3);
    assert.match(problems[2], /line 4: 'v<<EOF' is not closed/);
  });
});

describe('inputs', () => {
  const specs = {
    who: { name: 'who', type: 'string' as const, default: 'world', required: false },
    n: { name: 'n', type: 'number' as const, required: false },
    flag: { name: 'flag', type: 'boolean' as const, default: false, required: false },
    ticket: { name: 'ticket', type: 'string' as const, required: true },
  };

  it('converts to declared types and fills defaults', () => {
    assert.deepEqual(resolveInputs(specs, { n: '3', flag: 'true', ticket: 'T-1' }), {
      values: { who: 'world', n: 3, flag: true, ticket: 'T-1' },
      errors: [],
      fromFallback: [],
    });
    assert.deepEqual(resolveInputs(specs, { flag: 'false', ticket: 'T-1' }).values.flag, false);
  });

  it('takes a fallback value only for a declared input neither given nor with a default', () => {
    const fallback = { who: 'fallback', n: '7', ticket: 'T-9', other: 'x' };
    assert.deepEqual(resolveInputs(specs, {}, fallback), {
      values: { who: 'world', n: 7, flag: false, ticket: 'T-9' },
      errors: [],
      fromFallback: ['n', 'ticket'],
    });
    assert.deepEqual(resolveInputs(specs, { ticket: 'T-1' }, fallback).fromFallback, ['n']);
    assert.deepEqual(resolveInputs(specs, {}, { n: 'many' }).errors.slice(0, 1), ["input 'n' is a number, not 'many'"]);
  });

  it('takes true or false for a boolean, and nothing else', () => {
    for (const raw of ['yes', 'no', '1', '0', 'TRUE', 'False', ' true', '']) {
      assert.deepEqual(resolveInputs(specs, { flag: raw, ticket: 'T-1' }).errors, [`input 'flag' is a boolean: give true or false, not '${raw}'`], raw);
    }
  });

  it('says which input is wrong and why', () => {
    const { errors } = resolveInputs(specs, { n: 'many', flag: 'maybe', whom: 'x' });
    assert.deepEqual(errors, [
      "unknown input 'whom' (inputs: who, n, flag, ticket)",
      "input 'n' is a number, not 'many'",
      "input 'flag' is a boolean: give true or false, not 'maybe'",
      "input 'ticket' is required and has no default: give it with --input ticket=<value>",
    ]);
    assert.deepEqual(parseInputFlags(['a=1', 'b=x=y', 'nope']).errors, ["--input takes name=value, not 'nope'"]);
    assert.deepEqual(parseInputFlags(['a=1', 'b=x=y']).given, { a: '1', b: 'x=y' });
  });
});

describe('retry delays', () => {
  it('follows the backoff and its cap', () => {
    const p = (backoff: 'fixed' | 'linear' | 'exponential', maxDelayMs?: number) => ({ max: 5, backoff, delayMs: 100, maxDelayMs });
    assert.deepEqual(
      [1, 2, 3].map((n) => retryDelay(p('fixed'), n)),
      [100, 100, 100],
    );
    assert.deepEqual(
      [1, 2, 3].map((n) => retryDelay(p('linear'), n)),
      [100, 200, 300],
    );
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => retryDelay(p('exponential', 500), n)),
      [100, 200, 400, 500],
    );
  });
});

describe('artifact globs', () => {
  it('matches * within a folder and ** across folders', () => {
    assert.ok(globToRegExp('dist/*.js').test('dist/a.js'));
    assert.ok(!globToRegExp('dist/*.js').test('dist/x/a.js'));
    assert.ok(globToRegExp('dist/**/*.js').test('dist/x/y/a.js'));
    assert.ok(globToRegExp('dist/**/*.js').test('dist/a.js'));
    assert.ok(globToRegExp('report.?tml').test('report.html'));
  });
});

describe('line splitter', () => {
  /** The lines, with each piece of a cut line marked by a trailing ⏎ in the test's own notation. */
  const split = (chunks: Buffer[]) => {
    const lines: string[] = [];
    const splitter = lineSplitter((ls, continues) => lines.push(...ls.map((l, i) => (continues && i === ls.length - 1 ? `${l}⏎` : l))));
    for (const c of chunks) splitter.push(c);
    splitter.end();
    return lines;
  };
  const chunked = (buffer: Buffer, cuts: number[]) => {
    const at = [...new Set(cuts.map((c) => c % (buffer.length + 1)))].sort((a, b) => a - b);
    return [0, ...at].map((from, i) => buffer.subarray(from, [...at, buffer.length][i]));
  };

  it('gives the lines of the text, without CRs, however the bytes are chunked', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', '\n', '\r', ' '), maxLength: 60 });
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 8 }), (t, cuts) => {
        const expected = t.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
        if (t.endsWith('\n') || t === '') expected.pop();
        assert.deepEqual(split(chunked(Buffer.from(t), cuts)), expected);
      }),
    );
  });

  it('cuts a line longer than the limit into pieces marked as going on, keeping surrogate pairs whole', () => {
    // An emoji straddles the first cut.
    const line = 'a'.repeat(MAX_LINE_CHARS - 1) + '😀' + 'b'.repeat(MAX_LINE_CHARS) + '\r\nnext\n';
    for (const cuts of [[1000, 70_000, 100_000, 131_000], []]) {
      const lines = split(chunked(Buffer.from(line), cuts));
      assert.deepEqual(
        lines.map((l) => l.length),
        [MAX_LINE_CHARS, MAX_LINE_CHARS + 1, 2, 4],
      );
      assert.equal(lines.slice(0, 3).join('').replaceAll('⏎', ''), line.slice(0, line.indexOf('\r')));
      assert.deepEqual(lines.slice(2), ['bb', 'next']);
    }
  });

  it('passes output without any line break on in bounded pieces as it comes, not at the end', () => {
    const seen: number[] = [];
    const splitter = lineSplitter((ls) => seen.push(...ls.map((l) => l.length)));
    for (let i = 0; i < 100; i++) splitter.push(Buffer.alloc(10_000, 'x'));
    assert.equal(seen.length, Math.floor(1_000_000 / MAX_LINE_CHARS));
    assert.ok(seen.every((n) => n === MAX_LINE_CHARS));
    splitter.end();
    assert.equal(
      seen.reduce((a, b) => a + b, 0),
      1_000_000,
    );
  });
});

describe('masking', () => {
  it('leaves no secret whole, and masks a line in pieces as it masks the line whole, wherever the cuts fall', () => {
    const secret = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 1, maxLength: 6 });
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' '), maxLength: 80 });
    fc.assert(
      fc.property(fc.array(secret, { minLength: 1, maxLength: 3 }), text, fc.array(fc.nat(), { maxLength: 10 }), (secrets, t, cuts) => {
        const masker = new Masker();
        for (const v of secrets) masker.add(v);
        const at = [...new Set(cuts.map((c) => c % (t.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...at].map((from, i) => t.slice(from, [...at, t.length][i]));
        const inPieces = new PieceMasker(masker);
        const passed = pieces.map((p, i) => inPieces.push(p, i < pieces.length - 1));
        const whole = masker.text(t);
        assert.equal(passed.join(''), whole);
        for (const v of secrets) assert.ok(!whole.includes(v), `${JSON.stringify(v)} is left in ${JSON.stringify(whole)}`);
      }),
    );
  });
});

describe('long timeouts', () => {
  it('wait the whole delay in steps no longer than a timer takes, and can be cleared on the way', async () => {
    const order: string[] = [];
    await new Promise<void>((resolve) => {
      setLongTimeout(
        () => {
          order.push('long');
          resolve();
        },
        35,
        10,
      );
      setTimeout(() => order.push('half'), 17);
      const cleared = setLongTimeout(() => order.push('cleared'), 25, 10);
      setTimeout(() => cleared.clear(), 12);
    });
    assert.deepEqual(order, ['half', 'long']);
  });
});

describe('engine protocol', () => {
  it('accepts well-formed requests', () => {
    assert.deepEqual(parseRequest('{"type":"start","requestId":1,"workflowPath":"/w/a.workflow.yaml","inputs":{"x":"1"}}'), {
      request: { type: 'start', requestId: 1, workflowPath: '/w/a.workflow.yaml', inputs: { x: '1' } },
    });
    assert.ok('request' in parseRequest('{"type":"approve","requestId":2,"runId":"r","nodeId":"gate","approved":true}'));
    assert.ok('request' in parseRequest('{"type":"shutdown","requestId":3}'));
    assert.ok('request' in parseRequest('{"type":"listRuns","requestId":4,"statuses":["failed","interrupted"],"limit":20}'));
    assert.ok('request' in parseRequest('{"type":"readLog","requestId":5,"runId":"r","nodeId":"a","tailLines":200}'));
    assert.ok('request' in parseRequest('{"type":"configure","requestId":6,"roots":[{"folder":"/w","runsDirectory":"runs"}]}'));
    assert.ok('request' in parseRequest('{"type":"listMutexes","requestId":7}'));
    assert.ok('request' in parseRequest('{"type":"releaseMutex","requestId":8,"mutex":"port-5432"}'));
    assert.deepEqual(parseRequest('{"type":"releaseMutex","requestId":9,"mutex":""}'), {
      error: 'releaseMutex: mutex must be a non-empty string',
      requestId: 9,
    });
  });

  it('explains what is wrong with a malformed request, keeping its request id', () => {
    assert.deepEqual(parseRequest('not json'), { error: 'not JSON: not json' });
    assert.deepEqual(parseRequest('[1]'), { error: 'a request must be a JSON object' });
    assert.deepEqual(parseRequest('{"type":"pause","requestId":4}'), { error: 'pause: runId must be a non-empty string', requestId: 4 });
    assert.deepEqual(parseRequest('{"type":"start","requestId":5,"workflowPath":"x","concurrency":0}'), {
      error: 'start: concurrency must be a positive integer',
      requestId: 5,
    });
    assert.match((parseRequest('{"type":"explode","requestId":6}') as { error: string }).error, /unknown request type/);
    assert.match(
      (parseRequest('{"type":"approve","requestId":7,"runId":"r","nodeId":"g","approved":"yes"}') as { error: string }).error,
      /approved must be true or false/,
    );
    assert.match((parseRequest('{"type":"listRuns","requestId":8,"statuses":["done"]}') as { error: string }).error, /statuses must be a list of/);
    assert.deepEqual(parseRequest('{"type":"forgetResults","requestId":11,"olderThan":"yesterday"}'), {
      error: 'forgetResults: olderThan must be a time (epoch milliseconds)',
      requestId: 11,
    });
    assert.deepEqual(parseRequest('{"type":"forgetResults","requestId":12}'), { request: { type: 'forgetResults', requestId: 12 } });
    assert.match((parseRequest('{"type":"forgetResults","requestId":14,"shared":"yes"}') as { error: string }).error, /shared must be true or false/);
    const readOnly = (v: string) => parseRequest(`{"type":"configure","requestId":15,"roots":[],"sharedCache":{"folder":"/t","keyFile":"/k","readOnly":${v}}}`);
    assert.ok('request' in readOnly('true'));
    assert.match((readOnly('"yes"') as { error: string }).error, /sharedCache must be null or \{ folder, keyFile, readOnly\? \}/);
    assert.deepEqual(parseRequest('{"type":"configure","requestId":13,"roots":[],"cacheCopiesMb":-1}'), {
      error: 'configure: cacheCopiesMb must be a number of megabytes from 0 to 1048576',
      requestId: 13,
    });
    assert.ok('request' in parseRequest('{"type":"configure","requestId":14,"roots":[],"sharedCache":{"folder":"/team","keyFile":"/k"}}'));
    assert.ok('request' in parseRequest('{"type":"configure","requestId":14,"roots":[],"sharedCache":null}'));
    assert.deepEqual(parseRequest('{"type":"configure","requestId":14,"roots":[],"sharedCache":{"folder":"/team"}}'), {
      error: 'configure: sharedCache must be null or { folder, keyFile, readOnly? }',
      requestId: 14,
    });
    assert.deepEqual(parseRequest('{"type":"start","requestId":9,"workflowPath":"x","reuseResults":"no"}'), {
      error: 'start: reuseResults must be true or false',
      requestId: 9,
    });
    assert.deepEqual(parseRequest('{"type":"start","requestId":10,"workflowPath":"x","reuseResults":false}'), {
      request: { type: 'start', requestId: 10, workflowPath: 'x', reuseResults: false },
    });
  });

  it('checks messages from the engine, payloads included', () => {
    assert.equal(parseEngineMessage('{"type":"node:started","runId":"r","seq":1,"ts":1,"nodeId":"a","attempt":1}')?.type, 'node:started');
    assert.equal(parseEngineMessage('{"type":"node:started","seq":1}'), undefined);
    assert.equal(
      parseEngineMessage('{"type":"node:started","runId":"r","seq":1,"ts":1,"nodeId":"a","attempt":"one"}'),
      undefined,
      'a payload of the wrong type',
    );
    assert.equal(
      parseEngineMessage('{"type":"node:completed","runId":"r","seq":1,"ts":1,"nodeId":"a","attempt":1,"outputs":{"x":1},"artifacts":[],"durationMs":1}'),
      undefined,
      'an output that is not text',
    );
    const cached = (v: string) =>
      `{"type":"node:completed","runId":"r","seq":1,"ts":1,"nodeId":"a","attempt":1,"outputs":{},"artifacts":[],"cached":${v},"durationMs":1}`;
    assert.deepEqual(parseEngineMessage(cached('{"runId":"r0","at":5}')), JSON.parse(cached('{"runId":"r0","at":5}')));
    assert.equal(parseEngineMessage(cached('{"runId":"r0"}')), undefined, 'a cached mark without its time');
    const restored = '{"runId":"r0","at":5,"restored":["dist"]}';
    assert.deepEqual(parseEngineMessage(cached(restored)), JSON.parse(cached(restored)));
    assert.equal(parseEngineMessage(cached('{"runId":"r0","at":5,"restored":"dist"}')), undefined, 'the artifacts put back, not as a list');
    assert.equal(parseEngineMessage('{"type":"engine:ready","protocolVersion":2,"pid":3}')?.type, 'engine:ready');
    assert.equal(parseEngineMessage('{"type":"engine:reply","requestId":1,"ok":true,"result":{"runId":"r"}}')?.type, 'engine:reply');
    assert.equal(parseEngineMessage('{"type":"log:appended","runId":"r","nodeId":"a","size":10}')?.type, 'log:appended');
    assert.equal(parseEngineMessage('garbage'), undefined);
  });

  it('knows every event type, in a list the compiler holds to the union', () => {
    assert.equal(EVENT_TYPES.length, 19);
    assert.ok(EVENT_TYPES.includes('workflow:completed'));
    assert.equal(REQUEST_TYPES.length, 20);
    assert.ok(REQUEST_TYPES.includes('forgetResults') && REQUEST_TYPES.includes('resumeSecrets') && REQUEST_TYPES.includes('releaseMutex'));
  });
});

describe('run state', () => {
  const e = (partial: Record<string, unknown>, seq: number): EngineEvent => ({ runId: 'r', seq, ts: 1000 + seq, ...partial }) as EngineEvent;
  const started = e(
    {
      type: 'workflow:started',
      workflow: { name: 'W', path: '/w', hash: 'h' },
      inputs: {},
      concurrency: 2,
      nodes: [
        { id: 'a', nodeId: 'a', name: 'a', kind: 'run', needs: [] },
        { id: 'b', nodeId: 'b', name: 'b', kind: 'run', needs: ['a'] },
      ],
    },
    1,
  );

  it('folds events into node and run state', () => {
    const state = foldEvents([
      started,
      e({ type: 'node:started', nodeId: 'a', attempt: 1 }, 2),
      e({ type: 'node:progress', nodeId: 'a', progress: 40, message: 'going' }, 3),
      e({ type: 'node:retrying', nodeId: 'a', attempt: 1, error: 'exited with code 1', delayMs: 10 }, 4),
      e({ type: 'node:started', nodeId: 'a', attempt: 2 }, 5),
      e({ type: 'node:completed', nodeId: 'a', attempt: 2, outputs: { v: '1' }, artifacts: [], durationMs: 30 }, 6),
      e({ type: 'node:skipped', nodeId: 'b', reason: 'no' }, 7),
      e({ type: 'workflow:completed', status: 'completed', summary: { total: 2, completed: 1, failed: 0, skipped: 1, cancelled: 0, durationMs: 9 } }, 8),
    ])!;
    const a = state.nodes.get('a')!;
    assert.deepEqual([a.status, a.attempt, a.outputs, a.attemptErrors, a.startedAt], ['completed', 2, { v: '1' }, ['exited with code 1'], 1002]);
    assert.equal(state.nodes.get('b')!.status, 'skipped');
    assert.equal(state.status, 'completed');
    assert.equal(state.lastSeq, 8);
  });

  it("keeps the mutex a pending node waits for, and who holds it, until the node starts; checks the event's fields", () => {
    const blocked = { type: 'node:blocked', nodeId: 'a', mutex: 'db', holder: { runId: 'r0', nodeId: 'migrate', pid: 4321 } };
    const state = foldEvents([started, e(blocked, 2)])!;
    assert.deepEqual(state.nodes.get('a')!.blockedBy, { mutex: 'db', holder: { runId: 'r0', nodeId: 'migrate', pid: 4321 } });
    assert.deepEqual(
      fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(state))) as ReturnType<typeof toSnapshot>).nodes.get('a')!.blockedBy,
      state.nodes.get('a')!.blockedBy,
    );
    applyEvent(state, e({ type: 'node:started', nodeId: 'a', attempt: 1 }, 3));
    assert.equal(state.nodes.get('a')!.blockedBy, undefined);
    const message = (event: Record<string, unknown>) => parseEngineMessage(JSON.stringify({ runId: 'r', seq: 2, ts: 1, ...event }));
    assert.notEqual(message(blocked), undefined);
    assert.notEqual(message({ ...blocked, holder: {} }), undefined, 'a holder nothing is known of');
    for (const bad of [{ mutex: '' }, { mutex: 3 }, { holder: undefined }, { holder: { pid: 'x' } }, { holder: { runId: '' } }])
      assert.equal(message({ ...blocked, ...bad }), undefined, JSON.stringify(bad));
  });

  it('keeps the mutex a run waits for until a node starts', () => {
    const blocked = { type: 'workflow:blocked', mutex: 'deploy-prod', holder: { runId: 'r0', pid: 4321 } };
    const state = foldEvents([started, e(blocked, 2)])!;
    assert.deepEqual(state.blockedBy, { mutex: 'deploy-prod', holder: { runId: 'r0', pid: 4321 } });
    applyEvent(state, e({ type: 'node:started', nodeId: 'a', attempt: 1 }, 3));
    assert.equal(state.blockedBy, undefined);
    assert.equal(parseEngineMessage(JSON.stringify({ ...blocked, runId: 'r', seq: 2, ts: 1 }))?.type, 'workflow:blocked');
    assert.equal(parseEngineMessage(JSON.stringify({ ...blocked, runId: 'r', seq: 2, ts: 1, mutex: '' })), undefined);
  });

  it('is no longer paused once a node starts: a cancelled paused run runs its clean-up nodes', () => {
    const state = foldEvents([started, e({ type: 'workflow:paused' }, 2)])!;
    assert.equal(state.status, 'paused');
    applyEvent(state, e({ type: 'node:started', nodeId: 'b', attempt: 1 }, 3));
    assert.equal(state.status, 'running');
  });

  it('resets nodes named by workflow:resumed', () => {
    const state = foldEvents([
      started,
      e({ type: 'node:failed', nodeId: 'a', attempt: 1, error: 'x', exitCode: 1, durationMs: 1, continueOnError: false }, 2),
    ])!;
    applyEvent(state, e({ type: 'workflow:resumed', reset: ['a'] }, 3));
    assert.deepEqual([state.nodes.get('a')!.status, state.nodes.get('a')!.error, state.status], ['pending', undefined, 'running']);
  });

  it('a state read while events came is caught up with the ones it lacks, whatever was read and whatever was held', () => {
    // A run that fails, is resumed and completes: every event changes what the state says.
    const run = [
      started,
      e({ type: 'node:started', nodeId: 'a', attempt: 1 }, 2),
      e({ type: 'node:log', nodeId: 'a', lines: [{ stream: 'stdout', text: 'x', ts: 1 }] }, 2),
      e({ type: 'node:failed', nodeId: 'a', attempt: 1, error: 'x', exitCode: 1, durationMs: 1, continueOnError: false }, 3),
      e({ type: 'node:skipped', nodeId: 'b', reason: 'a failed' }, 4),
      e({ type: 'workflow:completed', status: 'failed', summary: { total: 2, completed: 0, failed: 1, skipped: 1, cancelled: 0, durationMs: 3 } }, 5),
      e({ type: 'workflow:resumed', reset: ['a', 'b'] }, 6),
      e({ type: 'node:started', nodeId: 'a', attempt: 1 }, 7),
      // Each retry adds its error to the node's list: applied twice, it would show twice.
      e({ type: 'node:retrying', nodeId: 'a', attempt: 1, error: 'flaky', delayMs: 1 }, 8),
      e({ type: 'node:started', nodeId: 'a', attempt: 2 }, 9),
      e({ type: 'node:completed', nodeId: 'a', attempt: 2, outputs: {}, artifacts: [], durationMs: 1 }, 10),
      e({ type: 'node:started', nodeId: 'b', attempt: 1 }, 11),
      e({ type: 'node:completed', nodeId: 'b', attempt: 1, outputs: {}, artifacts: [], durationMs: 1 }, 12),
      e({ type: 'workflow:completed', status: 'completed', summary: { total: 2, completed: 2, failed: 0, skipped: 0, cancelled: 0, durationMs: 9 } }, 13),
    ];
    const whole = toSnapshot(foldEvents(run)!);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: run.length }), fc.integer({ min: 1, max: run.length }), (read, heldFrom) => {
        // The state as read after `read` events; the events held from `heldFrom` on (before or after the read).
        const from = Math.min(heldFrom, read);
        const state = catchUp(fromSnapshot(toSnapshot(foldEvents(run.slice(0, read))!)), run.slice(from));
        assert.deepEqual(toSnapshot(state), whole);
      }),
    );
  });

  it("reads a snapshot from an engine older than the sub-runs' waiting gates as having none", () => {
    const { nestedGates: _gone, ...older } = toSnapshot(
      foldEvents([e({ type: 'workflow:started', workflow: { name: 'W', path: '/w', hash: 'h' }, inputs: {}, nodes: [], concurrency: 1 }, 1)])!,
    );
    assert.deepEqual(fromSnapshot(older).nestedGates, {});
  });
});
