// The mutexes held on the engine's machine, as the Runs view shows them. Asked of the engine again when the window's
// runs change and, for the window's own engine, when a lock file comes or goes in the folder the engine names (a run
// of another process took or gave one back); only while the view is shown. No vscode import: tested as it is.
import { existsSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { HeldMutex } from '../../engine/protocol';

/** Many changes in a row (a run's nodes ending) make one request. */
const REFRESH_MS = 300;

export interface HeldMutexSource {
  list(): Promise<{ mutexes: HeldMutex[]; folder?: string }>;
  /** Whether the engine runs on this machine: its folder is this machine's to follow. */
  isLocal(): boolean;
}

/**
 * Calls `onChange` when something changes in a folder; one that is not there yet is waited for in its parent.
 * `waitsForFolder` is true while the folder is not followed itself (not made yet, or removed since).
 */
export type WatchFolder = (folder: string, onChange: () => void) => { close(): void; waitsForFolder: boolean };

export const watchFolder: WatchFolder = (folder, onChange) => {
  try {
    const handle = { close: () => watcher.close(), waitsForFolder: false };
    // A folder removed ends its watcher: the next look follows it again, from its parent until it is made again.
    const gone = () => {
      handle.waitsForFolder = true;
      watcher.close();
    };
    const watcher = watch(folder, { persistent: false }, () => {
      if (!existsSync(folder)) gone();
      onChange();
    });
    watcher.on('error', () => {
      gone();
      onChange();
    });
    return handle;
  } catch {
    try {
      const name = basename(folder);
      const watcher = watch(dirname(folder), { persistent: false }, (_event, changed) => changed === name && onChange());
      watcher.on('error', () => undefined);
      return { close: () => watcher.close(), waitsForFolder: true };
    } catch {
      return { close: () => undefined, waitsForFolder: true };
    }
  }
};

const sameList = (a: readonly HeldMutex[], b: readonly HeldMutex[]): boolean => JSON.stringify(a) === JSON.stringify(b);

export class HeldMutexes {
  private current: HeldMutex[] = [];
  private readonly listeners = new Set<() => void>();
  private followed: { folder: string; watch: ReturnType<WatchFolder> } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private asked = 0;
  private shown = false;

  constructor(
    private readonly source: HeldMutexSource,
    private readonly watchFolderWith: WatchFolder = watchFolder,
  ) {}

  /** Calls `listener` when the mutexes held change. */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get held(): readonly HeldMutex[] {
    return this.current;
  }

  /** The view is shown or hidden: only a shown view follows the mutexes. */
  setShown(shown: boolean): void {
    this.shown = shown;
    if (shown) return void this.refresh();
    this.unfollow();
    clearTimeout(this.timer);
  }

  refreshSoon(): void {
    if (!this.shown) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), REFRESH_MS);
  }

  async refresh(): Promise<void> {
    const asked = ++this.asked;
    let listed: { mutexes: HeldMutex[]; folder?: string };
    try {
      listed = await this.source.list();
    } catch {
      // An engine that cannot answer (stopped, a served one gone) lists nothing until it can.
      listed = { mutexes: [] };
    }
    // An older answer that comes after a newer one is left.
    if (asked !== this.asked || !this.shown) return;
    this.follow(this.source.isLocal() ? listed.folder : undefined);
    if (sameList(listed.mutexes, this.current)) return;
    this.current = listed.mutexes;
    for (const listener of [...this.listeners]) listener();
  }

  private follow(folder: string | undefined): void {
    if (this.followed && this.followed.folder === folder && !this.followed.watch.waitsForFolder) return;
    this.unfollow();
    if (folder === undefined) return;
    this.followed = { folder, watch: this.watchFolderWith(folder, () => this.refreshSoon()) };
  }

  private unfollow(): void {
    this.followed?.watch.close();
    this.followed = undefined;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.unfollow();
    this.listeners.clear();
  }
}
