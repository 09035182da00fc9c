import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { validateWorkflow, type ValidationResult } from './validation/validate';

/** Validates a workflow file on disk, resolving sub-workflow paths against its folder. */
export function validateFile(path: string, text = readFileSync(path, 'utf8')): ValidationResult {
  const folder = dirname(resolve(path));
  return validateWorkflow(text, { fileExists: (p) => existsSync(isAbsolute(p) ? p : resolve(folder, p)) });
}
