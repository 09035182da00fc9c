// Before a run starts: its workflow read and validated, and what it needs of the machine checked. Whatever is
// wrong stops it here, with the reason (and the workflow's problems with their places).
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { SpanDiagnostic } from '../diagnostics';
import type { LineIndex } from '../lineIndex';
import type { WorkflowSpec } from '../model';
import { currentPlatform, type Platform } from '../platform';
import { type FileText, readFileText } from '../fileText';
import { validateFile } from '../validateFile';

/** A run could not start: the workflow is invalid, or its inputs are, or the machine lacks what it needs. */
export class RunSetupError extends Error {
  constructor(
    message: string,
    readonly diagnostics: SpanDiagnostic[] = [],
    readonly lines?: LineIndex,
    /** The file the diagnostics are in. */
    readonly file?: string,
  ) {
    super(message);
    this.name = 'RunSetupError';
  }

  /** The reason, with the first problem and where it is: `w.yaml has 2 errors: line 4, column 3: …`. */
  withFirstProblem(): string {
    const first = this.diagnostics[0];
    if (!first) return this.message;
    const at = this.lines?.position(first.span.start);
    return `${this.message}: ${at ? `line ${at.line}, column ${at.column}: ` : ''}${first.message}`;
  }
}

export interface LoadedWorkflow {
  /** Absolute path of the file. */
  path: string;
  workflow: WorkflowSpec;
  /** A hash of its text, recorded with the run, so that a later change of the file shows. */
  hash: string;
}

/** Reads and validates a workflow file; throws RunSetupError when it cannot be read or has errors. */
export function loadWorkflow(workflowPath: string): LoadedWorkflow {
  const path = resolve(workflowPath);
  let file: FileText;
  try {
    file = readFileText(path);
  } catch (e) {
    throw new RunSetupError(`cannot read ${workflowPath}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const result = validateFile(path, file);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length)
    throw new RunSetupError(`${workflowPath} has ${errors.length} error${errors.length === 1 ? '' : 's'}`, errors, result.parsed.lines, workflowPath);
  return { path, workflow: result.workflow, hash: createHash('sha256').update(file.text).digest('hex').slice(0, 16) };
}

/** Nodes that name no shell need the platform's default one; a run without it does not start. */
export function requireDefaultShell(workflow: WorkflowSpec, platform: Platform = currentPlatform): void {
  if (!workflow.nodes.some((n) => n.kind === 'run' && n.shell === undefined)) return;
  const shell = platform.defaultShell();
  if ('error' in shell) throw new RunSetupError(shell.error);
}
