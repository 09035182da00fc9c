import * as vscode from 'vscode';
import { formatDuration } from '../../engine/duration';
import type { NodeRunState, RunState } from '../../engine/runState';
import type { NodeEntry, WorkflowIndex } from '../../engine/workflowIndex';
import { toRange } from '../convert';
import type { RunEntry, RunManager } from '../runs/runManager';
import { progressOf } from '../views/treeModels';
import { isWorkflowDocument, WORKFLOW_SELECTOR, type WorkflowDocuments } from './documents';
import { LensRefresh } from './lensRefresh';

const STATUS_MARK: Record<string, string> = {
  completed: '$(pass-filled)',
  failed: '$(error)',
  skipped: '$(circle-slash)',
  cancelled: '$(circle-slash)',
  interrupted: '$(circle-slash)',
  running: '$(sync~spin)',
  paused: '$(debug-pause)',
  waiting: '$(bell)',
  retrying: '$(debug-restart)',
  pending: '$(circle-large-outline)',
};

/**
 * Up to this many nodes, each node has its lenses; a bigger workflow has the last run's summary above `nodes:`
 * instead. Every lens is a line the editor lays out again each time lenses change: a thousand of them, appearing as
 * the first run starts and changing as it goes, held the window's thread for a second at a time.
 */
export const NODE_LENSES_UP_TO = 250;

/** The workflow documents in view in text editors that show code lenses (not a diff's sides: they show none). */
function editorsWithLenses(): string[] {
  const shown = new Set<string>();
  for (const group of vscode.window.tabGroups.all) {
    const input = group.activeTab?.input;
    if (input instanceof vscode.TabInputText) shown.add(input.uri.toString());
  }
  return vscode.workspace.textDocuments
    .filter((d) => shown.has(d.uri.toString()) && isWorkflowDocument(d) && vscode.workspace.getConfiguration('editor', d).get<boolean>('codeLens', true))
    .map((d) => d.uri.toString());
}

/** Run lenses above `nodes:`, and above each node its status in the last run and "Run from here". */
export function registerCodeLens(documents: WorkflowDocuments, runs: RunManager): vscode.Disposable[] {
  const changed = new vscode.EventEmitter<void>();
  const refresh = new LensRefresh(() => changed.fire(), editorsWithLenses);
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    async provideCodeLenses(doc) {
      refresh.provided(doc.uri.toString());
      const index = documents.index(doc);
      const last = doc.uri.scheme === 'file' ? runs.latestFor(doc.uri) : undefined;
      const state = last ? await runs.loadState(last) : undefined;
      const perNode = index.nodes.length <= NODE_LENSES_UP_TO;
      return [...workflowLenses(doc, index, perNode ? undefined : last, state), ...(perNode ? nodeLenses(doc, index, last, state) : [])];
    },
  };
  return [
    changed,
    refresh,
    vscode.languages.registerCodeLensProvider(WORKFLOW_SELECTOR, provider),
    runs.onDidChange(() =>
      refresh.changed(
        runs
          .all()
          .map((r) => `${r.runId} ${r.status}`)
          .join('\n'),
      ),
    ),
  ];
}

/** Above `nodes:`: Run, Run with inputs…, Show DAG; and with `last`, that run's summary. */
function workflowLenses(doc: vscode.TextDocument, index: WorkflowIndex, last: RunEntry | undefined, state: RunState | undefined): vscode.CodeLens[] {
  if (!index.nodesKeySpan) return [];
  const range = toRange(doc, index.nodesKeySpan);
  const lenses = [new vscode.CodeLens(range, { title: '$(play) Run', command: 'maestro.run', arguments: [doc.uri], tooltip: 'Run this workflow' })];
  if (Object.keys(index.result.workflow.inputs).length)
    lenses.push(new vscode.CodeLens(range, { title: 'Run with inputs…', command: 'maestro.runWithInputs', arguments: [doc.uri] }));
  lenses.push(
    new vscode.CodeLens(range, { title: 'Show DAG', command: 'maestro.showDag', arguments: [doc.uri], tooltip: 'Show the live DAG beside the editor' }),
  );
  if (last) {
    const { done, total } = progressOf(state);
    const duration = last.endedAt !== undefined ? ` · ${formatDuration(last.endedAt - last.startedAt)}` : '';
    lenses.push(
      new vscode.CodeLens(range, {
        title: `${STATUS_MARK[last.status] ?? ''} last run ${last.status} · ${done}/${total} nodes ended${duration}`,
        command: 'maestro.showDag',
        arguments: [last.runId],
        tooltip: 'Show this run in the DAG panel (each node has its status there, and Run from Here in the editor menu)',
      }),
    );
  }
  return lenses;
}

/** Above each node: its status in the last run (opening its log), and Run from here. */
function nodeLenses(doc: vscode.TextDocument, index: WorkflowIndex, last: RunEntry | undefined, state: RunState | undefined): vscode.CodeLens[] {
  const instancesOf = new Map<string, NodeRunState[]>();
  for (const n of state?.nodes.values() ?? []) {
    const list = instancesOf.get(n.info.nodeId);
    if (list) list.push(n);
    else instancesOf.set(n.info.nodeId, [n]);
  }
  const lenses: vscode.CodeLens[] = [];
  for (const node of index.nodes) {
    const range = toRange(doc, node.keySpan);
    const instances = instancesOf.get(node.id);
    if (last && instances) lenses.push(statusLens(range, last, instances));
    if (last) lenses.push(runFromLens(range, doc.uri, node));
  }
  return lenses;
}

function statusLens(range: vscode.Range, last: RunEntry, instances: NodeRunState[]): vscode.CodeLens {
  const n = instances.find((i) => i.status === 'failed') ?? instances.find((i) => i.status !== 'completed') ?? instances[0];
  const count = instances.length > 1 ? ` (${instances.filter((i) => i.status === 'completed').length}/${instances.length})` : '';
  const duration = n.cached ? ' (reused)' : n.durationMs !== undefined ? ` ${formatDuration(n.durationMs)}` : '';
  return new vscode.CodeLens(range, {
    title: `${STATUS_MARK[n.status] ?? ''} ${n.status}${count}${duration}`,
    command: 'maestro.openNodeLog',
    arguments: [{ kind: 'node', run: last, node: n }],
    tooltip: n.error ?? n.reason ?? 'Open the node log of the last run',
  });
}

function runFromLens(range: vscode.Range, uri: vscode.Uri, node: NodeEntry): vscode.CodeLens {
  return new vscode.CodeLens(range, {
    title: 'Run from here',
    command: 'maestro.runFromNode',
    arguments: [uri, node.id],
    tooltip: `Run '${node.id}' and what comes after it again, keeping the rest of the last run`,
  });
}
