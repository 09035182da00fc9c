import { resolve } from 'node:path';
import type * as vscode from 'vscode';

/**
 * One identity for a workflow file, wherever it comes from: a URI of the editor, or a path the engine names. Two
 * are the same workflow when their absolute paths are (the editor's `fsPath`, resolved).
 */
export function workflowKey(workflow: vscode.Uri | string): string {
  return resolve(typeof workflow === 'string' ? workflow : workflow.fsPath);
}

export const sameWorkflow = (a: vscode.Uri | string, b: vscode.Uri | string): boolean => workflowKey(a) === workflowKey(b);
