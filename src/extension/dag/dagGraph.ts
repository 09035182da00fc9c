// The graph the DAG panel draws, from a validation result. Pure: no vscode import.
import { matrixSize } from '../../engine/model';
import type { ValidationResult } from '../../engine/validation/validate';
import type { DagGraph, DagNode, GraphError } from '../../webview/protocol';

/**
 * The workflow's graph, best effort, and the first YAML syntax error when the text does not parse: with an error,
 * the panel keeps the graph it last drew and uses this one only when it has none.
 */
export function dagGraphOf(result: ValidationResult): { graph: DagGraph; graphError?: GraphError } {
  const { workflow, parsed, diagnostics } = result;
  const ids = new Set(workflow.nodes.map((n) => n.id));
  const nodes = workflow.nodes.map((spec): DagNode => ({
    id: spec.id,
    label: spec.name ?? spec.id,
    ...(spec.phase !== undefined ? { phase: spec.phase } : {}),
    kind: spec.kind,
    needs: [...new Set(spec.needs)].filter((d) => d !== spec.id && ids.has(d)),
    ...(spec.matrix ? { matrix: { keys: Object.keys(spec.matrix), count: matrixSize(spec.matrix) } } : {}),
    outputs: spec.outputs ?? [],
    artifacts: spec.artifacts.length,
    ...(spec.quality ? { quality: spec.quality } : {}),
    ...(spec.if !== undefined ? { condition: spec.if } : {}),
    retries: spec.retry.max,
    ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
    ...(spec.description !== undefined ? { description: spec.description } : {}),
  }));
  const syntax = diagnostics.find((d) => d.code === 'yaml-syntax');
  const graph = { name: workflow.name, nodes };
  if (!syntax) return { graph };
  const at = parsed.lines.position(syntax.span.start);
  return { graph, graphError: { message: syntax.message, line: at.line, column: at.column } };
}
