import * as vscode from 'vscode';
import { MovedPanels } from './dag/movedPanels';
import { KeptLayouts } from './dag/keptLayouts';
import { InputPrompts } from './commands/inputPrompts';
import { LastAnswers } from './commands/lastAnswers';
import { checkSharedCache } from './runs/sharedCacheCheck';
import { followWorkflowFiles } from './followWorkflowFiles';
import { DagPanels } from './dag/dagPanels';
import { InsightsPanels } from './insights/insightsPanels';
import { EditHighlight } from './dag/workflowEditing';
import { WorkflowDocuments } from './language/documents';
import { LiveValidation } from './language/liveValidation';
import { WorkspaceValidator } from './language/workspaceValidator';
import { EngineChoice } from './runs/engineChoice';
import { HeldMutexes } from './runs/heldMutexes';
import { EngineClient } from './runs/engineClient';
import type { EngineConnection, EngineLink } from './runs/engineConnection';
import { RunActions } from './runs/runActions';
import { cacheSettings, RunManager, runsRoots } from './runs/runManager';
import { SecretInputMemory } from './runs/secretInputMemory';
import { StartedRuns } from './runs/startedRuns';

/**
 * The extension's one context object: everything it is made of, and two lifetimes. The extension's scope holds what
 * lives as long as the window (views, providers, validation, the runs the window knows); the engine's scope holds
 * the engine connection and what listens to it, and is replaced when the window talks to another engine.
 */
export class Ctx implements EngineLink {
  readonly log: vscode.LogOutputChannel;
  readonly documents = new WorkflowDocuments();
  readonly workspaceValidator: WorkspaceValidator;
  readonly validation: LiveValidation;
  readonly runs: RunManager;
  readonly actions: RunActions;
  readonly prompts: InputPrompts;
  readonly dag: DagPanels;
  readonly insights: InsightsPanels;
  readonly startedHere: StartedRuns;
  readonly editHighlight = new EditHighlight();
  /** Which engine the window uses: its own, or a served one. */
  readonly engines: EngineChoice;
  /** The mutexes held on the engine's machine, as the Runs view shows them. */
  readonly heldMutexes: HeldMutexes;
  private engine: EngineConnection;
  private readonly engineScope: vscode.Disposable[] = [];
  private switching: Promise<void> = Promise.resolve();

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Maestro', { log: true });
    const layouts = new KeptLayouts(extension.workspaceState);
    // A file validated in the background keeps its graph for a Show DAG while a panel is open, or when its workflow
    // has been shown before (its layout is kept): those are the graphs a panel is likely to be asked for. Asked at
    // each file: `dag` is made below, and may not be yet.
    const keepsGraph = (path: string) => ((this.dag as DagPanels | undefined)?.anyOpen ?? false) || layouts.get(vscode.Uri.file(path)) !== undefined;
    this.workspaceValidator = new WorkspaceValidator(extension.asAbsolutePath('dist/validationWorker.js'), this.log, keepsGraph);
    this.validation = new LiveValidation(this.documents, this.log, this.workspaceValidator);
    this.runs = new RunManager(this, this.log);
    const secrets = new SecretInputMemory(extension.secrets, extension.globalState);
    this.prompts = new InputPrompts(this.documents, secrets, new LastAnswers(extension.workspaceState));
    this.actions = new RunActions(this, this.runs, this.documents, (uri, inputs) => this.prompts.each(uri, inputs));
    this.dag = new DagPanels({
      runs: this.runs,
      actions: this.actions,
      prompts: this.prompts,
      documents: this.documents,
      validation: this.validation,
      log: this.log,
      bundle: vscode.Uri.joinPath(extension.extensionUri, 'dist'),
      highlight: this.editHighlight,
      layouts,
      moves: new MovedPanels(extension.workspaceState, (problem) => this.log.warn(problem)),
      files: this.workspaceValidator,
    });
    this.insights = new InsightsPanels({
      runs: this.runs,
      dag: this.dag,
      documents: this.documents,
      log: this.log,
      bundle: vscode.Uri.joinPath(extension.extensionUri, 'dist'),
    });
    this.startedHere = new StartedRuns(extension.globalState);
    this.engine = this.localEngine();
    this.engineScope.push(...this.listenTo(this.engine));
    this.engines = new EngineChoice(this);
    this.heldMutexes = new HeldMutexes({ list: () => this.actions.heldMutexes(), isLocal: () => this.engines.engine === undefined });
    this.subscribe(this.log, this.workspaceValidator, this.validation, this.runs, this.dag, this.insights, this.editHighlight, this.engines, this.heldMutexes);
    this.subscribe(followWorkflowFiles([this.prompts.last, secrets, layouts], (problem) => this.log.warn(problem)));
  }

  /** Adds to the extension's scope: disposed when the extension deactivates. */
  subscribe(...disposables: vscode.Disposable[]): void {
    this.extension.subscriptions.push(...disposables);
  }

  request: EngineLink['request'] = (type, params) => this.engine.request(type, params);

  /** The engine this window asks. */
  get currentEngine(): EngineConnection {
    return this.engine;
  }

  /** The engine process of this window: started on the first request, told where runs are kept. */
  localEngine(): EngineClient {
    const engine = new EngineClient(this.extension.asAbsolutePath('dist/engine.js'), this.log, () => ({ roots: runsRoots(), ...cacheSettings() }));
    const reconfigure = () => void engine.configure().then(() => this.runs.reload());
    this.engineScope.push(
      vscode.workspace.onDidChangeWorkspaceFolders(reconfigure),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('maestro.runsDirectory') && reconfigure()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (
          !['maestro.cache.copiesMaxMb', 'maestro.cache.sharedFolder', 'maestro.cache.sharedKeyFile', 'maestro.cache.sharedReadOnly'].some((s) =>
            e.affectsConfiguration(s),
          )
        )
          return;
        void engine.configure();
        if (['maestro.cache.sharedFolder', 'maestro.cache.sharedKeyFile'].some((s) => e.affectsConfiguration(s))) checkSharedCache(this.log);
      }),
    );
    return engine;
  }

  private listenTo(engine: EngineConnection): vscode.Disposable[] {
    return [engine, this.runs.attach(engine)];
  }

  /**
   * Uses another engine: the old one is let go (a local one stops its runs where they stand, to be resumed), what
   * listened to it stops, and the runs are read anew from the new one. Switches happen one after another.
   */
  useEngine(make: () => EngineConnection): Promise<void> {
    this.switching = this.switching.then(async () => {
      await this.shutdownEngine();
      this.engine = make();
      this.engineScope.push(...this.listenTo(this.engine));
      this.runs.reset();
      await this.runs.reload();
    });
    return this.switching;
  }

  /** Stops the engine (its runs stay interrupted in their logs, to be resumed) and everything that listens to it. */
  async shutdownEngine(): Promise<void> {
    const engine = this.engine;
    for (const d of this.engineScope.splice(0)) if (d !== engine) d.dispose();
    await engine.shutdown();
    engine.dispose();
  }
}
