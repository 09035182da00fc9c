// Files someone else wrote, small enough to commit, built to hang or flood whatever reads them. Each is read as the
// extension and the CLI read it; what it produces must stay bounded, and the work it causes with it (speed itself is
// measured by `npm run bench`, against a valid 20,000-node file).
import { strict as assert } from 'node:assert';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseNodeCommand } from '../../src/engine/run/core/nodeCommands';
import { isRunId, listRuns, readLogText, RunReadError, readRun } from '../../src/engine/run/io/runStore';
import { suggester } from '../../src/engine/suggest';
import { MAX_DIAGNOSTICS, toLineDiagnostics, validateWorkflow } from '../../src/engine/validation/validate';
import { fileDiagnostics } from '../../src/engine/validation/worker/fileDiagnostics';
import { cursorContext, trailingReference } from '../../src/extension/language/cursorContext';
import { hostile } from './hostile';

/** What a validation of the file puts out, as `validate --format json` and the validation worker send it. */
const outputOf = (text: string) => {
  const result = validateWorkflow(text);
  return { result, json: JSON.stringify(fileDiagnostics(result)) };
};
const MB = 1024 * 1024;

describe('hostile workflow files', function () {
  this.timeout(60_000);

  it('an anchor aliased a thousand times is copied once, and its copies are shared', () => {
    const { result, json } = outputOf(hostile.aliasFanOut(1000));
    const refs = (result.parsed.value as Record<string, unknown[]>)['x-refs'];
    assert.equal(refs.length, 999);
    assert.ok(
      refs.every((r) => r === refs[0]),
      'every alias shares one copy',
    );
    assert.deepEqual(result.diagnostics, []);
    assert.ok(json.length < 2 * MB);
  });

  it('an anchor of 100,000 values aliased a thousand times is one error, at its first alias', () => {
    const text = hostile.aliasFanOut();
    const { result, json } = outputOf(text);
    assert.equal(result.diagnostics.length, 1);
    const [d] = result.diagnostics;
    assert.equal(d.span.start, text.indexOf('*a'));
    assert.match(d.message, /the alias '\*a' stands for 100,001 values/);
    assert.ok(json.length < 2000);
  });

  it('a 3,000-node cycle: each edge is reported once, with a shortened path and at most 20 related places', () => {
    const { result, json } = outputOf(hostile.longCycle(3000));
    assert.equal(result.diagnostics.length, MAX_DIAGNOSTICS);
    const cycles = result.diagnostics.filter((d) => d.code === 'cycle');
    assert.ok(cycles.every((d) => (d.related?.length ?? 0) <= 20));
    assert.match(cycles[0].message, /which forms a cycle: n0 → n1 → .* → … \(3,000 nodes in all\) → n0$/);
    assert.match(result.diagnostics.at(-1)!.message, /^2,501 more problems from here on \(2,501 of them errors\) are not listed: a file shows at most 500/);
    assert.ok(json.length < 2 * MB, `${json.length} bytes`);
  });

  it('5,000 unknown needs: every one reported, suggestions within a budget of comparisons', () => {
    const { result, json } = outputOf(hostile.unknownNeeds(5000));
    assert.equal(result.diagnostics.length, MAX_DIAGNOSTICS);
    assert.ok(result.diagnostics.slice(0, -1).every((d) => d.code === 'unknown-dependency'));
    assert.ok(json.length < 2 * MB);
    const budget = suggester(10_000);
    const candidates = Array.from({ length: 5000 }, (_, i) => `node${i}`);
    let compared = 0;
    for (let i = 0; i < 100; i++) if (budget.closest(`nod${i}`, candidates) !== undefined) compared++;
    assert.equal(compared, 2, 'two searches of 5,000 candidates spend a budget of 10,000');
  });

  it('20,000 unknown properties: found through an index of the keys, at most 500 shown', () => {
    const { result, json } = outputOf(hostile.unknownProperties(20_000));
    assert.equal(result.diagnostics.length, MAX_DIAGNOSTICS);
    assert.equal(toLineDiagnostics(result.parsed.lines, result.diagnostics)[1].line, 7, 'each on its own key');
    assert.ok(json.length < 2 * MB);
  });

  it('a 20,000-item block list and mappings nested 500 deep are read whole, with nothing to report', () => {
    const list = outputOf(hostile.longBlockList(20_000));
    assert.equal((list.result.parsed.value as Record<string, unknown[]>)['x-list'].length, 20_000);
    assert.deepEqual(list.result.diagnostics, []);
    const deep = outputOf(hostile.deepNesting(500));
    assert.deepEqual(deep.result.diagnostics, []);
    assert.ok(deep.json.length < 2 * MB);
  });

  it('messages list a dozen names at most', () => {
    const inputs = Array.from({ length: 5000 }, (_, i) => `  in${i}: { type: string }`);
    const text = ['version: 1', 'name: x', 'inputs:', ...inputs, 'nodes:', '  a: { run: "echo ${{ inputs.zzzzzzzz }}" }'].join('\n');
    const [d] = validateWorkflow(text).diagnostics;
    assert.match(d.message, /\(inputs: in0, in1, .*in11, … \(4988 more\)\)$/);
  });
});

describe('hostile text typed or printed', () => {
  it('completion finds the reference at the end of a 5,000-character expression line', () => {
    const line = `    run: echo \${{ ${'a.'.repeat(2500)}`;
    const ctx = cursorContext(`nodes:\n  a:\n${line}`, `nodes:\n  a:\n${line}`.length);
    assert.equal(ctx.kind, 'expression');
    assert.equal(ctx.kind === 'expression' && ctx.prefix.length, 5000);
  });

  it('the reference at the end of an expression is what the pattern it replaces would find, for any text', () => {
    const PATTERN = /[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*\.?[\w-]*$/;
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'Z', '_', '1', '-', '.', ' ', '(', "'"), { maxLength: 24 }), (chars) => {
        const text = chars.join('');
        assert.equal(trailingReference(text), PATTERN.exec(text)?.[0] ?? '', JSON.stringify(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('a 64 K line that starts like an annotation is read in one pass, and is ordinary output', () => {
    assert.equal(parseNodeCommand(`::error ${' '.repeat(65_536)}x`), undefined);
    assert.equal(parseNodeCommand(`::error${'a'.repeat(65_536)}::x`), undefined);
    assert.deepEqual(parseNodeCommand('::error file=a.ts,line=3,col=2::bad'), {
      kind: 'annotation',
      severity: 'error',
      file: 'a.ts',
      line: 3,
      column: 2,
      message: 'bad',
    });
    assert.deepEqual(parseNodeCommand('::warning::careful'), { kind: 'annotation', severity: 'warning', message: 'careful' });
  });
});

describe('hostile run records', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-records-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing run.json is rebuilt from the first and last events only, whatever lies between', () => {
    const run = join(dir, '20260101-000000-beef');
    mkdirSync(run);
    const started = {
      type: 'workflow:started',
      runId: 'r',
      seq: 1,
      ts: 1000,
      workflow: { name: 'Big', path: '/w/big.workflow.yaml', hash: 'h' },
      inputs: {},
      nodes: [],
      concurrency: 1,
    };
    const completed = {
      type: 'workflow:completed',
      runId: 'r',
      seq: 3,
      ts: 5000,
      status: 'failed',
      summary: { total: 0, completed: 0, failed: 0, skipped: 0, cancelled: 0, durationMs: 4000 },
    };
    // A gigabyte of nothing between the two (a sparse file): reading all of it would not even fit in a string.
    const fd = openSync(join(run, 'events.jsonl'), 'w');
    writeSync(fd, JSON.stringify(started) + '\n');
    writeSync(fd, '\n' + JSON.stringify(completed) + '\n', 1024 * MB);
    closeSync(fd);
    const [listed] = listRuns(dir);
    assert.deepEqual([listed.workflowName, listed.status, listed.endedAt, listed.interrupted], ['Big', 'failed', 5000, false]);
  });

  it('a run id that is a path is refused everywhere a run is read', () => {
    for (const bad of ['../x', '..', '/etc', 'a/b', '.hidden', '']) {
      assert.equal(isRunId(bad), false, bad);
      assert.throws(() => readRun(dir, bad), RunReadError);
      assert.throws(() => readLogText(dir, bad, 'a'), RunReadError);
    }
    assert.equal(isRunId('20260101-000000-beef'), true);
  });

  it('run folders whose names are not run ids are not listed', () => {
    mkdirSync(join(dir, '..weird'));
    writeFileSync(join(dir, '..weird', 'run.json'), '{}');
    assert.deepEqual(listRuns(dir), []);
  });
});
