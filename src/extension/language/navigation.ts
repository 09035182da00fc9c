import { isMap, isScalar } from 'yaml';
import type { Span, TextEdit } from '../../engine/diagnostics';
import { renameInput } from '../../engine/edits/inputRename';
import { renameMatrixKey } from '../../engine/edits/matrixKeyRename';
import { renameOutput } from '../../engine/edits/outputRename';
import { renameNode } from '../../engine/edits/rename';
import { hasMatrix } from '../../engine/model';
import { fieldPair, nodePair, rangeOf } from '../../engine/edits/yamlText';
import { locate } from '../../engine/validation/document';
import { matrixInstanceAt, matrixKeyAt, matrixKeyMentionsOf, type MatrixKeyRole } from '../../engine/matrixMentions';
import { outputMentionAt, outputMentionsOf, type OutputRole } from '../../engine/outputMentions';
import { inputMentionAt, inputMentionsOf, mentionAt, mentionsOf } from '../../engine/workflowIndex';
import type { WorkflowIndex } from '../../engine/workflowIndex';

export { mentionAt, mentionsOf, type NodeMention } from '../../engine/workflowIndex';

/** What a name at an offset is: a node's id, an input's name, a node's output or a key of its matrix, written where it is. */
export type NamedAt =
  | { kind: 'node' | 'input'; name: string; span: Span; role: 'definition' | 'needs' | 'expression' }
  | { kind: 'output'; nodeId: string; name: string; span: Span; role: OutputRole }
  | { kind: 'matrixKey'; nodeId: string; name: string; span: Span; role: MatrixKeyRole };

export type MentionRole = NamedAt['role'];

export function namedAt(index: WorkflowIndex, offset: number): NamedAt | undefined {
  const node = mentionAt(index, offset);
  if (node) return { kind: 'node', name: node.nodeId, span: node.span, role: node.role };
  const input = inputMentionAt(index, offset);
  if (input) return { kind: 'input', name: input.input, span: input.span, role: input.role };
  const output = outputMentionAt(index, offset);
  if (output) return { kind: 'output', nodeId: output.nodeId, name: output.output, span: output.span, role: output.role };
  const key = matrixKeyAt(index, offset);
  return key && { kind: 'matrixKey', nodeId: key.nodeId, name: key.key, span: key.span, role: key.role };
}

/** Every place the node, input, output or matrix key named at an offset is written (none where no name is). */
export function mentionsAt(index: WorkflowIndex, offset: number): { span: Span; role: MentionRole }[] {
  const named = namedAt(index, offset);
  if (!named) return [];
  if (named.kind === 'output') return outputMentionsOf(index, named.nodeId, named.name);
  if (named.kind === 'matrixKey') return matrixKeyMentionsOf(index, named.nodeId, named.name);
  return named.kind === 'node' ? mentionsOf(index, named.name) : inputMentionsOf(index, named.name);
}

/** A key of a sub-workflow node's `with:`: the input it gives the file the node runs (`workflow` as written). */
export interface GivenInput {
  nodeId: string;
  input: string;
  span: Span;
  workflow: string;
}

export function givenInputAt(index: WorkflowIndex, offset: number): GivenInput | undefined {
  for (const node of index.nodes) {
    const workflow = node.spec?.workflow;
    if (workflow === undefined || offset < node.span.start || offset > node.span.end) continue;
    const pair = nodePair(index.result.parsed, node.id);
    const given = pair && fieldPair(pair, 'with')?.value;
    if (!isMap(given)) return undefined;
    for (const item of given.items) {
      const key = rangeOf(item.key);
      if (key && key[0] <= offset && offset <= key[1] && isScalar(item.key))
        return { nodeId: node.id, input: String(item.key.value), span: { start: key[0], end: key[1] }, workflow };
    }
    return undefined;
  }
  return undefined;
}

/** An output of a sub-workflow node, named at an offset (in its `outputs` or a read): the sub-run's, of the file it runs. */
export interface SubRunOutput {
  nodeId: string;
  output: string;
  span: Span;
  workflow: string;
}

export function subRunOutputAt(index: WorkflowIndex, offset: number): SubRunOutput | undefined {
  const named = namedAt(index, offset);
  const workflow = named?.kind === 'output' ? index.byId.get(named.nodeId)?.spec?.workflow : undefined;
  return named?.kind === 'output' && workflow !== undefined ? { nodeId: named.nodeId, output: named.name, span: named.span, workflow } : undefined;
}

export function definitionAt(index: WorkflowIndex, offset: number): Span | undefined {
  const named = namedAt(index, offset);
  // An output is declared in its node's outputs, or by its stdoutAs, or else only where its script writes it.
  if (named?.kind === 'output') {
    const mentions = outputMentionsOf(index, named.nodeId, named.name);
    return (['definition', 'stdoutAs', 'write'] as const).map((role) => mentions.find((m) => m.role === role)).find(Boolean)?.span;
  }
  // A matrix key is defined by its axis, or else by the first `include` entry that gives it.
  if (named?.kind === 'matrixKey') {
    const mentions = matrixKeyMentionsOf(index, named.nodeId, named.name);
    return (mentions.find((m) => m.role === 'definition') ?? mentions.find((m) => m.role === 'entry'))?.span;
  }
  if (named?.kind === 'input') return index.inputs.find((i) => i.name === named.name)?.keySpan;
  if (named) return index.byId.get(named.name)?.keySpan;
  // An instance id read: its matrix node.
  const instance = matrixInstanceAt(index, offset);
  return instance && index.byId.get(instance.nodeId)?.keySpan;
}

/** A node's `workflow:` value: the file it runs, as written, and where the path is (inside its quotes, if any). */
export interface SubWorkflowLink {
  nodeId: string;
  written: string;
  span: Span;
}

/** The sub-workflow files the nodes name, for links and go to definition. */
export function subWorkflowLinks(index: WorkflowIndex): SubWorkflowLink[] {
  const links: SubWorkflowLink[] = [];
  for (const entry of index.nodes) {
    const written = entry.spec?.workflow;
    if (written && entry.workflowSpan) links.push({ nodeId: entry.id, written, span: entry.workflowSpan });
  }
  return links;
}

/** What a rename at an offset would rename, and the text to start from; an error message where nothing can be renamed. */
export function prepareRename(index: WorkflowIndex, offset: number): { span: Span; placeholder: string } | { error: string } {
  const named = namedAt(index, offset);
  if (!named)
    return {
      error:
        "Only node ids, inputs, outputs and matrix keys can be renamed: put the cursor on a node id, a needs entry, an input's name under inputs:, an output in a node's outputs, a key of a matrix, or nodes.<id>, inputs.<name>, nodes.<id>.outputs.<name> or matrix.<key> in an expression.",
    };
  if (named.kind === 'output' || named.kind === 'matrixKey') {
    // The rename's own rules: a gate's or a sub-workflow node's outputs are not named in this node, a made matrix's keys in no file.
    const rename = named.kind === 'output' ? renameOutput : renameMatrixKey;
    const refused = rename(index, named.nodeId, named.name, named.name);
    if ('error' in refused) return { error: `${refused.error}.` };
  } else {
    const declared = named.kind === 'node' ? index.byId.has(named.name) : index.inputs.some((i) => i.name === named.name);
    if (!declared) return { error: `'${named.name}' is not ${named.kind === 'node' ? 'a node' : 'an input'} of this workflow.` };
  }
  const text = index.result.parsed.text.slice(named.span.start, named.span.end).toLowerCase();
  const name = named.name.toLowerCase();
  // `matrix['os']`: the name inside the quotes.
  if (named.kind === 'matrixKey' && text === `'${name}'`) return { span: { start: named.span.start + 1, end: named.span.end - 1 }, placeholder: named.name };
  if (text !== name) return { error: `'${named.name}' is written with quotes or escapes here: rename it at its definition.` };
  return { span: named.span, placeholder: named.name };
}

/** What a rename renamed besides its edits: an input or an output, under its old and new names. */
export type Renamed = { kind: 'input'; from: string; to: string } | { kind: 'output'; nodeId: string; from: string; to: string; note?: string };

/** The edits that rename a node, an input, an output or a matrix key everywhere in the file; for an input or an output, what it renamed. */
export function renameEdits(index: WorkflowIndex, offset: number, newName: string): { edits: TextEdit[]; renamed?: Renamed } | { error: string } {
  const prepared = prepareRename(index, offset);
  if ('error' in prepared) return prepared;
  const named = namedAt(index, offset)!;
  // The builder's rules: one home for what a valid, free name is and where a name is written.
  if (named.kind === 'node') return renameNode(index, prepared.placeholder, newName);
  const from = prepared.placeholder;
  if (named.kind === 'matrixKey') return renameMatrixKey(index, named.nodeId, from, newName);
  if (named.kind === 'output') {
    const r = renameOutput(index, named.nodeId, from, newName);
    return 'error' in r ? r : { edits: r.edits, renamed: { kind: 'output', nodeId: named.nodeId, from, to: newName, ...(r.note ? { note: r.note } : {}) } };
  }
  const r = renameInput(index, from, newName);
  return 'error' in r ? r : { edits: r.edits, renamed: { kind: 'input', from, to: newName } };
}

export interface WorkflowSymbol {
  name: string;
  detail?: string;
  kind: 'workflow' | 'inputs' | 'input' | 'nodes' | 'node';
  span: Span;
  selectionSpan: Span;
  children: WorkflowSymbol[];
}

/** The outline: the nodes (with their phase and kind) under `nodes`, and the inputs. */
export function documentSymbols(index: WorkflowIndex): WorkflowSymbol[] {
  const { parsed, workflow } = index.result;
  const out: WorkflowSymbol[] = [];
  const nodes = index.nodes.map<WorkflowSymbol>((n) => {
    const spec = n.spec;
    const detail = [spec?.phase, spec?.kind === 'run' ? undefined : spec?.kind, spec && hasMatrix(spec) ? 'matrix' : undefined].filter(Boolean).join(' · ');
    return { name: n.id, detail: detail || undefined, kind: 'node', span: n.span, selectionSpan: n.keySpan, children: [] };
  });
  if (index.nodesKeySpan && nodes.length) {
    const end = Math.max(...nodes.map((n) => n.span.end));
    out.push({
      name: 'nodes',
      detail: `${nodes.length} node${nodes.length === 1 ? '' : 's'}`,
      kind: 'nodes',
      span: { start: index.nodesKeySpan.start, end },
      selectionSpan: index.nodesKeySpan,
      children: nodes,
    });
  }
  const inputs = Object.values(workflow.inputs);
  const inputsKey = inputs.length ? locate(parsed, ['inputs']).keySpan : undefined;
  if (inputsKey) {
    const children = inputs.flatMap<WorkflowSymbol>((input) => {
      const at = locate(parsed, ['inputs', input.name]);
      if (!at.exact || !at.keySpan) return [];
      return [
        {
          name: input.name,
          detail: input.type,
          kind: 'input',
          span: { start: at.keySpan.start, end: Math.max(at.keySpan.end, at.valueSpan.end) },
          selectionSpan: at.keySpan,
          children: [],
        },
      ];
    });
    const end = Math.max(inputsKey.end, ...children.map((c) => c.span.end));
    out.unshift({ name: 'inputs', detail: `${inputs.length}`, kind: 'inputs', span: { start: inputsKey.start, end }, selectionSpan: inputsKey, children });
  }
  return out;
}
