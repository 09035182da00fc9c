import type { Span, TextEdit } from '../../engine/diagnostics';
import { locate } from '../../engine/validation/document';
import type { WorkflowIndex } from '../../engine/workflowIndex';

const NODE_ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const inside = (span: Span, offset: number) => span.start <= offset && offset <= span.end;

export type NodeMention = { nodeId: string; span: Span; role: 'definition' | 'needs' | 'expression' };

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

export function definitionAt(index: WorkflowIndex, offset: number): Span | undefined {
  const m = mentionAt(index, offset);
  return m ? index.byId.get(m.nodeId)?.keySpan : undefined;
}

/** What a rename at an offset would rename, and the text to start from; an error message where nothing can be renamed. */
export function prepareRename(index: WorkflowIndex, offset: number): { span: Span; placeholder: string } | { error: string } {
  const m = mentionAt(index, offset);
  if (!m) return { error: 'Only node ids can be renamed: put the cursor on a node id, a needs entry, or nodes.<id> in an expression.' };
  if (!index.byId.has(m.nodeId)) return { error: `'${m.nodeId}' is not a node of this workflow.` };
  const text = index.result.parsed.text.slice(m.span.start, m.span.end);
  if (text !== m.nodeId) return { error: `'${m.nodeId}' is written with quotes or escapes here: rename it at its definition.` };
  return { span: m.span, placeholder: m.nodeId };
}

/** The edits that rename a node everywhere in the file. */
export function renameEdits(index: WorkflowIndex, offset: number, newName: string): { edits: TextEdit[] } | { error: string } {
  const prepared = prepareRename(index, offset);
  if ('error' in prepared) return prepared;
  const oldName = prepared.placeholder;
  if (!NODE_ID.test(newName)) return { error: `'${newName}' is not a valid node id: start with a letter or '_', then use letters, digits, '_' or '-'.` };
  if (newName !== oldName && index.byId.has(newName)) return { error: `A node '${newName}' already exists.` };
  const text = index.result.parsed.text;
  const edits = mentionsOf(index, oldName)
    .filter((m) => text.slice(m.span.start, m.span.end) === oldName)
    .map((m) => ({ span: m.span, newText: newName }));
  return { edits };
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
    const detail = [spec?.phase, spec?.kind === 'run' ? undefined : spec?.kind, spec?.matrix ? 'matrix' : undefined].filter(Boolean).join(' · ');
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
