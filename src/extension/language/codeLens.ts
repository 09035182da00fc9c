import * as vscode from 'vscode';
import { formatDuration } from '../../engine/duration';
import { toRange } from '../convert';
import type { RunManager } from '../runs/runManager';
import { WORKFLOW_SELECTOR, type WorkflowDocuments } from './documents';

const STATUS_MARK: Record<string, string> = {
  completed: '$(pass-filled)',
  failed: '$(error)',
  skipped: '$(circle-slash)',
  cancelled: '$(circle-slash)',
  running: '$(sync~spin)',
  waiting: '$(bell)',
  retrying: '$(debug-restart)',
  pending: '$(circle-large-outline)',
};

/** Run lenses above `nodes:`, and above each node its status in the last run and "Run from here". */
export function registerCodeLens(documents: WorkflowDocuments, runs: RunManager): vscode.Disposable[] {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    async provideCodeLenses(doc) {
      const index = documents.index(doc);
      const lenses: vscode.CodeLens[] = [];
      if (index.nodesKeySpan) {
        const range = toRange(doc, index.nodesKeySpan);
        lenses.push(new vscode.CodeLens(range, { title: '$(play) Run', command: 'maestro.run', arguments: [doc.uri], tooltip: 'Run this workflow' }));
        if (Object.keys(index.result.workflow.inputs).length)
          lenses.push(new vscode.CodeLens(range, { title: 'Run with inputs…', command: 'maestro.runWithInputs', arguments: [doc.uri] }));
        lenses.push(
          new vscode.CodeLens(range, { title: 'Show DAG', command: 'maestro.showDag', arguments: [doc.uri], tooltip: 'Show the live DAG beside the editor' }),
        );
      }
      const last = doc.uri.scheme === 'file' ? runs.latestFor(doc.uri) : undefined;
      const state = last ? await runs.loadState(last) : undefined;
      for (const node of index.nodes) {
        const range = toRange(doc, node.keySpan);
        const instances = state ? [...state.nodes.values()].filter((n) => n.info.nodeId === node.id) : [];
        if (instances.length) {
          const n = instances.find((i) => i.status === 'failed') ?? instances.find((i) => i.status !== 'completed') ?? instances[0];
          const count = instances.length > 1 ? ` (${instances.filter((i) => i.status === 'completed').length}/${instances.length})` : '';
          const duration = n.durationMs !== undefined ? ` ${formatDuration(n.durationMs)}` : '';
          lenses.push(
            new vscode.CodeLens(range, {
              title: `${STATUS_MARK[n.status] ?? ''} ${n.status}${count}${duration}`,
              command: 'maestro.openNodeLog',
              arguments: [{ kind: 'node', run: last, node: n }],
              tooltip: n.error ?? n.reason ?? 'Open the node log of the last run',
            }),
          );
        }
        if (last)
          lenses.push(
            new vscode.CodeLens(range, {
              title: 'Run from here',
              command: 'maestro.runFromNode',
              arguments: [doc.uri, node.id],
              tooltip: `Run '${node.id}' and what comes after it again, keeping the rest of the last run`,
            }),
          );
      }
      return lenses;
    },
  };
  return [changed, vscode.languages.registerCodeLensProvider(WORKFLOW_SELECTOR, provider), runs.onDidChange(() => changed.fire())];
}
