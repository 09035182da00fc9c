import type { Span, SpanDiagnostic } from '../diagnostics';
import { collectReferences, type Reference } from '../expressions/references';
import { FUNCTION_SIGNATURES } from '../expressions/functions';
import { expressionPieces } from '../expressions/template';
import { cyclicComponents, needsPath, upstreamChecker } from '../graph';
import { MAX_MATRIX_INSTANCES, matrixSize, type NodeSpec, type WorkflowSpec } from '../model';
import { parseDuration } from '../duration';
import { suggester } from '../suggest';
import { locate, type ParsedDocument, type PathSegment } from './document';
import { mapSpan, valueToSource } from './textMapping';
import { isObject, type Json } from '../json';

export interface SemanticOptions {
  /** Whether a path (absolute, or relative to the workflow file's folder) exists; sub-workflow paths are checked only when given. */
  fileExists?: (relativePath: string) => boolean;
}

export const CONTEXTS: Readonly<Record<string, string>> = {
  inputs: 'the values given when the run starts',
  env: "environment variables (the workflow's, the node's, and the process's)",
  nodes: 'upstream nodes: nodes.<id>.outputs.<name> and nodes.<id>.status',
  matrix: "this node's matrix values",
  run: 'the run: run.id',
  workflow: 'the workflow: workflow.name',
};
const NODE_FIELDS = ['outputs', 'status'];

/** The most related entries one diagnostic carries, and the most ids a cycle's message names. */
const MAX_RELATED = 20;
const MAX_CYCLE_IDS = 10;
/** How many nodes the searches for cycles may visit in one file. */
const MAX_CYCLE_SEARCH = 500_000;

/** `a → b → c → a`; a long cycle names its first nodes and how many there are. */
function cyclePath(cycle: readonly string[]): string {
  if (cycle.length <= MAX_CYCLE_IDS + 1) return cycle.join(' → ');
  return `${cycle.slice(0, MAX_CYCLE_IDS).join(' → ')} → … (${(cycle.length - 1).toLocaleString('en-US')} nodes in all) → ${cycle[0]}`;
}

/** Names a message lists: the first dozen, then how many more. */
function listed(names: readonly string[]): string {
  return names.length <= 12 ? names.join(', ') : `${names.slice(0, 12).join(', ')}, … (${names.length - 12} more)`;
}

const FUNCTION_NAMES = Object.keys(FUNCTION_SIGNATURES);

export function checkSemantics(parsed: ParsedDocument, workflow: WorkflowSpec, options: SemanticOptions = {}): SpanDiagnostic[] {
  const out: SpanDiagnostic[] = [];
  const rawNodes = isObject(parsed.value) && isObject(parsed.value.nodes) ? parsed.value.nodes : {};
  const byId = new Map(workflow.nodes.map((n) => [n.id, n]));
  const ids = workflow.nodes.map((n) => n.id);
  const { closest, didYouMean } = suggester();
  const needsSpan = (node: NodeSpec, i: number): Span => {
    const raw = isObject(rawNodes[node.id]) ? (rawNodes[node.id] as Json).needs : undefined;
    return locate(parsed, typeof raw === 'string' ? ['nodes', node.id, 'needs'] : ['nodes', node.id, 'needs', i]).valueSpan;
  };

  // Dependencies.
  for (const node of workflow.nodes) {
    node.needs.forEach((dep, i) => {
      if (dep === node.id) {
        const span = needsSpan(node, i);
        const removal = removeNeedsEntry(parsed, span, node.needs.length);
        out.push({
          span,
          severity: 'error',
          code: 'self-dependency',
          message: `node '${node.id}' needs itself: remove '${dep}' from its needs`,
          ...(removal ? { fixes: [{ title: `Remove '${dep}' from the needs of '${node.id}'`, edits: [removal] }] } : {}),
        });
      } else if (!byId.has(dep)) {
        const suggestion = closest(dep, ids, node.id);
        const span = needsSpan(node, i);
        out.push({
          span,
          severity: 'error',
          code: 'unknown-dependency',
          message: `node '${node.id}' needs '${dep}', which is not a node of this workflow${suggestion ? ` — did you mean '${suggestion}'?` : ` (nodes: ${listed(ids)})`}`,
          ...(suggestion ? { fixes: [{ title: `Change to '${suggestion}'`, edits: [{ span, newText: suggestion }] }] } : {}),
        });
      }
    });
  }

  // Cycles: every needs edge inside a strongly connected component lies on a cycle. Each is reported with one
  // shortest cycle through it (long cycles shortened in the message), and the needs entries along that cycle. The
  // searches for those cycles share a budget: past it (thousands of nodes in one cycle), edges name their group.
  const needsWithoutSelf = new Map(workflow.nodes.map((n) => [n.id, n.needs.filter((d) => d !== n.id)]));
  const needsOf = (id: string) => needsWithoutSelf.get(id) ?? [];
  const searchBudget = { left: MAX_CYCLE_SEARCH };
  const fileOrder = new Map(ids.map((id, i) => [id, i]));
  for (const component of cyclicComponents(ids, needsOf)) {
    const members = new Set(component);
    // In file order, so that the budget goes to the edges shown first.
    for (const id of [...component].sort((a, b) => fileOrder.get(a)! - fileOrder.get(b)!)) {
      const node = byId.get(id)!;
      node.needs.forEach((dep, index) => {
        if (dep === id || !members.has(dep)) return;
        const back = needsPath(dep, id, members, needsOf, searchBudget);
        const cycle = back ? [id, ...back] : undefined;
        const related = (cycle ?? [])
          .slice(0, MAX_RELATED + 1)
          .slice(0, -1)
          .map((from, i) => {
            const to = cycle![i + 1];
            const fromNode = byId.get(from)!;
            return { span: needsSpan(fromNode, Math.max(0, fromNode.needs.indexOf(to))), message: `'${from}' needs '${to}'` };
          });
        const how = cycle ? cyclePath(cycle) : `'${id}' and '${dep}' are among ${component.length.toLocaleString('en-US')} nodes that need each other`;
        out.push({
          span: needsSpan(node, index),
          severity: 'error',
          code: 'cycle',
          message: `'${id}' needs '${dep}', which forms a cycle: ${how}`,
          ...(related.length ? { related } : {}),
        });
      });
    }
  }

  // Sub-workflows.
  if (options.fileExists) {
    for (const node of workflow.nodes) {
      if (node.workflow !== undefined && !options.fileExists(node.workflow)) {
        out.push({
          span: locate(parsed, ['nodes', node.id, 'workflow']).valueSpan,
          severity: 'error',
          code: 'missing-workflow',
          message: `sub-workflow '${node.workflow}' does not exist (paths are relative to this file's folder)`,
        });
      }
    }
  }

  // Timeouts of zero, which would end what they bound before it starts.
  const root = isObject(parsed.value) ? parsed.value : {};
  const timeoutPaths: PathSegment[][] = [['timeout'], ['defaults', 'timeout']];
  for (const [id, raw] of Object.entries(rawNodes)) {
    timeoutPaths.push(['nodes', id, 'timeout']);
    if (isObject(raw) && isObject(raw.approval)) timeoutPaths.push(['nodes', id, 'approval', 'timeout']);
  }
  for (const at of timeoutPaths) {
    let value: unknown = root;
    for (const key of at) value = isObject(value) ? value[key as string] : undefined;
    // A bare number in a string is the schema's to report.
    const valid = typeof value === 'number' || (typeof value === 'string' && !/^\s*[\d.]+\s*$/.test(value));
    if (valid && parseDuration(value) === 0) {
      out.push({
        span: locate(parsed, at).valueSpan,
        severity: 'error',
        code: 'invalid-duration',
        message: 'a timeout of 0 would end it before it starts: give a positive duration, or leave the timeout out',
      });
    }
  }

  // Matrices: a bounded number of instances, each with an id of its own.
  for (const node of workflow.nodes) {
    if (!node.matrix) continue;
    const size = matrixSize(node.matrix);
    if (size > MAX_MATRIX_INSTANCES) {
      const factors = Object.entries(node.matrix)
        .map(([key, values]) => `${values.length} ${key}`)
        .join(' × ');
      const at = locate(parsed, ['nodes', node.id, 'matrix']);
      out.push({
        span: at.keySpan ?? at.valueSpan,
        severity: 'error',
        code: 'invalid-matrix',
        message: `the matrix of '${node.id}' makes ${size.toLocaleString('en-US')} instances (${factors}); at most ${MAX_MATRIX_INSTANCES} are allowed: use fewer values, or split the node`,
      });
    }
    const rawMatrix = isObject(rawNodes[node.id]) ? (rawNodes[node.id] as Json).matrix : undefined;
    for (const [key, values] of Object.entries(isObject(rawMatrix) ? rawMatrix : {})) {
      if (!Array.isArray(values)) continue;
      const seen = new Set<string>();
      values.forEach((value: unknown, i) => {
        if (!['string', 'number', 'boolean'].includes(typeof value)) return;
        const text = String(value);
        if (!seen.has(text)) return void seen.add(text);
        out.push({
          span: locate(parsed, ['nodes', node.id, 'matrix', key, i]).valueSpan,
          severity: 'error',
          code: 'invalid-matrix',
          message: `matrix key '${key}' already has the value ${JSON.stringify(text)} (instance ids use the text of each value): remove one`,
        });
      });
    }
  }

  // Expressions in every string of the document.
  const isUpstream = upstreamChecker(workflow.nodes);
  // One mutable path for the walk; it is copied only for the few strings that hold expressions.
  const path: PathSegment[] = [];
  // An aliased value is one object reached from several places: it is walked once per place it can mean something
  // different (the node it is in, and how deep it is while that decides whether a string is a condition).
  const walked = new Map<object, Set<string>>();
  const firstWalk = (value: object): boolean => {
    const context = `${Math.min(path.length, 3)}:${path[0] === 'nodes' ? String(path[1]) : ''}`;
    let contexts = walked.get(value);
    if (!contexts) walked.set(value, (contexts = new Set()));
    if (contexts.has(context)) return false;
    contexts.add(context);
    return true;
  };
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      const isCondition = path.length === 3 && path[0] === 'nodes' && path[2] === 'if';
      if (isCondition || value.includes('${{')) checkString(value, [...path], isCondition);
    } else if (value === null || typeof value !== 'object' || !firstWalk(value)) {
      return;
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        visit(value[i]);
        path.pop();
      }
    } else if (isObject(value)) {
      for (const k in value) {
        if (path.length === 0 && k === 'description') continue;
        path.push(k);
        visit(value[k]);
        path.pop();
      }
    }
  };

  const checkString = (value: string, path: PathSegment[], isCondition: boolean): void => {
    const node = path[0] === 'nodes' && typeof path[1] === 'string' ? byId.get(path[1]) : undefined;
    let sourceMap: ((offset: number) => number | undefined) | undefined;
    let scalar: Span | undefined;
    const where = (span: Span): Span => {
      if (!scalar) {
        scalar = locate(parsed, path).valueSpan;
        sourceMap = valueToSource(parsed.text.slice(scalar.start, scalar.end), scalar.start, value);
      }
      return mapSpan(sourceMap!, span, scalar);
    };
    const pieces = expressionPieces(value, isCondition);
    for (const piece of pieces) {
      if (piece.error) {
        const s = piece.error.span;
        const span = where({ start: piece.offset + Math.max(-3, s.start), end: piece.offset + Math.max(s.start + 1, s.end) });
        out.push({ span, severity: 'error', code: 'invalid-expression', message: `invalid expression: ${piece.error.message}` });
        continue;
      }
      const { refs, calls } = collectReferences(piece.expr!);
      const at = (s: Span) => where({ start: piece.offset + s.start, end: piece.offset + s.end });
      for (const call of calls) {
        if (!FUNCTION_SIGNATURES[call.name]) {
          out.push({
            span: at(call.nameSpan),
            severity: 'error',
            code: 'unknown-reference',
            message: `unknown function '${call.name}'${didYouMean(call.name, FUNCTION_NAMES)}`,
          });
        }
      }
      for (const ref of refs) checkReference(ref, node, at);
    }
  };

  const checkReference = (ref: Reference, node: NodeSpec | undefined, at: (s: Span) => Span): void => {
    const [root, first, second, third] = ref.segments;
    const report = (
      code: SpanDiagnostic['code'],
      span: Span,
      message: string,
      severity: SpanDiagnostic['severity'] = 'error',
      fixes?: SpanDiagnostic['fixes'],
    ) => out.push({ span: at(span), severity, code, message, ...(fixes ? { fixes } : {}) });
    switch (root.name) {
      case 'inputs': {
        if (!first) return;
        const names = Object.keys(workflow.inputs);
        if (!names.includes(first.name)) {
          report(
            'unknown-reference',
            first.span,
            `no input named '${first.name}'${names.length ? didYouMean(first.name, names) || ` (inputs: ${listed(names)})` : ': this workflow declares no inputs'}`,
          );
        }
        return;
      }
      case 'env':
        return;
      case 'matrix': {
        if (!node?.matrix) {
          report('unknown-reference', root.span, node ? `node '${node.id}' has no matrix` : "'matrix' is only available inside a node with a matrix");
          return;
        }
        const keys = Object.keys(node.matrix);
        if (first && !keys.includes(first.name))
          report(
            'unknown-reference',
            first.span,
            `no matrix key '${first.name}' in node '${node.id}'${didYouMean(first.name, keys) || ` (keys: ${listed(keys)})`}`,
          );
        return;
      }
      case 'run':
        if (first && first.name !== 'id') report('unknown-reference', first.span, `'run.${first.name}' does not exist: the run context has 'id'`);
        return;
      case 'workflow':
        if (first && first.name !== 'name') report('unknown-reference', first.span, `'workflow.${first.name}' does not exist: the workflow context has 'name'`);
        return;
      case 'nodes': {
        if (!first) return;
        const target = byId.get(first.name);
        if (!target) {
          report('unknown-reference', first.span, `no node named '${first.name}'${didYouMean(first.name, ids)}`);
          return;
        }
        if (!node) {
          report('unreachable-reference', first.span, `nodes.${first.name} can only be read inside a node that needs '${first.name}'`);
          return;
        }
        if (target.id === node.id || !isUpstream(node.id, target.id)) {
          const why =
            target.id === node.id
              ? 'a node cannot read its own results'
              : `'${target.id}' is not upstream of '${node.id}', so its results would not exist yet: add it to needs`;
          report('unreachable-reference', first.span, `nodes.${first.name}: ${why}`);
          return;
        }
        if (!second) return;
        if (!NODE_FIELDS.includes(second.name)) {
          report(
            'unknown-reference',
            second.span,
            `'nodes.${first.name}.${second.name}' does not exist: a node has 'outputs' and 'status'${didYouMean(second.name, NODE_FIELDS)}`,
          );
          return;
        }
        if (second.name === 'outputs' && third && target.outputs && !target.outputs.includes(third.name)) {
          report(
            'undeclared-output',
            third.span,
            `node '${target.id}' does not declare an output '${third.name}' (outputs: ${listed(target.outputs) || 'none'})${didYouMean(third.name, target.outputs)}`,
            'warning',
            outputFix(target, third.name),
          );
        }
        return;
      }
      default:
        report(
          'unknown-reference',
          root.span,
          `unknown context '${root.name}'${didYouMean(root.name, Object.keys(CONTEXTS)) || ` (contexts: ${Object.keys(CONTEXTS).join(', ')})`}`,
        );
    }
  };

  const outputFix = (target: NodeSpec, name: string): SpanDiagnostic['fixes'] => {
    const at = locate(parsed, ['nodes', target.id, 'outputs']);
    const source = parsed.text.slice(at.valueSpan.start, at.valueSpan.end);
    if (!source.startsWith('[') || !source.endsWith(']')) return undefined;
    const insertAt = at.valueSpan.end - 1;
    const separator = source.slice(1, -1).trim() === '' ? '' : ', ';
    return [{ title: `Add '${name}' to the outputs of '${target.id}'`, edits: [{ span: { start: insertAt, end: insertAt }, newText: `${separator}${name}` }] }];
  };

  visit(parsed.value);
  return out;
}

/** The edit that removes one `needs` entry: the item and its comma in a flow list, its line in a block list or scalar. */
function removeNeedsEntry(parsed: ParsedDocument, span: Span, count: number): { span: Span; newText: string } | undefined {
  const text = parsed.text;
  const line = parsed.lines.position(span.start).line;
  const lineStart = parsed.lines.lineStart(line);
  const lineEnd = parsed.lines.lineEnd(line);
  const before = text.slice(lineStart, span.start);
  const wholeLine = { start: lineStart, end: Math.min(text.length, lineEnd + 1) };
  // `needs: self` or a block item `- self`, alone on its line.
  if ((/^\s*needs:\s*$/.test(before) || /^\s*-\s*$/.test(before)) && text.slice(span.end, lineEnd).trim() === '') {
    return count === 1 || /^\s*-\s*$/.test(before) ? { span: wholeLine, newText: '' } : undefined;
  }
  // Inside a flow list: take the comma before it, or the one after it for the first item.
  let start = span.start;
  let end = span.end;
  const after = /^\s*,\s*/.exec(text.slice(end));
  const prior = /,\s*$/.exec(text.slice(lineStart, start));
  if (prior) start -= prior[0].length;
  else if (after) end += after[0].length;
  return { span: { start, end }, newText: '' };
}
