// Random valid workflows written in every style the builder must keep: comments above, beside and inside nodes,
// blank lines, block and flow nodes, needs as a scalar, a flow list or a block list, indentation of 2 or 4.
import fc from 'fast-check';

export interface GenNode {
  id: string;
  needs: string[];
  needsStyle: 'scalar' | 'flow' | 'block';
  flow: boolean;
  comment: boolean;
  trailing: boolean;
  inner: boolean;
  blankBefore: boolean;
  /** An upstream node its condition reads. */
  reads?: string;
}

export interface GenWorkflow {
  unit: number;
  nodes: GenNode[];
}

const ID_POOL = ['build', 'test', 'lint', 'deploy', 'docs', 'package', 'scan', 'notify'];

export const workflowArb: fc.Arbitrary<GenWorkflow> = fc
  .record({
    unit: fc.constantFrom(2, 4),
    count: fc.integer({ min: 1, max: 6 }),
    shapes: fc.array(
      fc.record({
        needsMask: fc.integer({ min: 0, max: 63 }),
        needsStyle: fc.constantFrom('scalar' as const, 'flow' as const, 'block' as const),
        flow: fc.boolean(),
        comment: fc.boolean(),
        trailing: fc.boolean(),
        inner: fc.boolean(),
        blankBefore: fc.boolean(),
        reads: fc.boolean(),
      }),
      { minLength: 6, maxLength: 6 },
    ),
  })
  .map(({ unit, count, shapes }) => {
    const nodes: GenNode[] = [];
    for (let i = 0; i < count; i++) {
      const shape = shapes[i];
      // Needs only earlier nodes: the graph is acyclic.
      const needs = nodes.filter((_, j) => shape.needsMask & (1 << j)).map((n) => n.id);
      const flow = shape.flow && shape.needsStyle !== 'block';
      nodes.push({
        id: ID_POOL[i],
        needs,
        needsStyle: needs.length > 1 && shape.needsStyle === 'scalar' ? 'flow' : shape.needsStyle,
        flow,
        comment: shape.comment,
        trailing: shape.trailing,
        inner: shape.inner && !flow,
        blankBefore: shape.blankBefore,
        ...(shape.reads && needs.length ? { reads: needs[0] } : {}),
      });
    }
    return { unit, nodes };
  });

function needsText(n: GenNode, pad: string): string | undefined {
  if (n.needs.length === 0) return undefined;
  if (n.needsStyle === 'scalar') return `needs: ${n.needs[0]}`;
  if (n.needsStyle === 'flow' || n.flow) return `needs: [${n.needs.join(', ')}]`;
  return `needs:\n${n.needs.map((d) => `${pad}  - ${d}`).join('\n')}`;
}

/** The workflow as text. */
export function workflowText(w: GenWorkflow): string {
  const key = ' '.repeat(w.unit);
  const field = ' '.repeat(2 * w.unit);
  const lines = ['# A generated workflow', 'version: 1', 'name: Generated   # its name', 'nodes:'];
  for (const n of w.nodes) {
    if (n.blankBefore) lines.push('');
    if (n.comment) lines.push(`${key}# about ${n.id}`);
    const needs = needsText(n, field);
    const condition = n.reads ? `if: nodes.${n.reads}.status != 'skipped'` : undefined;
    if (n.flow) {
      const parts = [needs, condition ? `if: "nodes.${n.reads}.status != 'skipped'"` : undefined, `run: echo ${n.id}`].filter(Boolean);
      lines.push(`${key}${n.id}: { ${parts.join(', ')} }${n.trailing ? '  # flow node' : ''}`);
      continue;
    }
    lines.push(`${key}${n.id}:${n.trailing ? '   # the node' : ''}`);
    if (needs) lines.push(`${field}${needs}`);
    if (condition) lines.push(`${field}${condition}`);
    lines.push(`${field}run: echo ${n.id}${n.trailing ? '  # its script' : ''}`);
    if (n.inner) lines.push(`${field}# a comment inside ${n.id}`);
  }
  return lines.join('\n') + '\n';
}
