import type * as vscode from 'vscode';
import { isGone, movedUri, type FollowsWorkflowFiles, type UriMove } from '../workflowFileMoves';

/** Where the keys of the remembered values are listed: the secret storage cannot list its own. */
const INDEX_KEY = 'maestro.secretInputs.remembered';
const KEY_PREFIX = 'maestro.secretInput ';

/**
 * The value last given to each secret input of each workflow file, in VS Code's secret storage (the system's
 * keychain where it has one), so that the next run's prompt comes filled in. Never in a file, a setting or a run.
 */
export class SecretInputMemory implements FollowsWorkflowFiles {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly index: vscode.Memento,
  ) {}

  private static key(workflow: string, input: string): string {
    return `${KEY_PREFIX}${workflow} ${input}`;
  }

  /** The workflow and the input a key is of (a URI has no space; an input name neither). */
  private static parts(key: string): { workflow: string; input: string } | undefined {
    const space = key.lastIndexOf(' ');
    if (!key.startsWith(KEY_PREFIX) || space < KEY_PREFIX.length) return undefined;
    return { workflow: key.slice(KEY_PREFIX.length, space), input: key.slice(space + 1) };
  }

  /** `workflow`: the workflow file's URI as a string. */
  get(workflow: string, input: string): Thenable<string | undefined> {
    return this.secrets.get(SecretInputMemory.key(workflow, input));
  }

  async remember(workflow: string, input: string, value: string): Promise<void> {
    const key = SecretInputMemory.key(workflow, input);
    if (value === '') return this.forget([key]);
    await this.secrets.store(key, value);
    const keys = this.keys();
    if (!keys.includes(key)) await this.index.update(INDEX_KEY, [...keys, key]);
  }

  /** An input was renamed (its edit made, maybe not yet taken): its value is remembered under the new name too. */
  async followRename(workflow: string, from: string, to: string): Promise<void> {
    const value = await this.get(workflow, from);
    if (value !== undefined && (await this.get(workflow, to)) === undefined) await this.remember(workflow, to, value);
  }

  /** The values of the workflow files moved are remembered where they are now. */
  async followMoves(moves: readonly UriMove[]): Promise<void> {
    // All read before any is written: a file can move to where another moved from.
    const moved: { key: string; to: string; input: string; value: string | undefined }[] = [];
    for (const key of this.keys()) {
      const parts = SecretInputMemory.parts(key);
      const to = parts && movedUri(parts.workflow, moves);
      if (parts && to !== undefined) moved.push({ key, to, input: parts.input, value: await this.secrets.get(key) });
    }
    await this.forget(moved.map((m) => m.key));
    for (const { to, input, value } of moved) if (value !== undefined) await this.remember(to, input, value);
  }

  /** Forgets the values of the workflow files deleted. */
  async forgetGone(gone: readonly string[]): Promise<void> {
    await this.forget(this.keys().filter((key) => isGone(SecretInputMemory.parts(key)?.workflow ?? '', gone)));
  }

  /** Forgets every remembered value; says how many there were. */
  async forgetAll(): Promise<number> {
    const keys = this.keys();
    await this.forget(keys);
    return keys.length;
  }

  private async forget(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.secrets.delete(key);
    const left = this.keys().filter((k) => !keys.includes(k));
    await this.index.update(INDEX_KEY, left.length ? left : undefined);
  }

  private keys(): string[] {
    const listed = this.index.get<unknown>(INDEX_KEY);
    return Array.isArray(listed) ? listed.filter((k): k is string => typeof k === 'string') : [];
  }
}
