import type * as vscode from 'vscode';

/** Where the keys of the remembered values are listed: the secret storage cannot list its own. */
const INDEX_KEY = 'maestro.secretInputs.remembered';

/**
 * The value last given to each secret input of each workflow file, in VS Code's secret storage (the system's
 * keychain where it has one), so that the next run's prompt comes filled in. Never in a file, a setting or a run.
 */
export class SecretInputMemory {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly index: vscode.Memento,
  ) {}

  private static key(workflow: string, input: string): string {
    return `maestro.secretInput ${workflow} ${input}`;
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
