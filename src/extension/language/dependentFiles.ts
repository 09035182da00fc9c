// Which workflow files say something else once another file changes: for each, the files its last validation
// depended on (the sub-workflows it runs and theirs, the scripts their nodes run). Pure: files are absolute paths,
// compared as the file system of the platform compares them.
import { resolve } from 'node:path';

/** Windows' and macOS's usual file systems ignore case: `./Sub.workflow.yaml` there names `sub.workflow.yaml`. */
const IGNORES_CASE = process.platform === 'win32' || process.platform === 'darwin';

const fileKey = (path: string): string => (IGNORES_CASE ? resolve(path).toLowerCase() : resolve(path));

export class DependentFiles<T> {
  private readonly entries = new Map<string, { file: T; dependsOn: Set<string> }>();

  /** Notes what the last validation of the file at `path` depended on; a file that depends on none is forgotten. */
  note(path: string, file: T, dependsOn: readonly string[]): void {
    if (dependsOn.length === 0) this.entries.delete(fileKey(path));
    else this.entries.set(fileKey(path), { file, dependsOn: new Set(dependsOn.map(fileKey)) });
  }

  forget(path: string): void {
    this.entries.delete(fileKey(path));
  }

  /** The files whose validation depends on the file at `changed`, other than itself. */
  dependentsOf(changed: string): T[] {
    const key = fileKey(changed);
    return [...this.entries].filter(([path, e]) => path !== key && e.dependsOn.has(key)).map(([, e]) => e.file);
  }
}
