import { strict as assert } from 'node:assert';
import { parse } from 'yaml';
import { ConversionError, exportWorkflow, importWorkflow } from '../../src/engine/formats';
import type { EngineEvent } from '../../src/engine/protocol';
import { Masker } from '../../src/engine/run/core/masker';
import { StdoutOutput } from '../../src/engine/run/core/stdoutOutput';
import type { AttemptResult } from '../../src/engine/run/core/ports';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { argoErrors } from './formats/validators';
import { diagnose, yaml } from './helpers';
import { runsInFolder } from './runsInFolder';

describe("stdoutAs: a node's standard output as one of its outputs", () => {
  const { write, run } = runsInFolder('stdout');

  const GEN = [
    'version: 1',
    'name: Gen',
    'nodes:',
    '  gen:',
    '    stdoutAs: list',
    '    run: |',
    '      echo "[1,"',
    '      echo "progress" >&2',
    '      echo "::add-mask::s3cr3t"',
    '      echo " 2]"',
    '      echo "s3cr3t"',
    '  use:',
    '    needs: gen',
    '    matrix: { n: "${{ fromJSON(nodes.gen.outputs.list) }}" }',
    '    run: echo "n=${{ matrix.n }}"',
    '    outputs: [n]',
  ];

  it('is the lines printed to standard output, masked, joined without the last end of line; the next node reads it', async () => {
    const { status, events } = await run(write('gen.workflow.yaml', ...GEN.slice(0, 11)));
    assert.equal(status, 'completed');
    const completed = events.find((e) => e.type === 'node:completed') as Extract<EngineEvent, { type: 'node:completed' }>;
    assert.deepEqual(completed.outputs, { list: '[1,\n 2]\n***' }, 'standard error is not in it, a masked value is masked');
  });

  it('keeps a line longer than the log passes whole', async () => {
    const { status, events } = await run(
      write('long.workflow.yaml', 'version: 1', 'name: Long', 'nodes:', '  gen: { stdoutAs: line, run: \'head -c 150000 /dev/zero | tr "\\\\0" x\' }'),
    );
    assert.equal(status, 'completed');
    const completed = events.find((e) => e.type === 'node:completed') as Extract<EngineEvent, { type: 'node:completed' }>;
    assert.equal(completed.outputs.line, 'x'.repeat(150_000));
  });

  it('fans a matrix out over a JSON list a script printed', async () => {
    const { status, events } = await run(write('gen.workflow.yaml', ...GEN.slice(0, 7), '      echo " 2]"', ...GEN.slice(11)));
    assert.equal(status, 'completed');
    const made = events.find((e) => e.type === 'node:matrix') as Extract<EngineEvent, { type: 'node:matrix' }>;
    assert.deepEqual(
      made.nodes.map((n) => n.id),
      ['use[n=1]', 'use[n=2]'],
    );
  });

  const ended = (capture: StdoutOutput, notes: string[] = []) => {
    const result: AttemptResult = { exitCode: 0, signal: null, outputs: { other: 'v' }, outputProblems: [] };
    return capture.into({ pid: 1, done: Promise.resolve(result), stop: () => undefined }, (t) => notes.push(t)).done;
  };

  it('holds at most its bound, and says so once the attempt ends', async () => {
    const capture = new StdoutOutput('out', new Masker(), 11);
    for (const line of ['12345', '6789', 'too much', 'x']) capture.take('stdout', line, false);
    capture.take('stderr', 'not this', false);
    const notes: string[] = [];
    assert.deepEqual((await ended(capture, notes)).outputs, { other: 'v', out: '12345\n6789' });
    assert.deepEqual(notes, ["maestro: output 'out' holds the first 11 bytes of the standard output; the rest is only in the log"]);
  });

  it('joins a long line the log shows in pieces, and masks what was registered after it was printed', async () => {
    const masker = new Masker();
    const capture = new StdoutOutput('out', masker);
    capture.take('stdout', '[1, ', true);
    capture.take('stdout', '2, "tok', true);
    capture.take('stdout', 'en"]', false);
    capture.take('stdout', '::add-mask::token', false);
    masker.add('token');
    capture.take('stdout', 'last', true);
    assert.deepEqual((await ended(capture)).outputs, { other: 'v', out: '[1, 2, "***"]\nlast' });
  });

  it('declares its output, and is refused on a node that prints nothing', () => {
    assert.deepEqual(validateWorkflow(yaml(...GEN)).workflow.nodes[0].outputs, ['list']);
    assert.deepEqual(
      diagnose(yaml(...GEN)).filter((d) => d.severity !== 'info'),
      [],
      'nodes.gen.outputs.list is declared',
    );
    const gate = diagnose(yaml('version: 1', 'name: G', 'nodes:', '  ok: { approval: {}, stdoutAs: result }'));
    assert.deepEqual(
      gate.map((d) => [d.severity, d.code, d.text]),
      [['error', 'ignored-setting', 'stdoutAs']],
    );
    assert.match(gate[0].message, /'ok' is an approval gate: only a node that runs a script has a standard output — remove stdoutAs/);
  });

  it("is Argo's outputs.result on export, which Argo accepts, and comes back with its name; GitHub has none", async () => {
    const spec = validateWorkflow(yaml(...GEN.slice(0, 7), '      echo " 2]"', ...GEN.slice(11))).workflow;
    const out = exportWorkflow(spec, 'argo');
    assert.deepEqual(argoErrors(out), []);
    const templates = (parse(out) as { spec: { templates: { name: string; outputs?: unknown; metadata?: { annotations?: Record<string, string> } }[] } }).spec
      .templates;
    const gen = templates.find((t) => t.name === 'gen')!;
    assert.equal(gen.outputs, undefined, 'the standard output is not an output parameter');
    assert.equal(gen.metadata?.annotations?.['maestro.dev/stdout-as'], 'list');
    assert.match(out, /withParam: "\{\{tasks\.gen\.outputs\.result\}\}"/);
    const back = validateWorkflow((await importWorkflow(out, 'gen.yaml')).text).workflow;
    assert.deepEqual(
      back.nodes.map((n) => [n.id, n.stdoutAs, n.outputs, n.matrixTemplate]),
      spec.nodes.map((n) => [n.id, n.stdoutAs, n.outputs, n.matrixTemplate]),
    );
    assert.throws(
      () => exportWorkflow(spec, 'github-actions'),
      (e: unknown) => e instanceof ConversionError && /node 'gen': stdoutAs has no GitHub Actions equivalent/.test(e.message),
    );
  });
});
