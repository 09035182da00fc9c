/** Generators for benchmark workflows: layered DAGs where each node needs two nodes of the layer above. */

export interface LayeredOptions {
  layers: number;
  width: number;
  /** The `run` script of each node; `{id}` and `{parent}` are replaced. */
  run: (id: string, parent: string | undefined) => string;
  concurrency?: number;
}

export const nodeId = (layer: number, index: number): string => `n${layer}_${index}`;

export function parentsOf(layer: number, index: number, width: number): string[] {
  if (layer === 0) return [];
  // A layer of one has one node to need.
  return [...new Set([nodeId(layer - 1, index), nodeId(layer - 1, (index + 1) % width)])];
}

export function layeredWorkflow(o: LayeredOptions): string {
  const lines = ['version: 1', `name: Layered ${o.layers}x${o.width}`];
  if (o.concurrency) lines.push(`concurrency: ${o.concurrency}`);
  lines.push('nodes:');
  for (let l = 0; l < o.layers; l++) {
    for (let i = 0; i < o.width; i++) {
      const parents = parentsOf(l, i, o.width);
      lines.push(`  ${nodeId(l, i)}:`);
      if (parents.length) lines.push(`    needs: [${parents.join(', ')}]`);
      lines.push(`    run: ${JSON.stringify(o.run(nodeId(l, i), parents[0]))}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The 1,000-node validation benchmark file: about 3,000 lines, an expression in every node. */
export function validationWorkflow(): string {
  return layeredWorkflow({
    layers: 50,
    width: 20,
    run: (id, parent) => (parent ? `echo ${id} after \${{ nodes.${parent}.status }} in \${{ workflow.name }}` : `echo ${id} \${{ run.id }}`),
  });
}
