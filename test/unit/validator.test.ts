import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { fixAllEdits } from '../../src/engine/validation/fixAll';
import { codes, diagnose, yaml } from './helpers';

const header = ['version: 1', 'name: Test'];

describe('validator', () => {
  it('accepts a complete workflow with no diagnostics', () => {
    const text = yaml(
      ...header,
      'inputs:',
      '  target: { type: string, default: prod }',
      'env: { CI: "true" }',
      'concurrency: 2',
      'timeout: 1h30m',
      'defaults: { timeout: 5m, retry: { max: 2, backoff: exponential, delay: 1s, maxDelay: 30s } }',
      'nodes:',
      '  build:',
      '    run: echo "version=1" >> "$MAESTRO_OUTPUT"',
      '    outputs: [version]',
      '  test:',
      '    needs: build',
      '    matrix: { os: [linux, mac], node: [18, 20] }',
      '    env: { VERSION: "${{ nodes.build.outputs.version }}" }',
      '    run: echo ${{ matrix.os }} "$VERSION"',
      '  gate:',
      '    needs: [test]',
      '    approval: { prompt: Ship?, timeout: 1h }',
      '  deploy:',
      '    needs: [gate]',
      "    if: nodes.build.outputs.version != '' && inputs.target == 'prod'",
      '    env: { TARGET: "${{ inputs.target }}" }',
      '    run: ./deploy "$TARGET" ${{ run.id }} ${{ workflow.name }} ${{ env.HOME }}',
    );
    assert.deepEqual(diagnose(text), []);
  });

  it('puts an unknown property on its key, with a suggestion and a fix', () => {
    const text = yaml(...header, 'nodes:', '  build:', '    run: make', '    nedds: [x]');
    const [d] = diagnose(text);
    assert.equal(d.code, 'schema');
    assert.equal(d.text, 'nedds');
    assert.match(d.message, /unknown property 'nedds'.*did you mean 'needs'\?/);
    const result = validateWorkflow(text);
    assert.deepEqual(result.diagnostics[0].fixes?.[0].edits[0].newText, 'needs');
  });

  it('puts a wrong value on the value', () => {
    const [d] = diagnose(yaml(...header, 'concurrency: -2', 'nodes: { a: { run: x } }'));
    assert.deepEqual([d.line, d.column, d.endColumn, d.text], [3, 14, 16, '-2']);
    assert.match(d.message, /at least 1/);
  });

  it('explains alternatives by the branch that fits the value', () => {
    const d = diagnose(yaml(...header, 'nodes:', '  a:', '    run: x', '    retry: { max: many }'));
    assert.equal(d.length, 1);
    assert.equal(d[0].text, 'many');
    assert.match(d[0].message, /'max' must be a whole number, not 'many'/);
    const e = diagnose(yaml(...header, 'nodes:', '  a:', '    run: x', '    retry: [1]'));
    assert.equal(e.length, 1);
    assert.match(e[0].message, /'retry' must be a whole number or a mapping, not a list/);
  });

  it('reports node kinds on the node key', () => {
    const text = yaml(...header, 'nodes:', '  both:', '    run: a', '    approval: { prompt: p }', '  neither:', '    phase: x');
    const d = diagnose(text);
    assert.deepEqual(
      d.map((x) => [x.line, x.text]),
      [
        [4, 'both'],
        [7, 'neither'],
      ],
    );
    assert.match(d[0].message, /has 'run' and 'approval'/);
    assert.match(d[1].message, /nothing to do/);
  });

  it('reports missing top-level properties on line 1', () => {
    const d = diagnose(yaml('name: x', 'nodes: { a: { run: x } }'));
    assert.deepEqual(
      d.map((x) => [x.line, x.code]),
      [[1, 'schema']],
    );
    assert.match(d[0].message, /missing the required property 'version'/);
  });

  it('reports empty and non-mapping documents', () => {
    assert.deepEqual(codes(''), ['1:schema']);
    assert.deepEqual(codes('- a\n- b\n'), ['1:schema']);
    assert.match(diagnose('just text')[0].message, /must be a mapping/);
  });

  it('checks durations with their own code', () => {
    const d = diagnose(yaml(...header, 'timeout: forever', 'nodes:', '  a: { run: x, timeout: 5 minutes, retry: { max: 1, delay: soon } }'));
    assert.deepEqual(
      d.map((x) => [x.code, x.text]),
      [
        ['invalid-duration', 'forever'],
        ['invalid-duration', '5 minutes'],
        ['invalid-duration', 'soon'],
      ],
    );
  });

  it('reports numbers YAML reads as infinite or not a number, where they are written, once each', () => {
    const d = diagnose(
      yaml(
        ...header,
        'concurrency: .inf',
        'inputs: { size: { type: number, default: 1e999 } }',
        'nodes:',
        '  a:',
        '    run: x',
        '    retry: { max: 1e400, delay: 1s }',
        '    timeout: .NaN',
        '    env: { A: -.Inf, B: ".inf", C: 1e300, D: 0x' + 'f'.repeat(300) + ', E: ' + '9'.repeat(400) + ' }',
      ),
    );
    assert.deepEqual(
      d.map((x) => [x.code, x.text]),
      [
        ['not-finite', '.inf'],
        ['not-finite', '1e999'],
        ['not-finite', '1e400'],
        ['not-finite', '.NaN'],
        ['not-finite', '-.Inf'],
        ['not-finite', `0x${'f'.repeat(300)}`],
        ['not-finite', '9'.repeat(400)],
      ],
    );
    assert.match(d[0].message, /^'\.inf' is infinite: write a finite number, or quote it to make it a string$/);
    assert.match(d[2].message, /^'1e400' is too large to be a number \(it would be infinite\)/);
    assert.match(d[3].message, /^'\.NaN' is not a number/);
    assert.match(d[6].message, /^'9{20}…' is too large/, 'a long number shown by its start');
  });

  it('reports a key YAML reads as infinite or not a number, which would name a node or a variable Infinity or NaN', () => {
    const d = diagnose(yaml(...header, 'nodes:', '  1e400:', '    run: x', '  .nan:', '    run: x', '    env: { -.inf: 1 }'));
    assert.deepEqual(
      d.map((x) => [x.line, x.code, x.text]),
      [
        [4, 'not-finite', '1e400'],
        [6, 'not-finite', '.nan'],
        [8, 'not-finite', '-.inf'],
      ],
    );
  });

  it('names a list item by its place, and a key that is a number as the key', () => {
    const d = diagnose(yaml(...header, 'nodes:', '  a:', '    run: x', '    matrix: { x: [1, null] }', '    env: { "0": [1] }'));
    assert.deepEqual(
      d.map((x) => x.message),
      [
        "item 2 of 'x' must be a value (a string, number, boolean, list or mapping), not empty",
        "'0' must be a string or a number or true or false, not a list",
      ],
    );
  });

  it('rejects invalid node ids on the key, once', () => {
    const d = diagnose(yaml(...header, 'nodes:', '  "bad id": { run: x }'));
    assert.deepEqual(
      d.map((x) => [x.text, x.message]),
      [['"bad id"', "'bad id' is not a valid node id: start with a letter or '_', then use letters, digits, '_' or '-'"]],
    );
    const empty = diagnose(yaml(...header, 'nodes:', '  ~: { run: x }', '  a: { run: x }'));
    assert.deepEqual(
      empty.map((x) => [x.line, x.text]),
      [[4, '~']],
      'a null key is the id ""',
    );
  });

  it('names what an invalid name would have named, and refuses environment variable names that set another', () => {
    const d = diagnose(
      yaml(
        ...header,
        'inputs: { "a b": { type: string } }',
        'env: { "A=B": x, OK_1: y }',
        'nodes:',
        '  n: { run: x, outputs: ["out put"], matrix: { "k k": [1] }, env: { "": z } }',
      ),
    );
    assert.deepEqual(
      d.map((x) => x.message.replace(/:.*/, '')),
      [
        "'a b' is not a valid input name",
        "'A=B' cannot name an environment variable",
        "'out put' is not a valid output name",
        "'k k' is not a valid matrix key",
        "'' cannot name an environment variable",
      ],
    );
  });

  it('finds keys written twice that YAML tells apart and the workflow cannot (1 and "1", true and "true")', () => {
    const d = diagnose(yaml(...header, 'nodes:', '  true: { run: one, env: { 1: a, "1": b } }', '  "true": { run: two }'));
    assert.deepEqual(
      d.map((x) => [x.code, x.line, x.text]),
      [
        ['duplicate-key', 4, '"1"'],
        ['duplicate-key', 5, '"true"'],
      ],
    );
  });

  it('finds unknown and self dependencies, with suggestions', () => {
    const d = diagnose(
      yaml(...header, 'nodes:', '  build: { run: x }', '  test:', '    needs: [biuld, test]', '    run: y', '  solo: { needs: nothing_like_it, run: z }'),
    );
    assert.deepEqual(
      d.map((x) => [x.code, x.text]),
      [
        ['unknown-dependency', 'biuld'],
        ['self-dependency', 'test'],
        ['unknown-dependency', 'nothing_like_it'],
      ],
    );
    assert.match(d[0].message, /did you mean 'build'\?/);
    assert.match(d[2].message, /nodes: build, test, solo/);
  });

  it('reports every edge of a cycle, with its path and related spans', () => {
    const text = yaml(...header, 'nodes:', '  a: { needs: [c], run: x }', '  b: { needs: [a], run: x }', '  c: { needs: [b, d], run: x }', '  d: { run: x }');
    const result = validateWorkflow(text);
    const cycles = result.diagnostics.filter((d) => d.code === 'cycle');
    assert.equal(cycles.length, 3);
    assert.match(cycles[0].message, /a → c → b → a/);
    assert.equal(cycles[0].related?.length, 3);
  });

  it('finds duplicate keys on the second key', () => {
    const [d] = diagnose(yaml(...header, 'nodes:', '  build: { run: a }', '  build: { run: b }'));
    assert.deepEqual([d.code, d.line, d.text], ['duplicate-key', 5, 'build']);
  });

  it('reports YAML syntax errors and keeps checking the rest', () => {
    const text = yaml(...header, 'nodes:', '  a:', '    run: x', '   bad: indent', '  c:', '    needs: [zzz]', '    run: y');
    const d = diagnose(text);
    assert.deepEqual(
      d.filter((x) => x.code === 'yaml-syntax').map((x) => x.line),
      [6],
    );
    assert.ok(
      d.some((x) => x.code === 'unknown-dependency' && x.text === 'zzz'),
      'the intact node is still checked',
    );
  });

  it('explains a colon inside an unquoted value', () => {
    const [d] = diagnose(yaml(...header, 'nodes:', '  a:', '    run: echo "${{ run.id }}: done"'));
    assert.equal(d.code, 'yaml-syntax');
    assert.match(d.message, /put the value in quotes/);
  });

  it('says collections nested too deeply to read are nested too deeply, not that a stack ran out', () => {
    const deep = yaml(...header, 'nodes:', '  a:', '    run: x', `    env: ${'['.repeat(5000)}${']'.repeat(5000)}`);
    const [d] = diagnose(deep).filter((x) => x.code === 'yaml-syntax');
    assert.equal(d?.line, 6);
    assert.match(d.message, /nested too deeply/);
    assert.doesNotMatch(d.message, /call stack/i);
  });

  it('does not report what a syntax error broke, and says each syntax error once', () => {
    assert.deepEqual(codes(yaml(...header, 'nodes:', '  build:', '\trun: echo build')), ['5:yaml-syntax']);
    assert.deepEqual(
      codes(yaml(...header, 'nodes:', '  a:', '    needs: [b', '    run: x')).filter((c) => c.endsWith('yaml-syntax')),
      ['6:yaml-syntax'],
    );
  });

  describe('expressions', () => {
    const wf = (...nodeLines: string[]) =>
      yaml(...header, 'inputs: { target: { default: prod } }', 'nodes:', '  build:', '    run: x', '    outputs: [version]', ...nodeLines);

    it('puts an unknown input on its name, inside the template', () => {
      const [d] = diagnose(wf('  deploy:', '    needs: build', '    run: echo ${{ inputs.tagret }}'));
      assert.deepEqual([d.code, d.text], ['unknown-reference', 'tagret']);
      assert.match(d.message, /did you mean 'target'/);
    });

    it('points at the error inside an invalid expression', () => {
      const [d] = diagnose(wf('  deploy:', '    needs: build', '    if: ${{ nodes.build.status == }}', '    run: x'));
      assert.equal(d.code, 'invalid-expression');
      assert.equal(d.line, 10);
    });

    it('checks bare conditions', () => {
      const [d] = diagnose(wf('  deploy:', '    needs: build', "    if: nodes.build.status = 'completed'", '    run: x'));
      assert.equal(d.code, 'invalid-expression');
      assert.equal(d.text, '=');
    });

    it('requires nodes to be upstream', () => {
      const [d] = diagnose(wf('  audit:', '    run: echo ${{ nodes.build.outputs.version }}'));
      assert.deepEqual([d.code, d.text], ['unreachable-reference', 'build']);
      const upstreamTwice = diagnose(wf('  mid: { needs: build, run: x }', '  last:', '    needs: mid', '    if: nodes.build.outputs.version', '    run: x'));
      assert.deepEqual(upstreamTwice, [], 'transitive ancestors are upstream');
    });

    it('warns about undeclared outputs, with fixes that write the one meant or declare it', () => {
      const text = wf('  deploy:', '    needs: build', '    run: echo ${{ nodes.build.outputs.verison }}');
      const [d] = diagnose(text);
      assert.deepEqual([d.code, d.severity, d.text], ['undeclared-output', 'warning', 'verison']);
      assert.match(d.message, /did you mean 'version'/);
      const [meant, declare] = validateWorkflow(text).diagnostics[0].fixes!;
      assert.deepEqual([meant.title, meant.edits[0].newText], ["Change to 'version'", 'version']);
      assert.equal(declare.edits[0].newText, ', verison');
    });

    it('adds the node read to the needs of the node that reads it, in the style its needs are written, unless that closes a cycle', () => {
      const read = '    run: echo "$V"\n    env: { V: "${{ nodes.build.outputs.version }}" }';
      const fixedBy = (text: string) => {
        const [d] = validateWorkflow(text).diagnostics;
        assert.equal(d?.code, 'unreachable-reference', text);
        const fix = d.fixes?.[0];
        if (!fix) return undefined;
        assert.equal(fix.title, "Add 'build' to the needs of 'deploy'");
        const after = [...fix.edits]
          .sort((a, b) => b.span.start - a.span.start)
          .reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);
        assert.deepEqual(validateWorkflow(after).diagnostics, [], after);
        return after;
      };
      const lint = ['  lint:', '    run: x'];
      assert.match(fixedBy(wf('  deploy:', read))!, /deploy:\n {4}needs: build\n {4}run:/);
      assert.match(fixedBy(wf(...lint, '  deploy:', '    needs: lint', read))!, /needs: \[lint, build\]/);
      assert.match(fixedBy(wf(...lint, '  deploy:', '    needs: [lint]', read))!, /needs: \[lint, build\]/);
      assert.match(fixedBy(wf(...lint, '  deploy:', '    needs:', '      - lint   # first', read))!, /- lint {3}# first\n {6}- build\n/);
      // build reads deploy, which needs build: deploy cannot be made upstream of build.
      const cycle = yaml(
        ...header,
        'nodes:',
        '  build:',
        '    run: echo "$V"',
        '    env: { V: "${{ nodes.deploy.outcome }}" }',
        '  deploy: { needs: build, run: x }',
      );
      assert.equal(fixedBy(cycle), undefined);
    });

    it('fixes a misspelt name in an expression where it is written as it is, and all of them at once', () => {
      const text = wf(
        '  t:',
        '    needs: build',
        '    matrix: { shard: [1, 2] }',
        '    run: echo "$A $B $C $D $E"',
        '    env:',
        '      A: ${{ nodes.biuld.outputs.version }}',
        '      B: ${{ nodes.build.outptus.version }}',
        '      C: ${{ matrix.sahrd }}',
        '      D: ${{ input.target }}',
        "      E: ${{ nodes['biuld'].status }}",
      );
      const found = validateWorkflow(text).diagnostics;
      assert.deepEqual(
        found.map((d) => [d.code, d.fixes?.map((f) => f.title)]),
        [
          ['unknown-reference', ["Change to 'build'"]],
          ['unknown-reference', ["Change to 'outputs'"]],
          ['unknown-reference', ["Change to 'shard'"]],
          ['unknown-reference', ["Change to 'inputs'"]],
          // Quoted in the expression: the message says what is meant, and the literal is left to be changed by hand.
          ['unknown-reference', undefined],
        ],
      );
      const all = fixAllEdits(found);
      const fixed = [...all.edits]
        .sort((a, b) => b.span.start - a.span.start)
        .reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);
      assert.deepEqual(
        validateWorkflow(fixed).diagnostics.map((d) => d.message),
        [found[4].message],
      );
    });

    it('reports unknown contexts, functions, node fields and matrix keys', () => {
      const d = diagnose(
        wf(
          '  t:',
          '    needs: build',
          '    matrix: { shard: [1, 2] }',
          '    run: ${{ secrets.x }} ${{ lenght(1) }} ${{ nodes.build.outptus }} ${{ matrix.sahrd }} ${{ nodes.nope.status }} ${{ run.number }}',
        ),
      );
      assert.deepEqual(
        d.map((x) => x.text),
        ['secrets', 'lenght', 'outptus', 'sahrd', 'nope', 'number'],
      );
      assert.ok(d.every((x) => x.code === 'unknown-reference'));
    });

    it('maps positions inside block scalars', () => {
      const [d] = diagnose(wf('  deploy:', '    needs: build', '    run: |', '      echo start', '      echo ${{ inputs.nope }}'));
      assert.deepEqual([d.line, d.column, d.text], [12, 23, 'nope']);
    });

    it('keeps nodes out of workflow-level expressions', () => {
      const [d] = diagnose(yaml(...header, 'env: { V: "${{ nodes.a.status }}" }', 'nodes: { a: { run: x } }'));
      assert.equal(d.code, 'unreachable-reference');
    });
  });

  it('refuses a NUL character in what a process is given, where it is written', () => {
    const text = yaml(
      ...header,
      'env: { TOP: "a\\x00" }',
      'defaults: { cwd: "d\\u0000" }',
      'nodes:',
      '  a: { run: "echo a\\0b" }',
      '  b: { run: echo, env: { X: "1\\0", "Y\\0": y }, shell: "ba\\0sh" }',
      '  fine: { run: "echo \\\\0 is two characters", name: "a\\0name" }',
    );
    assert.deepEqual(
      diagnose(text).map((d) => [d.code, d.line, d.message.replace(/ holds a NUL.*/, '')]),
      [
        ['schema', 3, "the env value 'TOP' of the workflow"],
        ['schema', 4, 'defaults.cwd'],
        ['schema', 6, "the run of node 'a'"],
        ['schema', 7, "the env value 'X' of node 'b'"],
        ['schema', 7, "'Y\\u0000' cannot name an environment variable: it has a NUL character, which no process can be given"],
        ['schema', 7, "the shell of node 'b'"],
      ],
    );
    assert.match(diagnose(text)[0].message, /holds a NUL character \(written \\0 in YAML\), which no process can be given: remove it$/);
  });

  it('bounds a matrix, on its key, and gives each instance its own id', () => {
    const values = (n: number) => `[${Array.from({ length: n }, (_, i) => i).join(', ')}]`;
    const big = diagnose(yaml(...header, 'nodes:', '  t:', '    run: x', `    matrix: { a: ${values(1000)}, b: ${values(1000)}, c: ${values(1000)} }`));
    assert.deepEqual(
      big.map((d) => [d.code, d.line, d.text]),
      [['invalid-matrix', 6, 'matrix']],
    );
    assert.match(big[0].message, /makes 1,000,000,000 instances \(1000 a × 1000 b × 1000 c\); at most 256/);
    assert.deepEqual(codes(yaml(...header, 'nodes:', '  t:', '    run: x', `    matrix: { a: ${values(16)}, b: ${values(16)} }`)), [], '256 is allowed');
    const dup = diagnose(yaml(...header, 'nodes:', '  t:', '    run: x', '    matrix:', '      os: [linux, mac]', '      s: [1, "2", "1", true, "true"]'));
    assert.deepEqual(
      dup.map((d) => [d.code, d.line, d.text]),
      [
        ['invalid-matrix', 8, '"1"'],
        ['invalid-matrix', 8, '"true"'],
      ],
    );
    assert.match(dup[0].message, /matrix key 's' already has the value "1"/);
  });

  it('rejects timeouts of zero, wherever a timeout can be', () => {
    const text = yaml(
      ...header,
      'timeout: 0s',
      'defaults: { timeout: 0 }',
      'nodes:',
      '  a: { run: x, timeout: 0ms }',
      '  b: { approval: { prompt: ok?, timeout: 0 } }',
      '  c: { run: x, timeout: 1ms }',
    );
    assert.deepEqual(
      diagnose(text).map((d) => [d.code, d.line, d.text]),
      [
        ['invalid-duration', 3, '0s'],
        ['invalid-duration', 4, '0'],
        ['invalid-duration', 6, '0ms'],
        ['invalid-duration', 7, '0'],
      ],
    );
    assert.match(diagnose(text)[0].message, /a timeout of 0 would end it before it starts/);
  });

  it('resolves anchors, aliases and merge keys', () => {
    const text = yaml(...header, 'x-common: &common', '  timeout: 5m', '  retry: 2', 'nodes:', '  a:', '    <<: *common', '    run: x', '  b: *a_missing');
    const d = diagnose(text);
    assert.ok(d.length > 0);
    const merged = yaml(...header, 'defaults: &d { timeout: 5m }', 'nodes:', '  a:', '    run: x', '    <<: *d', '    tiemout: 3s');
    const [e] = diagnose(merged);
    assert.equal(e.text, 'tiemout');
    assert.match(e.message, /did you mean 'timeout'/);
  });

  it('builds the model even from a broken file', () => {
    const { workflow } = validateWorkflow(yaml(...header, 'nodes:', '  a: { run: x }', '  b: { needs: [a, zzz], run: y, timeout: never }'));
    assert.deepEqual(
      workflow.nodes.map((n) => [n.id, n.needs]),
      [
        ['a', []],
        ['b', ['a', 'zzz']],
      ],
    );
    assert.equal(workflow.nodes[1].timeoutMs, undefined);
  });
});

describe('the compiled schema validator', () => {
  it('is the schema as it is now (run `node scripts/compile-schema.mjs` after changing the schema)', async () => {
    const compiler = await import('../../scripts/compile-schema.mjs');
    const schemaText = readFileSync(join(__dirname, '..', '..', 'schemas', 'workflow.schema.json'), 'utf8');
    assert.equal(readFileSync(compiler.OUTPUT, 'utf8'), compiler.compileSchema(schemaText));
  });

  it('is what its generator writes (run `node scripts/generate-schema.mjs > schemas/workflow.schema.json`)', () => {
    const root = join(__dirname, '..', '..');
    const generated = execFileSync(process.execPath, [join(root, 'scripts', 'generate-schema.mjs')], { encoding: 'utf8' });
    assert.equal(readFileSync(join(root, 'schemas', 'workflow.schema.json'), 'utf8'), generated);
  });
});
