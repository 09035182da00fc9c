import * as vscode from 'vscode';
import type { HeldMutex } from '../../engine/protocol';
import type { NodeRunState } from '../../engine/runState';
import type { HeldMutexes } from '../runs/heldMutexes';
import type { RunEntry, RunManager } from '../runs/runManager';
import { isActiveRun } from '../../engine/runRules';
import { workflowKey } from '../workflowIdentity';
import { mutexesItem, mutexItem, nodeItem, runItem, workflowItem, type ItemModel } from './treeModels';

/** A node of the run, or of a sub-run (`nested`); `children`: the nodes of its sub-run are known. */
export type RunsTreeNode =
  | { kind: 'workflow'; path: string }
  | { kind: 'run'; run: RunEntry }
  | { kind: 'node'; run: RunEntry; node: NodeRunState; nested?: boolean; children?: boolean }
  /** The mutexes held on the engine's machine, above the workflows while any is. */
  | { kind: 'mutexes' }
  | { kind: 'mutex'; held: HeldMutex };

function toTreeItem(m: ItemModel): vscode.TreeItem {
  const item = new vscode.TreeItem(m.label, m.collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.description = m.description;
  item.tooltip = m.tooltip;
  item.iconPath = new vscode.ThemeIcon(m.icon.id, m.icon.color ? new vscode.ThemeColor(m.icon.color) : undefined);
  item.contextValue = m.contextValue;
  return item;
}

/** The mutexes held, while any is; then the workflows with their runs, newest first; each run with its nodes. */
export class RunsTreeProvider implements vscode.TreeDataProvider<RunsTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly runs: RunManager,
    private readonly mutexes: HeldMutexes,
  ) {
    this.subscriptions = [
      runs.onDidChange(() => {
        this.refresh();
        mutexes.refreshSoon();
      }),
      mutexes.onDidChange(() => this.changed.fire(undefined)),
    ];
  }

  refresh(): void {
    this.changed.fire(undefined);
    // Durations of running nodes move on their own: redraw every second while anything runs.
    const active = this.runs.all().some((r) => r.live && isActiveRun(r.status));
    if (active && !this.ticker) this.ticker = setInterval(() => this.changed.fire(undefined), 1000);
    if (!active && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  getTreeItem(element: RunsTreeNode): vscode.TreeItem {
    const now = Date.now();
    if (element.kind === 'mutexes') {
      const item = toTreeItem(mutexesItem(this.mutexes.held));
      item.id = 'mutexes';
      item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
      return item;
    }
    if (element.kind === 'mutex') {
      const item = toTreeItem(mutexItem(element.held, now));
      item.id = `mutex:${element.held.mutex}`;
      return item;
    }
    if (element.kind === 'workflow') {
      const runs = this.runs.runsOf(element.path);
      const item = toTreeItem(workflowItem(element.path, runs[0]?.workflowName ?? element.path, runs));
      item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
      item.resourceUri = vscode.Uri.file(element.path);
      item.command = { command: 'vscode.open', title: 'Open Workflow', arguments: [vscode.Uri.file(element.path)] };
      return item;
    }
    if (element.kind === 'run') {
      const item = toTreeItem(runItem(element.run, now));
      item.id = `run:${element.run.runId}`;
      // A past run's inputs and failures are in its state, read when the tooltip is first shown (resolveTreeItem).
      if (!element.run.state) item.tooltip = undefined;
      // The newest run of a workflow opens on its nodes: that is the run a person just started.
      if (this.runs.latestFor(element.run.workflowPath) === element.run) item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
      return item;
    }
    const item = toTreeItem(nodeItem(element.node, now, element));
    item.id = `node:${element.run.runId}:${element.node.info.id}`;
    item.command = { command: 'maestro.openNodeLog', title: 'Open Node Log', arguments: [element] };
    return item;
  }

  async resolveTreeItem(item: vscode.TreeItem, element: RunsTreeNode, token: vscode.CancellationToken): Promise<vscode.TreeItem> {
    if (element.kind !== 'run' || item.tooltip !== undefined) return item;
    await this.runs.loadState(element.run);
    if (!token.isCancellationRequested) item.tooltip = runItem(element.run, Date.now()).tooltip;
    return item;
  }

  async getChildren(element?: RunsTreeNode): Promise<RunsTreeNode[]> {
    if (!element) {
      const paths = new Map<string, string>();
      for (const r of this.runs.all()) if (!paths.has(workflowKey(r.workflowPath))) paths.set(workflowKey(r.workflowPath), r.workflowPath);
      const workflows = [...paths.values()].map((path): RunsTreeNode => ({ kind: 'workflow', path }));
      return this.mutexes.held.length ? [{ kind: 'mutexes' }, ...workflows] : workflows;
    }
    if (element.kind === 'mutexes') return this.mutexes.held.map((held) => ({ kind: 'mutex', held }));
    if (element.kind === 'mutex') return [];
    if (element.kind === 'workflow') return this.runs.runsOf(element.path).map((run) => ({ kind: 'run', run }));
    const state = await this.runs.loadState(element.run);
    if (!state) return [];
    const parents = new Set(Object.values(state.nestedNodes).map((n) => n.parentNodeId));
    const nodeOf = (node: NodeRunState, nested: boolean): RunsTreeNode => ({
      kind: 'node',
      run: element.run,
      node,
      nested,
      children: parents.has(node.info.id),
    });
    if (element.kind === 'run') return state.order.map((id) => nodeOf(state.nodes.get(id)!, false));
    const under = element.node.info.id;
    return state.nested.filter((id) => state.nestedNodes[id]?.parentNodeId === under).map((id) => nodeOf(state.nestedNodes[id], true));
  }

  dispose(): void {
    if (this.ticker) clearInterval(this.ticker);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
