import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parse } from 'yaml';
import { toLineDiagnostics, validateWorkflow } from '../../src/engine/validation/validate';
import { yaml } from './helpers';

const seed = yaml(
  'version: 1',
  'name: Property seed',
  'inputs: { who: { type: string, default: world } }',
  'defaults: { retry: { max: 2, backoff: linear, delay: 100ms } }',
  'x-anchor: &base { timeout: 5s }',
  'nodes:',
  '  a:',
  '    <<: *base',
  '    env: { WHO: "${{ inputs.who }}" }',
  '    run: echo "v=$WHO" >> "$MAESTRO_OUTPUT"',
  '    outputs: [v]',
  '  b:',
  '    needs: [a]',
  "    if: ${{ nodes.a.outputs.v != '' && success() }}",
  '    matrix: { shard: [1, 2] }',
  '    run: |',
  '      echo ${{ matrix.shard }}',
  '      echo "${{ format(\'{0}\', nodes.a.status) }}"',
  '  gate: { needs: b, approval: { prompt: "ok?", timeout: 1m } }',
);

/** Every diagnostic must lie inside the document, with ordered, 1-based positions. */
function checkInvariants(text: string): void {
  const result = validateWorkflow(text);
  const lineCount = result.parsed.lines.lineCount;
  for (const d of result.diagnostics) {
    assert.ok(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= text.length, `span ${JSON.stringify(d.span)} outside 0..${text.length}`);
    assert.ok(d.message.length > 0);
  }
  for (const d of toLineDiagnostics(result.parsed.lines, result.diagnostics)) {
    assert.ok(d.line >= 1 && d.line <= lineCount && d.endLine >= d.line && d.endLine <= lineCount, `lines ${d.line}-${d.endLine} of ${lineCount}`);
    assert.ok(d.column >= 1 && d.endColumn >= 1 && (d.endLine > d.line || d.endColumn >= d.column));
  }
}

const yamlish = fc.constantFrom(
  ':',
  '-',
  ' ',
  '  ',
  '\n',
  '\t',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '&a',
  '*a',
  '<<',
  '#',
  '|',
  '>',
  '${{',
  '}}',
  'needs',
  'run',
  'nodes',
  'a',
  'b',
  '1',
  '?',
  ',',
  '!',
  '%',
  '@',
  '\r\n',
  'é',
  '😀',
);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.string({ maxLength: 6 }), yamlish) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('duplicateLine' as const), at: fc.nat() }),
);

type Mutation = { kind: 'insert' | 'delete' | 'duplicateLine'; at: number; text?: string; length?: number };

function mutate(text: string, mutations: Mutation[]): string {
  let t = text;
  for (const m of mutations) {
    const at = t.length ? m.at % (t.length + 1) : 0;
    if (m.kind === 'insert') t = t.slice(0, at) + (m.text ?? '') + t.slice(at);
    else if (m.kind === 'delete') t = t.slice(0, at) + t.slice(at + (m.length ?? 1));
    else {
      const lines = t.split('\n');
      const i = at % lines.length;
      lines.splice(i, 0, lines[i]);
      t = lines.join('\n');
    }
  }
  return t;
}

describe('validator properties', () => {
  it('never throws, and keeps every range inside arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300, unit: 'binary' }), checkInvariants), { numRuns: 400 });
  });

  it('never throws, and keeps every range inside YAML-like noise', () => {
    fc.assert(
      fc.property(
        fc.array(yamlish, { maxLength: 80 }).map((parts) => parts.join('')),
        checkInvariants,
      ),
      { numRuns: 400 },
    );
  });

  it('never throws, and keeps every range inside mutated workflows', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (ms) => checkInvariants(mutate(seed, ms))),
      { numRuns: 600 },
    );
  });

  it('the seed itself is valid', () => {
    assert.deepEqual(validateWorkflow(seed).diagnostics, []);
  });

  it('reports recursive aliases and survives deep nesting', () => {
    const recursive = validateWorkflow('version: 1\nname: x\nnodes: &n\n  a: { run: x, env: *n }\n');
    assert.ok(recursive.diagnostics.some((d) => d.code === 'yaml-syntax' && /refers to a node that contains it/.test(d.message)));
    checkInvariants('a: &a [*a]\n');
    checkInvariants('['.repeat(5000) + ']'.repeat(5000));
    checkInvariants('a:\n' + Array.from({ length: 300 }, (_, i) => ' '.repeat(i + 1) + 'b:').join('\n'));
  });

  it('survives an alias bomb', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 8; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
          .fill('*' + String.fromCharCode(97 + i))
          .join(',')}]`,
      );
    checkInvariants(bomb.join('\n'));
  });

  it('reports a number written anywhere, as a value or a key, exactly when YAML reads it as infinite or not a number', () => {
    const digits = (chars: string, max: number) => fc.stringMatching(new RegExp(`^[${chars}]{1,${max}}$`));
    const written = fc.oneof(
      fc.constantFrom('.inf', '-.inf', '+.Inf', '.NaN', '.nan', '.INF', 'inf', 'nan', '".inf"'),
      fc
        .tuple(fc.constantFrom('', '-', '+'), digits('0-9', 400), fc.constantFrom('', '.5'), fc.constantFrom('', 'e308', 'e309', 'E+400', 'e-400', 'e3'))
        .map((parts) => parts.join('')),
      digits('0-9a-f', 300).map((h) => `0x${h}`),
      digits('0-7', 400).map((o) => `0o${o}`),
    );
    fc.assert(
      fc.property(written, (value) => {
        const read: unknown = parse(`v: ${value}`).v;
        const notFinite = typeof read === 'number' && !Number.isFinite(read);
        const text = yaml('version: 1', 'name: Numbers', 'nodes:', '  a:', '    run: x', `    env: { V: ${value}, ${value}: v }`);
        const reported = validateWorkflow(text).diagnostics.filter((d) => d.code === 'not-finite');
        assert.equal(reported.length, notFinite ? 2 : 0, `${value} read as ${String(read)}`);
        for (const d of reported) assert.equal(text.slice(d.span.start, d.span.end), value);
      }),
      { numRuns: 400 },
    );
  });
});
