// Where everything is in a workflow file: every node, input, `needs` entry and expression reference, with its span.
// Pure: language features, the builder's edits and the CLI share it.
import { isMap, isPair, isScalar, isSeq, type Node as YamlNode, type Pair } from 'yaml';
import type { Span } from './diagnostics';
import { collectReferences } from './expressions/references';
import { expressionPieces } from './expressions/template';
import { upstreamChecker } from './graph';
import type { NodeSpec } from './model';
import { mapSpan, valueToSource } from './validation/textMapping';
import type { ValidationResult } from './validation/validate';

export interface NeedsEntry {
  id: string;
  span: Span;
}

export interface NodeEntry {
  id: string;
  spec?: NodeSpec;
  keySpan: Span;
  /** From the key to the end of the node's value. */
  span: Span;
  needs: NeedsEntry[];
  /** The path of the sub-workflow it runs, as written (inside its quotes). */
  workflowSpan?: Span;
}

/** `nodes.<id>` inside an expression. */
export interface NodeReference {
  nodeId: string;
  span: Span;
  /** The node whose field holds the expression; undefined at the workflow level. */
  fromNode?: string;
  output?: { name: string; span: Span };
  /** The index after the output (`nodes.test.outputs.x['test[shard=1]']`): an instance's id, where its literal is, quotes included. */
  instance?: { id: string; span: Span };
}

/** `matrix.<key>` inside an expression of a node. */
export interface MatrixReference {
  nodeId: string;
  key: string;
  span: Span;
}

/** An input the workflow declares: its key under `inputs:`. */
export interface InputEntry {
  name: string;
  keySpan: Span;
}

/** `inputs.<name>` inside an expression, under the name the input is declared with when it is one. */
export interface InputReference {
  input: string;
  span: Span;
}

export interface WorkflowIndex {
  result: ValidationResult;
  nodes: NodeEntry[];
  byId: Map<string, NodeEntry>;
  /** The `nodes:` key, where workflow-level lenses go. */
  nodesKeySpan?: Span;
  references: NodeReference[];
  inputs: InputEntry[];
  inputReferences: InputReference[];
  matrixReferences: MatrixReference[];
  isUpstream(id: string, ancestor: string): boolean;
}

const spanOf = (n: YamlNode | null | undefined): Span | undefined => (n?.range ? { start: n.range[0], end: n.range[1] } : undefined);

function pairNamed(map: unknown, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  let found: Pair | undefined;
  for (const item of map.items) if (isPair(item) && isScalar(item.key) && String(item.key.value) === key) found = item;
  return found;
}

export function buildIndex(result: ValidationResult): WorkflowIndex {
  const { parsed, workflow } = result;
  const found: Found = { nodes: [], inputs: [], matrix: [] };
  // Expressions name nodes and inputs without regard to case: a reference is recorded under the name the file declares.
  const scan = referenceScanner(parsed, found, {
    node: byLowerCase(workflow.nodes.map((n) => n.id)),
    input: byLowerCase(Object.keys(workflow.inputs)),
  });
  const root = parsed.doc.contents;
  const nodesPair = pairNamed(root, 'nodes');
  if (isMap(root)) {
    for (const item of root.items) if (isPair(item) && !(isScalar(item.key) && item.key.value === 'nodes')) scan(item.value, undefined, false);
  }
  const nodes = nodesPair && isMap(nodesPair.value) ? nodeEntries(nodesPair.value.items, new Map(workflow.nodes.map((n) => [n.id, n])), scan) : [];
  return {
    result,
    nodes,
    byId: new Map(nodes.map((n) => [n.id, n])),
    nodesKeySpan: nodesPair ? spanOf(nodesPair.key as YamlNode) : undefined,
    references: found.nodes,
    inputs: inputEntries(pairNamed(root, 'inputs')?.value),
    inputReferences: found.inputs,
    matrixReferences: found.matrix,
    isUpstream: upstreamChecker(workflow.nodes),
  };
}

type Scan = (node: unknown, fromNode: string | undefined, isConditionField: boolean) => void;

interface Found {
  nodes: NodeReference[];
  inputs: InputReference[];
  matrix: MatrixReference[];
}

/** A name as declared, found from any case of it (the first declared wins, as in the evaluator's dictionary). */
function byLowerCase(names: readonly string[]): (name: string) => string {
  const declared = new Map<string, string>();
  for (const name of names) if (!declared.has(name.toLowerCase())) declared.set(name.toLowerCase(), name);
  return (name) => declared.get(name.toLowerCase()) ?? name;
}

/** Walks a value for expressions and records every `nodes.<id>` and `inputs.<name>` they mention, with its place. */
function referenceScanner(
  parsed: ValidationResult['parsed'],
  found: Found,
  declared: { node: (name: string) => string; input: (name: string) => string },
): Scan {
  const scan: Scan = (node, fromNode, isConditionField) => {
    if (isMap(node)) {
      for (const item of node.items) if (isPair(item)) scan(item.value, fromNode, false);
      return;
    }
    if (isSeq(node)) {
      for (const item of node.items) scan(item, fromNode, false);
      return;
    }
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return;
    const value = node.value;
    if (!isConditionField && !value.includes('${{')) return;
    const scalar = { start: node.range[0], end: node.range[1] };
    const toSource = valueToSource(parsed.text.slice(scalar.start, scalar.end), scalar.start, value);
    for (const piece of expressionPieces(value, isConditionField)) {
      if (!piece.parsed) continue;
      for (const ref of collectReferences(piece.parsed).refs) {
        const [root, id, field, output, instance] = ref.segments;
        const context = root.name.toLowerCase();
        if (!id || id.name === '*') continue;
        const at = (s: Span) => mapSpan(toSource, { start: piece.offset + s.start, end: piece.offset + s.end }, scalar);
        if (context === 'inputs') found.inputs.push({ input: declared.input(id.name), span: at(id.span) });
        else if (context === 'matrix' && fromNode !== undefined) found.matrix.push({ nodeId: fromNode, key: id.name, span: at(id.span) });
        if (context !== 'nodes') continue;
        const outputNamed = field?.name.toLowerCase() === 'outputs' && output && output.name !== '*';
        found.nodes.push({
          nodeId: declared.node(id.name),
          span: at(id.span),
          fromNode,
          ...(outputNamed ? { output: { name: output.name, span: at(output.span) } } : {}),
          ...(outputNamed && instance && instance.name !== '*' ? { instance: { id: instance.name, span: at(instance.span) } } : {}),
        });
      }
    }
  };
  return scan;
}

/** Each node's entry: its key, its whole definition, its `needs` entries; its expressions go to `scan`. */
function nodeEntries(items: readonly unknown[], specs: ReadonlyMap<string, NodeSpec>, scan: Scan): NodeEntry[] {
  const nodes: NodeEntry[] = [];
  for (const item of items) {
    if (!isPair(item) || !isScalar(item.key) || !item.key.range) continue;
    const id = String(item.key.value);
    const keySpan = spanOf(item.key)!;
    const value = item.value as YamlNode | null;
    const end = value?.range?.[1] ?? keySpan.end;
    const needsValue = pairNamed(value, 'needs')?.value;
    const needs: NeedsEntry[] = [];
    for (const n of isSeq(needsValue) ? needsValue.items : [needsValue])
      if (isScalar(n) && typeof n.value === 'string' && n.range) needs.push({ id: n.value, span: spanOf(n)! });
    const workflowSpan = pathSpan(pairNamed(value, 'workflow')?.value);
    nodes.push({
      id,
      spec: specs.get(id),
      keySpan,
      span: { start: keySpan.start, end: Math.max(end, keySpan.end) },
      needs,
      ...(workflowSpan ? { workflowSpan } : {}),
    });
    if (isMap(value)) for (const field of value.items) if (isPair(field)) scan(field.value, id, isScalar(field.key) && field.key.value === 'if');
  }
  return nodes;
}

/** The inputs under `inputs:`, by their keys. */
function inputEntries(inputs: unknown): InputEntry[] {
  if (!isMap(inputs)) return [];
  return inputs.items.flatMap((item) =>
    isPair(item) && isScalar(item.key) && item.key.range ? [{ name: String(item.key.value), keySpan: spanOf(item.key)! }] : [],
  );
}

/** Where a one-line string value's text is, inside its quotes. */
function pathSpan(value: unknown): Span | undefined {
  if (!isScalar(value) || typeof value.value !== 'string' || !value.range) return undefined;
  if (value.type === 'BLOCK_LITERAL' || value.type === 'BLOCK_FOLDED') return undefined;
  const quoted = value.type === 'QUOTE_DOUBLE' || value.type === 'QUOTE_SINGLE' ? 1 : 0;
  return { start: value.range[0] + quoted, end: value.range[1] - quoted };
}

/** The node whose definition contains an offset. */
export function nodeAt(index: WorkflowIndex, offset: number): NodeEntry | undefined {
  return index.nodes.find((n) => n.span.start <= offset && offset <= n.span.end);
}

/** Nodes that need `id`, directly or not: they cannot be added to its needs without a cycle. */
export function downstreamOf(index: WorkflowIndex, id: string): Set<string> {
  return new Set(index.result.workflow.nodes.filter((n) => n.id !== id && index.isUpstream(n.id, id)).map((n) => n.id));
}

export type NodeMention = { nodeId: string; span: Span; role: 'definition' | 'needs' | 'expression' };

const inside = (span: Span, offset: number) => span.start <= offset && offset <= span.end;

/** Every place a node id is written: its key, `needs` entries, and `nodes.<id>` in expressions. */
export function mentionsOf(index: WorkflowIndex, nodeId: string): NodeMention[] {
  const out: NodeMention[] = [];
  const def = index.byId.get(nodeId);
  if (def) out.push({ nodeId, span: def.keySpan, role: 'definition' });
  for (const n of index.nodes) for (const need of n.needs) if (need.id === nodeId) out.push({ nodeId, span: need.span, role: 'needs' });
  for (const r of index.references) if (r.nodeId === nodeId) out.push({ nodeId, span: r.span, role: 'expression' });
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** The node id mentioned at an offset, if any. */
export function mentionAt(index: WorkflowIndex, offset: number): NodeMention | undefined {
  for (const n of index.nodes) {
    if (inside(n.keySpan, offset)) return { nodeId: n.id, span: n.keySpan, role: 'definition' };
    for (const need of n.needs) if (inside(need.span, offset)) return { nodeId: need.id, span: need.span, role: 'needs' };
  }
  for (const r of index.references) if (inside(r.span, offset)) return { nodeId: r.nodeId, span: r.span, role: 'expression' };
  return undefined;
}

export type InputMention = { input: string; span: Span; role: 'definition' | 'expression' };

/** Every place an input's name is written: its key under `inputs:`, and `inputs.<name>` in expressions. */
export function inputMentionsOf(index: WorkflowIndex, name: string): InputMention[] {
  const out: InputMention[] = [];
  const def = index.inputs.find((i) => i.name === name);
  if (def) out.push({ input: name, span: def.keySpan, role: 'definition' });
  for (const r of index.inputReferences) if (r.input === name) out.push({ input: name, span: r.span, role: 'expression' });
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** The input named at an offset, if any. */
export function inputMentionAt(index: WorkflowIndex, offset: number): InputMention | undefined {
  const def = index.inputs.find((i) => inside(i.keySpan, offset));
  if (def) return { input: def.name, span: def.keySpan, role: 'definition' };
  const ref = index.inputReferences.find((r) => inside(r.span, offset));
  return ref && { input: ref.input, span: ref.span, role: 'expression' };
}
