import * as vscode from 'vscode';
import { registerCommands, trackContextKeys } from './commands';
import { Ctx } from './ctx';
import { registerCodeLens } from './language/codeLens';
import { followFileMoves } from './language/followMoves';
import { registerLanguageFeatures } from './language/providers';
import { LOG_SCHEME, NodeLogProvider } from './runs/nodeLogs';
import { offerToResumeInterrupted } from './runs/resumeOffer';
import { RunDiagnostics } from './runs/runDiagnostics';
import { RunStatusBar } from './runs/statusBar';
import { plainText } from './ui/untrustedText';
import { DiagnosticsTreeProvider } from './views/diagnosticsTree';
import { RunsTreeProvider } from './views/runsTree';

/** What the extension exposes (to its integration tests). */
export interface MaestroApi {
  runs: Ctx['runs'];
  actions: Ctx['actions'];
  validation: Ctx['validation'];
  documents: Ctx['documents'];
  dag: Ctx['dag'];
  engines: Ctx['engines'];
  prompts: Ctx['prompts'];
  /** What the Runs view shows. */
  runsTree: RunsTreeProvider;
  /** How long activate() took, in milliseconds (performance.now() differences). */
  activatedInMs: number;
}

/** The extension while it is active: one context object (see Ctx). */
let ctx: Ctx | undefined;

export function activate(context: vscode.ExtensionContext): MaestroApi {
  const started = performance.now();
  try {
    const c = (ctx = new Ctx(context));
    const { runsTree, followMutexes } = registerViews(c);
    c.subscribe(
      ...registerLanguageFeatures(c.documents, (uri, from, to) => c.prompts.followRename(uri, from, to)),
      followFileMoves(),
      ...registerCodeLens(c.documents, c.runs),
      ...registerCommands({
        runs: c.runs,
        actions: c.actions,
        prompts: c.prompts,
        validation: c.validation,
        documents: c.documents,
        dag: c.dag,
        insights: c.insights,
        engines: c.engines,
        heldMutexes: c.heldMutexes,
        log: c.log,
        extensionUri: c.extension.extensionUri,
      }),
      trackContextKeys(c.runs),
    );
    watchRuns(c, followMutexes);
    startWorkspaceScan(c);
    const activatedInMs = performance.now() - started;
    c.log.info(`activated in ${activatedInMs.toFixed(1)} ms`);
    return {
      runs: c.runs,
      actions: c.actions,
      validation: c.validation,
      documents: c.documents,
      dag: c.dag,
      engines: c.engines,
      prompts: c.prompts,
      runsTree,
      activatedInMs,
    };
  } catch (e) {
    const message = (e as Error).stack ?? String(e);
    ctx?.log.error(`activation failed: ${message}`);
    void vscode.window.showErrorMessage(`Maestro could not start: ${(e as Error).message}`, 'Show Log').then((choice) => choice && ctx?.log.show());
    throw e;
  }
}

/** The views; `followMutexes` starts following the mutexes held, once the engine the settings name is known. */
function registerViews(c: Ctx): { runsTree: RunsTreeProvider; followMutexes: () => void } {
  const mutexes = c.heldMutexes;
  const runsTree = new RunsTreeProvider(c.runs, mutexes);
  const runsView = vscode.window.createTreeView('maestro.runs', { treeDataProvider: runsTree, showCollapseAll: true });
  const diagnosticsTree = new DiagnosticsTreeProvider(c.validation);
  const logs = new NodeLogProvider(c.runs, c);
  c.subscribe(
    runsTree,
    runsView,
    runsView.onDidChangeVisibility((e) => mutexes.setShown(e.visible)),
    diagnosticsTree,
    logs,
    new RunStatusBar(c.runs),
    new RunDiagnostics(c.runs),
    vscode.window.createTreeView('maestro.diagnostics', { treeDataProvider: diagnosticsTree, showCollapseAll: true }),
    vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, logs),
  );
  return { runsTree, followMutexes: () => mutexes.setShown(runsView.visible) };
}

/** The runs the window knows: listed once the engine answers, remembered when started here, offered when lost. */
function watchRuns(c: Ctx, followMutexes: () => void): void {
  c.subscribe(
    c.runs.onEvent((e) => {
      if (e.type === 'workflow:started' || e.type === 'workflow:resumed') void c.startedHere.remember(e.runId);
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => offerToResumeInterrupted(c)),
    c.runs.onDidInterrupt((lost) => {
      const names = plainText(lost.map((r) => r.workflowName).join(', '));
      void vscode.window
        .showWarningMessage(
          `The Maestro engine stopped: ${names} ${lost.length === 1 ? 'was' : 'were'} interrupted. Logs and events written so far are kept.`,
          'Resume',
        )
        .then((choice) => {
          if (choice)
            for (const r of lost) void c.actions.resume(r).catch((e: unknown) => vscode.window.showErrorMessage(`Maestro: ${plainText((e as Error).message)}`));
        });
    }),
  );
  // The views' welcome texts say "no runs" only once that is known, from the engine the settings name.
  void c.engines
    .followSetting()
    .then(() => c.runs.reload())
    .finally(() => {
      void vscode.commands.executeCommand('setContext', 'maestro.runsLoaded', true);
      followMutexes();
      offerToResumeInterrupted(c);
    });
}

/** Every workflow file of the workspace is validated (in the validation worker); the views say so when it is done. */
function startWorkspaceScan(c: Ctx): void {
  void c.validation
    .validateWorkspace()
    .then((count) => vscode.commands.executeCommand('setContext', 'maestro.hasWorkflows', count > 0))
    .catch((e: unknown) => c.log.error(`could not look for workflow files: ${(e as Error).message}`))
    .finally(() => vscode.commands.executeCommand('setContext', 'maestro.scanned', true));
}

/** Lets the engine stop its runs where they stand (they stay interrupted, to be resumed), so that none outlives the window. */
export async function deactivate(): Promise<void> {
  await ctx?.shutdownEngine();
  ctx = undefined;
}
