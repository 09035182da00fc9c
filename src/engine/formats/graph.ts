import { expandMatrix, matrixSize, type WorkflowSpec } from '../model';

export interface GraphJson {
  name: string;
  nodes: { id: string; name: string; kind: string; phase?: string; needs: string[]; instances?: string[] }[];
  edges: { from: string; to: string }[];
}

/** Edges point from a needed node to the node that needs it, the direction work flows. Unknown ids are left out. */
export function graphJson(workflow: WorkflowSpec): GraphJson {
  const ids = new Set(workflow.nodes.map((n) => n.id));
  return {
    name: workflow.name,
    nodes: workflow.nodes.map((n) => ({
      id: n.id,
      name: n.name ?? n.id,
      kind: n.kind,
      ...(n.phase ? { phase: n.phase } : {}),
      needs: n.needs,
      ...(n.matrix ? { instances: expandMatrix(n).map((i) => i.id) } : {}),
    })),
    edges: workflow.nodes.flatMap((n) => n.needs.filter((d) => ids.has(d)).map((d) => ({ from: d, to: n.id }))),
  };
}

/**
 * Mermaid ids for names: their letters, digits and `_`, anything else as `_`; one to one (`a-b` and `a_b` would
 * be one node: the later gets `_2`), and never `end`, which ends a Mermaid block.
 */
function mermaidIds(names: readonly string[]): (name: string) => string {
  const ids = new Map<string, string>();
  const taken = new Set(['end']);
  for (const name of names) {
    if (ids.has(name)) continue;
    const base = name.replace(/[^A-Za-z0-9_]/g, '_') || '_';
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    taken.add(id);
    ids.set(name, id);
  }
  return (name) => ids.get(name)!;
}

/**
 * Text in a quoted Mermaid label, shown as written: quotes, angle brackets (HTML labels) and `#` (entities) as
 * entities, a line break as Mermaid's `<br>`.
 */
const mermaidText = (s: string) => s.replace(/[#"<>]/g, (c) => ({ '#': '#35;', '"': '#quot;', '<': '#lt;', '>': '#gt;' })[c]!).replace(/\r?\n/g, '<br>');

export function toMermaid(workflow: WorkflowSpec): string {
  const g = graphJson(workflow);
  const mermaidId = mermaidIds(workflow.nodes.map((n) => n.id));
  const phaseClass = mermaidIds(workflow.nodes.flatMap((n) => (n.phase ? [n.phase] : [])));
  const lines = ['flowchart TD'];
  for (const n of workflow.nodes) {
    // A matrix made at run time has no count until then.
    const count = n.matrix ? ` ×${matrixSize(n.matrix)}` : n.matrixTemplate !== undefined ? ' ×?' : '';
    const label = mermaidText(`${n.name ?? n.id}${count}`);
    const shape = n.kind === 'approval' ? `{{"${label}"}}` : n.kind === 'workflow' ? `[["${label}"]]` : `["${label}"]`;
    lines.push(`  ${mermaidId(n.id)}${shape}`);
  }
  for (const e of g.edges) lines.push(`  ${mermaidId(e.from)} --> ${mermaidId(e.to)}`);
  const phases = [...new Set(workflow.nodes.map((n) => n.phase).filter((p): p is string => !!p))];
  for (const phase of phases) {
    lines.push(`  classDef phase_${phaseClass(phase)} stroke-width:2px`);
    lines.push(
      `  class ${workflow.nodes
        .filter((n) => n.phase === phase)
        .map((n) => mermaidId(n.id))
        .join(',')} phase_${phaseClass(phase)}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** A DOT quoted string: backslashes and quotes escaped, a line break as DOT's `\n`. */
const dotString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;

export function toDot(workflow: WorkflowSpec): string {
  const g = graphJson(workflow);
  const lines = [`digraph ${dotString(workflow.name)} {`, '  rankdir=TB;', '  node [shape=box, style=rounded];'];
  for (const n of workflow.nodes) {
    const attrs = [`label=${dotString(n.name ?? n.id)}`];
    if (n.kind === 'approval') attrs.push('shape=hexagon');
    if (n.kind === 'workflow') attrs.push('peripheries=2');
    if (n.phase) attrs.push(`group=${dotString(n.phase)}`);
    lines.push(`  ${dotString(n.id)} [${attrs.join(', ')}];`);
  }
  for (const e of g.edges) lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)};`);
  lines.push('}');
  return lines.join('\n') + '\n';
}
