import { strict as assert } from 'node:assert';
import { ExpressionError, type Value } from '../../src/engine/expressions/ast';
import { evaluate, isTruthy, type EvaluationScope } from '../../src/engine/expressions/evaluate';
import { MAX_EXPRESSION_DEPTH, parseExpression } from '../../src/engine/expressions/parser';
import { conditionSource, findTemplates } from '../../src/engine/expressions/template';

const scope: EvaluationScope = {
  contexts: {
    inputs: { target: 'prod', count: 3, strict: false },
    nodes: { build: { status: 'completed', outputs: { version: '1.2.3', json: '{"a":[1,2]}' } } },
    matrix: { shard: 2 },
    run: { id: 'r1' },
    workflow: { name: 'Release' },
    env: { HOME: '/home/me' },
  },
};
const run = (source: string, s: EvaluationScope = scope): Value => evaluate(parseExpression(source), s);

describe('expression language', () => {
  it('reads contexts through properties and indexes', () => {
    assert.equal(run('inputs.target'), 'prod');
    assert.equal(run('nodes.build.outputs.version'), '1.2.3');
    assert.equal(run("nodes['build'].outputs['version']"), '1.2.3');
    assert.equal(run('matrix.shard'), 2);
    assert.equal(run('nodes.missing.outputs.x'), null);
    assert.equal(run('run.id'), 'r1');
  });

  it('compares as GitHub Actions does', () => {
    assert.equal(run("nodes.build.status == 'COMPLETED'"), true, 'strings compare case-insensitively');
    assert.equal(run("matrix.shard == '2'"), true, 'mixed types compare as numbers');
    assert.equal(run('null == null'), true);
    assert.equal(run("null == 'x'"), false);
    assert.equal(run('inputs.count > 2 && inputs.count <= 3'), true);
    assert.equal(run("'b' > 'a'"), true);
    assert.equal(run('!inputs.strict'), true);
    assert.equal(run('1 != 2'), true);
  });

  it('returns operand values from && and ||', () => {
    assert.equal(run("inputs.missing || 'fallback'"), 'fallback');
    assert.equal(run("inputs.target && 'yes'"), 'yes');
    assert.equal(run('(inputs.strict || inputs.count) == 3'), true);
  });

  it('calls the built-in functions', () => {
    assert.equal(run("contains('Hello world', 'WORLD')"), true);
    assert.equal(run("contains(fromJSON('[1, 2, 3]'), 2)"), true);
    assert.equal(run("startsWith(inputs.target, 'pr')"), true);
    assert.equal(run("endsWith(inputs.target, 'od')"), true);
    assert.equal(run("format('{0}-{1} {{literal}}', inputs.target, matrix.shard)"), 'prod-2 {literal}');
    assert.equal(run('toJSON(matrix)'), '{\n  "shard": 2\n}');
    assert.deepEqual(run('fromJSON(nodes.build.outputs.json).a'), [1, 2]);
    assert.equal(run('always()'), true);
    assert.equal(run('success()'), true, 'with no status source, success() holds');
  });

  it('asks the scope for status functions', () => {
    const status = { success: () => false, failure: () => true, cancelled: () => false };
    assert.equal(run('failure() && !success()', { ...scope, status }), true);
  });

  it('parses literals', () => {
    assert.equal(run("'it''s'"), "it's");
    assert.equal(run('-1.5'), -1.5);
    assert.equal(run('0x10'), 16);
    assert.equal(run('true'), true);
    assert.equal(run('null'), null);
  });

  it('reports syntax errors with the span of the offending token', () => {
    const cases: [string, RegExp, number][] = [
      ['nodes.deploy.status ==', /expected a value, found the end/, 21],
      ['a = b', /unexpected character '='.*'=='/, 2],
      ['"x"', /single quotes/, 0],
      ["'open", /unterminated string/, 0],
      ['(a', /expected '\)'/, 1],
      ['a b', /unexpected 'b'/, 2],
      ['', /empty/, 0],
      ['contains(a)', /contains\(\) takes 2 arguments, not 1/, 0],
      ['a.', /property name/, 1],
    ];
    for (const [source, message, start] of cases) {
      assert.throws(
        () => parseExpression(source),
        (e: unknown) => e instanceof ExpressionError && message.test(e.message) && e.span.start === start,
        `${source} should fail with ${String(message)} at ${start}`,
      );
    }
  });

  it('refuses expressions nested deeper than recursion can walk, however they nest', () => {
    const n = MAX_EXPRESSION_DEPTH;
    const deep = (k: number) => [
      '('.repeat(k) + '1' + ')'.repeat(k),
      '!'.repeat(k) + 'true',
      Array(k + 1)
        .fill('a')
        .join(' || '),
      'a' + '.b'.repeat(k),
      'f('.repeat(k) + '1' + ')'.repeat(k),
    ];
    const scope: EvaluationScope = { contexts: { a: { b: null } } };
    for (const source of deep(n / 2 - 1))
      assert.doesNotThrow(() => evaluate(parseExpression(source.replaceAll('f(', 'fromJSON(')), scope), source.slice(0, 20));
    for (const source of deep(20_000)) {
      assert.throws(
        () => parseExpression(source),
        (e: unknown) => e instanceof ExpressionError && /nested more than 100 levels deep/.test(e.message),
        source.slice(0, 20),
      );
    }
  });

  it('follows truthiness rules', () => {
    for (const v of [false, 0, '', null, NaN]) assert.equal(isTruthy(v), false, String(v));
    for (const v of [true, 1, 'x', [], {}]) assert.equal(isTruthy(v as Value), true, JSON.stringify(v));
  });

  it('finds ${{ }} templates, skipping braces in strings', () => {
    const parts = findTemplates("echo ${{ inputs.a }} and ${{ format('}}', 1) }}");
    assert.equal(parts.length, 2);
    assert.equal(parts[0].source.trim(), 'inputs.a');
    assert.equal(parts[1].source.trim(), "format('}}', 1)");
    assert.deepEqual(parts[0].span, { start: 5, end: 20 });
    const unclosed = findTemplates('echo ${{ inputs.a');
    assert.equal(unclosed.length, 1);
    assert.match(unclosed[0].error!.message, /not closed/);
  });

  it('accepts a condition bare or wrapped', () => {
    assert.deepEqual(conditionSource('${{ always() }}'), { source: ' always() ', offset: 3 });
    assert.deepEqual(conditionSource('always()'), { source: 'always()', offset: 0 });
  });
});
