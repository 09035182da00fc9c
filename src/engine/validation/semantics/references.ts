// What a reference (`nodes.build.outputs.version`, `inputs.target`) may name, from where it is read. Names are
// matched without regard to case, as the evaluator matches them; `*` (an object filter) stands for every name.
import type { Span, SpanDiagnostic } from '../../diagnostics';
import type { Reference } from '../../expressions/references';
import { upstreamChecker } from '../../graph';
import { INPUT_NAME } from '../../edits/action';
import { addNeedsEntry } from '../../edits/needs';
import { locate } from '../document';
import { expandMatrix, matrixKeys, type MatrixInstance } from '../../matrix';
import { hasMatrix, type NodeSpec } from '../../model';
import { givenHint, listed, type SemanticContext } from './context';
import { instanceFix, meantInstance } from './instances';

export const CONTEXTS: Readonly<Record<string, string>> = {
  inputs: 'the values given when the run starts',
  env: "environment variables (the workflow's, the node's, and the process's)",
  nodes: 'upstream nodes: nodes.<id>.outputs.<name>, nodes.<id>.status and nodes.<id>.outcome',
  matrix: "this node's matrix values",
  run: 'the run: run.id',
  workflow: 'the workflow: workflow.name',
};
const NODE_FIELDS = ['outputs', 'status', 'outcome'];

/** Where an expression is read. */
export interface ReferencePlace {
  node: NodeSpec | undefined;
  isCondition: boolean;
  isScript: boolean;
  /** The only contexts this place may read (a name, evaluated before anything runs), what it is, and when it is evaluated. */
  onlyContexts?: readonly string[];
  what?: string;
  when?: string;
}

type Segment = Reference['segments'][number];
/** A diagnostic's fixes, or how to make them once its span in the file is known. */
type Fixes = SpanDiagnostic['fixes'] | ((fileSpan: Span) => SpanDiagnostic['fixes']);
type Report = (code: SpanDiagnostic['code'], span: Span, message: string, severity?: SpanDiagnostic['severity'], fixes?: Fixes) => void;

/** The candidate a name means, matching case as the evaluator does. */
const find = (name: string, candidates: readonly string[]): string | undefined => {
  const lower = name.toLowerCase();
  return candidates.find((c) => c.toLowerCase() === lower);
};

/**
 * What a misspelt name means among candidates: the hint its message ends with, and the fix that writes the meant
 * name where the name stands in the file as written (not quoted, not escaped) and the meant one is a name an
 * expression writes after a dot.
 */
function meantName(ctx: SemanticContext, name: string, candidates: readonly string[]): { meant?: string; hint: string; fixes?: Fixes } {
  const meant = ctx.suggest.closest(name, candidates);
  if (meant === undefined) return { hint: '' };
  const text = ctx.parsed.text;
  const fixes: Fixes = INPUT_NAME.test(meant)
    ? (span) => (text.slice(span.start, span.end) === name ? [{ title: `Change to '${meant}'`, edits: [{ span, newText: meant }] }] : undefined)
    : undefined;
  return { meant, hint: ` — did you mean '${meant}'?`, fixes };
}

/** Both kinds of fixes, the first's before the second's. */
const bothFixes =
  (first: Fixes, second: SpanDiagnostic['fixes']): Fixes =>
  (span) => {
    const all = [...((typeof first === 'function' ? first(span) : first) ?? []), ...(second ?? [])];
    return all.length ? all : undefined;
  };

/** What the checks of one document share: ids by lower case and the upstream test, made once. */
interface Lookup {
  ctx: SemanticContext;
  isUpstream: (id: string, ancestor: string) => boolean;
  idsByLowerCase: Map<string, string>;
  /** The instances of a matrix node, made when first asked. */
  instancesOf: (node: NodeSpec) => MatrixInstance[];
}

function checkNodes(lookup: Lookup, report: Report, node: NodeSpec | undefined, [first, second, third, fourth]: Segment[]): void {
  const { ctx, isUpstream, idsByLowerCase } = lookup;
  if (!first) return;
  if (first.name === '*') {
    if (!node) report('unreachable-reference', first.span, 'nodes.* can only be read inside a node: it is the nodes that node needs');
    else if (second && second.name !== '*' && !find(second.name, NODE_FIELDS)) {
      const { hint, fixes } = meantName(ctx, second.name, NODE_FIELDS);
      report('unknown-reference', second.span, `a node has 'outputs', 'status' and 'outcome', not '${second.name}'${hint}`, 'error', fixes);
    }
    return;
  }
  const targetId = idsByLowerCase.get(first.name.toLowerCase());
  const target = targetId === undefined ? undefined : ctx.byId.get(targetId);
  if (!target) {
    const { hint, fixes } = meantName(ctx, first.name, ctx.ids);
    return report('unknown-reference', first.span, `no node named '${first.name}'${hint}`, 'error', fixes);
  }
  if (!node) return report('unreachable-reference', first.span, `nodes.${first.name} can only be read inside a node that needs '${target.id}'`);
  if (target.id === node.id) return report('unreachable-reference', first.span, `nodes.${first.name}: a node cannot read its own results`);
  if (!isUpstream(node.id, target.id)) {
    const why = `'${target.id}' is not upstream of '${node.id}', so its results would not exist yet: add it to needs`;
    return report('unreachable-reference', first.span, `nodes.${first.name}: ${why}`, 'error', needsFix(lookup, node, target));
  }
  if (!second || second.name === '*') return;
  const field = find(second.name, NODE_FIELDS);
  if (!field) {
    const { hint, fixes } = meantName(ctx, second.name, NODE_FIELDS);
    return report(
      'unknown-reference',
      second.span,
      `'nodes.${first.name}.${second.name}' does not exist: a node has 'outputs', 'status' and 'outcome'${hint}`,
      'error',
      fixes,
    );
  }
  if (field !== 'outputs' || !third || third.name === '*') return;
  checkOutputName(ctx, report, target, third);
  if (fourth && fourth.name !== '*') checkInstance(lookup, report, target, fourth);
}

/** Adding the node read to the needs of the node that reads it, unless that would close a cycle. */
function needsFix({ ctx, isUpstream }: Lookup, node: NodeSpec, target: NodeSpec): SpanDiagnostic['fixes'] {
  if (isUpstream(target.id, node.id)) return undefined;
  const edits = addNeedsEntry(ctx.parsed, node.id, target.id);
  return edits && [{ title: `Add '${target.id}' to the needs of '${node.id}'`, edits }];
}

/** An output of a matrix node read by instance id (`nodes.test.outputs.x['test[shard=1]']`): an instance it has. */
function checkInstance({ ctx, instancesOf }: Lookup, report: Report, target: NodeSpec, instance: Segment): void {
  const instances = target.matrix && instancesOf(target);
  const lower = instance.name.toLowerCase();
  if (!instances || instances.some((i) => i.id.toLowerCase() === lower)) return;
  const ids = instances.map((i) => i.id);
  const meant = meantInstance(target.id, instance.name, instances, ctx.suggest.closest);
  const shown = ids.length <= 6 ? ids.join(', ') : `${ids.slice(0, 6).join(', ')}, … (${ids.length - 6} more)`;
  report(
    'unknown-instance',
    instance.span,
    `'${target.id}' has no instance '${instance.name}', so this reads nothing${meant ? ` — did you mean '${meant}'?` : ` (its instances: ${shown})`}`,
    'warning',
    meant ? (span) => instanceFix(ctx.parsed.text, span, instance.name, meant) : undefined,
  );
}

/**
 * An output read of a node: one it lists, or, for a sub-workflow node that lists none, one a node of the file it runs
 * declares or writes (when that can be known).
 */
function checkOutputName(ctx: SemanticContext, report: Report, target: NodeSpec, output: Segment): void {
  if (target.outputs) {
    if (find(output.name, target.outputs)) return;
    const { hint, fixes } = meantName(ctx, output.name, target.outputs);
    report(
      'undeclared-output',
      output.span,
      `node '${target.id}' does not declare an output '${output.name}' (outputs: ${listed(target.outputs) || 'none'})${hint}`,
      'warning',
      bothFixes(fixes, outputFix(ctx, target, output.name)),
    );
    return;
  }
  const given = target.workflow === undefined ? undefined : ctx.options.workflowOutputs?.(target.workflow);
  if (!given || find(output.name, given)) return;
  const { meant, fixes } = meantName(ctx, output.name, given);
  report(
    'undeclared-output',
    output.span,
    `node '${target.id}' gives no output '${output.name}': no node of ${target.workflow}, which it runs, declares or writes it${givenHint(given, meant)}`,
    'warning',
    fixes,
  );
}

/** inputs, matrix, run and workflow: the names they have. */
function checkNamed(ctx: SemanticContext, report: Report, rootSegment: Segment, first: Segment | undefined, node: NodeSpec | undefined): void {
  const root = rootSegment.name.toLowerCase();
  if (!first || first.name === '*') {
    if (root === 'matrix' && !(node && hasMatrix(node)))
      report('unknown-reference', rootSegment.span, node ? `node '${node.id}' has no matrix` : "'matrix' is only available inside a node with a matrix");
    return;
  }
  if (root === 'inputs') {
    const names = Object.keys(ctx.workflow.inputs);
    if (find(first.name, names)) return;
    const meant = meantName(ctx, first.name, names);
    const hint = names.length ? meant.hint || ` (inputs: ${listed(names)})` : ': this workflow declares no inputs';
    report('unknown-reference', first.span, `no input named '${first.name}'${hint}`, 'error', meant.fixes);
  } else if (root === 'matrix') {
    if (!node || !hasMatrix(node))
      return report('unknown-reference', rootSegment.span, node ? `node '${node.id}' has no matrix` : "'matrix' is only available inside a node with a matrix");
    // A matrix made at run time may have any key.
    if (!node.matrix) return;
    const keys = matrixKeys(node.matrix);
    if (find(first.name, keys)) return;
    const { hint, fixes } = meantName(ctx, first.name, keys);
    report('unknown-reference', first.span, `no matrix key '${first.name}' in node '${node.id}'${hint || ` (keys: ${listed(keys)})`}`, 'error', fixes);
  } else if (root === 'run' || root === 'workflow') {
    const only = root === 'run' ? 'id' : 'name';
    if (first.name.toLowerCase() !== only) report('unknown-reference', first.span, `'${root}.${first.name}' does not exist: the ${root} context has '${only}'`);
  }
}

export function referenceChecker(ctx: SemanticContext) {
  // The first of ids that differ only in case wins, as in the evaluator's dictionary.
  const idsByLowerCase = new Map<string, string>();
  for (const id of ctx.ids) if (!idsByLowerCase.has(id.toLowerCase())) idsByLowerCase.set(id.toLowerCase(), id);
  const instances = new Map<string, MatrixInstance[]>();
  const instancesOf = (node: NodeSpec): MatrixInstance[] => {
    if (!instances.has(node.id)) instances.set(node.id, expandMatrix(node));
    return instances.get(node.id)!;
  };
  const lookup: Lookup = { ctx, isUpstream: upstreamChecker(ctx.workflow.nodes), idsByLowerCase, instancesOf };

  /** Checks a reference; true when something was reported about it. */
  return (ref: Reference, place: ReferencePlace, at: (s: Span) => Span): boolean => {
    const [rootSegment, first, ...rest] = ref.segments;
    let reported = false;
    const report: Report = (code, span, message, severity = 'error', fixes) => {
      reported = true;
      const fileSpan = at(span);
      const made = typeof fixes === 'function' ? fixes(fileSpan) : fixes;
      ctx.report({ span: fileSpan, severity, code, message, ...(made ? { fixes: made } : {}) });
    };
    const root = rootSegment.name.toLowerCase();
    if (!Object.hasOwn(CONTEXTS, root)) {
      const names = Object.keys(CONTEXTS);
      const { hint, fixes } = meantName(ctx, rootSegment.name, names);
      report('unknown-reference', rootSegment.span, `unknown context '${rootSegment.name}'${hint || ` (contexts: ${names.join(', ')})`}`, 'error', fixes);
    } else if (place.onlyContexts && !place.onlyContexts.includes(root)) {
      report(
        'unreachable-reference',
        rootSegment.span,
        `${place.what} is evaluated ${place.when ?? 'when the run starts'}: it can read ${place.onlyContexts.join(', ')}, not ${root}`,
      );
    } else if (root === 'nodes') checkNodes(lookup, report, place.node, [first, ...rest]);
    else checkNamed(ctx, report, rootSegment, first, place.node);
    return reported;
  };
}

function outputFix(ctx: SemanticContext, target: NodeSpec, name: string): SpanDiagnostic['fixes'] {
  const at = locate(ctx.parsed, ['nodes', target.id, 'outputs']);
  const source = ctx.parsed.text.slice(at.valueSpan.start, at.valueSpan.end);
  if (!source.startsWith('[') || !source.endsWith(']')) return undefined;
  const insertAt = at.valueSpan.end - 1;
  const separator = source.slice(1, -1).trim() === '' ? '' : ', ';
  return [{ title: `Add '${name}' to the outputs of '${target.id}'`, edits: [{ span: { start: insertAt, end: insertAt }, newText: `${separator}${name}` }] }];
}
