// The editor's view of a workflow file: where every node, `needs` entry and expression reference is.
// Pure: no vscode import, so completion, hover, navigation and rename are tested in plain Node.
import { isMap, isPair, isScalar, isSeq, type Node as YamlNode, type Pair } from 'yaml';
import type { Span } from '../../engine/diagnostics';
import { collectReferences } from '../../engine/expressions/references';
import { expressionPieces } from '../../engine/expressions/template';
import { upstreamChecker } from '../../engine/graph';
import type { NodeSpec } from '../../engine/model';
import { mapSpan, valueToSource } from '../../engine/validation/textMapping';
import type { ValidationResult } from '../../engine/validation/validate';

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
}

/** `nodes.<id>` inside an expression. */
export interface NodeReference {
  nodeId: string;
  span: Span;
  /** The node whose field holds the expression; undefined at the workflow level. */
  fromNode?: string;
  output?: { name: string; span: Span };
}

export interface WorkflowIndex {
  result: ValidationResult;
  nodes: NodeEntry[];
  byId: Map<string, NodeEntry>;
  /** The `nodes:` key, where workflow-level lenses go. */
  nodesKeySpan?: Span;
  references: NodeReference[];
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
  const references: NodeReference[] = [];
  const scan = referenceScanner(parsed, references);
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
    references,
    isUpstream: upstreamChecker(workflow.nodes),
  };
}

type Scan = (node: unknown, fromNode: string | undefined, isConditionField: boolean) => void;

/** Walks a value for expressions and records every `nodes.<id>` they mention, with its place. */
function referenceScanner(parsed: ValidationResult['parsed'], references: NodeReference[]): Scan {
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
        const [root, id, field, output] = ref.segments;
        if (root.name.toLowerCase() !== 'nodes' || !id || id.name === '*') continue;
        const at = (s: Span) => mapSpan(toSource, { start: piece.offset + s.start, end: piece.offset + s.end }, scalar);
        references.push({
          nodeId: id.name,
          span: at(id.span),
          fromNode,
          ...(field?.name.toLowerCase() === 'outputs' && output && output.name !== '*' ? { output: { name: output.name, span: at(output.span) } } : {}),
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
    nodes.push({ id, spec: specs.get(id), keySpan, span: { start: keySpan.start, end: Math.max(end, keySpan.end) }, needs });
    if (isMap(value)) for (const field of value.items) if (isPair(field)) scan(field.value, id, isScalar(field.key) && field.key.value === 'if');
  }
  return nodes;
}

/** The node whose definition contains an offset. */
export function nodeAt(index: WorkflowIndex, offset: number): NodeEntry | undefined {
  return index.nodes.find((n) => n.span.start <= offset && offset <= n.span.end);
}

/** Nodes that need `id`, directly or not: they cannot be added to its needs without a cycle. */
export function downstreamOf(index: WorkflowIndex, id: string): Set<string> {
  return new Set(index.result.workflow.nodes.filter((n) => n.id !== id && index.isUpstream(n.id, id)).map((n) => n.id));
}
