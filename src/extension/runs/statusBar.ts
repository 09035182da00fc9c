import * as vscode from 'vscode';
import { formatDuration } from '../../engine/duration';
import { isActiveRun, shownRunStatus } from '../../engine/runRules';
import { failedNodesText, progressOf } from '../views/treeModels';
import { plainText } from '../ui/untrustedText';
import type { RunManager } from './runManager';

/** Shows the run in progress (`$(sync~spin) SDLC parallel 3/6`), then its result for a while. */
export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('maestro.run', vscode.StatusBarAlignment.Left, 40);
  private readonly subscription: vscode.Disposable;
  private hideTimer: NodeJS.Timeout | undefined;
  private shownResultOf: string | undefined;

  constructor(private readonly runs: RunManager) {
    this.item.name = 'Maestro Run';
    this.subscription = runs.onDidChange(() => this.update());
  }

  private update(): void {
    const live = this.runs.all().filter((r) => r.live);
    const active = live.filter((r) => isActiveRun(r.status));
    const run = active[0] ?? live[0];
    if (!run) return;
    const { done, total } = progressOf(run.state);
    this.item.command = { command: 'maestro.showDag', title: 'Show DAG', arguments: [run.runId] };
    if (isActiveRun(run.status)) {
      clearTimeout(this.hideTimer);
      this.shownResultOf = undefined;
      const more = active.length > 1 ? ` (+${active.length - 1})` : '';
      const status = shownRunStatus(run);
      const pausing = status === 'pausing' ? ' pausing…' : '';
      this.item.text = `${run.status === 'paused' || pausing ? '$(debug-pause)' : '$(sync~spin)'} ${plainText(run.workflowName, 60)} ${done}/${total}${pausing}${more}`;
      const why = pausing ? ' (nothing new starts; the running nodes finish first)' : '';
      this.item.tooltip = `${run.workflowName}: ${status}${why}, ${done} of ${total} nodes ended — click to show its DAG`;
      this.item.backgroundColor = undefined;
      this.item.show();
      return;
    }
    // A retried run ends again under the same id: its new end is a new result to show.
    const result = `${run.runId}@${run.endedAt ?? ''}`;
    if (this.shownResultOf === result) return;
    this.shownResultOf = result;
    const icon = run.status === 'completed' ? '$(pass-filled)' : run.status === 'failed' ? '$(error)' : '$(circle-slash)';
    const duration = run.endedAt ? ` in ${formatDuration(run.endedAt - run.startedAt)}` : '';
    this.item.text = `${icon} ${plainText(run.workflowName, 60)} ${run.status}`;
    const failed = failedNodesText(run.state);
    this.item.tooltip = `${run.workflowName} ${run.status}${duration}${failed ? `: ${failed}` : ''} — click to show its DAG`;
    this.item.backgroundColor = run.status === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
    clearTimeout(this.hideTimer);
    this.hideTimer = setTimeout(() => this.item.hide(), 15_000);
  }

  dispose(): void {
    clearTimeout(this.hideTimer);
    this.subscription.dispose();
    this.item.dispose();
  }
}
