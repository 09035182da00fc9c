import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parse } from 'yaml';
import type { Span } from '../../src/engine/diagnostics';
import { applyEdits, planEdit, type EditAction, type FieldValue, type InputFields } from '../../src/engine/edits/actions';
import { fieldPair, needsStyle, nodeBlock, nodePair } from '../../src/engine/edits/yamlText';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { matrixInstanceReads, matrixKeyMentionsOf } from '../../src/engine/matrixMentions';
import { outputMentionsOf } from '../../src/engine/outputMentions';
import { buildIndex } from '../../src/engine/workflowIndex';
import { matrixAction, outputAction, type Seed } from './builderNamedActions';
import { workflowArb, workflowText } from './workflowGen';

type Graph = Map<string, Set<string>>;

const graphOf = (text: string): Graph => new Map(validateWorkflow(text).workflow.nodes.map((n) => [n.id, new Set(n.needs)]));
const errorsOf = (text: string) => validateWorkflow(text).diagnostics.filter((d) => d.severity === 'error');
const commentsOf = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.trim().startsWith('#') || / # /.test(l))
    .map((l) => l.slice(l.indexOf('#')));

const SETTINGS: [string, FieldValue][] = [
  ['timeout', '5m'],
  ['retry', 2],
  ['continueOnError', true],
  ['name', 'A node: with a colon'],
  ['phase', 'design'],
  ['run', 'echo one\necho "two"\n'],
  ['env', { GREETING: 'hello world', QUOTED: "it's" }],
  ['outputs', ['version', 'notes']],
];

/** The workflow's own settings the builder sets, with a value each. */
const WORKFLOW_SETTINGS: [string, FieldValue][] = [
  ['name', 'Renamed: with a colon'],
  ['description', 'What it does,\non two lines\n'],
  ['concurrency', 3],
  ['timeout', '1h'],
  ['mutex', ['deploy-prod', 'port-5432']],
  ['env', { REGION: 'eu-west-1', QUOTED: "it's: here" }],
  ['defaults.timeout', '10m'],
  ['defaults.retry', 2],
  ['defaults.shell', 'bash -x'],
];

/** Inputs the builder adds, changes and removes. */
const INPUTS: [string, InputFields][] = [
  ['target', { type: 'string', required: true, description: 'Where to: staging or production' }],
  ['count', { type: 'number', default: 3 }],
  ['token', { secret: true }],
];

const seedArb = fc.record({ op: fc.integer({ min: 0, max: 21 }), a: fc.nat(), b: fc.nat(), c: fc.nat() });

/** The action a seed picks in the current workflow. */
function actionOf(seed: Seed, graph: Graph, text: string): EditAction {
  const ids = [...graph.keys()];
  // Properties are set on shell steps: `run` on a gate, or `timeout` on one, is a mistake the validator reports.
  const steps = validateWorkflow(text)
    .workflow.nodes.filter((n) => n.kind === 'run')
    .map((n) => n.id);
  const pick = (n: number) => ids[n % ids.length];
  const kinds = ['run', 'approval', 'workflow', 'matrix'] as const;
  switch (seed.op) {
    case 0:
      return { type: 'addNode', kind: kinds[seed.c % 4], after: pick(seed.a), needs: seed.b % 2 ? [pick(seed.b)] : [] };
    case 1:
      return { type: 'removeNode', id: pick(seed.a) };
    case 2:
      return { type: 'connect', from: pick(seed.a), to: pick(seed.b) };
    case 3: {
      const edges = ids.flatMap((to) => [...graph.get(to)!].map((from) => ({ from, to })));
      return edges.length ? { type: 'disconnect', ...edges[seed.a % edges.length] } : { type: 'connect', from: pick(seed.a), to: pick(seed.b) };
    }
    case 4:
      return { type: 'rename', from: pick(seed.a), to: `renamed${seed.c % 100}` };
    case 5:
    case 6: {
      // A node's script is required: removing it is an error the user makes, not one to check here.
      const settings = seed.op === 6 ? SETTINGS.filter(([key]) => key !== 'run') : SETTINGS;
      const [key, value] = settings[seed.c % settings.length];
      if (steps.length === 0) return { type: 'duplicate', id: pick(seed.a) };
      return { type: 'set', id: steps[seed.a % steps.length], key, ...(seed.op === 6 ? {} : { value }) };
    }
    case 10:
    case 11: {
      const [name, value] = INPUTS[seed.c % INPUTS.length];
      return { type: 'setInput', name, ...(seed.op === 11 ? {} : { value }) };
    }
    case 13: {
      // Reads an input the workflow may not have (yet, or any more): an error the setting causes, and one a rename follows.
      if (steps.length === 0) return { type: 'duplicate', id: pick(seed.a) };
      const names = [...INPUTS.map(([name]) => name), ...Object.keys((parse(text) as { inputs?: object }).inputs ?? {})];
      return { type: 'set', id: steps[seed.a % steps.length], key: 'env', value: { READS: `to \${{ inputs.${names[seed.c % names.length]} }}` } };
    }
    case 12:
    case 14: {
      const names = Object.keys((parse(text) as { inputs?: object }).inputs ?? {});
      if (!names.length) return { type: 'setInput', name: INPUTS[seed.c % INPUTS.length][0], value: INPUTS[seed.c % INPUTS.length][1] };
      // An input that expressions read, where there is one; now and then to a name another input has (refused).
      const read = names.filter((name) => text.includes(`inputs.${name} `));
      const from = read.length ? read[seed.a % read.length] : names[seed.a % names.length];
      const to = seed.b % 4 ? `renamed_in${seed.c % 3}` : names[seed.b % names.length];
      return { type: 'renameInput', from, to };
    }
    case 15:
    case 16:
    case 17:
      return outputAction(seed, text);
    case 18:
    case 19:
    case 20:
    case 21:
      return matrixAction(seed, text);
    case 8:
    case 9: {
      const [key, value] = WORKFLOW_SETTINGS[seed.c % WORKFLOW_SETTINGS.length];
      return { type: 'setWorkflow', key, ...(seed.op === 9 ? {} : { value }) };
    }
    default:
      return { type: 'duplicate', id: pick(seed.a) };
  }
}

/** The graph the action should give. */
function expectedGraph(graph: Graph, action: EditAction, select: string | undefined): Graph {
  const next: Graph = new Map([...graph].map(([id, needs]) => [id, new Set(needs)]));
  switch (action.type) {
    case 'addNode':
      next.set(select!, new Set(action.needs));
      break;
    case 'removeNode':
      next.delete(action.id);
      for (const needs of next.values()) needs.delete(action.id);
      break;
    case 'connect':
      next.get(action.to)!.add(action.from);
      break;
    case 'disconnect':
      next.get(action.to)!.delete(action.from);
      break;
    case 'rename': {
      const renamed: Graph = new Map();
      for (const [id, needs] of next) renamed.set(id === action.from ? action.to : id, new Set([...needs].map((d) => (d === action.from ? action.to : d))));
      return renamed;
    }
    case 'duplicate':
      next.set(select!, new Set(graph.get(action.id)));
      break;
    default:
      break;
  }
  return next;
}

const isRename = (action: EditAction): action is Extract<EditAction, { type: 'rename' | 'renameInput' | 'renameOutput' | 'renameMatrixKey' }> =>
  action.type === 'rename' || action.type === 'renameInput' || action.type === 'renameOutput' || action.type === 'renameMatrixKey';

const sameGraph = (a: Graph, b: Graph) =>
  a.size === b.size && [...a].every(([id, needs]) => b.has(id) && [...needs].sort().join() === [...b.get(id)!].sort().join());

/** The spans of the original text an action may change: the nodes it names, and their needs in other nodes. */
function allowedSpans(text: string, action: EditAction): Span[] | 'insertion' | 'mentions' {
  const parsed = validateWorkflow(text).parsed;
  const blockOf = (id: string): Span => nodeBlock(text, nodePair(parsed, id)!, true);
  switch (action.type) {
    case 'addNode':
    case 'duplicate':
    case 'paste':
      return 'insertion';
    case 'rename':
    case 'renameInput':
    case 'renameOutput':
    case 'renameMatrixKey':
      return 'mentions';
    case 'removeNode':
      return [...graphOf(text)].filter(([id, needs]) => id === action.id || needs.has(action.id)).map(([id]) => blockOf(id));
    case 'connect':
    case 'disconnect':
      return [blockOf(action.to)];
    case 'set':
    case 'setMatrixAxes':
      return [blockOf(action.id)];
    case 'fix':
      return action.id ? [blockOf(action.id)] : [{ start: 0, end: text.search(/^nodes:/m) }];
    case 'setWorkflow':
    case 'setInput':
      // The settings, above `nodes:` and the comments that lead into it.
      return [{ start: 0, end: text.search(/^nodes:/m) }];
  }
}

/** The action that undoes one, when its edits are exact inverses of each other. */
function inverseOf(before: string, action: EditAction, select: string | undefined): EditAction | undefined {
  const index = buildIndex(validateWorkflow(before));
  switch (action.type) {
    case 'addNode':
    case 'duplicate':
      return { type: 'removeNode', id: select! };
    case 'rename':
    case 'renameInput':
    case 'renameOutput':
    case 'renameMatrixKey':
      return { ...action, from: action.to, to: action.from };
    case 'connect': {
      const pair = nodePair(index.result.parsed, action.to)!;
      const style = needsStyle(fieldPair(pair, 'needs'));
      const count = index.byId.get(action.to)!.needs.length;
      // `needs: x` (or `[]`) becomes a list when one is added: the inverse leaves the list.
      return style === 'none' || style === 'block' || (style === 'flow' && count > 0) ? { type: 'disconnect', from: action.from, to: action.to } : undefined;
    }
    case 'setInput': {
      const inputs = (index.result.parsed.value as { inputs?: Record<string, unknown> }).inputs;
      return inputs?.[action.name] === undefined && action.value !== undefined ? { type: 'setInput', name: action.name } : undefined;
    }
    case 'setWorkflow': {
      // `defaults.timeout` is the key timeout of defaults.
      const had = action.key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], index.result.parsed.value);
      return had === undefined && action.value !== undefined ? { type: 'setWorkflow', key: action.key } : undefined;
    }
    case 'set':
      return index.result.workflow.nodes.find((n) => n.id === action.id) &&
        !(nodePair(index.result.parsed, action.id)?.value as { items?: { key: { value: string } }[] })?.items?.some((p) => p.key.value === action.key) &&
        action.value !== undefined
        ? { type: 'set', id: action.id, key: action.key }
        : undefined;
    default:
      return undefined;
  }
}

function checkAction(text: string, action: EditAction): string {
  const before = buildIndex(validateWorkflow(text));
  const outcome = planEdit(before, action);
  if ('error' in outcome) return text;
  const after = applyEdits(text, outcome.edits);
  const context = `${JSON.stringify(action)}\n--- before\n${text}\n--- after\n${after}`;
  assert.deepEqual(
    validateWorkflow(after).diagnostics.filter((d) => d.code === 'yaml-syntax'),
    [],
    `the text parses\n${context}`,
  );
  assert.ok(sameGraph(graphOf(after), expectedGraph(graphOf(text), action, outcome.select)), `the graph is what the action gives\n${context}`);
  // Only removing a node or an edge may leave expressions that read what is gone.
  // A suggestion ("did you mean 'x'?") may change with the names around it, or become the names there are when
  // none is near enough: the problem is the same.
  const bare = (m: string) => m.replace(/ — did you mean '[^']*'\?$/, '').replace(/ \(keys: [^)]*\)$/, '');
  // An id in a message, whole: `test` is not part of `test-2`.
  const id = (name: string) => new RegExp(`(?<![\\w-])${name}(?![\\w-])`, 'g');
  const renamed = (m: string) =>
    bare(action.type === 'rename' || action.type === 'renameInput' || action.type === 'renameMatrixKey' ? m.replace(id(action.from), action.to) : m);
  const known = new Set(errorsOf(text).map((d) => renamed(d.message)));
  const allowed =
    action.type === 'removeNode' || action.type === 'disconnect'
      ? /^(no node named|nodes\.\w+: '\w+' is not upstream)/
      : action.type === 'set' || action.type === 'setInput' || action.type === 'setMatrixAxes'
        ? /^(no input named|no matrix key)/
        : /^$/;
  // Removing the last node leaves `nodes:` empty, which the schema refuses.
  const empty = graphOf(after).size === 0;
  // A copy has the problems of its original.
  const original = (m: string) => (action.type === 'duplicate' ? m.replace(id(outcome.select!), action.id) : m);
  for (const d of errorsOf(after))
    if (!known.has(bare(original(d.message))) && !empty) assert.match(d.message, allowed, `no new error but what the action causes\n${context}`);
  const spans = allowedSpans(text, action);
  for (const e of outcome.edits) {
    if (spans === 'insertion') assert.equal(e.span.start, e.span.end, `only inserts\n${context}`);
    else if (spans === 'mentions')
      // Expressions read names in any case (the test writes `outputs.Notes`): each is renamed as it is written.
      assert.equal(text.slice(e.span.start, e.span.end).toLowerCase(), isRename(action) ? action.from.toLowerCase() : '', `only the name changes\n${context}`);
    else
      assert.ok(
        spans.some((s) => s.start <= e.span.start && e.span.end <= s.end),
        `edits stay within the nodes concerned\n${context}`,
      );
  }
  if (action.type === 'renameOutput' && action.to !== action.from)
    assert.deepEqual(
      outputMentionsOf(buildIndex(validateWorkflow(after)), action.id, action.from),
      [],
      `nothing names ${action.id}'s ${action.from} any more\n${context}`,
    );
  if (action.type === 'renameMatrixKey' && action.to !== action.from)
    assert.deepEqual(
      matrixKeyMentionsOf(buildIndex(validateWorkflow(after)), action.id, action.from),
      [],
      `nothing names the key ${action.from} of ${action.id}'s matrix any more\n${context}`,
    );
  // The instance ids other nodes read a matrix node's outputs by still name its instances.
  if (action.type === 'rename' || action.type === 'renameMatrixKey') {
    const node = action.type === 'rename' ? [action.from, action.to] : [action.id, action.id];
    assert.equal(
      matrixInstanceReads(buildIndex(validateWorkflow(after)), node[1]).length,
      matrixInstanceReads(before, node[0]).length,
      `instance ids still name instances\n${context}`,
    );
  }
  if (action.type === 'renameInput' && action.to !== action.from)
    assert.ok(
      buildIndex(validateWorkflow(after)).inputReferences.every((r) => r.input !== action.from),
      `nothing reads inputs.${action.from} any more\n${context}`,
    );
  // A setting removed takes the comment on its line with it.
  const removedLine = action.type === 'setWorkflow' && action.value === undefined ? new RegExp(`^${action.key}:.*`, 'm').exec(text)?.[0] : undefined;
  const kept = commentsOf(text).filter((c) => !removedLine?.endsWith(c));
  if (action.type !== 'removeNode') for (const c of kept) assert.ok(after.includes(c), `comment '${c}' is kept\n${context}`);
  // A name read in another case comes back in the name's own case: no exact inverse then.
  const otherCase = isRename(action) && outcome.edits.some((e) => text.slice(e.span.start, e.span.end) !== action.from);
  const inverse = otherCase ? undefined : inverseOf(text, action, outcome.select);
  if (inverse) {
    const undone = planEdit(buildIndex(validateWorkflow(after)), inverse);
    assert.ok(!('error' in undone), `the inverse applies\n${context}`);
    assert.equal(applyEdits(after, (undone as { edits: [] }).edits), text, `the inverse gives back the text\n${context}`);
  }
  return after;
}

describe('builder edits (properties)', () => {
  it('keep the text parsing, the graph right, the comments and everything else in place, and undo exactly', () => {
    fc.assert(
      fc.property(workflowArb, fc.array(seedArb, { minLength: 1, maxLength: 8 }), (workflow, seeds) => {
        let text = workflowText(workflow);
        assert.deepEqual(errorsOf(text), [], `the generated workflow is valid\n${text}`);
        for (const seed of seeds) {
          const graph = graphOf(text);
          if (graph.size === 0) break;
          text = checkAction(text, actionOf(seed, graph, text));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rename an output read in another case (a case fast-check found)', () => {
    const generated = workflowText({
      unit: 2,
      nodes: [
        { id: 'build', needs: [], needsStyle: 'scalar', flow: false, comment: false, trailing: false, inner: false, blankBefore: false },
        { id: 'lint', needs: ['build'], needsStyle: 'scalar', flow: false, comment: false, trailing: false, inner: false, blankBefore: false },
      ],
    });
    const setUp: EditAction[] = [
      { type: 'set', id: 'build', key: 'outputs', value: ['version', 'notes'] },
      { type: 'set', id: 'lint', key: 'env', value: { READS: '${{ nodes.build.outputs.Notes }}' } },
    ];
    const text = setUp.reduce((t, action) => checkAction(t, action), generated);
    checkAction(text, { type: 'renameOutput', id: 'build', from: 'notes', to: 'renamed_out0' });
  });

  it('break lines as the file does: on a CRLF file, the CRLF form of the result on the same file with LF', () => {
    const crlf = (text: string) => text.replace(/\n/g, '\r\n');
    fc.assert(
      fc.property(workflowArb, fc.array(seedArb, { minLength: 1, maxLength: 5 }), (workflow, seeds) => {
        let text = workflowText(workflow);
        for (const seed of seeds) {
          const graph = graphOf(text);
          if (graph.size === 0) break;
          const action = actionOf(seed, graph, text);
          const lf = planEdit(buildIndex(validateWorkflow(text)), action);
          const onCrlf = planEdit(buildIndex(validateWorkflow(crlf(text))), action);
          if ('error' in lf || 'error' in onCrlf) {
            assert.deepEqual(onCrlf, lf);
            continue;
          }
          const after = applyEdits(text, lf.edits);
          const afterCrlf = applyEdits(crlf(text), onCrlf.edits);
          assert.equal(afterCrlf, crlf(after), JSON.stringify(action));
          const shown = (t: string, span: Span | undefined) => span && t.slice(span.start, span.end);
          assert.equal(shown(afterCrlf, onCrlf.reveal), shown(after, lf.reveal) && crlf(shown(after, lf.reveal)!));
          text = after;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('set writes any value so that YAML reads it back the same, at any depth', () => {
    // Any code point, control characters and line breaks included.
    const anyText = (minLength: number) => fc.oneof(fc.string({ minLength, maxLength: 12 }), fc.string({ unit: 'binary', minLength, maxLength: 12 }));
    const key = anyText(1).filter((k) => k !== '<<' && k !== '__proto__');
    const scalar = fc.oneof(anyText(0), fc.double(), fc.integer(), fc.boolean(), fc.constant(null));
    const { value } = fc.letrec<{ value: FieldValue }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        scalar,
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(key, tie('value'), { maxKeys: 3, noNullPrototype: true }),
      ),
    }));
    const text = 'version: 1\nname: x\nnodes:\n  a:\n    run: x\n';
    fc.assert(
      fc.property(value, (v) => {
        const outcome = planEdit(buildIndex(validateWorkflow(text)), { type: 'set', id: 'a', key: 'with', value: v });
        assert.ok(!('error' in outcome), JSON.stringify(v));
        const after = applyEdits(text, outcome.edits);
        assert.deepStrictEqual((parse(after) as { nodes: { a: { with?: unknown } } }).nodes.a.with, v, after);
      }),
      { numRuns: 500 },
    );
  });
});
