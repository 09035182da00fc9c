import { strict as assert } from 'node:assert';
import type { SpanDiagnostic } from '../../src/engine/diagnostics';
import type { InputSpec } from '../../src/engine/model';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { diagnose, yaml } from './helpers';

const header = ['version: 1', 'name: Test'];

/** The text after a diagnostic's first fix. */
function applyFix(text: string, d: SpanDiagnostic): string {
  const edits = [...d.fixes![0].edits].sort((a, b) => b.span.start - a.span.start);
  for (const e of edits) text = text.slice(0, e.span.start) + e.newText + text.slice(e.span.end);
  return text;
}

const injections = (text: string) => validateWorkflow(text).diagnostics.filter((d) => d.code === 'script-injection');

describe('validator: what expressions may read', () => {
  it('takes function names and references without regard to case', () => {
    const text = yaml(
      ...header,
      'inputs: { Target: { default: prod } }',
      'nodes:',
      '  Build: { run: x, outputs: [Version] }',
      '  deploy:',
      '    needs: Build',
      "    if: FROMJSON('true') && nodes.build.OUTPUTS.version != '' && inputs.target && Success()",
      '    run: x',
    );
    assert.deepEqual(diagnose(text), []);
  });

  it('accepts object filters, and checks the field after one', () => {
    const ok = yaml(
      ...header,
      'nodes:',
      '  a: { run: x }',
      '  b:',
      '    needs: a',
      "    if: contains(nodes.*.status, 'failed') || nodes.*.outcome",
      '    run: x',
    );
    assert.deepEqual(diagnose(ok), []);
    const [d] = diagnose(yaml(...header, 'nodes:', '  a: { run: x }', '  b:', '    needs: a', '    if: nodes.*.statsu', '    run: x'));
    assert.deepEqual([d.code, d.text], ['unknown-reference', 'statsu']);
    assert.match(d.message, /did you mean 'status'/);
  });

  it('keeps status functions to conditions', () => {
    const [d] = diagnose(yaml(...header, 'nodes:', '  a: { run: "echo ${{ failure() }}" }'));
    assert.deepEqual([d.code, d.text], ['unknown-reference', 'failure']);
    assert.match(d.message, /only be used in a node's if/);
  });

  it('finds the format and JSON literals that would fail the run, where they are written', () => {
    let n = 0;
    const run = (expr: string) => `  n${++n}: { run: "echo \${{ ${expr} }}" }`;
    const d = diagnose(
      yaml(
        ...header,
        'nodes:',
        run("format('{', 1)"),
        run("format('{0}-{1}', 'one')"),
        run("fromJSON('[1, 2')"),
        run("FromJson('')"),
        run("format('{0} {{literal}}', 1)"),
        run('fromJSON(\'{\\"a\\": [1]}\').a[0]'),
        run('format(inputs.pattern, 1)'),
        run("fromJSON('[1, [2, 1e400]]')"),
      ),
    );
    assert.deepEqual(
      d.filter((x) => x.code === 'invalid-expression').map((x) => [x.text, x.message]),
      [
        ["'{'", "format(): the format is invalid: write '{0}', '{1}'…, and '{{' or '}}' for a brace"],
        ["'{0}-{1}'", 'format(): the format refers to more arguments than were given'],
        ["'[1, 2'", 'fromJSON(): the text is not valid JSON'],
        ["''", 'FromJson(): the text is empty'],
        ["'[1, [2, 1e400]]'", 'fromJSON(): a number in the text is too large to hold (it would read as Infinity)'],
      ],
    );
  });

  it('lets names read only what is known when the run starts', () => {
    const text = yaml(
      ...header.slice(0, 1),
      'name: Deploy ${{ inputs.target }} ${{ run.id }}',
      'inputs: { target: { default: prod } }',
      'nodes:',
      '  a: { run: x, outputs: [v] }',
      '  b:',
      '    name: ${{ workflow.name }} on ${{ matrix.os }} ${{ nodes.a.outputs.v }}',
      '    needs: a',
      '    matrix: { os: [linux] }',
      '    run: x',
    );
    const found = diagnose(text);
    assert.deepEqual(
      found.map((d) => [d.code, d.text]),
      [['unreachable-reference', 'nodes']],
    );
    assert.match(found[0].message, /a node's name is evaluated when the run starts: it can read inputs, matrix, run, workflow, not nodes/);
    const [w] = diagnose(yaml('version: 1', 'name: ${{ workflow.name }}', 'nodes: { a: { run: x } }'));
    assert.match(w.message, /the workflow's name .* can read inputs, run, not workflow/);
  });

  it('refuses names that differ only in case, which expressions could not tell apart', () => {
    const found = diagnose(yaml(...header, 'inputs: { env: {}, Env: {} }', 'nodes:', '  build: { run: x }', '  Build: { run: x }'));
    assert.deepEqual(
      found.map((d) => [d.code, d.text]),
      [
        ['ambiguous-name', 'Env'],
        ['ambiguous-name', 'Build'],
      ],
    );
  });
});

describe('validator: script injection', () => {
  const wf = (...lines: string[]) => yaml(...header, 'inputs: { target: { default: prod } }', 'nodes:', '  build: { run: x, outputs: [version] }', ...lines);

  it('warns about inputs and upstream outputs put into a script, not about trusted values', () => {
    const text = wf(
      '  deploy:',
      '    needs: build',
      '    matrix: { os: [linux] }',
      "    run: echo ${{ matrix.os }} ${{ run.id }} ${{ nodes.build.status }} ${{ inputs.target }} ${{ format('{0}', nodes.build.outputs.version) }}",
    );
    const found = diagnose(text).filter((d) => d.code === 'script-injection');
    assert.deepEqual(
      found.map((d) => [d.severity, d.text]),
      [
        ['warning', '${{ inputs.target }}'],
        ['warning', "${{ format('{0}', nodes.build.outputs.version) }}"],
      ],
    );
    assert.match(found[0].message, /inputs\.target goes into the script as shell code.*"\$TARGET"/);
    assert.deepEqual(injections(wf('  deploy: { needs: build, env: { V: "${{ inputs.target }}" }, if: inputs.target, run: echo "$V" }')), []);
  });

  it('moves the value into env, quoted as the shell needs where it stood', () => {
    const cases: [string, string][] = [
      ['echo ${{ inputs.target }}', 'echo "$TARGET"'],
      ['echo "to ${{ inputs.target }}!"', 'echo "to ${TARGET}!"'],
      ["echo 'to ${{ inputs.target }}'", `echo 'to '"$TARGET"''`],
    ];
    for (const [script, expected] of cases) {
      const text = wf('  deploy:', '    needs: build', '    run: |', `      ${script}`);
      const [d] = injections(text);
      const fixed = applyFix(text, d);
      assert.ok(fixed.includes(`      ${expected}\n`), fixed);
      assert.match(fixed, /^ {4}env:\n {6}TARGET: "\$\{\{ inputs\.target \}\}"\n {4}run: \|$/m);
      assert.deepEqual(diagnose(fixed), [], fixed);
    }
  });

  it('adds to an env the node has, in block or flow style, and picks a name no env uses', () => {
    const block = wf('  deploy:', '    needs: build', '    env:', '      VERSION: other', '    run: echo ${{ nodes.build.outputs.version }}');
    const fixedBlock = applyFix(block, injections(block)[0]);
    assert.match(fixedBlock, / {4}env:\n {6}VERSION: other\n {6}BUILD_VERSION: "\$\{\{ nodes\.build\.outputs\.version \}\}"\n {4}run: echo "\$BUILD_VERSION"/);
    assert.deepEqual(diagnose(fixedBlock), []);
    const flow = wf('  deploy: { needs: build, env: { A: b }, run: "echo ${{ inputs.target }}" }');
    const fixedFlow = applyFix(flow, injections(flow)[0]);
    assert.match(fixedFlow, /env: \{ A: b, TARGET: "\$\{\{ inputs\.target \}\}" \}, run: "echo \\"\$TARGET\\""/);
    assert.deepEqual(diagnose(fixedFlow), []);
  });

  it('reuses a variable that holds the same expression, and offers no fix where the edit cannot be written', () => {
    const reuse = wf('  deploy:', '    needs: build', '    env: { T: "${{ inputs.target }}" }', '    run: echo ${{ inputs.target }} "$T"');
    const [d] = injections(reuse);
    assert.equal(d.fixes![0].edits.length, 1);
    assert.match(applyFix(reuse, d), /run: echo "\$T" "\$T"/);
    const plainStart = wf('  deploy:', '    needs: build', '    run: ${{ inputs.target }}');
    assert.equal(injections(plainStart)[0].fixes, undefined);
  });

  it('says what a value in a here-document the shell does not expand becomes, and offers no fix there', () => {
    const run = ['    run: |', "      python3 - <<'EOF'", '      print("to ${{ inputs.target }}")', '      EOF', '      echo ${{ inputs.target }}'];
    const [inDocument, inShell] = injections(wf('  deploy:', '    needs: build', ...run));
    assert.match(
      inDocument.message,
      /^inputs\.target goes into a here-document as it is: whatever reads the document reads the value as its own code, and a value with the document's last line in it would end the document and run the lines after it as shell code\. Pass it through env and read the variable TARGET where the document is read$/,
    );
    assert.equal(inDocument.fixes, undefined);
    assert.match(inShell.message, /goes into the script as shell code/);
    assert.equal(inShell.fixes?.length, 1);
  });

  it('says how a Python or JavaScript script reads the variable, and offers no shell fix that would break it', () => {
    const python = wf('  deploy:', '    needs: build', '    shell: python3 -u', '    run: |', '      print("to ${{ inputs.target }}")');
    const [p] = injections(python);
    assert.match(
      p.message,
      /^inputs\.target goes into the script as Python code: .* would run\. Pass it through env and read it in the script: os\.environ\["TARGET"\]$/,
    );
    assert.equal(p.fixes, undefined);
    const node = yaml(...header, 'inputs: { target: {} }', 'defaults: { shell: node }', 'nodes:', '  a: { run: "console.log(`${{ inputs.target }}`)" }');
    const [j] = injections(node);
    assert.match(j.message, /as JavaScript code: .* read it in the script: process\.env\.TARGET$/);
    assert.equal(j.fixes, undefined);
    const [r] = injections(wf('  deploy: { needs: build, shell: ruby, run: "puts ${{ inputs.target }}" }'));
    assert.match(r.message, /as code of its shell 'ruby': .* read the variable TARGET in the script$/);
    assert.equal(r.fixes, undefined);
    // A POSIX shell by its path is still given the fix.
    assert.equal(injections(wf('  deploy: { needs: build, shell: /bin/sh, run: "echo ${{ inputs.target }}" }'))[0].fixes?.length, 1);
  });
});

describe('validator: values the schema cannot check', () => {
  const sub = (inputs: Record<string, InputSpec>) => ({ fileExists: () => true, workflowInputs: () => inputs });
  const input = (name: string, type: InputSpec['type'], extra: Partial<InputSpec> = {}): InputSpec => ({ name, type, required: false, ...extra });

  it("checks a sub-workflow's with: against the inputs it declares", () => {
    const inputs = { region: input('region', 'string', { required: true }), replicas: input('replicas', 'number'), canary: input('canary', 'boolean') };
    const text = yaml(...header, 'nodes:', '  deploy:', '    workflow: deploy.workflow.yaml', '    with: { regoin: eu, replicas: many, canary: "yes" }');
    const found = diagnose(text, sub(inputs));
    assert.deepEqual(
      found.map((d) => [d.code, d.text]),
      [
        ['invalid-input', 'with'],
        ['invalid-input', 'regoin'],
        ['invalid-input', 'many'],
        ['invalid-input', '"yes"'],
      ],
    );
    assert.match(found[0].message, /requires 'region', which with: does not give/);
    assert.match(found[1].message, /has no input 'regoin' — did you mean 'region'\?/);
    assert.match(found[2].message, /is a number, not 'many'/);
    assert.match(found[3].message, /is a boolean: give true or false, not 'yes'/);
    const fine = yaml(
      ...header,
      'inputs: { r: {} }',
      'nodes:',
      '  deploy:',
      '    workflow: d.workflow.yaml',
      '    with: { region: "${{ inputs.r }}", replicas: 2, canary: true }',
    );
    assert.deepEqual(diagnose(fine, sub(inputs)), []);
  });

  it("checks an input's default against its type", () => {
    const found = diagnose(
      yaml(
        ...header,
        'inputs:',
        '  n: { type: number, default: abc }',
        '  b: { type: boolean, default: "yes" }',
        '  s: { type: string, default: 3 }',
        'nodes: { a: { run: x } }',
      ),
    );
    assert.deepEqual(
      found.map((d) => [d.code, d.text]),
      [
        ['invalid-input', 'abc'],
        ['invalid-input', '"yes"'],
      ],
    );
    assert.match(found[0].message, /input 'n' is a number, so its default must be a number such as 3, not "abc"/);
  });

  it('says an approval gate waits for approval.timeout alone', () => {
    const found = diagnose(
      yaml(
        ...header,
        'defaults: { timeout: 5m }',
        'nodes:',
        '  gate:',
        '    timeout: 1h',
        '    approval: { prompt: ok? }',
        '  bounded: { approval: { timeout: 1h } }',
      ),
    );
    assert.deepEqual(
      found.map((d) => [d.code, d.severity, d.text]),
      [
        ['ignored-setting', 'warning', 'timeout'],
        ['ignored-setting', 'error', 'timeout'],
      ],
    );
    assert.match(found[0].message, /defaults\.timeout does not bound approval gates \(gate wait/);
    assert.match(found[1].message, /approval: \{ timeout: … \}/);
  });

  it("refuses artifacts outside the node's folder", () => {
    const found = diagnose(yaml(...header, 'nodes:', '  a:', '    run: x', '    artifacts: [/tmp/out.txt, ../up.txt, "C:\\\\x", ok/*.txt, "${{ inputs.x }}"]'));
    assert.deepEqual(
      found.filter((d) => d.code === 'invalid-artifact').map((d) => d.text),
      ['/tmp/out.txt', '../up.txt', '"C:\\\\x"'],
    );
  });
});

describe('validator: mutex', () => {
  it('takes a name or a list of names on a node that runs a script, each name once', () => {
    const text = yaml(...header, 'nodes:', '  a: { run: x, mutex: port-5432 }', '  b: { run: x, mutex: [port-5432, deploy.staging_2] }');
    assert.deepEqual(diagnose(text), []);
    assert.deepEqual(
      validateWorkflow(text).workflow.nodes.map((n) => n.mutex),
      [['port-5432'], ['port-5432', 'deploy.staging_2']],
    );
  });

  it('says where a name is not one, is written twice, or is given to a gate or a sub-workflow node', () => {
    const found = diagnose(
      yaml(
        ...header,
        'nodes:',
        '  a: { run: x, mutex: "team/db" }',
        '  b: { run: x, mutex: [db, db] }',
        '  c: { run: x, mutex: [] }',
        '  gate: { approval: {}, mutex: db }',
        '  sub: { workflow: ./other.workflow.yaml, mutex: db }',
      ),
    ).filter((d) => d.code === 'schema' || d.code === 'ignored-setting');
    assert.deepEqual(
      found.map((d) => [d.code, d.message]),
      [
        ['schema', "'team/db' is not a valid mutex name: start with a letter or digit, then use letters, digits, '_', '.' or '-'"],
        ['schema', "'mutex' lists 'db' twice"],
        ['schema', "'mutex' needs at least 1 item"],
        ['ignored-setting', "'gate' is an approval gate: only an attempt of a script holds a mutex — remove mutex"],
        ['ignored-setting', "'sub' is a sub-workflow node (give mutex to the nodes of its file): only an attempt of a script holds a mutex — remove mutex"],
      ],
    );
  });
});

describe('validator: keys plain data cannot hold', () => {
  it("says where a key is '__proto__', and checks the rest as if it were not there", () => {
    const text = yaml(
      ...header,
      'inputs:',
      '  __proto__: { default: x }',
      '  fine: { default: y }',
      'nodes:',
      '  __proto__: { run: "true" }',
      '  a: { run: "true", env: { __proto__: z, B: "${{ inputs.fine }}" } }',
    );
    const d = diagnose(text);
    assert.deepEqual(
      d.map((x) => [x.code, x.line, x.text]),
      [
        ['reserved-key', 4, '__proto__'],
        ['reserved-key', 7, '__proto__'],
        ['reserved-key', 8, '__proto__'],
      ],
    );
    assert.match(d[0].message, /JavaScript gives the name a meaning of its own/);
    const { workflow } = validateWorkflow(text);
    assert.deepEqual(Object.keys(workflow.inputs), ['fine']);
    assert.deepEqual(
      workflow.nodes.map((n) => [n.id, n.env]),
      [['a', { B: '${{ inputs.fine }}' }]],
    );
  });
});
