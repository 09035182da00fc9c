import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { buildWorkflow, type InputSpec } from './model';
import { readRegularText } from './regularFile';
import { parseWorkflowText } from './validation/document';
import type { SemanticOptions } from './validation/semantics';
import { validateWorkflow, type ValidationResult } from './validation/validate';

/** A sub-workflow larger than this is not read to check `with:` (it is read when it runs). */
export const MAX_SUB_WORKFLOW_BYTES = 256 * 1024;
const MAX_CACHED = 64;
/** Inputs of sub-workflows by path, kept while the file's size and time stay the same: validation runs per keystroke. */
const inputsCache = new Map<string, { mtimeMs: number; size: number; inputs: Record<string, InputSpec> | undefined }>();

/** The inputs a workflow file declares; undefined when it is not a regular file of a bounded size that parses. */
export function declaredInputs(path: string): Record<string, InputSpec> | undefined {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return undefined;
  }
  // A FIFO or a device would block the read, a huge file would take long: neither is read.
  if (!stat.isFile() || stat.size > MAX_SUB_WORKFLOW_BYTES) return undefined;
  const hit = inputsCache.get(path);
  if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit.inputs;
  let inputs: Record<string, InputSpec> | undefined;
  try {
    const parsed = parseWorkflowText(readRegularText(path, MAX_SUB_WORKFLOW_BYTES));
    inputs = parsed.value === undefined ? undefined : buildWorkflow(parsed.value).inputs;
  } catch {
    inputs = undefined;
  }
  if (inputsCache.size >= MAX_CACHED) inputsCache.delete(inputsCache.keys().next().value!);
  inputsCache.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, inputs });
  return inputs;
}

/**
 * What validation may look up beside a workflow file: whether sub-workflows exist, the inputs they declare, and
 * whether one is the file itself.
 */
export function filesBeside(file: string): SemanticOptions {
  const folder = dirname(resolve(file));
  const at = (p: string) => (isAbsolute(p) ? p : resolve(folder, p));
  return { fileExists: (p) => existsSync(at(p)), workflowInputs: (p) => declaredInputs(at(p)), isThisFile: (p) => at(p) === resolve(file) };
}

/** Validates a workflow file on disk, resolving sub-workflow paths against its folder. */
export function validateFile(path: string, text = readRegularText(path)): ValidationResult {
  return validateWorkflow(text, filesBeside(path));
}
