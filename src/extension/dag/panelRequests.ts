// What the DAG panel asks of the host, answered through the run actions (the same as the commands'), the run
// manager and the editor. Errors go back to the panel, which shows them in place.
import { dirname, resolve } from 'node:path';
import * as vscode from 'vscode';
import { forecast, type Forecast } from '../../engine/insights/forecast';
import type { InsightsReport } from '../../engine/insights/report';
import type { NodeMetric } from '../../webview/protocol';
import type { EditReply } from './workflowEditing';
import type { WebviewRequest, WebviewRequests, WebviewRequestType, WebviewResult } from '../../webview/protocol';
import { subWorkflowChoices, type WorkflowDocuments } from '../language/documents';
import type { InputPrompts } from '../commands/inputPrompts';
import type { RunsTreeItemArg } from '../commands/arguments';
import { logUri } from '../runs/nodeLogs';
import type { RunActions } from '../runs/runActions';
import type { RunEntry, RunManager } from '../runs/runManager';
import { TAIL_LINES } from '../runs/liveRunMemory';
import { plainText } from '../ui/untrustedText';
import { artifactToOpen } from './artifacts';
import type { WorkflowEditing } from './workflowEditing';

export interface PanelContext {
  uri: vscode.Uri;
  /** The builder's actions on the workflow's document. */
  editing: WorkflowEditing;
  /** Gives the panel the focus again (after an undo in the editor). */
  focusPanel: () => void;
  runs: RunManager;
  actions: RunActions;
  prompts: InputPrompts;
  documents: WorkflowDocuments;
  /** The panel follows the workflow's runs (a run it starts shows at once). */
  follow(): void;
  /** The editor column beside the panel, where documents open. */
  editorColumn(): vscode.ViewColumn;
  /** How many log lines of a node instance the panel has been sent live since it showed the run (undefined: another run shows). */
  liveLinesSent(runId: string, instanceId: string): number | undefined;
}

type Handlers = { [K in WebviewRequestType]: (p: WebviewRequests[K]['params']) => Promise<WebviewResult<K>> };

/** Answers one request of the panel; throws what it cannot do. */
export function answer(c: PanelContext, r: WebviewRequest): Promise<WebviewResult<WebviewRequestType>> {
  const handlers = panelHandlers(c);
  return (handlers[r.type] as (p: WebviewRequest) => Promise<WebviewResult<WebviewRequestType>>)(r);
}

function panelHandlers(c: PanelContext): Handlers {
  const run = (runId: string): RunEntry => c.runs.get(runId) ?? fail(`run ${runId} is gone: it may have been deleted`);
  return {
    control: async ({ action, runId }) => {
      if (action === 'run' || action === 'runWithInputs') {
        if (c.uri.scheme !== 'file') throw new Error('this workflow is not in a file yet: save it (File › Save As…) to run it');
        c.follow();
        const inputs = action === 'runWithInputs' ? await c.prompts.all(c.uri) : await c.prompts.missing(c.actions, c.uri);
        if (inputs) await c.actions.start(c.uri, inputs);
        return {};
      }
      const shown = run(runId ?? fail('no run is shown'));
      await {
        pause: () => c.actions.pause(shown),
        resume: () => c.actions.resume(shown),
        cancel: () => c.actions.cancel(shown),
        retryFailed: () => c.actions.retryFailed(shown),
      }[action]();
      return {};
    },
    retryNode: async ({ runId, nodeId }) => (await c.actions.retryNode(run(runId), nodeId), {}),
    approve: async ({ runId, nodeId, approved }) => (await c.actions.approve(run(runId), nodeId, approved), {}),
    openLog: async ({ runId, nodeId }) => {
      const instanceId = await pickInstance(c.runs, run(runId), nodeId);
      if (!instanceId) return {};
      const doc = await vscode.workspace.openTextDocument(logUri(runId, instanceId));
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: c.editorColumn() });
      return {};
    },
    openArtifact: async ({ runId, nodeId, path }) => (await openArtifact(c, run(runId), nodeId, path), {}),
    copy: async ({ text }) => (await vscode.env.clipboard.writeText(text), {}),
    logTail: async ({ runId, nodeId }) => {
      // A run followed live: its memory and the count of lines the panel was sent are read in one turn, so that
      // every line counted is in the tail.
      const kept = c.runs.followedTail(runId, nodeId, TAIL_LINES);
      const liveThrough = kept && c.liveLinesSent(runId, nodeId);
      if (kept && liveThrough !== undefined) return { lines: kept, liveThrough };
      return { lines: await c.runs.logTail(runId, nodeId, TAIL_LINES) };
    },
    edit: ({ action }) => c.editing.edit(action),
    copyNodes: async ({ ids }) => (await c.editing.copy(ids), {}),
    pasteNodes: ({ after }) => c.editing.paste(after),
    insertTemplate: async ({ after }) =>
      (await vscode.commands.executeCommand<EditReply | undefined>('maestro.insertTemplate', c.uri, after)) ?? { applied: false },
    undo: async ({ redo }) => (await c.editing.undo(redo, c.focusPanel), {}),
    openScript: async ({ nodeId }) => (await c.editing.openScript(nodeId), {}),
    nodeMetrics: async () => nodeMetricsOf((await c.runs.insights(c.uri.fsPath, METRIC_RUNS)).report),
    forecast: () => forecastOf(c),
    showInsights: async () => (await vscode.commands.executeCommand('maestro.showInsights', c.uri), {}),
    releaseMutex: async ({ runId, nodeId }) => {
      // Release Mutex… of the node, as from the Runs view: it asks first.
      const waiting: RunsTreeItemArg = { kind: 'node', run: { runId }, node: { info: { id: nodeId } } };
      return (await vscode.commands.executeCommand('maestro.releaseMutex', waiting), {});
    },
    workflowFiles: async () => ({ files: await subWorkflowChoices(c.uri) }),
  };
}

/** How many of the last runs the cards' colours and the forecast learn from. */
const METRIC_RUNS = 100;

function nodeMetricsOf(report: InsightsReport): { basedOn: number; nodes: Record<string, NodeMetric> } {
  const onPath = new Map(report.bottlenecks.map((b) => [b.node, b.criticalRuns]));
  const nodes: Record<string, NodeMetric> = {};
  for (const n of report.nodes)
    nodes[n.node] = {
      ...(n.p95Ms !== undefined ? { p95Ms: n.p95Ms } : {}),
      failureRate: n.failureRate,
      criticalShare: report.basedOn ? (onPath.get(n.node) ?? 0) / report.basedOn : 0,
    };
  return { basedOn: report.basedOn, nodes };
}

/** The forecast of the workflow as its document is now, from the p50s of its last runs. */
async function forecastOf(c: PanelContext): Promise<{ forecast?: Forecast; note?: string }> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === c.uri.toString()) ?? (await vscode.workspace.openTextDocument(c.uri));
  const spec = c.documents.index(doc).result.workflow;
  if (!spec.nodes.length) return { note: 'The workflow has no nodes to forecast.' };
  if (c.uri.scheme !== 'file') return { note: 'Save the workflow: its history is kept by its file.' };
  const { report, lastRun } = await c.runs.insights(c.uri.fsPath, METRIC_RUNS);
  if (!report.basedOn) return { note: 'No runs yet: the forecast learns each node’s time from past runs.' };
  const p50 = new Map(report.nodes.filter((n) => n.p50Ms !== undefined).map((n) => [n.node, n.p50Ms!]));
  return { forecast: forecast(spec, p50, report.basedOn, lastRun) };
}

function fail(message: string): never {
  throw new Error(message);
}

/** Opens an artifact a node of the run kept, found where the engine says, or where the file says for older runs. */
async function openArtifact(c: PanelContext, entry: RunEntry, nodeId: string, path: string): Promise<void> {
  const instance = (await c.runs.loadState(entry))?.nodes.get(nodeId);
  const nodeFolder = instance?.artifactsDir ?? declaredFolder(c, entry, instance?.info.nodeId);
  const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const target = artifactToOpen({ recorded: instance?.artifacts ?? [], requested: path, nodeFolder, roots });
  if ('error' in target) throw new Error(target.error);
  await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(target.path));
}

/** The node's working folder as the workflow file says now (for runs that did not record it). */
function declaredFolder(c: PanelContext, run: RunEntry, nodeId: string | undefined): string {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === c.uri.toString());
  const spec = open && nodeId ? c.documents.index(open).result.workflow.nodes.find((n) => n.id === nodeId) : undefined;
  return spec?.cwd ? resolve(dirname(run.workflowPath), spec.cwd) : dirname(run.workflowPath);
}

/** The instance of a node to act on: itself, its only instance, or the one the user picks. */
async function pickInstance(runs: RunManager, entry: RunEntry, nodeId: string): Promise<string | undefined> {
  const state = await runs.loadState(entry);
  if (!state) throw new Error(`run ${entry.runId} cannot be read`);
  if (state.nodes.has(nodeId)) return nodeId;
  const instances = state.order.filter((id) => state.nodes.get(id)!.info.nodeId === nodeId);
  if (instances.length === 0) throw new Error(`${nodeId} is not a node of run ${entry.runId}`);
  if (instances.length === 1) return instances[0];
  const picked = await vscode.window.showQuickPick(
    instances.map((id) => ({ label: plainText(id), description: state.nodes.get(id)!.status, id })),
    { title: `Open the log of which instance of ${plainText(nodeId)}?` },
  );
  return picked?.id;
}
