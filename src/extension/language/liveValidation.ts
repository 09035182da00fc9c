import * as vscode from 'vscode';
import { fromFileDiagnostic, toDiagnostic } from '../convert';
import { settingNumber } from '../settingValues';
import { DependentFiles } from './dependentFiles';
import { DiskEncoding } from './diskEncoding';
import type { WorkspaceValidator } from './workspaceValidator';
import { findWorkflowFiles, isWorkflowDocument, WORKFLOW_GLOB, WORKFLOW_PATH, type WorkflowDocuments } from './documents';

/**
 * Keeps the Problems panel current for every workflow file in the workspace: open documents as the user types
 * (debounced), the others from disk, through a file watcher.
 */
export class LiveValidation implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('maestro');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri | undefined>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.collection, this.changed];
  /** The files nobody has open whose last validation depended on other files (the sub-workflows they run, their scripts). */
  private readonly unopenedIncluders = new DependentFiles<vscode.Uri>();
  /** The same of the open workflow documents, as their last validation here found it. */
  private readonly openIncluders = new DependentFiles<vscode.TextDocument>();
  /** Whether open workflows' files are UTF-8 on disk, as runs read them. */
  private readonly encoding = new DiskEncoding();

  constructor(
    private readonly documents: WorkflowDocuments,
    private readonly log: vscode.LogOutputChannel,
    /** Validates files nobody has open, off the extension host's thread. */
    private readonly workspace: WorkspaceValidator,
  ) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => {
        // Open, it is validated as it is edited, and again when its sub-workflows change (see revalidateIncluders).
        this.unopenedIncluders.forget(d.uri.fsPath);
        this.validateNow(d);
        this.checkEncoding(d);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidSaveTextDocument((d) => this.checkEncoding(d)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        // Closed files keep their problems: they are re-read from disk.
        this.documents.forget(d.uri);
        this.encoding.forget(d.uri.fsPath);
        this.openIncluders.forget(d.uri.fsPath);
        if (isWorkflowDocument(d)) void this.validateFile(d.uri);
      }),
    );
    // Any other file validation depended on (a script a sub-workflow runs, whose writes are what it gives), however
    // it changed: saved here, or by another tool. Most files are none: they are let go at a lookup.
    const others = vscode.workspace.createFileSystemWatcher('**/*');
    const otherChanged = (u: vscode.Uri) => {
      if (!WORKFLOW_PATH.test(u.path) && this.isDependedOn(u.fsPath)) this.revalidateIncluders(u);
    };
    this.disposables.push(others, others.onDidCreate(otherChanged), others.onDidChange(otherChanged), others.onDidDelete(otherChanged));
    const watcher = vscode.workspace.createFileSystemWatcher(WORKFLOW_GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((u) => this.fileChanged(u)),
      watcher.onDidChange((u) => this.fileChanged(u)),
      watcher.onDidDelete((u) => {
        this.collection.delete(u);
        this.unopenedIncluders.forget(u.fsPath);
        this.changed.fire(u);
        this.revalidateIncluders(u);
      }),
    );
    for (const d of vscode.workspace.textDocuments) {
      this.validateNow(d);
      this.checkEncoding(d);
    }
  }

  private get debounceMs(): number {
    return settingNumber('validation.debounce', vscode.workspace.getConfiguration('maestro').get('validation.debounce'));
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!isWorkflowDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.validateNow(doc);
      }, this.debounceMs),
    );
  }

  validateNow(doc: vscode.TextDocument): void {
    if (!isWorkflowDocument(doc) || doc.isClosed) return;
    const index = this.documents.index(doc);
    const diagnostics = index.result.diagnostics.map((d) => toDiagnostic(doc, d));
    const encoding = doc.uri.scheme === 'file' ? this.encoding.problemOf(doc.uri.fsPath) : undefined;
    this.collection.set(doc.uri, encoding ? [fromFileDiagnostic(doc.uri, encoding), ...diagnostics] : diagnostics);
    if (doc.uri.scheme === 'file') this.openIncluders.note(doc.uri.fsPath, doc, this.documents.dependencyFiles(doc));
    this.changed.fire(doc.uri);
  }

  private isDependedOn(path: string): boolean {
    return this.openIncluders.dependentsOf(path).length > 0 || this.unopenedIncluders.dependentsOf(path).length > 0;
  }

  /** Looks at whether the document's file is UTF-8 on disk, and shows its problems again when that changed. */
  private checkEncoding(doc: vscode.TextDocument): void {
    if (!isWorkflowDocument(doc) || doc.uri.scheme !== 'file') return;
    void this.encoding.refresh(doc.uri.fsPath).then((changed) => {
      if (doc.isClosed) this.encoding.forget(doc.uri.fsPath);
      else if (changed) this.validateNow(doc);
    });
  }

  private fileChanged(uri: vscode.Uri): void {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) this.checkEncoding(open);
    void this.validateFile(uri);
    this.revalidateIncluders(uri);
  }

  /**
   * A workflow file or a script on disk changed, came or went: the workflows whose last validation
   * depended on it (they run it, or run one that runs it) are validated again, the open ones here and the others in
   * the worker, since what they say of it (that it exists, its inputs and outputs, a loop back) may have changed.
   */
  private revalidateIncluders(changed: vscode.Uri): void {
    for (const doc of this.openIncluders.dependentsOf(changed.fsPath)) {
      if (doc.isClosed || doc.uri.toString() === changed.toString()) continue;
      this.documents.forget(doc.uri);
      this.validateNow(doc);
    }
    for (const uri of this.unopenedIncluders.dependentsOf(changed.fsPath)) void this.validateFile(uri);
  }

  /** Validates a file nobody has open, from disk, in the validation worker. */
  async validateFile(uri: vscode.Uri): Promise<void> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return this.validateNow(open);
    if (uri.scheme !== 'file') return;
    let diagnostics: vscode.Diagnostic[];
    let dependencies: string[] = [];
    try {
      const found = await this.workspace.validate(uri.fsPath);
      diagnostics = found.diagnostics.map((d) => fromFileDiagnostic(uri, d));
      dependencies = found.dependsOn;
    } catch (e) {
      const message = (e as Error).message;
      if (message === 'validation has stopped') return;
      this.log.warn(`cannot validate ${uri.fsPath}: ${message}`);
      diagnostics = [new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), `this file could not be validated: ${message}`, vscode.DiagnosticSeverity.Warning)];
    }
    // Opened while the worker was at it: the editor's own validation is the newer one.
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) return;
    this.unopenedIncluders.note(uri.fsPath, uri, dependencies);
    this.collection.set(uri, diagnostics);
    this.changed.fire(uri);
  }

  async validateWorkspace(): Promise<number> {
    const files = await findWorkflowFiles();
    await Promise.all(files.map((f) => this.validateFile(f)));
    this.changed.fire(undefined);
    return files.length;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}
