// Completion in nodes written in flow style (`build: { needs: [lint, |], run: make }`): the keys a mapping may
// still take, the values of its keys, items of its lists, conditions; and the scan that finds the place, checked
// for all nested flow mappings.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';
import { complete } from '../../src/extension/language/completion';
import { cursorContext } from '../../src/extension/language/cursorContext';
import { flowPlace } from '../../src/extension/language/flowPlace';
import { hoverAt } from '../../src/extension/language/hover';
import { yaml } from './helpers';

/** A document with a `|` marking the cursor. */
function at(...lines: string[]) {
  const marked = yaml(...lines);
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return complete(buildIndex(validateWorkflow(text)), offset);
}

const labels = (items: { label: string }[]) => items.map((i) => i.label);

const base = ['version: 1', 'name: Flow', 'nodes:', '  build: { run: make, outputs: [version] }', '  test: { needs: build, run: make test }'];

describe('completion in flow style', () => {
  it("offers a flow list's node ids, leaving out those listed and the node itself", () => {
    assert.deepEqual(labels(at(...base, '  ship: { needs: [build, |], run: x }')), ['test']);
    assert.deepEqual(labels(at(...base, '  ship: { run: x, needs: t| }')), ['build', 'test']);
  });

  it('offers the keys a flow mapping may still take: none it has, before or after the cursor', () => {
    const items = labels(at(...base, '  ship: { run: x, | , needs: [test] }'));
    assert.ok(items.includes('timeout') && items.includes('retry'));
    assert.ok(!items.includes('run') && !items.includes('needs'));
    assert.ok(labels(at(...base, '  ship: { run: x, ti| }')).includes('timeout'));
  });

  it('writes a nested mapping in flow style too', () => {
    const env = at(...base, '  ship: { run: x, en| }').find((i) => i.label === 'env');
    assert.equal(env?.insertText, 'env: { $0 }');
    const block = at(...base, '  ship:', '    run: x', '    en|').find((i) => i.label === 'env');
    assert.equal(block?.insertText, 'env:\n  $0', 'a block mapping stays a block');
  });

  it('offers the keys and values of nested flow mappings', () => {
    assert.deepEqual(labels(at(...base, '  ship: { run: x, retry: { max: 2, | } }')), ['backoff', 'delay', 'maxDelay']);
    assert.deepEqual(labels(at(...base, '  ship: { run: x, cache: { ttl: 1d, | } }')), ['files'], 'a key that is true or a mapping');
    assert.deepEqual(labels(at(...base, '  ship:', '    run: x', '    cache:', '      |')), ['files', 'ttl']);
    assert.deepEqual(labels(at(...base, '  ship: { run: x, retry: { max: 2, backoff: | } }')), ['fixed', 'linear', 'exponential']);
    assert.deepEqual(labels(at(...base, '  ship:', '    run: x', '    retry: { max: 2, backoff: e| }')), ['fixed', 'linear', 'exponential']);
  });

  it("offers a condition's upstream nodes and status functions, bare or in ${{ }}", () => {
    assert.deepEqual(labels(at(...base, '  ship: { needs: test, if: nodes.| , run: x }')), ['build', 'test']);
    assert.ok(labels(at(...base, '  ship: { needs: test, if: ${{ | }}, run: x }')).includes('always()'));
    const script = labels(at(...base, '  ship: { needs: test, run: "echo ${{ | }}" }'));
    assert.ok(script.includes('nodes') && !script.includes('always()'), 'status functions belong in conditions');
  });

  it('explains the functions of a bare condition in a flow mapping on hover', () => {
    const text = yaml(...base, '  ship: { needs: test, if: always(), run: x }');
    const hover = hoverAt(buildIndex(validateWorkflow(text)), text.indexOf('always') + 2);
    assert.match(hover?.markdown ?? '', /always\(\)/);
  });

  it('reads past quoted text with commas, colons and braces in it', () => {
    const items = labels(at(...base, `  ship: { run: "echo {a, b: c}", name: 'it''s: {x}', ne| }`));
    assert.ok(items.includes('needs'));
    assert.ok(!items.includes('run') && !items.includes('name'));
  });

  it('takes quoted keys, and reads a long line of quotes in one pass', () => {
    assert.deepEqual(flowPlace(`{ "a b": 1, 'c''d': 2, `, `, "e, f": 3 }`)?.siblings, ['a b', "c'd", 'e, f']);
    const quotes = `{ a: [${`'x', `.repeat(20_000)}`;
    assert.deepEqual(flowPlace(quotes)?.at, 'item');
    assert.equal(flowPlace(`{ "${`a, b: `.repeat(10_000)}`), undefined, 'inside a quoted key: nothing to offer');
  });

  it('leaves a plain value that merely holds braces, a comment and a closed mapping alone', () => {
    assert.equal(flowPlace('echo {a, '), undefined);
    assert.equal(flowPlace('{ run: x, # b'), undefined);
    assert.equal(flowPlace('{ run: x } '), undefined);
    assert.equal(cursorContext('nodes:\n  a: { run: x } ', 23).kind, 'value', 'after the mapping: the line key as before');
  });
});

/** Nested flow mappings: scalar values, lists of scalars, and mappings, three levels deep at most. */
type Flow = { [key: string]: string | string[] | Flow };
const ident = fc.stringMatching(/^[a-z][a-z0-9_-]{0,5}$/);
const flowMapping: fc.Arbitrary<Flow> = fc.letrec<{ map: Flow; value: string | string[] | Flow }>((tie) => ({
  map: fc.dictionary(ident, tie('value'), { minKeys: 1, maxKeys: 4 }),
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, ident, fc.array(ident, { maxLength: 3 }), tie('map')),
})).map;

const written = (value: string | string[] | Flow): string =>
  typeof value === 'string'
    ? value
    : Array.isArray(value)
      ? `[${value.join(', ')}]`
      : `{ ${Object.entries(value)
          .map(([k, v]) => `${k}: ${written(v)}`)
          .join(', ')} }`;

/** Every key of every mapping: the keys leading to its mapping, the mapping's keys, and where the key starts. */
function keyPlaces(map: Flow, text: string, from: number, path: string[]): { path: string[]; keys: string[]; key: string; start: number }[] {
  const places: { path: string[]; keys: string[]; key: string; start: number }[] = [];
  let at = from + 2;
  for (const [key, value] of Object.entries(map)) {
    places.push({ path, keys: Object.keys(map), key, start: at });
    const valueStart = at + key.length + 2;
    if (typeof value === 'object' && !Array.isArray(value)) places.push(...keyPlaces(value, text, valueStart, [...path, key]));
    at = valueStart + written(value).length + 2;
  }
  return places;
}

describe('the place of a cursor in flow mappings', () => {
  it('finds, at each key of nested flow mappings, the keys leading to it, what is typed, and the mapping’s other keys', () => {
    fc.assert(
      fc.property(flowMapping, fc.nat(), fc.nat(), (map, pick, cut) => {
        const text = written(map);
        const places = keyPlaces(map, text, 0, []);
        const place = places[pick % places.length];
        assert.equal(text.slice(place.start, place.start + place.key.length + 1), `${place.key}:`, 'the test finds its keys');
        const typedLength = cut % (place.key.length + 1);
        const cursor = place.start + typedLength;
        const found = flowPlace(text.slice(0, cursor), text.slice(cursor));
        assert.deepEqual(found, {
          keys: place.path,
          at: 'key',
          siblings: place.keys.filter((k) => k !== place.key),
          typed: place.key.slice(0, typedLength),
        });
      }),
      { numRuns: 300 },
    );
  });
});
