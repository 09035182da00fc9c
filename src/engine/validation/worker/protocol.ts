/**
 * The validation worker protocol: what the extension host and its validation worker (`dist/validationWorker.js`, a
 * worker thread) say to each other. Both sides import this module. The host asks for files on disk to be
 * validated, or for the DAG panel's graph of one; the worker reads each and answers with its diagnostics in lines
 * and columns, or the graph, so that a file nobody has open never costs the host's thread anything.
 */
import type { DagGraph, GraphError } from '../../../webview/protocol';
import type { Diagnostic } from '../../diagnostics';
import { isObject } from '../../json';

/**
 * Host → worker: validate the file at `path`; with `keepGraph` (a DAG panel is open, or the workflow was shown before),
 * keep its graph for a Show DAG.
 */
export interface ValidateFileRequest {
  type: 'validate';
  id: number;
  path: string;
  keepGraph?: boolean;
}

/** Host → worker: the graph the DAG panel draws of the file at `path`. */
export interface GraphFileRequest {
  type: 'graph';
  id: number;
  path: string;
}

export type WorkerRequest = ValidateFileRequest | GraphFileRequest;

/** What the DAG panel draws of a workflow file: its graph (with why it does not parse, if so), or why it cannot be read. */
export type FileGraph = { graph: DagGraph; graphError?: GraphError } | { unreadable: string };

/** A diagnostic with the related places it names, in 1-based lines and columns. */
export interface FileDiagnostic extends Diagnostic {
  related?: { line: number; column: number; endLine: number; endColumn: number; message: string }[];
}

/** What validating a file on disk found. */
export interface FileValidation {
  diagnostics: FileDiagnostic[];
  /**
   * The files its validation depended on, as absolute paths: the sub-workflows it runs and theirs, as far as
   * validation follows them, and the script files their nodes run (see `dependencyFiles`). It is to be validated
   * again when one of them changes, comes or goes.
   */
  dependsOn: string[];
}

/** Worker → host: the answer to one request. */
export type ValidateFileReply = ({ type: 'validated'; id: number } & FileValidation) | { type: 'failed'; id: number; error: string };

/** Worker → host: the answer to a graph request. */
export interface GraphFileReply {
  type: 'graphed';
  id: number;
  found: FileGraph;
}

export type WorkerReply = ValidateFileReply | GraphFileReply;

/**
 * Worker → host, once, before any reply: the worker has loaded and works on what it is asked. Until then the time a
 * request takes is the worker's start, not the file's.
 */
export interface WorkerReady {
  type: 'ready';
}

export const isWorkerReady = (v: unknown): v is WorkerReady => isObject(v) && v.type === 'ready';

export function isWorkerRequest(v: unknown): v is WorkerRequest {
  if (!isObject(v) || typeof v.id !== 'number' || typeof v.path !== 'string') return false;
  return v.type === 'graph' || (v.type === 'validate' && (v.keepGraph === undefined || typeof v.keepGraph === 'boolean'));
}

const isFileGraph = (v: unknown): v is FileGraph =>
  isObject(v) && (typeof v.unreadable === 'string' || (isObject(v.graph) && typeof v.graph.name === 'string' && Array.isArray(v.graph.nodes)));

export function isWorkerReply(v: unknown): v is WorkerReply {
  if (!isObject(v) || typeof v.id !== 'number') return false;
  return (
    (v.type === 'validated' && Array.isArray(v.diagnostics) && Array.isArray(v.dependsOn) && v.dependsOn.every((f) => typeof f === 'string')) ||
    (v.type === 'graphed' && isFileGraph(v.found)) ||
    (v.type === 'failed' && typeof v.error === 'string')
  );
}
