/**
 * The validation worker protocol: what the extension host and its validation worker (`dist/validationWorker.js`, a
 * worker thread) say to each other. Both sides import this module. The host asks for files on disk to be
 * validated; the worker reads each and answers with its diagnostics in lines and columns, so that a file nobody has
 * open never costs the host's thread anything.
 */
import type { Diagnostic } from '../../diagnostics';
import { isObject } from '../../json';

/** Host → worker: validate the file at `path`. */
export interface ValidateFileRequest {
  type: 'validate';
  id: number;
  path: string;
}

/** A diagnostic with the related places it names, in 1-based lines and columns. */
export interface FileDiagnostic extends Diagnostic {
  related?: { line: number; column: number; endLine: number; endColumn: number; message: string }[];
}

/** What validating a file on disk found. */
export interface FileValidation {
  diagnostics: FileDiagnostic[];
  /**
   * The files its validation depended on, as absolute paths: the sub-workflows it runs and theirs, as far as
   * validation follows them (see `subWorkflowFiles`). It is to be validated again when one of them changes, comes
   * or goes.
   */
  subWorkflows: string[];
}

/** Worker → host: the answer to one request. */
export type ValidateFileReply = ({ type: 'validated'; id: number } & FileValidation) | { type: 'failed'; id: number; error: string };

export function isValidateFileRequest(v: unknown): v is ValidateFileRequest {
  return isObject(v) && v.type === 'validate' && typeof v.id === 'number' && typeof v.path === 'string';
}

export function isValidateFileReply(v: unknown): v is ValidateFileReply {
  if (!isObject(v) || typeof v.id !== 'number') return false;
  return (
    (v.type === 'validated' && Array.isArray(v.diagnostics) && Array.isArray(v.subWorkflows) && v.subWorkflows.every((f) => typeof f === 'string')) ||
    (v.type === 'failed' && typeof v.error === 'string')
  );
}
