// Which workflow files say something else once another file changes: for each, the files its last validation
// depended on (the sub-workflows it runs and theirs). Pure: keys are the files' absolute paths.

export class DependentFiles<T> {
  private readonly entries = new Map<string, { file: T; dependsOn: Set<string> }>();

  /** Notes what a file's last validation depended on; a file that depends on none is forgotten. */
  note(key: string, file: T, dependsOn: readonly string[]): void {
    if (dependsOn.length === 0) this.entries.delete(key);
    else this.entries.set(key, { file, dependsOn: new Set(dependsOn) });
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  /** The files whose validation depends on `changed`, other than itself. */
  dependentsOf(changed: string): T[] {
    return [...this.entries].filter(([key, e]) => key !== changed && e.dependsOn.has(changed)).map(([, e]) => e.file);
  }
}
