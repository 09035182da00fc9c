import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { evaluate } from '../../src/engine/expressions/evaluate';
import { parseExpression } from '../../src/engine/expressions/parser';
import { printExpression } from '../../src/engine/expressions/print';
import { toText } from '../../src/engine/expressions/values';

const contexts = { inputs: { a: 'x', 'b-c': 3, list: [{ n: 1 }, { n: 2 }] }, env: { HOME: '/h' } };

describe('printExpression', () => {
  it('writes names, literals, indexes and calls as they were written', () => {
    for (const source of [
      "inputs['b-c']",
      'inputs.list.*.n',
      "format('{0}''s', inputs.a)",
      '!(1.5e3 >= null) || true && env.HOME',
      'fromJSON(toJSON(inputs))[0]',
    ])
      assert.equal(printExpression(parseExpression(source)), source);
  });

  it('gives text that parses to what it was printed from, with the same value (a property)', () => {
    const leaf = fc.constantFrom("'it''s'", '1.5', 'null', 'true', 'inputs.a', "inputs['b-c']", 'inputs.list.*.n', 'env.HOME', 'inputs.list[1].n');
    const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(tie('e'), fc.constantFrom('&&', '||', '==', '!=', '<', '>='), tie('e')).map(([a, op, b]) => `${a} ${op} ${b}`),
        tie('e').map((e) => `!${e}`),
        tie('e').map((e) => `(${e})`),
        fc.tuple(tie('e'), tie('e')).map(([a, b]) => `contains(${a}, ${b})`),
        tie('e').map((e) => `toJSON(${e})`),
      ),
    })).e;
    fc.assert(
      fc.property(expression, (source) => {
        const printed = printExpression(parseExpression(source));
        assert.equal(printExpression(parseExpression(printed)), printed);
        const value = (text: string) => toText(evaluate(parseExpression(text), { contexts }));
        assert.equal(value(printed), value(source));
      }),
      { numRuns: 300 },
    );
  });
});
