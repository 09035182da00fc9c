// What the server says about a workspace's workflows: a list with their problems counted, and one workflow's
// graph and problems. Read from the files each time they are asked for (a file may change between two requests).
import type { Diagnostic } from '../engine/diagnostics';
import type { InputSpec, InputType, Scalar } from '../engine/model';
import { type FileText, readFileText } from '../engine/fileText';
import { UnreadableFileError } from '../engine/regularFile';
import { validateFile } from '../engine/validateFile';
import { toLineDiagnostics } from '../engine/validation/validate';
import type { WorkspaceWorkflow } from './workspaceWorkflows';

const MAX_BYTES = 2 * 1024 * 1024;

export interface WorkflowSummary {
  id: string;
  path: string;
  name: string;
  errors: number;
  warnings: number;
}

/** An input as a client's form for a run needs it: a secret one is asked for without showing it, and has no default. */
export interface WorkflowInput {
  name: string;
  type: InputType;
  required: boolean;
  secret: boolean;
  default?: Scalar;
  description?: string;
}

export interface WorkflowDetail extends WorkflowSummary {
  diagnostics: Diagnostic[];
  inputs: WorkflowInput[];
  nodes: { id: string; needs: string[]; kind: string; phase?: string }[];
}

const inputOf = (i: InputSpec): WorkflowInput => ({
  name: i.name,
  type: i.type,
  required: i.required,
  secret: i.secret === true,
  ...(i.default !== undefined && !i.secret ? { default: i.default } : {}),
  ...(i.description !== undefined ? { description: i.description } : {}),
});

export function describeWorkflow(w: WorkspaceWorkflow): WorkflowDetail {
  const base = { id: w.id, path: w.path };
  const problem = (message: string): WorkflowDetail => ({
    ...base,
    name: w.path,
    errors: 1,
    warnings: 0,
    diagnostics: [{ line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code: 'yaml-syntax', message }],
    inputs: [],
    nodes: [],
  });
  let text: FileText;
  try {
    text = readFileText(w.absolute, MAX_BYTES);
  } catch (e) {
    if (e instanceof UnreadableFileError && e.code === 'EFBIG') return problem(`the file is larger than ${MAX_BYTES / 1024 / 1024} MB`);
    // The system's code rather than its message, which names the path on the server.
    return problem(`the file cannot be read: ${e instanceof UnreadableFileError ? e.message : ((e as NodeJS.ErrnoException).code ?? (e as Error).message)}`);
  }
  const result = validateFile(w.absolute, text);
  const diagnostics = toLineDiagnostics(result.parsed.lines, result.diagnostics);
  return {
    ...base,
    name: result.workflow.name || w.path,
    errors: diagnostics.filter((d) => d.severity === 'error').length,
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    diagnostics,
    inputs: Object.values(result.workflow.inputs).map(inputOf),
    nodes: result.workflow.nodes.map((n) => ({ id: n.id, needs: [...n.needs], kind: n.kind, ...(n.phase ? { phase: n.phase } : {}) })),
  };
}

export function summarizeWorkflow(w: WorkspaceWorkflow): WorkflowSummary {
  const { diagnostics: _d, inputs: _i, nodes: _n, ...summary } = describeWorkflow(w);
  return summary;
}
