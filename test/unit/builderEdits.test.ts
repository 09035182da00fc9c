import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/output';
import { copyNodes } from '../../src/engine/edits/clipboard';
import { applyEdits, parseEditAction, planEdit, spansAfter, type EditAction, type FieldValue } from '../../src/engine/edits/actions';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';
import { edit } from './helpers';

const indexOf = (text: string) => buildIndex(validateWorkflow(text));

const refused = (text: string, action: EditAction): string => {
  const outcome = planEdit(indexOf(text), action);
  assert.ok('error' in outcome, `${JSON.stringify(action)} should be refused`);
  return outcome.error;
};

describe('builder edits', () => {
  it('adds a first node under an empty nodes:, and to a file without one', () => {
    assert.equal(edit('version: 1\nname: x\nnodes:\n', { type: 'addNode', kind: 'run' }), 'version: 1\nname: x\nnodes:\n  step:\n    run: echo "step"\n');
    assert.equal(edit('version: 1\nname: x', { type: 'addNode', kind: 'run', id: 'a' }), 'version: 1\nname: x\nnodes:\n  a:\n    run: echo "a"\n');
  });

  it('writes a new node in the file indentation, below the node it follows, its script revealed', () => {
    const text = 'version: 1\nname: x\nnodes:\n    a:\n        run: make\n    z:\n        run: zz\n';
    const outcome = planEdit(indexOf(text), { type: 'addNode', kind: 'run', after: 'a', needs: ['a'] });
    assert.ok(!('error' in outcome));
    const after = applyEdits(text, outcome.edits);
    assert.equal(
      after,
      'version: 1\nname: x\nnodes:\n    a:\n        run: make\n    step:\n        needs: a\n        run: echo "step"\n    z:\n        run: zz\n',
    );
    assert.equal(after.slice(outcome.reveal!.start, outcome.reveal!.end), 'echo "step"');
    assert.equal(outcome.select, 'step');
  });

  it('adds each kind of node, with ids made unique', () => {
    let text = 'version: 1\nname: x\nnodes:\n  step: { run: x }\n';
    for (const kind of ['run', 'approval', 'workflow', 'matrix'] as const) text = edit(text, { type: 'addNode', kind });
    assert.deepEqual(
      validateWorkflow(text).workflow.nodes.map((n) => [n.id, n.kind, n.matrix ? 'matrix' : '']),
      [
        ['step', 'run', ''],
        ['step-2', 'run', ''],
        ['approve', 'approval', ''],
        ['subflow', 'workflow', ''],
        ['fanout', 'run', 'matrix'],
      ],
    );
    assert.match(text, / {2}step: \{ run: x \}\n {2}step-2:\n/, 'a flow node stays as it was');
    assert.match(text, / {2}subflow:\n {4}workflow: \.\/other\.workflow\.yaml\n/, 'a placeholder, when no file is named');
    const named = edit(text, { type: 'addNode', kind: 'workflow', workflow: '../shared/my flow #2.workflow.yaml' });
    assert.equal(validateWorkflow(named).workflow.nodes.at(-1)?.workflow, '../shared/my flow #2.workflow.yaml');
  });

  it('adds to a flow-style nodes mapping in flow style', () => {
    assert.equal(
      edit('version: 1\nname: x\nnodes: { a: { run: x } }\n', { type: 'addNode', kind: 'run', needs: ['a'] }),
      'version: 1\nname: x\nnodes: { a: { run: x }, step: { needs: a, run: "echo \\"step\\"" } }\n',
    );
  });

  it('connects in the style the needs are written in', () => {
    const base = (needs: string) => `version: 1\nname: x\nnodes:\n  a: { run: x }\n  b: { run: x }\n  c:\n${needs}    run: x\n`;
    assert.match(edit(base(''), { type: 'connect', from: 'a', to: 'c' }), / {2}c:\n {4}needs: a\n {4}run: x/);
    assert.match(edit(base('    needs: b\n'), { type: 'connect', from: 'a', to: 'c' }), /needs: \[b, a\]/);
    assert.match(edit(base('    needs: [ b ]\n'), { type: 'connect', from: 'a', to: 'c' }), /needs: \[ b, a \]/);
    assert.match(edit(base('    needs:\n      - b   # first\n'), { type: 'connect', from: 'a', to: 'c' }), /needs:\n {6}- b {3}# first\n {6}- a\n/);
  });

  it('refuses cycles, duplicates, self-needs and unknown ids, saying why', () => {
    const text = 'version: 1\nname: x\nnodes:\n  a: { run: x }\n  b: { needs: a, run: x }\n  c: { needs: b, run: x }\n';
    assert.match(refused(text, { type: 'connect', from: 'c', to: 'a' }), /'c' needs 'a' \(directly or through others\): 'a' needing 'c' would make a cycle/);
    assert.match(refused(text, { type: 'connect', from: 'a', to: 'b' }), /'b' already needs 'a'/);
    assert.match(refused(text, { type: 'connect', from: 'a', to: 'a' }), /cannot need itself/);
    assert.match(refused(text, { type: 'connect', from: 'zz', to: 'a' }), /there is no node 'zz'/);
    assert.match(refused(text, { type: 'disconnect', from: 'c', to: 'a' }), /'a' does not need 'c'/);
    assert.match(refused(text, { type: 'rename', from: 'a', to: 'B' }), /a node 'B' already exists/);
    assert.match(refused(text, { type: 'rename', from: 'a', to: '9x' }), /not a valid node id/);
    assert.match(refused(text, { type: 'addNode', kind: 'run', id: 'A' }), /a node 'A' already exists/);
    assert.match(refused(text, { type: 'set', id: 'a', key: 'timout', value: '1m' }), /no property 'timout' — did you mean 'timeout'\?/);
  });

  it('sets needs as connect would add each: no unknown id, no self-need, no cycle; entries kept as they were', () => {
    const text = 'version: 1\nname: x\nnodes:\n  a: { run: x }\n  b: { needs: a, run: x }\n  c: { needs: [b, gone], run: x }\n';
    assert.match(
      refused(text, { type: 'set', id: 'a', key: 'needs', value: ['c'] }),
      /'c' needs 'a' \(directly or through others\): 'a' needing 'c' would make a cycle/,
    );
    assert.match(refused(text, { type: 'set', id: 'a', key: 'needs', value: 'a' }), /'a' cannot need itself/);
    assert.match(refused(text, { type: 'set', id: 'b', key: 'needs', value: ['a', 'zz'] }), /there is no node 'zz'/);
    assert.match(refused(text, { type: 'set', id: 'b', key: 'needs', value: 5 }), /needs is a node id or a list of node ids/);
    assert.match(edit(text, { type: 'set', id: 'c', key: 'needs', value: ['gone', 'a'] }), /c: \{ needs: \[gone, a\], run: x \}/);
    assert.match(edit(text, { type: 'set', id: 'b', key: 'needs', value: [] }), /b: \{ needs: \[\], run: x \}/);
  });

  it('removes a node with the comment above it and its entries in other needs, and says what still reads it', () => {
    const text = 'version: 1\nname: x\nnodes:\n  a: { run: x }\n  # builds b\n  b:\n    run: x\n  c:\n    needs: [a, b]\n    run: echo ${{ nodes.b.status }}\n';
    const outcome = planEdit(indexOf(text), { type: 'removeNode', id: 'b' });
    assert.ok(!('error' in outcome));
    assert.equal(applyEdits(text, outcome.edits), 'version: 1\nname: x\nnodes:\n  a: { run: x }\n  c:\n    needs: [a]\n    run: echo ${{ nodes.b.status }}\n');
    assert.equal(outcome.note, '1 expression still read nodes.b: they show as problems');
  });

  it('sets properties as YAML at the right depth, and removes them', () => {
    const text = 'version: 1\nname: x\nnodes:\n    a:\n        run: x   # keep me\n';
    const set = edit(text, { type: 'set', id: 'a', key: 'env', value: { GREETING: 'hello: world' } });
    assert.equal(set, 'version: 1\nname: x\nnodes:\n    a:\n        run: x   # keep me\n        env:\n            GREETING: "hello: world"\n');
    const script = edit(set, { type: 'set', id: 'a', key: 'run', value: '  indented\nsecond\n' });
    assert.deepEqual(validateWorkflow(script).workflow.nodes[0].run, '  indented\nsecond\n');
    assert.match(script, /run: \|4 {3}# keep me\n {14}indented\n {12}second\n/);
    assert.equal(edit(set, { type: 'set', id: 'a', key: 'env' }), text);
  });

  it('writes values YAML reads back the same: reserved first characters quoted, an empty mapping, infinite numbers', () => {
    const text = 'version: 1\nname: x\nnodes:\n  a:\n    run: x\n';
    const set = (key: string, value: FieldValue) => edit(text, { type: 'set', id: 'a', key, value }).slice(text.length);
    assert.equal(set('outputs', ['@x', '`y', 'plain']), '    outputs: ["@x", "`y", plain]\n');
    assert.equal(set('env', {}), '    env: {}\n');
    assert.equal(
      set('with', { n: Number.POSITIVE_INFINITY, m: Number.NaN, 'two\nlines': -0 }),
      '    with:\n      n: .inf\n      m: .nan\n      "two\\nlines": -0\n',
    );
    // A list of mappings as a person writes one: each mapping starts on its dash's line.
    assert.equal(
      set('matrix', { os: ['linux'], include: [{ os: 'linux', deep: { a: [{ b: 1, c: [1] }] } }, {}] }),
      '    matrix:\n      os: [linux]\n      include:\n        - os: linux\n          deep:\n            a:\n              - b: 1\n                c: [1]\n        - {}\n',
    );
  });

  it('renames everywhere, expressions and mentions in any case included', () => {
    const text = "version: 1\nname: x\nnodes:\n  build: { run: x }\n  test:\n    needs: build\n    if: nodes.Build.status == 'completed'\n    run: x\n";
    assert.equal(edit(text, { type: 'rename', from: 'build', to: 'compile' }), text.replaceAll('build', 'compile').replace('Build', 'compile'));
  });

  it('copies nodes as YAML and pastes them with fresh ids, the needs among them following', () => {
    const source =
      'version: 1\nname: x\nnodes:\n    # builds\n    build:\n        run: make\n    test:\n        needs: build\n        run: echo ${{ nodes.build.status }}\n';
    const copied = copyNodes(indexOf(source), ['build', 'test']);
    assert.ok(!('error' in copied));
    assert.equal(copied.text, '# builds\nbuild:\n    run: make\ntest:\n    needs: build\n    run: echo ${{ nodes.build.status }}\n');
    const target = 'version: 1\nname: y\nnodes:\n  build: { run: other }\n';
    const outcome = planEdit(indexOf(target), { type: 'paste', text: copied.text });
    assert.ok(!('error' in outcome));
    const pasted = applyEdits(target, outcome.edits);
    assert.equal(outcome.select, 'build-2');
    assert.equal(
      pasted,
      'version: 1\nname: y\nnodes:\n  build: { run: other }\n  # builds\n  build-2:\n      run: make\n  test:\n      needs: build-2\n      run: echo ${{ nodes.build-2.status }}\n',
    );
    assert.deepEqual(
      validateWorkflow(pasted).diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    assert.match(refused(target, { type: 'paste', text: 'just some text' }), /the clipboard does not hold nodes/);
  });

  it('duplicates a node under a fresh id, right after it', () => {
    const text = 'version: 1\nname: x\nnodes:\n  a:\n    run: x\n  b: { run: y }\n';
    assert.equal(edit(text, { type: 'duplicate', id: 'a' }), 'version: 1\nname: x\nnodes:\n  a:\n    run: x\n  a-2:\n    run: x\n  b: { run: y }\n');
  });

  it("sets the workflow's own settings above nodes: and the comments leading into them, and removes them", () => {
    const text = '# Deploys.\nversion: 1\nname: Ship   # shown in the Runs view\n\n# The steps:\nnodes:\n  a: { run: x }\n';
    const timed = edit(text, { type: 'setWorkflow', key: 'timeout', value: '30m' });
    assert.equal(timed, '# Deploys.\nversion: 1\nname: Ship   # shown in the Runs view\n\ntimeout: 30m\n# The steps:\nnodes:\n  a: { run: x }\n');
    const locked = edit(timed, { type: 'setWorkflow', key: 'mutex', value: ['deploy-prod', 'port-5432'] });
    assert.match(locked, /\ntimeout: 30m\nmutex: \[deploy-prod, port-5432\]\n# The steps:\nnodes:/);
    const described = edit(locked, { type: 'setWorkflow', key: 'description', value: 'Builds,\nthen ships.\n' });
    assert.match(described, /\ndescription: \|\n {2}Builds,\n {2}then ships\.\n# The steps:/);
    assert.deepEqual(validateWorkflow(described).diagnostics, []);
    const renamed = edit(described, { type: 'setWorkflow', key: 'name', value: 'Ship it: now' });
    assert.match(renamed, /\nname: "Ship it: now" {3}# shown in the Runs view\n/, 'the comment on its line stays');
    assert.equal(
      edit(edit(edit(timed, { type: 'setWorkflow', key: 'timeout' }), { type: 'setWorkflow', key: 'mutex' }), { type: 'setWorkflow', key: 'concurrency' }),
      text,
    );
    assert.equal(
      edit('version: 1\nname: x\nnodes:\n    a:\n        run: x\nconcurrency: 2\n', { type: 'setWorkflow', key: 'concurrency', value: 4 }),
      'version: 1\nname: x\nnodes:\n    a:\n        run: x\nconcurrency: 4\n',
      'one already written after the nodes is changed where it is',
    );
    assert.equal(refused(text, { type: 'setWorkflow', key: 'name' }), 'a workflow needs its name: give it another instead');
    assert.match(
      refused(text, { type: 'setWorkflow', key: 'inputs', value: {} }),
      /sets the workflow's name, description, concurrency, timeout, mutex, env and defaults\.<timeout\|retry\|shell\|cwd\|image> \(and its inputs, one at a time\); 'inputs' is edited in the text$/,
    );
    assert.match(refused('- a\n- b\n', { type: 'setWorkflow', key: 'timeout', value: '5m' }), /not a mapping of settings and nodes/);
    assert.equal(
      edit('{ version: 1, name: x, nodes: { a: { run: x } } }\n', { type: 'setWorkflow', key: 'timeout', value: '5m' }),
      '{ version: 1, name: x, nodes: { a: { run: x } }, timeout: 5m }\n',
    );
  });

  it("sets the workflow's env, and its defaults one at a time, defaults: above nodes: and away with the last", () => {
    const text = 'version: 1\nname: Ship\nnodes:\n  a: { run: x }\n';
    const env = edit(text, { type: 'setWorkflow', key: 'env', value: { REGION: 'eu-west-1', QUOTED: 'a: b' } });
    assert.equal(env, 'version: 1\nname: Ship\nenv:\n  REGION: eu-west-1\n  QUOTED: "a: b"\nnodes:\n  a: { run: x }\n');
    const timed = edit(env, { type: 'setWorkflow', key: 'defaults.timeout', value: '10m' });
    assert.match(timed, /\nenv:\n[^]*\ndefaults:\n {2}timeout: 10m\nnodes:\n/);
    const both = edit(timed, { type: 'setWorkflow', key: 'defaults.retry', value: 2 });
    assert.match(both, /\ndefaults:\n {2}timeout: 10m\n {2}retry: 2\nnodes:\n/);
    const changed = edit(both, { type: 'setWorkflow', key: 'defaults.timeout', value: '1h' });
    assert.match(changed, /\ndefaults:\n {2}timeout: 1h\n {2}retry: 2\nnodes:\n/);
    assert.deepEqual(validateWorkflow(changed).diagnostics, []);
    const one = edit(changed, { type: 'setWorkflow', key: 'defaults.timeout' });
    assert.match(one, /\ndefaults:\n {2}retry: 2\nnodes:\n/);
    assert.equal(
      edit(edit(one, { type: 'setWorkflow', key: 'defaults.retry' }), { type: 'setWorkflow', key: 'env' }),
      text,
      'the last one takes defaults: with it',
    );
    assert.equal(edit(text, { type: 'setWorkflow', key: 'defaults.shell' }), text);
    assert.match(refused(text, { type: 'setWorkflow', key: 'defaults.matrix', value: 1 }), /'defaults\.matrix' is edited in the text$/);
  });

  it('gives a count to a retry written with its backoff as its max, the backoff kept (a node’s and the defaults’)', () => {
    const text =
      'version: 1\nname: x\ndefaults:\n  retry: { max: 2, backoff: exponential }\nnodes:\n  a:\n    run: x\n    retry:\n      max: 1   # flaky\n      backoff: fixed\n';
    const node = edit(text, { type: 'set', id: 'a', key: 'retry', value: 4 });
    assert.match(node, /\n {4}retry:\n {6}max: 4 {3}# flaky\n {6}backoff: fixed\n$/);
    const defaults = edit(node, { type: 'setWorkflow', key: 'defaults.retry', value: 3 });
    assert.match(defaults, /\ndefaults:\n {2}retry: \{ max: 3, backoff: exponential \}\n/);
    assert.deepEqual(validateWorkflow(defaults).diagnostics, []);
    assert.match(edit(defaults, { type: 'set', id: 'a', key: 'retry' }), /\n {4}run: x\n$/, 'cleared, the whole retry goes');
  });

  it("adds, changes and removes the workflow's inputs one at a time, inputs: above nodes: and away with the last", () => {
    const text = 'version: 1\nname: Ship\n# The steps:\nnodes:\n  a:\n    run: echo "$TARGET"\n    env: { TARGET: "${{ inputs.target }}" }\n';
    const one = edit(text, { type: 'setInput', name: 'target', value: { type: 'string', required: true, description: 'Where to' } });
    assert.equal(
      one,
      'version: 1\nname: Ship\ninputs:\n  target:\n    type: string\n    required: true\n    description: Where to\n# The steps:\nnodes:\n  a:\n    run: echo "$TARGET"\n    env: { TARGET: "${{ inputs.target }}" }\n',
    );
    const commented = one.replace('  target:', '  # where the run deploys\n  target:');
    const two = edit(commented, { type: 'setInput', name: 'count', value: { type: 'number', default: 3 } });
    assert.match(two, /\n {2}# where the run deploys\n {2}target:\n[\s\S]*description: Where to\n {2}count:\n {4}type: number\n {4}default: 3\n# The steps:/);
    const changed = edit(two, { type: 'setInput', name: 'target', value: { secret: true } });
    assert.match(changed, /\n {2}target:\n {4}secret: true\n {2}count:/);
    assert.deepEqual(validateWorkflow(changed).diagnostics, []);
    const blank = edit(changed, { type: 'setInput', name: 'count', value: {} });
    assert.match(blank, /\n {2}count:\n {4}type: string\n/, 'an input with nothing set is a string one');
    assert.equal(edit(edit(one, { type: 'setInput', name: 'count', value: { type: 'number' } }), { type: 'setInput', name: 'count' }), one);
    assert.equal(edit(one, { type: 'setInput', name: 'target' }), text, 'the last one takes inputs: with it');
    const removal = planEdit(indexOf(one), { type: 'setInput', name: 'target' });
    assert.equal('note' in removal && removal.note, '1 expression still read inputs.target: they show as problems');
    assert.equal(edit(text, { type: 'setInput', name: 'nope' }), text);
    assert.match(refused(text, { type: 'setInput', name: '1st', value: {} }), /^'1st' cannot name an input: a letter or _, then letters, digits, _ or -$/);
    assert.equal(
      edit('version: 1\nname: x\ninputs: { a: { type: string } }\nnodes:\n  n: { run: x }\n', { type: 'setInput', name: 'b', value: { type: 'boolean' } }),
      'version: 1\nname: x\ninputs: { a: { type: string }, b: { type: boolean } }\nnodes:\n  n: { run: x }\n',
    );
    assert.ok('error' in parseEditAction({ type: 'setInput', name: 'x', value: { type: 'date' } }));
  });

  it('says where the new text of each edit is', () => {
    const edits = [
      { span: { start: 10, end: 12 }, newText: 'abcd' },
      { span: { start: 0, end: 0 }, newText: 'xy' },
    ];
    assert.deepEqual(spansAfter(edits), [
      { start: 0, end: 2 },
      { start: 12, end: 16 },
    ]);
    assert.throws(() => applyEdits('0123456789abc', [edits[0], { span: { start: 11, end: 13 }, newText: '' }]), /overlap/);
  });

  it('checks actions that cross a boundary', () => {
    assert.deepEqual(parseEditAction({ type: 'connect', from: 'a', to: 'b' }), { action: { type: 'connect', from: 'a', to: 'b' } });
    assert.match((parseEditAction({ type: 'connect', from: 'a' }) as { error: string }).error, /connect: missing or mistyped fields/);
    assert.match((parseEditAction({ type: 'explode' }) as { error: string }).error, /unknown action 'explode'/);
    assert.match((parseEditAction({ type: 'addNode', kind: 'rocket' }) as { error: string }).error, /addNode/);
    assert.match((parseEditAction({ type: 'addNode', kind: 'workflow', workflow: 7 }) as { error: string }).error, /addNode/);
  });
});

describe('cli: edit', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-edit-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(...argv: string[]) {
    let out = '';
    let err = '';
    const io: Output = { out: (t) => (out += t), err: (t) => (err += t), isTTY: false };
    const code = await main(argv, io);
    return { code, out, err };
  }

  it('prints the edited text, or writes it with --write; refusals exit 2 with the reason', async () => {
    const file = join(dir, 'w.workflow.yaml');
    const text = 'version: 1\nname: x\nnodes:\n  a: { run: x }   # first\n  b: { run: y }\n';
    writeFileSync(file, text);
    const printed = await cli('edit', file, 'connect', 'a', 'b');
    assert.deepEqual([printed.code, printed.out], [0, 'version: 1\nname: x\nnodes:\n  a: { run: x }   # first\n  b: { needs: a, run: y }\n']);
    assert.equal(readFileSync(file, 'utf8'), text, 'without --write the file is left alone');
    assert.equal((await cli('edit', file, 'add-node', 'c', '--needs', 'a,b', '--run', 'make it', '--write')).code, 0);
    assert.equal((await cli('edit', file, 'set', 'c', 'timeout', '5m', '--write')).code, 0);
    assert.equal((await cli('edit', file, 'rename', 'a', 'first', '--write')).code, 0);
    assert.equal(
      readFileSync(file, 'utf8'),
      'version: 1\nname: x\nnodes:\n  first: { run: x }   # first\n  b: { run: y }\n  c:\n    needs: [first, b]\n    run: make it\n    timeout: 5m\n',
    );
    const input = await cli('edit', file, 'set-input', 'target', '{ type: string, required: true }');
    assert.match(input.out, /^version: 1\nname: x\ninputs:\n {2}target:\n {4}type: string\n {4}required: true\nnodes:\n/);
    const badInput = await cli('edit', file, 'set-input', 'target', '{ type: date }');
    assert.deepEqual(
      [badInput.code, badInput.err.split('\n')[0]],
      [2, 'maestro-dag: VALUE is a mapping of type (string, number or boolean), required, secret, default, description'],
    );
    const settled = await cli('edit', file, 'set-workflow', 'concurrency', '2');
    assert.match(settled.out, /^version: 1\nname: x\nconcurrency: 2\nnodes:\n/);
    const cycle = await cli('edit', file, 'connect', 'c', 'first');
    assert.deepEqual([cycle.code, cycle.err], [2, "maestro-dag: 'c' needs 'first' (directly or through others): 'first' needing 'c' would make a cycle\n"]);
    assert.equal((await cli('edit', file, 'remove-node', 'nope')).code, 2);
    assert.equal((await cli('edit', file, 'teleport', 'a')).code, 2);
    const removed = await cli('edit', file, 'remove-node', 'first', '--write');
    assert.equal(removed.code, 0);
    assert.equal(readFileSync(file, 'utf8'), 'version: 1\nname: x\nnodes:\n  b: { run: y }\n  c:\n    needs: [b]\n    run: make it\n    timeout: 5m\n');
  });

  it('adds a sub-workflow node that runs the file --workflow names, and refuses --workflow on another kind', async () => {
    const file = join(dir, 'outer.workflow.yaml');
    writeFileSync(file, 'version: 1\nname: x\nnodes:\n  a: { run: x }\n');
    writeFileSync(join(dir, 'inner.workflow.yaml'), 'version: 1\nname: inner\nnodes:\n  i: { run: x }\n');
    const added = await cli('edit', file, 'add-node', 'deploy', '--needs', 'a', '--workflow', './inner.workflow.yaml');
    assert.deepEqual([added.code, added.err], [0, '']);
    assert.match(added.out, / {2}deploy:\n {4}needs: a\n {4}workflow: \.\/inner\.workflow\.yaml\n$/);
    const mixed = await cli('edit', file, 'add-node', 'deploy', '--kind', 'run', '--workflow', './inner.workflow.yaml');
    assert.equal(mixed.code, 2);
    assert.match(mixed.err, /^maestro-dag: --workflow names the file of a workflow node, not of a run node\n/);
  });

  it('lists the errors an edit leaves that the file did not have, and applies it', async () => {
    const file = join(dir, 'e.workflow.yaml');
    writeFileSync(file, 'version: 1\nname: x\nnodes:\n  a: { run: x, timeout: soon }\n  b: { run: y }\n');
    const r = await cli('edit', file, 'set', 'b', 'timeout', '5 parsecs', '--write');
    assert.equal(r.code, 0);
    assert.match(readFileSync(file, 'utf8'), /b: \{ run: y, timeout: 5 parsecs \}/);
    const left = r.err.trim().split('\n');
    assert.equal(left.length, 1, 'the error the file had already is not listed');
    assert.match(left[0], /e\.workflow\.yaml:5:\d+: error invalid-duration: .*5 parsecs.* \(left by the edit\)$/);
  });
});
