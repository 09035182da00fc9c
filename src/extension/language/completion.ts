import { SHELL_CHOICES } from '../../engine/shellChoices';
import { FUNCTION_SIGNATURES } from '../../engine/expressions/functions';
import { isObject } from '../../engine/json';
import { matrixKeys, matrixValueText, matrixValuesOf, writtenMatrixKeys, type MatrixValue } from '../../engine/matrix';
import { expandMatrix, nodesNamingMutex } from '../../engine/model';
import { outputWrites } from '../../engine/outputMentions';
import { CONTEXTS, readsFilesAt } from '../../engine/validation/semantics';
import { cursorContext, type CursorContext } from './cursorContext';
import { snippetItems } from './snippets';
import { enumAt, propertiesAt } from './schemaDocs';
import { downstreamOf, type WorkflowIndex } from '../../engine/workflowIndex';
import { addNeedsEntry } from '../../engine/edits/needs';
import { lineStart } from '../../engine/edits/yamlText';
import type { TextEdit } from '../../engine/diagnostics';
import { markdownText } from '../ui/untrustedText';
import { wantsWorkflowFiles, withInputItems, withKeyPlace, workflowFileItems, type FileLookups } from './subWorkflowCompletion';

export type CompletionKind = 'property' | 'node' | 'context' | 'function' | 'output' | 'input' | 'value' | 'field' | 'file' | 'snippet';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  /** Text to insert; a snippet when `snippet` is set (`$1`, `$0`). */
  insertText: string;
  snippet?: boolean;
  /** Offset where the text being completed starts (it ends at the cursor, or at `replaceEnd`). */
  replaceStart: number;
  replaceEnd?: number;
  /** What the text being completed is matched with, when not the label. */
  filterText?: string;
  sortText?: string;
  /** Edits elsewhere in the file that come with the item (a node read added to the reader's needs). */
  additionalEdits?: TextEdit[];
}

const VALUE_CHOICES: Record<string, readonly string[]> = {
  continueOnError: ['true', 'false'],
  required: ['true', 'false'],
  shell: SHELL_CHOICES,
  version: ['1'],
};

function nodeSummary(index: WorkflowIndex, id: string): string {
  const spec = index.byId.get(id)?.spec;
  if (!spec) return '';
  const parts = [spec.kind === 'run' ? 'runs a script' : spec.kind === 'approval' ? 'approval gate' : `sub-workflow ${spec.workflow ?? ''}`];
  if (spec.phase) parts.push(`phase ${spec.phase}`);
  if (spec.needs.length) parts.push(`needs ${spec.needs.join(', ')}`);
  if (spec.outputs?.length) parts.push(`outputs ${spec.outputs.join(', ')}`);
  return parts.join(' · ');
}

/** Completion items at an offset of a workflow file; with lookups, sub-workflow files and their inputs too. */
export function complete(index: WorkflowIndex, offset: number, lookups?: FileLookups): CompletionItem[] {
  const text = index.result.parsed.text;
  const ctx = cursorContext(text, offset);
  const linePrefix = text.slice(lineStart(text, offset), offset);
  if (lookups && wantsWorkflowFiles(ctx)) return workflowFileItems(lookups, linePrefix, offset);
  const withKey = lookups && withKeyPlace(ctx);
  if (lookups && withKey) return withInputItems(index, withKey, lookups);
  switch (ctx.kind) {
    case 'expression':
      return completeExpression(index, ctx, lookups);
    case 'value':
      return matrixEntryItems(index, ctx) ?? completeValue(index, ctx);
    case 'key': {
      const entryKeys = matrixEntryItems(index, ctx);
      if (entryKeys) return entryKeys;
      const present = new Set(ctx.siblings);
      const props = propertiesAt(ctx.path).filter((p) => !present.has(p.name));
      const keys = props.map((p): CompletionItem => {
        const isObject = p.schema.type === 'object' || p.name === 'approval';
        const isList = p.schema.type === 'array';
        return {
          label: p.name,
          kind: 'property',
          documentation: p.doc,
          insertText: isObject ? (ctx.flow ? `${p.name}: { $0 }` : `${p.name}:\n  $0`) : isList ? `${p.name}: [$0]` : `${p.name}: $0`,
          snippet: true,
          replaceStart: ctx.start,
        };
      });
      return [...keys, ...snippetItems(ctx)];
    }
    case 'none':
      return [];
  }
}

type MatrixEntryPlace = { id: string; list: 'exclude' | 'include'; key?: string };

/** In an entry of a node's matrix `exclude` or `include`: its key being written, or the value of `key`. */
function matrixEntryPlace(ctx: Extract<CursorContext, { kind: 'key' | 'value' }>): MatrixEntryPlace | undefined {
  const [nodes, id, matrix, list] = ctx.path;
  if (nodes !== 'nodes' || id === undefined || matrix !== 'matrix') return undefined;
  const isList = (x: string | undefined): x is MatrixEntryPlace['list'] => x === 'exclude' || x === 'include';
  // `- |`: a new entry of the list, which reads as a value of its key.
  if (ctx.kind === 'value' && ctx.inList && ctx.path.length === 3 && isList(ctx.key)) return { id, list: ctx.key };
  if (ctx.path.length !== 4 || !isList(list)) return undefined;
  return { id, list, ...(ctx.kind === 'value' ? { key: ctx.key } : {}) };
}

/**
 * In an entry of a matrix's `exclude` (`include`): the keys of the matrix's axes (and of its other entries), then the
 * values of the key being written. Undefined elsewhere.
 */
function matrixEntryItems(index: WorkflowIndex, ctx: Extract<CursorContext, { kind: 'key' | 'value' }>): CompletionItem[] | undefined {
  const place = matrixEntryPlace(ctx);
  if (!place) return undefined;
  const matrix = index.byId.get(place.id)?.spec?.matrix;
  if (!matrix) return [];
  const valuesOf = (k: string) => (place.list === 'exclude' ? (matrix.axes[k] ?? []) : matrixValuesOf(matrix, k)).map(matrixValueText);
  if (place.key !== undefined) {
    const key = place.key;
    return valuesOf(key).map((v) => ({ label: v, kind: 'value', detail: `matrix · ${key}`, insertText: v, replaceStart: ctx.start }));
  }
  const present = new Set(ctx.kind === 'key' ? ctx.siblings : []);
  const keys = place.list === 'exclude' ? Object.keys(matrix.axes) : matrixKeys(matrix);
  return keys
    .filter((k) => !present.has(k))
    .map((k) => ({ label: k, kind: 'field', detail: `matrix · ${valuesOf(k).join(', ')}`, insertText: `${k}: `, replaceStart: ctx.start }));
}

/** Inside `${{ }}` (or a bare condition): contexts and functions, then each context's members. */
function completeExpression(index: WorkflowIndex, ctx: Extract<CursorContext, { kind: 'expression' }>, lookups?: FileLookups): CompletionItem[] {
  if (ctx.instanceOf !== undefined) return instanceItems(index, ctx.instanceOf, ctx.start, ctx.end);
  const segments = ctx.prefix.split('.');
  const at = ctx.start;
  const isCondition = ctx.path.length === 3 && ctx.path[0] === 'nodes' && ctx.path[2] === 'if';
  if (segments.length === 1) {
    return [
      ...Object.entries(CONTEXTS).map<CompletionItem>(([name, doc]) => ({
        label: name,
        kind: 'context',
        detail: 'context',
        documentation: doc,
        insertText: name,
        replaceStart: at,
        sortText: `0${name}`,
      })),
      ...Object.values(FUNCTION_SIGNATURES)
        .filter((sig) => (!sig.status || isCondition) && (!sig.files || readsFilesAt(ctx.path)))
        .map<CompletionItem>((sig) => ({
          label: `${sig.name}()`,
          kind: 'function',
          detail: sig.status ? 'status function' : sig.files ? 'function: reads files as the node starts' : 'function',
          documentation: sig.doc,
          insertText: sig.max === 0 ? `${sig.name}()` : `${sig.name}($1)$0`,
          snippet: sig.max > 0,
          replaceStart: at,
          sortText: `1${sig.name}`,
        })),
    ];
  }
  const nodeId = ctx.path[0] === 'nodes' ? ctx.path[1] : undefined;
  if (segments.length === 2) return contextMembers(index, segments[0], nodeId, at);
  const [root, second, third] = segments;
  if (root === 'matrix' && segments.length === 3) return matrixMapMembers(index, nodeId, second, at);
  if (root === 'nodes' && segments.length === 3) {
    return [
      { label: 'outputs', kind: 'field', detail: `outputs of ${second}`, insertText: 'outputs', replaceStart: at },
      { label: 'status', kind: 'field', detail: 'completed, failed, skipped or cancelled', insertText: 'status', replaceStart: at },
      { label: 'outcome', kind: 'field', detail: 'the status before continueOnError is applied', insertText: 'outcome', replaceStart: at },
    ];
  }
  if (root !== 'nodes' || third !== 'outputs' || segments.length !== 4) return [];
  const target = index.result.workflow.nodes.find((n) => n.id === second);
  const instances = target?.matrix
    ? ` (an object keyed by instance id: ${expandMatrix(target, 3)
        .map((i) => i.id)
        .join(', ')}…)`
    : target?.matrixTemplate !== undefined
      ? ' (an object keyed by instance id)'
      : '';
  // A node that lists no outputs gives what its script (and the script files it runs) writes, or a sub-workflow
  // node what its file's nodes give.
  const given =
    target?.workflow !== undefined
      ? (lookups?.outputsOf(target.workflow) ?? [])
      : target
        ? [...outputWrites(index.result.parsed, target.id).map((w) => w.output), ...(lookups?.scriptOutputsOf?.(target.id) ?? [])]
        : [];
  const names = target?.outputs ?? [...new Set(given)];
  return names.map((o) => ({ label: o, kind: 'output', detail: `output of ${second}${instances}`, insertText: o, replaceStart: at }));
}

/** A matrix node's instance ids, as the index of one of its outputs: `'test[os=linux]'`. */
function instanceItems(index: WorkflowIndex, written: string, start: number, end: number | undefined): CompletionItem[] {
  const lower = written.toLowerCase();
  const target = index.result.workflow.nodes.find((n) => n.id.toLowerCase() === lower);
  if (!target?.matrix) return [];
  return expandMatrix(target).map((instance, i) => {
    const literal = `'${instance.id.replace(/'/g, "''")}'`;
    return {
      label: instance.id,
      kind: 'value',
      detail: `instance of ${target.id}`,
      insertText: literal,
      filterText: literal,
      replaceStart: start,
      ...(end !== undefined ? { replaceEnd: end } : {}),
      sortText: String(i).padStart(4, '0'),
    };
  });
}

/** `matrix.config.`: the keys of the maps a matrix key has as values (`config: [{ os: linux, cc: gcc }]`), with the values each has. */
function matrixMapMembers(index: WorkflowIndex, nodeId: string | undefined, key: string, at: number): CompletionItem[] {
  const matrix = index.result.workflow.nodes.find((n) => n.id === nodeId)?.matrix;
  const members = new Map<string, string[]>();
  for (const value of matrix ? matrixValuesOf(matrix, key) : []) {
    if (!isObject(value)) continue;
    for (const [k, v] of Object.entries(value)) members.set(k, [...(members.get(k) ?? []), matrixValueText(v as MatrixValue)]);
  }
  return [...members].map(([k, values]) => ({
    label: k,
    kind: 'field',
    detail: `matrix.${key} · ${[...new Set(values)].join(', ')}`,
    insertText: k,
    replaceStart: at,
  }));
}

/**
 * The nodes a node may read: those upstream of it, then the others that would make no cycle, each with the edit that
 * adds it to the node's needs (as an import comes with a name completed in a program).
 */
function readableNodes(index: WorkflowIndex, nodeId: string, at: number): CompletionItem[] {
  const item = (id: string): CompletionItem => ({ label: id, kind: 'node', detail: nodeSummary(index, id), insertText: id, replaceStart: at });
  const others = index.result.workflow.nodes.filter((n) => n.id !== nodeId);
  const upstream = others.filter((n) => index.isUpstream(nodeId, n.id)).map((n) => item(n.id));
  const needed = others.flatMap((n) => {
    if (index.isUpstream(nodeId, n.id) || index.isUpstream(n.id, nodeId)) return [];
    const additionalEdits = addNeedsEntry(index.result.parsed, nodeId, n.id);
    if (!additionalEdits) return [];
    return [{ ...item(n.id), detail: `${nodeSummary(index, n.id)} · adds it to the needs of ${nodeId}`, additionalEdits, sortText: `~${n.id}` }];
  });
  return [...upstream, ...needed];
}

/** The members of a context: inputs, matrix keys, upstream nodes, environment variables, run and workflow fields. */
function contextMembers(index: WorkflowIndex, root: string, nodeId: string | undefined, at: number): CompletionItem[] {
  const { workflow } = index.result;
  const node = nodeId ? workflow.nodes.find((n) => n.id === nodeId) : undefined;
  const field = (label: string, detail: string): CompletionItem => ({ label, kind: 'field', detail, insertText: label, replaceStart: at });
  switch (root) {
    case 'inputs':
      return Object.values(workflow.inputs).map((i) => ({
        label: i.name,
        kind: 'input',
        detail: `${i.secret ? 'secret input' : 'input'} · ${i.type}${i.default !== undefined ? ` = ${JSON.stringify(i.default)}` : ''}`,
        ...(i.description ? { documentation: markdownText(i.description) } : {}),
        insertText: i.name,
        replaceStart: at,
      }));
    case 'matrix':
      if (node?.matrixTemplate !== undefined) return writtenMatrixKeys(node.matrixTemplate).map((k) => field(k, 'matrix · made when the run reaches the node'));
      return node?.matrix ? matrixKeys(node.matrix).map((k) => field(k, `matrix · ${matrixValuesOf(node.matrix!, k).map(matrixValueText).join(', ')}`)) : [];
    case 'nodes':
      return nodeId ? readableNodes(index, nodeId, at) : [];
    case 'env':
      return [...new Set([...Object.keys(workflow.env), ...Object.keys(node?.env ?? {})])].map((n) => field(n, 'environment variable'));
    case 'run':
      return [field('id', "the run's id")];
    case 'workflow':
      return [field('name', "the workflow's name")];
    default:
      return [];
  }
}

/** The mutexes the other nodes name, for a node's `mutex` (those it names already left out). */
function mutexNames(index: WorkflowIndex, self: string, replaceStart: number): CompletionItem[] {
  const { nodes } = index.result.workflow;
  const own = new Set(nodes.find((n) => n.id === self)?.mutex ?? []);
  const names = [...new Set(nodes.filter((n) => n.id !== self).flatMap((n) => n.mutex ?? []))].filter((name) => !own.has(name));
  return names.map((name) => ({
    label: name,
    kind: 'value',
    detail: `one at a time with ${nodesNamingMutex(nodes, name).join(', ')}`,
    insertText: name,
    replaceStart,
  }));
}

/** A value after `key:`: node ids in `needs` (never the node itself or one that would make a cycle), or the allowed values. */
function completeValue(index: WorkflowIndex, ctx: Extract<CursorContext, { kind: 'value' }>): CompletionItem[] {
  const { workflow } = index.result;
  const path = [...ctx.path, ctx.key];
  if (ctx.key === 'needs' && ctx.path[0] === 'nodes' && ctx.path.length === 2) {
    const self = ctx.path[1];
    const excluded = downstreamOf(index, self);
    const listed = new Set(workflow.nodes.find((n) => n.id === self)?.needs ?? []);
    return workflow.nodes
      .filter((n) => n.id !== self && !excluded.has(n.id) && !listed.has(n.id))
      .map((n) => ({ label: n.id, kind: 'node', detail: nodeSummary(index, n.id), insertText: n.id, replaceStart: ctx.start }));
  }
  if (ctx.key === 'mutex' && ctx.path[0] === 'nodes' && ctx.path.length === 2) return mutexNames(index, ctx.path[1], ctx.start);
  const choices = enumAt(path) ?? VALUE_CHOICES[ctx.key] ?? (ctx.key === 'type' && ctx.path[0] === 'inputs' ? ['string', 'number', 'boolean'] : undefined);
  return (choices ?? []).map((c) => ({ label: c, kind: 'value', insertText: c, replaceStart: ctx.start }));
}
