import * as vscode from 'vscode';
import { revalidate } from '../../engine/validation/incremental';
import { filesBeside, dependencyFiles } from '../../engine/validateFile';
import { buildIndex, nodeAt, type WorkflowIndex } from '../../engine/workflowIndex';
import { workflowFileChoices } from './subWorkflowCompletion';

export const LANGUAGE_ID = 'maestro-workflow';

export const WORKFLOW_SELECTOR: vscode.DocumentSelector = [{ language: LANGUAGE_ID }, { pattern: '**/*.workflow.{yaml,yml}' }];
export const WORKFLOW_GLOB = '**/*.workflow.{yaml,yml}';

/** The workspace's workflow files, leaving out dependencies, version control and the engine's own folder. */
export const findWorkflowFiles = (): Thenable<vscode.Uri[]> => vscode.workspace.findFiles(WORKFLOW_GLOB, '**/{node_modules,.git,.maestro}/**');

/** The workflow files a sub-workflow node of this file may run, as `workflow:` writes them, nearest first. */
export async function subWorkflowChoices(uri: vscode.Uri): Promise<string[]> {
  if (uri.scheme !== 'file') return [];
  const files = (await findWorkflowFiles()).filter((f) => f.scheme === 'file').map((f) => f.fsPath);
  return workflowFileChoices(uri.fsPath, files);
}

/** A workflow file's path, as WORKFLOW_GLOB matches it. */
export const WORKFLOW_PATH = /\.workflow\.ya?ml$/;

export const isWorkflowDocument = (doc: vscode.TextDocument): boolean => doc.languageId === 'maestro-workflow' || WORKFLOW_PATH.test(doc.uri.path);

/**
 * Validation results by document and version, so that every feature of one keystroke shares one parse. A new version
 * is validated from the last one's result where the edit allows (the node block it touched is parsed again): the
 * last version's parse is taken over, so an index is good for its own version only.
 */
export class WorkflowDocuments {
  private readonly cache = new Map<string, { version: number; index: WorkflowIndex }>();

  index(doc: vscode.TextDocument): WorkflowIndex {
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version) return hit.index;
    const index = buildIndex(revalidate(hit?.index.result, doc.getText(), this.optionsFor(doc.uri)).result);
    this.cache.set(key, { version: doc.version, index });
    return index;
  }

  /** The index of a workflow's text that no document holds (a file not open): validated whole, not kept. */
  indexText(uri: vscode.Uri, text: string): WorkflowIndex {
    return buildIndex(revalidate(undefined, text, this.optionsFor(uri)).result);
  }

  /** The id of the node whose block holds a position, if any. */
  nodeAt(doc: vscode.TextDocument, position: vscode.Position): string | undefined {
    return nodeAt(this.index(doc), doc.offsetAt(position))?.id;
  }

  /**
   * The files on disk the document's last validation depended on (the sub-workflows it runs and theirs, and the
   * scripts their nodes run), as absolute paths; none for a document not validated or not on disk.
   */
  dependencyFiles(doc: vscode.TextDocument): string[] {
    const cached = this.cache.get(doc.uri.toString());
    return cached && doc.uri.scheme === 'file' ? dependencyFiles(doc.uri.fsPath, cached.index.result.workflow) : [];
  }

  private optionsFor(uri: vscode.Uri) {
    return uri.scheme === 'file' ? filesBeside(uri.fsPath) : {};
  }

  forget(uri: vscode.Uri): void {
    this.cache.delete(uri.toString());
  }
}
