import * as vscode from 'vscode';
import { validateWorkflow, type ValidationResult } from '../../engine/validation/validate';
import { dirname } from 'node:path';
import { filesBeside } from '../../engine/validateFile';
import { buildIndex, type WorkflowIndex } from '../../engine/workflowIndex';

export const LANGUAGE_ID = 'maestro-workflow';

export const WORKFLOW_SELECTOR: vscode.DocumentSelector = [{ language: LANGUAGE_ID }, { pattern: '**/*.workflow.{yaml,yml}' }];
export const WORKFLOW_GLOB = '**/*.workflow.{yaml,yml}';

export const isWorkflowDocument = (doc: vscode.TextDocument): boolean => doc.languageId === 'maestro-workflow' || /\.workflow\.ya?ml$/.test(doc.uri.path);

/** Validation results by document and version, so that every feature of one keystroke shares one parse. */
export class WorkflowDocuments {
  private readonly cache = new Map<string, { version: number; index: WorkflowIndex }>();

  index(doc: vscode.TextDocument): WorkflowIndex {
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version) return hit.index;
    const index = buildIndex(this.validateText(doc.getText(), doc.uri));
    this.cache.set(key, { version: doc.version, index });
    return index;
  }

  validateText(text: string, uri: vscode.Uri): ValidationResult {
    const folder = uri.scheme === 'file' ? dirname(uri.fsPath) : undefined;
    return validateWorkflow(text, folder ? filesBeside(folder) : {});
  }

  forget(uri: vscode.Uri): void {
    this.cache.delete(uri.toString());
  }
}
