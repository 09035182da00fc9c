import * as vscode from 'vscode';
import { registerCommands, trackContextKeys } from './commands';
import { DagPanels } from './dag/dagPanels';
import { registerCodeLens } from './language/codeLens';
import { WorkflowDocuments } from './language/documents';
import { LiveValidation } from './language/liveValidation';
import { WorkspaceValidator } from './language/workspaceValidator';
import { registerLanguageFeatures } from './language/providers';
import { EngineClient } from './runs/engineClient';
import { LOG_SCHEME, NodeLogProvider } from './runs/nodeLogs';
import { RunDiagnostics } from './runs/runDiagnostics';
import { RunManager } from './runs/runManager';
import { RunStatusBar } from './runs/statusBar';
import { DiagnosticsTreeProvider } from './views/diagnosticsTree';
import { RunsTreeProvider } from './views/runsTree';
import { isInWorkspace, StartedRuns } from './runs/startedRuns';
import { plainText } from './ui/untrustedText';

/** What the extension exposes to its integration tests. */
export interface MaestroApi {
  runs: RunManager;
  validation: LiveValidation;
  documents: WorkflowDocuments;
  engine: EngineClient;
  dag: DagPanels;
  activatedInMs: number;
}

let engine: EngineClient | undefined;

export function activate(context: vscode.ExtensionContext): MaestroApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Maestro', { log: true });
  context.subscriptions.push(log);
  try {
    const documents = new WorkflowDocuments();
    const workspaceValidator = new WorkspaceValidator(context.asAbsolutePath('dist/validationWorker.js'), log);
    const validation = new LiveValidation(documents, log, workspaceValidator);
    engine = new EngineClient(context.asAbsolutePath('dist/engine.js'), log);
    const runs = new RunManager(engine, log);
    const startedHere = new StartedRuns(context.globalState);
    const runsTree = new RunsTreeProvider(runs);
    const diagnosticsTree = new DiagnosticsTreeProvider(validation);
    const logs = new NodeLogProvider(runs);
    const dag = new DagPanels({ runs, documents, validation, log, bundle: vscode.Uri.joinPath(context.extensionUri, 'dist') });
    context.subscriptions.push(
      workspaceValidator,
      validation,
      engine,
      runs,
      runsTree,
      diagnosticsTree,
      logs,
      dag,
      new RunStatusBar(runs),
      new RunDiagnostics(runs),
      vscode.window.createTreeView('maestro.runs', { treeDataProvider: runsTree, showCollapseAll: true }),
      vscode.window.createTreeView('maestro.diagnostics', { treeDataProvider: diagnosticsTree, showCollapseAll: true }),
      vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, logs),
      ...registerLanguageFeatures(documents),
      ...registerCodeLens(documents, runs),
      ...registerCommands({ runs, validation, documents, dag, log }),
      trackContextKeys(runs),
      runs.onEvent((e) => {
        if (e.type === 'workflow:started' || e.type === 'workflow:resumed') void startedHere.remember(e.runId);
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => offerToResumeInterrupted(context, runs, startedHere)),
      runs.onDidInterrupt((lost) => {
        const names = plainText(lost.map((r) => r.workflowName).join(', '));
        void vscode.window.showWarningMessage(`The Maestro engine stopped: ${names} ${lost.length === 1 ? 'was' : 'were'} interrupted. Logs and events written so far are kept.`, 'Resume').then((c) => {
          if (c) for (const r of lost) void runs.resume(r).catch((e: unknown) => vscode.window.showErrorMessage(`Maestro: ${(e as Error).message}`));
        });
      }),
    );
    offerToResumeInterrupted(context, runs, startedHere);
    // The views' welcome texts say "no runs" and "no workflow files" only once that is known.
    void vscode.commands.executeCommand('setContext', 'maestro.runsLoaded', true);
    void validation
      .validateWorkspace()
      .then((count) => vscode.commands.executeCommand('setContext', 'maestro.hasWorkflows', count > 0))
      .catch((e: unknown) => log.error(`could not look for workflow files: ${(e as Error).message}`))
      .finally(() => vscode.commands.executeCommand('setContext', 'maestro.scanned', true));
    const activatedInMs = performance.now() - started;
    log.info(`activated in ${activatedInMs.toFixed(1)} ms`);
    const api: MaestroApi = { runs, validation, documents, engine, dag, activatedInMs };
    runIntegrationTests(api, log);
    return api;
  } catch (e) {
    const message = (e as Error).stack ?? String(e);
    log.error(`activation failed: ${message}`);
    void vscode.window.showErrorMessage(`Maestro could not start: ${(e as Error).message}`, 'Show Log').then((c) => c && log.show());
    throw e;
  }
}

/**
 * Runs left interrupted (the window closed or reloaded while they ran, or the engine died): each is offered for
 * *Resume* once, on the first activation that finds it. Only runs that this installation started are offered, in
 * a trusted workspace, and only when their workflow is in the workspace: a run record is a file like any other, and
 * a repository can hold one it was given to make the editor offer something.
 */
function offerToResumeInterrupted(context: vscode.ExtensionContext, runs: RunManager, startedHere: StartedRuns): void {
  if (!vscode.workspace.isTrusted) return;
  const KEY = 'maestro.offeredResume';
  const offered = new Set(context.workspaceState.get<string[]>(KEY, []));
  const fresh = runs.all().filter((r) => r.status === 'interrupted' && !offered.has(r.runId) && startedHere.has(r.runId) && isInWorkspace(r.workflowPath));
  if (fresh.length === 0) return;
  void context.workspaceState.update(KEY, [...offered, ...fresh.map((r) => r.runId)].slice(-200));
  const names = plainText([...new Set(fresh.map((r) => r.workflowName))].join(', '));
  const message = fresh.length === 1 ? `${names} was interrupted while it ran (the window closed, or the engine stopped).` : `${fresh.length} runs were interrupted while they ran (${names}).`;
  void vscode.window.showInformationMessage(`${message} Resume continues from where it stopped; completed nodes do not run again.`, fresh.length === 1 ? 'Resume' : 'Resume All', 'Show DAG').then(async (choice) => {
    if (choice === 'Show DAG') await vscode.commands.executeCommand('maestro.showDag', fresh[0].runId);
    else if (choice) for (const r of fresh) await vscode.commands.executeCommand('maestro.resume', r.runId);
  });
}

/**
 * The integration tests run inside a real VS Code's extension host: when MAESTRO_TEST_ENTRY names a test bundle,
 * the extension loads it after activating and hands it the API and the `vscode` module. Unset, nothing happens.
 */
function runIntegrationTests(api: MaestroApi, log: vscode.LogOutputChannel): void {
  const entry = process.env.MAESTRO_TEST_ENTRY;
  if (!entry) return;
  log.info(`running integration tests from ${entry}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tests = require(entry) as { run(context: { vscode: typeof vscode; api: MaestroApi }): Promise<void> };
  void tests.run({ vscode, api }).catch((e: unknown) => log.error(`integration tests failed to run: ${String(e)}`));
}

/** Lets the engine cancel its runs, so that no node process outlives the window. */
export async function deactivate(): Promise<void> {
  await engine?.shutdown();
}
