// The answers last given to a workflow's inputs (never a secret's), in the workspace's state, by workflow file.
import type * as vscode from 'vscode';
import { isGone, movedUri, type FollowsWorkflowFiles, type UriMove } from '../workflowFileMoves';
import { storedAnswers } from './inputFill';

const PREFIX = 'maestro.lastInputs ';

export class LastAnswers implements FollowsWorkflowFiles {
  constructor(private readonly state: Pick<vscode.Memento, 'get' | 'update' | 'keys'>) {}

  /** `workflow`: the workflow file's URI as a string. */
  get(workflow: string): Record<string, string> {
    return storedAnswers(this.state.get<unknown>(PREFIX + workflow));
  }

  async set(workflow: string, answers: Readonly<Record<string, string>>): Promise<void> {
    await this.state.update(PREFIX + workflow, Object.keys(answers).length ? answers : undefined);
  }

  /**
   * An input was renamed (its edit made, maybe not yet taken): the answer given to it is kept under the new name too.
   * The old name's stays, for an edit the user does not take; the next run keeps what its inputs are.
   */
  async followRename(workflow: string, from: string, to: string): Promise<void> {
    const answers = this.get(workflow);
    if (!Object.hasOwn(answers, from) || Object.hasOwn(answers, to)) return;
    await this.set(workflow, { ...answers, [to]: answers[from] });
  }

  private workflows(): string[] {
    return this.state
      .keys()
      .filter((k) => k.startsWith(PREFIX))
      .map((k) => k.slice(PREFIX.length));
  }

  async followMoves(moves: readonly UriMove[]): Promise<void> {
    // All read before any is written: a file can move to where another moved from.
    const moved = this.workflows().flatMap((from) => {
      const to = movedUri(from, moves);
      return to === undefined ? [] : [{ from, to, answers: this.get(from) }];
    });
    for (const { from } of moved) await this.state.update(PREFIX + from, undefined);
    for (const { to, answers } of moved) await this.set(to, answers);
  }

  async forgetGone(gone: readonly string[]): Promise<void> {
    for (const workflow of this.workflows()) if (isGone(workflow, gone)) await this.state.update(PREFIX + workflow, undefined);
  }
}
