// A fix the validator offers for a problem, as a builder action: the DAG panel lists a node's problems (and the
// workflow's settings') with the fixes the editor's light bulb has, and applies one by naming it, against the text
// as it is when the action arrives.
import { nodeAt, type WorkflowIndex } from '../workflowIndex';
import type { Outcome } from './nodes';

/** The node a problem is in (undefined: it is outside every node, in the workflow's settings). */
export const problemOwner = (index: WorkflowIndex, offset: number): string | undefined => nodeAt(index, offset)?.id;

export function fixProblem(index: WorkflowIndex, asked: { id?: string; message: string; title: string }): Outcome {
  for (const d of index.result.diagnostics) {
    if (d.message !== asked.message || problemOwner(index, d.span.start) !== asked.id) continue;
    const fix = d.fixes?.find((f) => f.title === asked.title);
    if (fix) return { edits: fix.edits, ...(asked.id ? { select: asked.id } : {}) };
  }
  const where = asked.id ? `of '${asked.id}'` : "of the workflow's settings";
  return { error: `the problem ${where} that "${asked.title}" fixes is no longer in the file: it may have been fixed already` };
}
