import { dirname, isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { workflowKey } from '../workflowIdentity';
import type { RunManager } from './runManager';

/** `::warning`/`::error` lines printed by nodes, as problems on the files and lines they name. */
export class RunDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('maestro-run');
  /** Problems by workflow, so that a new run of a workflow clears only its own. */
  private readonly byWorkflow = new Map<string, Map<string, vscode.Diagnostic[]>>();
  private readonly subscription: vscode.Disposable;

  constructor(runs: RunManager) {
    this.subscription = runs.onEvent((e) => {
      const run = runs.get(e.runId);
      if (!run) return;
      if (e.type === 'workflow:started') {
        this.byWorkflow.set(workflowKey(run.workflowPath), new Map<string, vscode.Diagnostic[]>());
        this.publish();
        return;
      }
      if (e.type !== 'node:diagnostic') return;
      const base = dirname(run.workflowPath);
      const file = e.file ? (isAbsolute(e.file) ? e.file : join(base, e.file)) : run.workflowPath;
      const line = Math.max(0, (e.line ?? 1) - 1);
      const col = Math.max(0, (e.column ?? 1) - 1);
      const d = new vscode.Diagnostic(
        new vscode.Range(line, col, line, Number.MAX_SAFE_INTEGER),
        e.message,
        e.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      d.source = `maestro run · ${e.nodeId}`;
      let files = this.byWorkflow.get(workflowKey(run.workflowPath));
      if (!files) this.byWorkflow.set(workflowKey(run.workflowPath), (files = new Map<string, vscode.Diagnostic[]>()));
      files.set(file, [...(files.get(file) ?? []), d]);
      this.publish();
    });
  }

  private publish(): void {
    const merged = new Map<string, vscode.Diagnostic[]>();
    for (const files of this.byWorkflow.values()) for (const [file, list] of files) merged.set(file, [...(merged.get(file) ?? []), ...list]);
    this.collection.clear();
    for (const [file, list] of merged) this.collection.set(vscode.Uri.file(file), list);
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}
