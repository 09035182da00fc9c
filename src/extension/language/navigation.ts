import type { Span, TextEdit } from '../../engine/diagnostics';
import { renameNode } from '../../engine/edits/rename';
import { hasMatrix } from '../../engine/model';
import { locate } from '../../engine/validation/document';
import { mentionAt } from '../../engine/workflowIndex';
import type { WorkflowIndex } from '../../engine/workflowIndex';

export { mentionAt, mentionsOf, type NodeMention } from '../../engine/workflowIndex';

export function definitionAt(index: WorkflowIndex, offset: number): Span | undefined {
  const m = mentionAt(index, offset);
  return m ? index.byId.get(m.nodeId)?.keySpan : undefined;
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
  // The builder's rule: one home for what a valid, free name is and where an id is written.
  return renameNode(index, prepared.placeholder, newName);
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
