import { strict as assert } from 'node:assert';
import { ExpressionError } from '../../src/engine/expressions/ast';
import { evaluate, fromData, isTruthy, toText, type EvaluationScope, type Value } from '../../src/engine/expressions/evaluate';
import { MAX_EXPRESSION_DEPTH, parseExpression } from '../../src/engine/expressions/parser';
import { conditionSource, findTemplates } from '../../src/engine/expressions/template';
import { formatNumber, toData } from '../../src/engine/expressions/values';

const scope: EvaluationScope = {
  contexts: {
    inputs: { target: 'prod', count: 3, strict: false },
    nodes: { build: { status: 'completed', outputs: { version: '1.2.3', json: '{"a":[1,2],"items":[{"name":"x"},{"name":"y"}]}' } } },
    matrix: { shard: 2 },
    run: { id: 'r1' },
    workflow: { name: 'Release' },
    env: { HOME: '/home/me' },
    list: ['a', 'b', 'c'],
    settings: { BAR: 'upper', Mixed: { Deep: 1 } },
  },
};
const value = (source: string, s: EvaluationScope = scope): Value => fromData(evaluate(parseExpression(source), s));
const text = (source: string, s: EvaluationScope = scope): string => toText(evaluate(parseExpression(source), s));

describe('expression language', () => {
  it('reads contexts through properties and indexes', () => {
    assert.equal(value('inputs.target'), 'prod');
    assert.equal(value('nodes.build.outputs.version'), '1.2.3');
    assert.equal(value("nodes['build'].outputs['version']"), '1.2.3');
    assert.equal(value('matrix.shard'), 2);
    assert.equal(value('nodes.missing.outputs.x'), null);
    assert.equal(value('run.id'), 'r1');
    assert.equal(value('unknown.context'), null, 'a context the scope lacks reads null');
  });

  it('binds <, <=, > and >= tighter than == and !=', () => {
    assert.equal(value('0 == 1 < 2'), false);
    assert.equal(value('1 < 2 == true'), true);
    assert.equal(value('2 > 1 != false'), true);
  });

  it('compares text without case by folding to upper case, with GitHub special cases', () => {
    assert.equal(value("nodes.build.status == 'COMPLETED'"), true);
    assert.equal(value("'A' < '['"), true, "'A' folds to 'A', which sorts before '['");
    assert.equal(value("'_' < 'a'"), false, "'a' folds to 'A', which sorts before '_'");
    assert.equal(value("'ς' == 'Σ'"), true, 'final sigma folds to capital sigma');
    assert.equal(value("startsWith('İ_asdf', 'i')"), false, 'dotted capital I is not i');
    assert.equal(value("endsWith('asdf_ς', 'Σ')"), true);
    assert.equal(value("contains('Hello world', 'WORLD')"), true);
  });

  it('compares mixed types as numbers, and objects by identity', () => {
    assert.equal(value("matrix.shard == '2'"), true);
    assert.equal(value('null == null'), true);
    assert.equal(value("null == 'x'"), false);
    assert.equal(value('true == 1'), true);
    assert.equal(value("'' == 0"), true);
    assert.equal(value('inputs == inputs'), true);
    assert.equal(value("fromJSON('[]') == fromJSON('[]')"), false);
  });

  it('takes function names without regard to case', () => {
    assert.deepEqual(value("fromJson('[1]')"), [1]);
    assert.deepEqual(value("FROMJSON('[2]')"), [2]);
    assert.equal(value('toJson(1)'), '1');
    assert.equal(value("STARTSWITH('abc', 'A')"), true);
  });

  it('reads the number literals GitHub reads', () => {
    assert.equal(value('-.5'), -0.5);
    assert.equal(value('0X1F'), 31);
    assert.equal(value('0x10'), 16);
    assert.equal(value('+1'), 1);
    assert.equal(text('NaN'), 'NaN');
    assert.equal(text('Infinity'), 'Infinity');
    assert.equal(text('-Infinity'), '-Infinity');
    assert.equal(value("'it''s'"), "it's");
    assert.equal(value("'a''b''c'''"), "a'b'c'", "every '' in a string is one quote");
    assert.equal(value('null'), null);
  });

  it('writes numbers as text with 15 significant digits', () => {
    assert.equal(text('0.84551240822557006'), '0.84551240822557');
    assert.equal(value("format('{0}', 0.84551240822557006)"), '0.84551240822557');
    assert.equal(value("join(fromJSON('[0.1, 2.50, 3]'), ' ')"), '0.1 2.5 3');
    assert.equal(formatNumber(123456789012345678), '1.23456789012346E+17');
    assert.equal(formatNumber(1e21), '1E+21');
    assert.equal(formatNumber(0.0001), '0.0001');
    assert.equal(formatNumber(0.00001), '1E-05');
    assert.equal(formatNumber(-2.5), '-2.5');
    assert.equal(formatNumber(100), '100');
  });

  it('refuses format strings GitHub refuses', () => {
    assert.equal(value("format('{0}-{1} {{literal}}', inputs.target, matrix.shard)"), 'prod-2 {literal}');
    for (const bad of ["format('{', 1)", "format('}', 1)", "format('{ 0}', 1)", "format('{+0}', 1)", "format('a {0', 1)"]) {
      assert.throws(() => value(bad), /format\(\): the format is invalid/, bad);
    }
    assert.throws(() => value("format('{1}', 'only one')"), /refers to more arguments than were given/);
  });

  it('converts an array index to a number', () => {
    assert.equal(value("list['0']"), 'a');
    assert.equal(value("list[' 0x02 ']"), 'c');
    assert.equal(value('list[true]'), 'b');
    assert.equal(value('list[1.9]'), 'b');
    assert.equal(value('list[5]'), null);
    assert.equal(value("list['x']"), null);
  });

  it('looks up property and context names without regard to case', () => {
    assert.equal(value('settings.bar'), 'upper');
    assert.equal(value("SETTINGS['bar']"), 'upper');
    assert.equal(value('settings.mixed.deep'), 1);
    assert.equal(value('Inputs.Target'), 'prod');
  });

  it('joins lists, with a comma by default', () => {
    assert.equal(value("join(list, ' | ')"), 'a | b | c');
    assert.equal(value('join(list)'), 'a,b,c');
    assert.equal(value("join('single', '-')"), 'single');
    assert.equal(value('join(fromJSON(\'[{"a":1}]\'))'), 'Object');
  });

  it('picks a value with case()', () => {
    assert.equal(value("case(inputs.target == 'prod', 'big', inputs.target == 'dev', 'small', 'none')"), 'big');
    assert.equal(value("case(false, 'a', 'default')"), 'default');
    assert.throws(() => value("case('yes', 1, 2)"), /case\(\).*boolean/);
  });

  it('filters objects and lists with .* and [*]', () => {
    const nodes: EvaluationScope = {
      contexts: { nodes: { a: { status: 'completed', outputs: { v: '1' } }, b: { status: 'failed', outputs: { v: '2' } } } },
    };
    assert.deepEqual(value('nodes.*.status', nodes), ['completed', 'failed']);
    assert.equal(value("contains(nodes.*.status, 'failed')", nodes), true);
    assert.deepEqual(value('nodes.*.outputs.v', nodes), ['1', '2']);
    assert.deepEqual(value('fromJSON(nodes.build.outputs.json).items.*.name'), ['x', 'y']);
    assert.deepEqual(value('fromJSON(nodes.build.outputs.json).items[*].name'), ['x', 'y']);
  });

  it('does not map a property over a list (the filter does that)', () => {
    assert.equal(value('fromJSON(nodes.build.outputs.json).items.name'), null);
  });

  it('reads an empty expression as null', () => {
    assert.equal(value(''), null);
    assert.equal(value('   '), null);
  });

  it('keeps keys an object prototype also has', () => {
    assert.deepEqual(value('fromJSON(\'{"constructor": 1, "__proto__": 2, "toString": 3}\')'), { constructor: 1, ['__proto__']: 2, toString: 3 });
    assert.equal(value('fromJSON(\'{"constructor": 1}\').constructor'), 1);
    assert.equal(value('settings.constructor'), null);
  });

  it('returns operand values from && and ||', () => {
    assert.equal(value("inputs.missing || 'fallback'"), 'fallback');
    assert.equal(value("inputs.target && 'yes'"), 'yes');
    assert.equal(value('(inputs.strict || inputs.count) == 3'), true);
  });

  it('calls the other built-in functions', () => {
    assert.equal(value("contains(fromJSON('[1, 2, 3]'), 2)"), true);
    assert.equal(value("startsWith(inputs.target, 'pr')"), true);
    assert.equal(value("endsWith(inputs.target, 'od')"), true);
    assert.equal(value('toJSON(matrix)'), '{\n  "shard": 2\n}');
    assert.deepEqual(value('fromJSON(nodes.build.outputs.json).a'), [1, 2]);
    assert.equal(value('always()'), true);
    assert.equal(value('success()'), true, 'with no status source, success() holds');
  });

  it('asks the scope for status functions', () => {
    const status = { success: () => false, failure: () => true, cancelled: () => false };
    assert.equal(value('failure() && !success()', { ...scope, status }), true);
  });

  it('never quotes the value a function failed on', () => {
    const secret: EvaluationScope = { contexts: { nodes: { a: { outputs: { token: 'hunter2-is-secret' } } } } };
    assert.throws(
      () => value('fromJSON(nodes.a.outputs.token)', secret),
      (e: Error) =>
        /fromJSON\(\): the text is not valid JSON/.test(e.message) && !/h|u|n|t/.test(e.message.replace(/fromJSON\(\): the text is not valid JSON/, '')),
    );
    assert.throws(
      () => value("format('{', nodes.a.outputs.token)", secret),
      (e: Error) => !e.message.includes('hunter2'),
    );
  });

  it('refuses a JSON number too large to hold, wherever it is, rather than hand a script Infinity', () => {
    for (const json of ['1e400', '[1, -1e999]', '{"a": {"b": [1e400]}}'])
      assert.throws(() => value(`fromJSON('${json}')`), /^Error: fromJSON\(\): a number in the text is too large to hold/, json);
    assert.deepEqual(value("fromJSON('[1e300, -1e-400]')"), [1e300, -0]);
  });

  it('puts values into text: null as nothing, lists and objects as JSON', () => {
    assert.equal(text('null'), '');
    assert.equal(text('true'), 'true');
    assert.equal(text('fromJSON(\'[1,"a"]\')'), '[1,"a"]');
    assert.equal(text('matrix'), '{"shard":2}');
  });

  it('reports syntax errors with the span of the offending token', () => {
    const cases: [string, RegExp, number][] = [
      ['nodes.deploy.status ==', /ends too soon: after '=='/, 21],
      ['a = b', /unexpected character '='.*'=='/, 2],
      ['"x"', /single quotes/, 0],
      ["'open", /unterminated string/, 0],
      ['(a', /ends too soon/, 1],
      ['a b', /unexpected symbol: 'b'/, 2],
      ['contains(a)', /contains\(\) takes 2 arguments/, 0],
      ['a.', /ends too soon: after '\.'/, 1],
      ['x &', /'&&'/, 2],
      ['case(true, 1)', /case\(\) takes at least 3 arguments, an odd number/, 0],
      ['join(1, 2, 3)', /join\(\) takes 1 to 2 arguments/, 0],
    ];
    for (const [source, message, start] of cases) {
      assert.throws(
        () => parseExpression(source),
        (e: unknown) => e instanceof ExpressionError && message.test(e.message) && e.span.start === start,
        `${source} should fail with ${String(message)} at ${start}`,
      );
    }
  });

  it("refuses expressions nested deeper than GitHub's 50 levels, however they nest", () => {
    assert.equal(MAX_EXPRESSION_DEPTH, 50);
    const deep = (k: number) => [
      '('.repeat(k) + '1' + ')'.repeat(k),
      '!'.repeat(k) + 'true',
      'a' + '.b'.repeat(k),
      'fromJSON('.repeat(k) + "'1'" + ')'.repeat(k),
    ];
    const nested: EvaluationScope = { contexts: { a: { b: null } } };
    for (const source of deep(MAX_EXPRESSION_DEPTH - 2)) assert.doesNotThrow(() => evaluate(parseExpression(source), nested), source.slice(0, 20));
    for (const source of [...deep(MAX_EXPRESSION_DEPTH + 1), ...deep(2_000)]) {
      assert.throws(
        () => parseExpression(source),
        (e: unknown) => e instanceof ExpressionError && /nested more than 50 levels deep/.test(e.message),
        source.slice(0, 20),
      );
    }
  });

  it("refuses expressions longer than GitHub's 21,000 characters", () => {
    assert.doesNotThrow(() => parseExpression(`'${'x'.repeat(20_990)}'`));
    assert.throws(
      () => parseExpression(`'${'x'.repeat(21_000)}'`),
      (e: unknown) => e instanceof ExpressionError && /longer than 21,000 characters/.test(e.message) && e.span.start === 0,
    );
  });

  it('follows truthiness rules', () => {
    for (const v of [false, 0, '', null, NaN]) assert.equal(isTruthy(toData(v)), false, String(v));
    for (const v of [true, 1, 'x', 'false', [], {}]) assert.equal(isTruthy(toData(v as Value)), true, JSON.stringify(v));
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
