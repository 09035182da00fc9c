import * as vscode from 'vscode';
import type { InputSpec } from '../../engine/model';
import type { HeldMutex } from '../../engine/protocol';
import { canDeleteRun, canPauseRun, canRetryFailedRun, canResumeRun, isActiveRun, shownRunStatus } from '../../engine/runRules';
import type { WorkflowDocuments } from '../language/documents';
import type { EngineLink } from './engineConnection';
import type { RunEntry, RunManager } from './runManager';
import { settingNumber } from '../settingValues';
import { isInWorkspace } from './startedRuns';

/** Why an action was refused, so that whoever shows it can offer the way out. */
export type RefusalKind = 'untrusted' | 'invalid-workflow' | 'not-allowed';

/** An action that cannot be done now, with the reason; commands show it as a notification, the panel in place. */
export class ActionRefused extends Error {
  constructor(
    message: string,
    readonly kind: RefusalKind,
  ) {
    super(message);
    this.name = 'ActionRefused';
  }
}

/**
 * Everything that can be done to runs, for the commands and the DAG panel alike. Each action checks that it may
 * be done (trust, the workflow's errors, the run's status) and throws when it cannot, or when the engine fails it;
 * only commands turn errors into notifications.
 */
export class RunActions {
  constructor(
    private readonly engine: EngineLink,
    private readonly runs: RunManager,
    private readonly documents: WorkflowDocuments,
    /** Asks for some of a workflow's secret inputs (undefined when the user gives up). */
    private readonly askSecrets: (uri: vscode.Uri, inputs: InputSpec[]) => Promise<Record<string, string> | undefined> = async () => ({}),
  ) {}

  /** Starts a run of a workflow (saved first, if it has unsaved changes); resolves once it has started. */
  async start(uri: vscode.Uri, inputs: Record<string, string> = {}, o: { reuseResults?: boolean } = {}): Promise<RunEntry> {
    requireTrust();
    const doc = await this.readyToRun(uri);
    const config = vscode.workspace.getConfiguration('maestro', uri);
    const concurrency = settingNumber('maxConcurrency', config.get('maxConcurrency')) ?? undefined;
    const { runId } = await this.engine.request('start', {
      workflowPath: doc.uri.fsPath,
      inputs,
      ...(concurrency ? { concurrency } : {}),
      killGraceMs: killGraceMs(uri),
      ...(o.reuseResults === false || config.get('reuseCachedResults') === false ? { reuseResults: false } : {}),
    });
    return this.runs.whenStarted(runId);
  }

  /**
   * Runs a node and what comes after it again, keeping the rest of the workflow's last run; or, with no run yet, runs
   * it all, with the inputs `inputsForNewRun` gives (none when it gives up).
   */
  async runFrom(uri: vscode.Uri, nodeId: string, inputsForNewRun: () => Promise<Record<string, string> | undefined> = async () => ({})): Promise<void> {
    requireTrust();
    const last = this.runs.latestFor(uri);
    if (!last) {
      const inputs = await inputsForNewRun();
      if (inputs) await this.start(uri, inputs);
      return;
    }
    if (last.live && isActiveRun(last.status))
      throw new ActionRefused(`the last run of ${last.workflowName} is still ${last.status}: cancel it first`, 'not-allowed');
    await this.readyToRun(uri);
    await this.resume(last, nodeId);
  }

  async pause(run: RunEntry): Promise<void> {
    if (!(run.live && canPauseRun(run))) throw new ActionRefused(`run ${run.runId} is ${shownRunStatus(run)}: only a running run can be paused`, 'not-allowed');
    await this.engine.request('pause', { runId: run.runId });
  }

  /** Resumes a paused run, or continues an ended or interrupted one from its log (optionally from one node). */
  async resume(run: RunEntry, fromNode?: string): Promise<void> {
    requireTrust();
    if (fromNode === undefined && !canResumeRun(run))
      throw new ActionRefused(`run ${run.runId} is ${shownRunStatus(run)}: there is nothing to resume`, 'not-allowed');
    // The run record names the workflow to run: a record written by someone else may name any file.
    if (!isInWorkspace(run.workflowPath))
      throw new ActionRefused(`run ${run.runId} is of ${run.workflowPath}, which is outside this workspace: it is not resumed from here`, 'not-allowed');
    const uri = vscode.Uri.file(run.workflowPath);
    // A paused run still holds its inputs; one continued from its log needs the secret ones its record masked.
    const { inputs: needed } = await this.engine.request('resumeSecrets', { runId: run.runId });
    const secretInputs = needed.length ? await this.askSecrets(uri, needed) : {};
    if (!secretInputs) return;
    // The events the engine sends next fold onto the run's state so far.
    await this.runs.loadState(run);
    await this.engine.request('resume', {
      runId: run.runId,
      killGraceMs: killGraceMs(uri),
      ...(fromNode ? { fromNode } : {}),
      ...(Object.keys(secretInputs).length ? { secretInputs } : {}),
    });
  }

  async cancel(run: RunEntry): Promise<void> {
    if (!(run.live && isActiveRun(run.status))) throw new ActionRefused(`run ${run.runId} is ${run.status}: there is nothing to cancel`, 'not-allowed');
    await this.engine.request('cancel', { runId: run.runId });
  }

  /** Runs a failed, cancelled or skipped node again, with what comes after it. */
  async retryNode(run: RunEntry, nodeId: string): Promise<void> {
    requireTrust();
    if (!run.live) return this.resume(run, nodeId);
    await this.engine.request('retryNode', { runId: run.runId, nodeId });
  }

  /** Runs the failed, cancelled and never-started nodes of an ended run again, from its log. */
  async retryFailed(run: RunEntry): Promise<void> {
    if (!canRetryFailedRun(run.status)) throw new ActionRefused(`run ${run.runId} is ${run.status}: it has no failed nodes to retry`, 'not-allowed');
    await this.resume(run);
  }

  async approve(run: RunEntry, nodeId: string, approved: boolean, comment?: string): Promise<void> {
    if (!run.live) throw new ActionRefused("this run is no longer held by this window's engine: it cannot be approved from here", 'not-allowed');
    await this.engine.request('approve', { runId: run.runId, nodeId, approved, ...(comment ? { comment } : {}) });
  }

  async delete(run: RunEntry): Promise<void> {
    if (run.live && !canDeleteRun(run.status)) throw new ActionRefused('cancel the run before deleting it', 'not-allowed');
    await this.engine.request('deleteRun', { runId: run.runId });
    this.runs.forget(run.runId);
  }

  /** Deletes the results nodes with `cache` kept, of one workflow or of all (with `shared`, the team's too); says how many. */
  async forgetKeptResults(uri: vscode.Uri | undefined, o: { shared?: boolean } = {}): Promise<number> {
    const scope = uri ? { workflowPath: uri.fsPath } : {};
    const { removed } = await this.engine.request('forgetResults', scope);
    if (!o.shared) return removed;
    return removed + (await this.engine.request('forgetResults', { ...scope, shared: true })).removed;
  }

  /** The mutexes held on the engine's machine, by its runs and other processes', and the folder of their lock files. */
  async heldMutexes(): Promise<{ mutexes: HeldMutex[]; folder?: string }> {
    return this.engine.request('listMutexes', {});
  }

  /** Gives back a mutex another process holds (refused for one a run of this engine holds); what it was. */
  async releaseMutex(mutex: string): Promise<HeldMutex> {
    return (await this.engine.request('releaseMutex', { mutex })).released;
  }

  /** The workflow's document, saved, once it has no errors. */
  /** Whether starting a run of the workflow would be refused now (Restricted Mode, errors in the file). */
  async wouldRefuse(uri: vscode.Uri): Promise<boolean> {
    return !vscode.workspace.isTrusted || this.errorsRefusal(await vscode.workspace.openTextDocument(uri)) !== undefined;
  }

  private errorsRefusal(doc: vscode.TextDocument): ActionRefused | undefined {
    const errors = this.documents.index(doc).result.diagnostics.filter((d) => d.severity === 'error').length;
    if (!errors) return undefined;
    return new ActionRefused(
      `${vscode.workspace.asRelativePath(doc.uri)} has ${errors} error${errors === 1 ? '' : 's'}: fix ${errors === 1 ? 'it' : 'them'} to run it`,
      'invalid-workflow',
    );
  }

  private async readyToRun(uri: vscode.Uri): Promise<vscode.TextDocument> {
    const doc = await vscode.workspace.openTextDocument(uri);
    const refused = this.errorsRefusal(doc);
    if (refused) throw refused;
    if (doc.isDirty) await doc.save();
    return doc;
  }
}

/** Nothing runs in Restricted Mode. */
function requireTrust(): void {
  if (!vscode.workspace.isTrusted)
    throw new ActionRefused(
      'Maestro does not run workflows in Restricted Mode: trust this workspace to run them. Validation and the DAG still work.',
      'untrusted',
    );
}

function killGraceMs(uri: vscode.Uri): number {
  return settingNumber('killGracePeriod', vscode.workspace.getConfiguration('maestro', uri).get('killGracePeriod')) * 1000;
}
