// Where a key of a node's matrix is named: as a key of its `matrix` map, in its `include` and `exclude` entries, in
// every `matrix.<key>` of the node's expressions, and in the instance ids other nodes read its outputs by
// (`nodes.test.outputs.x['test[shard=1]']`). Pure: the editor's navigation, the rename and the CLI share it.
import { isMap, isScalar, isSeq, type Scalar } from 'yaml';
import type { Span } from './diagnostics';
import { fieldPair, nodePair, pairIn } from './edits/yamlText';
import { expandMatrix, matrixValueText, type MatrixInstance } from './matrix';
import { nodeAt, type WorkflowIndex } from './workflowIndex';

export type MatrixKeyRole = 'definition' | 'entry' | 'expression' | 'instance';

export interface MatrixKeyMention {
  nodeId: string;
  key: string;
  span: Span;
  role: MatrixKeyRole;
}

/** The scalar keys of a map, each with where its text is (inside its quotes). */
function keysOf(map: unknown): { key: string; span: Span }[] {
  if (!isMap(map)) return [];
  return map.items.flatMap((p) => {
    const k = p.key as Scalar | null;
    if (!isScalar(k) || typeof k.value !== 'string' || !k.range) return [];
    const quoted = k.type === 'QUOTE_DOUBLE' || k.type === 'QUOTE_SINGLE' ? 1 : 0;
    return [{ key: k.value, span: { start: k.range[0] + quoted, end: k.range[1] - quoted } }];
  });
}

/** The keys the node's `matrix` map writes (its axes) and those of its `include` and `exclude` entries. */
export function matrixKeyDefinitions(index: WorkflowIndex, nodeId: string): MatrixKeyMention[] {
  const pair = nodePair(index.result.parsed, nodeId);
  const matrix = pair && fieldPair(pair, 'matrix')?.value;
  if (!isMap(matrix)) return [];
  const out: MatrixKeyMention[] = [];
  for (const { key, span } of keysOf(matrix)) if (key !== 'include' && key !== 'exclude') out.push({ nodeId, key, span, role: 'definition' });
  for (const list of ['include', 'exclude']) {
    const entries = pairIn(matrix, list)?.value;
    for (const entry of isSeq(entries) ? entries.items : []) for (const { key, span } of keysOf(entry)) out.push({ nodeId, key, span, role: 'entry' });
  }
  return out;
}

/** Where each key of an instance's id is, from the start of the id: `test[os=linux,node=18]` has `os` at 5. */
function keyOffsets(nodeId: string, instance: MatrixInstance): { key: string; at: number }[] {
  const out: { key: string; at: number }[] = [];
  let at = nodeId.length + 1;
  for (const [key, value] of Object.entries(instance.values)) {
    out.push({ key, at });
    at += key.length + 1 + matrixValueText(value).length + 1;
  }
  return out;
}

/**
 * The instance ids other nodes read the node's outputs by (`nodes.test.outputs.x['test[shard=1]']`), each the
 * instance it names with where its literal is, quotes included: those whose literal stands in the source as
 * `'<id>'`, in any case (one escaped otherwise is not found). Only a matrix written out has ids to find.
 */
export function matrixInstanceReads(index: WorkflowIndex, nodeId: string): { instance: MatrixInstance; span: Span }[] {
  const reads = index.references.filter((r) => r.nodeId === nodeId && r.instance);
  const spec = index.byId.get(nodeId)?.spec;
  if (!reads.length || !spec?.matrix) return [];
  // Ids are read without regard to case: one written in another case is the same instance, and its parts sit
  // where the instance's id has them.
  const instances = new Map(expandMatrix(spec).map((i) => [i.id.toLowerCase(), i]));
  const text = index.result.parsed.text;
  return reads.flatMap(({ instance: read }) => {
    const instance = instances.get(read!.id.toLowerCase());
    return instance && text.slice(read!.span.start, read!.span.end).toLowerCase() === `'${instance.id}'`.toLowerCase() ? [{ instance, span: read!.span }] : [];
  });
}

/** The keys named in the instance ids other nodes read the node's outputs by. */
export function matrixInstanceMentions(index: WorkflowIndex, nodeId: string): MatrixKeyMention[] {
  return matrixInstanceReads(index, nodeId).flatMap(({ instance, span }) =>
    keyOffsets(nodeId, instance).map(({ key, at }) => {
      const start = span.start + 1 + at;
      return { nodeId, key, span: { start, end: start + key.length }, role: 'instance' as const };
    }),
  );
}

/** Every place a key of a node's matrix is named, `matrix.<key>` in any case as expressions read it. */
export function matrixKeyMentionsOf(index: WorkflowIndex, nodeId: string, key: string): MatrixKeyMention[] {
  const lower = key.toLowerCase();
  const out = [...matrixKeyDefinitions(index, nodeId), ...matrixInstanceMentions(index, nodeId)].filter((m) => m.key === key);
  for (const r of index.matrixReferences) if (r.nodeId === nodeId && r.key.toLowerCase() === lower) out.push({ nodeId, key, span: r.span, role: 'expression' });
  return out.sort((a, b) => a.span.start - b.span.start);
}

const inside = (span: Span, offset: number) => span.start <= offset && offset <= span.end;

/** The matrix key named at an offset, if any, under the name the matrix writes it with when it does. */
export function matrixKeyAt(index: WorkflowIndex, offset: number): MatrixKeyMention | undefined {
  const read = index.matrixReferences.find((r) => inside(r.span, offset));
  if (read) {
    const lower = read.key.toLowerCase();
    const written = matrixKeyDefinitions(index, read.nodeId).find((d) => d.key.toLowerCase() === lower);
    return { nodeId: read.nodeId, key: written?.key ?? read.key, span: read.span, role: 'expression' };
  }
  const instanceRead = index.references.find((r) => r.instance && inside(r.instance.span, offset));
  if (instanceRead) return matrixInstanceMentions(index, instanceRead.nodeId).find((m) => inside(m.span, offset));
  const node = nodeAt(index, offset);
  return node && matrixKeyDefinitions(index, node.id).find((m) => inside(m.span, offset));
}

/** The instance whose id is read at an offset (`['test[os=linux]'|]`), with where its literal is. */
export function matrixInstanceAt(index: WorkflowIndex, offset: number): { nodeId: string; instance: MatrixInstance; span: Span } | undefined {
  const read = index.references.find((r) => r.instance && inside(r.instance.span, offset));
  const found = read && matrixInstanceReads(index, read.nodeId).find((r) => inside(r.span, offset));
  return found && { nodeId: read.nodeId, ...found };
}
